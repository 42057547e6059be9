"""Paper App. E / Thm 1.4 (App. E), measured: value sizes in piecewise-linear networks.

For a network whose non-source activations are all piecewise linear (identity, ReLU,
:class:`~ermbit.network.activations.PiecewiseLinear`, polynomials of degree <= 1),
:func:`app_e_bound` states an explicit bound on the docs: model.md size of every value of the
forward pass and of the backward pass (squared, half-squared or hinge loss), and
:func:`measure` reports the sizes actually met.

The bound
---------
Let ``m = |E|``, ``S`` the number of samples (repeat counts included) and ``N`` the
largest *class size* of the atoms, where a class is brought to its common denominator
``L`` first: ``csize({p_i/r_i}) = 1 + max_i bitlen(|p_i|·L/r_i) + bitlen(L)``.  The
classes are: each weight, each bias, each breakpoint (singletons); the inputs at one node
over all samples; the labels at one output over all samples; the slopes of one node's σ
over all its pieces; its intercepts (identity: slope 1, intercept 0; ReLU: slopes 0, 1).
For singletons ``csize = size``; for a class whose denominators agree (integer inputs,
ReLU) it is the largest size.  Then every value has size at most

* forward (pre-activations and values): ``N + 14·m·(N + 1)``;
* backward (∂L/∂f^v, ∂L/∂pre_v per sample; the summed ∂L/∂w and ∂L/∂b):
  ``N + 40·max(m, 1)·(N + 1) + ⌈log₂ S⌉``.

Why classes: with one sample per prime p_i, ``x_i = 1/p_i`` on the edge ``s -> o`` (w = 1,
loss ½(f − 0)²) the summed gradient is ``Σ 1/p_i²``, of about ``2·Σ log p_i`` bits: *not*
``N + O(log S)`` for the plain largest size N.  Over a common denominator the sum of S
terms only adds ``log₂ S`` bits to the numerator.  (``max(m, 1)``: a network without edges
still has the seed ``2(x − y)`` at an output, larger than N.)

Derivation (λ = N − 2, K = 2^λ; every atom a has ``|a| <= K`` and its class denominator
``L`` has ``log₂ L <= λ``; every value's size is ``<= 3 + A + 2B`` when ``|q| <= 2^A``
and its denominator divides an integer ``D <= 2^B``, because the numerator is ``|q|·den``):

1. *Denominators, forward.*  ``s·z + c`` has a denominator dividing
   ``L_s·L_c·den(z)``; a sum's denominator divides the lcm of its terms'.  By induction
   along a topological order, the denominator of ``pre_v`` and ``f^v`` divides the
   product of: ``den(w_e)·den(b_e)`` over the ``T_v`` edges into ``anc*(v)`` (v and its
   ancestors), the input class ``L_x(u)`` of each ``u ∈ anc*(v)`` (at most ``T_v + 1``
   nodes), and ``L_s(u)·L_c(u)`` for each non-source ``u ∈ anc*(v)`` (at most ``T_v``,
   each has its own in-edge).  Every factor appears once because an edge into ``v`` is
   not an edge into ``anc*(u)`` for an in-neighbour u (the graph is acyclic), and an
   lcm of divisors of a product over a set divides the product over the union.  So
   ``B = λ·(5T_v + 1)``.
2. *Magnitudes, forward.*  With ``ψ(v) = 1 + |f^v|``:
   ``1 + |pre_v| <= 1 + K(1 + d) + K·Σ|f^u| <= K(d + 2)·max_u ψ(u)`` (d = in-degree) and
   ``ψ(v) <= 1 + K(1 + |pre_v|) <= 2K·(1 + |pre_v|)``.  Since ``T_v >= T_u + d`` for every
   in-neighbour and ``2λ + 1 + log₂(d + 2) <= (2N − 1)·d``, induction gives
   ``log₂ ψ(v) <= (N − 1) + (2N − 1)·T_v`` -- linear in the edges, although the number of
   paths may be exponential: the sum over the d in-edges costs ``log₂(d + 2)`` bits, paid
   by those d edges.  So ``A = (N − 1) + (2N − 1)T``.
3. Forward size ``<= 3 + A + 2B = 3N − 2 + (12N − 21)·T``, which for ``T >= 1`` is
   ``<= N + 14·T·(N + 1)``; for ``T = 0`` the value is an input, of size ``<= N``.
4. *Backward, one sample.*  ``g_v = seed_v + Σ_{(v,w)} w_vw·δ_w`` and ``δ_w = s_w·g_w``
   with ``seed_o = c·(f^o − y_o)``, ``c ∈ {1, 2}`` (hinge: ``−y_o``).  Work in the
   connected component of v, with ``m`` edges, ``<= m + 1`` nodes, ``<= m`` non-sources.
   Denominator: ``seed_o`` divides ``D_f·L_y(o)`` with ``D_f`` the product of item 1 over
   the whole component (``λ(5m + 1)``); going backwards each out-edge adds ``den(w)`` and
   ``L_s`` of its head, each once (the same acyclicity argument, with descendants); so
   ``g_v, δ_v`` have ``B = λ(5m + 1 + (m + 1) + m + m) = λ(8m + 2)``.  Magnitude:
   ``|seed| <= 2(Ψ + K) <= 4Ψ`` with ``Ψ = 2^((N−1)+(2N−1)m)``, and
   ``|g_v| <= 4Ψ + K²·d⁺·max|g_w|`` gives ``|g_v| <= 4Ψ·(2K²)^(R_v)`` with R_v the edges
   out of v's descendants (``1 + K²d <= (2K²)^d``); so ``|δ_v| <= 2^(2N − 1 + (4N − 4)m)``
   and their size is ``<= 6N − 6 + (20N − 36)m``.
5. ``∂L/∂w_uv = δ_v·f^u``: ``A = 3N − 2 + (6N − 5)m``, ``B = λ(13m + 3)``, size
   ``<= 9N − 11 + (32N − 57)m <= N + 40·m·(N + 1)`` for ``m >= 1`` (``∂L/∂b = δ``).
6. *S samples* (repeat r counts r times): every sample's values lie over the same
   common denominators (classes), so a sum of S of them, or a seed scaled by
   ``r <= S``, adds at most ``log₂ S`` bits to the numerator.

The constants 14 and 40 are worst-case (general rational slopes in every layer); ReLU
networks with integer data stay far below.  Polynomial activations of degree >= 2 have
no such bound (a chain of L squarings of 3 has about ``2^L·log₂ 3`` bits) and are refused.

>>> from ermbit.network.erm import Sample
>>> from ermbit.network.model import Network
>>> net = Network.from_specs({"s": "id", "h": "relu", "o": "id"},
...                          [("s", "h", "2", "-1"), ("h", "o", "1/3", "0")], ["o"])
>>> b = app_e_bound(net, None, [Sample.of({"s": 5}, {"o": 1}, "squared")])
>>> b.n, b.edges, b.forward_bits, b.backward_bits
(5, 2, 173, 485)
>>> m = measure(net, [Sample.of({"s": 5}, {"o": 1}, "squared")])
>>> m.forward_bits, m.backward_bits, b.holds(m)
(6, 8, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ermbit.errors import InputError, InputTypeError
from ermbit.exact import Q, Z, bitlen, ceil_log2, lcm, parse, size
from ermbit.network.activations import Activation, Identity, PiecewiseLinear, Polynomial, ReLU
from ermbit.network.erm import Sample
from ermbit.network.model import Network

__all__ = [
    "FORWARD_CONSTANT",
    "BACKWARD_CONSTANT",
    "Bound",
    "Measured",
    "app_e_bound",
    "class_size",
    "measure",
    "report",
]

#: C of the forward bound ``N + C·|E|·(N + 1)`` (derivation in the module docstring).
FORWARD_CONSTANT = 14
#: C of the backward bound ``N + C·max(|E|, 1)·(N + 1) + ⌈log₂ S⌉``.
BACKWARD_CONSTANT = 40

Inputs = Sequence[Sample | Mapping[str, object]]
_Row = tuple[dict[str, Any], dict[str, Any], int]  # inputs, labels, repeat


@dataclass(frozen=True)
class Bound:
    """The App. E bound for one network, θ and sample set.

    Attributes
    ----------
    n : int
        N, the largest class size of the atoms (module docstring).
    n_plain : int
        The largest plain :func:`~ermbit.exact.size` of the atoms (``<= n``).
    edges : int
        |E|.
    num_samples : int
        S, the number of samples counted with their repeat counts.
    """

    n: int
    n_plain: int
    edges: int
    num_samples: int

    def __post_init__(self) -> None:
        for name in ("n", "n_plain", "edges", "num_samples"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InputError(f"{name}: expected a non-negative int, got {value!r}")
        if self.n_plain > self.n:
            raise InputError(f"n_plain: {self.n_plain} exceeds n = {self.n}")
        if self.num_samples < 1:
            raise InputError(f"num_samples: must be >= 1, got {self.num_samples}")

    @property
    def forward_bits(self) -> int:
        """``N + 14·|E|·(N + 1)``: no pre-activation or value is larger."""
        return self.n + FORWARD_CONSTANT * self.edges * (self.n + 1)

    @property
    def backward_bits(self) -> int:
        """``N + 40·max(|E|, 1)·(N + 1) + ⌈log₂ S⌉``: no backward value is larger."""
        m = max(self.edges, 1)
        return self.n + BACKWARD_CONSTANT * m * (self.n + 1) + ceil_log2(self.num_samples)

    @property
    def bits(self) -> int:
        """The bound on every value of both passes."""
        return max(self.forward_bits, self.backward_bits)

    @property
    def formula(self) -> str:
        """The bound in words, with the numbers filled in."""
        n, m, s = self.n, self.edges, self.num_samples
        return (
            f"forward <= N + {FORWARD_CONSTANT}·|E|·(N+1) = {self.forward_bits}, "
            f"backward <= N + {BACKWARD_CONSTANT}·max(|E|,1)·(N+1) + ceil(log2 S) = "
            f"{self.backward_bits} (N = {n}, |E| = {m}, S = {s})"
        )

    def holds(self, measured: Measured) -> bool:
        """Whether the measured sizes are within the bound."""
        return (
            measured.forward_bits <= self.forward_bits
            and measured.backward_bits <= self.backward_bits
        )


@dataclass(frozen=True)
class Measured:
    """Largest sizes met: ``forward_bits`` over every pass (:attr:`Pass.max_value_bits`),
    ``backward_bits`` over the backward values (:attr:`Grad.max_bits`, 0 without seeds)."""

    forward_bits: int
    backward_bits: int
    num_samples: int

    @property
    def max_bits(self) -> int:
        """The largest size of any value of either pass."""
        return max(self.forward_bits, self.backward_bits)


def class_size(values: Iterable[Any]) -> int:
    """Size of a class of rationals written over their common denominator ``L``:
    ``1 + max bitlen(|p_i|·L/r_i) + bitlen(L)``; equal to ``size`` for one value, 0 for none.

    >>> class_size(["1/3"]), class_size(["1/3", "1/5"]), class_size(["3", "-7"]), class_size([])
    (4, 8, 5, 0)
    """
    qs = [parse(v) for v in values]
    if not qs:
        return 0
    den = Z(1)
    for q in qs:
        den = lcm(den, q.denominator)
    return 1 + max(bitlen(abs(q.numerator) * (den // q.denominator)) for q in qs) + bitlen(den)


def _pieces(node: str, act: Activation) -> tuple[tuple[Any, ...], ...]:
    """(slopes, intercepts, breakpoints) of a piecewise-linear σ; InputError otherwise."""
    if isinstance(act, Identity):
        return ((Q(1),), (Q(0),), ())
    if isinstance(act, ReLU):
        return ((Q(0), Q(1)), (Q(0), Q(0)), (Q(0),))
    if isinstance(act, PiecewiseLinear):
        return (act.slopes, act.intercepts, act.breakpoints)
    if isinstance(act, Polynomial) and act.degree <= 1:
        cs = (*act.coeffs, Q(0))
        return ((cs[1],), (cs[0],), ())
    raise InputError(
        f"network: node {node!r} has activation {act}, which is not piecewise linear; "
        "the App. E bound holds only for identity, ReLU, piecewise-linear and affine σ"
    )


def _samples(inputs: Inputs) -> list[_Row]:
    if isinstance(inputs, Mapping | str) or not isinstance(inputs, Sequence):
        raise InputTypeError(f"inputs: expected a sequence of Sample or mappings, got {inputs!r}")
    out = []
    for i, item in enumerate(inputs):
        if isinstance(item, Sample):
            out.append((item.inputs, item.labels, item.repeat))
        elif isinstance(item, Mapping):
            x = {str(k): parse(v, name=f"inputs[{i}][{k!r}]") for k, v in item.items()}
            out.append((x, {}, 1))
        else:
            raise InputTypeError(f"inputs[{i}]: expected a Sample or a mapping, got {item!r}")
    return out


def _class_sizes(network: Network, rows: list[_Row]) -> list[list[Any]]:
    classes: list[list[Any]] = []
    for e in network.edges:
        classes += [[e.w], [e.b]]
    sources = set(network.sources)
    for node, act in network.nodes:
        if node in sources:
            continue
        slopes, intercepts, breakpoints = _pieces(node, act)
        classes += [list(slopes), list(intercepts), *([t] for t in breakpoints)]
    for node in network.node_ids:
        classes.append([x[node] for x, _, _ in rows if node in x])
        classes.append([y[node] for _, y, _ in rows if node in y])
    return classes


def app_e_bound(
    network: Network,
    theta: Mapping[tuple[str, str], tuple[object, object]] | None = None,
    inputs: Inputs = (),
    num_samples: int | None = None,
) -> Bound:
    """The App. E bound (module docstring) for ``network`` at ``theta`` on ``inputs``.

    Parameters
    ----------
    network : Network
        Every non-source activation piecewise linear.
    theta : mapping (src, dst) -> (w, b), optional
        Parameters replacing the network's own (frozen edges too: only sizes matter).
    inputs : sequence of Sample or mapping
        The samples (inputs and labels); a mapping is an input without labels.
    num_samples : int, optional
        S; defaults to the total repeat count of ``inputs`` (at least 1).

    Raises
    ------
    InputError
        A non-piecewise-linear activation (named), an unknown edge in ``theta``, or a
        ``num_samples`` below the number of samples given.
    """
    if not isinstance(network, Network):
        raise InputTypeError(f"network: expected a Network, got {type(network).__name__}")
    net = network.with_theta(theta, allow_frozen=True) if theta else network
    rows = _samples(inputs)
    total = max(1, sum(r for _, _, r in rows))
    if num_samples is None:
        num_samples = total
    elif isinstance(num_samples, bool) or not isinstance(num_samples, int) or num_samples < total:
        raise InputError(
            f"num_samples: expected an int >= {total} (the samples given), got {num_samples!r}"
        )
    classes = _class_sizes(net, rows)
    n = max([2, *(class_size(c) for c in classes)])
    n_plain = max([2, *(size(q) for c in classes for q in c)])
    return Bound(n, n_plain, net.num_edges, num_samples)


def measure(network: Network, samples: Inputs, *, budget_bits: int | None = None) -> Measured:
    """Run the exact passes and return the largest value sizes met.

    The backward pass is seeded by each sample's loss (``repeat·∂𝓛/∂ŷ``), as in
    :meth:`ermbit.network.erm.BackpropInstance.gradients`; a plain mapping is an input without
    loss.  ``budget_bits`` is passed to both passes (BudgetExceeded past it).
    """
    items = list(samples) if isinstance(samples, Sequence) else None
    if items is None:
        raise InputTypeError(f"samples: expected a sequence, got {samples!r}")
    rows = _samples(items)
    if not rows:
        return Measured(0, 0, 1)
    passes = network.forward_batch([x for x, _, _ in rows], budget_bits=budget_bits)
    seeds = []
    for item, p in zip(items, passes, strict=True):
        if isinstance(item, Sample):
            seed = item.loss.seed(p.values, item.labels)
            seeds.append({v: item.repeat * d for v, d in seed.items()})
        else:
            seeds.append({})
    grad = network.backward_batch(passes, seeds, budget_bits=budget_bits)
    backward = grad.max_bits if any(seeds) else 0
    return Measured(max(p.max_value_bits for p in passes), backward, sum(r for _, _, r in rows))


def report(
    network: Network,
    samples: Inputs,
    theta: Mapping[tuple[str, str], tuple[object, object]] | None = None,
    *,
    budget_bits: int | None = None,
) -> dict[str, Any]:
    """Bound and measurement side by side, as plain data (for ``ermbit check``).

    Keys: ``max_value_bits``, ``forward_bits``, ``backward_bits`` (measured),
    ``bound_forward_bits``, ``bound_backward_bits``, ``N``, ``N_plain``, ``edges``,
    ``samples``, ``formula``, ``holds``.
    """
    net = network.with_theta(theta, allow_frozen=True) if theta else network
    bound = app_e_bound(net, None, samples)
    got = measure(net, samples, budget_bits=budget_bits)
    return {
        "max_value_bits": got.max_bits,
        "forward_bits": got.forward_bits,
        "backward_bits": got.backward_bits,
        "bound_forward_bits": bound.forward_bits,
        "bound_backward_bits": bound.backward_bits,
        "N": bound.n,
        "N_plain": bound.n_plain,
        "edges": bound.edges,
        "samples": bound.num_samples,
        "formula": bound.formula,
        "holds": bound.holds(got),
    }
