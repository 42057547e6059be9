"""The solvers that reductions' claims consult, behind :class:`ermbit.reductions.base.Oracles`.

Reductions never import solvers; the verifier, sweeps, walkthroughs and manifests pass
an :class:`Oracles` object to each claim.  :class:`SolverOracles` is the standard one:

* ``count`` — brute force up to 16 variables, ermbit's own component-caching DPLL above
  (counters that share no code with any construction);
* ``is_sat`` / ``sat_model`` — PySAT, with the model checked against the formula;
* ``decide_erm`` — ermbit's exact ERM_bit solvers, chosen by name; with
  ``erm="general"`` every ERM question goes to the general solver
  (:func:`~ermbit.solvers.erm.general.solve_general`), which shares nothing with the
  structural solvers but the network evaluator (its real relaxation borrows the exact LP
  engine, but a NO from it rests on Farkas certificates the general solver re-checks
  itself), so ``ermbit verify --oracle general`` cross-checks them.  An answer it
  cannot reach within ``erm_time_limit`` raises :class:`~ermbit.errors.Undecided` (the
  check is then *refused*, not passed).

>>> from ermbit.cnf import CNF
>>> o = SolverOracles()
>>> o.count(CNF(2, ((1, 2),))), o.is_sat(CNF(1, ((1,), (-1,))))
(3, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ermbit.cnf import CNF
from ermbit.errors import InputError, Undecided
from ermbit.reductions.base import ErmAnswer
from ermbit.solvers.erm.dispatch import solve_erm
from ermbit.solvers.erm.general import solve_general
from ermbit.solvers.erm.pattern import solve_pl
from ermbit.solvers.erm.pinned import solve_pinned
from ermbit.solvers.sat.cdcl import is_satisfiable, solve
from ermbit.solvers.sat.counting import count
from ermbit.validate import check_timeout

__all__ = ["ERM_METHODS", "ERM_ORACLES", "SolverOracles", "oracles_for"]

#: Names accepted by :meth:`SolverOracles.decide_erm`.
ERM_METHODS = ("auto", "pattern", "pinned", "general")
#: What ``ermbit verify --oracle`` accepts: the solver each claim names, or the general one
#: for every ERM question.
ERM_ORACLES = ("structural", "general")
#: Seconds the general solver may take per ERM question when it is the oracle.
GENERAL_TIME_LIMIT = 60.0


@dataclass(frozen=True)
class SolverOracles:
    """The standard oracles; ``brute_up_to`` is the largest n counted by brute force;
    ``erm`` is ``"structural"`` (the solver each claim names) or ``"general"``."""

    brute_up_to: int = 16
    erm: str = "structural"
    erm_time_limit: float | None = GENERAL_TIME_LIMIT

    def __post_init__(self) -> None:
        if self.erm not in ERM_ORACLES:
            raise InputError(f"oracle: expected one of {', '.join(ERM_ORACLES)}, got {self.erm!r}")

    def count(self, cnf: CNF) -> int:
        return count(cnf, "brute" if cnf.num_vars <= self.brute_up_to else "dpll")

    def is_sat(self, cnf: CNF) -> bool:
        return is_satisfiable(cnf)

    def sat_model(self, cnf: CNF) -> tuple[int, ...] | None:
        model = solve(cnf).model
        return None if model is None else tuple(model)

    def decide_erm(self, instance: Any, method: str) -> ErmAnswer:
        if method not in ERM_METHODS:
            raise InputError(
                f"method: unknown ERM oracle {method!r}; expected one of {ERM_METHODS}"
            )
        if self.erm == "general" or method == "general":
            res = solve_general(instance, time_limit=self.erm_time_limit)
            if res.decision is None:
                raise Undecided(f"the general ERM solver stopped: {res.explanation}")
            return res
        if method == "pattern":
            return solve_pl(instance)
        if method == "pinned":
            return solve_pinned(instance)
        return solve_erm(instance)


def oracles_for(name: str, seconds: float | None = None) -> SolverOracles:
    """The oracles ``ermbit verify --oracle NAME [--oracle-seconds S]`` uses (see
    :data:`ERM_ORACLES`); ``seconds`` limits each general search (default
    :data:`GENERAL_TIME_LIMIT`).

    Raises
    ------
    InputError
        For an unknown name or a limit that is not a positive number.
    """
    if seconds is None:
        return SolverOracles(erm=name)
    return SolverOracles(erm=name, erm_time_limit=check_timeout(seconds, "--oracle-seconds"))
