"""What a sweep worker runs: regenerate one instance from its recipe and verify it.

Tasks run in this process, in a local process pool, or on a Dask cluster
(:func:`execute`).  A task travels as a small picklable :class:`Task` (reduction spec,
family, parameters, seed); the worker rebuilds the reduction and the instance itself, so
neither has to be picklable, and returns the report as plain JSON data.

Sources come from three places, named by the task's ``family``:

* a family of :data:`ermbit.instances.FAMILIES`, e.g. ``"random-mixed"``;
* a pipeline ``"FAMILY+R1+R2..."``: the family's instance pushed through the ``forward``
  of the reductions ``R1``, ``R2``... in turn (``"random-mixed+sat-to-nae"`` gives the
  NAE image of a random CNF);
* :data:`SAMPLE_SOURCE`: the reduction's own hook ``sample_source(rng, size)``, with
  the parameter ``size`` and a :class:`random.Random` seeded by the task's seed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import multiprocessing
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from ermbit.checking.oracles import oracles_for
from ermbit.checking.verifier import Check, VerificationReport, verify
from ermbit.errors import BackendUnavailable, InputError, InputTypeError
from ermbit.reductions import REGISTRY, Reduction, get, load
from ermbit.reductions.compose import Composite

__all__ = [
    "SAMPLE_SOURCE",
    "Task",
    "execute",
    "has_sample_source",
    "instance_seed",
    "make_source",
    "report_from_json",
    "resolve_reduction",
    "run_batch",
    "run_task",
]

#: Pseudo-family: the source comes from the reduction's ``sample_source(rng, size)`` hook.
SAMPLE_SOURCE = "sample-source"


@dataclass(frozen=True)
class Task:
    """The recipe of one instance of a sweep: everything a worker needs, picklable."""

    spec: str
    family: str
    params: tuple[tuple[str, str], ...]
    seed: int | None
    size_index: int
    trial: int
    oracle: str = "structural"
    oracle_seconds: float | None = None

    @property
    def param_dict(self) -> dict[str, str]:
        return dict(self.params)

    def provenance(self) -> dict[str, Any]:
        """How the instance was made, as recorded in its report's ``meta``."""
        return {
            "family": self.family,
            "params": self.param_dict,
            "seed": self.seed,
            "size_index": self.size_index,
            "trial": self.trial,
        }


