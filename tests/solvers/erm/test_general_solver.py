"""The general exact ERM_bit solver against plain enumeration of the finite domain."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ermbit.errors import InputError, InputTypeError
from ermbit.exact import Q, size
from ermbit.network.activations import PiecewiseLinear, Polynomial
from ermbit.network.erm import ERMInstance, Loss, Sample
from ermbit.network.model import Edge, Network
from ermbit.solvers.erm._general_enum import enumerate_domain, rationals_of_size
from ermbit.solvers.erm._general_rationals import BiasSums, of_size
from ermbit.solvers.erm.general import solve_general

SMALL = st.sampled_from([Q(0), Q(1), Q(-1), Q(2), Q(1, 2), Q(-3, 2)])
ACTS = st.sampled_from(
    [
        "id",
        "relu",
        "z**2",
        Polynomial((Q(1), Q(2))),
        PiecewiseLinear((Q(1),), (Q(1), Q(-1)), (Q(0), Q(2))),
    ]
)


@st.composite
def tiny_instances(draw: Any) -> ERMInstance:
    """1–2 inputs, an optional hidden node, one output; at most 2 trainable edges."""
    hidden = draw(st.booleans())
    two = draw(st.booleans())
    nodes: dict[str, Any] = {"x1": "id"}
    if two:
        nodes["x2"] = "id"
    srcs = list(nodes)
    if hidden:
        nodes["h"] = draw(ACTS)
    nodes["y"] = draw(ACTS)
    pairs = [(s, "h") for s in srcs] + [("h", "y")] if hidden else [(s, "y") for s in srcs]
    if hidden and draw(st.booleans()):
        pairs.append(("x1", "y"))
    trainable = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=2, unique=True))
    edges = [
        Edge(u, v, *((0, 0) if (u, v) in trainable else (draw(SMALL), draw(SMALL))))
        for u, v in pairs
    ]
    edges = [Edge(e.src, e.dst, e.w, e.b, frozen=e.key not in trainable) for e in edges]
    net = Network.from_specs(nodes, edges, ["y"])
    samples = []
    for _ in range(draw(st.integers(1, 3))):
        x = {s: draw(st.integers(-2, 2)) for s in srcs}
        if hidden and draw(st.integers(0, 4)) == 0:
            x["h"] = draw(st.integers(-1, 1))
        kind = draw(st.sampled_from(["squared", "half_squared", "hinge", "exact", "bit"]))
        loss = Loss("bit", draw(st.integers(-1, 1)), "y") if kind == "bit" else Loss(kind)
        y = {"y": draw(st.sampled_from([Q(0), Q(1), Q(-1), Q(2), Q(1, 2), Q(3)]))}
        samples.append(Sample.of(x, y, loss, draw(st.integers(1, 2))))
    gamma = draw(st.sampled_from([Q(0), Q(0), Q(1, 2), Q(1), Q(3)]))
    extra = draw(st.integers(0, 3 if len(trainable) == 1 else 2))
    beta = 4 * len(trainable) + extra + (2 if len(trainable) == 1 else 0)
    return ERMInstance(net, tuple(samples), gamma, beta)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_instances())
def test_general_solver_agrees_with_enumeration(inst: ERMInstance) -> None:
    truth = enumerate_domain(inst)
    got = solve_general(inst, min_bits=True)
    assert got.decision is truth.decision
    assert got.details["min_bits"] == truth.least_enc
    if got.decision:
        ev = inst.evaluate(got.witness)
        assert ev.accepted and ev.enc_bits == truth.least_enc
        plain = solve_general(inst)
        assert plain.decision is True and inst.evaluate(plain.witness).accepted
    else:
        proofs = ("exhausted", "below-least-enc", "infeasible-over-reals")
        assert got.witness is None and got.details["proof"] in proofs


def test_rational_lists_match_the_definition_of_size() -> None:
    for s in range(2, 10):
        assert sorted(of_size(s)) == list(rationals_of_size(s))
        assert all(size(q) == s for q in of_size(s))


def test_bias_sums_are_the_cheapest_splits() -> None:
    sums = BiasSums(2)
    best: dict[Any, int] = {}
    for a in (q for s in range(2, 8) for q in of_size(s)):
        for b in (q for s in range(2, 8) for q in of_size(s)):
            c = size(a) + size(b)
            if c <= 9:
                best[a + b] = min(best.get(a + b, 99), c)
    for value, cost in best.items():
        got = sums.cheapest(value, 9)
        assert got is not None and got[0] == cost and sum(got[1]) == value
    assert sums.cheapest(Q(8, 15), 9) == (9, (Q(1, 3), Q(1, 5)))  # cheaper than 8/15 + 0


def _xor(act: str, hidden: int, beta: int) -> ERMInstance:
    nodes = {"x1": "id", "x2": "id", **{f"h{i}": act for i in range(hidden)}, "y": "id"}
    edges = [(x, f"h{i}", 0, 0) for i in range(hidden) for x in ("x1", "x2")]
    edges += [(f"h{i}", "y", 0, 0) for i in range(hidden)]
    net = Network.from_specs(nodes, edges, ["y"])
    data = [Sample.of({"x1": a, "x2": b}, {"y": a ^ b}) for a in (0, 1) for b in (0, 1)]
    return ERMInstance(net, tuple(data), 0, beta)


def test_xor_relu_needs_two_hidden_units() -> None:
    one = solve_general(_xor("relu", 1, 18))  # the search or the relaxation, whichever ends first
    assert one.decision is False and one.details["proof"] in ("exhausted", "infeasible-over-reals")
    two = solve_general(_xor("relu", 2, 40), min_bits=True)
    assert two.decision is True and two.details["min_bits"] == 30
    assert _xor("relu", 2, 30).evaluate(two.witness).accepted
    assert solve_general(_xor("relu", 2, 29)).decision is False


def test_xor_one_square_unit_suffices() -> None:
    res = solve_general(_xor("z**2", 1, 40), min_bits=True)
    assert res.decision is True and res.details["min_bits"] == 15
    w = res.witness.as_dict()
    assert {w["x1", "h0"][0], w["x2", "h0"][0]} == {Q(1), Q(-1)}  # y = (x1 − x2)²
    assert solve_general(_xor("z**2", 1, 14)).decision is False


def _one_edge(beta: int) -> ERMInstance:
    net = Network.from_specs({"x": "id", "y": "id"}, [("x", "y", 0, 0)], ["y"])
    data = (Sample.of({"x": 1}, {"y": "7/3"}), Sample.of({"x": 2}, {"y": "11/3"}))
    return ERMInstance(net, data, 0, beta)  # only y = (4/3)x + 1: 6 + 3 bits


def test_fit_needing_more_bits_than_beta_is_no() -> None:
    below = solve_general(_one_edge(8))
    assert below.decision is False and below.details["proof"] == "exhausted"
    at = solve_general(_one_edge(9))
    assert at.decision is True and at.witness.as_dict()["x", "y"] == (Q(4, 3), Q(1))
    assert enumerate_domain(_one_edge(8)).decision is False


def test_inconsistent_output_equations_are_infeasible_over_the_reals() -> None:
    net = Network.from_specs({"x": "id", "y": "id"}, [("x", "y", 0, 0)], ["y"])
    data = (Sample.of({"x": 1}, {"y": 1}), Sample.of({"x": 1}, {"y": 2}))
    res = solve_general(ERMInstance(net, data, 0, 50))
    assert res.decision is False and res.details["proof"] == "infeasible-over-reals"


def test_negative_gamma_is_no() -> None:
    inst = _one_edge(10)
    neg = ERMInstance(inst.network, inst.samples, Q(-1, 2), 10)
    res = solve_general(neg, min_bits=True)
    assert res.decision is False and res.details["min_bits"] is None
    assert enumerate_domain(neg).decision is False


def test_node_limit_gives_undecided_with_progress() -> None:
    seen: list[dict[str, Any]] = []
    res = solve_general(_xor("relu", 2, 29), node_limit=500, progress=seen.append)
    assert res.decision is None and res.witness is None
    assert "node limit 500" in res.details["stopped"]
    assert res.details["statistics"]["choices"] + res.details["statistics"]["linear_solves"] == 501
    assert all("choices" in p for p in seen)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(InputTypeError, match="instance"):
        solve_general("xor")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="time_limit"):
        solve_general(_one_edge(9), time_limit=-1)


PEER_CASES = ["fit-line", "fit-line-below", "fit-square-z2-1", "xor-relu-1", "fit-ramp-relu-1"]


@pytest.mark.parametrize("name", PEER_CASES)
@pytest.mark.parametrize("peer", ["z3", "ortools"])
def test_peers_agree_on_tiny_cases(name: str, peer: str) -> None:
    pytest.importorskip(peer)
    from ermbit.instances.training import training
    from ermbit.solvers.erm.peers import solve_cpsat, solve_z3

    inst = training(name)
    decision, witness = (solve_z3 if peer == "z3" else solve_cpsat)(inst, time_limit=30)
    assert decision is solve_general(inst).decision
    assert decision is not True or inst.evaluate(witness).accepted


def test_peer_encoding_refuses_what_it_cannot_say() -> None:
    pytest.importorskip("z3")
    from ermbit.instances.training import training
    from ermbit.solvers.erm.peers import solve_z3

    with pytest.raises(InputError, match="loss"):
        solve_z3(training("and-hinge-linear"))


@pytest.mark.parametrize("name", ["xor-z2-1", "xor-relu-1", "fit-ramp-relu-1", "and-relu-1"])
def test_tiny_caches_change_no_answer(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The memos and the sets of vectors seen are caches: emptied every two entries, the
    search repeats work but answers the same, minimum included."""
    from ermbit.instances.training import CATALOGUE
    from ermbit.solvers.erm import _general_search

    inst = CATALOGUE[name].instance()
    wide = solve_general(inst, min_bits=True)
    monkeypatch.setattr(_general_search, "CACHE_ENTRIES", 2)
    tight = solve_general(inst, min_bits=True)
    assert tight.decision is wide.decision
    assert tight.details["min_bits"] == wide.details["min_bits"]
    assert tight.details["statistics"]["memo_resets"] > 0
    assert wide.details["statistics"]["memo_resets"] == 0


def test_domain_size_of_a_large_instance_is_predicted_without_listing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """32 parameters at β = 96 need sizes up to 34: listing 2^32 rationals of one size
    ran the benchmark out of memory; above EXACT_SIZES the count is an upper bound."""
    from ermbit.solvers.erm import _general_enum as enum_module
    from ermbit.solvers.erm._general_enum import count_points

    assert count_points(32, 96) > 10**30
    exact = count_points(3, 14)
    monkeypatch.setattr(enum_module, "EXACT_SIZES", 2)  # the bound from size 3 on
    assert count_points(3, 14) >= exact
    assert enum_module._rationals_at_most(5) == 24 >= len(of_size(5)) == 20
