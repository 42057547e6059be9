"""Tests of ermbit.solvers.sat.counting: every method against an independent brute-force oracle."""

from __future__ import annotations

import itertools
import random
import types

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ermbit.cnf import CNF
from ermbit.errors import BackendError, BudgetExceeded, InputError, InputTypeError, Undecided
from ermbit.solvers.sat import _components, counting
from ermbit.solvers.sat import dpll as _dpll
from ermbit.solvers.sat import ganak as _ganak
from ermbit.solvers.sat.counting import (
    METHODS,
    CrossCheck,
    available_methods,
    count,
    cross_check,
)
from tests.profiles import examples

LOCAL_METHODS = ("brute", "dpll", "enum", "auto")


@st.composite
def small_cnfs(draw: st.DrawFn, max_vars: int = 7, max_clauses: int = 7, min_width: int = 0) -> CNF:
    """Random CNFs with clause width 0..3: empty clauses, tautologies, repeats included."""
    n = draw(st.integers(0 if min_width == 0 else 1, max_vars))
    lits = st.integers(1, n).flatmap(lambda v: st.sampled_from((v, -v))) if n else st.nothing()
    clause = st.lists(lits, min_size=min_width, max_size=3 if n else 0)
    clauses = draw(st.lists(clause, max_size=max_clauses))
    projection = draw(st.none() | st.sets(st.integers(1, n)) if n else st.none())
    return CNF(n, tuple(tuple(c) for c in clauses), projection=projection)


def reference_count(cnf: CNF, projected: bool = False) -> int:
    """Independent oracle: list every assignment of 1..n and keep the models."""
    models = [
        values
        for values in itertools.product((False, True), repeat=cnf.num_vars)
        if all(any(values[abs(l) - 1] == (l > 0) for l in c) for c in cnf.clauses)
    ]
    if projected and cnf.projection is not None:
        return len({tuple(m[v - 1] for v in cnf.projection) for m in models})
    return len(models)


def random_kcnf(n: int, ratio_num: int, ratio_den: int, seed: int, k: int = 3) -> CNF:
    rng = random.Random(seed)
    m = n * ratio_num // ratio_den
    clauses = tuple(
        tuple(v if rng.random() < 0.5 else -v for v in rng.sample(range(1, n + 1), k))
        for _ in range(m)
    )
    return CNF(n, clauses)


# --- agreement of the local methods -------------------------------------------------


@examples(60)
@given(small_cnfs())
def test_local_methods_agree_with_reference(cnf: CNF) -> None:
    expected = reference_count(cnf)
    for method in LOCAL_METHODS:
        got = count(cnf, method)
        assert type(got) is int
        assert got == expected, method


@examples(40)
@given(small_cnfs())
def test_projected_counts_agree_with_reference(cnf: CNF) -> None:
    expected = reference_count(cnf, projected=True)
    for method in ("brute", "enum", "auto"):
        assert count(cnf, method, projected=True) == expected, method


@examples(30)
@given(small_cnfs(max_vars=12, max_clauses=14))
def test_auto_without_ganak_uses_dpll_on_components(cnf: CNF) -> None:
    # Thresholds lowered so that small formulas reach every local branch of auto.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_components, "AUTO_BRUTE", 2)
        mp.setattr(_ganak, "available", lambda: False)
        assert count(cnf, "auto") == reference_count(cnf)


def test_free_variables_double_the_count() -> None:
    for method in LOCAL_METHODS:
        assert count(CNF(5, ((1, 2),)), method) == 3 * 2**3
        assert count(CNF(5, ()), method) == 32
        assert count(CNF(0, ()), method) == 1
        assert count(CNF(0, ((),)), method) == 0
        assert count(CNF(3, ((1, -1),)), method) == 8
        assert count(CNF(3, ((1, -1), ())), method) == 0


def test_large_exact_counts() -> None:
    f = CNF(200, ((1, 2), (150, -199)))
    assert count(f, "dpll") == count(f, "auto") == 9 * 2**196


def _count_branches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the DPLL counter's branchings (cache misses) from now on."""
    calls = [0]
    real = _dpll._Counter.check

    def check(self: _dpll._Counter) -> None:
        calls[0] += 1
        real(self)

    monkeypatch.setattr(_dpll._Counter, "check", check)
    return calls


def test_dpll_on_random_3cnf_at_threshold_is_quick_and_matches_brute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    f = random_kcnf(20, 426, 100, seed=1)
    assert count(f, "dpll") == count(f, "brute")
    g = random_kcnf(50, 426, 100, seed=7)
    branches = _count_branches(monkeypatch)
    value = count(g, "dpll")
    # quick in operations, not seconds: a few dozen branchings where 2^50 assignments exist
    # (64 today; benchmarks/bench_counting.py measures the time)
    assert 0 < branches[0] <= 1000
    assert value == count(g, "auto")


