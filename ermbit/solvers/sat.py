"""Satisfiability of a :class:`~ermbit.cnf.CNF` through a CDCL solver (PySAT).

:func:`solve` returns a :class:`SatResult`.  A satisfiable answer carries a model that
gives a value to *every* variable ``1..n`` (variables in no clause are set false), and
the model is checked against the formula before it is returned: a solver that hands
back a non-model raises :class:`~ermbit.errors.VerificationFailed`.  Unsatisfiable is
an answer (``satisfiable=False``), not an exception.

>>> from ermbit.cnf import CNF
>>> r = solve(CNF(3, ((1, 2), (-1,))))
>>> r.satisfiable, r.model
(True, (-1, 2, -3))
>>> is_satisfiable(CNF(1, ((1,), (-1,))))
False
"""

from __future__ import annotations

from dataclasses import dataclass

from pysat.solvers import Solver, SolverNames

from ermbit.cnf import CNF
from ermbit.errors import InputError, InputTypeError, VerificationFailed

__all__ = ["DEFAULT_SOLVER", "SatResult", "is_satisfiable", "solve", "solver_names"]

# The CDCL front end is becoming the package ermbit.solvers.sat (proofs, d4); until this
# module moves into it, those submodules live in the directory of the same name.
__path__ = [__file__.removesuffix(".py")]

#: The PySAT back end used unless another is named.
DEFAULT_SOLVER = "cadical195"


def solver_names() -> tuple[str, ...]:
    """Every solver name (with aliases) that PySAT accepts here, sorted.

    >>> "cadical195" in solver_names() and "minisat22" in solver_names()
    True
    """
    names: set[str] = set()
    for key, aliases in vars(SolverNames).items():
        if not key.startswith("_") and isinstance(aliases, tuple):
            names.update(a for a in aliases if isinstance(a, str))
    return tuple(sorted(names))


@dataclass(frozen=True)
class SatResult:
    """The answer of a SAT solver on one formula.

    Parameters
    ----------
    satisfiable : bool
        Whether the formula has a model.
    model : tuple of int or None
        For a satisfiable formula, the DIMACS literals ``±1, ±2, ..., ±n`` in variable
        order (one per variable, including variables in no clause); ``None`` otherwise.
    solver : str
        The name of the solver that answered.

    Raises
    ------
    InputError
        If ``model`` is given for an unsatisfiable answer, missing for a satisfiable
        one, or not of the form ``(±1, ..., ±n)``.
    """

    satisfiable: bool
    model: tuple[int, ...] | None
    solver: str

    def __post_init__(self) -> None:
        if not isinstance(self.satisfiable, bool):
            raise InputTypeError(f"satisfiable: expected a bool, got {self.satisfiable!r}")
        if not isinstance(self.solver, str):
            raise InputTypeError(f"solver: expected a str, got {self.solver!r}")
        if self.model is None:
            if self.satisfiable:
                raise InputError("model: a satisfiable result needs a model, got None")
            return
        if not self.satisfiable:
            raise InputError(f"model: an unsatisfiable result has no model, got {self.model!r}")
        model = tuple(self.model)
        for i, lit in enumerate(model, start=1):
            if isinstance(lit, bool) or not isinstance(lit, int) or abs(lit) != i:
                raise InputError(f"model: position {i} must be {i} or {-i}, got {lit!r}")
        object.__setattr__(self, "model", model)


def _check_cnf(cnf: object) -> CNF:
    if not isinstance(cnf, CNF):
        raise InputTypeError(f"cnf: expected a CNF, got {type(cnf).__name__}")
    return cnf


def _check_solver(solver: object) -> str:
    if not isinstance(solver, str) or solver not in solver_names():
        raise InputError(
            f"solver: unknown PySAT solver {solver!r}; see ermbit.solvers.sat.solver_names()"
        )
    return solver


def solve(cnf: CNF, *, solver: str = DEFAULT_SOLVER) -> SatResult:
    """Decide satisfiability of ``cnf`` and return a checked model if there is one.

    Parameters
    ----------
    cnf : CNF
        The formula over variables ``1..n``.
    solver : str
        A PySAT solver name (see :func:`solver_names`).

    Returns
    -------
    SatResult
        ``satisfiable`` is true iff some assignment of ``1..n`` satisfies every clause;
        then ``model[i-1]`` is ``i`` or ``-i`` and the model satisfies ``cnf``.  A
        formula with an empty clause is answered unsatisfiable without a solver call.

    Raises
    ------
    InputTypeError
        If ``cnf`` is not a :class:`~ermbit.cnf.CNF`.
    InputError
        If ``solver`` is not a PySAT solver name.
    VerificationFailed
        If the solver claims a model that does not satisfy the formula.

    Examples
    --------
    >>> solve(CNF(2, ((1, -1),))).model  # a tautology; both variables still get values
    (-1, -2)
    >>> solve(CNF(2, ((),)))
    SatResult(satisfiable=False, model=None, solver='cadical195')
    """
    cnf = _check_cnf(cnf)
    solver = _check_solver(solver)
    if any(not clause for clause in cnf.clauses):
        return SatResult(False, None, solver)
    with Solver(name=solver, bootstrap_with=[list(c) for c in cnf.clauses]) as engine:
        if not engine.solve():
            return SatResult(False, None, solver)
        raw = engine.get_model() or []
    # Variables the solver never saw are in no clause, so any value works: pick false.
    values = {abs(lit): lit for lit in raw if abs(lit) <= cnf.num_vars}
    model = tuple(values.get(v, -v) for v in range(1, cnf.num_vars + 1))
    if not cnf.satisfied_by(model):
        raise VerificationFailed(
            f"solver {solver!r} returned an assignment that falsifies the formula",
            claim="model satisfies cnf",
            counterexample=model,
        )
    return SatResult(True, model, solver)


def is_satisfiable(cnf: CNF, *, solver: str = DEFAULT_SOLVER) -> bool:
    """Whether ``cnf`` has a model (see :func:`solve`).

    >>> is_satisfiable(CNF(0, ())), is_satisfiable(CNF(0, ((),)))
    (True, False)
    """
    return solve(cnf, solver=solver).satisfiable
