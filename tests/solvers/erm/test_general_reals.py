"""The real relaxation of the general solver: sound against enumeration, its certificates
re-checked, and its limits."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ermbit.cnf import CNF
from ermbit.exact import Q
from ermbit.instances.cnf_families import random_kcnf
from ermbit.network.activations import PiecewiseLinear
from ermbit.network.erm import ERMInstance, Loss, Sample
from ermbit.network.model import Edge, Network
from ermbit.reductions import get
from ermbit.solvers.erm import _general_reals as reals
from ermbit.solvers.erm import general
from ermbit.solvers.erm._general_enum import enumerate_domain
from ermbit.solvers.erm._general_model import compile_instance
from ermbit.solvers.erm._general_search import Stopped
from ermbit.solvers.erm.general import solve_general
from ermbit.solvers.lp.linear import Constraint

SMALL = st.sampled_from([Q(0), Q(1), Q(-1), Q(2), Q(1, 2)])
LEAKY = PiecewiseLinear((Q(0),), (Q(1, 2), Q(1)), (Q(0), Q(0)))  # positively homogeneous
PL_ACTS = st.sampled_from(["id", "relu", PiecewiseLinear((Q(1),), (Q(1), Q(-1)), (Q(0), Q(2)))])


def _never(*_: Any) -> None:
    raise AssertionError("no deadline was set")


def _check(inst: ERMInstance, **kw: Any) -> reals.RealCheck:
    comp = compile_instance(inst)
    assert reals.applies(comp) is None
    return reals.real_check(comp, None, _never, **kw)


@st.composite
def first_layer_fits(draw: Any) -> ERMInstance:
    """Inputs → PL hidden nodes (trainable in-edges) → a PL output through a frozen
    layer, or through a trainable one from positively homogeneous hidden units; loss 0."""
    two_in, two_hidden, train_out = draw(st.booleans()), draw(st.booleans()), draw(st.booleans())
    ins = ["x1", "x2"] if two_in else ["x1"]
    hid = ["h1", "h2"] if two_hidden and not two_in and not train_out else ["h1"]
    acts = st.sampled_from(["id", "relu", LEAKY]) if train_out else PL_ACTS
    nodes: dict[str, Any] = {x: "id" for x in ins}
    nodes.update({h: draw(acts) for h in hid})
    nodes["y"] = draw(PL_ACTS)
    edges = [Edge(x, h, 0, 0) for x in ins for h in hid]
    if train_out:
        edges += [Edge(h, "y", 0, 0) for h in hid]
    else:
        edges += [Edge(h, "y", draw(SMALL), draw(SMALL), frozen=True) for h in hid]
    net = Network.from_specs(nodes, edges, ["y"])
    kind = draw(st.sampled_from(["squared", "exact", "hinge"]))
    samples = [
        Sample.of(
            {x: draw(st.integers(-2, 2)) for x in ins},
            {"y": draw(st.sampled_from([Q(0), Q(1), Q(-1), Q(2)]))},
            Loss(kind),
        )
        for _ in range(draw(st.integers(1, 4)))
    ]
    trainable = sum(not e.frozen for e in edges)
    return ERMInstance(net, tuple(samples), 0, 4 * trainable + draw(st.integers(0, 2)))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first_layer_fits())
def test_a_refuted_relaxation_leaves_no_short_theta(inst: ERMInstance) -> None:
    """Soundness: "infeasible over ℝ" never hides a θ the enumeration finds, and any θ
    the enumeration finds makes the relaxation feasible."""
    check = _check(inst)
    event(check.status)
    event("output weights scaled" if check.sign_choices > 1 else "no unit scaled")
    truth = enumerate_domain(inst)
    if check.status == "infeasible":
        assert truth.decision is False
        got = solve_general(inst)  # the search may finish before the relaxation's turn
        assert got.decision is False
        assert got.details["proof"] in ("infeasible-over-reals", "exhausted", "below-least-enc")
    if truth.decision:
        assert check.status == "feasible"
    if check.status == "feasible":  # a rounded point is a witness only within β
        relax = reals.Relaxation(compile_instance(inst), None, _never)
        relax.advance(lps=reals.LP_CAP)
        got = general._round(compile_instance(inst), relax, inst.bit_bound)
        event("rounded within β" if got is not None else "rounding missed")
        if got is not None:
            ev = inst.evaluate(got[0])
            assert truth.decision and ev.accepted and got[1] == ev.enc_bits <= inst.bit_bound
            assert got[1] >= truth.least_enc


def _relu2(cnf: CNF) -> ERMInstance:
    inst: ERMInstance = get("sat-to-relu2").forward(cnf).instance
    return inst


def test_the_unsatisfiable_relu2_data_set_has_no_real_fit() -> None:
    """x1 ∧ ¬x1: no split of the set-splitting instance, so (Thm 1.4, back map for any
    real θ) no real θ fits the data set: NO at every β, and in a fraction of a second."""
    no = solve_general(_relu2(CNF(1, ((1,), (-1,)))), min_bits=True)
    assert no.decision is False and no.details["proof"] == "infeasible-over-reals"
    assert no.details["min_bits"] is None and "Farkas" in no.explanation
    assert no.details["relaxation"]["real_refuted"] > 0
    yes = _check(_relu2(CNF(1, ((1,),))))
    assert yes.status == "feasible" and yes.patterns


def test_where_it_does_not_apply_it_says_why() -> None:
    base = _relu2(CNF(1, ((1,),)))
    net = base.network
    assert reals.applies(compile_instance(ERMInstance(net, base.samples, 1, 40))) is not None
    bit = (Sample.of({}, {"y": 1}, Loss("bit", 0, "y")),)
    assert "bit loss" in str(reals.applies(compile_instance(ERMInstance(net, bit, 0, 40))))
    square = Network.from_specs(
        {"x": "id", "h": "z**2", "y": "id"}, [("x", "h", 0, 0), Edge("h", "y", 1, 0, True)], ["y"]
    )
    one = (Sample.of({"x": 1}, {"y": 1}),)
    why = reals.applies(compile_instance(ERMInstance(square, one, 0, 8)))
    assert why is not None and "not piecewise linear" in why
    # h's out-weight to g cannot be scaled into h: h also feeds y through a frozen edge
    deep = Network.from_specs(
        {"x": "id", "h": "relu", "g": "relu", "y": "id"},
        [
            ("x", "h", 0, 0),
            ("h", "g", 0, 0),
            Edge("g", "y", 1, 0, True),
            Edge("h", "y", 1, 0, True),
        ],
        ["y"],
    )
    why = reals.applies(compile_instance(ERMInstance(deep, one, 0, 16)))
    assert why is not None and "θ-dependent" in why
    # nor when h's activation is not positively homogeneous
    shifted = Network.from_specs(
        {"x": "id", "h": PiecewiseLinear((Q(1),), (Q(0), Q(1)), (Q(0), Q(-1))), "y": "id"},
        [("x", "h", 0, 0), ("h", "y", 0, 0)],
        ["y"],
    )
    why = reals.applies(compile_instance(ERMInstance(shifted, one, 0, 16)))
    assert why is not None and "θ-dependent" in why


def test_hinge_margins_that_contradict_are_refuted() -> None:
    net = Network.from_specs({"x": "id", "y": "id"}, [("x", "y", 0, 0)], ["y"])
    both = (Sample.of({"x": 1}, {"y": 1}, "hinge"), Sample.of({"x": 1}, {"y": -1}, "hinge"))
    res = solve_general(ERMInstance(net, both, 0, 30))
    assert res.decision is False and res.details["proof"] == "infeasible-over-reals"


def test_certificates_are_rechecked() -> None:
    rows = [({"x": Q(1)}, "<", Q(0)), ({"x": Q(1)}, ">=", Q(0))]
    assert reals._refutes(rows, (Q(1), Q(-1)))
    assert not reals._refutes(rows, (Q(-1), Q(1)))  # wrong signs
    assert not reals._refutes(rows, (Q(1), Q(0)))  # Σ y·a ≠ 0
    assert not reals._refutes([({"x": Q(1)}, "<=", Q(0)), ({"x": Q(1)}, ">=", Q(0))], (1, -1))


def test_a_wrong_certificate_from_the_lp_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    real_feasible = reals.feasible

    def lying(cons: list[Constraint]) -> Any:
        res = real_feasible(cons)
        if res.status == "infeasible":
            return res
        from ermbit.solvers.lp.linear import LPResult

        return LPResult("infeasible", certificate=tuple(Q(0) for _ in cons))

    monkeypatch.setattr(reals, "feasible", lying)
    with pytest.raises(AssertionError, match="certificate"):
        _check(_relu2(CNF(1, ((1,),))))


def test_past_its_lp_cap_it_gives_up_and_the_search_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inst = _relu2(CNF(1, ((1,), (-1,))))
    assert _check(inst, lp_cap=3).status == "gave-up"
    monkeypatch.setattr(reals, "LP_CAP", 3)
    res = solve_general(inst, time_limit=2)
    assert res.decision is None and res.details["relaxation"]["real_status"] == "gave-up"
    assert res.details["relaxation"]["real_lps"] == 3  # LP_CAP in all, then no more turns


def test_relaxation_and_search_take_turns(monkeypatch: pytest.MonkeyPatch) -> None:
    """While the relaxation gives up, it and the search take turns of doubling length,
    and the search keeps its place: the same answer as the search alone."""
    from ermbit.instances.training import training

    inst = training("xor-relu-2-below")  # the relaxation is feasible, but not within β
    alone = solve_general(inst)  # NO after some 23,000 choices
    monkeypatch.setattr(general, "FIRST_TURN", 0.001)
    turns: list[float] = []

    class GivingUp:
        def __init__(self, *_: Any) -> None:
            self.check = reals.RealCheck("gave-up")

        def advance(self, seconds: float, lps: int) -> reals.RealCheck:
            turns.append(seconds)
            self.check.lps += 1
            return self.check

    monkeypatch.setattr(general, "Relaxation", GivingUp)
    res = solve_general(inst)
    assert res.decision is alone.decision is False and res.details["proof"] == "exhausted"
    # a turn that ends mid-subtree is redone, but the memo of finished ones is kept
    once, again = alone.details["statistics"]["choices"], res.details["statistics"]["choices"]
    assert once <= again <= 3 * once
    assert len(turns) >= 3 and all(b == 2 * a for a, b in itertools.pairwise(turns))
    monkeypatch.setattr(general, "Relaxation", reals.Relaxation)
    quick = solve_general(_relu2(CNF(1, ((1,), (-1,)))))
    # turns of 1, 2, 4, … ms, each resuming the last, until every branch is refuted
    assert quick.decision is False and quick.details["proof"] == "infeasible-over-reals"
    assert (
        quick.details["relaxation"]["real_lps"]
        == reals.real_check(compile_instance(_relu2(CNF(1, ((1,), (-1,))))), None, _never).lps
    )  # resumed turns solve the same LPs as one long run


def test_its_time_counts_against_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    comp = compile_instance(_relu2(CNF(1, ((1,), (-1,)))))

    def stop() -> None:
        raise Stopped("time limit reached")

    with pytest.raises(Stopped):
        reals.real_check(comp, 0.0, stop)
    monkeypatch.setattr(general, "FIRST_TURN", 0)
    res = solve_general(comp.inst, time_limit=0)
    assert res.decision is None and "time limit" in res.explanation
    assert "relaxation" not in res.details  # stopped before it could answer


def test_refutations_that_skip_a_sample_jump_over_it() -> None:
    """Choices on sample 2 clash with sample 0's only: after they all fail, sample 1's
    other choice is not tried (it would meet the same refuted rows)."""
    x, y = {"x": Q(1)}, {"y": Q(1)}
    per = [
        [[(x, "<=", Q(0))], [(x, ">=", Q(10))]],
        [[(y, "<=", Q(0))], [(y, ">=", Q(1))]],
        [[(x, ">=", Q(1)), (x, "<=", Q(2))], [(x, ">=", Q(3)), (x, "<=", Q(4))]],
    ]
    relax = reals.Relaxation(compile_instance(_relu2(CNF(1, ((1,),)))), None, _never)
    steps = relax._branch(per, 0, [], [])
    try:
        while True:
            next(steps)
    except StopIteration as done:
        found, conflict = done.value
    assert found is False and conflict == set()
    # 0: x ≤ 0; 1: y ≤ 0; 2: both refuted → back to 0: x ≥ 10; 1: y ≤ 0; 2: both refuted.
    # Without the jumps, y ≥ 1 would be tried under each choice of x too: 14 LPs.
    assert relax.check.lps == 8 and relax.check.refuted == 4


def test_a_feasible_relu2_branch_rounds_to_a_witness() -> None:
    """x1: the relaxation's feasible branch, its coordinates fixed to short rationals one
    at a time, is a zero-loss θ within β -- where the finite search took a minute."""
    inst = _relu2(CNF(1, ((1,),)))
    res = solve_general(inst, time_limit=60)
    assert res.decision is True and "rounding a real fit" in res.explanation
    ev = inst.evaluate(res.witness)
    assert ev.accepted and ev.loss == 0 and ev.enc_bits == res.enc_bits <= inst.bit_bound


def test_a_rounded_witness_keeps_min_bits_proved(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rounded witness of enc e answers β' = e, so the search only has to refute
    the β' < e; the least bit bound found is the one the search alone finds."""
    inst = get("sat-to-relu").forward(random_kcnf(6, 18, 3, seed=1)).instance
    alone = solve_general(inst, min_bits=True)
    plain = solve_general(inst)  # a witness, not necessarily of least enc
    enc = inst.evaluate(plain.witness).enc_bits
    assert alone.details["min_bits"] <= enc

    class Feasible:
        def __init__(self, *_: Any) -> None:
            self.check = reals.RealCheck("feasible")

        def advance(self, seconds: float, lps: int) -> reals.RealCheck:
            return self.check

    monkeypatch.setattr(general, "FIRST_TURN", 0)
    monkeypatch.setattr(general, "Relaxation", Feasible)
    monkeypatch.setattr(general, "_round", lambda *_: (plain.witness, enc))
    res = solve_general(inst, min_bits=True)
    assert res.decision is True and res.details["min_bits"] == alone.details["min_bits"]
    assert inst.evaluate(res.witness).enc_bits == res.details["min_bits"]


