"""SAT → NAE-SAT: add one fresh variable z to every clause (Thm 1.4 R2, first link).

A not-all-equal (NAE) formula is satisfied when every clause has a true *and* a false
literal.  With ``φ' = ⋀_j (C_j ∨ z)``, z false, ``C_j ∨ z`` is NAE-satisfied iff C_j has a
true literal; NAE models are closed under complement, so

    #NAE(φ') = 2·#SAT(φ)   (2-to-1: x ↦ (x, z = false) and its complement).

>>> from ermbit.cnf import CNF
>>> SatToNae().forward(CNF(2, ((1, -2),))).cnf.clauses
((1, -2, 3),)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from ermbit.cnf import CNF
from ermbit.errors import InputError, InputTypeError
from ermbit.problems.nae import Assignment, NAEFormula, assignments, nae_satisfied
from ermbit.reductions.base import Claim, Oracles, Reduction

__all__ = ["SatToNae"]


def _nae_count(src: CNF, target: NAEFormula) -> int:
    return sum(nae_satisfied(target, a) for a in assignments(target.cnf.num_vars))


class SatToNae(Reduction):
    """CNF φ ↦ NAE formula φ' = ⋀(C_j ∨ z); models map 2-to-1."""

    name: ClassVar[str] = "sat-to-nae"
    source_kind: ClassVar[str] = "cnf"
    target_kind: ClassVar[str] = "nae"
    counting: ClassVar[str] = "k-to-1"
    summary: ClassVar[str] = "SAT → NAE-SAT (fresh z in every clause): #NAE = 2·#SAT"

    def forward(self, src: CNF) -> NAEFormula:
        if not isinstance(src, CNF):
            raise InputTypeError(f"src: expected a CNF, got {type(src).__name__}")
        z = src.num_vars + 1
        clauses = tuple((*c, z) for c in src.clauses)
        return NAEFormula(CNF(z, clauses, comments=(f"ermbit nae z={z}",)))

    def lift(self, src: CNF, target: NAEFormula, solution: Assignment) -> Assignment:
        return (*solution, False)

    def back(self, src: CNF, target: NAEFormula, solution: Assignment) -> Assignment:
        sol = tuple(solution)
        if len(sol) != target.cnf.num_vars:
            raise InputError(f"solution: expected {target.cnf.num_vars} values, got {len(sol)}")
        if sol[-1]:  # complement: NAE models are closed under it, and z must end up false
            sol = tuple(not v for v in sol)
        return sol[:-1]

    def claim(self, src: CNF) -> Claim:
        return Claim(
            statement="#NAE(φ') = 2·#SAT(φ)",
            relation="times",
            factor=2,
            source=lambda s, o: o.count(s),
            target=lambda s, t, o: _nae_count(s, t),
            source_oracle="model counter (oracles.count)",
            target_oracle="NAE enumeration",
        )

    def source_solutions(self, src: CNF, oracles: Oracles) -> Iterator[Assignment]:
        return (a for a in assignments(src.num_vars) if src.satisfied_by(a))

    def is_source_solution(self, src: CNF, solution: Assignment) -> bool:
        return src.satisfied_by(tuple(solution))

    def is_target_solution(self, target: NAEFormula, solution: Assignment) -> bool:
        return nae_satisfied(target, solution)

    def target_solutions(
        self, src: CNF, target: NAEFormula, oracles: Oracles
    ) -> Iterator[Assignment]:
        # complements first: they exercise the z = true branch of back()
        return (a for a in assignments(target.cnf.num_vars) if a[-1] and nae_satisfied(target, a))
