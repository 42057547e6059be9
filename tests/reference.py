"""The one slow, obviously correct reference the tests compare ermbit against.

Everything here works on :class:`fractions.Fraction` straight from the definitions of
docs/model.md and the paper's §2, one value at a time, and reads ermbit's objects only
through their fields (an activation's ``kind`` and coefficients, a network's edges, an
SLP's gates): none of it calls the code under test.

* numbers -- :func:`fr`, :func:`fsize` (``size``), :func:`ref_bit` (``bit_j``),
  :func:`ref_sign`;
* straight-line programs -- :func:`slp_values`;
* activations -- :func:`sigma` and :func:`dsigma` (σ and σ' by kind; σ also on
  :class:`Dual` numbers, for forward-mode derivatives; other kinds, such as the rounded
  σ of the rounding study, through their own rational interface);
* networks -- :func:`naive` (pre-activations and values of every node, optionally with one
  quantity seeded by ε) and :func:`reference` (both passes summed over ERM samples, with
  the largest sizes), used by the network, App. E, bit-growth and rounding tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ermbit.network.erm import Sample
from ermbit.network.model import Network
from ermbit.slp import SLP

__all__ = [
    "Dual",
    "Reference",
    "dsigma",
    "eps",
    "fr",
    "fsize",
    "naive",
    "ref_bit",
    "ref_sign",
    "reference",
    "sigma",
    "slp_values",
]

F = Fraction

# ---------------------------------------------------------------- numbers


def fr(q: Any) -> Fraction:
    """Any exact rational (int, mpz, mpq, Fraction) as a Fraction, without ermbit.exact."""
    return Fraction(int(q.numerator), int(q.denominator))


def fsize(q: Fraction) -> int:
    """docs: model.md size, written out again: 1 + bitlen(|p|) + bitlen(r)."""
    return 1 + abs(q.numerator).bit_length() + q.denominator.bit_length()


def ref_bit(q: Fraction, j: int) -> int:
    """docs: model.md: floor(2^(−j)·|u|/v) mod 2, written out on Fractions."""
    scaled = abs(q) * Fraction(2) ** (-j)
    return (scaled.numerator // scaled.denominator) % 2


def ref_sign(q: Fraction) -> int:
    return (q > 0) - (q < 0)


def slp_values(slp: SLP) -> list[Fraction]:
    """Every value a_0..a_l of a straight-line program, nothing from ermbit.slp."""
    vals = [fr(slp.a0)]
    for g in slp.gates:
        x, y = vals[g.j], vals[g.k]
        vals.append(x + y if g.op == "+" else x - y if g.op == "-" else x * y)
    return vals


# ---------------------------------------------------------------- activations


class Dual:
    """a + b·ε with ε² = 0 over Fractions; σ(Dual) uses the chain rule below."""

    def __init__(self, a: Any, b: Any = 0) -> None:
        self.a, self.b = F(a), F(b)

    def __add__(self, o: Any) -> Dual:
        o = o if isinstance(o, Dual) else Dual(o)
        return Dual(self.a + o.a, self.b + o.b)

    __radd__ = __add__

    def __mul__(self, o: Any) -> Dual:
        o = o if isinstance(o, Dual) else Dual(o)
        return Dual(self.a * o.a, self.a * o.b + self.b * o.a)

    __rmul__ = __mul__


def eps(z: Any) -> Fraction:
    """The ε part (0 for a plain Fraction, which does not depend on the seeded quantity)."""
    return z.b if isinstance(z, Dual) else F(0)


def _val(z: Any) -> Fraction:
    return z.a if isinstance(z, Dual) else z


def _piece(act: Any, z: Fraction) -> int:
    """The piece of a piecewise-linear σ holding z (a breakpoint belongs to its left)."""
    ts = [fr(t) for t in act.breakpoints]
    return next((i for i, t in enumerate(ts) if z <= t), len(ts))


#: The kinds of :mod:`ermbit.network.activations`, written out here from their fields.  Any
#: other activation (a study's, a user's) is defined by its own rational ``__call__`` and
#: ``derivative``, which the reference then calls, one Fraction at a time.
_KINDS = ("id", "relu", "poly", "pl")


def sigma(act: Any, z: Any) -> Any:
    """σ(z) by kind, from the activation's fields (works on Fractions and duals)."""
    if isinstance(z, Dual):
        return Dual(sigma(act, z.a), dsigma(act, z.a) * z.b)
    if act.kind not in _KINDS:
        return fr(act(str(z)))
    if act.kind == "id":
        return z
    if act.kind == "relu":
        return z if z > 0 else F(0)
    if act.kind == "poly":
        acc = F(0)
        for c in reversed(act.coeffs):  # Horner
            acc = acc * z + fr(c)
        return acc
    i = _piece(act, _val(z))
    return z * fr(act.slopes[i]) + fr(act.intercepts[i])


