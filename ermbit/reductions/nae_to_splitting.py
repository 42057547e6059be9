"""NAE-SAT → set splitting on the literals (Thm 1.4 R2, second link).

The universe is the 2n literals (element ``2(i−1)`` is ``x_i``, ``2(i−1)+1`` is ``¬x_i``);
the sets are ``{x_i, ¬x_i}`` for every variable and the literal set of every clause.  An
*ordered split* (S₁, S₂) partitions the universe so that every set meets both parts.  The
variable sets force x_i and ¬x_i apart, so S₁ = "the true literals" is a bijection:

    #ordered splits = #NAE models   (parsimonious).

>>> from ermbit.cnf import CNF
>>> from ermbit.problems.nae import NAEFormula
>>> NaeToSplitting().forward(NAEFormula(CNF(2, ((1, -2),)))).sets
((0, 1), (2, 3), (0, 3))
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import ClassVar

from ermbit.errors import InputError, InputTypeError
from ermbit.problems.nae import Assignment, NAEFormula, assignments, nae_satisfied
from ermbit.problems.splitting import SetSplitting, Split, is_split, literal_element
from ermbit.reductions.base import Claim, Oracles, Reduction

__all__ = ["NaeToSplitting"]


def _splits(inst: SetSplitting) -> Iterator[Split]:
    if inst.size > 24:
        raise InputError(f"size: {inst.size} elements is too many to enumerate splits (limit 24)")
    return (s for s in itertools.product((0, 1), repeat=inst.size) if is_split(inst, s))


def _count_splits(src: NAEFormula, target: SetSplitting) -> int:
    return sum(1 for _ in _splits(target))


def _count_nae(src: NAEFormula) -> int:
    return sum(nae_satisfied(src, a) for a in assignments(src.cnf.num_vars))


class NaeToSplitting(Reduction):
    """NAE formula ↦ set splitting on literals; ordered splits = NAE models."""

    name: ClassVar[str] = "nae-to-splitting"
    source_kind: ClassVar[str] = "nae"
    target_kind: ClassVar[str] = "splitting"
    counting: ClassVar[str] = "parsimonious"
    summary: ClassVar[str] = "NAE-SAT → set splitting on literals: ordered splits = NAE models"

    def forward(self, src: NAEFormula) -> SetSplitting:
        if not isinstance(src, NAEFormula):
            raise InputTypeError(f"src: expected an NAEFormula, got {type(src).__name__}")
        n = src.cnf.num_vars
        sets: list[tuple[int, ...]] = [(2 * i, 2 * i + 1) for i in range(n)]
        sets += [tuple(literal_element(l) for l in c) for c in src.cnf.clauses]
        return SetSplitting(2 * n, tuple(sets))

    def lift(self, src: NAEFormula, target: SetSplitting, solution: Assignment) -> Split:
        side = []
        for value in solution:  # true literals go to S₁ (side 0)
            side += [0, 1] if value else [1, 0]
        return tuple(side)

    def back(self, src: NAEFormula, target: SetSplitting, solution: Split) -> Assignment:
        if len(solution) != target.size:
            raise InputError(f"solution: expected {target.size} sides, got {len(solution)}")
        return tuple(solution[2 * i] == 0 for i in range(src.cnf.num_vars))

    def claim(self, src: NAEFormula) -> Claim:
        return Claim(
            statement="#ordered splits = #NAE(φ')",
            relation="equal",
            source=lambda s, o: _count_nae(s),
            target=lambda s, t, o: _count_splits(s, t),
            source_oracle="NAE enumeration",
            target_oracle="split enumeration",
        )

    def source_solutions(self, src: NAEFormula, oracles: Oracles) -> Iterator[Assignment]:
        return (a for a in assignments(src.cnf.num_vars) if nae_satisfied(src, a))

    def is_source_solution(self, src: NAEFormula, solution: Assignment) -> bool:
        return nae_satisfied(src, solution)

    def is_target_solution(self, target: SetSplitting, solution: Split) -> bool:
        return is_split(target, solution)

    def target_solutions(
        self, src: NAEFormula, target: SetSplitting, oracles: Oracles
    ) -> Iterator[Split]:
        return _splits(target)
