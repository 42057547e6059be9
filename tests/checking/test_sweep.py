"""Tests of ermbit.checking.sweep: sweeps of correct and deliberately broken reductions.

Ground truth is independent of the code under test: instances are regenerated with
:func:`ermbit.instances.generate`, counts come from ``tests.strategies.brute_count``, and
"the broken reduction fails" is decided by whether the clause it forgets changes the
model count.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ermbit.checking.counterexample import write_counterexample
from ermbit.checking.shrink import failure_kinds, shrink
from ermbit.checking.sweep import (
    SweepResult,
    instance_seed,
    make_source,
    read_counterexample,
    sweep,
)
from ermbit.checking.verifier import VerificationReport, input_hash, verify
from ermbit.cnf import CNF
from ermbit.errors import BackendUnavailable, InputError, InputTypeError
from ermbit.instances import FAMILIES, generate
from ermbit.instances.slp_families import random_slp
from ermbit.problems.nae import NAEFormula
from ermbit.reductions import load
from ermbit.slp import SLP
from tests.profiles import examples
from tests.strategies import brute_count, cnfs
from tests.verified import assert_verified

BROKEN = "tests.broken_reductions:"
FORGETFUL = BROKEN + "ForgetfulSatToNae"
SMALL = [{"n": "3", "m": "3"}, {"n": "4", "m": "4"}]


@pytest.fixture
def slp_family(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make sure "random-slp" is a family (until the registry lists it)."""
    if "random-slp" not in FAMILIES:
        monkeypatch.setitem(FAMILIES, "random-slp", (random_slp, "gates [a0] [ops], seed"))


def _without(cnf: CNF, index: int) -> CNF:
    index %= cnf.num_clauses
    return CNF(cnf.num_vars, cnf.clauses[:index] + cnf.clauses[index + 1 :])


def _forgotten_clause_matters(cnf: CNF) -> bool:
    return bool(cnf.clauses) and brute_count(cnf) != brute_count(_without(cnf, -1))


def _signature(result: SweepResult) -> list[tuple[Any, ...]]:
    return [(r["input_hash"], r["passed"], r["meta"]["seed"]) for r in result.reports]


# ---------------------------------------------------------------- correct reductions


@pytest.mark.parametrize("spec", ["sat-to-nae", "sat-to-slp"])
def test_registered_reduction_passes_with_per_instance_reports(spec: str) -> None:
    result = sweep(spec, family=None, sizes=None, trials=4, seed=3)
    doc = json.loads(json.dumps(result.to_json(), allow_nan=False))
    assert result.passed and doc["passed"] and doc["failures"] == []
    assert result.family == "random-mixed"
    assert len(doc["instances"]) == 4 * len(result.sizes) == doc["totals"]["instances"]
    for entry in doc["instances"]:
        meta = entry["meta"]
        cnf = generate(meta["family"], meta["params"], meta["seed"])
        assert isinstance(cnf, CNF) and entry["input_hash"] == input_hash(cnf)
        assert entry["source_size"]["clauses"] == cnf.num_clauses
        assert meta["seed"] == instance_seed(3, meta["size_index"], meta["trial"])
        claim = next(c for c in entry["checks"] if c["name"] == "claim")
        assert claim["status"] == "passed" and claim["oracles"]
        assert entry["passed"] and entry["seconds"] >= 0


@pytest.mark.parametrize(
    ("spec", "family"),
    [("nae-to-splitting", "random-mixed+sat-to-nae"), ("perm-to-slp", "matrix01")],
)
def test_default_families_by_source_kind(spec: str, family: str) -> None:
    result = sweep(spec, family=None, sizes=None, trials=2, seed=0)
    assert result.passed and result.family == family and result.reports


def test_slp_sources_come_from_random_slp(slp_family: None) -> None:
    result = sweep("slp-to-bnslp", family=None, sizes=None, trials=3, seed=1)
    assert result.passed and result.family == "random-slp"
    gates = {r["meta"]["params"]["gates"] for r in result.reports}
    assert gates == {"1", "2", "4", "8"}


def test_sample_source_hook_is_preferred() -> None:
    result = sweep(BROKEN + "SampledSatToNae", family=None, sizes=None, trials=3, seed=2)
    assert result.passed and result.family == "sample-source"
    assert {r["meta"]["params"]["size"] for r in result.reports} == {"1", "2", "3", "4"}


# ---------------------------------------------------------------- broken reductions


def test_broken_reduction_is_caught_exactly_where_it_is_wrong() -> None:
    result = sweep(FORGETFUL, family="random-mixed", sizes=SMALL, trials=8, seed=5)
    assert not result.passed
    for entry in result.reports:
        meta = entry["meta"]
        cnf = generate(meta["family"], meta["params"], meta["seed"])
        assert isinstance(cnf, CNF) and entry["passed"] != _forgotten_clause_matters(cnf)


