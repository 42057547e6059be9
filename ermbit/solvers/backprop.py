"""Exact answers to Backprop-Bit / Backprop-Sign instances (paper Thm 1.3; docs:
constructions/backprop.md).

Two routes, both exact:

* :func:`answer` -- the generic route: the queried coordinate ``∂L/∂w_{e*}`` by reverse
  mode on the network itself (:func:`edge_gradient`), then its bit or sign.
* :func:`answer_via_slp` -- the cheap route for instances built from an integer SLP: the
  bit of ``n_P`` read by :func:`ermbit.slp.bit` (modulo ``2^(j+1)`` when the sign is
  known).  It reads the *source*, so it is only a shortcut whose answers the tests check
  against the gradient.

:func:`edge_gradient` is an independent implementation of the passes of paper §2,
restricted to what one coordinate needs, on rationals in lowest terms (``mpq``, and
``mpz`` for integers):

* only the ancestors of ``u`` and of the descendants of ``v`` are evaluated
  (``e* = (u, v)``); a value is released after its last use, as SLP evaluation does;
* integer values stay integers, where the engine behind :meth:`Network.backward` keeps
  common denominators (weights ``1/D`` feeding squares on SLP networks);
* before each multiplication, σ or sum its result size is bounded from the operand sizes
  and refused past ``budget_bits``.

Why a second evaluator beside the network engine: on the Backprop-Bit instances of #SAT
(σ = z², random 3-CNF, m = 3…7 clauses) :meth:`BackpropInstance.gradient` takes 1.7–5.5×
as long as this pass (median 2.4×; ``benchmarks/bench_engine.py``, which also checks that
both give the same gradient).  The tests compare the two on every instance family.

>>> from ermbit.network.model import NetworkBuilder
>>> from ermbit.network.erm import BackpropInstance, Sample
>>> nb = NetworkBuilder()
>>> _ = nb.add_node("s"), nb.add_node("h", "z**2"), nb.add_node("o")
>>> nb.add_edge("s", "h", 3, 1); nb.add_edge("h", "o", "1/2", 0)
>>> net = nb.build(outputs=["o"])
>>> inst = BackpropInstance(net, (Sample.of({"s": 2}, {"o": 0}, "half_squared"),), ("s", "h"), 4)
>>> edge_gradient(inst.network, inst.samples, inst.edge).dw, inst.gradient()  # 49/2 · 7 · 2
(mpq(343,1), mpq(343,1))
>>> answer(inst), inst.answer()
(1, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from ermbit import exact
from ermbit.errors import BudgetExceeded, InputError
from ermbit.network.activations import Activation, Identity, Polynomial
from ermbit.network.erm import BackpropInstance, Sample
from ermbit.network.model import Network
from ermbit.slp import SLP  # one value ≤ 2^30 bits, as for SLPs

__all__ = [
    "EdgeGradient",
    "answer",
    "answer_from_gradient",
    "answer_via_slp",
    "edge_gradient",
]

_Q = exact.Q
_Z0, _Z1 = exact.Z(0), exact.Z(1)


@dataclass(frozen=True)
class EdgeGradient:
    """``∂L/∂w_e`` and ``∂L/∂b_e`` at the network's θ, and what computing them took.

    ``max_bits`` is the largest docs: model.md size of a value computed (pre-activations, node
    values, adjoints); ``nodes_evaluated`` counts forward node evaluations over samples.
    """

    dw: Any
    db: Any
    max_bits: int
    nodes_evaluated: int


class _Meter:
    """Size bookkeeping: refuse before big arithmetic, remember the largest value."""

    def __init__(self, budget_bits: int | None) -> None:
        self.budget = budget_bits
        self.max_bits = 0

    def guard(self, predicted: int, what: str) -> None:
        if self.budget is not None and predicted > self.budget:
            raise BudgetExceeded(
                what,
                predicted=predicted,
                budget=self.budget,
                hint=f"pass budget_bits={predicted} (or --budget-bits {predicted})",
            )

    def seen(self, q: Any) -> Any:
        self.max_bits = max(self.max_bits, _bits(q))
        return q


def _bits(q: Any) -> int:
    """docs: model.md size of an ``mpz`` or ``mpq`` (``bitlen(1) = 1`` for an integer's
    denominator)."""
    return int(q.numerator.bit_length() + q.denominator.bit_length()) + 1


def _norm(q: Any) -> Any:
    """An integral ``mpq`` as its ``mpz`` numerator: integer sums cost one pass, not three."""
    return q.numerator if q.denominator == 1 else q


def _sigma(act: Activation, z: Any, meter: _Meter, node: str) -> Any:
    """σ(z); a polynomial by powers of z (``z*z`` lets GMP square)."""
    if isinstance(act, Identity):
        return z
    if not isinstance(act, Polynomial):
        return _norm(act(z))
    coeffs = [_norm(c) for c in act.coeffs]
    meter.guard(act.degree * _bits(z) + sum(map(_bits, coeffs)), f"σ at node {node!r}")
    total, power = (coeffs[0] or None), None
    for r in coeffs[1:]:
        power = z if power is None else (z * z if power is z else power * z)
        if r:
            term = power if r == 1 else r * power
            total = term if total is None else total + term
    return _Z0 if total is None else _norm(total)


def _sum_bits(a: Any, b: Any) -> int:
    """A bound on ``size(a + b)`` from the operand sizes."""
    na, da = a.numerator.bit_length(), a.denominator.bit_length()
    nb, db = b.numerator.bit_length(), b.denominator.bit_length()
    return int(max(na + db, nb + da) + da + db) + 2


class _E(NamedTuple):
    """An edge with its weight and bias as ``mpz`` when integral."""

    src: str
    dst: str
    w: Any
    b: Any


class _Graph:
    """Adjacency of a network restricted to what ``∂L/∂w_e`` needs (public API only)."""

    def __init__(self, net: Network, edge: tuple[str, str]) -> None:
        self.ins: dict[str, list[Any]] = {n: [] for n in net.node_ids}
        self.outs: dict[str, list[Any]] = {n: [] for n in net.node_ids}
        for edge_ in net.edges:
            e = _E(edge_.src, edge_.dst, _norm(edge_.w), _norm(edge_.b))
            self.ins[e.dst].append(e)
            self.outs[e.src].append(e)
        self.acts = dict(net.nodes)
        u, v = edge
        down = self._closure([v], self.outs, "dst")
        up = self._closure([u, *down], self.ins, "src")
        order = net.topological_order()
        self.forward = [w for w in order if w in up]  # ancestors of u and of down
        self.backward = [w for w in order if w in down]  # v and its descendants
        self.down = down
        self.keep = down | {u}
        self._up = up
        self.uses: dict[str, int] = {}

    def reset_uses(self) -> None:
        """Count, per forward node, the consumers still to come (one pass = one count)."""
        self.uses = {w: sum(e.dst in self._up for e in self.outs[w]) for w in self.forward}

    @staticmethod
    def _closure(start: list[str], adj: dict[str, list[Any]], end: str) -> set[str]:
        seen, stack = set(start), list(start)
        while stack:
            for e in adj[stack.pop()]:
                w = getattr(e, end)
                if w not in seen:
                    seen.add(w)
                    stack.append(w)
        return seen


def _weighted(w: Any, f: Any, meter: _Meter, where: str) -> Any:
    """``w·f``, an ``mpz`` whenever it is an integer."""
    if w == 1:
        return f
    if w == -1:
        return -f
    meter.guard(_bits(w) + _bits(f), where)
    d = w.denominator
    if d == 1 or f.denominator != 1:
        return _norm(w * f)
    t = f * w.numerator if w.numerator != 1 else f
    q, r = divmod(t, d)  # the 1/D edges of SLP networks: an exact division, one pass
    return q if r == 0 else _Q(t, d)


def _pre(g: _Graph, node: str, x: Any, vals: dict[str, Any], meter: _Meter) -> Any:
    """``x_v + Σ (w_uv·f^u + b_uv)``, releasing each ``f^u`` after its last use."""
    acc = x
    for e in g.ins[node]:
        f = vals[e.src]
        g_uses = g.uses[e.src] = g.uses[e.src] - 1
        if g_uses == 0 and e.src not in g.keep:
            del vals[e.src]
        if e.w and f:
            minus = e.w == -1  # a − f in one pass, where a + (−f) would take two
            term = f if minus else _weighted(e.w, f, meter, f"weight of edge {e.src}->{node}")
            acc = _accumulate(acc, term, minus, meter, node)
        if e.b:
            acc = _accumulate(acc, e.b, False, meter, node)
    return _Z0 if acc is None else _norm(acc)


def _accumulate(acc: Any, term: Any, minus: bool, meter: _Meter, node: str) -> Any:
    if acc is None:
        return -term if minus else term
    meter.guard(_sum_bits(acc, term), f"pre-activation of node {node!r}")
    return acc - term if minus else acc + term


def _forward(g: _Graph, sample: Sample, meter: _Meter) -> tuple[dict[str, Any], dict[str, Any]]:
    """Values of the kept nodes and pre-activations of the backward nodes, for one sample."""
    xs = {v: _norm(q) for v, q in sample.x}
    vals: dict[str, Any] = {}
    pres: dict[str, Any] = {}
    for node in g.forward:
        x = xs.get(node)
        if not g.ins[node]:
            vals[node] = meter.seen(_Z0 if x is None else x)
            continue
        pre = meter.seen(_pre(g, node, x, vals, meter))
        if node in g.down:
            pres[node] = pre
        vals[node] = meter.seen(_sigma(g.acts[node], pre, meter, node))
    return vals, pres


def _derivative(act: Activation, z: Any, meter: _Meter, node: str) -> Any:
    if isinstance(act, Identity):
        return _Z1
    if isinstance(act, Polynomial):
        return _sigma(act.derivative_poly(), z, meter, node)
    return _norm(act.derivative(z))


def _deltas(
    g: _Graph, sample: Sample, vals: dict[str, Any], pres: dict[str, Any], meter: _Meter
) -> dict[str, Any]:
    """``δ_w = σ'(pre_w)·∂L/∂f^w`` for ``v`` and its descendants (reverse mode)."""
    labels = {w: y for w, y in sample.labels.items() if w in g.down}
    seed = sample.loss.seed({w: vals[w] for w in labels}, labels)
    delta: dict[str, Any] = {}
    for node in reversed(g.backward):
        adj = _norm(_Q(seed.get(node, 0)))
        for e in g.outs[node]:
            d = delta[e.dst]
            if d and e.w:
                adj = adj + _weighted(e.w, d, meter, f"adjoint through {node}->{e.dst}")
        if adj:
            adj = adj * _derivative(g.acts[node], pres[node], meter, node)
        delta[node] = meter.seen(_norm(adj))
    return delta


