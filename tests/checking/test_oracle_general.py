"""``verify --oracle general``: the general ERM solver answers every ERM question the claims
ask, so the structural solvers are cross-checked by code that shares nothing with them but
the network evaluator."""

from __future__ import annotations

import io
import json
import random
from dataclasses import replace
from typing import Any

import pytest

from ermbit.checking import oracles as oracle_module
from ermbit.checking.oracles import ERM_ORACLES, SolverOracles, oracles_for
from ermbit.checking.verifier import verify
from ermbit.cli import main
from ermbit.cli.checking import ORACLES
from ermbit.cnf import CNF
from ermbit.errors import InputError
from ermbit.instances.cnf_families import random_kcnf
from ermbit.network.erm import ERMInstance, Sample
from ermbit.network.model import NetworkBuilder
from ermbit.problems.queries import BitQuery
from ermbit.reductions import get
from ermbit.slp import SLP

GENERAL = SolverOracles(erm="general", erm_time_limit=30)


def _claim(report: Any) -> Any:
    return next(c for c in report.checks if c.name == "claim")


def _frozen(act: str, label: int) -> ERMInstance:
    nb = NetworkBuilder()
    for v, a in (("s", "id"), ("L", "id"), ("U", act), ("o", "id")):
        nb.add_node(v, a)
    nb.add_edge("s", "L", 1, 1, frozen=True)
    nb.add_edge("L", "U", 1, 0, frozen=True)
    nb.add_edge("U", "o", 1, 0, frozen=True)
    return ERMInstance(nb.build(["o"]), (Sample.of({"s": 1}, {"o": label}, "squared", 1),), 0, 8)


#: the smallest inputs of every reduction whose target is an ERM instance
TINY: list[tuple[str, Any]] = [
    ("sat-to-relu", CNF(1, ((1,),))),
    ("sat-to-relu", CNF(2, ((1, -2), (-1,)))),
    ("sat-to-relu", CNF(1, ((1,), (-1,)))),
    ("sat-to-relu", CNF(2, ((1,), (-1,), (2,)))),
    ("bitslp-to-erm", BitQuery(SLP(1, [("+", 0, 0), ("*", 1, 1)]), 2)),
    ("bitslp-to-erm", BitQuery(SLP(1, [("+", 0, 0)]), 1)),
    ("bitslp-to-erm", BitQuery(SLP(1, [("+", 0, 0)]), 0)),  # bit 0 of 2: NO
    ("posslp-to-erm", SLP(1, [("-", 0, 0)])),  # n_P = 0: NO
    ("posslp-to-erm", SLP(2, [("*", 0, 0)])),
    ("posslp-to-erm", SLP(1, [("+", 0, 0)])),
    ("pin", _frozen("z**2", 4)),
    # x1 ∧ ¬x1: no real θ fits the data set, refuted by the relaxation in a fraction of a second
    ("sat-to-relu2", CNF(1, ((1,), (-1,)))),
    ("sat-to-relu2", CNF(2, ((1, 2), (-1,), (-2,)))),
]


@pytest.mark.parametrize(("name", "src"), TINY, ids=[f"{n}-{i}" for i, (n, _) in enumerate(TINY)])
def test_general_oracle_agrees_with_the_claims_on_tiny_inputs(name: str, src: Any) -> None:
    report = verify(get(name), src, max_witnesses=1, oracles=GENERAL)
    assert _claim(report).status == "passed", _claim(report).detail
    assert report.status == "passed", [c for c in report.checks if c.status != "passed"]
    assert report.meta["erm_oracle"] == "general"


def test_relu2_smallest_yes_is_cross_checked_by_the_general_solver() -> None:
    """The data set of the one-clause formula x1: the general solver rounds a real fit
    of its relaxation to a zero-loss θ within β = 40 (the finite search alone took a
    minute)."""
    report = verify(get("sat-to-relu2"), CNF(1, ((1,),)), max_witnesses=1, oracles=GENERAL)
    assert _claim(report).status == "passed", _claim(report).detail
    assert report.status == "passed"


