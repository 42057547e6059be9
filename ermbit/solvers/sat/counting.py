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
from ermbit.solvers.sat import _components, _enum
from ermbit.solvers.sat import d4 as _d4
from ermbit.solvers.sat import dpll as _dpll
from ermbit.solvers.sat import ganak as _ganak
from ermbit.solvers.sat._brute import count_bitsets
from ermbit.solvers.sat.cdcl import DEFAULT_SOLVER, is_satisfiable, solver_names
from ermbit.solvers.sat.d4 import count_d4
from ermbit.validate import check_positive, check_timeout

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
#: Default refusal threshold of ``brute``: 2^22 assignments, 512 KiB per bit set.
BRUTE_MAX_VARS = 22
#: Default refusal threshold of ``enum``: number of solver calls (models or cubes).
ENUM_MAX_MODELS = 10_000


def _check_cnf(cnf: object) -> CNF:
    if not isinstance(cnf, CNF):
        raise InputTypeError(f"cnf: expected a CNF, got {type(cnf).__name__}")
    return cnf


def _projection(cnf: CNF, projected: bool) -> tuple[int, ...] | None:
    return cnf.projection if projected else None


def count_brute(cnf: CNF, *, max_vars: int = BRUTE_MAX_VARS, projected: bool = False) -> int:
    """Count models by evaluating the formula on all ``2^n`` assignments at once.

    Raises
    ------
    BudgetExceeded
        If ``n > max_vars`` (the predicted number of assignments is ``2^n``).

    >>> f = CNF(3, ((1, 2),), projection=(1,))
    >>> count_brute(f), count_brute(f, projected=True)
    (6, 2)
    """
    cnf = _check_cnf(cnf)
    max_vars = check_positive(max_vars, "max_vars")
    if cnf.num_vars > max_vars:
        raise BudgetExceeded(
            f"brute-force count over n = {cnf.num_vars} variables",
            predicted=1 << cnf.num_vars,
            budget=1 << max_vars,
            unit="assignments",
            hint=f"pass max_vars={cnf.num_vars} (each bit set takes 2^n bits of memory)",
        )
    return count_bitsets(cnf.num_vars, cnf.clauses, _projection(cnf, projected))


def count_dpll(cnf: CNF, *, timeout: float | None = None) -> int:
    """Count models with the component-caching DPLL counter (:mod:`~ermbit.solvers.sat.dpll`).

    Raises
    ------
    BackendError
        If the count takes longer than ``timeout`` seconds.

    >>> count_dpll(CNF(5, ((1, 2, 3), (-1, -2), (4, -4))))  # 5 models on x1..x3, times 4
    20
    """
    cnf = _check_cnf(cnf)
    return _dpll.count_clauses(cnf.num_vars, cnf.clauses, timeout=check_timeout(timeout))


def count_enum(
    cnf: CNF,
    *,
    max_models: int = ENUM_MAX_MODELS,
    solver: str = DEFAULT_SOLVER,
    projected: bool = False,
) -> int:
    """Count models by CDCL enumeration with blocking clauses.

    Each model found is restricted to the variables the solver knows (every variable
    of every clause) and to the projection if asked; the cube it spans consists of
    models only, and each blocking clause removes exactly that cube, so the cube sizes
    sum to the count.  Every model is checked against the formula.

    Raises
    ------
    BudgetExceeded
        If more than ``max_models`` solver calls would be needed.
    VerificationFailed
        If the solver returns a non-model.
    InputError
        If ``solver`` is not a PySAT solver name.

    >>> count_enum(CNF(3, ((1, 2),)))
    6
    """
    cnf = _check_cnf(cnf)
    max_models = check_positive(max_models, "max_models")
    if solver not in solver_names():
        raise InputError(f"solver: unknown PySAT solver {solver!r}")
    scope = cnf.projection if projected and cnf.projection is not None else None
    return _enum.count_cubes(cnf, scope=scope, max_models=max_models, solver=solver)


def count_ganak(
    cnf: CNF,
    *,
    timeout: float | None = None,
    memory_mb: int = _ganak.DEFAULT_MEMORY_MB,
    projected: bool = False,
) -> int:
    """Count models with Ganak in a child process (wall-clock and memory limited).

    Raises
    ------
    BackendUnavailable
        If pyganak is not installed (a dependency of ermbit: ``pip install pyganak``).
    BackendError
        If Ganak runs out of time or memory or fails.
    """
    cnf = _check_cnf(cnf)
    timeout = check_timeout(timeout)
    memory_mb = check_positive(memory_mb, "memory_mb")
    if not _ganak.available():
        raise BackendUnavailable(
            "method 'ganak' needs pyganak; install it with pip install pyganak"
        )
    if any(not c for c in cnf.clauses):
        return 0  # the binding would ignore an empty clause
    job = (cnf.num_vars, cnf.clauses, _projection(cnf, projected))
    return _ganak.count_many([job], timeout=timeout, memory_mb=memory_mb)[0]


def count_auto(
    cnf: CNF,
    *,
    timeout: float | None = None,
    memory_mb: int = _ganak.DEFAULT_MEMORY_MB,
    projected: bool = False,
) -> int:
    """Count models with the fastest suitable method, component by component.

    A CDCL check answers unsatisfiable formulas first.  Then top-level units are
    propagated, the rest is split into connected components whose counts multiply
    (free variables double the count), and each component of ``k`` variables is
    counted by brute force (tiny ``k``), by ``dpll`` (small ``k``), by ``dpll`` racing
    Ganak in a child process (medium ``k``: the first to finish wins), or by Ganak
    (large ``k``).  Without pyganak, ``dpll`` counts every non-tiny component.  With
    ``projected=True`` the count goes to brute force, Ganak or enumeration as a whole.

    Raises
    ------
    BackendError
        If the count takes longer than ``timeout`` seconds (the CDCL check itself is
        not interrupted), or Ganak fails.

    >>> count_auto(CNF(6, ((1, 2), (3, -4), (-3, 4))))   # 3 * 2 * 2^2
    24
    """
    cnf = _check_cnf(cnf)
    timeout = check_timeout(timeout)
    memory_mb = check_positive(memory_mb, "memory_mb")
    if projected and cnf.projection is not None:
        if cnf.num_vars <= BRUTE_MAX_VARS:
            return count_brute(cnf, projected=True)
        if _ganak.available():
            return count_ganak(cnf, timeout=timeout, memory_mb=memory_mb, projected=True)
        return count_enum(cnf, projected=True)
    norm = _dpll.normalise(cnf.clauses)
    if norm is None:
        return 0
    if not norm:
        return 1 << cnf.num_vars
    if not is_satisfiable(cnf):
        return 0
    return _components.count_by_components(cnf.num_vars, norm, timeout=timeout, memory_mb=memory_mb)


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
