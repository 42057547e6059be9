"""θ over one basis of denominators, for dynamic passes (private engine of
:mod:`ermbit.network`; the passes are in :mod:`ermbit.network.engine.dynamic`).

Denominators are exponent vectors over a basis of primes (below ``2**10``; larger
cofactors stay whole) of the denominators that occur (:class:`~ermbit.network.engine.bits.DenBasis`
with ``refine``), so an lcm is an elementwise max and a reduction costs, per prime of
the denominator and per sample, one ``n % p`` when nothing cancels (a bit scan for
p = 2) -- no gcd of big numbers.  What stays precomputed per θ and basis: the exponent
vectors of weights and biases and, per node, the multipliers ``num(w)·W/den(w)`` over
``W = lcm(den(w))``, which serve as they are when all inputs share one denominator.

:class:`_Links` holds a node's edges with non-zero weight, towards one direction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ermbit.exact import Q, Z
from ermbit.network.engine.bits import DenBasis, lg, multiplicity, vadd, vmax, vsub
from ermbit.network.engine.structure import _getter

if TYPE_CHECKING:
    from ermbit.network.engine.dynamic import DynPlan

__all__ = ["Frame"]

_MAX_MEMO = 1 << 14
Vec = tuple[int, ...]
Rows = list[list[Any]]


def _bits(n: Any) -> int:
    return int(n.bit_length())


class _Links:
    """Edges of one node with a non-zero weight, towards one direction: the other ends,
    weight numerators, denominators, log bounds, and the log bound of ``Σ|w|``."""

    __slots__ = ("dens", "ends", "getter", "l1", "lws", "nbits", "nums")

    def __init__(self, edges: Sequence[int], ends: Sequence[int], ws: Sequence[Any]) -> None:
        live = [e for e in edges if ws[e]]
        self.ends = tuple(ends[e] for e in live)
        self.nums = tuple(Z(ws[e].numerator) for e in live)
        self.dens = tuple(Z(ws[e].denominator) for e in live)
        self.lws = tuple(lg(ws[e]) for e in live)
        self.l1 = lg(sum((abs(ws[e]) for e in live), Q(0)))
        self.nbits = max((_bits(n) for n in self.nums), default=0)
        self.getter = _getter(self.ends)


class Frame:
    """θ over one basis: weight/bias/σ exponent vectors and, per node and direction, the
    vector ``W`` of the lcm of the weight denominators with the multipliers
    ``num(w)·W/den(w)`` (used when every input of the node has the same denominator)."""

    def __init__(self, plan: DynPlan, atoms: set[Any]) -> None:
        self.B = B = DenBasis(atoms, refine=True)
        self._sums: dict[tuple[Vec, Vec], Vec] = {}
        self._ratios: dict[tuple[Vec, Vec], Any] = {}
        self._exact: dict[Vec, int] = {}
        self.bias = [B.exps(b.denominator) if b else None for b in plan.bias]
        self.fwd = [self._side(links) for links in plan.ins]
        self.bwd = [self._side(links) for links in plan.outs]
        self.shape: list[Any] = [None] * len(plan.acts)
        self.dshape: list[Any] = [None] * len(plan.acts)
        for v, act in enumerate(plan.acts):
            if act is not None:
                (f, k), (g, j) = act.denominator_shape, act.derivative_denominator_shape
                self.shape[v], self.dshape[v] = (f, B.exps(f), k), (g, B.exps(g), j)

    def _side(self, links: _Links) -> tuple[tuple[Vec, ...], Vec, tuple[Any, ...]]:
        vecs = tuple(self.B.exps(d) for d in links.dens)
        top = vmax(vecs, self.B.zero)
        return (
            vecs,
            top,
            tuple(n * self.ratio(top, w) for n, w in zip(links.nums, vecs, strict=True)),
        )

    def add(self, a: Vec, b: Vec) -> Vec:
        got = self._sums.get((a, b))
        if got is None:
            if len(self._sums) > _MAX_MEMO:
                self._sums.clear()
            got = self._sums[a, b] = vadd(a, b)
        return got

    def ratio(self, top: Vec, low: Vec) -> Any:
        """The integer ``value(top) / value(low)``."""
        got = self._ratios.get((top, low))
        if got is None:
            if len(self._ratios) > _MAX_MEMO:
                self._ratios.clear()
            got = self._ratios[top, low] = self.B.value(vsub(top, low))
        return got

    def exact_bits(self, vec: Vec) -> int:
        """``bitlen(value(vec))`` exactly (a lower bound is needed for magnitudes)."""
        got = self._exact.get(vec)
        if got is None:
            got = self._exact[vec] = _bits(self.B.value(vec))
        return got

    def reduce(self, vec: Vec, rows: Rows, v: int) -> Vec:
        """Divide the denominator ``vec`` and column ``v`` of ``rows`` by their largest
        common factor made of the basis primes (their gcd, for a prime basis)."""
        if not any(vec):
            return vec
        ks = list(vec)
        for j, e in enumerate(vec):
            if e:
                p, k = self.B.base[j], e
                for row in rows:
                    n = row[v]
                    if n:
                        k = multiplicity(n, p, k)
                        if not k:
                            break
                ks[j] = k
        if not any(ks):
            return vec
        cut = tuple(ks)
        g = self.B.value(cut)
        for row in rows:
            row[v] //= g  # exact: g divides every entry
        return vsub(vec, cut)
