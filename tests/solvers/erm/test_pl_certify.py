"""``solve --certify``: a NO of the pattern search comes with Farkas-justified learned
clauses and a checked DRAT refutation of the clause set; wrong certificates are caught."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest

from ermbit import formats
from ermbit.cli import main
from ermbit.cnf import CNF
from ermbit.errors import VerificationFailed
from ermbit.reductions.sat_to_relu import SatToRelu
from ermbit.reductions.splitting_to_relu import SatToRelu2
from ermbit.solvers.erm.pattern import solve_pl
from ermbit.solvers.lp.linear import Constraint
from ermbit.solvers.sat import certify, drat
from tests.strategies import brute_count


def small_cnfs(seed: int, count: int) -> list[CNF]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        n = rng.randint(1, 3)
        clauses = tuple(
            tuple(v * rng.choice((1, -1)) for v in rng.sample(range(1, n + 1), rng.randint(1, n)))
            for _ in range(rng.randint(1, 5))
        )
        out.append(CNF(n, clauses))
    return out


@pytest.mark.parametrize("reduction", [SatToRelu(), SatToRelu(pinned=True), SatToRelu2()])
def test_no_answers_come_with_checked_refutations(reduction: object) -> None:
    seen = {True: 0, False: 0}
    for cnf in small_cnfs(3, 12):
        inst = reduction.forward(cnf).instance  # type: ignore[attr-defined]
        res = solve_pl(inst, certify=True)
        unsat = brute_count(cnf) == 0
        assert res.decision is (not unsat)
        seen[unsat] += 1
        if not unsat:
            assert "certificate" not in res.details
            continue
        cert = res.details["certificate"]
        assert cert.checked, cert.to_json()
        summary = cert.to_json()
        assert summary["farkas_verified"] == summary["learned_clauses"] >= 0
        for branch in cert.branches:
            # the DRAT proof really refutes the clause set it was written for
            proof = drat.parse_proof(branch.certificate.proof)
            assert drat.check(branch.clauses, proof).ok
    assert seen[True] and seen[False]


def test_a_wrong_farkas_certificate_is_rejected() -> None:
    cons = [Constraint({"x": 1}, "<", 0), Constraint({"x": 1}, ">=", 0)]
    good = ([2], (cons, (1, -1), frozenset()))
    assert certify.refute_patterns([[1], [-1, 2], [-2]], [good]).certificate is not None
    bad = ([2], (cons, (1, 1), frozenset()))
    with pytest.raises(VerificationFailed, match="Farkas certificate"):
        certify.refute_patterns([[1]], [bad])


def test_clauses_without_a_core_are_left_out_and_reported() -> None:
    # Without its justification the clause set [1], [-1, 2] is satisfiable: not certified.
    ref = certify.refute_patterns([[1], [-1, 2]], [([-2], None)])
    assert ref.certificate is None and ref.unjustified == 1
    whole = certify.combine_refutations([ref], 1, "")
    assert not whole.checked and "satisfiable" in whole.to_json()["reason"]


def test_a_no_before_any_search_is_not_called_certified() -> None:
    cnf = CNF(1, ((1,), (-1,)))
    inst = SatToRelu().forward(cnf).instance
    low = type(inst)(inst.network, inst.samples, inst.gamma, 3)  # β below the floor
    res = solve_pl(low, certify=True)
    assert res.decision is False
    summary = res.details["certificate"].to_json()
    assert summary["checked"] is False and "before any pattern search" in summary["reason"]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_solve_certify_writes_clause_set_and_proof(tmp_path: Path) -> None:
    cnf = CNF(2, ((1, 2), (-1, 2), (1, -2), (-1, -2)))
    formats.write(tmp_path / "r.json", SatToRelu().forward(cnf).instance)
    proof = tmp_path / "r.drat"
    code, out, _ = run(
        "solve", str(tmp_path / "r.json"), "--certify", "--proof", str(proof), "--json"
    )
    obj = json.loads(out)
    assert code == 0 and obj["decision"] is False
    assert obj["certificate"]["kind"] == "drat+farkas" and obj["certificate"]["checked"]
    clauses = CNF.read(Path(f"{proof}.cnf")).clauses
    assert drat.check(clauses, drat.parse_proof(proof.read_text())).ok