def test_auto_answers_unsatisfiable_formulas_before_counting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def must_not_run(*args: object, **kwargs: object) -> int:
        raise AssertionError("components counted on an unsatisfiable formula")

    monkeypatch.setattr(_components, "count_by_components", must_not_run)
    holes = ((-1, -3), (-1, -5), (-3, -5), (-2, -4), (-2, -6), (-4, -6))
    php = CNF(6, ((1, 2), (3, 4), (5, 6), *holes))  # 3 pigeons, 2 holes
    assert count(php, "auto") == 0


# --- budgets, timeouts, validation ---------------------------------------------------


def test_brute_refuses_past_budget() -> None:
    with pytest.raises(BudgetExceeded, match=r"8388608 assignments.*max_vars=23") as info:
        count(CNF(23, ((1,),)), "brute")
    assert info.value.predicted == 2**23
    assert count(CNF(11, ((1,),)), "brute", max_vars=11) == 2**10
    with pytest.raises(BudgetExceeded):
        count(CNF(11, ((1,),)), "brute", max_vars=10)


def test_enum_refuses_past_budget() -> None:
    chain = CNF(12, tuple((i, i + 1) for i in range(1, 12)))
    with pytest.raises(BudgetExceeded, match="max_models"):
        count(chain, "enum", max_models=50)
    assert count(chain, "enum", max_models=1000) == count(chain, "brute")


def test_dpll_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    # a clock that advances one second per reading: the deadline is tested, not the machine
    ticks = itertools.count()
    monkeypatch.setattr(_dpll, "time", types.SimpleNamespace(monotonic=lambda: next(ticks)))
    branches = _count_branches(monkeypatch)
    hard = random_kcnf(90, 3, 2, seed=0)
    with pytest.raises(BackendError, match="timeout"):
        count(hard, "dpll", timeout=0.2)
    assert branches[0] == 16  # the clock is read every 16 branchings: the first reading stops it


def test_input_validation() -> None:
    f = CNF(2, ((1, 2),))
    with pytest.raises(InputError, match="method"):
        count(f, "magic")
    with pytest.raises(InputError, match="projected"):
        count(f, "dpll", projected=True)
    with pytest.raises(InputError, match="timeout"):
        count(f, "dpll", timeout=-1)
    with pytest.raises(InputError, match="max_models"):
        count(f, "enum", max_models=0)
    with pytest.raises(InputError, match="solver"):
        counting.count_enum(f, solver="nope")
    with pytest.raises(InputTypeError, match="cnf"):
        count(((1, 2),), "brute")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="methods"):
        cross_check(f, ("brute", "magic"))


# --- cross_check ---------------------------------------------------------------------


def test_cross_check_agrees_and_records_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_ganak, "available", lambda: False)
    result = cross_check(CNF(30, ((1, 2), (-2, 3))), ("brute", "dpll", "auto", "ganak"))
    assert result.agreed and result.count == 4 * 2**27
    assert set(result.skipped) == {"brute", "ganak"}
    assert str(result.counts["brute"]).startswith("skipped:")
    assert "pip install pyganak" in str(result.counts["ganak"])
    assert "ganak" not in available_methods()


def test_cross_check_reports_a_wrong_method(monkeypatch: pytest.MonkeyPatch) -> None:
    f = CNF(4, ((1, 2), (-3,)))
    honest = cross_check(f, ("brute", "dpll", "enum"))
    assert honest.agreed and honest.disagreement is None
    monkeypatch.setattr(counting, "count_dpll", lambda cnf, **kw: 7)
    result = cross_check(f, ("brute", "dpll", "enum"))
    assert not result.agreed and result.count is None
    assert result.disagreement is not None and "dpll=7" in result.disagreement
    assert result.counts["brute"] == honest.count


def test_cross_check_with_no_count() -> None:
    result = cross_check(CNF(40, ()), ("brute",))
    assert not result.agreed and result.disagreement == "no method produced a count"


def test_crosscheck_value_is_validated_and_read_only() -> None:
    with pytest.raises(InputError):
        CrossCheck({"brute": 1}, True, None, None)
    with pytest.raises(InputError, match="unknown method"):
        CrossCheck.from_counts({"oracle": 1})
    result = CrossCheck.from_counts({"brute": 2, "dpll": 2})
    with pytest.raises(TypeError):
        result.counts["brute"] = 3  # type: ignore[index]
    assert set(METHODS) >= set(result.counts)


