"""Deliberately wrong reductions, loaded by spec ("tests.broken_reductions:Class") in the
sweep tests to check that sweeps catch, write and shrink their counterexamples; and
correct ones whose claim cannot be checked, to check that "not checked" is never "passed"."""

from __future__ import annotations

import dataclasses
import itertools
import random
from typing import Any, ClassVar

from ermbit.cnf import CNF
from ermbit.errors import BackendUnavailable, BudgetExceeded
from ermbit.problems.nae import NAEFormula
from ermbit.problems.splitting import SetSplitting
from ermbit.reductions.base import Claim, Reduction
from ermbit.reductions.nae_to_splitting import NaeToSplitting
from ermbit.reductions.sat_to_nae import SatToNae
from ermbit.reductions.sat_to_slp import CountingSLP, SatToSlp
from ermbit.slp import SLP, evaluate


def _without_last_clause(cnf: CNF) -> CNF:
    return CNF(cnf.num_vars, cnf.clauses[:-1])


class ForgetfulSatToNae(SatToNae):
    """SAT → NAE that forgets the last clause: wrong whenever that clause matters."""

    name: ClassVar[str] = "forgetful-sat-to-nae"

    def forward(self, src: CNF) -> NAEFormula:
        return super().forward(_without_last_clause(src))


class ForgetfulSatToSlp(SatToSlp):
    """#SAT → SLP that forgets the last clause."""

    name: ClassVar[str] = "forgetful-sat-to-slp"

    def forward(self, src: CNF) -> CountingSLP:
        return super().forward(_without_last_clause(src))


class SampledSatToNae(SatToNae):
    """A correct SAT → NAE whose sources come from the ``sample_source`` hook."""

    name: ClassVar[str] = "sampled-sat-to-nae"
    source_kind: ClassVar[str] = "no-default-family"

    def sample_source(self, rng: random.Random, size: int) -> CNF:
        clauses = []
        for _ in range(size):
            width = rng.randint(1, size)
            chosen = rng.sample(range(1, size + 1), width)
            clauses.append(tuple(v if rng.getrandbits(1) else -v for v in chosen))
        return CNF(size, tuple(clauses))


class SampledForgetfulSatToNae(SampledSatToNae):
    """The forgetful reduction with hook-drawn sources (for the generic shrinker)."""

    name: ClassVar[str] = "sampled-forgetful-sat-to-nae"

    def forward(self, src: CNF) -> NAEFormula:
        return super().forward(_without_last_clause(src))


class BudgetedSatToNae(SatToNae):
    """A correct SAT → NAE whose claim check is refused by a budget from 4 variables on."""

    name: ClassVar[str] = "budgeted-sat-to-nae"

    def claim(self, src: CNF) -> Claim:
        inner = super().claim(src)

        def source(s: CNF, o: Any) -> Any:
            if s.num_vars >= 4:
                raise BudgetExceeded("counting", predicted=s.num_vars, budget=3, unit="vars")
            return inner.source(s, o)

        return dataclasses.replace(inner, source=source)


class OracleMissingSatToNae(SatToNae):
    """A correct SAT → NAE whose claim needs a counting backend that is not installed."""

    name: ClassVar[str] = "oracle-missing-sat-to-nae"

    def claim(self, src: CNF) -> Claim:
        def source(s: CNF, o: Any) -> Any:
            raise BackendUnavailable("the test counter is not installed (pip install nothing)")

        return dataclasses.replace(super().claim(src), source=source)


class NoSources(SatToNae):
    """A reduction whose sources no default family makes and that has no hook."""

    source_kind: ClassVar[str] = "no-default-family"


class BoxedCnf:
    """A CNF in a box that no shrinker knows (not a dataclass, no file form)."""

    def __init__(self, cnf: CNF) -> None:
        self.cnf_inside = cnf

    def __repr__(self) -> str:
        return f"BoxedCnf({self.cnf_inside!r})"


class BoxedForgetfulSatToNae(Reduction):
    """The forgetful reduction on boxed CNFs: only the family-parameter shrinker applies."""

    name: ClassVar[str] = "boxed-forgetful-sat-to-nae"
    source_kind: ClassVar[str] = "boxed-cnf"
    target_kind: ClassVar[str] = "nae"

    def sample_source(self, rng: random.Random, size: int) -> BoxedCnf:
        return BoxedCnf(SampledSatToNae().sample_source(rng, size))

    def forward(self, src: BoxedCnf) -> NAEFormula:
        return ForgetfulSatToNae().forward(src.cnf_inside)

    def claim(self, src: BoxedCnf) -> Claim:
        inner = ForgetfulSatToNae().claim(src.cnf_inside)
        return dataclasses.replace(inner, source=lambda s, o: inner.source(s.cnf_inside, o))


def _value(src: SLP) -> Any:
    return evaluate(src)


def _target_value(src: SLP, target: SLP) -> Any:
    return evaluate(target)


class TruncatingSlpCopy(Reduction):
    """ "Copies" an SLP but loses its last gate: wrong whenever that gate changes the value."""

    name: ClassVar[str] = "truncating-slp-copy"
    source_kind: ClassVar[str] = "slp"
    target_kind: ClassVar[str] = "slp"

    def forward(self, src: SLP) -> SLP:
        return SLP(src.a0, src.gates[:-1])

    def claim(self, src: SLP) -> Claim:
        return Claim(
            statement="value(copy) = value(P)",
            relation="equal",
            source=lambda s, o: _value(s),
            target=lambda s, t, o: _target_value(s, t),
            source_oracle="exact SLP evaluation",
            target_oracle="exact SLP evaluation",
        )


class ForgetfulNaeToSplitting(NaeToSplitting):
    """NAE → set splitting that forgets the last clause (sources are NAE formulas)."""

    name: ClassVar[str] = "forgetful-nae-to-splitting"

    def forward(self, src: NAEFormula) -> SetSplitting:
        return super().forward(NAEFormula(_without_last_clause(src.cnf)))


def _permanent(matrix: tuple[tuple[int, ...], ...]) -> int:
    n = len(matrix)
    return sum(all(matrix[i][p[i]] for i in range(n)) for p in itertools.permutations(range(n)))


def _zero(src: Any, target: Any) -> int:
    return 0


class PermanentIsZero(Reduction):
    """Claims that every 0/1 matrix has permanent 0: wrong as soon as one diagonal is full."""

    name: ClassVar[str] = "permanent-is-zero"
    source_kind: ClassVar[str] = "matrix01"
    target_kind: ClassVar[str] = "matrix01"

    def forward(self, src: Any) -> Any:
        return src

    def claim(self, src: Any) -> Claim:
        return Claim(
            statement="per(A) = 0",
            relation="equal",
            source=lambda s, o: _permanent(s),
            target=lambda s, t, o: _zero(s, t),
            source_oracle="permutation sum",
            target_oracle="the constant 0",
        )
