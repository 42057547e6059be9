"""Tests of ermbit.solvers.sat.cdcl: models are checked, unsatisfiability agrees with brute
force."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ermbit.cnf import CNF
from ermbit.errors import InputError, InputTypeError, VerificationFailed
from ermbit.solvers.sat import cdcl as sat
from ermbit.solvers.sat.cdcl import SatResult, is_satisfiable, solve
from tests.profiles import examples


@st.composite
def small_cnfs(draw: st.DrawFn, max_vars: int = 7, max_clauses: int = 7) -> CNF:
    n = draw(st.integers(0, max_vars))
    lits = st.integers(1, n).flatmap(lambda v: st.sampled_from((v, -v))) if n else st.nothing()
    clause = st.lists(lits, min_size=0, max_size=3 if n else 0)
    clauses = draw(st.lists(clause, max_size=max_clauses))
    return CNF(n, tuple(tuple(c) for c in clauses))


def reference_satisfiable(cnf: CNF) -> bool:
    """Independent oracle: try every assignment."""
    for values in itertools.product((False, True), repeat=cnf.num_vars):
        if all(any(values[abs(l) - 1] == (l > 0) for l in c) for c in cnf.clauses):
            return True
    return False


@examples(60)
@given(small_cnfs())
def test_solve_agrees_with_brute_force_and_model_satisfies(cnf: CNF) -> None:
    result = solve(cnf)
    assert result.satisfiable == reference_satisfiable(cnf)
    if result.satisfiable:
        assert result.model is not None
        assert [abs(l) for l in result.model] == list(range(1, cnf.num_vars + 1))
        assert cnf.satisfied_by(result.model)
    else:
        assert result.model is None
    assert is_satisfiable(cnf) == result.satisfiable


def test_model_covers_variables_in_no_clause() -> None:
    result = solve(CNF(6, ((2,), (-5,))))
    assert result.model is not None
    assert len(result.model) == 6
    assert result.model[1] == 2 and result.model[4] == -5


def test_unsatisfiable_formulas() -> None:
    pigeons = CNF(
        6,
        # 3 pigeons, 2 holes: p_ij = pigeon i in hole j, variable 2*i + j + 1.
        ((1, 2), (3, 4), (5, 6), (-1, -3), (-1, -5), (-3, -5), (-2, -4), (-2, -6), (-4, -6)),
    )
    assert not is_satisfiable(pigeons)
    assert solve(pigeons).model is None
    assert not is_satisfiable(CNF(3, ((1,), ())))


def test_empty_clause_answered_without_solver(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_solver(*args: object, **kwargs: object) -> None:
        raise AssertionError("the solver must not be called")

    monkeypatch.setattr(sat, "Solver", no_solver)
    assert solve(CNF(2, ((1, 2), ()))) == SatResult(False, None, "cadical195")


def test_other_solvers_give_checked_models() -> None:
    f = CNF(4, ((1, 2), (-1, 3), (-3, -4), (4, 2)))
    for name in ("minisat22", "glucose4", "cadical153"):
        result = solve(f, solver=name)
        assert result.satisfiable and result.solver == name
        assert result.model is not None and f.satisfied_by(result.model)


def test_bad_model_from_solver_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    class LyingSolver:
        def __init__(self, **kwargs: object) -> None:
            pass

        def __enter__(self) -> LyingSolver:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def solve(self) -> bool:
            return True

        def get_model(self) -> list[int]:
            return [-1, -2]

    monkeypatch.setattr(sat, "Solver", LyingSolver)
    with pytest.raises(VerificationFailed):
        solve(CNF(2, ((1, 2),)))


def test_input_validation() -> None:
    with pytest.raises(InputTypeError, match="cnf"):
        solve([[1, 2]])  # type: ignore[arg-type]
    with pytest.raises(InputError, match="no-such-solver"):
        solve(CNF(1, ((1,),)), solver="no-such-solver")
    with pytest.raises(InputError, match="position 2"):
        SatResult(True, (1, 3), "x")
    with pytest.raises(InputError, match="needs a model"):
        SatResult(True, None, "x")
    with pytest.raises(InputError, match="no model"):
        SatResult(False, (1,), "x")
