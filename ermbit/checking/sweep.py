"""Sweeps: run the generic verifier of a reduction over many generated instances.

:func:`sweep` verifies a reduction (registered name or ``"package.module:Class"``) on
``trials`` instances of each size of a family, in this process, in a local process
pool, or on a Dask cluster; writes every failing input as a file a user can rerun,
beside its report; and shrinks the smallest failing input by delta debugging (see
:mod:`ermbit.checking.shrink`) to a small input that still fails the same way.

Instances
---------
Trial ``t`` at size ``i`` uses the seed :func:`instance_seed` ``(seed, i, t)``, so a sweep
is a pure function of its arguments (timings aside), whatever runs it.  Sizes are family
parameters as on a command line (``[{"n": "4", "m": "6"}, ...]``).  A family is

* a family of :data:`ermbit.instances.FAMILIES` (``"random-kcnf"``);
* a pipeline ``"FAMILY+REDUCTION+..."``: the family's instance pushed through the
  ``forward`` of registered reductions (``"random-mixed+sat-to-nae"``: NAE formulas);
* ``"sample-source"``: the reduction's own hook ``sample_source(rng, size)``.

When no family is given, a reduction that defines ``sample_source`` draws its own
sources (``size`` 1..4); otherwise the family follows its ``source_kind``: ``cnf`` →
``random-mixed``, ``nae`` → ``random-mixed+sat-to-nae``, ``slp`` → ``random-slp``,
``matrix01`` → ``matrix01``, with the small sizes of :data:`DEFAULT_SIZES`.

The ``sample_source`` hook (optional, for reductions whose sources no family makes)::

    def sample_source(self, rng: random.Random, size: int) -> Any:
        '''A random source of scale ``size >= 1``, drawn from ``rng`` only.'''

Counterexamples
---------------
Failing inputs are written as DIMACS (``.cnf``; ``.nae.cnf`` for NAE formulas), as
``ermbit/1`` JSON (SLPs and other kinds) or as an ``.instance.json`` holding the data
or the recipe; each with a ``.report.json``.  :func:`read_counterexample` reads any of
them back, to rerun ``verify`` on it.

>>> result = sweep("sat-to-nae", family=None, sizes=[{"n": "3", "m": "4"}], trials=5, seed=1)
>>> result.passed, len(result.reports), result.reports[0]["meta"]["family"]
(True, 5, 'random-mixed')
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ermbit.checking._tasks import (
    SAMPLE_SOURCE,
    Task,
    execute,
    family_takes_seed,
    has_sample_source,
    instance_seed,
    make_source,
    report_from_json,
    resolve_reduction,
)
from ermbit.checking.counterexample import read_counterexample, shrink_smallest, write_failures
from ermbit.checking.oracles import oracles_for
from ermbit.checking.sweep_result import SweepResult, status_of
from ermbit.checking.verifier import VerificationReport
from ermbit.errors import BudgetExceeded, InputError, InputTypeError
from ermbit.reductions.base import Reduction
from ermbit.validate import check_int

__all__ = [
    "DEFAULT_FAMILIES",
    "DEFAULT_SIZES",
    "SAMPLE_SOURCE",
    "check_source_kind",
    "instance_seed",
    "make_source",
    "read_counterexample",
    "status_of",
    "sweep",
    "SweepResult",
]

Progress = Callable[[int, int, VerificationReport], None]


def _sizes(*rows: dict[str, str]) -> tuple[dict[str, str], ...]:
    return rows


#: Family used when none is given, by the reduction's ``source_kind``.
DEFAULT_FAMILIES: dict[str, str] = {
    "cnf": "random-mixed",
    "nae": "random-mixed+sat-to-nae",
    "slp": "random-slp",
    "matrix01": "matrix01",
}

#: Sizes used when none are given, by (base) family: small enough for brute-force oracles.
DEFAULT_SIZES: dict[str, tuple[dict[str, str], ...]] = {
    "random-mixed": _sizes(
        {"n": "1", "m": "2", "max_width": "1"},
        {"n": "2", "m": "3", "max_width": "2"},
        {"n": "3", "m": "4"},
        {"n": "4", "m": "5"},
        {"n": "5", "m": "6"},
    ),
    "random-kcnf": _sizes(
        {"n": "3", "m": "4", "k": "2"},
        {"n": "4", "m": "6", "k": "3"},
        {"n": "5", "m": "8", "k": "3"},
    ),
    "random-slp": _sizes({"gates": "1"}, {"gates": "2"}, {"gates": "4"}, {"gates": "8"}),
    "matrix01": _sizes({"n": "1"}, {"n": "2"}, {"n": "3"}, {"n": "4"}),
    "parity": _sizes({"n": "2"}, {"n": "3"}, {"n": "4"}),
    "xor": _sizes({"n": "3", "m": "2", "k": "2"}, {"n": "4", "m": "2", "k": "3"}),
    SAMPLE_SOURCE: _sizes({"size": "1"}, {"size": "2"}, {"size": "3"}, {"size": "4"}),
}


# ---------------------------------------------------------------- planning


def _text(key: str, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | str):
        return str(value)
    raise InputTypeError(f"sizes: parameter {key!r} must be a str or int, got {value!r}")


def _normalise_sizes(sizes: Sequence[Mapping[str, Any]]) -> tuple[dict[str, str], ...]:
    if isinstance(sizes, str | bytes | Mapping) or not isinstance(sizes, Sequence):
        raise InputTypeError(f"sizes: expected a list of parameter dicts, got {sizes!r:.80}")
    if not sizes:
        raise InputError("sizes: expected at least one size, got an empty list")
    out = []
    for i, row in enumerate(sizes):
        if not isinstance(row, Mapping):
            raise InputTypeError(f"sizes[{i}]: expected a dict of parameters, got {row!r:.80}")
        out.append({str(k): _text(str(k), v) for k, v in row.items()})
    return tuple(out)


def _plan(
    red: Reduction, family: str | None, sizes: Sequence[Mapping[str, Any]] | None
) -> tuple[str, tuple[dict[str, str], ...]]:
    """The family and sizes to sweep, defaults filled in (see the module docstring)."""
    name = red.name or type(red).__name__
    if family is None:
        if has_sample_source(red):
            family = SAMPLE_SOURCE
        elif red.source_kind in DEFAULT_FAMILIES:
            family = DEFAULT_FAMILIES[red.source_kind]
        else:
            raise InputError(
                f"family: reduction {name!r} reads {red.source_kind or 'unknown'!r} sources, "
                "for which there is no default family and it has no sample_source hook; "
                "pass a family and sizes"
            )
    if not isinstance(family, str) or not family:
        raise InputTypeError(f"family: expected a family name, got {family!r}")
    base = family.split("+", 1)[0]
    _check_family(base)
    if sizes is None:
        if base not in DEFAULT_SIZES:
            raise InputError(f"sizes: family {base!r} has no default sizes; pass sizes")
        sizes = DEFAULT_SIZES[base]
    return family, _normalise_sizes(sizes)


def _check_family(base: str) -> None:
    """An unknown family is named as such (not as a family without default sizes)."""
    from ermbit.instances import FAMILIES

    if base != SAMPLE_SOURCE and base not in FAMILIES:
        known = ", ".join([*FAMILIES, SAMPLE_SOURCE])
        raise InputError(
            f"family: unknown family {base!r}; known: {known} (ermbit gen --list describes them)"
        )


def _source_types() -> dict[str, type]:
    from ermbit.cnf import CNF
    from ermbit.problems.nae import NAEFormula
    from ermbit.problems.queries import BitQuery
    from ermbit.problems.splitting import SetSplitting
    from ermbit.slp import SLP

    return {
        "cnf": CNF,
        "nae": NAEFormula,
        "slp": SLP,
        "matrix01": tuple,
        "bitquery": BitQuery,
        "splitting": SetSplitting,
    }


def check_source_kind(red: Reduction, src: Any, where: str) -> None:
    """Refuse (as bad input) a source of another kind than ``red`` reads.

    Used by ``verify --rerun``: a file of the wrong kind is a mistake of the caller, not a
    failed check of the reduction.
    """
    expected = _source_types().get(red.source_kind)
    if expected is not None and not isinstance(src, expected):
        raise InputError(
            f"{where}: holds a {type(src).__name__}, but {red.name or type(red).__name__!r} "
            f"reads {red.source_kind!r} sources"
        )


def _check_first(red: Reduction, tasks: Sequence[Task]) -> None:
    """Build the first instance of each size here, so bad parameters fail before any work
    and a family that makes the wrong kind of input is not reported as a reduction bug."""
    expected = _source_types().get(red.source_kind)
    for task in tasks:
        if task.trial != 0:
            continue
        src = make_source(red, task.family, task.param_dict, task.seed)
        if expected is not None and not isinstance(src, expected):
            hint = f"; try {DEFAULT_FAMILIES[red.source_kind]!r}"
            raise InputError(
                f"family: {task.family!r} makes {type(src).__name__} instances, but "
                f"{red.name or type(red).__name__!r} reads {red.source_kind!r} sources{hint}"
            )


#: Most instances one sweep keeps in memory (tasks and reports, ~1 KB each).
MAX_INSTANCES = 1_000_000


def _tasks(
    spec: str,
    family: str,
    sizes: Sequence[dict[str, str]],
    trials: int,
    seed: int,
    oracle: str = "structural",
    oracle_seconds: float | None = None,
) -> list[Task]:
    seeded = family_takes_seed(family)
    runs = trials if seeded else 1  # a deterministic family has one instance per size
    total = runs * len(sizes)
    if total > MAX_INSTANCES:  # every task and report is kept in memory: refuse up front
        raise BudgetExceeded(
            f"a sweep of {runs} trial(s) at {len(sizes)} size(s)",
            predicted=total,
            budget=MAX_INSTANCES,
            unit="instances",
            hint="use fewer --trials and split the sweep over several --seed values",
        )
    return [
        Task(
            spec,
            family,
            tuple(p.items()),
            instance_seed(seed, i, t) if seeded else None,
            i,
            t,
            oracle,
            oracle_seconds,
        )
        for i, p in enumerate(sizes)
        for t in range(runs)
    ]


def _backend(workers: int, scheduler: str | None) -> str:
    if scheduler is not None:
        return f"dask:{scheduler}"
    return f"processes:{workers}" if workers > 1 else "in-process"


# ---------------------------------------------------------------- the sweep


def sweep(
    reduction_spec: str,
    *,
    family: str | None,
    sizes: Sequence[Mapping[str, Any]] | None,
    trials: int,
    seed: int,
    workers: int = 1,
    scheduler: str | None = None,
    counterexamples_dir: Path | None = None,
    progress: Progress | None = None,
    shrink_budget: int = 2000,
    max_counterexamples: int = 20,
    oracle: str = "structural",
    oracle_seconds: float | None = None,
) -> SweepResult:
    """Verify ``reduction_spec`` on ``trials`` instances of each size of ``family``.

    Parameters
    ----------
    reduction_spec : str
        A registered name (``"sat-to-nae"``) or ``"package.module:Class"``.
    family : str or None
        A family of :data:`ermbit.instances.FAMILIES`, a pipeline ``"FAMILY+REDUCTION"``,
        or ``"sample-source"``; None picks the default for the reduction.
    sizes : list of dict or None
        Family parameters, one dict per size (``[{"n": "4", "m": "6"}]``); None picks
        :data:`DEFAULT_SIZES` of the family.
    trials : int
        Instances per size, ``>= 1`` (a family that takes no seed, such as
        ``pigeonhole``, has one instance per size whatever ``trials`` says).
    seed : int
        Seed ``>= 0``; instance ``(i, t)`` uses :func:`instance_seed` ``(seed, i, t)``.
    workers : int
        Processes (``1``: everything in this process) or Dask workers for ``"local"``.
    scheduler : str or None
        ``"tcp://host:port"`` of a Dask scheduler, ``"local"`` (a Dask ``LocalCluster``
        of ``workers`` processes started here) or ``"local-threads"`` (one process, for
        debugging); needs the ``dask`` extra.  Workers must be able to import ermbit
        and the reduction's module.
    counterexamples_dir : Path or None
        Where failing inputs are written (at most ``max_counterexamples``, each with a
        ``.report.json``), and the shrunk one as ``…-shrunk.*``.
    progress : callable or None
        Called as ``progress(done, total, report)`` after each instance.
    shrink_budget : int
        Verifier calls allowed for shrinking the smallest failing input (0: no shrinking).
    max_counterexamples : int
        At most this many failing inputs are written.
    oracle : str
        ``"structural"`` (each claim's own ERM solver) or ``"general"`` (every ERM
        question to the general solver; see :func:`~ermbit.checking.oracles.oracles_for`).
    oracle_seconds : float or None
        Seconds per general search (default 60).

    Returns
    -------
    SweepResult
        Never raises because a check failed; ``result.passed`` says whether every
        instance passed, ``result.totals()`` counts passed, failed, refused and
        unchecked instances apart.

    Raises
    ------
    InputError
        For an unknown reduction or family, bad sizes or counts, or a family that makes
        inputs of another kind than the reduction reads.
    BackendUnavailable
        If a scheduler is given and Dask is not installed.
    BackendError
        If the Dask scheduler cannot be reached.
    """
    start = time.perf_counter()
    trials = check_int(trials, "trials", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    workers = check_int(workers, "workers", minimum=1)
    shrink_budget = check_int(shrink_budget, "shrink_budget", minimum=0)
    limit = check_int(max_counterexamples, "max_counterexamples", minimum=0)
    oracles_for(oracle, oracle_seconds)  # refuse an unknown name or limit before any work
    red = resolve_reduction(reduction_spec)
    family, plan = _plan(red, family, sizes)
    tasks = _tasks(reduction_spec, family, plan, trials, seed, oracle, oracle_seconds)
    _check_first(red, tasks)
    collected: dict[tuple[int, int], dict[str, Any]] = {}
    for data in execute(tasks, workers, scheduler):
        collected[data["meta"]["size_index"], data["meta"]["trial"]] = data
        if progress is not None:
            progress(len(collected), len(tasks), report_from_json(data))
    reports = tuple(collected[k] for k in sorted(collected))
    failures = [r for r in reports if status_of(r) == "failed"]
    directory = Path(counterexamples_dir) if counterexamples_dir is not None else None
    written = write_failures(reduction_spec, failures, directory, limit) if directory else []
    shrunk = None
    if failures and shrink_budget:
        shrunk = shrink_smallest(
            reduction_spec,
            failures,
            directory,
            shrink_budget,
            oracles_for(oracle, oracle_seconds),
        )
    return SweepResult(
        reduction=reduction_spec,
        family=family,
        sizes=plan,
        trials=trials,
        seed=seed,
        backend=_backend(workers, scheduler),
        reports=reports,
        counterexamples=tuple(written),
        shrunk=shrunk,
        seconds=time.perf_counter() - start,
    )
