"""Counting a satisfiable formula component by component (engine of method ``"auto"``).

Internal module of :mod:`ermbit.solvers.sat.counting`.  Top-level units are propagated,
the rest is split into connected components, each renamed to variables ``1..k`` and
counted by the method that suits ``k``; the counts multiply, and every variable that
ends up in no component and was not assigned doubles the product.

Thresholds (measured on random 3-CNF with ``benchmarks/bench_counting.py``): Ganak
through pyganak costs 0.04 to 2 s even on 30 to 50 variables (process start, Arjun
preprocessing, tree decomposition), while brute force handles any ``k <= 10`` and the
Python DPLL counter most ``k <= 24`` in milliseconds.  From 25 to 100 variables neither
wins everywhere (DPLL wins on dense formulas, Ganak on sparse ones with ``k >= 60``), so
the native counters (Ganak and d4, each in a child: :mod:`ermbit.solvers.sat.race`) start
while DPLL runs here for at most :data:`RACE_SECONDS`; the first to finish wins.  The
DPLL slice is short because on a busy machine it takes CPU from the children: whatever
happens, ``auto`` costs at most the faster native counter's time plus that slice.  Above
100 variables the native counters race alone.

>>> count_by_components(5, [(1, 2), (3,)], timeout=None)
12
"""

from __future__ import annotations

import time

from ermbit.errors import Undecided
from ermbit.solvers.sat import dpll as _dpll
from ermbit.solvers.sat import ganak as _ganak
from ermbit.solvers.sat._brute import count_bitsets
from ermbit.solvers.sat.race import CounterRace, native_available

__all__ = [
    "AUTO_BRUTE",
    "AUTO_DPLL",
    "AUTO_RACE",
    "RACE_SECONDS",
    "count_by_components",
    "relabel",
]

#: Components with at most this many variables are counted by brute force ...
AUTO_BRUTE = 10
#: ... at most this many by dpll alone ...
AUTO_DPLL = 24
#: ... at most this many by dpll racing Ganak; larger ones by Ganak alone.
AUTO_RACE = 100
#: Wall-clock seconds that dpll may race Ganak before it gives up.
RACE_SECONDS = 0.2
#: Components of at most this many clauses go to ``dpll`` whatever their width: few wide
#: clauses are quick to branch on, while Ganak's start-up and preprocessing on a clause
#: of 1,000 literals took 14 s against dpll's 0.5 s.
AUTO_DPLL_CLAUSES = 8

Clause = tuple[int, ...]
Part = tuple[int, list[Clause]]


class _Clock:
    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self.deadline = None if timeout is None else time.monotonic() + timeout

    def left(self) -> float | None:
        """Seconds left, or ``None`` without a timeout; raises once time is up."""
        if self.deadline is None:
            return None
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Undecided(
                f"method 'auto' exceeded the timeout of {self.timeout} s; pass a larger timeout="
            )
        return left


def relabel(clauses: list[Clause]) -> Part:
    """The same clauses over variables ``1..k``, keeping the order of the old names.

    >>> relabel([(4, -9), (9,)])
    (2, [(1, -2), (2,)])
    """
    names = sorted({abs(lit) for c in clauses for lit in c})
    new = {v: i for i, v in enumerate(names, start=1)}
    return len(names), [tuple(new[l] if l > 0 else -new[-l] for l in c) for c in clauses]


def count_by_components(
    num_vars: int,
    clauses: list[Clause],
    *,
    timeout: float | None,
    memory_mb: int = _ganak.DEFAULT_MEMORY_MB,
) -> int:
    """Models over ``1..num_vars`` of normalised ``clauses`` (see :func:`_dpll.normalise`).

    Raises
    ------
    BackendError
        On timeout, or if Ganak fails.
    """
    clock = _Clock(timeout)
    start = _dpll.propagate(clauses, [c[0] for c in clauses if len(c) == 1])
    if start is None:
        return 0
    rest, assigned = start
    parts = [relabel(comp) for comp in _dpll.components(rest)]
    free = num_vars - assigned - sum(k for k, _ in parts)
    return _count_parts(parts, clock, memory_mb) << free


def _count_parts(parts: list[Part], clock: _Clock, memory_mb: int) -> int:
    total = 1
    race: list[Part] = []
    heavy: list[Part] = []
    for k, clauses in sorted(parts, key=lambda p: p[0]):
        if len(clauses) == 1:  # one clause of k distinct variables (a component): 2^k − 1
            total *= (1 << k) - 1
        elif k <= AUTO_BRUTE:
            total *= count_bitsets(k, clauses)
        elif k <= AUTO_DPLL or len(clauses) <= AUTO_DPLL_CLAUSES or not native_available():
            total *= _dpll.count_clauses(k, clauses, timeout=clock.left())
        else:
            (race if k <= AUTO_RACE else heavy).append((k, clauses))
        if total == 0:
            return 0
    if not race and not heavy:
        return total
    jobs = [(k, clauses) for k, clauses in race + heavy]
    with CounterRace(jobs, memory_mb=memory_mb) as run:
        if not heavy:
            raced = _race(race, run, clock)
            if raced is not None:
                return total * raced
        for value in run.result(clock.left()):
            total *= value
    return total


def _race(parts: list[Part], run: CounterRace, clock: _Clock) -> int | None:
    """Product of the counts by dpll, or ``None`` if Ganak finished first or dpll ran
    out of its slice of :data:`RACE_SECONDS`."""
    give_up = time.monotonic() + RACE_SECONDS

    def stop() -> bool:
        return time.monotonic() > give_up or run.done()

    product = 1
    try:
        for k, clauses in parts:
            product *= _dpll.count_clauses(k, clauses, timeout=clock.left(), stop=stop)
    except _dpll.Interrupted:
        return None
    return product
