"""The solvers that reductions' claims consult, behind :class:`ermbit.reductions.base.Oracles`.

Reductions never import solvers; the verifier, sweeps, walkthroughs and manifests pass
an :class:`Oracles` object to each claim.  :class:`SolverOracles` is the standard one:

* ``count`` — brute force up to 16 variables, ermbit's own component-caching DPLL above
  (counters that share no code with any construction);
* ``is_sat`` / ``sat_model`` — PySAT, with the model checked against the formula;
* ``decide_erm`` — ermbit's exact ERM_bit solvers, chosen by name.

>>> from ermbit.cnf import CNF
>>> o = SolverOracles()
>>> o.count(CNF(2, ((1, 2),))), o.is_sat(CNF(1, ((1,), (-1,))))
(3, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ermbit.cnf import CNF
from ermbit.errors import InputError
from ermbit.reductions.base import ErmAnswer
from ermbit.solvers.erm.dispatch import solve_erm
from ermbit.solvers.erm.pattern import solve_pl
from ermbit.solvers.erm.pinned import solve_pinned
from ermbit.solvers.sat.cdcl import is_satisfiable, solve
from ermbit.solvers.sat.counting import count

__all__ = ["ERM_METHODS", "SolverOracles"]

#: Names accepted by :meth:`SolverOracles.decide_erm`.
ERM_METHODS = ("auto", "pattern", "pinned")


@dataclass(frozen=True)
class SolverOracles:
    """The standard oracles; ``brute_up_to`` is the largest n counted by brute force."""

    brute_up_to: int = 16

    def count(self, cnf: CNF) -> int:
        return count(cnf, "brute" if cnf.num_vars <= self.brute_up_to else "dpll")

    def is_sat(self, cnf: CNF) -> bool:
        return is_satisfiable(cnf)

    def sat_model(self, cnf: CNF) -> tuple[int, ...] | None:
        model = solve(cnf).model
        return None if model is None else tuple(model)

    def decide_erm(self, instance: Any, method: str) -> ErmAnswer:
        if method == "pattern":
            return solve_pl(instance)
        if method == "pinned":
            return solve_pinned(instance)
        if method == "auto":
            return solve_erm(instance)
        raise InputError(f"method: unknown ERM oracle {method!r}; expected one of {ERM_METHODS}")
