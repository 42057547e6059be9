"""Exact linear feasibility and linear programming over the rationals, strict rows included.

A :class:`Constraint` is ``Σ_v a_v·v  op  b`` with ``op`` one of ``<=, >=, ==, <, >``
over named variables of free sign.  :func:`feasible` decides whether a finite set of
them has a rational solution, and optionally minimises or maximises a linear objective.
All arithmetic is exact (``mpq``); the engine is a two-phase simplex method
(:mod:`ermbit.solvers.lp.simplex`) that cannot cycle.

* Strict rows are handled exactly: with ``S`` the strict rows written as ``a·x < b``,
  maximise ``t`` subject to ``a·x + t <= b`` on ``S``, the other rows, and ``t <= 1``.
  The system is feasible iff the optimum ``t*`` is positive, and the optimal ``x``
  satisfies every strict row with slack ``>= t*``.
* **Answers are checked.**  Every returned point satisfies every constraint, every
  optimum is certified by a dual solution, every unbounded ray is checked, and every
  "infeasible" carries a Farkas certificate (one multiplier per constraint, conventions
  in :mod:`ermbit.solvers.lp.linear`) that :func:`verify_certificate` accepts; a failed
  check raises :class:`~ermbit.errors.VerificationFailed` (an internal bug guard).
* The ``core`` of an infeasible answer is the support of the certificate, an infeasible
  subsystem; ``irreducible_core=True`` shrinks it by a deletion filter to an irreducible
  one (every proper subset feasible).
* Small solutions: :func:`simplify_point` (from :mod:`ermbit.solvers.lp.rounding`) moves a
  feasible point to one with a short encoding.

>>> res = feasible([Constraint({"x": 1, "y": 1}, "<", 1), Constraint({"x": 1}, ">", 0),
...                 Constraint({"y": 1}, ">", 0, tag="y>0")])
>>> res.status, res.point
('feasible', {'x': mpq(1,3), 'y': mpq(1,3)})
>>> res = feasible([Constraint({"x": 1}, ">", 0), Constraint({"x": 1, "y": 1}, "<", 0),
...                 Constraint({"y": 1}, ">=", 0, tag="y>=0")])
>>> res.status, res.certificate, res.core
('infeasible', (mpq(-1,2), mpq(1,2), mpq(-1,2)), (0, 1, 'y>=0'))
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

from ermbit.errors import BudgetExceeded, InputTypeError, VerificationFailed
from ermbit.exact import Q, Rational, parse
from ermbit.solvers.lp import simplex as _simplex
from ermbit.solvers.lp.linear import (
    OPS,
    Constraint,
    LinearSystem,
    LPResult,
    verify_certificate,
)
from ermbit.solvers.lp.rounding import simplest_rational, simplify_point

__all__ = [
    "OPS",
    "Constraint",
    "LPResult",
    "LinearSystem",
    "feasible",
    "simplest_rational",
    "simplify_point",
    "verify_certificate",
]

_FLIPPED = frozenset({">=", ">"})


def feasible(
    constraints: LinearSystem | Iterable[Constraint],
    *,
    objective: Mapping[Any, Any] | None = None,
    minimize: bool = True,
    irreducible_core: bool = False,
    bland: bool = False,
    max_pivots: int | None = None,
) -> LPResult:
    """Decide feasibility of a linear system exactly; optionally optimise an objective.

    Parameters
    ----------
    constraints : LinearSystem or iterable of Constraint
        The system; variables have free sign.
    objective : mapping variable -> rational, optional
        Linear objective ``c·x``; its variables join the system's.
    minimize : bool
        Minimise (default) or maximise ``objective``.
    irreducible_core : bool
        Shrink the core of an infeasible system to an irreducible one (one extra LP per
        core member).
    bland : bool
        Use Bland's rule throughout (slower; the default rule also cannot cycle).
    max_pivots : int, optional
        Budget on the total number of simplex pivots.

    Returns
    -------
    LPResult
        See its documentation; points and certificates have been verified exactly.

    Raises
    ------
    BudgetExceeded
        When more than ``max_pivots`` pivots are needed.
    VerificationFailed
        Only on an internal bug (a point or certificate failed its exact check).

    >>> cons = [Constraint({"x": 1}, "<=", 4), Constraint({"y": 2}, "<=", 12),
    ...         Constraint({"x": 3, "y": 2}, "<=", 18), Constraint({"x": 1}, ">=", 0),
    ...         Constraint({"y": 1}, ">=", 0)]
    >>> res = feasible(cons, objective={"x": 3, "y": 5}, minimize=False)
    >>> res.objective_value, res.point
    (mpq(36,1), {'x': mpq(2,1), 'y': mpq(6,1)})
    """
    system = (
        constraints if isinstance(constraints, LinearSystem) else LinearSystem(tuple(constraints))
    )
    cost = None
    if objective is not None:
        if not isinstance(objective, Mapping):
            raise InputTypeError(f"objective: expected a mapping, got {type(objective).__name__}")
        cost = {v: parse(a, name=f"objective[{v!r}]") for v, a in objective.items()}
    solver = _Solver(bland, max_pivots)
    result = solver.solve(system, cost, minimize)
    if result.status == "infeasible" and irreducible_core:
        result = solver.shrink_core(system, result)
    return result


class _Rows:
    """A system in the engine's form: rows ``a·x <= b`` or ``== b``, ``>``/``>=`` negated."""

    def __init__(self, system: LinearSystem, names: tuple[Hashable, ...]) -> None:
        self.system, self.names = system, names
        index = {v: j for j, v in enumerate(names)}
        self.a: list[list[Any]] = []
        self.b: list[Any] = []
        self.signs = [-1 if c.op in _FLIPPED else 1 for c in system]
        for c, sign in zip(system, self.signs, strict=True):
            row = [Q(0)] * len(names)
            for v, coef in c.coeffs.items():
                row[index[v]] = sign * coef
            self.a.append(row)
            self.b.append(sign * c.rhs)
        self.eq = [c.op == "==" for c in system]
        self.strict = [c.strict for c in system]
        self.any_strict = any(self.strict)

    def matrix(self, with_t: bool) -> tuple[list[list[Any]], list[Any], list[bool], int]:
        n = len(self.names)
        if not with_t:
            return self.a, self.b, self.eq, n
        # Column t: ``a·x + t <= b`` on strict rows, and one more row ``t <= 1``.
        a = [[*row, Q(1) if s else Q(0)] for row, s in zip(self.a, self.strict, strict=True)]
        a.append([Q(0)] * n + [Q(1)])
        return a, [*self.b, Q(1)], [*self.eq, False], n + 1

    def cost(self, objective: Mapping[Any, Any] | None, minimize: bool) -> list[Any] | None:
        if objective is None:
            return None
        sign = 1 if minimize else -1
        return [sign * objective.get(v, Q(0)) for v in self.names]

    def user_multipliers(self, lam: Sequence[Rational]) -> tuple[Rational, ...]:
        return tuple(s * y for s, y in zip(self.signs, lam[: len(self.signs)], strict=True))

    def point(self, x: Sequence[Rational]) -> dict[Any, Rational]:
        return dict(zip(self.names, x[: len(self.names)], strict=True))

    def relaxed(self) -> LinearSystem:
        weak = {"<": "<=", ">": ">="}
        return LinearSystem(
            [Constraint(c.coeffs, weak.get(c.op, c.op), c.rhs, c.tag) for c in self.system]
        )


