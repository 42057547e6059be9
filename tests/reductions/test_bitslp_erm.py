"""Tests of BitSLP/PosSLP → ERM_bit (docs: constructions/bitslp-erm.md), the exact ERM solver, and
#SAT via ERM.

Oracles: :func:`ermbit.slp.bit` / :func:`ermbit.slp.sign` and an SLP evaluation on
:class:`fractions.Fraction` written out here; brute-force model counting
(:func:`tests.strategies.brute_count`).  The solver is checked to read the instance alone:
scrambling θ* and ``meta`` does not change its answer.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ermbit import exact
from ermbit.checking.oracles import SolverOracles
from ermbit.checking.verifier import verify
from ermbit.cnf import CNF
from ermbit.errors import BudgetExceeded, InputError
from ermbit.network.erm import ERMInstance
from ermbit.pipelines.via_erm import count_via_erm
from ermbit.problems.queries import BitQuery
from ermbit.reductions.bitslp_to_erm import BitslpToErm, PosSlpToErm, erm_bit_bound
from ermbit.reductions.slp_to_network import slp_network
from ermbit.slp import SLP, bit
from ermbit.solvers.erm.pinned import accepts_exact, solve_pinned
from tests.profiles import examples
from tests.reference import ref_bit, slp_values
from tests.strategies import brute_count, cnfs
from tests.strategies_slp import slps
from tests.verified import assert_verified

PROPS = examples(30)
FEW = examples(12)
SIGMAS = ("z**2", "z**3 + 2*z", "z**2/3 - z + 5", "1 - 2*z**4")


def n_p(slp: SLP) -> Fraction:
    """The SLP's value on Fractions (independent of ermbit.slp)."""
    return slp_values(slp)[-1]


def scrambled(inst: ERMInstance) -> ERMInstance:
    """The same instance with every trainable parameter replaced and no meta."""
    junk = {e.key: (7, "-3/5") for e in inst.network.edges if not e.frozen}
    net = inst.network.with_theta(junk)
    return ERMInstance(net, inst.samples, inst.gamma, inst.bit_bound, inst.promise)


@st.composite
def queries(draw: Any, max_gates: int = 4) -> BitQuery:
    slp = draw(slps(max_gates=max_gates) | slps(max_gates=max_gates, integer=False))
    return BitQuery(slp, draw(st.integers(-3, 12)))


@PROPS
@given(queries(), st.integers(1, 3))
def test_decision_is_the_bit(q: BitQuery, copies: int) -> None:
    t = BitslpToErm(copies=copies).forward(q)
    want = bit(q.slp, q.j)
    assert want == ref_bit(n_p(q.slp), q.j)
    res = solve_pinned(scrambled(t))
    assert res.decision == (want == 1)
    assert t.loss() == (0 if want else copies)  # θ* pays 0 or b, as the bit says
    assert (
        t.promise == (0, copies)
        and t.gamma == 0
        and t.bit_bound == erm_bit_bound(slp_network(q.slp, "z**2"))
    )
    if res.decision:
        assert res.loss == 0 and accepts_exact(t, res.witness) and t.accepts(res.witness)
        assert res.enc_bits is not None and res.enc_bits <= t.bit_bound
    else:
        assert res.loss == copies  # OPT = b: every θ meeting the forcing samples pays b


@FEW
@given(queries(max_gates=3), st.sampled_from(SIGMAS))
def test_bitslp_verifier_passes(q: BitQuery, sigma: str) -> None:
    report = verify(BitslpToErm(sigma), q)
    assert_verified(report)


@PROPS
@given(slps(max_gates=4).filter(lambda p: p.a0 != 0), st.integers(1, 2))
def test_posslp_decision_is_the_sign(slp: SLP, copies: int) -> None:
    t = PosSlpToErm(copies=copies).forward(slp)
    positive = n_p(slp) > 0
    assert solve_pinned(scrambled(t)).decision == positive
    loss = t.loss()
    assert loss == 0 if positive else loss >= 2 * copies  # hinge on 2n_P − 1: 0 or ≥ 2b


