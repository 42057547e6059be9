"""Exact model counting (#SAT) with several independent methods and a cross-check.

The count of a :class:`~ermbit.cnf.CNF` is the number of assignments of *all* its
variables ``1..n`` that satisfy every clause: a variable in no clause doubles it, an
empty clause makes it 0, a tautology is always satisfied.  Every method returns an
exact Python ``int``.  The projection set of a CNF is ignored unless ``projected=True``
is asked of a method that supports it (``brute``, ``enum``, ``ganak``, ``auto``); the
projected count is the number of assignments of the projection variables that extend
to a model.

Methods (:data:`METHODS`):

* ``brute`` -- every assignment at once, as bit sets in Python ints (ground truth;
  ``n <= 22`` unless ``max_vars`` says otherwise).
* ``dpll`` -- our component-caching DPLL counter in plain Python.
* ``enum`` -- CDCL enumeration with blocking clauses (small counts only).
* ``ganak`` -- Ganak via pyganak in a child process with time and memory limits; its
  component cache is probabilistic (see :mod:`ermbit.solvers.sat.ganak`).
* ``d4`` -- the d4 compiler via d4solver, also in a limited child process; exact, and
  independent of both Ganak and ``dpll`` (see :mod:`ermbit.solvers.sat.d4`).
* ``auto`` -- a CDCL check first (unsatisfiable: 0 at once), then connected components,
  each counted by the method that suits its size.

Model counters have shipped wrong counts in practice; :func:`cross_check` runs several
methods and reports whether they agree.  A positive count is trusted on that basis only
(agreement of independent counters); a count of 0 can be certified by a checked
unsatisfiability proof (:mod:`ermbit.solvers.sat.certify`).

>>> from ermbit.cnf import CNF
>>> f = CNF(4, ((1, 2), (-1, 3)))          # variable 4 is in no clause
>>> [count(f, m) for m in ("brute", "dpll", "enum", "auto")]
[8, 8, 8, 8]
>>> count(CNF(3, ((1,), (-1,))))
0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from ermbit.cnf import CNF
from ermbit.errors import (
    BackendUnavailable,
    BudgetExceeded,
    ErmbitError,
    InputError,
    InputTypeError,
)
from ermbit.solvers.sat import d4 as _d4
from ermbit.solvers.sat import ganak as _ganak
from ermbit.solvers.sat._count_methods import (
    BRUTE_MAX_VARS,
    ENUM_MAX_MODELS,
    _check_cnf,
    count_auto,
    count_brute,
    count_dpll,
    count_enum,
    count_ganak,
)
from ermbit.solvers.sat.d4 import count_d4

__all__ = [
    "METHODS",
    "CrossCheck",
    "available_methods",
    "count",
    "count_auto",
    "count_brute",
    "count_dpll",
    "count_enum",
    "count_ganak",
    "cross_check",
]

#: Names accepted by :func:`count`.
METHODS = ("auto", "brute", "dpll", "enum", "ganak", "d4")


def count(
    cnf: CNF,
    method: str = "auto",
    *,
    timeout: float | None = None,
    max_vars: int = BRUTE_MAX_VARS,
    max_models: int = ENUM_MAX_MODELS,
    memory_mb: int = _ganak.DEFAULT_MEMORY_MB,
    projected: bool = False,
) -> int:
    """Exact number of models of ``cnf`` over all its variables, by ``method``.

    Parameters
    ----------
    cnf : CNF
        The formula; variables in no clause double the count.
    method : str
        One of :data:`METHODS`.
    timeout : float or None
        Wall-clock limit in seconds for ``dpll``, ``ganak``, ``d4`` and ``auto``.
    max_vars : int
        Largest ``n`` that ``brute`` accepts.
    max_models : int
        Most solver calls that ``enum`` makes.
    memory_mb : int
        Address-space limit of the Ganak and d4 child processes, in MiB.
    projected : bool
        Count the assignments of ``cnf.projection`` that extend to a model (not
        supported by ``dpll`` and ``d4``).

    Raises
    ------
    InputError
        For an unknown method, or ``projected=True`` with ``dpll``.
    BudgetExceeded
        If ``brute`` or ``enum`` would exceed their budget.
    BackendUnavailable
        If ``ganak`` or ``d4`` is asked for and its package is not installed.
    BackendError
        If the method times out or its back end fails.

    >>> count(CNF(2, ()), "dpll"), count(CNF(2, ((),)), "brute")
    (4, 0)
    """
    if method not in METHODS:
        raise InputError(f"method: expected one of {', '.join(METHODS)}, got {method!r}")
    if method == "brute":
        return count_brute(cnf, max_vars=max_vars, projected=projected)
    if method == "enum":
        return count_enum(cnf, max_models=max_models, projected=projected)
    if method == "ganak":
        return count_ganak(cnf, timeout=timeout, memory_mb=memory_mb, projected=projected)
    if method == "auto":
        return count_auto(cnf, timeout=timeout, memory_mb=memory_mb, projected=projected)
    if method == "d4":
        return count_d4(_check_cnf(cnf), timeout=timeout, memory_mb=memory_mb, projected=projected)
    if projected:
        raise InputError("projected: method 'dpll' counts over all variables only")
    return count_dpll(cnf, timeout=timeout)


def available_methods() -> tuple[str, ...]:
    """The methods that can run in this environment (``ganak`` needs pyganak, ``d4``
    needs d4solver).

    >>> {"auto", "brute", "dpll", "enum"} <= set(available_methods())
    True
    """
    present = {"ganak": _ganak.available(), "d4": _d4.available()}
    return tuple(m for m in METHODS if present.get(m, True))


@dataclass(frozen=True)
class CrossCheck:
    """Counts of one formula by several methods, and whether they agree.

    Parameters
    ----------
    counts : mapping of str to int or str
        Method name to its count, or to a string ``"skipped: ..."`` (the method refused:
        over budget, back end not installed) or ``"error: ..."`` (it timed out or failed).
    agreed : bool
        True iff at least one method produced a count and all counts are equal.
    count : int or None
        The common count when ``agreed``.
    disagreement : str or None
        What went wrong when not ``agreed``.
    """

    counts: Mapping[str, int | str]
    agreed: bool
    count: int | None
    disagreement: str | None

    def __post_init__(self) -> None:
        counts = dict(self.counts)
        for name, value in counts.items():
            if name not in METHODS:
                raise InputError(f"counts: unknown method {name!r}")
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise InputTypeError(f"counts[{name!r}]: expected an int or a str, got {value!r}")
        object.__setattr__(self, "counts", MappingProxyType(counts))
        if self.agreed != (self.count is not None) or self.agreed == (
            self.disagreement is not None
        ):
            raise InputError(
                f"agreed={self.agreed!r} is inconsistent with count={self.count!r} and "
                f"disagreement={self.disagreement!r}"
            )

    @classmethod
    def from_counts(cls, counts: Mapping[str, int | str]) -> CrossCheck:
        """Decide agreement from the per-method results.

        >>> CrossCheck.from_counts({"brute": 3, "dpll": 3, "ganak": "skipped: absent"}).count
        3
        >>> CrossCheck.from_counts({"brute": 3, "dpll": 4}).disagreement
        'methods disagree: brute=3, dpll=4'
        """
        values = {m: v for m, v in counts.items() if isinstance(v, int)}
        if not values:
            return cls(counts, False, None, "no method produced a count")
        if len(set(values.values())) > 1:
            listing = ", ".join(f"{m}={v}" for m, v in values.items())
            return cls(counts, False, None, f"methods disagree: {listing}")
        return cls(counts, True, next(iter(values.values())), None)

    @property
    def skipped(self) -> tuple[str, ...]:
        """Methods that produced no count."""
        return tuple(m for m, v in self.counts.items() if isinstance(v, str))


def cross_check(
    cnf: CNF,
    methods: Sequence[str] = ("brute", "dpll", "enum", "ganak", "d4", "auto"),
    *,
    timeout: float | None = None,
    max_vars: int = BRUTE_MAX_VARS,
    max_models: int = ENUM_MAX_MODELS,
    memory_mb: int = _ganak.DEFAULT_MEMORY_MB,
) -> CrossCheck:
    """Count ``cnf`` with each of ``methods`` and compare the results.

    A method that refuses (budget exceeded, back end not installed) is recorded as
    skipped with its reason; one that times out or fails is recorded as an error.
    Neither counts as a disagreement.

    >>> r = cross_check(CNF(30, ((1, 2),)), ("brute", "dpll"))
    >>> r.agreed, r.count == 3 << 28, r.skipped
    (True, True, ('brute',))
    """
    cnf = _check_cnf(cnf)
    for m in methods:
        if m not in METHODS:
            raise InputError(f"methods: unknown method {m!r}; expected some of {METHODS}")
    results: dict[str, int | str] = {}
    for m in dict.fromkeys(methods):
        try:
            results[m] = count(
                cnf,
                m,
                timeout=timeout,
                max_vars=max_vars,
                max_models=max_models,
                memory_mb=memory_mb,
            )
        except (BudgetExceeded, BackendUnavailable) as exc:
            results[m] = f"skipped: {exc}"
        except ErmbitError as exc:
            results[m] = f"error: {exc}"
    return CrossCheck.from_counts(results)