def test_trainable_output_weights_of_relu_units_scale_into_them() -> None:
    """XOR on 2-2-1 ReLU, every edge trainable: over ℝ each out-weight is ±1 times a
    scale absorbed by the unit; one unit is refuted for both signs, two units round to a
    witness of the least size, 30 bits (the catalogue's proved minimum)."""
    from ermbit.instances.training import training

    one = solve_general(training("xor-relu-1"), time_limit=60)
    assert one.decision is False and one.details["proof"] in ("infeasible-over-reals", "exhausted")
    comp = compile_instance(training("xor-relu-1"))
    relax = reals.Relaxation(comp, None, _never)
    assert relax.advance(lps=reals.LP_CAP).status == "infeasible"
    assert relax.check.sign_choices == 2
    two = compile_instance(training("xor-relu-2"))
    relax = reals.Relaxation(two, None, _never)
    assert relax.advance(lps=reals.LP_CAP).status == "feasible"
    got = general._round(two, relax, 30)
    assert got is not None and got[1] == 30 and two.inst.evaluate(got[0]).accepted
    assert {abs(got[0].as_dict()[h, "y"][0]) for h in ("h0", "h1")} == {Q(1)}


@pytest.mark.slow
def test_swapping_interchangeable_units_skips_mirrored_signs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Parity-3 on two ReLU units: (+, −) and (−, +) are one choice up to swapping the
    units, so 3 sign choices are refuted instead of 4, with the same answer."""
    from ermbit.instances.training import training

    comp = compile_instance(training("par3-relu-2"))
    fast = reals.Relaxation(comp, None, _never).advance(lps=reals.LP_CAP)
    monkeypatch.setattr(reals, "mirrored", lambda *_: False)
    full = reals.Relaxation(comp, None, _never).advance(lps=reals.LP_CAP)
    assert fast.status == full.status == "infeasible"
    assert (fast.sign_choices, full.sign_choices) == (3, 4) and fast.lps < full.lps


def test_a_sample_with_too_many_piece_choices_stops_it_for_good(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reals, "SAMPLE_LPS", 2)
    relax = reals.Relaxation(compile_instance(_relu2(CNF(1, ((1,), (-1,))))), None, _never)
    check = relax.advance(lps=100)
    assert check.status == "gave-up" and "more than 2 LPs" in check.stopped
    assert relax.advance(lps=100).lps == check.lps == 3  # no more turns are taken
    from ermbit.instances.training import training

    monkeypatch.setattr(general, "FIRST_TURN", 0.001)
    res = solve_general(training("xor-relu-2-below"))  # the search alone answers
    assert res.decision is False and res.details["proof"] == "exhausted"
    assert "real_stopped" in res.details["relaxation"]


def test_many_kinks_per_sample_leave_it_to_the_search() -> None:
    """SAT → ReLU puts every gadget in one sample: 25 kinked nodes for 3 variables."""
    inst = get("sat-to-relu").forward(random_kcnf(3, 13, 3, seed=3)).instance
    why = reals.applies(compile_instance(inst))
    assert why is not None and "25 θ-dependent piecewise nodes" in why
    assert reals.applies(compile_instance(_relu2(random_kcnf(5, 21, 3, seed=5)))) is None


def test_progress_is_reported_during_the_relaxation_turns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ermbit.instances.training import training

    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(general, "FIRST_TURN", 0.001)
    res = solve_general(training("par3-relu-2"), progress=seen.append)
    assert res.decision is False
    during = [s for s in seen if "real_lps" in s]
    assert during and all({"beta", "choices", "real_status"} <= set(s) for s in during)
    assert during[-1]["real_lps"] > during[0]["real_lps"]


def test_a_rounded_bias_sum_past_the_split_table_goes_on_one_edge() -> None:
    """Two trainable edges into y and a rounded bias sum of size 24: tabulating its
    cheapest split is over budget, so it is put on one edge instead of escaping as
    BudgetExceeded from the relaxation's turn."""
    net = Network.from_specs(
        {"x1": "id", "x2": "id", "y": "id"}, [("x1", "y", 0, 0), ("x2", "y", 0, 0)], ["y"]
    )
    inst = ERMInstance(net, (Sample.of({"x1": 1}, {"y": 1}),), 0, 60)
    comp = compile_instance(inst)
    y = next(i for i, info in enumerate(comp.nodes) if info.name == "y")
    big = Q(-1000001, 3)
    wit = general._theta(comp, {y: ((Q(1), Q(0)), big)})
    biases = sorted((b for _, b in wit.as_dict().values()), key=abs)
    assert biases == [Q(0), big]
