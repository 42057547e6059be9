"""The generic composition of reductions: kinds, witness maps, the composed claim."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from ermbit.checking.verifier import verify
from ermbit.cnf import CNF
from ermbit.errors import InputError
from ermbit.reductions import get
from ermbit.reductions.compose import Chained, Composite, compose_relations
from ermbit.reductions.nae_to_splitting import NaeToSplitting
from ermbit.reductions.sat_to_nae import SatToNae
from ermbit.reductions.splitting_to_relu import SplittingToRelu2
from tests.strategies import cnfs


@settings(max_examples=25, deadline=None)
@given(cnfs(max_vars=4, max_clauses=4))
def test_sat_to_splitting_composite_passes_the_verifier(cnf: CNF) -> None:
    report = verify(Composite(SatToNae(), NaeToSplitting()), cnf)
    claim = next(c for c in report.checks if c.name == "claim")
    assert claim.status == "passed", claim.detail
    assert report.passed, [c.detail for c in report.failures]


def test_composed_claim_relates_first_source_to_last_target() -> None:
    # (x1 ∨ x2) ∧ ¬x1 has exactly one model; ordered splits = #NAE = 2·#SAT
    cnf = CNF(2, ((1, 2), (-1,)))
    red = Composite(SatToNae(), NaeToSplitting())
    claim = red.claim(cnf)
    assert (claim.relation, claim.factor) == ("times", 2)
    from ermbit.checking.oracles import SolverOracles

    o = SolverOracles()
    target = red.forward(cnf)
    assert isinstance(target, Chained) and len(target.chain) == 1
    assert claim.target(cnf, target, o) == 2 * claim.source(cnf, o) == 2


def test_relations_compose() -> None:
    assert compose_relations([("equal", 1), ("equal", 1)]) == ("equal", 1)
    assert compose_relations([("times", 2), ("times", 3)]) == ("times", 6)
    assert compose_relations([("equal", 1), ("iff", 1)]) == ("iff", 1)


def test_kinds_must_chain() -> None:
    with pytest.raises(InputError, match="writes 'nae' but splitting-to-relu2 reads 'splitting'"):
        Composite(SatToNae(), SplittingToRelu2())
    with pytest.raises(InputError, match="at least 2"):
        Composite(SatToNae())


def test_sat_to_relu2_is_a_composite_and_maps_witnesses_both_ways() -> None:
    red = get("sat-to-relu2")
    assert isinstance(red, Composite) and [r.name for r in red.links] == [
        "sat-to-nae",
        "nae-to-splitting",
        "splitting-to-relu2",
    ]
    cnf = CNF(3, ((1, -2), (2, 3), (-1, -3)))
    t = red.forward(cnf)
    w = red.lift(cnf, t, (True, True, False))
    assert t.instance.accepts(w)
    assert red.back(cnf, t, w) == (True, True, False)
    assert t.file_meta()["reduction"] == "sat-to-relu2"


def test_steps_and_lifts_expose_each_link() -> None:
    from ermbit.cnf import CNF
    from ermbit.reductions.splitting_to_relu import SatToRelu2

    red = SatToRelu2()
    cnf = CNF(2, ((1, -2), (2,)))
    chained = red.forward(cnf)
    steps = red.steps(cnf, chained)
    assert [s[0].name for s in steps] == [r.name for r in red.links]
    assert steps[0][1] is cnf and steps[-1][2] is chained.final
    lifted = red.lifts(cnf, chained, (True, True))
    assert len(lifted) == 3 and lifted[-1] == red.lift(cnf, chained, (True, True))
    assert red.back(cnf, chained, lifted[-1]) == (True, True)