class _Solver:
    """Runs the engine on systems and turns its answers into checked LPResults."""

    def __init__(self, bland: bool, max_pivots: int | None) -> None:
        self.bland, self.max_pivots, self.pivots = bland, max_pivots, 0

    def run(
        self, rows: _Rows, cost: Sequence[Any] | None, with_t: bool = False
    ) -> _simplex.SimplexOutcome:
        budget = None if self.max_pivots is None else self.max_pivots - self.pivots
        a, b, eq, n = rows.matrix(with_t)
        try:
            out = _simplex.solve(a, b, eq, n, cost, bland=self.bland, max_pivots=budget)
        except BudgetExceeded as exc:
            raise BudgetExceeded(
                "exact LP solving",
                predicted=self.pivots + exc.predicted,
                budget=exc.budget + self.pivots,
                unit="pivots",
                hint="pass a larger max_pivots (or None)",
            ) from None
        self.pivots += out.pivots
        return out

    def search(self, rows: _Rows) -> dict[Any, Any] | tuple[Any, ...]:
        """A checked feasible point, or Farkas multipliers (user convention)."""
        if not rows.any_strict:
            out = self.run(rows, None)
            if out.status == "infeasible":
                return rows.user_multipliers(out.multipliers)
        else:
            out = self.run(rows, [Q(0)] * len(rows.names) + [Q(-1)], with_t=True)
            # The t-row multiplier is 0 whenever t* <= 0 < 1 (its slack is basic).
            if out.status == "infeasible" or out.value >= 0:
                return rows.user_multipliers(out.multipliers)
        assert out.x is not None
        return _checked(rows.system, rows.point(out.x))

    def solve(
        self, system: LinearSystem, objective: Mapping[Any, Any] | None, minimize: bool
    ) -> LPResult:
        names = system.variables
        if objective is not None:
            known = set(names)
            names += tuple(v for v in objective if v not in known)
        rows = _Rows(system, names)
        if objective is not None and not rows.any_strict:
            return self.optimise(system, rows, objective, minimize, None)
        found = self.search(rows)
        if isinstance(found, tuple):
            return self.infeasible(system, found)
        if objective is None:
            return LPResult("feasible", point=found, pivots=self.pivots)
        # The infimum over a non-empty set equals the minimum over its closure.
        return self.optimise(system, _Rows(rows.relaxed(), names), objective, minimize, found)

    def optimise(
        self,
        system: LinearSystem,
        rows: _Rows,
        objective: Mapping[Any, Any],
        minimize: bool,
        start: dict[Any, Any] | None,
    ) -> LPResult:
        """Optimise over ``rows``: ``system`` itself, or its closure when ``start`` is given."""
        cost = rows.cost(objective, minimize)
        out = self.run(rows, cost)
        if out.status == "infeasible":
            return self.infeasible(system, rows.user_multipliers(out.multipliers))
        assert out.x is not None and cost is not None
        # Checked against ``rows`` (the closure, if relaxed): the dual check below
        # certifies the value only for a point of that system.
        point = _checked(rows.system, rows.point(out.x))
        if start is not None:
            point = start
        if out.status == "unbounded":
            assert out.ray is not None
            ray = _checked_ray(system, rows.point(out.ray), objective, minimize)
            return LPResult("unbounded", point=point, ray=ray, pivots=self.pivots)
        _check_dual(rows, out, cost)
        value = out.value if minimize else -out.value
        if start is None:
            return self.optimum(point, value, True)
        level = Constraint(objective, "==", value)
        hit = self.search(_Rows(LinearSystem((*system, level)), rows.names))
        if isinstance(hit, tuple):
            return self.optimum(start, value, False)
        return self.optimum(hit, value, True)

    def optimum(self, point: dict[Any, Rational], value: Rational, attained: bool) -> LPResult:
        return LPResult(
            "feasible", point=point, objective_value=value, attained=attained, pivots=self.pivots
        )

    def infeasible(self, system: LinearSystem, multipliers: tuple[Rational, ...]) -> LPResult:
        if not verify_certificate(system, multipliers):
            raise VerificationFailed(
                "internal error: the LP solver produced an invalid Farkas certificate",
                claim="infeasibility certificate",
                counterexample=(system, multipliers),
            )
        idx = tuple(i for i, y in enumerate(multipliers) if y)
        tags = [c.tag for c in system]
        core = tuple(i if tags[i] is None else tags[i] for i in idx)
        return LPResult(
            "infeasible", certificate=multipliers, core=core, core_indices=idx, pivots=self.pivots
        )

    def shrink_core(self, system: LinearSystem, result: LPResult) -> LPResult:
        """Deletion filter: drop each core member whose removal keeps infeasibility."""
        assert result.certificate is not None
        kept: list[int] = []
        pending = list(result.core_indices)
        cert = result.certificate
        while pending:
            k = pending.pop(0)
            trial = kept + pending
            sub = LinearSystem([system.constraints[j] for j in trial])
            found = self.search(_Rows(sub, sub.variables))
            if not isinstance(found, tuple):
                kept.append(k)  # necessary here, hence in every subset met later
                continue
            full = [Q(0)] * len(system)
            for j, y in zip(trial, found, strict=True):
                full[j] = y
            cert = tuple(full)
            pending = [j for j in pending if full[j]]
        return self.infeasible(system, cert)