# --- Ganak ---------------------------------------------------------------------------


def test_ganak_edge_cases() -> None:
    pytest.importorskip("pyganak")
    cases = [
        CNF(6, ((1, 5),)),  # variables 2, 3, 4, 6 in no clause
        CNF(3, ((1, -1),)),
        CNF(2, ((1,), ())),  # the binding alone would ignore the empty clause
        CNF(0, ()),
        CNF(3, ((1,), (-1,))),
    ]
    for f in cases:
        assert count(f, "ganak") == reference_count(f), f
    proj = CNF(5, ((1, 2), (-1, 3)), projection=(3, 5))
    assert count(proj, "ganak", projected=True) == reference_count(proj, projected=True) == 4
    for f in (CNF(3, ((1, 2),), projection=()), CNF(3, ((1,), (-1,)), projection=())):
        assert count(f, "ganak", projected=True) == reference_count(f, projected=True)


def test_ganak_large_count_beyond_decimal_conversion_limit() -> None:
    pytest.importorskip("pyganak")
    f = CNF(15000, ((1, 2),))
    assert count(f, "ganak") == 3 * 2**14998


@examples(15)
@given(small_cnfs())
def test_ganak_agrees_with_reference(cnf: CNF) -> None:
    pytest.importorskip("pyganak")
    assert count(cnf, "ganak") == reference_count(cnf)
    assert count(cnf, "ganak", projected=True) == reference_count(cnf, projected=True)


def _spy(mp: pytest.MonkeyPatch, module: object, name: str, calls: list[str]) -> None:
    real = getattr(module, name)

    def wrapper(*args: object, **kwargs: object) -> object:
        calls.append(name)
        return real(*args, **kwargs)

    mp.setattr(module, name, wrapper)


@examples(12)
@given(small_cnfs(max_vars=12, max_clauses=10, min_width=1), st.sampled_from(("race", "ganak")))
def test_auto_race_and_ganak_paths(cnf: CNF, winner: str) -> None:
    pytest.importorskip("pyganak")
    calls: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        # Thresholds lowered so that small formulas reach the native counters (Ganak,
        # d4); when they are to win, the race reports that one finished first.
        mp.setattr(_components, "AUTO_BRUTE", 1)
        mp.setattr(_components, "AUTO_DPLL", 2)
        mp.setattr(_components, "AUTO_DPLL_CLAUSES", 0)
        mp.setattr(_components, "AUTO_RACE", 4 if winner == "race" else 2)
        _spy(mp, _components, "CounterRace", calls)
        assert count(cnf, "auto") == reference_count(cnf)
    assert calls == (["CounterRace"] if _largest_component(cnf) > 2 else [])


def _largest_component(cnf: CNF) -> int:
    """Variables in the largest component after unit propagation (0 if unsatisfiable)."""
    norm = _dpll.normalise(cnf.clauses)
    start = None if norm is None else _dpll.propagate(norm, [c[0] for c in norm if len(c) == 1])
    if start is None or not reference_count(cnf):
        return 0
    # a one-clause component is counted in closed form (2^k - 1), never by Ganak
    parts = [_components.relabel(c) for c in _dpll.components(start[0])]
    return max((k for k, clauses in parts if len(clauses) > 1), default=0)


@pytest.mark.parametrize("ganak_wins", [False, True])
def test_auto_race_either_winner(ganak_wins: bool) -> None:
    pytest.importorskip("pyganak")
    f = CNF(10, ((1, 2, 3), (-3, 4), (5, 6, -7), (7, 8), (-8, 5), (9,)))
    calls: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_components, "AUTO_BRUTE", 1)
        mp.setattr(_components, "AUTO_DPLL", 2)
        mp.setattr(_components, "AUTO_DPLL_CLAUSES", 0)
        _spy(mp, _components, "CounterRace", calls)
        if ganak_wins:
            mp.setattr(_components, "_race", lambda *args: None)
        assert count(f, "auto") == reference_count(f)
    assert calls == ["CounterRace"]


def test_ganak_agrees_with_dpll_on_random_3cnf() -> None:
    pytest.importorskip("pyganak")
    f = random_kcnf(30, 3, 1, seed=3)
    assert count(f, "ganak") == count(f, "dpll")


def test_ganak_timeout_and_memory_limit() -> None:
    pytest.importorskip("pyganak")
    hard = random_kcnf(100, 426, 100, seed=0)  # unsatisfiable; Ganak needs many seconds
    with pytest.raises(Undecided, match="timeout"):
        count(hard, "ganak", timeout=0.3)
    with pytest.raises(BackendError, match="memory"):
        count(CNF(2, ((1, 2),)), "ganak", memory_mb=10)
