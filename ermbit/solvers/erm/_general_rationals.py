"""The finite parameter domain of ERM_bit: rationals listed by their exact size.

``size(p/q) = 1 + bitlen|p| + bitlen q`` (p/q in lowest terms, q ≥ 1), so 0 has size 2,
±1 size 3, and for p ≠ 0 the pairs ``a = bitlen|p| ≥ 1``, ``b = bitlen q ≥ 1`` with
``a + b = s − 1`` give every rational of size ``s``.  Listing them per size is exact and
complete: :func:`of_size` returns *every* rational of that size, nothing else.

Only the sum of the biases into a node enters the forward rule, so a node with k
trainable in-edges needs, for each value B of the sum, the cheapest split
``min Σ size(b_i)`` over ``b_1 + … + b_k = B``.  A non-integer sum can be cheaper split
than put on one edge (``1/3 + 1/5`` costs 4 + 5, ``8/15 + 0`` costs 9 + 2), so
:class:`BiasSums` computes the minimum by exact min-plus convolution of the per-size
lists up to a cost cap: a value is listed at cost c iff some split of cost c exists and
none cheaper.

>>> [len(of_size(s)) for s in range(2, 7)]
[1, 2, 8, 20, 52]
>>> BiasSums(2).cheapest(parse("8/15"), 9)
(9, (mpq(1,3), mpq(1,5)))
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from ermbit.errors import BudgetExceeded
from ermbit.exact import Q, gcd, parse, size

__all__ = ["DEFAULT_EXTRA_CAP", "EXTRA_CAP", "BiasSums", "max_abs", "of_size", "parse"]

#: Largest *extra* split cost tabulated for k ≥ 2 edges: cost − 2k, the bits beyond the
#: all-zero biases.  The table holds about 2^extra sums whatever k is (each edge's part is
#: bounded by what the other edges leave), e.g. 140,151 sums in 3 s (k = 4) to 8 s (k = 8)
#: at extra 11, and 726,013 in 6 s for k = 2 at extra 13.
EXTRA_CAP = {2: 13}
DEFAULT_EXTRA_CAP = 11


@cache
def of_size(s: int) -> tuple[Any, ...]:
    """Every rational of size exactly ``s``, ordered by denominator, then |value|, sign."""
    if s < 2:
        return ()
    if s == 2:
        return (Q(0),)
    out: list[Any] = []
    for b in range(1, s - 1):
        a = s - 1 - b
        for q in range(1 << (b - 1), 1 << b):
            for p in range(1 << (a - 1), 1 << a):
                if gcd(p, q) == 1:
                    out.extend((Q(p, q), Q(-p, q)))
    return tuple(out)


def max_abs(s: int) -> int:
    """The largest |value| of a rational of size ≤ ``s`` (0 below size 3)."""
    return (1 << (s - 2)) - 1 if s >= 3 else 0


class BiasSums:
    """Cheapest splits of a bias sum over ``k`` trainable edges, up to a cost cap."""

    def __init__(self, k: int) -> None:
        self.k = k
        self._cap = -1
        self._best: dict[Any, tuple[int, tuple[Any, ...]]] = {}
        self._by_cost: dict[int, list[Any]] = {}

    def _grow(self, cap: int) -> None:
        if cap <= self._cap:
            return
        limit = 2 * self.k + EXTRA_CAP.get(self.k, DEFAULT_EXTRA_CAP)
        if cap > limit:
            raise BudgetExceeded(
                f"tabulating the cheapest splits of a bias sum over {self.k} edges",
                predicted=cap,
                budget=limit,
                unit="bits of split cost",
                hint="lower β, or give these edges fewer trainable biases",
            )
        cap = min(limit, max(cap, self._cap + 2))
        table: dict[Any, tuple[int, tuple[Any, ...]]] = {Q(0): (0, ())}
        for r in range(self.k):
            later = 2 * (self.k - 1 - r)  # the edges still to come cost ≥ 2 each
            nxt: dict[Any, tuple[int, tuple[Any, ...]]] = {}
            for v, (c, split) in table.items():
                for s in range(2, cap - c - later + 1):
                    for b in of_size(s):
                        key = v + b
                        old = nxt.get(key)
                        if old is None or old[0] > c + s:
                            nxt[key] = (c + s, (*split, b))
            table = nxt
        self._best, self._cap = table, cap
        by_cost: dict[int, list[Any]] = {}
        for v, (c, _) in table.items():
            by_cost.setdefault(c, []).append(v)
        for vals in by_cost.values():
            vals.sort(key=lambda x: (x.denominator, abs(x), x < 0))
        self._by_cost = by_cost

    def with_cost(self, c: int) -> Sequence[Any]:
        """Every bias sum whose cheapest split costs exactly ``c``."""
        if self.k == 1:
            return of_size(c)
        if c < 2 * self.k:
            return ()
        self._grow(c)
        return self._by_cost.get(c, [])

    def cheapest(self, value: Any, cap: int) -> tuple[int, tuple[Any, ...]] | None:
        """``(cost, split)`` of the cheapest split of ``value`` if it costs ≤ ``cap``."""
        value = Q(value)
        one = size(value) + 2 * (self.k - 1)
        if self.k == 1:
            return (one, (value,)) if one <= cap else None
        cap = min(cap, one)  # one edge carries the sum, the others 0: always possible
        if cap < 2 * self.k:
            return None
        known = self._best.get(value)
        if known is not None and known[0] <= self._cap:  # tabulated: an exact minimum
            return known if known[0] <= cap else None
        self._grow(cap)
        got = self._best.get(Q(value))
        return got if got is not None and got[0] <= cap else None

    @property
    def least(self) -> int:
        """The cost of the sum 0 (every bias 0): 2 per edge."""
        return 2 * self.k
