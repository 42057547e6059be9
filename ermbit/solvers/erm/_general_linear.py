"""The last layer of a zero-loss fit: an affine system, and its point of least encoding.

When every parameter before an output node is fixed, and the output node is affine
(``σ(z) = a·z + c``) with no outgoing edge, a zero loss asks ŷ_v = y_v on every sample
labelling v: a system of linear *equations* in the node's trainable weights and its bias
sum B.  :func:`solve_affine` brings it to reduced row echelon form exactly (``mpq``);
an inconsistent system has no solution over the reals.  Otherwise every solution is
``pivots = r − C·free`` for free values of the free variables, so :func:`least_cost`
enumerates the free variables' values in order of size (every rational of each size,
:func:`~ermbit.solvers.erm._general_rationals.of_size`), computes the pivots, and keeps
the cheapest point.  The enumeration is complete under the cost cap: a point of cost
≤ cap is found if one exists, so "none within the cap" is a proof.  The elimination is
this module's own, not presolve's: the general solver answers ``verify --oracle general``
and must share no solving code with the structural solvers it cross-checks.  (Its real
relaxation, :mod:`._general_reals`, does call the exact LP engine, but only to *propose*
Farkas certificates that it re-checks itself.)

>>> from ermbit.exact import Q
>>> rref = solve_affine([[Q(1), Q(1)], [Q(1), Q(2)]], [Q(3), Q(5)])
>>> rref.pivots, rref.free, rref.rhs
((0, 1), (), (mpq(1,1), mpq(2,1)))
>>> least_cost(rref, [lambda q, cap: size(q)] * 2, [None, None], 20)
(7, (mpq(1,1), mpq(2,1)))
>>> solve_affine([[Q(1)], [Q(1)]], [Q(1), Q(2)]) is None
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ermbit.exact import Q, size
from ermbit.solvers.erm._general_rationals import of_size

__all__ = ["Reduced", "least_cost", "size", "solve_affine"]

#: The cost of one coordinate's value, or None when it is above the cap given.
CostFn = Callable[..., Any]


@dataclass(frozen=True)
class Reduced:
    """Solutions of ``M x = r``: ``x[pivots[i]] = rhs[i] − Σ_j coef[i][j]·x[free[j]]``."""

    n: int
    pivots: tuple[int, ...]
    free: tuple[int, ...]
    rhs: tuple[Any, ...]
    coef: tuple[tuple[Any, ...], ...]


def solve_affine(rows: Sequence[Sequence[Any]], rhs: Sequence[Any]) -> Reduced | None:
    """Gauss–Jordan elimination over ℚ; None when the system is inconsistent."""
    n = len(rows[0]) if rows else 0
    m = [[Q(a) for a in row] + [Q(b)] for row, b in zip(rows, rhs, strict=True)]
    pivots: list[int] = []
    r = 0
    for col in range(n):
        piv = next((i for i in range(r, len(m)) if m[i][col] != 0), None)
        if piv is None:
            continue
        m[r], m[piv] = m[piv], m[r]
        lead = m[r][col]
        m[r] = [a / lead for a in m[r]]
        for i in range(len(m)):
            if i != r and m[i][col] != 0:
                f = m[i][col]
                m[i] = [a - f * b for a, b in zip(m[i], m[r], strict=True)]
        pivots.append(col)
        r += 1
    if any(row[n] != 0 for row in m[r:]):
        return None
    free = tuple(c for c in range(n) if c not in pivots)
    coef = tuple(tuple(m[i][c] for c in free) for i in range(r))
    return Reduced(n, tuple(pivots), free, tuple(m[i][n] for i in range(r)), coef)


def least_cost(
    red: Reduced,
    cost: Sequence[CostFn],
    by_cost: Sequence[Callable[[int], Sequence[Any]] | None],
    cap: int,
) -> tuple[int, tuple[Any, ...]] | None:
    """The cheapest solution of cost ≤ ``cap`` (None if there is none).

    ``cost[j](value, cap)`` is the cost of value for coordinate j (None above cap);
    ``by_cost[j](c)`` lists every value of coordinate j of cost exactly c (None: use
    :func:`of_size`).  Every coordinate costs at least 2.
    """
    best: list[Any] = [cap + 1, None]
    free = red.free
    x: list[Any] = [Q(0)] * red.n

    def finish(spent: int) -> None:
        total = spent
        for i, p in enumerate(red.pivots):
            val = red.rhs[i] - sum((c * x[f] for c, f in zip(red.coef[i], free, strict=True)), Q(0))
            got = cost[p](val, best[0] - 1 - total)
            if got is None:
                return
            total += got
            x[p] = val
            if total >= best[0]:
                return
        best[0], best[1] = total, tuple(x)

    def walk(j: int, spent: int) -> None:
        if j == len(free):
            finish(spent)
            return
        rest = 2 * (len(free) - j - 1 + len(red.pivots))
        col = free[j]
        lister = by_cost[col] or of_size
        for c in range(2, best[0] - spent - rest):
            if spent + c + rest >= best[0]:
                break
            for val in lister(c):
                x[col] = val
                walk(j + 1, spent + c)

    walk(0, 0)
    return None if best[1] is None else (best[0], best[1])