def dsigma(act: Any, z: Fraction) -> Fraction:
    """σ'(z) by kind; ReLU'(0) = 0 and a breakpoint takes its left slope (the conventions)."""
    if act.kind not in _KINDS:
        return fr(act.derivative(str(z)))
    if act.kind == "id":
        return F(1)
    if act.kind == "relu":
        return F(1) if z > 0 else F(0)
    if act.kind == "poly":
        return sum((k * fr(c) * z ** (k - 1) for k, c in enumerate(act.coeffs) if k), F(0))
    return fr(act.slopes[_piece(act, z)])


# ---------------------------------------------------------------- networks


def naive(
    net: Network, x: Mapping[str, Any], theta: Mapping[Any, Any] | None = None, dual: Any = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Pre-activations and values by the defining formula of f^v, node by node.

    ``theta`` overrides edges' ``(w, b)``; ``dual = (edge key, "w" | "b")`` or
    ``("x", node)`` seeds ε on that quantity.
    """
    params = {e.key: (fr(e.w), fr(e.b)) for e in net.edges}
    for k, (w, b) in (theta or {}).items():
        params[k] = (F(w), F(b))
    acts = dict(net.nodes)
    incoming: dict[str, list[tuple[str, Any, Any]]] = {v: [] for v in acts}
    for (u, v), (w, b) in params.items():
        if dual is not None and dual[0] == (u, v):
            w, b = (Dual(w, 1), Dual(b)) if dual[1] == "w" else (Dual(w), Dual(b, 1))
        incoming[v].append((u, w, b))
    pre: dict[str, Any] = {}
    val: dict[str, Any] = {}

    def f(v: str) -> Any:  # memoised recursion on the DAG
        if v not in val:
            xv = F(x.get(v, 0))
            if dual is not None and dual == ("x", v):
                xv = Dual(xv, 1)
            if not incoming[v]:
                pre[v] = val[v] = xv
            else:
                pre[v] = z = xv + sum((w * f(u) + b for u, w, b in incoming[v]), F(0))
                val[v] = sigma(acts[v], z)
        return val[v]

    for v in acts:
        f(v)
    return pre, val


def _order(net: Network) -> list[str]:
    done: list[str] = []
    todo = list(net.node_ids)
    while todo:
        for v in todo:
            if all(e.src in done for e in net.in_edges(v)):
                done.append(v)
                todo.remove(v)
                break
    return done


def _seed(sample: Sample, out: Mapping[str, Fraction]) -> dict[str, Fraction]:
    kind, r = sample.loss.kind, sample.repeat
    seed = {}
    for v, y in sample.labels.items():
        y = fr(y)
        if kind == "squared":
            seed[v] = r * 2 * (out[v] - y)
        elif kind == "half_squared":
            seed[v] = r * (out[v] - y)
        elif kind == "hinge":
            seed[v] = r * (-y if 1 - y * out[v] > 0 else Fraction(0))
    return seed


@dataclass
class Reference:
    """Largest sizes of both passes, and the summed gradients."""

    forward_bits: int
    backward_bits: int
    dw: dict[tuple[str, str], Fraction]
    db: dict[tuple[str, str], Fraction]


def reference(net: Network, samples: Sequence[Sample]) -> Reference:
    """Forward and backward over ``samples`` (losses seeded as in :mod:`ermbit.network.erm`)."""
    order = _order(net)
    acts = dict(net.nodes)
    fwd = bwd = 0
    dw = {e.key: Fraction(0) for e in net.edges}
    errs = {v: Fraction(0) for v in order}
    seeded = False
    for s in samples:
        pre, val = naive(net, {v: fr(q) for v, q in s.inputs.items()})
        fwd = max([fwd, *(max(fsize(pre[v]), fsize(val[v])) for v in order)])
        seed = _seed(s, val)
        seeded = seeded or bool(seed)
        g: dict[str, Fraction] = {}
        d: dict[str, Fraction] = {}
        for v in reversed(order):
            g[v] = seed.get(v, Fraction(0)) + sum(
                (fr(e.w) * d[e.dst] for e in net.out_edges(v)), Fraction(0)
            )
            src = not net.in_edges(v)
            d[v] = g[v] if src else dsigma(acts[v], pre[v]) * g[v]
            bwd = max(bwd, fsize(g[v]), fsize(d[v]))
            errs[v] += d[v]
        for e in net.edges:
            dw[e.key] += d[e.dst] * val[e.src]
    if seeded:
        bwd = max([bwd, *map(fsize, dw.values()), *map(fsize, errs.values())])
    else:
        bwd = 0
    db = {e.key: errs[e.dst] for e in net.edges}
    return Reference(fwd, bwd, dw, db)