def edge_gradient(
    network: Network,
    samples: Sequence[Sample],
    edge: tuple[str, str],
    *,
    budget_bits: int | None = None,
) -> EdgeGradient:
    """``∂L/∂w_e`` and ``∂L/∂b_e`` at the network's own θ, exactly (paper §2; docs: model.md).

    ``L = Σ_i repeat_i·𝓛_i(f_θ(x_i), y_i)``; reverse mode gives
    ``∂L/∂w_uv = Σ_i repeat_i·δ_v(x_i)·f^u(x_i)`` and ``∂L/∂b_uv = Σ_i repeat_i·δ_v(x_i)``
    with ``δ_v = σ'(pre_v)·∂L/∂f^v`` (ReLU'(0) = 0, left slopes at breakpoints, as in
    :meth:`ermbit.network.model.Network.backward`).

    Raises
    ------
    InputError
        If ``edge`` is not an edge of ``network``.
    BudgetExceeded
        Before an operation whose result is bounded (from its operands' sizes) by more
        than ``budget_bits``; None disables the check.
    """
    u, v = network.edge(*edge).key  # InputError naming the edge if it is absent
    g = _Graph(network, (u, v))
    meter = _Meter(budget_bits)
    dw, db, count = _Q(0), _Q(0), 0
    for s in samples:
        g.reset_uses()
        vals, pres = _forward(g, s, meter)
        count += len(g.forward)
        d = _deltas(g, s, vals, pres, meter)[v]
        if d:
            f = vals[u]
            meter.guard(_bits(d) + _bits(f) + s.repeat.bit_length(), "∂L/∂w of the edge")
            dw += s.repeat * d * f
            db += s.repeat * d
    return EdgeGradient(meter.seen(dw), meter.seen(db), meter.max_bits, count)


