"""Tests of the DRAT checker and of ``--certify``: proofs from PySAT are accepted, and a
proof that does not refute its formula is rejected (the formula is then satisfiable, so
accepting it would be unsound)."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pysat.examples.genhard import PHP
from pysat.solvers import Solver

from ermbit.cli import main
from ermbit.cnf import CNF
from ermbit.errors import InputError, VerificationFailed
from ermbit.solvers.sat import certify, drat
from tests.strategies import brute_count

Clauses = list[tuple[int, ...]]


def random_unsat(seed: int) -> tuple[int, Clauses]:
    """An over-constrained random 3-CNF on 6..11 variables (UNSAT checked by brute force)."""
    rng = random.Random(seed)
    n = rng.randint(6, 11)
    clauses = [
        tuple(v * rng.choice((1, -1)) for v in rng.sample(range(1, n + 1), rng.randint(2, 3)))
        for _ in range(7 * n)
    ]
    return n, clauses


def proof_of(clauses: Clauses, solver: str) -> list[str]:
    with Solver(name=solver, bootstrap_with=[list(c) for c in clauses], with_proof=True) as s:
        assert not s.solve()
        return [str(line) for line in s.get_proof()]


SOLVERS = st.sampled_from(("cadical195", "glucose4", "lingeling", "maplechrono"))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6), SOLVERS)
def test_pysat_proofs_are_accepted(seed: int, solver: str) -> None:
    n, clauses = random_unsat(seed)
    assume(brute_count(CNF(n, tuple(clauses))) == 0)
    verdict = drat.check(clauses, drat.parse_proof(proof_of(clauses, solver)))
    assert verdict.ok, verdict.reason
    assert 1 <= verdict.steps <= verdict.lemmas


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6), st.data())
def test_a_proof_for_a_weaker_formula_is_rejected(seed: int, data: st.DataObject) -> None:
    # Drop formula clauses until the rest is satisfiable; the old proof must now fail,
    # whatever it contains: a checker that accepted it would "refute" a satisfiable set.
    n, clauses = random_unsat(seed)
    assume(brute_count(CNF(n, tuple(clauses))) == 0)
    proof = drat.parse_proof(proof_of(clauses, "cadical195"))
    order = data.draw(st.permutations(range(len(clauses))))
    kept = list(clauses)
    for i in order:
        trial = [c for c in kept if c != clauses[i]]
        kept = trial
        if brute_count(CNF(n, tuple(kept))) > 0:
            break
    assert brute_count(CNF(n, tuple(kept))) > 0
    verdict = drat.check(kept, proof)
    assert not verdict.ok and verdict.failed_step is not None
    if certify.dratify_available():
        assert not certify._dratify(kept, [_line(s) for s in proof])[0]


def _line(step: drat.Step) -> str:
    return ("d " if step[0] else "") + " ".join(map(str, (*step[1], 0)))


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 5),
    st.lists(st.lists(st.integers(-5, 5).filter(bool), max_size=3), max_size=12),
    st.lists(st.tuples(st.booleans(), st.lists(st.integers(-5, 5).filter(bool), max_size=3))),
)
def test_arbitrary_proofs_never_refute_a_satisfiable_formula(
    n: int, formula: list[list[int]], steps: list[tuple[bool, list[int]]]
) -> None:
    clauses = [tuple(l for l in c if abs(l) <= n) for c in formula]
    clauses = [c for c in clauses if c]
    assume(brute_count(CNF(n, tuple(clauses))) > 0)
    proof = [(d, tuple(l for l in c if abs(l) <= n)) for d, c in steps] + [(False, ())]
    assert not drat.check(clauses, proof).ok


@pytest.mark.parametrize("holes", [2, 3, 4, 5])
def test_pigeonhole_proofs(holes: int) -> None:
    php = PHP(holes)
    clauses = [tuple(c) for c in php.clauses]
    proof = drat.parse_proof(proof_of(clauses, "glucose4"))
    assert drat.check(clauses, proof).ok
    # Removing the final empty clause leaves no refutation.
    assert drat.check(clauses, proof[:-1]).reason == "the proof never adds the empty clause"


def test_rat_lemmas_are_checked_on_their_first_literal() -> None:
    # x3 is fresh: "3 1" is RAT on 3 (no clause has -3) but not RUP; then the rest is RUP.
    clauses = [(1, 2), (-1, 2), (1, -2), (-1, -2)]
    assert drat.check(clauses, [(False, (3, 1)), (False, (2,)), (False, ())]).ok
    # With a clause on -3 present the same lemma is neither RUP nor RAT.
    sat = [(1, 2), (-3, -1)]
    bad = drat.check(sat, [(False, (3, 1)), (False, (1,)), (False, ())])
    assert not bad.ok


def test_parse_errors_name_the_line() -> None:
    with pytest.raises(InputError, match="proof line 2"):
        drat.parse_proof("1 0\n1 x 0\n")
    with pytest.raises(InputError, match="proof line 1: a clause must end"):
        drat.parse_proof("1 2\n")


def test_refute_raises_on_a_rejected_proof(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(certify, "_solve_with_proof", lambda cls, solver: ["0"])
    with pytest.raises(VerificationFailed, match="rejected by ermbit's checker"):
        certify.refute([(1, 2), (-1, 2), (1, -2), (-1, -2)])


# --- the CLI -------------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_count_certify_zero_writes_a_proof_that_checks(tmp_path: Path) -> None:
    clauses = [tuple(c) for c in PHP(4).clauses]
    n = max(abs(l) for c in clauses for l in c)
    src = tmp_path / "php.cnf"
    CNF(n, tuple(clauses)).write(src)
    proof = tmp_path / "php.drat"
    code, out, _ = run("count", str(src), "--certify", "--proof", str(proof), "--json")
    obj = json.loads(out)
    assert code == 0 and obj["count"] == 0
    cert = obj["certificate"]
    assert cert["kind"] == "drat" and cert["checked"] is True and cert["steps"] >= 1
    assert cert["checker"].startswith("ermbit-drat")
    assert drat.check(clauses, drat.parse_proof(proof.read_text())).ok


def test_count_certify_positive_is_agreement(tmp_path: Path) -> None:
    src = tmp_path / "f.cnf"
    CNF(4, ((1, 2), (-2, 3))).write(src)
    code, out, _ = run("count", str(src), "--certify", "--json")
    cert = json.loads(out)["certificate"]
    assert code == 0 and cert["kind"] == "agreement" and cert["checked"] is True
    assert cert["counts"]["brute"] == cert["counts"]["dpll"] == 8
    code, out, _ = run("count", str(src), "--certify")
    assert out.splitlines()[0] == "8" and "agreement" in out.splitlines()[1]


def test_decide_certify_and_proof_needs_certify(tmp_path: Path) -> None:
    src = tmp_path / "x.cnf"
    CNF(2, ((1, 2), (-1, 2), (1, -2), (-1, -2))).write(src)
    code, out, _ = run("decide", str(src), "--certify", "--json")
    obj = json.loads(out)
    assert code == 0 and obj["satisfiable"] is False and obj["certificate"]["checked"] is True
    code, _, err = run("decide", str(src), "--proof", str(tmp_path / "p"))
    assert code == 2 and "--certify" in err


def test_method_all_certify_reuses_its_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    real = certify.cross_check
    monkeypatch.setattr(certify, "cross_check", lambda *a, **k: calls.append(a) or real(*a, **k))
    src = tmp_path / "f.cnf"
    CNF(3, ((1, 2),)).write(src)
    code, out, _ = run("count", str(src), "--method", "all", "--certify", "--json")
    cert = json.loads(out)["certificate"]
    assert code == 0 and calls == [] and cert["checked"]
    assert "auto" not in cert["counts"] and cert["counts"]["brute"] == 6
