"""A short rational point of a feasible branch of the real relaxation: a quick YES.

When the relaxation (:mod:`._general_reals`) finds a choice of pieces whose linear
system is feasible, every point of that polyhedron is a real θ of loss 0.  Fixing the
coordinates one at a time, each to a rational of least size in its current exact range
(two LPs: its least and greatest value given the ones fixed before; an open end is
excluded), keeps the system feasible -- a value inside the range of one coordinate over a
convex set extends to a point of it -- and ends in a rational θ of loss 0.

This is greedy, not complete: the θ it ends in can cost more than β although a cheaper
one exists, and sizes above :data:`MAX_SIZE` are not tried.  A miss only means the
finite search goes on.  What it finds is a witness only after the NP verifier
(:meth:`ERMInstance.evaluate`) accepts it, like every witness of the general solver.

>>> from ermbit.exact import Q
>>> rows = [({"w": Q(1)}, ">", Q(1, 3)), ({"w": Q(1), "b": Q(1)}, "==", Q(5, 2))]
>>> short_point(rows, ["b", "w"])    # b = 0 leaves w = 5/2; b first, then w
{'b': mpq(0,1), 'w': mpq(5,2)}
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from ermbit.solvers.erm._general_rationals import of_size
from ermbit.solvers.erm._general_relax_model import Row
from ermbit.solvers.lp.linear import Constraint
from ermbit.solvers.lp.program import feasible

__all__ = ["MAX_SIZE", "short_point"]

#: Largest size of a rational tried for one coordinate (of_size lists about 2^(s−2)·s).
MAX_SIZE = 14

End = tuple[Any, bool] | None  # (value, attained), None when unbounded


def _end(rows: list[Row], v: Hashable, lowest: bool) -> End:
    res = feasible([Constraint(c, op, b) for c, op, b in rows], objective={v: 1}, minimize=lowest)
    if res.status == "unbounded":
        return None
    if res.status == "infeasible":
        raise AssertionError("a fixed coordinate left the feasible branch")
    return res.objective_value, bool(res.attained)


def _inside(q: Any, lo: End, hi: End) -> bool:
    if lo is not None and (q < lo[0] or (q == lo[0] and not lo[1])):
        return False
    return hi is None or not (q > hi[0] or (q == hi[0] and not hi[1]))


def _least(lo: End, hi: End) -> Any | None:
    for s in range(2, MAX_SIZE + 1):
        for q in of_size(s):
            if _inside(q, lo, hi):
                return q
    return None


def short_point(rows: Sequence[Row], order: Sequence[Hashable]) -> dict[Hashable, Any] | None:
    """Fix the variables of ``order`` one at a time to a rational of least size in their
    range over the feasible system ``rows`` (None if some range has no rational of size
    ≤ :data:`MAX_SIZE`)."""
    fixed = list(rows)
    point: dict[Hashable, Any] = {}
    for v in order:
        q = _least(_end(fixed, v, True), _end(fixed, v, False))
        if q is None:
            return None
        point[v] = q
        fixed.append(({v: 1}, "==", q))
    return point