def answer_from_gradient(query: int | str, gradient: Any) -> int:
    """The bit ``query`` of ``gradient`` (0/1, docs: model.md), or its sign (−1/0/1) for ``"sign"``.

    >>> answer_from_gradient(2, 12), answer_from_gradient("sign", exact.parse("-1/3"))
    (1, -1)
    """
    if query == "sign":
        return int((gradient > 0) - (gradient < 0))
    if isinstance(query, str):
        raise InputError(f"query: expected 'sign' or a bit index, got {query!r}")
    return exact.bit(gradient, query)


def answer(instance: BackpropInstance, *, budget_bits: int | None = None) -> int:
    """The generic exact route: bit ``j`` or sign of ``∂L/∂w_{e*}`` via :func:`edge_gradient`."""
    g = edge_gradient(instance.network, instance.samples, instance.edge, budget_bits=budget_bits)
    return answer_from_gradient(instance.query, g.dw)


def answer_via_slp(slp: SLP, j: int) -> int:
    """The cheap route for SLP-built instances: ``bit_j(n_P)`` by :func:`ermbit.slp.bit`
    (residues mod ``2^(j+1)`` when the sign of n_P is known, otherwise full evaluation).

    >>> answer_via_slp(SLP(3, [("*", 0, 0)]), 3)
    1
    """
    from ermbit.slp import bit

    return bit(slp, j)