@FEW
@given(slps(max_gates=3).filter(lambda p: p.a0 != 0))
def test_posslp_verifier_passes(slp: SLP) -> None:
    report = verify(PosSlpToErm(), slp)
    assert_verified(report)


def test_posslp_accepts_a0_zero_and_non_integer() -> None:
    # once refused; homogenised now (tests/test_defects_reductions.py checks the claim)
    assert PosSlpToErm().forward(SLP(0, [("*", 0, 0)])).meta["homogenised"] is True
    assert PosSlpToErm().forward(SLP("1/2", [("*", 0, 0)])).meta["homogenised"] is True


def test_promise_parameters_are_checked() -> None:
    with pytest.raises(InputError, match="a < b"):
        BitslpToErm(copies=2, gamma=2)
    with pytest.raises(InputError, match="a < b"):
        BitslpToErm(copies=0)
    t = BitslpToErm(copies=3, gamma=2).forward(BitQuery(SLP(3, [("*", 0, 0)]), 1))  # 9: bit 0
    assert t.promise == (2, 3) and not solve_pinned(t).decision
    with pytest.raises(InputError, match="degree ≥ 2"):
        BitslpToErm("relu")


def test_solver_refusals() -> None:
    t = BitslpToErm().forward(BitQuery(SLP(3, [("*", 0, 0)]), 0))
    with pytest.raises(BudgetExceeded, match="max_candidates"):
        solve_pinned(t, max_candidates=0)
    high = ERMInstance(t.network, t.samples, 2, t.bit_bound)
    with pytest.raises(InputError, match="forcing repeat"):
        solve_pinned(high)
    with pytest.raises(InputError, match="verify"):
        solve_pinned(t, verify="maybe")
    tight = ERMInstance(t.network, t.samples, 0, t.bit_bound - 10)
    res = solve_pinned(tight)
    assert not res.decision and "bit bound" in res.explanation


def test_lift_and_back() -> None:
    red = BitslpToErm()
    q = BitQuery(SLP(1, [("+", 0, 0), ("*", 1, 1)]), 2)  # 4
    t = red.forward(q)
    assert list(red.source_solutions(q, SolverOracles())) == [True]
    wit = red.lift(q, t, True)
    assert red.is_target_solution(t, wit) and red.back(q, t, wit) is True
    assert list(red.source_solutions(BitQuery(q.slp, 1), SolverOracles())) == []


# ---------------------------------------------------------------- #SAT via ERM


@FEW
@given(cnfs(max_vars=3, max_clauses=2, max_width=2))
def test_count_via_erm_is_brute_force_z2(cnf: CNF) -> None:
    res = count_via_erm(cnf)
    assert res.count == brute_count(cnf)
    assert res.instances == len(res.bits) and res.seconds >= 0


@pytest.mark.parametrize("sigma", SIGMAS)
@pytest.mark.parametrize(
    "cnf", [CNF(2, ((1, 2),)), CNF(2, ((1, -2), (-1,))), CNF(3, ((1, 2), (-1, 3)))]
)
def test_count_via_erm_several_sigma(cnf: CNF, sigma: str) -> None:
    res = count_via_erm(cnf, sigma)
    assert res.count == brute_count(cnf)
    assert sum(b << r for r, b in enumerate(res.bits)) == res.count


@pytest.mark.slow
@pytest.mark.parametrize("sigma", SIGMAS)
def test_count_via_erm_bigger(sigma: str) -> None:
    cnf = CNF(4, ((1, -2, 3), (2, 4), (-1, -3)))
    res = count_via_erm(cnf, sigma)
    assert res.count == brute_count(cnf) == 7 and res.max_value_bits > 1000


def test_count_via_erm_degenerate() -> None:
    assert count_via_erm(CNF(2, ())).count == 4
    assert count_via_erm(CNF(2, ((),))).count == 0
    assert count_via_erm(CNF(0, ())).count == 1
    assert exact.Q(count_via_erm(CNF(1, ((1,), (-1,)))).count) == 0
