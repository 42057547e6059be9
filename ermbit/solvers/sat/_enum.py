"""Model counting by CDCL enumeration with blocking clauses (method ``"enum"``).

Internal module of :mod:`ermbit.solvers.sat.counting`.  Each model the solver finds is
restricted to the variables it knows (every variable of every clause; the others are
in no clause) and, for a projected count, to the projection.  That restriction is a
cube of assignments that are all models (projected: whose projections all extend to
models); the blocking clause removes exactly that cube, so the cubes are disjoint and
their sizes sum to the count.

>>> from ermbit.cnf import CNF
>>> count_cubes(CNF(3, ((1, 2),)), scope=None, max_models=10)
6
"""

from __future__ import annotations

from collections.abc import Sequence

from pysat.solvers import Solver

from ermbit.cnf import CNF
from ermbit.errors import BudgetExceeded, VerificationFailed

__all__ = ["count_cubes"]


def count_cubes(
    cnf: CNF, *, scope: Sequence[int] | None, max_models: int, solver: str = "cadical195"
) -> int:
    """Models of ``cnf`` over ``1..n``, or projected onto ``scope`` when it is given.

    Raises
    ------
    BudgetExceeded
        If more than ``max_models`` solver calls would be needed.
    VerificationFailed
        If the solver returns a partial model or a non-model.
    """
    if any(not c for c in cnf.clauses):
        return 0
    variables = tuple(range(1, cnf.num_vars + 1)) if scope is None else tuple(scope)
    mentioned = {abs(lit) for c in cnf.clauses for lit in c}
    total = 0
    with Solver(name=solver, bootstrap_with=[list(c) for c in cnf.clauses]) as engine:
        for _ in range(max_models):
            if not engine.solve():
                return total
            known = {abs(lit): lit for lit in engine.get_model() or []}
            _check_model(cnf, known, mentioned, solver)
            cube = [known[v] for v in variables if v in known]
            total += 1 << (len(variables) - len(cube))
            if not cube:
                return total
            engine.add_clause([-lit for lit in cube])
        if not engine.solve():
            return total
    raise BudgetExceeded(
        "model enumeration",
        predicted=max_models + 1,
        budget=max_models,
        unit="solver calls",
        hint="pass a larger max_models= or use another method",
    )


def _check_model(cnf: CNF, known: dict[int, int], mentioned: set[int], solver: str) -> None:
    full = tuple(known.get(v, -v) for v in range(1, cnf.num_vars + 1))
    if not mentioned <= known.keys() or not cnf.satisfied_by(full):
        raise VerificationFailed(
            f"solver {solver!r} returned a partial or wrong model during enumeration",
            claim="model satisfies cnf",
            counterexample=full,
        )
