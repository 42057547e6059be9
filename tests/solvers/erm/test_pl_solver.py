"""Tests of the exact piecewise-linear ERM_bit solver (ermbit.solvers.erm.pattern).

Ground truth on tiny instances is brute force: every θ on a small grid of values for each
free weight and bias, evaluated by :meth:`ERMInstance.loss` (the model's own exact forward
pass, which shares nothing with the solver's symbolic one).  A grid is only a subset of
ℚ, so the checks are one-sided where they must be: a grid point of loss 0 forces "yes",
"no" forces an empty grid, and a planted θ* on the grid forces "yes".
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ermbit.errors import InputError
from ermbit.exact import Q, enc
from ermbit.network.activations import PiecewiseLinear
from ermbit.network.erm import ERMInstance, Sample
from ermbit.network.model import Network, NetworkBuilder
from ermbit.reductions.pinning import pin_instance
from ermbit.solvers.erm.pattern import solve_pl
from tests.profiles import examples

GRID = (-2, -1, 0, 1, 2)
SETTINGS = examples(40)


def brute(inst: ERMInstance, grid: tuple[int, ...] = GRID) -> list[dict[Any, Any]]:
    """Every grid θ (each free w and b in ``grid``) with loss ≤ γ and enc ≤ β."""
    free = inst.network.free_edges()
    out = []
    for values in itertools.product(grid, repeat=2 * len(free)):
        theta = {e: (values[2 * k], values[2 * k + 1]) for k, e in enumerate(free)}
        if enc(theta) <= inst.bit_bound and inst.loss(theta) <= inst.gamma:
            out.append(theta)
    return out


def _net(hidden: int, out_w: list[int], out_b: int, out_act: Any) -> Network:
    """x -> h_j (trainable) -> ReLU r_j -> o = Σ out_w[j]·r_j + out_b -> y = out_act(o)."""
    nb = NetworkBuilder()
    nb.add_node("x")
    nb.add_node("o")
    nb.add_node("y", out_act)
    for j in range(hidden):
        nb.add_node(f"h{j}")
        nb.add_node(f"r{j}", "relu")
        nb.add_edge("x", f"h{j}")
        nb.add_edge(f"h{j}", f"r{j}", frozen=True)
        nb.add_edge(f"r{j}", "o", out_w[j], out_b if j == 0 else 0, frozen=True)
    nb.add_edge("o", "y", frozen=True)
    return nb.build(["y"])


_OUT_ACTS = st.sampled_from(["id", "relu", PiecewiseLinear((0, 1), (0, 1, 0), (0, 0, 1))])


@st.composite
def tiny(draw: Any, planted: bool) -> tuple[ERMInstance, dict[Any, Any] | None]:
    hidden = draw(st.integers(1, 2))
    out_w = draw(st.lists(st.sampled_from([-1, 1, 2]), min_size=hidden, max_size=hidden))
    net = _net(hidden, out_w, draw(st.integers(-1, 1)), draw(_OUT_ACTS))
    xs = draw(st.lists(st.integers(-2, 2), min_size=1, max_size=3, unique=True))
    star = None
    if planted:
        free = net.free_edges()
        star = {e: (draw(st.sampled_from(GRID)), draw(st.sampled_from(GRID))) for e in free}
        ys = [net.forward({"x": x}, star).output[0] for x in xs]
    else:
        ys = [Q(draw(st.integers(-1, 2))) for _ in xs]
    loss = draw(st.sampled_from(["squared", "exact", "half_squared"]))
    samples = tuple(Sample.of({"x": x}, {"y": y}, loss) for x, y in zip(xs, ys, strict=True))
    return ERMInstance(net, samples, 0, 200), star


@SETTINGS
@given(tiny(planted=True))
def test_planted_instances_are_solved(case: tuple[ERMInstance, Any]) -> None:
    inst, star = case
    assert inst.accepts(star)  # the planted θ* fits, so the answer is yes
    res = solve_pl(inst)
    assert res.decision is True and not res.details["exhausted"]
    assert res.witness is not None and inst.accepts(res.witness)
    assert res.loss == 0 and res.enc_bits == res.witness.enc() <= inst.bit_bound


@examples(30)
@given(tiny(planted=False))
def test_agrees_with_brute_force_on_a_grid(case: tuple[ERMInstance, Any]) -> None:
    inst, _ = case
    res = solve_pl(inst)
    found = brute(inst)
    assert res.decision is not None
    if found:
        assert res.decision is True
    if res.decision is False:
        assert res.details["exhausted"] and not found and res.witness is None
    else:
        assert inst.accepts(res.witness)


def test_xor_needs_more_than_one_hidden_unit() -> None:
    # y = |x| on {-1, 0, 1} is not ReLU(w x + b): w + b = 1, -w + b = 1 gives w = 0, b = 1
    net = _net(1, [1], 0, "id")
    samples = tuple(Sample.of({"x": x}, {"y": abs(x)}) for x in (-1, 0, 1))
    res = solve_pl(ERMInstance(net, samples, 0, 200))
    assert res.decision is False and res.details["exhausted"] and res.details["lp_calls"] > 0
    net2 = _net(2, [1, 1], 0, "id")
    res2 = solve_pl(ERMInstance(net2, samples, 0, 200))
    assert res2.decision is True
    assert ERMInstance(net2, samples, 0, 200).accepts(res2.witness)


def test_pinned_form_gives_the_same_answers() -> None:
    net = _net(2, [1, 1], 0, "id")
    for labels, answer in (((1, 0, 1), True), ((1, 2, 1), False)):
        samples = tuple(
            Sample.of({"x": x}, {"y": y}) for x, y in zip((-1, 0, 1), labels, strict=True)
        )
        frozen = ERMInstance(net, samples, 0, 200)
        pinned = pin_instance(frozen)
        assert not pinned.network.frozen_edges()
        for inst in (frozen, pinned):
            res = solve_pl(inst)
            assert res.decision is answer
            if answer:
                assert inst.accepts(res.witness)
        assert brute(frozen, (-1, 0, 1)) != [] or not answer


def test_hinge_labels_are_linear() -> None:
    net = _net(1, [1], -1, "id")  # y = ReLU(w x + b) - 1
    samples = (Sample.of({"x": 1}, {"y": 1}, "hinge"), Sample.of({"x": -1}, {"y": -1}, "hinge"))
    res = solve_pl(ERMInstance(net, samples, 0, 200))
    assert res.decision is True
    assert ERMInstance(net, samples, 0, 200).loss(res.witness) == 0


def test_bit_bound_floor_and_negative_gamma() -> None:
    net = _net(2, [1, 1], 0, "id")
    samples = (Sample.of({"x": 1}, {"y": 1}),)
    res = solve_pl(ERMInstance(net, samples, 0, 7))  # two free edges need >= 8 bits
    assert (
        res.decision is False
        and res.details["exhausted"]
        and "4·|trainable edges|" in res.explanation
    )
    assert solve_pl(ERMInstance(net, samples, -1, 200)).decision is False


def test_long_points_leave_the_instance_undecided() -> None:
    # y = x·w + b with x = 1 and y = 1000: w + b = 1000 needs enc >= 14 > β = 13
    nb = NetworkBuilder()
    nb.add_node("x")
    nb.add_node("y")
    nb.add_edge("x", "y")
    inst = ERMInstance(nb.build(["y"]), (Sample.of({"x": 1}, {"y": 1000}),), 0, 13)
    res = solve_pl(inst)
    assert res.decision is None and not res.details["exhausted"]
    assert "enc ≤ β" in res.explanation and res.details["stats"]["inadmissible_points"] == 1
    ok = solve_pl(ERMInstance(inst.network, inst.samples, 0, 14))
    assert ok.decision is True and ok.enc_bits == 14


def test_limits_give_no_answer() -> None:
    net = _net(2, [1, 1], 0, "id")
    samples = tuple(Sample.of({"x": x}, {"y": abs(x)}) for x in (-1, 0, 1))
    res = solve_pl(ERMInstance(net, samples, 0, 200), max_patterns=0)
    assert res.decision is None and not res.details["exhausted"] and "limit" in res.explanation


def test_unsupported_instances_are_refused() -> None:
    net = _net(1, [1], 0, "id")
    s = (Sample.of({"x": 1}, {"y": 1}),)
    with pytest.raises(InputError, match="bit loss"):
        solve_pl(ERMInstance(net, (Sample.of({"x": 1}, {"y": 1}, {"bit": 0, "node": "y"}),), 0, 99))
    with pytest.raises(InputError, match="allows samples to be missed"):
        solve_pl(ERMInstance(net, s, "1/2", 99))
    sq = Network.from_specs({"x": "id", "y": "z**2"}, [("x", "y", 1, 0)], ["y"])
    with pytest.raises(InputError, match="not piecewise linear"):
        solve_pl(ERMInstance(sq, s, 0, 99))
    deep = Network.from_specs(
        {"x": "id", "h": "id", "y": "id"}, [("x", "h", 1, 0), ("h", "y", 1, 0)], ["y"]
    )
    with pytest.raises(InputError, match="h->y"):
        solve_pl(ERMInstance(deep, s, 0, 99))


def test_exact_losses_with_gamma_below_every_repeat() -> None:
    net = _net(1, [1], 0, "id")
    samples = (Sample.of({"x": 1}, {"y": 2}, "exact", 3), Sample.of({"x": 0}, {"y": 1}, "exact", 3))
    res = solve_pl(ERMInstance(net, samples, 2, 200))
    assert res.decision is True and res.witness is not None
    assert ERMInstance(net, samples, 0, 200).loss(res.witness) == 0


def test_result_json_and_summary() -> None:
    net = _net(1, [1], 0, "id")
    res = solve_pl(ERMInstance(net, (Sample.of({"x": 1}, {"y": 2}),), 0, 200))
    js = res.to_json()
    assert js["decision"] is True and js["loss"] == "0" and js["witness"]["x->h0"]["w"]
    assert set(js) >= {"patterns_tried", "lp_calls", "learned_clauses", "exhausted", "seconds"}
    assert js["solver"] == "pl-pattern-search" and js["stats"]["branches"] == 1
    assert res.summary().startswith("decision  YES")
