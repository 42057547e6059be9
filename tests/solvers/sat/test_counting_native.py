"""Tests of the d4 back end, the native-counter race behind ``auto`` and the shipped
competition-style instances with published counts."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ermbit.cli import main
from ermbit.cnf import CNF
from ermbit.errors import BackendError, BackendUnavailable, InputError, Undecided
from ermbit.solvers.sat import d4, race
from ermbit.solvers.sat import ganak as _ganak
from ermbit.solvers.sat.counting import available_methods, count, cross_check
from tests.strategies import brute_count, cnfs

DATA = Path(__file__).resolve().parents[2] / "data" / "counting"
INDEX = json.loads((DATA / "index.json").read_text())
needs_d4 = pytest.mark.skipif(not d4.available(), reason="d4solver is not installed")


def shipped(name: str) -> tuple[CNF, int]:
    row = next(r for r in INDEX if r["file"] == f"{name}.cnf")
    return CNF.read(DATA / row["file"]), row["count"]


# --- d4 ------------------------------------------------------------------------------


@needs_d4
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cnfs(max_vars=7, max_clauses=7), min_size=1, max_size=12))
def test_d4_agrees_with_brute_force(formulas: list[CNF]) -> None:
    # One child per batch keeps the test fast; empty clauses and n = 0 are included.
    got = d4.count_many([(f.num_vars, f.clauses) for f in formulas])
    assert got == [brute_count(f) for f in formulas]


def test_d4_answers_what_the_binding_must_not_see_without_a_child() -> None:
    jobs = [(0, ()), (5, ((),)), (3, ())]
    assert [d4._trivial(n, cls) for n, cls in jobs] == [1, 0, 8]
    assert d4._trivial(2, ((1,),)) is None
    if d4.available():
        with d4.D4Run(jobs) as run:
            assert run.done() and run.result() == [1, 0, 8]


@needs_d4
def test_d4_limits_and_refusals() -> None:
    with pytest.raises(Undecided, match="time limit"):  # a limit reached, exit 4, not a crash
        count(_hard(), "d4", timeout=0.5)
    with pytest.raises(BackendError, match="memory limit 50 MiB"):
        count(CNF(3, ((1, 2),)), "d4", memory_mb=50)
    with pytest.raises(InputError, match="projected"):
        count(CNF(3, ((1, 2),), projection=(1,)), "d4", projected=True)


def test_d4_missing_is_reported_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(d4, "available", lambda: False)
    with pytest.raises(BackendUnavailable, match="pip install d4solver"):
        count(CNF(2, ((1,),)), "d4")
    assert "d4" not in available_methods()
    assert str(cross_check(CNF(2, ((1,),)), ("dpll", "d4")).counts["d4"]).startswith("skipped")


# --- the race behind auto ------------------------------------------------------------


def _hard() -> CNF:
    """Random 3-CNF, n = 200 at ratio 2: Ganak and d4 both need well over 30 s."""
    rng = random.Random(7)
    return CNF(
        200,
        tuple(
            tuple(v * rng.choice((1, -1)) for v in rng.sample(range(1, 201), 3)) for _ in range(400)
        ),
    )


def _chain(n: int, seed: int) -> CNF:
    rng = random.Random(seed)
    return CNF(n, tuple((i, -rng.randint(1, n), rng.randint(1, n)) for i in range(1, n)))


@pytest.mark.skipif(not race.native_available(), reason="no native counter")
def test_race_returns_the_first_good_answer() -> None:
    f = _chain(40, 1)
    with race.CounterRace([(f.num_vars, f.clauses)]) as run:
        assert run.result(60) == [count(f, "dpll")]
        assert run.winner in {"ganak", "d4"}


@pytest.mark.skipif(not (d4.available() and _ganak.available()), reason="needs both")
def test_race_survives_a_crashing_counter(monkeypatch: pytest.MonkeyPatch) -> None:
    # d4 dies at once (as its binding has on competition instances): Ganak still answers.
    monkeypatch.setattr(d4, "_SCRIPT", "import os; os.abort()")
    f = _chain(30, 2)
    with race.CounterRace([(f.num_vars, f.clauses)]) as run:
        assert run.result(60) == [count(f, "dpll")]
        assert run.winner == "ganak"
    monkeypatch.setattr(_ganak, "_SCRIPT", "import os; os.abort()")
    with (
        race.CounterRace([(f.num_vars, f.clauses)]) as run,
        pytest.raises(BackendError, match="every native counter failed"),
    ):
        run.result(60)


@pytest.mark.skipif(not race.native_available(), reason="no native counter")
def test_race_time_limit_kills_every_child() -> None:
    hard = _hard()
    with race.CounterRace([(hard.num_vars, hard.clauses)]) as run:
        with pytest.raises(BackendError, match=r"time limit of 0\.6 s"):
            run.result(0.6)
    # Leaving the block killed every child that was still counting.
    assert all(r.done() for r in run.runs.values())


# --- shipped instances with published counts -----------------------------------------

FAST = ["queens-8", "domino-6x6", "domino-8x8", "latin-4", "php-8-7"]


def test_shipped_index_matches_the_files() -> None:
    assert {r["file"] for r in INDEX} == {p.name for p in DATA.glob("*.cnf")}
    for row in INDEX:
        head = (DATA / row["file"]).read_text().splitlines()[:2]
        assert f"published count {row['count']}" in head[1] and row["source"] in head[0]


@pytest.mark.parametrize("name", FAST)
def test_auto_matches_the_published_count(name: str) -> None:
    cnf, published = shipped(name)
    assert count(cnf, "auto", timeout=120) == published


@needs_d4
@pytest.mark.parametrize("name", FAST)
def test_d4_matches_the_published_count(name: str) -> None:
    cnf, published = shipped(name)
    assert count(cnf, "d4", timeout=120) == published


@pytest.mark.parametrize("name", ["queens-8", "domino-6x6", "latin-4"])
def test_own_dpll_matches_the_published_count(name: str) -> None:
    cnf, published = shipped(name)
    assert count(cnf, "dpll", timeout=120) == published


@pytest.mark.slow
@pytest.mark.parametrize("name", ["queens-10", "latin-5"])
def test_auto_matches_the_published_count_slow(name: str) -> None:
    cnf, published = shipped(name)
    assert count(cnf, "auto", timeout=600) == published


def test_cli_all_lists_d4_beside_the_others() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["count", str(DATA / "queens-8.cnf"), "--method", "all", "--json"], out=out, err=err
    )
    obj = json.loads(out.getvalue())
    assert code == 0 and obj["agreed"] and obj["count"] == 92
    assert "d4" in obj["counts"]
    if d4.available():
        assert obj["counts"]["d4"] == 92
