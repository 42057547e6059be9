"""Ganak (through its Python binding ``pyganak``) run in a child process.

Internal module of :mod:`ermbit.solvers.sat.counting` (method ``"ganak"``).

The binding releases the GIL but cannot be interrupted, and a hard instance can run
for hours or exhaust memory (GMP then aborts the whole process).  So every call runs in
a fresh ``python -c`` child with a wall-clock limit (the child is killed when it runs
out) and an address-space limit (``RLIMIT_AS``, set inside the child before pyganak is
imported).  Several formulas can be counted in one child to pay its start-up once.

What the binding does (pyganak 2.8, read from its source and checked here):

* ``Counter(verbose=0, seed=0)`` are its only options.  Ganak's *probabilistic* component
  cache (hashed keys; the ``--prob 0`` switch of the command-line tool turns it off) is
  its default and is **not** exposed by the binding, so each count is exact only with
  high probability (the Ganak authors bound the error below about 1e-9 per run).  With
  the fixed seed 0 the run is deterministic.  ermbit therefore treats Ganak as one
  witness among several (see :func:`ermbit.solvers.sat.counting.cross_check`).
* ``count()`` returns a Python ``int`` built from a decimal string, so the child lifts
  Python's 4300-digit conversion limit; the child sends the count back in hexadecimal.
* The variable universe is the largest variable mentioned; ``new_vars(k)`` extends it
  so that variables in no clause are counted.  ``set_sampling_set(vars)`` makes the
  count projected onto ``vars``.
* An empty clause is silently ignored by the binding (it reports 1 model for ``[[]]``),
  so formulas with an empty clause must be answered before calling it.
* On an unsatisfiable formula Ganak prints to the C-level stdout; the child sends that
  to ``/dev/null`` and writes its answer on a duplicate of the original descriptor.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Sequence

from ermbit.errors import BackendError, BackendUnavailable
from ermbit.solvers.sat._child import ChildRun

__all__ = ["DEFAULT_MEMORY_MB", "GanakRun", "available", "count_many"]

#: Address-space limit of the child process, in MiB.
DEFAULT_MEMORY_MB = 4096

_EXTRA_HINT = "pip install pyganak (a dependency of ermbit)"

_SCRIPT = r"""
import pyganak
counts = []
for n, clauses, projection in payload:
    counter = pyganak.Counter(verbose=0, seed=0)
    counter.add_clauses(clauses)
    if projection is None:
        if n > counter.nof_vars():
            counter.new_vars(n - counter.nof_vars())
    else:
        counter.set_sampling_set(projection)
    counts.append(hex(counter.count()))
json.dump(counts, answer)
answer.flush()
"""

Job = tuple[int, Sequence[Sequence[int]], Sequence[int] | None]


@functools.cache
def available() -> bool:
    """Whether ``pyganak`` can be imported by this interpreter (looked up once)."""
    return importlib.util.find_spec("pyganak") is not None


class GanakRun:
    """One child process counting a batch of formulas; use as a context manager.

    Each job is ``(n, clauses, projection)``: the count is over variables ``1..n``
    (projected onto ``projection`` when it is not ``None``).  No clause may be empty.
    The child starts at once; :meth:`done` polls it without blocking, :meth:`result`
    waits for it.  Leaving the ``with`` block kills a child that is still running.

    Raises
    ------
    BackendUnavailable
        If pyganak is not installed.
    """

    def __init__(self, jobs: Sequence[Job], *, memory_mb: int = DEFAULT_MEMORY_MB) -> None:
        if not available():
            raise BackendUnavailable(f"method 'ganak' needs pyganak; install it with {_EXTRA_HINT}")
        self.njobs = len(jobs)
        payload = [[n, [list(c) for c in cls], proj] for n, cls, proj in jobs]
        self._run = ChildRun("ganak", _SCRIPT, payload, memory_mb=memory_mb)

    def __enter__(self) -> GanakRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self._run.__exit__(*exc)

    def done(self) -> bool:
        """Whether the child has exited (successfully or not)."""
        return self._run.done()

    def result(self, timeout: float | None = None) -> list[int]:
        """The counts, waiting at most ``timeout`` seconds.

        Raises
        ------
        Undecided
            If the child runs out of time (it is then killed).
        BackendError
            If it runs out of memory, or fails in any other way.
        """
        raw = self._run.result(timeout)
        try:
            counts = [int(h, 16) for h in raw]
        except (ValueError, TypeError) as exc:
            raise BackendError(f"method 'ganak' returned an unreadable answer: {raw!r}") from exc
        if len(counts) != self.njobs:
            raise BackendError(
                f"method 'ganak' returned {len(counts)} counts for {self.njobs} formulas"
            )
        return counts


def count_many(
    jobs: Sequence[Job], *, timeout: float | None = None, memory_mb: int = DEFAULT_MEMORY_MB
) -> list[int]:
    """Model counts of several formulas by Ganak in one child process (see :class:`GanakRun`).

    Raises
    ------
    BackendUnavailable
        If pyganak is not installed.
    BackendError
        If the child runs out of time or memory, or fails in any other way.
    """
    if not jobs:
        if not available():
            raise BackendUnavailable(f"method 'ganak' needs pyganak; install it with {_EXTRA_HINT}")
        return []
    with GanakRun(jobs, memory_mb=memory_mb) as run:
        return run.result(timeout)
