"""The peer-solver and trainer studies on tiny sizes: answers agree and are re-checked."""

from __future__ import annotations

import io

import pytest

from ermbit.cli import main
from ermbit.cnf import CNF
from ermbit.reductions.sat_to_relu import SatToRelu
from ermbit.solvers.sat.cdcl import is_satisfiable as is_sat


def test_peer_study_agrees_with_pysat() -> None:
    for mod in ("z3", "cvc5", "highspy", "ortools"):
        pytest.importorskip(mod)
    from ermbit.studies.solvers import PEERS, format_table, ratios, study

    rows = study((5,), seeds=(0, 1), families=("sat-to-relu",), timeout=10)
    assert len(rows) == 2
    for r in rows:
        assert set(r.answers) == set(PEERS)
        assert r.answers["ermbit"] == ("sat" if r.satisfiable else "unsat")
        assert "wrong" not in r.answers.values()  # every peer "sat" was re-checked exactly
        assert ratios(r)[1] > 0
    assert "ermbit/best peer" in format_table(rows)


@pytest.mark.slow
def test_peer_study_on_r2() -> None:
    for mod in ("z3", "cvc5", "highspy", "ortools"):
        pytest.importorskip(mod)
    from ermbit.studies.solvers import study

    for r in study((5,), seeds=(0,), families=("sat-to-relu2",), timeout=10):
        assert r.answers["ermbit"] == ("sat" if r.satisfiable else "unsat")
        assert "wrong" not in r.answers.values()


def test_gradient_descent_never_verifies_an_unsatisfiable_formula() -> None:
    pytest.importorskip("numpy")
    from ermbit.studies.trainers import train_runs

    unsat = CNF(2, ((1, 2), (-1, -2), (1, -2), (-1, 2)))
    sat = CNF(2, ((1, -2), (2,)))
    assert not is_sat(unsat) and is_sat(sat)
    assert train_runs(SatToRelu().forward(unsat).instance, 3, steps=300)[0] == 0
    reached, best = train_runs(SatToRelu().forward(sat).instance, 4, steps=600)
    assert reached >= 1 and best < 1e-9


def test_float64_gradient_fails_once_values_leave_its_range() -> None:
    pytest.importorskip("numpy")
    from ermbit.studies.trainers import gradient_study

    rows = {r.instance: r for r in gradient_study((2, 10))}
    assert rows["square3-2"].agrees and rows["square3-2"].status == "exact"
    assert not rows["square3-10"].agrees
    assert rows["square3-10"].status in ("nan", "inf (overflow)")
    assert rows["square3-10"].exact_bits > 1024


def test_study_commands_run_in_process() -> None:
    pytest.importorskip("numpy")
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["study", "trainers", "--sizes", "3", "--runs", "1", "--steps", "50", "--levels", "2"],
        out=out,
        err=err,
    )
    assert code == 0, err.getvalue()
    assert "zero loss (verified)" in out.getvalue() and "square3-2" in out.getvalue()
