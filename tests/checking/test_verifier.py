"""The verifier's statuses: a claim that was not checked is never reported as passed."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest

from ermbit.checking._tasks import report_from_json
from ermbit.checking.sweep import status_of, sweep
from ermbit.checking.verifier import STATUSES, report_status, verify
from ermbit.cli import main
from ermbit.cli._base import EXIT_BUDGET, EXIT_FAILED
from ermbit.cnf import CNF
from ermbit.errors import VerificationFailed
from ermbit.reductions.sat_to_nae import SatToNae
from tests.broken_reductions import BudgetedSatToNae, ForgetfulSatToNae, OracleMissingSatToNae
from tests.verified import assert_caught, assert_verified

BUDGETED = "tests.broken_reductions:BudgetedSatToNae"
MISSING = "tests.broken_reductions:OracleMissingSatToNae"
SMALL = CNF(2, ((1, 2), (-1,)))
BIG = CNF(4, ((1, 2), (-3, 4), (2, -4)))


def test_a_checked_claim_passes() -> None:
    report = verify(SatToNae(), BIG)
    assert_verified(report)
    assert report.to_json()["status"] == "passed" == report.to_json()["claim_status"]


def test_a_claim_refused_by_a_budget_is_not_passed() -> None:
    report = verify(BudgetedSatToNae(), BIG)
    assert report.claim_status == "refused" and report.status == "refused"
    assert not report.passed and not report.failed and not report.failures
    # the witness maps were checked and held: only the claim was left out
    assert all(c.status == "passed" for c in report.checks if c.name != "claim")
    with pytest.raises(VerificationFailed, match="refused"):
        report.raise_if_failed()
    assert_verified(verify(BudgetedSatToNae(), SMALL))


def test_a_claim_without_its_oracle_is_unchecked() -> None:
    report = verify(OracleMissingSatToNae(), SMALL)
    assert report.claim_status == "unchecked" and report.status == "unchecked"
    assert not report.passed and not report.failed
    assert "not installed" in next(c.detail for c in report.checks if c.name == "claim")


def test_a_failed_forward_leaves_the_claim_unchecked_and_the_report_failed() -> None:
    class Crashing(SatToNae):
        def forward(self, src: CNF) -> CNF:
            raise RuntimeError("boom")

    report = verify(Crashing(), SMALL)
    assert report.claim_status == "unchecked" and report.status == "failed"


def test_a_wrong_claim_fails() -> None:
    assert_caught(verify(ForgetfulSatToNae(), CNF(1, ((1,), (-1,)))))


@pytest.mark.parametrize(
    ("statuses", "claim_checked", "expected"),
    [
        (["passed", "passed"], True, "passed"),
        (["passed", "refused", "unchecked"], True, "refused"),
        (["failed", "refused"], True, "failed"),
        (["passed", "unchecked"], True, "unchecked"),
        (["passed"], False, "unchecked"),
        ([], False, "unchecked"),
    ],
)
def test_report_status_is_the_worst_check(
    statuses: list[str], claim_checked: bool, expected: str
) -> None:
    assert report_status(statuses, claim_checked=claim_checked) == expected
    assert expected in STATUSES


def test_status_survives_json_and_old_reports_without_it() -> None:
    report = verify(BudgetedSatToNae(), BIG)
    data = report.to_json()
    assert report_from_json(data).status == "refused" == status_of(data)
    legacy = {k: v for k, v in data.items() if k not in ("status", "claim_status")}
    legacy["passed"] = True  # what reports said of a refused claim before the status existed
    assert status_of(legacy) == "refused"


def test_sweep_counts_refused_instances_apart() -> None:
    sizes = [{"n": "3", "m": "2"}, {"n": "5", "m": "6"}]
    result = sweep(BUDGETED, family="random-mixed", sizes=sizes, trials=3, seed=2)
    totals = result.totals()
    assert totals["passed"] == 3 and totals["refused"] == 3
    assert totals["failed"] == 0 and totals["unchecked"] == 0 and totals["instances"] == 6
    assert not result.passed and not result.failures and len(result.refused) == 3
    assert result.to_json()["passed"] is False and result.counterexamples == ()


def test_cli_verify_shows_refused_and_unchecked(tmp_path: Path) -> None:
    out = StringIO()
    code = main(["verify", "--reduction", BUDGETED, "--sizes", "n=5,m=6", "--trials", "2"], out=out)
    assert code == EXIT_BUDGET
    assert "0/2 instances passed (2 refused)" in out.getvalue() and "REFUSED" in out.getvalue()
    out = StringIO()
    code = main(["verify", "--reduction", MISSING, "--trials", "1", "--json"], out=out)
    doc = json.loads(out.getvalue())
    assert code == EXIT_FAILED and doc["passed"] == 0  # an instance count, like the others
    assert doc["unchecked"] == doc["instances"] > 0 and doc["failed"] == 0
    path = tmp_path / "big.cnf"
    path.write_text(BIG.to_dimacs(), encoding="utf-8")
    out = StringIO()
    assert main(["verify", "--reduction", BUDGETED, "--rerun", str(path)], out=out) == EXIT_BUDGET
    assert out.getvalue().splitlines()[-1] == "REFUSED"
    out = StringIO()
    assert main(["verify", "--reduction", BUDGETED, "--rerun", str(path), "--json"], out=out) == 3
    assert json.loads(out.getvalue())["claim_status"] == "refused"
