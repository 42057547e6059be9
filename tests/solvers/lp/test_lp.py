"""Tests of the exact LP solver (ermbit.solvers.lp.program, linear, lp_round, _simplex).

Ground truth is Fourier–Motzkin elimination written here with fractions.Fraction: it
decides feasibility of small systems with strict rows exactly, and projecting onto a new
variable ``o = c·x`` gives the exact range of the objective (with open/closed ends).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from itertools import combinations
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ermbit.errors import BudgetExceeded, InputError, InputTypeError
from ermbit.exact import Q, size, to_fraction
from ermbit.solvers.lp import simplex as _simplex
from ermbit.solvers.lp.program import (
    OPS,
    Constraint,
    LinearSystem,
    LPResult,
    feasible,
    simplest_rational,
    simplify_point,
    verify_certificate,
)
from ermbit.solvers.lp.rounding import _by_projection
from tests.profiles import examples

SETTINGS = examples(60)
VARS = ("a", "b", 2, "d")

# -- the oracle -------------------------------------------------------------------------

# A row is (coeffs: dict var -> Fraction, kind, rhs: Fraction) meaning coeffs·x kind rhs,
# kind one of "<=", "<", "==".  Equalities are eliminated by substitution (splitting them
# into two inequalities would make Fourier–Motzkin blow up).


Row = tuple[dict[Any, Fraction], str, Fraction]
Range = tuple[bool, Fraction | None, bool, Fraction | None, bool]


def fm_rows(cons: Sequence[Constraint]) -> list[Row]:
    rows = []
    for c in cons:
        coeffs = {v: to_fraction(a) for v, a in c.coeffs.items()}
        rhs = to_fraction(c.rhs)
        if c.op in (">=", ">"):
            coeffs, rhs = {v: -a for v, a in coeffs.items()}, -rhs
        rows.append((coeffs, {">=": "<=", ">": "<"}.get(c.op, c.op), rhs))
    return rows


def fm_combine(p: Row, sp: Fraction, n: Row, sn: Fraction, var: Any, kind: str) -> Row:
    """sp*p + sn*n with the var column cancelled."""
    coeffs = {}
    for v in set(p[0]) | set(n[0]):
        val = sp * p[0].get(v, 0) + sn * n[0].get(v, 0)
        if val and v != var:
            coeffs[v] = val
    return coeffs, kind, sp * p[2] + sn * n[2]


def fm_normalised(row: Row) -> tuple[Any, str, Fraction]:
    coeffs, kind, rhs = row
    scale = max((abs(a) for a in coeffs.values()), default=1)
    key = tuple(sorted(((repr(v), a / scale) for v, a in coeffs.items())))
    return key, kind, rhs / scale


def fm_eliminate(rows: list[Row], var: Any) -> list[Row]:
    eqs = [r for r in rows if r[1] == "==" and r[0].get(var, Fraction(0))]
    if eqs:  # substitute var from one equality into every other row
        e = eqs[0]
        out = []
        for r in rows:
            a = r[0].get(var, 0)
            if r is not e:
                out.append(fm_combine(r, Fraction(1), e, -a / e[0][var], var, r[1]) if a else r)
        return out
    keep: list[Row] = []
    pos: list[Row] = []
    neg: list[Row] = []
    for row in rows:
        a = row[0].get(var, 0)
        (pos if a > 0 else neg if a < 0 else keep).append(row)
    seen = {fm_normalised(r) for r in keep}
    for p in pos:
        for n in neg:
            kind = "<" if "<" in (p[1], n[1]) else "<="
            row = fm_combine(p, 1 / p[0][var], n, -1 / n[0][var], var, kind)
            if fm_normalised(row) not in seen:
                seen.add(fm_normalised(row))
                keep.append(row)
    return keep


def fm_cost(rows: list[Row], v: Any) -> int:
    """How many rows eliminating ``v`` creates (-1: an equality can be substituted)."""
    if any(r[1] == "==" and r[0].get(v) for r in rows):
        return -1
    pos = sum(1 for r in rows if r[0].get(v, 0) > 0)
    return pos * sum(1 for r in rows if r[0].get(v, 0) < 0)


def fm_eliminate_all(rows: list[Row], names: set[Any]) -> list[Row]:
    """Eliminate ``names``, cheapest first, to limit the blow-up."""
    names = set(names)
    while names:
        var = min(names, key=lambda v: (fm_cost(rows, v), repr(v)))
        names.discard(var)
        rows = fm_eliminate(rows, var)
    return rows


def fm_constant_ok(kind: str, rhs: Fraction) -> bool:
    return {"<=": rhs >= 0, "<": rhs > 0, "==": rhs == 0}[kind]


def fm_feasible(cons: Sequence[Constraint]) -> bool:
    rows = fm_eliminate_all(fm_rows(cons), {v for c in cons for v in c.coeffs})
    return all(fm_constant_ok(kind, b) for _, kind, b in rows)


def fm_objective_range(cons: Sequence[Constraint], objective: Mapping[Any, Any]) -> Range:
    """(feasible, lo, lo_open, hi, hi_open) for the values of objective·x (None = infinite)."""
    o = "__objective__"
    coeffs = {o: 1, **{v: -a for v, a in objective.items()}}
    names = {v for c in cons for v in c.coeffs} | set(objective)
    rows = fm_eliminate_all(fm_rows([*cons, Constraint(coeffs, "==", 0)]), names)
    lo = hi = None
    lo_open = hi_open = False
    infeasible = (False, None, False, None, False)
    for coeffs, kind, b in rows:
        a = coeffs.get(o, 0)
        if a == 0:
            if not fm_constant_ok(kind, b):
                return infeasible
            continue
        strict = kind == "<"
        if (a > 0 or kind == "==") and (hi is None or b / a < hi or (b / a == hi and strict)):
            hi, hi_open = b / a, strict
        if (a < 0 or kind == "==") and (lo is None or b / a > lo or (b / a == lo and strict)):
            lo, lo_open = b / a, strict
    if lo is not None and hi is not None and (lo > hi or (lo == hi and (lo_open or hi_open))):
        return infeasible
    return True, lo, lo_open, hi, hi_open


def satisfies(cons: Sequence[Constraint], point: Mapping[Any, Any]) -> bool:
    """Independent check of a point, in Fractions."""
    for c in cons:
        lhs = sum(to_fraction(a) * to_fraction(point[v]) for v, a in c.coeffs.items())
        rhs = to_fraction(c.rhs)
        ok = {
            "<=": lhs <= rhs,
            ">=": lhs >= rhs,
            "==": lhs == rhs,
            "<": lhs < rhs,
            ">": lhs > rhs,
        }[c.op]
        if not ok:
            return False
    return True


def is_farkas(cons: Sequence[Constraint], y: Sequence[Any] | None) -> bool:
    """Independent check of a certificate, in Fractions."""
    assert y is not None
    ys = [to_fraction(v) for v in y]
    combo: dict[Any, Fraction] = {}
    total, strict_used = Fraction(0), False
    for c, yi in zip(cons, ys, strict=True):
        if (c.op in ("<=", "<") and yi < 0) or (c.op in (">=", ">") and yi > 0):
            return False
        total += yi * to_fraction(c.rhs)
        strict_used |= c.op in ("<", ">") and yi != 0
        for v, a in c.coeffs.items():
            combo[v] = combo.get(v, 0) + yi * to_fraction(a)
    return all(v == 0 for v in combo.values()) and (total < 0 or (total == 0 and strict_used))


def brute_simplest(lo: Any, hi: Any, lo_open: bool, hi_open: bool) -> Fraction:
    """Least denominator, then least |numerator|, by search."""
    lo = None if lo is None else Fraction(lo)
    hi = None if hi is None else Fraction(hi)
    q = 1
    while True:
        # every p/q in the interval (clipped near 0 when a side is unbounded): the search
        # must cover the whole interval, wherever it lies
        if lo is not None:
            lo_p = math.floor(lo * q) - 1
        else:
            lo_p = -1 if hi is None else min(-1, math.floor(hi * q) - 1)
        if hi is not None:
            hi_p = math.ceil(hi * q) + 1
        else:
            hi_p = 1 if lo is None else max(1, math.ceil(lo * q) + 1)
        cands = []
        for p in range(lo_p, hi_p + 1):
            x = Fraction(p, q)
            if x.denominator != q:
                continue
            if lo is not None and (x < lo or (x == lo and lo_open)):
                continue
            if hi is not None and (x > hi or (x == hi and hi_open)):
                continue
            cands.append(x)
        if cands:
            return min(cands, key=abs)
        q += 1


# -- strategies -------------------------------------------------------------------------

small = st.integers(-3, 3)


@st.composite
def constraints(
    draw: st.DrawFn,
    min_size: int = 1,
    max_size: int = 6,
    ops: Sequence[str] = OPS,
    rhs_zero: bool = False,
) -> list[Constraint]:
    nvars = draw(st.integers(2, 4))
    names = VARS[:nvars]
    out = []
    for i in range(draw(st.integers(min_size, max_size))):
        coeffs = {v: draw(small) for v in names}
        rhs = 0 if rhs_zero else draw(st.integers(-4, 4))
        tag = draw(st.sampled_from([None, f"c{i}"]))
        out.append(Constraint(coeffs, draw(st.sampled_from(ops)), rhs, tag))
    return out


# -- feasibility against Fourier–Motzkin ------------------------------------------------


@SETTINGS
@given(constraints(), st.booleans())
def test_feasibility_agrees_with_fourier_motzkin(cons: list[Constraint], bland: bool) -> None:
    res = feasible(cons, bland=bland)
    assert (res.status == "feasible") == fm_feasible(cons)
    if res.status == "feasible":
        assert res.point is not None and satisfies(cons, res.point)
        assert set(res.point) == {v for c in cons for v in c.coeffs}
    else:
        assert res.certificate is not None and is_farkas(cons, res.certificate)
        assert verify_certificate(cons, res.certificate)
        assert res.core_indices == tuple(i for i, y in enumerate(res.certificate) if y)
        assert not fm_feasible([cons[i] for i in res.core_indices])
        tags = tuple(i if cons[i].tag is None else cons[i].tag for i in res.core_indices)
        assert res.core == tags


@SETTINGS
@given(constraints(min_size=3, max_size=7))
def test_irreducible_core(cons: list[Constraint]) -> None:
    res = feasible(cons, irreducible_core=True)
    assume(res.status != "feasible")
    core = [cons[i] for i in res.core_indices]
    assert res.certificate is not None and is_farkas(cons, res.certificate)
    assert not fm_feasible(core)
    for k in range(len(core)):
        assert fm_feasible(core[:k] + core[k + 1 :]), "core is not irreducible"


@SETTINGS
@given(constraints(rhs_zero=True, ops=("<=", ">=", "==")), st.booleans())
def test_degenerate_homogeneous_systems(cons: list[Constraint], bland: bool) -> None:
    # Every vertex is the origin: maximally degenerate.  Optimise a fixed direction.
    objective = {v: 1 for v in VARS[:2]}
    res = feasible(cons, objective=objective, bland=bland)
    ok, lo, *_ = fm_objective_range(cons, objective)
    assert ok
    if lo is None:
        assert res.status == "unbounded"
    else:
        assert res.status == "feasible" and to_fraction(res.objective_value) == lo == 0


# -- optimisation against the projected objective range ---------------------------------


@SETTINGS
@given(constraints(), st.dictionaries(st.sampled_from(VARS[:2]), small), st.booleans())
def test_optimum_agrees_with_projection(
    cons: list[Constraint], objective: dict[Any, int], minimize: bool
) -> None:
    res = feasible(cons, objective=objective, minimize=minimize)
    ok, lo, lo_open, hi, hi_open = fm_objective_range(cons, objective)
    if not ok:
        assert res.status == "infeasible"
        return
    assert res.point is not None and satisfies(cons, res.point)
    bound, is_open = (lo, lo_open) if minimize else (hi, hi_open)
    if bound is None:
        assert res.status == "unbounded" and res.ray is not None
        weak = {"<": "<=", ">": ">="}
        cone = [Constraint(c.coeffs, weak.get(c.op, c.op), 0) for c in cons]
        assert satisfies(cone, res.ray)
        gain = sum(to_fraction(a) * to_fraction(res.ray[v]) for v, a in objective.items())
        assert gain < 0 if minimize else gain > 0
        return
    assert res.status == "feasible" and to_fraction(res.objective_value) == bound
    assert res.attained is (not is_open)
    value = sum(to_fraction(a) * to_fraction(res.point[v]) for v, a in objective.items())
    assert (value == bound) is res.attained


# -- known linear programs --------------------------------------------------------------


def point_of(res: LPResult) -> dict[Any, Any]:
    assert res.point is not None
    return res.point


def nonneg(*names: Any) -> list[Constraint]:
    return [Constraint({v: 1}, ">=", 0) for v in names]


WYNDOR = [
    Constraint({"x": 1}, "<=", 4),
    Constraint({"y": 2}, "<=", 12),
    Constraint({"x": 3, "y": 2}, "<=", 18),
    *nonneg("x", "y"),
]
# Chvátal, Linear Programming, ch. 2: optimum 13 at (2, 0, 1).
CHVATAL = [
    Constraint({1: 2, 2: 3, 3: 1}, "<=", 5),
    Constraint({1: 4, 2: 1, 3: 2}, "<=", 11),
    Constraint({1: 3, 2: 4, 3: 2}, "<=", 8),
    *nonneg(1, 2, 3),
]
# Chvátal ch. 3: cycles under the largest-coefficient rule; optimum 1 at (1, 0, 1, 0).
CYCLING = [
    Constraint({1: "1/2", 2: "-11/2", 3: "-5/2", 4: 9}, "<=", 0),
    Constraint({1: "1/2", 2: "-3/2", 3: "-1/2", 4: 1}, "<=", 0),
    Constraint({1: 1}, "<=", 1),
    *nonneg(1, 2, 3, 4),
]
# Beale (1955): cycles under Dantzig's rule; optimum -1/20 at (1/25, 0, 1, 0).
BEALE = [
    Constraint({4: "1/4", 5: -60, 6: "-1/25", 7: 9}, "<=", 0),
    Constraint({4: "1/2", 5: -90, 6: "-1/50", 7: 3}, "<=", 0),
    Constraint({6: 1}, "<=", 1),
    *nonneg(4, 5, 6, 7),
]
KNOWN: list[tuple[list[Constraint], dict[Any, Any], bool, Any, dict[Any, Any]]] = [
    (WYNDOR, {"x": 3, "y": 5}, False, 36, {"x": 2, "y": 6}),
    (CHVATAL, {1: 5, 2: 4, 3: 3}, False, 13, {1: 2, 2: 0, 3: 1}),
    ([Constraint({"x": 1, "y": 1}, ">=", 4), Constraint({"x": 1, "y": 3}, ">=", 6),
      *nonneg("x", "y")], {"x": 2, "y": 3}, True, 9, {"x": 3, "y": 1}),
    (CYCLING, {1: 10, 2: -57, 3: -9, 4: -24}, False, 1, {1: 1, 2: 0, 3: 1, 4: 0}),
    (BEALE, {4: "-3/4", 5: 150, 6: "-1/50", 7: 6}, True, Fraction(-1, 20),
     {4: Fraction(1, 25), 5: 0, 6: 1, 7: 0}),
]  # fmt: skip


@pytest.mark.parametrize("bland", [False, True])
@pytest.mark.parametrize("case", range(len(KNOWN)))
def test_known_optima(case: int, bland: bool) -> None:
    cons, objective, minimize, value, point = KNOWN[case]
    res = feasible(cons, objective=objective, minimize=minimize, bland=bland)
    assert res.status == "feasible" and res.attained
    assert to_fraction(res.objective_value) == value
    assert {v: to_fraction(x) for v, x in point_of(res).items()} == point
    ok, lo, _, hi, _ = fm_objective_range(cons, {v: Q(a) for v, a in objective.items()})
    assert ok and (lo if minimize else hi) == value


def test_cycling_example_needs_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    # Under pure Dantzig pricing Chvátal's example cycles in this engine too: the
    # switch to Bland's rule after a degenerate run is what makes it terminate.
    cons, objective, minimize, value, _ = KNOWN[3]
    monkeypatch.setattr(_simplex, "_DEGENERATE_RUN", 10**9)
    with pytest.raises(BudgetExceeded):
        feasible(cons, objective=objective, minimize=minimize, max_pivots=300)
    monkeypatch.undo()
    res = feasible(cons, objective=objective, minimize=minimize, max_pivots=300)
    assert res.objective_value == value


def test_unbounded_with_ray() -> None:
    cons = [Constraint({"x": 1, "y": -1}, "<=", 1), *nonneg("x", "y")]
    res = feasible(cons, objective={"x": 1, "y": 1}, minimize=False)
    assert res.status == "unbounded" and res.ray is not None
    for lam in (0, 1, 10**6):
        moved = {v: point_of(res)[v] + lam * res.ray[v] for v in ("x", "y")}
        assert satisfies(cons, moved)
    assert res.ray["x"] + res.ray["y"] > 0


def test_strict_optimum_not_attained() -> None:
    cons = [Constraint({"x": 1}, ">", 0), Constraint({"x": 1, "y": 1}, "<=", 5)]
    res = feasible(cons, objective={"x": 1})
    assert res.status == "feasible" and res.objective_value == 0 and res.attained is False
    assert point_of(res)["x"] > 0 and satisfies(cons, point_of(res))
    res = feasible(cons, objective={"x": 1}, minimize=False)
    assert res.status == "unbounded"  # y -> -infinity lets x grow
    cons.append(Constraint({"y": 1}, ">", 1))
    res = feasible(cons, objective={"x": 1}, minimize=False)
    assert res.objective_value == 4 and res.attained is False and point_of(res)["x"] < 4


def test_edge_cases() -> None:
    assert feasible([]).status == "feasible" and feasible([]).point == {}
    assert feasible([], objective={"z": 0}).objective_value == 0
    assert feasible([], objective={"z": -1}).status == "unbounded"
    for op, rhs, ok in [("<=", -1, False), ("<", 0, False), ("<=", 0, True), ("==", 1, False)]:
        cons = [Constraint({}, op, rhs), Constraint({"x": 1}, ">=", 2)]
        res = feasible(cons)
        assert (res.status == "feasible") is ok
        if not ok:
            assert res.core_indices == (0,) and is_farkas(cons, res.certificate)
    # Strictness alone makes this infeasible; its certificate must use a strict row.
    cons = [Constraint({"x": 1, "y": 1}, "<", 2), Constraint({"x": 1, "y": 1}, ">=", 2)]
    res = feasible(cons)
    assert res.status == "infeasible" and is_farkas(cons, res.certificate)
    assert feasible([Constraint({"x": 1}, "==", "1/3")]).point == {"x": Q(1, 3)}


def test_equalities_and_redundancy() -> None:
    cons = [
        Constraint({"x": 1, "y": 1}, "==", 2),
        Constraint({"x": 2, "y": 2}, "==", 4),  # redundant copy
        Constraint({"x": 1, "y": -1}, "<", 0),
        Constraint({"x": 1}, ">", 0),
    ]
    res = feasible(cons)
    assert res.status == "feasible" and satisfies(cons, point_of(res))
    res = feasible(cons, objective={"x": 1}, minimize=False)
    assert res.objective_value == 1 and res.attained is False


def test_max_pivots_budget() -> None:
    with pytest.raises(BudgetExceeded, match="pivots"):
        feasible(CHVATAL, objective={1: 5, 2: 4, 3: 3}, minimize=False, max_pivots=1)


def test_input_errors() -> None:
    with pytest.raises(InputTypeError, match="float"):
        Constraint({"x": 0.5}, "<=", 1)
    with pytest.raises(InputError, match="op"):
        Constraint({"x": 1}, "=<", 1)
    with pytest.raises(InputTypeError, match="coeffs"):
        Constraint([("x", 1)], "<=", 1)  # type: ignore[arg-type]
    with pytest.raises(InputTypeError, match="constraints"):
        LinearSystem(["x <= 1"])  # type: ignore[list-item]
    with pytest.raises(InputError, match="certificate"):
        verify_certificate(WYNDOR, [1])
    with pytest.raises(InputError, match="status"):
        LPResult("optimal", point={})


def test_value_types() -> None:
    c = Constraint({"y": -1, "x": "3/2", "z": 0}, "<", 2, tag="t")
    assert dict(c.coeffs) == {"x": Q(3, 2), "y": Q(-1)}
    assert str(c) == "3/2*x - y < 2"
    assert c == Constraint({"x": "6/4", "y": -1}, "<", 2, tag="t")
    assert hash(c) == hash(Constraint({"x": "6/4", "y": -1}, "<", 2, tag="t"))
    system = LinearSystem(WYNDOR)
    assert system.variables == ("x", "y") and len(system) == 5
    assert system.violated({"x": 5, "y": -1}) == (0, 4)
    with pytest.raises(InputError, match="'y'"):
        c.holds({"x": 1})
    # A well-formed but wrong certificate is rejected, not raised on.
    assert not verify_certificate(WYNDOR, [1, 0, 0, 0, 0])


@SETTINGS
@given(constraints(max_size=5), st.booleans())
def test_engine_rules_agree(cons: list[Constraint], minimize: bool) -> None:
    # Dantzig-with-fallback and pure Bland must find the same optimal value.
    objective = {"a": 1, "b": -1}
    first = feasible(cons, objective=objective, minimize=minimize)
    second = feasible(cons, objective=objective, minimize=minimize, bland=True)
    assert first.status == second.status
    assert first.objective_value == second.objective_value


def test_engine_direct() -> None:
    out = _simplex.solve([[1, 1], [1, -1]], [2, 0], [True, True], 2, [1, 0])
    assert out.status == "optimal" and out.x == (1, 1) and out.value == 1
    with pytest.raises(InputError):
        _simplex.solve([[1]], [1, 2], [False], 1)


# -- small solutions --------------------------------------------------------------------


@SETTINGS
@given(
    st.one_of(st.none(), st.fractions(-5, 5, max_denominator=7)),
    st.one_of(st.none(), st.fractions(-5, 5, max_denominator=7)),
    st.booleans(),
    st.booleans(),
)
def test_simplest_rational_is_simplest(
    lo: Fraction | None, hi: Fraction | None, lo_open: bool, hi_open: bool
) -> None:
    if lo is not None and hi is not None and (lo > hi or (lo == hi and (lo_open or hi_open))):
        with pytest.raises(InputError, match="empty"):
            simplest_rational(lo, hi, lo_open=lo_open, hi_open=hi_open)
        return
    got = to_fraction(simplest_rational(lo, hi, lo_open=lo_open, hi_open=hi_open))
    assert got == brute_simplest(lo, hi, lo_open, hi_open)


@functools.cache
def rationals_smaller_than(bits: int) -> set[Fraction]:
    """Every rational whose size is < bits."""
    out = set()
    for qb in range(1, bits):
        for q in range(1 << (qb - 1), 1 << qb):
            for p in range(-(1 << (bits - 1 - qb)), 1 << (bits - 1 - qb)):
                r = Fraction(p, q)
                if size(Q(r.numerator, r.denominator)) < bits:
                    out.add(r)
    return out


@SETTINGS
@given(constraints(ops=("<=", ">=", "<", ">")))
def test_simplify_point_coordinate(cons: list[Constraint]) -> None:
    res = feasible(cons)
    assume(res.status == "feasible")
    start = point_of(res)
    point = simplify_point(cons, start)
    assert satisfies(cons, point) and set(point) == set(start)
    assert sum(size(x) for x in point.values()) <= sum(size(x) for x in start.values())
    for v, x in point.items():  # coordinate-wise minimal, by enumeration
        if size(x) <= 8:
            for r in rationals_smaller_than(size(x)):
                assert not satisfies(cons, {**point, v: r}), (v, r)


@SETTINGS
@given(constraints(max_size=4))
def test_simplify_point_projection(cons: list[Constraint]) -> None:
    res = feasible(cons)
    assume(res.status == "feasible" and res.point)
    point = simplify_point(cons, res.point, method="projection")
    assert satisfies(cons, point)
    assert sum(size(x) for x in point.values()) <= sum(size(x) for x in res.point.values())
    # The first coordinate fixed is the simplest value in the projection (found by FM).
    fixed = _by_projection(LinearSystem(cons), dict(res.point))
    assert satisfies(cons, fixed)
    first = next(iter(res.point))
    _, lo, lo_open, hi, hi_open = fm_objective_range(cons, {first: 1})
    assert to_fraction(fixed[first]) == brute_simplest(lo, hi, lo_open, hi_open)


@SETTINGS
@given(constraints(ops=("==", "==", "<=", "<", ">")))
def test_simplify_point_with_equalities(cons: list[Constraint]) -> None:
    res = feasible(cons)
    assume(res.status == "feasible")
    start = point_of(res)
    point = simplify_point(cons, start)
    assert satisfies(cons, point) and set(point) == set(start)
    assert sum(size(x) for x in point.values()) <= sum(size(x) for x in start.values())


def test_simplify_point_moves_along_equalities() -> None:
    cons = [
        Constraint({"x": 1, "y": 1}, "==", 1),
        Constraint({"x": 1}, ">", "1/3"),
        Constraint({"y": 1}, ">", "1/3"),
    ]
    assert simplify_point(cons, {"x": "3/7", "y": "4/7"}) == {"x": Q(1, 2), "y": Q(1, 2)}
    # Two equalities in three variables: one free direction, along (1, -2, 1).
    cons = [
        Constraint({"a": 1, "b": 1, "c": 1}, "==", 3),
        Constraint({"a": 1, "b": 2, "c": 3}, "==", 6),
        Constraint({"a": 1}, ">", "9/4"),
    ]
    assert simplify_point(cons, {"a": "5/2", "b": -2, "c": "5/2"}) == {"a": 3, "b": -3, "c": 3}


def test_simplify_point_rejects_bad_input() -> None:
    cons = [Constraint({"x": 1}, ">", 0)]
    with pytest.raises(InputError, match="violates constraint 0"):
        simplify_point(cons, {"x": 0})
    with pytest.raises(InputError, match="method"):
        simplify_point(cons, {"x": 1}, method="round")
    # Variables outside the system go to 0; a strictly feasible box gets integers.
    box = [Constraint({"x": 1}, ">", "1/3"), Constraint({"x": 1}, "<", "7/2")]
    assert simplify_point(box, {"x": "10/3", "w": "5/7"}) == {"x": 1, "w": 0}


def test_pairs_of_constraints_exhaustive() -> None:
    # Every pair of 1-variable constraints with coefficients/rhs in {-1, 0, 1}.
    singles = [Constraint({"x": a}, op, b) for a in (-1, 0, 1) for op in OPS for b in (-1, 0, 1)]
    for c1, c2 in combinations(singles, 2):
        res = feasible([c1, c2])
        assert (res.status == "feasible") == fm_feasible([c1, c2])