def _checked(system: LinearSystem, point: dict[Any, Rational]) -> dict[Any, Rational]:
    bad = system.violated(point)
    if bad:
        raise VerificationFailed(
            f"internal error: the LP solver's point violates constraint {bad[0]} "
            f"({system.constraints[bad[0]]})",
            claim="feasible point",
            counterexample=point,
        )
    return point


def _checked_ray(
    system: LinearSystem,
    ray: dict[Any, Any],
    objective: Mapping[Any, Any],
    minimize: bool,
) -> dict[Any, Any]:
    weak = {"<": "<=", ">": ">="}
    cone = LinearSystem([Constraint(c.coeffs, weak.get(c.op, c.op), 0) for c in system])
    gain = sum((a * ray[v] for v, a in objective.items()), Q(0))
    if not cone.holds(ray) or (gain >= 0 if minimize else gain <= 0):
        raise VerificationFailed(
            "internal error: the LP solver's unbounded ray is not an improving recession direction",
            claim="unbounded ray",
            counterexample=ray,
        )
    return ray


def _check_dual(rows: _Rows, out: _simplex.SimplexOutcome, cost: Sequence[Any]) -> None:
    # Weak duality: y >= 0 on inequality rows with y·A = -c proves c·x >= -y·b for every
    # feasible x, so c·x* == -y·b certifies the engine's optimum exactly.
    assert out.x is not None
    y = out.multipliers
    neg_ya = [Q(0)] * len(rows.names)
    for row, yi in zip(rows.a, y, strict=True):
        if yi:
            for j, aij in enumerate(row):
                neg_ya[j] -= yi * aij
    ok = all(yi >= 0 or e for yi, e in zip(y, rows.eq, strict=True)) and neg_ya == list(cost)
    dual_value = -sum((yi * bi for yi, bi in zip(y, rows.b, strict=True)), Q(0))
    primal_value = sum((c * xj for c, xj in zip(cost, out.x, strict=True)), Q(0))
    if not (ok and dual_value == primal_value == out.value):
        raise VerificationFailed(
            "internal error: the LP solver's optimum is not certified by its dual",
            claim="optimal value",
            counterexample=(out.x, y),
        )