def test_counterexamples_are_written_and_reproduce(tmp_path: Path) -> None:
    result = sweep(
        FORGETFUL, family=None, sizes=SMALL, trials=6, seed=1, counterexamples_dir=tmp_path
    )
    assert len(result.counterexamples) == len(result.failures) > 0
    red = load(FORGETFUL)
    for name, failed in zip(result.counterexamples, result.failures, strict=True):
        path = Path(name)
        assert path.suffix == ".cnf" and path.exists()
        cnf = read_counterexample(path)
        assert input_hash(cnf) == failed["input_hash"]
        assert verify(red, cnf).failed and _forgotten_clause_matters(cnf)
        report = json.loads(path.with_name(path.name[:-4] + ".report.json").read_text())
        assert report["passed"] is False and report["counterexample"]["reduction"] == FORGETFUL


@pytest.mark.parametrize("cls", ["ForgetfulSatToNae", "ForgetfulSatToSlp"])
def test_shrunk_counterexample_is_minimal(cls: str, tmp_path: Path) -> None:
    spec = BROKEN + cls
    result = sweep(spec, family=None, sizes=None, trials=5, seed=4, counterexamples_dir=tmp_path)
    shrunk = result.shrunk
    assert shrunk is not None and shrunk["file"].endswith("-shrunk.cnf")
    small = read_counterexample(shrunk["file"])
    red = load(spec)
    assert verify(red, small).failed
    original = next(r for r in result.reports if r["input_hash"] == shrunk["original_hash"])
    for key in ("variables", "clauses", "literals"):
        assert shrunk["report"]["source_size"][key] <= original["source_size"][key]
    assert all(verify(red, _without(small, i)).status == "passed" for i in range(small.num_clauses))
    # Forgetting the only clause of the empty formula is harmless, so one empty clause
    # over no variables is the smallest input on which forgetting can matter.
    assert small == CNF(0, ((),))


@examples(60)
@given(cnfs(max_vars=4, max_clauses=5))
def test_shrinking_keeps_failing_and_is_one_minimal(cnf: CNF) -> None:
    red = load(FORGETFUL)
    report = verify(red, cnf)
    assert report.status == ("failed" if _forgotten_clause_matters(cnf) else "passed")
    assume(report.failed)  # only failing inputs are shrunk
    found = shrink(red, cnf, report)
    small = found.source
    assert found.report.failed and failure_kinds(found.report) & failure_kinds(report)
    assert small.num_clauses <= cnf.num_clauses and small.num_vars <= cnf.num_vars
    assert _forgotten_clause_matters(small)
    assert all(not _forgotten_clause_matters(_without(small, i)) for i in range(len(small.clauses)))
    for i, clause in enumerate(small.clauses):
        for j in range(len(clause)):
            shorter = clause[:j] + clause[j + 1 :]
            fewer = CNF(small.num_vars, (*small.clauses[:i], shorter, *small.clauses[i + 1 :]))
            assert_verified(verify(red, fewer))
    assert {abs(l) for c in small.clauses for l in c} == set(range(1, small.num_vars + 1))


def test_nae_sources_shrink_inside_the_wrapper(tmp_path: Path) -> None:
    spec = BROKEN + "ForgetfulNaeToSplitting"
    result = sweep(spec, family=None, sizes=SMALL, trials=4, seed=0, counterexamples_dir=tmp_path)
    assert result.family == "random-mixed+sat-to-nae" and result.failures
    assert all(name.endswith(".nae.cnf") for name in result.counterexamples)
    assert result.shrunk is not None and result.shrunk["file"].endswith("-shrunk.nae.cnf")
    small = read_counterexample(result.shrunk["file"])
    red = load(spec)
    assert isinstance(small, NAEFormula) and verify(red, small).failed
    for i in range(small.cnf.num_clauses):
        assert_verified(verify(red, NAEFormula(_without(small.cnf, i))))


def test_slp_counterexample_shrinks_to_one_gate(slp_family: None, tmp_path: Path) -> None:
    spec = BROKEN + "TruncatingSlpCopy"
    sizes = [{"gates": "6"}]
    result = sweep(spec, family=None, sizes=sizes, trials=4, seed=0, counterexamples_dir=tmp_path)
    assert result.failures and result.shrunk is not None
    small = read_counterexample(result.shrunk["file"])
    assert isinstance(small, SLP) and result.shrunk["file"].endswith("-shrunk.json")
    # a copy that loses the last gate is right on gate-free programs, wrong on a_1 = a_0 + a_0
    assert small.length == 1 and verify(load(spec), small).failed


