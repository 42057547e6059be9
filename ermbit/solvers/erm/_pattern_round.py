"""Private: shorter points of the linear systems found by :mod:`ermbit.solvers.erm.pattern`.

A realisable pattern gives a simplex vertex, whose entries can be long.  The witness must
have ``enc(θ) ≤ β``, so the solver tries, cheapest first:

1. the vertex itself;
2. :func:`round_slices` -- replace each coordinate by the simplest rational of its slice
   (the values it may take with the others fixed), a few passes; no LP is solved, so it
   is fast even on big systems, but tight rows at the vertex can pin coordinates;
3. :func:`ermbit.solvers.lp.program.simplify_point` (``"coordinate"``: moves along equalities and
   also starts from an interior point, one more LP) and then ``"projection"`` (two LPs per
   variable).

Every step keeps every row satisfied (checked exactly by the caller's verifier as well).
:func:`theta_from_point` turns a point into θ on the trainable edges.

>>> from ermbit.solvers.lp.program import Constraint
>>> rows = [Constraint({"x": 7}, ">", 2), Constraint({"x": 1, "y": 1}, "<=", 5)]
>>> round_slices(rows, {"x": "5/7", "y": "30/7"})
{'x': mpq(1,1), 'y': mpq(0,1)}
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from ermbit import exact
from ermbit.errors import VerificationFailed
from ermbit.exact import Q, parse
from ermbit.network.model import Network
from ermbit.solvers.erm._pattern_model import EdgeKey, Fixed
from ermbit.solvers.lp.program import Constraint, simplest_rational, simplify_point

__all__ = ["METHODS", "round_slices", "shorten", "theta_from_point"]

#: The simplification steps, cheapest first.
METHODS = ("vertex", "slices", "coordinate", "projection")
_MIRROR = {"<=": ">=", ">=": "<=", "<": ">", ">": "<", "==": "=="}


def _slice(rows: Sequence[Constraint], v: Hashable, point: Mapping[Any, Any]) -> Any:
    lo = hi = None
    lo_open = hi_open = False
    for c in rows:
        a = c.coeffs[v]
        rest = c.rhs - sum((b * point[u] for u, b in c.coeffs.items() if u != v), Q(0))
        bound, op = rest / a, c.op if a > 0 else _MIRROR[c.op]
        strict = op in ("<", ">")
        if op in ("<=", "<", "==") and (hi is None or bound < hi or (bound == hi and strict)):
            hi, hi_open = bound, strict
        if op in (">=", ">", "==") and (lo is None or bound > lo or (bound == lo and strict)):
            lo, lo_open = bound, strict
    return simplest_rational(lo, hi, lo_open=lo_open, hi_open=hi_open)


def round_slices(
    rows: Sequence[Constraint], point: Mapping[Any, Any], passes: int = 8
) -> dict[Any, Any]:
    """Coordinate passes: each coordinate becomes the simplest rational of its slice."""
    out = {v: parse(x, name=f"point[{v!r}]") for v, x in point.items()}
    touching: dict[Hashable, list[Constraint]] = {}
    for c in rows:
        for v in c.coeffs:
            touching.setdefault(v, []).append(c)
    for _ in range(passes):
        changed = False
        for v, cs in touching.items():
            best = _slice(cs, v, out)
            if best != out[v]:
                out[v], changed = best, True
        if not changed:
            break
    bad = [c for c in rows if not c.holds(out)]
    if bad:
        raise VerificationFailed(
            f"internal error: slice rounding broke the row {bad[0]}", counterexample=out
        )
    return out


def shorten(
    systems: Sequence[Sequence[Constraint]], point: Mapping[Any, Any], method: str
) -> dict[Any, Any]:
    """``point`` shortened system by system (independent components) with ``method``."""
    out = dict(point)
    if method == "vertex":
        return out
    for rows in systems:
        sub = {v: out[v] for c in rows for v in c.coeffs}
        if method == "slices":
            out.update(round_slices(rows, sub))
        else:
            out.update(simplify_point(rows, sub, method=method))
    return out


def theta_from_point(
    net: Network, fixed: Fixed, point: Mapping[Any, Any]
) -> dict[EdgeKey, tuple[Any, Any]]:
    """θ on every trainable edge: each node's bias sum on its first trainable in-edge."""
    zero = exact.Q(0)
    theta = {}
    for v in net.node_ids:
        free = [e for e in net.in_edges(v) if not e.frozen]
        if not free:
            continue
        pair = fixed.pairs.get(free[0].key)
        if pair is not None and len(free) == 1:
            theta[free[0].key] = pair
            continue
        total = fixed.bias[v] if v in fixed.bias else point.get(("B", v), zero)
        for j, e in enumerate(free):
            w = fixed.weights.get(e.key, point.get(("w", e.src, e.dst), zero))
            theta[e.key] = (w, total if j == 0 else zero)
    return theta
