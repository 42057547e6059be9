"""Small rational solutions of linear systems (short encodings, docs: model.md).

An ERM_bit witness must satisfy ``enc(θ) = Σ size(θ_e) <= β``, so a feasible point
found by the simplex method (whose vertices can have long entries) is worth moving to a
point with short entries.  Two tools:

* :func:`simplest_rational` -- the rational of least denominator, and then least
  absolute numerator, in an interval (open, closed or half-open, possibly unbounded).
  It has the least :func:`~ermbit.exact.size` of all rationals in the interval.
* :func:`simplify_point` -- replaces coordinates by simplest rationals while keeping every
  constraint satisfied (moving along the equality constraints), checked exactly.

>>> simplest_rational("1/3", "1/2", lo_open=True, hi_open=True), simplest_rational("-7/2", "-3")
(mpq(2,5), mpq(-3,1))
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

from ermbit.errors import InputError, VerificationFailed
from ermbit.exact import Q, Rational, RationalLike, enc, parse, size
from ermbit.solvers.lp.linear import Constraint, LinearSystem

__all__ = ["simplest_rational", "simplify_point"]

_MIRROR = {"<=": ">=", ">=": "<=", "<": ">", ">": "<", "==": "=="}
_METHODS = ("coordinate", "projection")


def simplest_rational(
    lo: RationalLike | None = None,
    hi: RationalLike | None = None,
    *,
    lo_open: bool = False,
    hi_open: bool = False,
) -> Rational:
    """The simplest rational in the interval from ``lo`` to ``hi`` (``None``: unbounded).

    Returns ``p/q`` in the interval with the least ``q >= 1`` and, among those, the least
    ``|p|``.  Every other rational ``p'/q'`` of the interval has ``q' >= q`` and
    ``|p'| >= |p|`` (Stern–Brocot), so the answer also has the least ``size``.  The
    method follows the continued fractions of the endpoints.

    Raises
    ------
    InputError
        If the interval is empty.

    >>> simplest_rational(0, 1, lo_open=True, hi_open=True), simplest_rational("3/7", None)
    (mpq(1,2), mpq(1,1))
    >>> simplest_rational(1, 1, hi_open=True)
    Traceback (most recent call last):
    ...
    ermbit.errors.InputError: lo, hi: the interval [1, 1) is empty
    """
    lo = None if lo is None else parse(lo, name="lo")
    hi = None if hi is None else parse(hi, name="hi")
    if lo is not None and hi is not None and (lo > hi or (lo == hi and (lo_open or hi_open))):
        left, right = "(" if lo_open else "[", ")" if hi_open else "]"
        raise InputError(f"lo, hi: the interval {left}{lo}, {hi}{right} is empty")
    zero = Q(0)
    above = lo is None or lo < 0 or (lo == 0 and not lo_open)
    below = hi is None or hi > 0 or (hi == 0 and not hi_open)
    if above and below:
        return zero
    if not below:  # the interval lies in the negatives: mirror it
        assert hi is not None
        return -_simplest_nonnegative(-hi, hi_open, None if lo is None else -lo, lo_open)
    assert lo is not None
    return _simplest_nonnegative(lo, lo_open, hi, hi_open)


def _simplest_nonnegative(
    lo: Rational, lo_open: bool, hi: Rational | None, hi_open: bool
) -> Rational:
    # Invariant: 0 <= lo, the interval is non-empty.  If it holds no integer, then
    # x = k + 1/y with k = floor(lo) and y in the reflected interval (1/(hi-k), 1/(lo-k)).
    terms = []
    while True:
        k = lo.numerator // lo.denominator
        n = k + 1 if (lo_open or lo != k) else k
        if hi is None or n < hi or (n == hi and not hi_open):
            terms.append(n)
            break
        terms.append(k)
        new_hi = None if lo == k else 1 / (lo - k)
        lo, lo_open, hi, hi_open = 1 / (hi - k), hi_open, new_hi, lo_open
    x = Q(terms[-1])
    for t in reversed(terms[:-1]):
        x = t + 1 / x
    return x


def simplify_point(
    constraints: LinearSystem | Iterable[Constraint],
    point: Mapping[Any, Any],
    *,
    method: str = "coordinate",
    max_passes: int = 20,
) -> dict[Any, Rational]:
    """A feasible point with a short encoding, found from the feasible ``point``.

    ``"coordinate"`` (default): the equality constraints are solved for some *pivot*
    variables (Gauss-Jordan); each other (*free*) variable ``x_v`` gets a move direction,
    ``x_v`` up by one and the pivots dragged along so that every equality still holds.
    Passes replace each free ``x_v`` by the simplest rational it can take along its move
    (the other free variables fixed, every inequality kept) until nothing changes or
    ``max_passes`` passes are done.  The passes run from ``point`` and, when one exists,
    from an interior point (every inequality strict, one LP), since at a vertex tight
    rows often pin every coordinate; the shorter result is kept.

    ``"projection"``: for each variable in turn, fix it to the simplest rational in the
    projection of the remaining feasible set (two LPs per variable, so much slower), then
    run the passes.

    Guarantees: the result satisfies every constraint (checked exactly) and has every
    key of ``point``; its ``enc`` is at most that of ``point``.  With ``"coordinate"``,
    when the passes end with no change, no free coordinate can be moved to a simpler
    rational along its direction.  The result is not guaranteed to have minimal ``enc``
    among feasible points; pivot coordinates are whatever the equalities make them.

    Raises
    ------
    InputError
        If ``point`` violates a constraint, misses a variable, or ``method`` is unknown.

    >>> cons = [Constraint({"x": 3}, ">", 1), Constraint({"x": 1, "y": -1}, ">=", "1/2")]
    >>> simplify_point(cons, {"x": "7/3", "y": "11/6"})
    {'x': mpq(1,1), 'y': mpq(0,1)}
    >>> cons[1] = Constraint({"x": 1, "y": -1}, "==", "1/2")
    >>> simplify_point(cons, {"x": "7/3", "y": "11/6"})
    {'x': mpq(1,1), 'y': mpq(1,2)}
    >>> simplify_point(cons, {"x": "7/3", "y": "11/6"}, method="projection")
    {'x': mpq(1,1), 'y': mpq(1,2)}
    """
    if method not in _METHODS:
        raise InputError(f"method: expected one of {_METHODS}, got {method!r}")
    system = (
        constraints if isinstance(constraints, LinearSystem) else LinearSystem(tuple(constraints))
    )
    start = {v: parse(x, name=f"point[{v!r}]") for v, x in point.items()}
    bad = system.violated(start)
    if bad:
        raise InputError(f"point: violates constraint {bad[0]} ({system.constraints[bad[0]]})")
    if method == "projection":
        seeds = [_by_projection(system, start)]
    else:
        # Also start from an interior point: at a vertex, tight rows often pin every
        # coordinate to its current value, leaving nothing to round.
        inner = _interior(system)
        seeds = [dict(start)] + ([{**start, **inner}] if inner is not None else [])
    candidates = [_coordinate_passes(system, seed, max_passes) for seed in seeds]
    for cand in candidates:
        if system.violated(cand):
            raise VerificationFailed(
                "internal error: simplify_point produced an infeasible point",
                claim="feasible point",
                counterexample=cand,
            )
    return min([*candidates, start], key=lambda p: enc(p.values()))


def _coordinate_passes(
    system: LinearSystem, point: dict[Any, Any], max_passes: int
) -> dict[Any, Any]:
    # Each change lowers (denominator, |numerator|) of one free coordinate in the product
    # order and leaves the other free coordinates alone, so the passes terminate.
    moves = _directions(system, point)
    touching = {v: [(c, s) for c in system if (s := _dot(c.coeffs, d))] for v, d in moves.items()}
    for _ in range(max_passes):
        changed = False
        for v, d in moves.items():
            lo, hi, lo_open, hi_open = _slice(touching[v], v, point)
            best = simplest_rational(lo, hi, lo_open=lo_open, hi_open=hi_open)
            if best != point[v]:
                step = best - point[v]
                for u, du in d.items():
                    point[u] += step * du
                changed = True
        if not changed:
            break
    return point


def _dot(coeffs: Mapping[Any, Rational], d: Mapping[Any, Rational]) -> Rational:
    return sum((a * d[u] for u, a in coeffs.items() if u in d), Q(0))


def _directions(system: LinearSystem, point: Mapping[Any, Any]) -> dict[Any, dict[Any, Any]]:
    """For each free variable v, the move ``x_v += 1`` that keeps every equality.

    Gauss-Jordan on the equality rows solves each independent one for a *pivot*
    variable (a short coefficient preferred, so the pivots stay short); a free variable
    drags the pivots along: ``x_p`` moves by ``-g_pv`` where ``x_p + Σ g_pu x_u = c_p``.
    """
    pivots: dict[Any, dict[Any, Any]] = {}  # pivot -> its reduced row (pivot coeff 1)
    order = {v: k for k, v in enumerate(point)}
    for c in system:
        if c.op != "==":
            continue
        row = dict(c.coeffs)
        for p, prow in pivots.items():  # reduce by the earlier pivot rows
            if row.get(p):
                f = row[p]
                for u, g in prow.items():
                    row[u] = row.get(u, Q(0)) - f * g
        row = {u: a for u, a in row.items() if a}
        if not row:
            continue
        p = min(row, key=lambda u: (size(row[u]), -order[u]))
        row = {u: a / row[p] for u, a in row.items()}
        for prow in pivots.values():  # keep the earlier rows free of the new pivot
            if prow.get(p):
                f = prow[p]
                for u, g in row.items():
                    prow[u] = prow.get(u, Q(0)) - f * g
                prow.pop(p)
        pivots[p] = row
    return {
        v: {v: Q(1), **{p: -row[v] for p, row in pivots.items() if row.get(v)}}
        for v in point
        if v not in pivots
    }


def _slice(
    constraints: Iterable[tuple[Constraint, Any]], v: Hashable, point: Mapping[Any, Any]
) -> tuple[Any, Any, bool, bool]:
    """``(lo, hi, lo_open, hi_open)``: the values of ``x_v`` along its move direction.

    ``constraints`` pairs each constraint with ``s = a·d != 0`` for the direction ``d``;
    moving by ``δ`` changes its left side by ``s·δ``.
    """
    lo = hi = None
    lo_open = hi_open = False
    for c, s in constraints:
        slack = c.rhs - c.lhs(point)
        bound, op = point[v] + slack / s, c.op if s > 0 else _MIRROR[c.op]
        is_open = op in ("<", ">")
        if op in ("<=", "<", "==") and (hi is None or bound < hi or (bound == hi and is_open)):
            hi, hi_open = bound, is_open
        if op in (">=", ">", "==") and (lo is None or bound > lo or (bound == lo and is_open)):
            lo, lo_open = bound, is_open
    return lo, hi, lo_open, hi_open


def _interior(system: LinearSystem) -> dict[Any, Any] | None:
    """A point with every inequality strict (maximal least slack, capped), if one exists."""
    from ermbit.solvers.lp.program import feasible  # see _by_projection

    strict = {"<=": "<", ">=": ">"}
    tight = [Constraint(c.coeffs, strict.get(c.op, c.op), c.rhs) for c in system]
    return feasible(tight).point


def _by_projection(system: LinearSystem, point: dict[Any, Any]) -> dict[Any, Any]:
    # Imported here: lp re-exports this module's functions, so a top-level import would
    # be circular.
    from ermbit.solvers.lp.program import feasible

    result: dict[Any, Any] = {}
    rest = list(system)
    for v in point:
        if not any(v in c.coeffs for c in rest):
            result[v] = Q(0)
            continue
        low = feasible(rest, objective={v: 1})
        high = feasible(rest, objective={v: 1}, minimize=False)
        if "infeasible" in (low.status, high.status):
            raise VerificationFailed(
                f"internal error: fixing coordinates made the system infeasible at {v!r}",
                claim="projection keeps feasibility",
                counterexample=result,
            )
        value = simplest_rational(
            None if low.status == "unbounded" else low.objective_value,
            None if high.status == "unbounded" else high.objective_value,
            lo_open=low.attained is False,
            hi_open=high.attained is False,
        )
        result[v] = value
        rest = [_substitute(c, v, value) for c in rest]
    return result


def _substitute(c: Constraint, v: Hashable, value: Any) -> Constraint:
    if v not in c.coeffs:
        return c
    coeffs = {u: a for u, a in c.coeffs.items() if u != v}
    return Constraint(coeffs, c.op, c.rhs - c.coeffs[v] * value, c.tag)