def test_matrix_counterexample_shrinks_to_one_entry(tmp_path: Path) -> None:
    spec = BROKEN + "PermanentIsZero"
    sizes = [{"n": "3"}, {"n": "4"}]
    result = sweep(spec, family=None, sizes=sizes, trials=5, seed=0, counterexamples_dir=tmp_path)
    assert result.failures and result.shrunk is not None
    assert result.shrunk["file"].endswith("-shrunk.instance.json")
    assert read_counterexample(result.shrunk["file"]) == ((1,),)
    for name in result.counterexamples:
        matrix = read_counterexample(name)
        assert isinstance(matrix, tuple) and verify(load(spec), matrix).failed


def test_unknown_structure_shrinks_by_family_parameters(tmp_path: Path) -> None:
    spec = BROKEN + "BoxedForgetfulSatToNae"
    sizes = [{"size": "4"}]
    result = sweep(spec, family=None, sizes=sizes, trials=6, seed=0, counterexamples_dir=tmp_path)
    shrunk = result.shrunk
    assert shrunk is not None and shrunk["method"] == "params"
    assert shrunk["recipe"]["params"] == {"size": "1"}
    assert shrunk["file"].endswith("-shrunk.instance.json")
    again = read_counterexample(shrunk["file"])
    assert again.cnf_inside.num_vars == 1 and verify(load(spec), again).failed
    for name in result.counterexamples:
        assert verify(load(spec), read_counterexample(name)).failed


# ---------------------------------------------------------------- determinism, parallelism


def test_same_seed_same_sweep_other_seed_other_instances() -> None:
    def run(seed: int) -> SweepResult:
        return sweep(FORGETFUL, family=None, sizes=SMALL, trials=5, seed=seed, shrink_budget=0)

    first, again, other = run(7), run(7), run(8)
    assert _signature(first) == _signature(again)
    assert {h for h, _, _ in _signature(first)} != {h for h, _, _ in _signature(other)}
    assert first.shrunk is None


def test_process_pool_matches_in_process_and_reports_progress() -> None:
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int, report: VerificationReport) -> None:
        assert isinstance(report, VerificationReport)
        seen.append((done, total))

    kwargs: dict[str, Any] = {"family": None, "sizes": SMALL, "trials": 10, "seed": 2}
    pooled = sweep(FORGETFUL, workers=2, progress=progress, **kwargs)
    inline = sweep(FORGETFUL, **kwargs)
    assert pooled.backend == "processes:2" and inline.backend == "in-process"
    assert _signature(pooled) == _signature(inline) and pooled.failures
    assert seen == [(i, 20) for i in range(1, 21)]
    assert pooled.shrunk is not None and inline.shrunk is not None
    assert pooled.shrunk["report"]["input_hash"] == inline.shrunk["report"]["input_hash"]


@pytest.mark.parametrize("scheduler", ["local-threads", "local"])
def test_dask_local_cluster_matches_in_process(scheduler: str) -> None:
    pytest.importorskip("distributed")
    kwargs: dict[str, Any] = {"family": None, "sizes": SMALL, "trials": 6, "seed": 9}
    count: list[int] = []
    result = sweep(
        FORGETFUL,
        workers=2,
        scheduler=scheduler,
        progress=lambda d, t, r: count.append(d),
        **kwargs,
    )
    inline = sweep(FORGETFUL, **kwargs)
    assert result.backend == f"dask:{scheduler}"
    assert _signature(result) == _signature(inline) and count == list(range(1, 13))


