"""NAE-SAT formulas: a CNF read with not-all-equal semantics.

A not-all-equal (NAE) formula is satisfied when every clause has a true *and* a false
literal; its models are closed under complement.

>>> f = NAEFormula(CNF(2, ((1, 2),)))
>>> [a for a in assignments(2) if nae_satisfied(f, a)]
[(False, True), (True, False)]
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ermbit.cnf import CNF
from ermbit.errors import InputError

__all__ = ["Assignment", "NAEFormula", "assignments", "nae_satisfied"]

Assignment = tuple[bool, ...]


@dataclass(frozen=True)
class NAEFormula:
    """A CNF read with not-all-equal semantics: each clause needs a true and a false literal."""

    cnf: CNF

    def size_summary(self) -> dict[str, int]:
        return {"variables": self.cnf.num_vars, "clauses": self.cnf.num_clauses}

    def to_dimacs(self) -> str:
        return "c ermbit nae\n" + self.cnf.to_dimacs()


def nae_satisfied(formula: NAEFormula, assignment: Sequence[bool]) -> bool:
    """Whether every clause has a true and a false literal under ``assignment``."""
    if len(assignment) != formula.cnf.num_vars:
        raise InputError(
            f"assignment: expected {formula.cnf.num_vars} truth values, got {len(assignment)}"
        )
    for clause in formula.cnf.clauses:
        vals = {assignment[abs(l) - 1] == (l > 0) for l in clause}
        if vals != {True, False}:
            return False
    return True


def assignments(n: int, limit: int = 20) -> Iterator[Assignment]:
    """All ``2^n`` assignments (refuses ``n > limit``; used by checkers on small inputs)."""
    if n > limit:
        raise InputError(f"n: {n} variables is too many to enumerate (limit {limit})")
    return (tuple(a) for a in itertools.product((False, True), repeat=n))