@pytest.mark.slow
def test_relu2_beyond_the_time_limit_is_refused_not_passed() -> None:
    """An unsatisfiable 5-variable formula's data set takes the general solver some
    20 s (its relaxation refutes about 1,200 LPs), past a 3-second limit: refused."""
    cnf = random_kcnf(5, 21, 3, seed=5)
    quick = SolverOracles(erm="general", erm_time_limit=3)
    report = verify(get("sat-to-relu2"), cnf, max_witnesses=1, oracles=quick)
    assert _claim(report).status == "refused", _claim(report).detail
    assert "time limit" in _claim(report).detail and report.status == "refused"


def test_every_erm_question_goes_to_the_general_solver(monkeypatch: pytest.MonkeyPatch) -> None:
    """A general solver that lies is caught under --oracle general, and not consulted
    otherwise: the oracle really answers the claims."""
    real = oracle_module.solve_general
    asked: list[str] = []

    def lying(instance: Any, **kw: Any) -> Any:
        asked.append("general")
        res = real(instance, **kw)
        return replace(res, decision=not res.decision, witness=None)

    monkeypatch.setattr(oracle_module, "solve_general", lying)
    src = CNF(2, ((1, -2), (-1,)))
    assert verify(get("sat-to-relu"), src, max_witnesses=1).status == "passed"
    assert not asked
    report = verify(get("sat-to-relu"), src, max_witnesses=1, oracles=GENERAL)
    assert asked and _claim(report).status == "failed"


def test_a_general_solver_at_its_limit_is_refused_not_passed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def stopped(instance: Any, **kw: Any) -> Any:
        res = real(instance, **kw)
        return replace(res, decision=None, witness=None, explanation="time limit reached")

    real = oracle_module.solve_general
    monkeypatch.setattr(oracle_module, "solve_general", stopped)
    report = verify(get("sat-to-relu"), CNF(1, ((1,),)), max_witnesses=1, oracles=GENERAL)
    assert _claim(report).status == "refused" and "time limit" in _claim(report).detail
    assert report.status == "refused" and not report.passed
    # the solutions the target solver should have produced are recorded, not lost
    assert any(c.name == "target-solutions" and c.status == "refused" for c in report.checks)


def test_oracle_names() -> None:
    assert ORACLES == ERM_ORACLES
    assert oracles_for("general").erm == "general"
    with pytest.raises(InputError, match="oracle"):
        oracles_for("nosuch")
    with pytest.raises(InputError, match="method"):
        SolverOracles().decide_erm(_frozen("z**2", 4), "nosuch")


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_verify_oracle_general() -> None:
    code, out, _ = _cli("verify", "sat-to-relu", "--oracle", "general", "--trials", "1", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["oracle"] == "general"
    assert doc["passed"] == doc["instances"] > 0 and doc["failed"] == doc["refused"] == 0
    code, out, _ = _cli("verify", "sat-to-relu", "--oracle", "general", "--trials", "1")
    assert code == 0 and "answered by the general solver" in out


def test_cli_refuses_the_oracle_where_no_erm_question_is_asked() -> None:
    code, _, err = _cli("verify", "sat-to-nae", "--oracle", "general")
    assert code == 2 and "asks no ERM question" in err


def test_sweep_records_the_oracle_in_every_report(tmp_path: Any) -> None:
    from ermbit.checking.sweep import sweep

    res = sweep(
        "sat-to-relu",
        family=None,
        sizes=None,
        trials=1,
        seed=random.Random(0).randint(0, 9),
        oracle="general",
    )
    assert res.passed and all(r["meta"]["erm_oracle"] == "general" for r in res.reports)


def test_oracle_seconds_reach_the_general_search(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []
    real = oracle_module.solve_general

    def spy(instance: Any, **kw: Any) -> Any:
        seen.append(kw.get("time_limit"))
        return real(instance, **kw)

    monkeypatch.setattr(oracle_module, "solve_general", spy)
    code, _out, _ = _cli(
        "verify", "sat-to-relu", "--oracle", "general", "--oracle-seconds", "7", "--trials", "1"
    )
    assert code == 0 and seen and set(seen) == {7.0}
    assert oracles_for("general").erm_time_limit == 60.0


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--oracle-seconds", "5"], "--oracle general only"),
        (["--oracle", "general", "--oracle-seconds", "0"], "positive number"),
        (["--oracle", "general", "--oracle-seconds", "nan"], "positive number"),
    ],
)
def test_oracle_seconds_refused(argv: list[str], words: str) -> None:
    code, _, err = _cli("verify", "sat-to-relu", "--trials", "1", *argv)
    assert code == 2 and words in err