def instance_seed(seed: int, size_index: int, trial: int) -> int:
    """The seed of trial ``trial`` at size ``size_index`` of a sweep seeded with ``seed``.

    A hash, so that neighbouring sweeps (seed 1 and seed 2) share no instances.

    >>> instance_seed(0, 1, 2) == instance_seed(0, 1, 2) != instance_seed(0, 2, 1)
    True
    """
    digest = hashlib.sha256(f"ermbit-sweep:{seed}:{size_index}:{trial}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


@functools.lru_cache(maxsize=64)
def resolve_reduction(spec: str) -> Reduction:
    """A registered name (``"sat-to-nae"``) or ``"package.module:Class"``, instantiated once
    per process.

    Raises
    ------
    InputError
        For an unknown name or a spec that does not import.
    """
    if not isinstance(spec, str):
        raise InputTypeError(f"reduction: expected a str, got {type(spec).__name__}")
    if spec in REGISTRY or ":" not in spec:
        return get(spec)
    return load(spec)


def has_sample_source(red: object) -> bool:
    """Whether ``red`` defines ``sample_source`` itself (not the base class's default); a
    composite has one when its first link does."""
    if isinstance(red, Composite):
        return has_sample_source(red.links[0])
    for cls in type(red).__mro__:
        if "sample_source" in vars(cls):
            return cls is not Reduction
    return False


def family_takes_seed(family: str) -> bool:
    """Whether the (base) family of ``family`` is random, i.e. takes a seed."""
    from ermbit.instances import takes_seed

    base = family.split("+", 1)[0]
    return base == SAMPLE_SOURCE or takes_seed(base)


def _size_param(params: Mapping[str, str]) -> int:
    extra = sorted(set(params) - {"size"})
    if extra:
        raise InputError(f"{extra[0]}: unknown parameter for {SAMPLE_SOURCE!r}; expected size")
    text = str(params.get("size", ""))
    if not text.strip().isdigit() or int(text) < 1:
        raise InputError(f"size: expected a decimal integer >= 1, got {text!r}")
    return int(text)


def make_source(red: Reduction, family: str, params: Mapping[str, str], seed: int | None) -> Any:
    """The instance that ``family`` (see the module docstring) makes from ``params``, ``seed``.

    Raises
    ------
    InputError
        If the family, a parameter or a pipeline step is unknown or refused.
    """
    from ermbit.instances import generate
    from ermbit.instances.rng import make_rng

    base, *steps = family.split("+")
    if base == SAMPLE_SOURCE:
        if not has_sample_source(red):
            name = red.name or type(red).__name__
            raise InputError(f"family: reduction {name!r} has no sample_source hook")
        obj = red.sample_source(make_rng(seed), _size_param(params))
    else:
        obj = generate(base, params, seed)
    for step in steps:
        obj = resolve_reduction(step).forward(obj)
    return obj


def run_task(task: Task) -> dict[str, Any]:
    """Regenerate the task's instance, verify it, and return the report as JSON data.

    The report's ``meta`` holds the task's provenance (family, params, seed, size index,
    trial), so every report says how to rebuild its input.
    """
    red = resolve_reduction(task.spec)
    src = make_source(red, task.family, task.param_dict, task.seed)
    report = verify(red, src, oracles=oracles_for(task.oracle, task.oracle_seconds))
    report = dataclasses.replace(report, meta={**report.meta, **task.provenance()})
    return report.to_json()


def run_batch(tasks: Sequence[Task]) -> list[dict[str, Any]]:
    """:func:`run_task` over a batch (one round trip to a worker for many small tasks)."""
    return [run_task(t) for t in tasks]


def report_from_json(data: Mapping[str, Any]) -> VerificationReport:
    """Rebuild a :class:`VerificationReport` from ``report.to_json()`` (times are rounded)."""
    checks = tuple(
        Check(c["name"], c["status"], c["detail"], tuple(c["oracles"]), c["seconds"])
        for c in data["checks"]
    )
    return VerificationReport(
        reduction=data["reduction"],
        input_hash=data["input_hash"],
        source_size=dict(data["source_size"]),
        target_size=dict(data["target_size"]),
        checks=checks,
        seconds=data["seconds"],
        meta=dict(data.get("meta", {})),
    )


# ---------------------------------------------------------------- execution


def _batches(tasks: Sequence[Task], workers: int) -> list[tuple[Task, ...]]:
    """About four batches per worker: few round trips, yet balanced and with live progress."""
    size = max(1, min(64, -(-len(tasks) // (4 * workers))))
    return [tuple(tasks[i : i + size]) for i in range(0, len(tasks), size)]


def _process_pool(tasks: Sequence[Task], workers: int) -> Iterator[dict[str, Any]]:
    before = {p.pid for p in multiprocessing.active_children()}
    pool = ProcessPoolExecutor(max_workers=workers)
    futures = [pool.submit(run_batch, b) for b in _batches(tasks, workers)]
    try:
        for future in as_completed(futures):
            yield from future.result()
    except BaseException:
        # Ctrl-C (or an error): do not wait for the batches still running -- leaving the
        # 'with' block used to join them, 19 s with 2 workers -- but stop the workers.
        _stop(pool, before)
        raise
    pool.shutdown()


def _stop(pool: ProcessPoolExecutor, before: set[int | None]) -> None:
    """Cancel what has not started and terminate the pool's worker processes: the children
    of this process that did not exist before the pool (the sweep starts no others)."""
    workers = [p for p in multiprocessing.active_children() if p.pid not in before]
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in workers:
        proc.terminate()


def _import_distributed(scheduler: str) -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise BackendUnavailable(
            f"scheduler: {scheduler!r} needs Dask; install it with pip install 'ermbit[dask]'"
        ) from exc
    return distributed


@contextlib.contextmanager
def _dask_client(distributed: Any, scheduler: str, workers: int) -> Iterator[Any]:
    if scheduler in ("local", "local-threads"):
        cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=scheduler == "local",
            dashboard_address=None,
        )
        with cluster, distributed.Client(cluster) as client:
            yield client
        return
    if not scheduler.startswith("tcp://"):
        raise InputError(
            f"scheduler: expected 'tcp://host:port', 'local' or 'local-threads', got {scheduler!r}"
        )
    try:
        client = distributed.Client(scheduler, timeout="20s")
    except OSError as exc:  # distributed raises OSError (a TimeoutError) when nobody answers
        raise BackendUnavailable(
            f"scheduler: cannot reach the Dask scheduler {scheduler}: {exc}"
        ) from exc
    with client:
        yield client


def _dask(tasks: Sequence[Task], workers: int, scheduler: str) -> Iterator[dict[str, Any]]:
    distributed = _import_distributed(scheduler)
    with _dask_client(distributed, scheduler, workers) as client:
        n = max(workers, len(client.scheduler_info().get("workers", {})))
        futures = [client.submit(run_batch, b, pure=False) for b in _batches(tasks, n)]
        try:
            for future in distributed.as_completed(futures):
                yield from future.result()
        finally:
            client.cancel(futures)


def execute(tasks: Sequence[Task], workers: int, scheduler: str | None) -> Iterator[dict[str, Any]]:
    if scheduler is not None:
        return _dask(tasks, workers, scheduler)
    if workers > 1:
        return _process_pool(tasks, workers)
    return (run_task(t) for t in tasks)
