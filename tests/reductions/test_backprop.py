"""Gradient instances (Thm 1.3), the exact Backprop solver, and #SAT via backprop (docs:
constructions/sharp-sat.md)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ermbit.checking.verifier import verify
from ermbit.cnf import CNF
from ermbit.errors import InputError, InputTypeError
from ermbit.exact import Q, bit
from ermbit.pipelines.via_backprop import count_via_backprop
from ermbit.problems.queries import BitQuery
from ermbit.reductions.backprop import (
    PosSlpToBackpropSign,
    SlpToBackpropBit,
    gradient_instance,
    sign_fix,
)
from ermbit.reductions.bnslp import SlpToBnslp
from ermbit.reductions.slp_to_network import slp_network
from ermbit.slp import SLP, evaluate
from ermbit.solvers.backprop import answer, answer_via_slp, edge_gradient
from tests.profiles import examples
from tests.strategies import brute_count, cnfs
from tests.strategies_net import networks_with_inputs
from tests.strategies_slp import slps
from tests.verified import assert_verified

SIGMAS = ("z**2", "z**3 + 2*z", "z**2/3 - z + 5", "1 - 2*z**4")
POW2 = st.sampled_from([1, -1, 2, 4, -8, Fraction(1, 2), Fraction(-1, 4)])


def _with_a0(slp: SLP, a0: object) -> SLP:
    return SLP(a0, slp.gates)


@examples(40)
@given(slps(max_gates=5, integer=False), st.integers(1, 4), st.sampled_from(SIGMAS))
def test_gradient_is_b_a0_np(slp: SLP, copies: int, sigma: str) -> None:
    inst = gradient_instance(slp_network(slp, sigma), copies, 0, {}).instance
    want = copies * slp.a0 * evaluate(slp)
    assert inst.gradient() == want  # the network module's reverse mode
    assert edge_gradient(inst.network, inst.samples, inst.edge).dw == want  # the solver's
    assert inst.network.edge(*inst.edge).frozen is False
    assert all(e.frozen for e in inst.network.edges if e.key != inst.edge)


@examples(40)
@given(slps(max_gates=6), POW2, st.integers(-4, 40), st.sampled_from(SIGMAS[:2]))
def test_bit_instances_answer_bitslp(slp: SLP, a0: object, j: int, sigma: str) -> None:
    src = BitQuery(_with_a0(slp, a0), j)
    target = SlpToBackpropBit(sigma).forward(src)
    want = bit(evaluate(src.slp), j)  # independent of ermbit.slp.bit's shortcuts
    assert target.instance.answer() == want
    assert answer(target.instance) == want
    assert answer_via_slp(src.slp, j) == want


@examples(30)
@given(slps(max_gates=6), POW2, st.integers(-3, 20))
def test_bit_reduction_verifier(slp: SLP, a0: object, j: int) -> None:
    report = verify(SlpToBackpropBit(), BitQuery(_with_a0(slp, a0), j))
    assert_verified(report)


@examples(40)
@given(slps(max_gates=6), st.integers(1, 5))
def test_sign_instances(slp: SLP, copies: int) -> None:
    assume(slp.a0 != 0)
    target = PosSlpToBackpropSign(copies=copies).forward(slp)
    n_p = evaluate(slp)
    g = edge_gradient(target.instance.network, target.instance.samples, target.instance.edge).dw
    assert g == copies * slp.a0**2 * (2 * n_p - 1)
    assert (g >= copies) == (n_p > 0) and (g <= -copies) == (n_p <= 0)
    assert target.instance.answer() == (1 if n_p > 0 else -1)
    report = verify(PosSlpToBackpropSign(copies=copies), slp)
    assert_verified(report)


def test_sign_fix_never_zero() -> None:
    zero = SLP(1, [("-", 0, 0)])
    assert evaluate(sign_fix(zero)) == -1
    assert evaluate(sign_fix(SLP(1, []))) == 1
    assert evaluate(sign_fix(SLP(-2, [("*", 0, 0)]))) == -2 * (2 * 4 - 1)
    with pytest.raises(InputError, match="non-zero integer a0"):
        sign_fix(SLP(0, []))
    with pytest.raises(InputError, match="non-zero integer a0"):
        sign_fix(SLP("1/2", []))


@examples(20)
@given(slps(max_gates=3), st.integers(0, 12))
def test_bounded_bit_shift(slp: SLP, j: int) -> None:
    slp = _with_a0(slp, 1)
    m, n = SlpToBnslp().forward(slp).m, slp.length
    target = SlpToBackpropBit(bounded=True).forward(BitQuery(slp, j))
    shift = m * (2**n + 1)  # Thm 1.3: bit j of n_P is bit j − m(2^n + 1) of the gradient
    assert target.meta["bit_offset"] == -shift
    assert target.instance.query == j - shift
    g = target.instance.gradient()
    assert g * Q(2) ** shift == evaluate(slp)
    assert target.instance.answer() == bit(evaluate(slp), j)
    assert_verified(verify(SlpToBackpropBit(bounded=True), BitQuery(slp, j)))


@examples(15)
@given(slps(max_gates=3))
def test_bounded_sign(slp: SLP) -> None:
    slp = _with_a0(slp, 1)
    target = PosSlpToBackpropSign(copies=2, bounded=True).forward(slp)
    g = target.instance.gradient()
    thr = Q(target.meta["threshold"])
    assert 0 < thr < 1 and (g >= thr) == (evaluate(slp) > 0) and (g <= -thr) == (evaluate(slp) <= 0)
    assert_verified(verify(PosSlpToBackpropSign(copies=2, bounded=True), slp))


def test_reduction_errors() -> None:
    # a0 = 3 is no longer refused (1/a0 is folded into the label): test_defects_reductions.py
    with pytest.raises(InputError, match="a0 = 1"):
        SlpToBackpropBit(bounded=True).forward(BitQuery(SLP(2, []), 0))
    with pytest.raises(InputTypeError):
        SlpToBackpropBit().forward(SLP(1, []))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="copies"):
        PosSlpToBackpropSign(copies=0)


@examples(60)
@given(networks_with_inputs(max_nodes=5), st.data())
def test_solver_matches_network_backward(pair, data) -> None:
    from ermbit.network.erm import BackpropInstance, Sample

    net, x = pair
    edge = data.draw(st.sampled_from([e.key for e in net.edges])) if net.edges else None
    assume(edge is not None)
    out = data.draw(st.sampled_from(net.outputs))
    loss = data.draw(st.sampled_from(["squared", "half_squared", "hinge"]))
    y = data.draw(st.integers(-2, 2))
    samples = (Sample.of(x, {out: y}, loss, data.draw(st.integers(1, 3))),)
    inst = BackpropInstance(net, samples, edge, "sign")
    dw, db, _ = inst.gradients()
    g = edge_gradient(net, samples, edge)
    assert (g.dw, g.db) == (dw, db)


@examples(25)
@given(cnfs(max_vars=4, max_clauses=3, max_width=3), st.sampled_from(SIGMAS))
def test_count_via_backprop(cnf: CNF, sigma: str) -> None:
    r = count_via_backprop(cnf, sigma)
    assert r.count == brute_count(cnf)
    assert r.via == "backprop" and r.distinct_gradients_computed == 1
    assert r.instances == len(r.bits) >= 1


@examples(15)
@given(cnfs(max_vars=4, max_clauses=3, max_width=3))
def test_count_via_backprop_slp_route(cnf: CNF) -> None:
    r = count_via_backprop(cnf, route="slp")
    assert r.count == brute_count(cnf) and r.distinct_gradients_computed == 0


@pytest.mark.parametrize(
    "cnf", [CNF(1, ((1,),)), CNF(2, ((1, 2),)), CNF(1, ()), CNF(2, ((1, -2), (2,)))]
)
def test_count_via_backprop_bounded(cnf: CNF) -> None:
    assert count_via_backprop(cnf, bounded=True).count == brute_count(cnf)


@pytest.mark.slow
@pytest.mark.parametrize("sigma", SIGMAS)
def test_count_via_backprop_bigger(sigma: str) -> None:
    import random

    rng = random.Random(7)
    for n, m in ((6, 5), (7, 6)):
        clauses = tuple(
            tuple(v if rng.random() < 0.5 else -v for v in rng.sample(range(1, n + 1), 3))
            for _ in range(m)
        )
        cnf = CNF(n, clauses)
        assert count_via_backprop(cnf, sigma).count == brute_count(cnf)


def test_count_via_backprop_bad_route() -> None:
    with pytest.raises(InputError, match="route"):
        count_via_backprop(CNF(1, ()), route="float")


def test_edge_gradient_budget_and_errors() -> None:
    from ermbit.errors import BudgetExceeded
    from ermbit.solvers.backprop import answer_from_gradient

    gates = [("*", i, i) for i in range(8)]  # 2^256 from a_0 = 2
    inst = gradient_instance(slp_network(SLP(2, gates)), 1, 0, {}).instance
    with pytest.raises(BudgetExceeded, match="budget_bits="):
        edge_gradient(inst.network, inst.samples, inst.edge, budget_bits=100)
    assert edge_gradient(inst.network, inst.samples, inst.edge, budget_bits=None).dw == 2 * 2**256
    with pytest.raises(InputError, match="no edge"):
        edge_gradient(inst.network, inst.samples, ("t", "v0"))
    with pytest.raises(InputError, match="query"):
        answer_from_gradient("bit", 3)
