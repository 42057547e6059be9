"""The counting methods behind :func:`ermbit.solvers.sat.counting.count`, one function
each: brute force, the DPLL counter, CDCL enumeration, Ganak, and ``auto`` (private to
:mod:`ermbit.solvers.sat`; import them from :mod:`ermbit.solvers.sat.counting`, whose
docstring states what a count is and how the methods differ).
"""

from __future__ import annotations

from ermbit.cnf import CNF
from ermbit.errors import BackendUnavailable, BudgetExceeded, InputError, InputTypeError
from ermbit.solvers.sat import _components, _enum
from ermbit.solvers.sat import dpll as _dpll
from ermbit.solvers.sat import ganak as _ganak
from ermbit.solvers.sat._brute import count_bitsets
from ermbit.solvers.sat.cdcl import DEFAULT_SOLVER, is_satisfiable, solver_names
from ermbit.validate import check_positive, check_timeout

__all__ = [
    "BRUTE_MAX_VARS",
    "ENUM_MAX_MODELS",
    "count_auto",
    "count_brute",
    "count_dpll",
    "count_enum",
    "count_ganak",
]

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
