"""Set splitting → the classical ReLU data set (Thm 1.4 R2), and the SAT chain to it.

Ground truth: splits enumerated by brute force, models by brute force.  The last test
documents that with a *trainable* output layer the data set is not a valid reduction.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ermbit.checking.verifier import verify
from ermbit.cnf import CNF
from ermbit.errors import InputError
from ermbit.network.erm import ERMInstance, Witness
from ermbit.problems.nae import NAEFormula, nae_satisfied
from ermbit.problems.splitting import SetSplitting, literal_element
from ermbit.reductions.splitting_to_relu import SatToRelu2, SplittingToRelu2
from ermbit.solvers.erm.pattern import solve_pl
from tests.profiles import examples
from tests.strategies import brute_count, cnfs
from tests.verified import assert_verified

FANO = ((0, 1, 2), (0, 3, 4), (0, 5, 6), (1, 3, 5), (1, 4, 6), (2, 3, 6), (2, 4, 5))


def brute_splits(sp: SetSplitting) -> list[tuple[int, ...]]:
    return [
        s
        for s in itertools.product((0, 1), repeat=sp.size)
        if all({s[e] for e in c} == {0, 1} for c in sp.sets)
    ]


@st.composite
def splittings(draw: Any, max_size: int = 5, max_sets: int = 5) -> SetSplitting:
    d = draw(st.integers(0, max_size))
    sets = (
        draw(st.lists(st.lists(st.integers(0, d - 1), max_size=4), max_size=max_sets)) if d else []
    )
    return SetSplitting(d, tuple(tuple(c) for c in sets))


@examples(40)
@given(splittings())
def test_lift_back_and_solver_agree_with_brute_force(sp: SetSplitting) -> None:
    red = SplittingToRelu2()
    t = red.forward(sp)
    splits = brute_splits(sp)
    for s in splits[:6]:
        w = red.lift(sp, t, s)
        ev = t.instance.evaluate(w)
        assert ev.loss == 0 and ev.admissible
        assert red.back(sp, t, w) == s
    res = solve_pl(t.instance)
    assert res.decision is bool(splits)
    if res.decision:
        assert t.instance.accepts(res.witness)
        assert red.back(sp, t, res.witness) in splits


@examples(15)
@given(splittings(max_size=4, max_sets=4))
def test_generic_verifier_passes(sp: SetSplitting) -> None:
    report = verify(SplittingToRelu2(), sp)
    assert_verified(report)


@examples(6)
@given(splittings(max_size=3, max_sets=3))
def test_generic_verifier_passes_pinned(sp: SetSplitting) -> None:
    report = verify(SplittingToRelu2(pinned=True), sp)
    assert_verified(report)


@examples(15)
@given(cnfs(max_vars=3, max_clauses=4, max_width=3))
def test_composed_chain_passes_the_verifier(cnf: CNF) -> None:
    report = verify(SatToRelu2(), cnf)
    assert_verified(report)
    t = SatToRelu2().forward(cnf)
    widths = sorted(len(c) for c in t.splitting.sets[cnf.num_vars + 1 :])
    assert widths == sorted(len(c) + 1 for c in cnf.clauses)  # clause width + 1 (z)


@examples(5)
@given(cnfs(max_vars=3, max_clauses=3, max_width=3))
def test_composed_chain_pinned(cnf: CNF) -> None:
    red = SatToRelu2(pinned=True)
    t = red.forward(cnf)
    res = solve_pl(t.instance)
    assert res.decision is (brute_count(cnf) > 0)
    if res.decision:
        assert cnf.satisfied_by(red.back(cnf, t, res.witness))


def test_back_works_on_witnesses_other_than_the_lift() -> None:
    sp = SetSplitting(4, ((0, 1), (1, 2, 3), (0, 3)))
    t = SplittingToRelu2().forward(sp)
    for s in brute_splits(sp):
        theta: dict[tuple[str, str], tuple[Any, Any]] = {}
        for k in (1, 2):  # weights 3 / -5, bias sum c_k = -1 on the first edge
            for i in range(4):
                theta[(f"x{i}", f"h{k}")] = (3 if s[i] == k - 1 else -5, -1 if i == 0 else 0)
        w = Witness.of(theta)
        assert t.instance.loss(w) == 0
        assert SplittingToRelu2().back(sp, t, w) == s


def test_empty_and_singleton_sets_cannot_be_split() -> None:
    for sp in (SetSplitting(2, ((),)), SetSplitting(2, ((1,),)), SetSplitting(0, ((),))):
        t = SplittingToRelu2().forward(sp)
        assert solve_pl(t.instance).decision is False
    assert solve_pl(SplittingToRelu2().forward(SetSplitting(0, ())).instance).decision is True


def test_lift_rejects_a_malformed_split() -> None:
    sp = SetSplitting(2, ((0, 1),))
    t = SplittingToRelu2().forward(sp)
    with pytest.raises(InputError, match="sides"):
        SplittingToRelu2().lift(sp, t, (0, 2))


def _counterexample_theta(d: int) -> dict[tuple[str, str], tuple[Any, Any]]:
    """f(x) = ReLU(½·ReLU(Σx − 1) + ReLU(1 − Σx)) in the R2 network, output layer moved."""
    theta: dict[tuple[str, str], tuple[Any, Any]] = {}
    for i in range(d):
        theta[(f"x{i}", "h1")] = (1, -1 if i == 0 else 0)
        theta[(f"x{i}", "h2")] = (-1, 1 if i == 0 else 0)
    theta.update({("r1", "o"): ("1/2", 0), ("r2", "o"): (1, 0)})
    return theta


def test_trainable_output_layer_breaks_the_reduction() -> None:
    # The Fano plane, read as a monotone NAE-3SAT formula, is NAE-unsatisfiable; its
    # splitting instance (universe = variables, sets = clauses) has only 3-element sets.
    nae = NAEFormula(CNF(7, tuple(tuple(e + 1 for e in line) for line in FANO)))
    assert not any(nae_satisfied(nae, a) for a in itertools.product((False, True), repeat=7))
    sp = SetSplitting(7, FANO)
    assert brute_splits(sp) == []
    t = SplittingToRelu2().forward(sp)
    assert solve_pl(t.instance).decision is False  # frozen output layer: correct answer
    net = t.instance.network.unfrozen()
    loose = ERMInstance(net, t.instance.samples, 0, 10**4)
    theta = {**net.theta(), **_counterexample_theta(7)}
    assert loose.loss(theta) == 0 and loose.accepts(theta)  # ... yet every point is fitted
    with pytest.raises(InputError, match="θ-dependent"):
        solve_pl(loose)  # and the solver does not pretend to decide the bilinear problem


def test_chain_literals_are_the_splitting_elements() -> None:
    cnf = CNF(2, ((1, -2),))
    t = SatToRelu2().forward(cnf)
    assert (literal_element(1), literal_element(-2), literal_element(3)) in [
        tuple(c) for c in t.splitting.sets
    ]
    w = SatToRelu2().lift(cnf, t, (True, True))
    assert t.instance.accepts(w) and SatToRelu2().back(cnf, t, w) == (True, True)
