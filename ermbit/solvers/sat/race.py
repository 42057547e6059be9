"""Race the installed native counters on the same formulas; the first good answer wins.

Used by method ``"auto"`` (:mod:`ermbit.solvers.sat._components`).  Neither Ganak nor d4
dominates: on the combinatorial instances shipped in ``tests/data/counting`` d4 is up
to 30x faster than Ganak (10 queens: 0.27 s against 8.6 s), while Ganak's preprocessing
wins on large sparse random formulas.  No cheap feature of a formula predicted the
winner reliably, so both start at once, each in its own limited child process, and the
first to finish with a readable answer wins; the others are killed.  With a free core
per child, ``auto`` then costs the best counter's time plus process start-up.  A child
that fails (out of memory, crash) drops out; the race fails only if every child fails.

Ganak joins :data:`GANAK_DELAY` seconds late: its start-up alone (loading, Arjun
preprocessing) costs 0.1 to 2 s, and most formulas that d4 or DPLL count in a fraction of
a second are then answered before it would compete for a core.  Where Ganak wins, it
wins by seconds, so the delay costs little there.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Protocol

from ermbit.errors import BackendError, BackendUnavailable
from ermbit.solvers.sat import d4
from ermbit.solvers.sat import ganak as _ganak

__all__ = ["CounterRace", "native_available"]

#: Seconds between polls of the children.
POLL_SECONDS = 0.005
#: Seconds after the start of the race at which Ganak joins (when d4 also runs).
GANAK_DELAY = 0.25

Job = tuple[int, Sequence[Sequence[int]]]


class _Run(Protocol):
    def done(self) -> bool: ...
    def result(self, timeout: float | None = None) -> list[int]: ...
    def __exit__(self, *exc: object) -> None: ...


def native_available() -> bool:
    """Whether at least one native counter (Ganak or d4) is installed."""
    return _ganak.available() or d4.available()


class CounterRace:
    """Ganak and d4 (those installed) counting the same ``jobs`` in parallel children.

    Jobs are ``(n, clauses)`` with no empty clause.  Use as a context manager; leaving
    it kills every child still running.

    Raises
    ------
    BackendUnavailable
        If neither Ganak nor d4 is installed.
    """

    def __init__(self, jobs: Sequence[Job], *, memory_mb: int = _ganak.DEFAULT_MEMORY_MB) -> None:
        self.runs: dict[str, _Run] = {}
        self._jobs, self._memory_mb = jobs, memory_mb
        self._ganak_at: float | None = None
        if d4.available():
            self.runs["d4"] = d4.D4Run(jobs, memory_mb=memory_mb)
        if _ganak.available():
            self._ganak_at = time.monotonic() + (GANAK_DELAY if self.runs else 0.0)
            self._start_ganak()
        if not self.runs and self._ganak_at is None:
            raise BackendUnavailable("no native model counter installed: pip install pyganak")
        self.winner: str | None = None

    def _start_ganak(self) -> None:
        if self._ganak_at is None or time.monotonic() < self._ganak_at:
            return
        self._ganak_at = None
        jobs = [(n, cls, None) for n, cls in self._jobs]
        self.runs["ganak"] = _ganak.GanakRun(jobs, memory_mb=self._memory_mb)

    def __enter__(self) -> CounterRace:
        return self

    def __exit__(self, *exc: object) -> None:
        for run in self.runs.values():
            run.__exit__(*exc)

    def done(self) -> bool:
        """Whether some child has finished (successfully or not)."""
        self._start_ganak()
        return any(run.done() for run in self.runs.values())

    def result(self, timeout: float | None = None) -> list[int]:
        """The counts of the first child to answer, waiting at most ``timeout`` seconds.

        Raises
        ------
        BackendError
            If time runs out (every child is then killed) or every child fails.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        errors: list[str] = []
        finished: set[str] = set()
        while True:
            self._start_ganak()
            live = [name for name in self.runs if name not in finished]
            if not live and self._ganak_at is None:
                raise BackendError("every native counter failed: " + "; ".join(errors))
            for name in live:
                if not self.runs[name].done():
                    continue
                finished.add(name)
                try:
                    counts = self.runs[name].result(0)
                except BackendError as exc:
                    errors.append(str(exc))
                    continue
                self.winner = name
                return counts
            if deadline is not None and time.monotonic() > deadline:
                raise BackendError(
                    f"method 'auto' exceeded the time limit of {timeout} s "
                    f"({' and '.join(live)} still counting; they were killed)"
                )
            time.sleep(POLL_SECONDS)