def test_dask_scheduler_address() -> None:
    distributed = pytest.importorskip("distributed")
    kwargs: dict[str, Any] = {"family": None, "sizes": SMALL[:1], "trials": 4, "seed": 3}
    with distributed.LocalCluster(
        n_workers=1, processes=False, protocol="tcp", dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        result = sweep(FORGETFUL, scheduler=address, **kwargs)
    assert result.backend == f"dask:{address}"
    assert _signature(result) == _signature(sweep(FORGETFUL, **kwargs))


def test_missing_dask_is_a_backend_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(BackendUnavailable, match=r"pip install 'ermbit\[dask\]'"):
        sweep("sat-to-nae", family=None, sizes=SMALL, trials=1, seed=0, scheduler="local")


# ---------------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    ("spec", "kwargs", "error", "match"),
    [
        ("no-such", {}, InputError, "unknown name 'no-such'"),
        ("sat-to-nae", {"family": "no-such"}, InputError, "unknown family 'no-such'"),
        ("sat-to-nae", {"sizes": []}, InputError, "at least one size"),
        ("sat-to-nae", {"sizes": [("n", "3")]}, InputTypeError, r"sizes\[0\]"),
        ("sat-to-nae", {"sizes": [{"n": "3"}]}, InputError, "m: missing parameter"),
        ("sat-to-nae", {"trials": 0}, InputError, "trials: must be >= 1"),
        ("sat-to-nae", {"seed": -1}, InputError, "seed: must be >= 0"),
        ("sat-to-nae", {"family": "pigeonhole"}, InputError, "no default sizes"),
        ("nae-to-splitting", {"family": "random-mixed"}, InputError, r"random-mixed\+sat-to-nae"),
        (BROKEN + "NoSources", {}, InputError, "no default family"),
        ("sat-to-nae", {"scheduler": "udp://x"}, InputError, "tcp://host:port"),
    ],
)
def test_bad_arguments_are_refused(
    spec: str, kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    args: dict[str, Any] = {"family": None, "sizes": SMALL, "trials": 1, "seed": 0}
    args.update(kwargs)
    if args["family"] == "pigeonhole":
        args["sizes"] = None
    if "scheduler" in kwargs:
        pytest.importorskip("distributed")
    with pytest.raises(error, match=match):
        sweep(spec, **args)


@examples(30)
@given(st.integers(0, 2**40), st.integers(0, 50), st.integers(0, 50))
def test_instance_seeds_are_deterministic_and_in_range(seed: int, i: int, t: int) -> None:
    s = instance_seed(seed, i, t)
    assert s == instance_seed(seed, i, t) and 0 <= s < 2**32


def test_deterministic_family_has_one_instance_per_size() -> None:
    sizes = [{"pigeons": "2", "holes": "2"}, {"pigeons": "3", "holes": "2"}]
    result = sweep("sat-to-nae", family="pigeonhole", sizes=sizes, trials=5, seed=0)
    assert result.passed and [r["meta"]["seed"] for r in result.reports] == [None, None]


# ---------------------------------------------------------------- counterexample files


def _write_one(directory: Path, src: Any, recipe: dict[str, Any]) -> Path:
    path, report = write_counterexample(directory, "one", src, {"passed": False}, recipe)
    assert json.loads(report.read_text())["counterexample"]["file"] == path.name
    return path


@pytest.mark.parametrize(
    ("src", "suffix"),
    [
        (generate("random-mixed", {"n": "3", "m": "4"}, 1), ".cnf"),
        (NAEFormula(CNF(2, ((1, -2), (2,)), comments=("ermbit nae z=2",))), ".nae.cnf"),
        (random_slp(4, seed=2), ".json"),
        (((0, 1), (1, 1)), ".instance.json"),
    ],
)
def test_counterexample_files_read_back_equal(src: Any, suffix: str, tmp_path: Path) -> None:
    path = _write_one(tmp_path, src, {"reduction": "sat-to-nae"})
    assert path.name == "one" + suffix
    again = read_counterexample(path)
    assert again == src and input_hash(again) == input_hash(src)


def test_recipe_only_counterexample_is_regenerated(tmp_path: Path) -> None:
    spec = BROKEN + "BoxedForgetfulSatToNae"
    recipe = {"reduction": spec, "family": "sample-source", "params": {"size": "3"}, "seed": 5}
    src = make_source(load(spec), "sample-source", {"size": "3"}, 5)
    path = _write_one(tmp_path, src, recipe)
    assert path.name.endswith(".instance.json")
    assert input_hash(read_counterexample(path)) == input_hash(src)
    lost = _write_one(tmp_path, src, {"reduction": spec})
    with pytest.raises(InputError, match="neither data nor a family recipe"):
        read_counterexample(lost)
    with pytest.raises(InputError, match="not a counterexample file"):
        read_counterexample(tmp_path / "one.txt")


def test_counterexample_files_are_capped(tmp_path: Path) -> None:
    result = sweep(
        FORGETFUL,
        family=None,
        sizes=SMALL,
        trials=6,
        seed=1,
        counterexamples_dir=tmp_path,
        max_counterexamples=1,
        shrink_budget=0,
    )
    assert len(result.failures) > 1 and len(result.counterexamples) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [
            Path(result.counterexamples[0]).name,
            Path(result.counterexamples[0]).stem + ".report.json",
        ]
    )


@pytest.mark.parametrize("name", ["slp-to-backprop-bit", "bitslp-to-erm"])
def test_bitquery_reductions_sweep_by_their_sample_source(name: str) -> None:
    from ermbit.checking.sweep import sweep as run_sweep

    res = run_sweep(name, family=None, sizes=None, trials=2, seed=3)
    assert res.passed and len(res.reports) >= 2
    assert all(any(c["name"] == "claim" for c in r["checks"]) for r in res.reports)
