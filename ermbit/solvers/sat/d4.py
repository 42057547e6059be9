"""The d4 model counter (Lagniez & Marquis; binding ``d4solver``, import ``py_d4``).

Method ``"d4"`` of :mod:`ermbit.solvers.sat.counting`: a third counter, independent of Ganak
and of ermbit's own DPLL, for cross-checks.  d4 is a knowledge compiler: it counts by
building a decision-DNNF with exact GMP integers; its cache is keyed on the exact
residual formula, so its counts are not probabilistic.

The binding can abort the interpreter (it has died with "double free" on competition
instances) and cannot be interrupted, so it only ever runs in a child process
(:class:`~ermbit.solvers.sat._child.ChildRun`) with a wall-clock and an address-space
limit.  What the binding does (d4solver 1.0, checked here):

* ``Solver(clauses, nb_vars, options).count().getResult()`` is the decimal count over
  variables ``1..nb_vars``; variables in no clause are counted.
* Its default cache reserves a first page of 4 GiB, which fails under any smaller
  memory limit; the child sizes the pages from the limit instead.
* It aborts with a floating-point exception on ``nb_vars = 0`` and allocates without
  bound on an empty clause, so both are answered here without a child.
* It has no projected counting in this binding; ``projected=True`` is refused.

>>> from ermbit.cnf import CNF
>>> count_d4(CNF(4, ((1, 2), (-2, 3)))) if available() else 8
8
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Sequence

from ermbit.cnf import CNF
from ermbit.errors import BackendError, BackendUnavailable, InputError, InputTypeError
from ermbit.solvers.sat._child import ChildRun

__all__ = ["DEFAULT_MEMORY_MB", "D4Run", "available", "count_d4", "count_many"]

#: Address-space limit of the child process, in MiB.
DEFAULT_MEMORY_MB = 4096

_SCRIPT = r"""
import py_d4
options = py_d4.dump_options_to_dict(py_d4.OptionDpllStyleMethod())
page = max(limit // 8, 1 << 20)
options["cache"]["bucket"]["sizeFirstPage"] = str(page)
options["cache"]["bucket"]["sizeAdditionalPage"] = str(max(page // 8, 1 << 20))
options = py_d4.load_options_from_dict(options)
counts = []
for n, clauses in payload:
    result = py_d4.Solver(clauses, n, options).count().getResult()
    counts.append(hex(int(result)))
json.dump(counts, answer)
answer.flush()
"""

Job = tuple[int, Sequence[Sequence[int]]]


@functools.cache
def available() -> bool:
    """Whether ``py_d4`` can be found by this interpreter (looked up once, not imported)."""
    return importlib.util.find_spec("py_d4") is not None


def _unavailable() -> BackendUnavailable:
    return BackendUnavailable("method 'd4' needs the d4solver package: pip install d4solver")


def _trivial(n: int, clauses: Sequence[Sequence[int]]) -> int | None:
    """The count when the binding must not see the formula (see the module notes)."""
    if any(not c for c in clauses):
        return 0
    if not clauses:
        return 1 << n
    return None


class D4Run:
    """Counts of a batch of formulas ``(n, clauses)`` by d4 in one child process.

    Formulas that the binding must not see (no clauses, an empty clause) are answered
    here; if all are, no child starts.  Use as a context manager; :meth:`done` polls,
    :meth:`result` waits.

    Raises
    ------
    BackendUnavailable
        If d4solver is not installed.
    """

    def __init__(self, jobs: Sequence[Job], *, memory_mb: int = DEFAULT_MEMORY_MB) -> None:
        if not available():
            raise _unavailable()
        self._known = [_trivial(n, cls) for n, cls in jobs]
        payload = [
            [n, [list(c) for c in cls]]
            for (n, cls), known in zip(jobs, self._known, strict=True)
            if known is None
        ]
        self._run = ChildRun("d4", _SCRIPT, payload, memory_mb=memory_mb) if payload else None
        self._asked = len(payload)

    def __enter__(self) -> D4Run:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._run is not None:
            self._run.__exit__(*exc)

    def done(self) -> bool:
        """Whether every count is known."""
        return self._run is None or self._run.done()

    def result(self, timeout: float | None = None) -> list[int]:
        """The counts in job order, waiting at most ``timeout`` seconds.

        Raises
        ------
        BackendError
            If the child runs out of time or memory, crashes, or answers badly.
        """
        answers: list[int] = []
        if self._run is not None:
            raw = self._run.result(timeout)
            try:
                answers = [int(h, 16) for h in raw]
            except (TypeError, ValueError) as exc:
                raise BackendError(f"method 'd4' returned an unreadable answer: {raw!r}") from exc
            if len(answers) != self._asked:
                raise BackendError(
                    f"method 'd4' returned {len(answers)} counts for {self._asked} formulas"
                )
        it = iter(answers)
        return [next(it) if known is None else known for known in self._known]


def count_many(
    jobs: Sequence[Job], *, timeout: float | None = None, memory_mb: int = DEFAULT_MEMORY_MB
) -> list[int]:
    """Model counts of several formulas by d4 in one child process (see :class:`D4Run`)."""
    with D4Run(jobs, memory_mb=memory_mb) as run:
        return run.result(timeout)


def count_d4(
    cnf: CNF,
    *,
    timeout: float | None = None,
    memory_mb: int = DEFAULT_MEMORY_MB,
    projected: bool = False,
) -> int:
    """Number of models of ``cnf`` over variables ``1..n``, counted by d4 in a child.

    Raises
    ------
    InputError
        If ``projected`` is asked (the binding has no projected counting).
    BackendUnavailable
        If d4solver is not installed.
    BackendError
        If d4 runs out of time or memory, or crashes.
    """
    if not isinstance(cnf, CNF):
        raise InputTypeError(f"cnf: expected a CNF, got {type(cnf).__name__}")
    if projected:
        raise InputError("projected: method 'd4' counts over all variables only")
    return count_many([(cnf.num_vars, cnf.clauses)], timeout=timeout, memory_mb=memory_mb)[0]
