"""Tests of ermbit.network.model / ermbit.network.engine.passes against the reference.

Ground truth is :func:`tests.reference.naive`: the paper §2 formula with
:class:`fractions.Fraction` (one node at a time, no common denominators); derivatives by
its forward-mode dual numbers and by exact finite differences; none of it calls the code
under test beyond reading the network's fields.
"""

from __future__ import annotations

import contextlib
import itertools
import pickle
from collections.abc import Iterator
from fractions import Fraction
from typing import Any
from unittest import mock

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ermbit import formats
from ermbit.errors import BudgetExceeded, FormatError, InputError, InputTypeError
from ermbit.exact import Q, Z, parse, size
from ermbit.network.activations import Identity, PiecewiseLinear, Polynomial, ReLU
from ermbit.network.model import Edge, Network, NetworkBuilder
from ermbit.validate import DEFAULT_BUDGET_BITS
from tests.profiles import examples
from tests.reference import eps, fr, naive
from tests.strategies_net import networks, networks_with_inputs, rationals

F = Fraction
SETTINGS = examples(40)


def loss(vals: dict[str, Any], seed: dict[str, Fraction]) -> Any:
    return sum((c * vals[v] for v, c in seed.items()), F(0))


# ---------------------------------------------------------------- forward


@SETTINGS
@given(networks_with_inputs())
def test_forward_matches_naive(case: tuple[Network, dict[str, Fraction]]) -> None:
    net, x = case
    p = net.forward(x)
    pre, val = naive(net, x)
    assert {v: fr(q) for v, q in p.values.items()} == val
    assert {v: fr(q) for v, q in p.pre.items()} == pre
    assert tuple(map(fr, p.output)) == tuple(val[o] for o in net.outputs)
    for v in net.node_ids:
        assert p.sizes[v] == (size(parse(pre[v])), size(parse(val[v])))
    assert p.max_value_bits == max(max(s) for s in p.sizes.values())


@SETTINGS
@given(networks_with_inputs(), st.data())
def test_predict_bits_is_an_upper_bound(case: Any, data: Any) -> None:
    net, x = case
    p = net.forward(x)
    assert net.predict_bits(x) >= p.max_value_bits
    assert p.predicted_bits == net.predict_bits(x)
    seed = {o: data.draw(rationals(5, 4)) for o in net.outputs}
    g = net.backward(p, seed)
    assert g.predicted_bits is not None and g.predicted_bits >= g.max_bits


@SETTINGS
@given(networks_with_inputs(max_den=6), st.data())
def test_pooled_denominators_give_the_same_results(case: Any, data: Any) -> None:
    # with too many coprime denominators the plan pools them into one atom; force it
    net, x = case
    seed = {o: data.draw(rationals()) for o in net.outputs}
    with mock.patch("ermbit.network.engine.bits.MAX_BASIS", 0):
        pooled = net.with_theta({})  # a fresh plan cache
        p = pooled.forward(x)
        g = pooled.backward(p, seed)
    _, val = naive(net, x)
    assert {v: fr(q) for v, q in p.values.items()} == val
    for e in net.edges:
        _, dual = naive(net, x, dual=(e.key, "w"))
        assert fr(g.dw[e.key]) == eps(loss(dual, seed))
    assert p.predicted_bits is not None and p.predicted_bits >= p.max_value_bits
    assert g.predicted_bits is not None and g.predicted_bits >= g.max_bits


@pytest.mark.parametrize("k", [0, 3, 30])
def test_predict_bits_on_sums_of_equal_terms(k: int) -> None:
    # worst cases of the sum bounds: equal terms add log2(count) bits
    fan = 8
    nodes = [(f"s{i}", "id") for i in range(fan)] + [("v", "id"), ("t", "id")]
    edges = [Edge(f"s{i}", "v", 1, 0) for i in range(fan)] + [Edge("s0", "t", 1, 2**k)]
    net = Network(tuple(nodes), tuple(edges), ("v", "t"))
    x = {**{f"s{i}": 2**k for i in range(fan)}, "t": 2**k}
    p = net.forward(x)
    assert p.values["v"] == fan * 2**k and p.values["t"] == 3 * 2**k
    assert net.predict_bits(x) >= p.max_value_bits
    g = net.backward(p, {"v": 2**k, "t": 2**k})
    assert g.dw["s0", "v"] == 4**k and g.predicted_bits >= g.max_bits


@SETTINGS
@given(networks_with_inputs(), st.data())
def test_theta_override_matches_with_theta_and_naive(case: Any, data: Any) -> None:
    net, x = case
    all_keys = [e.key for e in net.edges]
    keys = data.draw(st.lists(st.sampled_from(all_keys), unique=True)) if all_keys else []
    theta = {k: (data.draw(rationals()), data.draw(rationals())) for k in keys}
    other = net.unfrozen().with_theta(theta)
    _, val = naive(net, x, theta)
    assert {v: fr(q) for v, q in other.forward(x).values.items()} == val
    assert {v: fr(q) for v, q in net.unfrozen().forward(x, theta).values.items()} == val
    assert net.unfrozen().forward(x, theta).theta == other.theta()


@SETTINGS
@given(networks(), st.data())
def test_batch_equals_single_passes(net: Network, data: Any) -> None:
    xs = [
        {v: data.draw(rationals(4, 5)) for v in data.draw(st.lists(st.sampled_from(net.node_ids)))}
        for _ in range(3)
    ]
    seeds = [{o: data.draw(rationals()) for o in net.outputs} for _ in xs]
    batch = net.forward_batch(xs)
    singles = [net.forward(x) for x in xs]
    assert [p.values for p in batch] == [p.values for p in singles]
    g = net.backward_batch(batch, seeds)
    parts = [net.backward(p, s) for p, s in zip(singles, seeds, strict=True)]
    assert g.dw == {k: sum((h.dw[k] for h in parts), Q(0)) for k in g.dw}
    assert g.db == {k: sum((h.db[k] for h in parts), Q(0)) for k in g.db}
    assert g.num_samples == 3


# ---------------------------------------------------------------- backward


@SETTINGS
@given(networks_with_inputs(), st.data())
def test_reverse_mode_equals_forward_mode(case: Any, data: Any) -> None:
    net, x = case
    seed_nodes = data.draw(st.lists(st.sampled_from(net.node_ids), min_size=1, unique=True))
    seed = {v: data.draw(rationals(4, 3)) for v in seed_nodes}
    g = net.backward(net.forward(x), seed)
    for e in net.edges:
        for which, got in (("w", g.dw), ("b", g.db)):
            _, val = naive(net, x, dual=(e.key, which))
            assert fr(got[e.key]) == eps(loss(val, seed)), (e.key, which)
    for s in net.sources:
        _, val = naive(net, x, dual=("x", s))
        assert fr(g.errors[s]) == eps(loss(val, seed))
    for e in net.edges:
        assert g.errors[e.dst] == g.db[e.key]


def _shift(e: Edge, which: str, h: Fraction) -> tuple[Fraction, Fraction]:
    """(w, b) of edge ``e`` with ``h`` added to the weight or to the bias."""
    w, b = fr(e.w), fr(e.b)
    return (w + h, b) if which == "w" else (w, b + h)


def _h_degree(net: Network, key: Any, which: str) -> int:
    """Degree in h of every f^v(θ + h·e) for a polynomial network (an upper bound)."""
    deg: dict[str, int] = {}
    acts = dict(net.nodes)
    for v in net.topological_order():
        ins = net.in_edges(v)
        d = max(
            [deg[e.src] + (e.key == key and which == "w") for e in ins]
            + [int(e.key == key and which == "b") for e in ins],
            default=0,
        )
        deg[v] = d * acts[v].degree if acts[v].kind == "poly" else d
    return max(deg.values())


def _derivative_by_interpolation(f: Any, degree: int, step: Fraction) -> Fraction:
    """q(0) for q(h) = (f(h) - f(0))/h, a polynomial of degree < ``degree``, exactly
    from its values at h = step, 2·step, ..., degree·step (Lagrange at 0)."""
    hs = [step * j for j in range(1, degree + 1)]
    f0 = f(F(0))
    qs = [(f(h) - f0) / h for h in hs]
    total = F(0)
    for j, (hj, qj) in enumerate(zip(hs, qs, strict=True)):
        coef = F(1)
        for m, hm in enumerate(hs):
            if m != j:
                coef *= (0 - hm) / (hj - hm)
        total += qj * coef
    return total


@examples(30)
@given(networks_with_inputs(kinds=("id", "poly"), max_degree=2, max_nodes=5, max_den=2), st.data())
def test_exact_finite_differences_polynomial(case: Any, data: Any) -> None:
    net, x = case
    seed = {o: data.draw(rationals()) for o in net.outputs}
    g = net.backward(net.forward(x), seed)
    for e in net.edges:
        for which, got in (("w", g.dw), ("b", g.db)):

            def f(h: Fraction, e: Edge = e, which: str = which) -> Fraction:
                return loss(naive(net, x, {e.key: _shift(e, which, h)})[1], seed)

            deg = _h_degree(net, e.key, which)
            expected = _derivative_by_interpolation(f, deg, F(1)) if deg else F(0)
            assert fr(got[e.key]) == expected


def test_finite_difference_quotients_converge() -> None:
    # σ = z³ + z on a chain: the difference quotient's error shrinks like h
    net = Network(
        (("s", "id"), ("a", "z**3 + z"), ("b", "z**2")),
        (Edge("s", "a", "1/2", "1"), Edge("a", "b", "-1", "1/3")),
        ("b",),
    )
    x = {"s": 2}
    g = fr(net.backward(net.forward(x), {"b": 1}).dw["s", "a"])
    base = fr(net.forward(x).output[0])
    errors = []
    for k in (2, 4, 6, 8):
        h = F(1, 10**k)
        moved = fr(net.forward(x, {("s", "a"): (F(1, 2) + h, 1)}).output[0])
        errors.append(abs((moved - base) / h - g))
    assert all(b < a / 50 for a, b in itertools.pairwise(errors))


def _pattern(net: Network, pre: dict[str, Fraction]) -> tuple[Any, ...] | None:
    """Piece of every kinked node, or None if a pre-activation sits on a kink."""
    out = []
    for v, act in net.nodes:
        if act.kind == "relu":
            ts = [F(0)]
        elif act.kind == "pl":
            ts = [fr(t) for t in act.breakpoints]
        else:
            continue
        if v in net.sources:
            continue
        if pre[v] in ts:
            return None
        out.append(sum(pre[v] > t for t in ts))
    return tuple(out)


@examples(40)
@given(networks_with_inputs(kinds=("id", "relu", "pl"), max_nodes=5), st.data())
def test_finite_differences_piecewise_linear_away_from_kinks(case: Any, data: Any) -> None:
    net, x = case
    seed = {o: data.draw(rationals()) for o in net.outputs}
    pre0, _ = naive(net, x)
    pattern = _pattern(net, pre0)
    assume(pattern is not None)  # on a kink the two one-sided derivatives may differ
    g = net.backward(net.forward(x), seed)
    step = F(1, 10**40)
    for e in net.edges:
        for which, got in (("w", g.dw), ("b", g.db)):

            def f(h: Fraction, e: Edge = e, which: str = which) -> Fraction:
                pre, val = naive(net, x, {e.key: _shift(e, which, h)})
                assert _pattern(net, pre) == pattern  # the steps stay off the kinks
                return loss(val, seed)

            deg = net.num_nodes  # affine pieces: degree in h at most the depth
            assert fr(got[e.key]) == _derivative_by_interpolation(f, deg, step)


def test_relu_derivative_at_zero_is_zero_and_pl_takes_left_slope() -> None:
    pl = PiecewiseLinear((0,), (3, 5), (0, 0))
    net = Network(
        (("s", "id"), ("r", "relu"), ("p", pl)),
        (Edge("s", "r", 1, -1), Edge("s", "p", 1, -1)),
        ("r", "p"),
    )
    g = net.backward(net.forward({"s": 1}), {"r": 1, "p": 1})  # both pre-activations are 0
    assert g.db["s", "r"] == 0 and g.db["s", "p"] == 3
    g = net.backward(net.forward({"s": 2}), {"r": 1, "p": 1})
    assert g.db["s", "r"] == 1 and g.db["s", "p"] == 5


# ---------------------------------------------------------------- the model's details


def test_inputs_at_hidden_nodes_and_bias_sums() -> None:
    net = Network(
        (("s", "id"), ("t", "id"), ("h", "relu"), ("o", "id")),
        (
            Edge("s", "h", 2, "1/2"),
            Edge("t", "h", -1, "1/3"),
            Edge("h", "o", 3, 0),
        ),
        ("o", "h"),
    )
    # pre_h = x_h + 2·1 + 1/2 - 1·4 + 1/3 = x_h - 7/6
    p = net.forward({"s": 1, "t": 4, "h": 2, "o": "1/7"})
    assert p.pre["h"] == Q(5, 6) and p.values["h"] == Q(5, 6)
    assert p.values["o"] == Q(1, 7) + 3 * Q(5, 6)
    merged = net.with_theta({("s", "h"): (2, "5/6"), ("t", "h"): (-1, 0)})
    assert merged.forward({"s": 1, "t": 4, "h": 2, "o": "1/7"}).values == p.values
    g = net.backward(p, {"o": 1})
    assert g.db["s", "h"] == g.db["t", "h"] == 3
    assert p.sizes["h"] == (size(Q(5, 6)), size(Q(5, 6)))
    # a source's value is its input even when inputs reach other nodes
    assert p.values["t"] == 4 and net.forward({}).values["s"] == 0


def test_exact_values_of_a_squaring_chain() -> None:
    depth = 7
    nodes = [("v0", "id")] + [(f"v{i}", "z**2") for i in range(1, depth + 1)]
    edges = [Edge(f"v{i}", f"v{i + 1}", 1, 0) for i in range(depth)]
    net = Network(tuple(nodes), tuple(edges), (f"v{depth}",))
    p = net.forward({"v0": 3})
    assert p.output == (Q(3 ** (2**depth)),)
    g = net.backward(p, {f"v{depth}": 1})
    # d/dw of (((w·3)²)²...)² at w = 1 is 2^depth · 3^(2^depth)
    assert g.dw["v0", "v1"] == 2**depth * 3 ** (2**depth)
    assert net.predict_bits({"v0": 3}) >= p.max_value_bits >= 2**depth


def test_budget_refuses_a_deep_squaring_network_before_computing() -> None:
    depth = 60
    nodes = [("v0", "id")] + [(f"v{i}", "z**2") for i in range(1, depth + 1)]
    edges = [Edge(f"v{i}", f"v{i + 1}", 1, 0) for i in range(depth)]
    net = Network(tuple(nodes), tuple(edges), (f"v{depth}",))
    with _sigma_sizes() as computed, pytest.raises(BudgetExceeded) as info:
        net.forward({"v0": 3})
    assert computed == []  # refused from the static bound: no σ was evaluated
    assert info.value.predicted > 2**depth and info.value.budget == DEFAULT_BUDGET_BITS
    assert "budget_bits=" in str(info.value) and "--budget-bits" in str(info.value)
    with pytest.raises(BudgetExceeded):
        net.forward({"v0": 3}, budget_bits=10**6)
    small = Network(tuple(nodes[:6]), tuple(edges[:5]), ("v5",))
    p = small.forward({"v0": 3}, budget_bits=None)  # None is the default budget, not "unbounded"
    assert p.predicted_bits is not None and p.predicted_bits <= DEFAULT_BUDGET_BITS
    with pytest.raises(BudgetExceeded):
        small.backward(p, {"v5": 1}, budget_bits=20)
    g = small.backward(p, {"v5": 1}, budget_bits=None)
    assert g.predicted_bits is not None and g.predicted_bits <= DEFAULT_BUDGET_BITS


# ---------------------------------------------------------------- validation


def _simple(**over: Any) -> Network:
    fields: dict[str, Any] = {
        "nodes": (("a", "id"), ("b", "relu")),
        "edges": (Edge("a", "b", 1, 0),),
        "outputs": ("b",),
    }
    fields.update(over)
    return Network(**fields)


def test_validation_errors_name_the_field() -> None:
    with pytest.raises(InputError, match=r"edges\[1\]: parallel edge a->b.*merge"):
        _simple(edges=(Edge("a", "b", 1, 0), Edge("a", "b", 2, 0)))
    with pytest.raises(InputError, match=r"cycle (b -> c -> b|c -> b -> c)"):
        _simple(
            nodes=(("a", "id"), ("b", "relu"), ("c", "id")),
            edges=(Edge("a", "b", 1, 0), Edge("b", "c", 1, 0), Edge("c", "b", 1, 0)),
        )
    with pytest.raises(InputError, match=r"edges\[0\]: unknown node 'z'"):
        _simple(edges=(Edge("a", "z", 1, 0),))
    with pytest.raises(InputError, match=r"edges\[0\]: self loop b->b"):
        _simple(edges=(Edge("a", "b", 1, 0), Edge("b", "b", 1, 0))[1:])
    with pytest.raises(InputTypeError, match=r"edge a->b: w: .*float"):
        Edge("a", "b", 0.5, 0)
    with pytest.raises(InputTypeError, match=r"edge a->b: b: .*float"):
        _simple(edges=(("a", "b", 1, 0.25),))
    with pytest.raises(InputError, match=r"nodes\[1\]: duplicate node id 'a'"):
        _simple(nodes=(("a", "id"), ("a", "relu")))
    with pytest.raises(InputError, match=r"outputs\[0\]: unknown node 'q'"):
        _simple(outputs=("q",))
    with pytest.raises(InputError, match=r"source .* must be 'id'"):
        _simple(nodes=(("a", "relu"), ("b", "relu")))
    with pytest.raises(InputError, match=r"nodes\[1\] \('b'\): expression 'sqrt"):
        _simple(nodes=(("a", "id"), ("b", "sqrt(z)")))


def test_input_errors() -> None:
    net = _simple()
    with pytest.raises(InputError, match="x: unknown node 'q'"):
        net.forward({"q": 1})
    with pytest.raises(InputTypeError, match="float"):
        net.forward({"a": 0.5})
    with pytest.raises(InputError, match="theta: unknown edge"):
        net.forward({}, {("b", "a"): (1, 0)})
    with pytest.raises(InputError, match="seed: unknown node 'q'"):
        net.backward(net.forward({}), {"q": 1})
    with pytest.raises(InputError, match="xs\\[1\\]: unknown node 'q'"):
        net.forward_batch([{}, {"q": 1}])
    with pytest.raises(InputError, match="pass_: not a pass of this network"):
        _simple(nodes=(("a", "id"), ("b", "id"))).backward(net.forward({}), {"b": 1})


def test_frozen_edges_and_theta() -> None:
    net = Network(
        (("a", "id"), ("b", "id"), ("c", "relu")),
        (Edge("a", "b", 2, 1, frozen=True), Edge("b", "c", 1, 0)),
        ("c",),
    )
    assert net.frozen_edges() == (("a", "b"),) and net.free_edges() == (("b", "c"),)
    assert net.theta() == {("a", "b"): (2, 1), ("b", "c"): (1, 0)}
    assert net.with_theta(net.theta()) == net
    with pytest.raises(InputError, match="frozen at"):
        net.with_theta({("a", "b"): (3, 1)})
    assert net.with_theta({("a", "b"): (3, 1)}, allow_frozen=True).edge("a", "b").w == 3
    assert net.unfrozen().frozen_edges() == ()
    assert net.with_theta({("b", "c"): ("1/2", 0)}).edge("b", "c").w == Q(1, 2)


def test_accessors_and_graph() -> None:
    net = Network(
        {"c": "z**2", "a": "id", "b": "relu"},
        (("a", "b", 1, 0), ("b", "c", "2/3", "1", True), ("a", "c", -1, 0)),
        ("c", "b"),
    )
    assert net.num_nodes == 3 and net.num_edges == 3 and net.sources == ("a",)
    assert net.topological_order() == ("a", "b", "c")
    assert [e.key for e in net.in_edges("c")] == [("b", "c"), ("a", "c")]
    assert [e.key for e in net.out_edges("a")] == [("a", "b"), ("a", "c")]
    assert net.activation("c") == Polynomial((0, 0, 1)) and net.activation("b") == ReLU()
    g = net.graph()
    assert g.nodes["a"]["activation"] == Identity()
    assert g.edges["b", "c"] == {"w": Q(2, 3), "b": Q(1), "frozen": True}
    assert net.graph() is g
    with pytest.raises(InputError, match="unknown node 'z'"):
        net.activation("z")


@SETTINGS
@given(networks())
def test_json_round_trip(net: Network) -> None:
    assert Network.from_json(net.to_json()) == net
    doc = formats.loads(formats.dumps(net))
    assert doc.kind == "network" and doc.obj == net


def test_json_errors_name_the_field() -> None:
    good = _simple().to_json()
    bad = dict(good, edges=[{"from": "a", "to": "b", "w": "1/0", "b": "0"}])
    with pytest.raises(FormatError, match=r"edges\[0\]\.w"):
        Network.from_json(bad)
    bad = dict(good, nodes=[{"id": "a", "activation": "id"}, {"id": "b", "activation": "tanh"}])
    with pytest.raises(FormatError, match=r"nodes\[1\]\.activation"):
        Network.from_json(bad)


def test_pickle_and_empty_network() -> None:
    net = _simple()
    net.forward({"a": 1})  # fills the plan cache, which holds closures
    again = pickle.loads(pickle.dumps(net))
    assert again == net and again.forward({"a": 2}).output == (Q(2),)
    empty = Network((), (), ())
    p = empty.forward()
    assert p.values == {} and p.output == () and p.max_value_bits == 0
    assert empty.backward(p, {}).dw == {}


def test_builder_merges_parallel_edges() -> None:
    nb = NetworkBuilder()
    nb.add_node("x")
    nb.add_node("y", "z**2")
    nb.add_edge("x", "y", 1, 0)
    with pytest.raises(InputError, match="already added"):
        nb.add_edge("x", "y", 1, 0)
    nb.add_edge("x", "y", 1, 2, merge=True)
    with pytest.raises(InputError, match="frozen"):
        nb.add_edge("x", "y", 1, 0, frozen=True, merge=True)
    net = nb.build(["y"])
    assert net.edges == (Edge("x", "y", 2, 2),)
    assert net.forward({"x": 3}).output == (Q(64),)


# ---------------------------------------------------------------- dynamic denominators

# σ = 1 - 2z⁴ and its squaring identity x² = Σ_r 2κ_r σ(x + r) (Lemma 3.1 table, D = 576)
QUARTIC = "1 - 2*z**4"
KAPPA_576 = (-35, 104, -114, 56, -11)


def _squaring_chain(levels: int) -> Network:
    """v_{i+1} = v_i² through the σ = 1 - 2z⁴ gadget: weights 2κ'_r into z_i, then 1/576.
    Static denominators are 576^(4^i): the static engine cannot run this."""
    nodes: list[tuple[str, Any]] = [("v0", "id")]
    edges = []
    for i in range(levels):
        for r, k in enumerate(KAPPA_576):
            nodes += [(f"L{i}.{r}", "id"), (f"U{i}.{r}", QUARTIC)]
            edges += [Edge(f"v{i}", f"L{i}.{r}", 1, r), Edge(f"L{i}.{r}", f"U{i}.{r}", 1, 0)]
            edges.append(Edge(f"U{i}.{r}", f"z{i}", 2 * k, 0))
        nodes += [(f"z{i}", "id"), (f"v{i + 1}", "id")]
        edges.append(Edge(f"z{i}", f"v{i + 1}", "1/576", 0))
    return Network(tuple(nodes), tuple(edges), (f"v{levels}",))


def test_gadget_chain_with_rational_weights_is_exact_and_fast() -> None:
    levels = 14
    net = _squaring_chain(levels)
    x = {"v0": 3}
    assert net.predict_bits(x) > 2**28  # the static bound: 576^(4^13) denominators
    with _sigma_sizes() as computed:
        p = net.forward(x)  # default budget: evaluated, not refused
    g = net.backward(p, {f"v{levels}": 1})
    # fast because no σ numerator is much bigger than the output's own (the last one is its
    # square): the 576^(4^13) denominators of the static bound never appear
    assert max(computed) <= 4 * int((Z(3) ** (2**levels)).bit_length())
    pre, val = naive(net, x)
    assert {v: fr(q) for v, q in p.values.items()} == val
    assert {v: fr(q) for v, q in p.pre.items()} == pre
    assert p.output == (Q(3) ** (2**levels),)
    assert p.predicted_bits is not None and p.max_value_bits <= p.predicted_bits <= 2**28
    # d v_L / d x at v0 is 2^L·3^(2^L - 1); v_L = z/576, so d v_L / d w = z
    assert g.errors["v0"] == 2**levels * Q(3) ** (2**levels - 1)
    last = (f"z{levels - 1}", f"v{levels}")
    assert g.dw[last] == p.values[last[0]]
    assert g.predicted_bits is not None and g.max_bits <= g.predicted_bits


def test_slp_network_with_quartic_sigma_is_exact() -> None:
    from ermbit.cnf import CNF
    from ermbit.reductions import slp_to_network
    from ermbit.reductions.sat_to_slp import SatToSlp

    slp = SatToSlp().forward(CNF(3, ((1, 2), (-2, 3), (3, -1), (1, 3)))).slp
    sn = slp_to_network.slp_network(slp, QUARTIC)
    net, x = sn.network, sn.inputs()
    p = net.forward(x)
    g = net.backward(p, {sn.target: 1})
    _, val = naive(net, {k: fr(q) for k, q in x.items()})
    assert {v: fr(q) for v, q in p.values.items()} == val
    # the gradient of n_P with respect to the input a_0 at v0, by forward mode
    _, dual = naive(net, {k: fr(q) for k, q in x.items()}, dual=("x", "v0"))
    assert fr(g.errors["v0"]) == eps(dual[sn.target])


@contextlib.contextmanager
def _sigma_sizes() -> Iterator[list[int]]:
    """Record the bit length of every polynomial σ numerator the engine computes.

    Tests count work with it instead of timing it: a refusal "before computing" is an
    empty list, an evaluation "without blow-up" a bound on its largest entry.
    """
    sizes: list[int] = []
    real = Polynomial.numerator_fn

    def spy(self: Polynomial, d: Any) -> Any:
        fn = real(self, d)

        def logged(p: Any) -> Any:
            out = fn(p)
            sizes.append(int(out.bit_length()))
            return out

        return logged

    with mock.patch.object(Polynomial, "numerator_fn", spy):
        yield sizes


def _cancelling_chain(depth: int) -> Network:
    """v_{i+1} = (2·a_i - b_i)² with a_i = b_i = v_i: sizes double per level, but the
    difference hides it from the lower bounds, so only the incremental check can refuse."""
    nodes: list[tuple[str, Any]] = [("v0", "id")]
    edges = []
    for i in range(depth):
        nodes += [(f"a{i}", "id"), (f"b{i}", "id"), (f"v{i + 1}", "z**2")]
        edges += [Edge(f"v{i}", f"a{i}", 1, 0), Edge(f"v{i}", f"b{i}", 1, 0)]
        edges += [Edge(f"a{i}", f"v{i + 1}", 2, 0), Edge(f"b{i}", f"v{i + 1}", -1, 0)]
    return Network(tuple(nodes), tuple(edges), (f"v{depth}",))


def test_incremental_refusal_before_the_oversized_node() -> None:
    net = _cancelling_chain(40)
    budget = 10**5
    with _sigma_sizes() as largest, pytest.raises(BudgetExceeded) as info:
        net.forward({"v0": 3}, budget_bits=budget)
    err = info.value
    assert err.budget == budget and err.predicted > budget
    assert "budget_bits=" in str(err) and "--budget-bits" in str(err)
    node = int(str(err).split("node 'v")[1].split("'")[0])
    # v_k = 3^(2^k): refused at the first level whose value would pass the budget (the
    # check is a few bits loose), after computing every level below it and none above
    assert size(Q(3) ** (2 ** (node - 1))) <= budget < size(Q(3) ** (2**node)) + 8
    assert largest and max(largest) <= budget
    assert net.predict_bits({"v0": 3}) > 2**40  # what the static bound alone would say


def _dyn_settings() -> Any:
    # force the dynamic engine whenever denominators compound, and its incremental checks
    from ermbit.network.engine.plan import Plan

    huge = 1 << 62
    return (
        mock.patch("ermbit.network.engine.passes.STATIC_UP_TO", -1),
        mock.patch.object(Plan, "forward_bound", lambda self, xmag: huge),
        mock.patch.object(Plan, "backward_bound", lambda self, xmag, seeded: (huge, huge)),
    )


@SETTINGS
@given(networks_with_inputs(kinds=("id", "poly", "relu"), max_degree=3, max_den=4), st.data())
def test_dynamic_engine_matches_naive(case: Any, data: Any) -> None:
    net, x = case
    seed = {o: data.draw(rationals(4, 3)) for o in net.outputs}
    other = {
        v: data.draw(rationals(4, 5)) for v in data.draw(st.lists(st.sampled_from(net.node_ids)))
    }
    a, b, c = _dyn_settings()
    with a, b, c:
        fresh = net.with_theta({})
        p = fresh.forward(x, budget_bits=1 << 40)  # static bound "fails": metered engine
        q = fresh.forward(other, budget_bits=1 << 40)
        g = fresh.backward(p, seed, budget_bits=1 << 40)
        both = fresh.backward_batch([p, q], [seed, seed], budget_bits=1 << 40)
        default = fresh.forward(x, budget_bits=None)
    pre, val = naive(net, x)
    assert {v: fr(r) for v, r in p.values.items()} == val
    assert {v: fr(r) for v, r in p.pre.items()} == pre
    assert default.values == p.values
    assert p.predicted_bits is not None and p.max_value_bits <= p.predicted_bits
    assert g.predicted_bits is not None and g.max_bits <= g.predicted_bits
    for e in net.edges:
        _, dual = naive(net, x, dual=(e.key, "w"))
        assert fr(g.dw[e.key]) == eps(loss(dual, seed))
    single = net.backward(net.forward(other), seed)
    assert both.dw == {k: g.dw[k] + single.dw[k] for k in g.dw}
    assert both.predicted_bits is not None and both.max_bits <= both.predicted_bits


@SETTINGS
@given(networks_with_inputs(kinds=("id", "poly", "relu", "pl"), max_den=4))
def test_lower_bounds_hold(case: Any) -> None:
    from ermbit.network.engine.lower import lower_bounds

    net, x = case
    sample = net._inputs(x, "x")
    plan = net._plan([sample], None)
    lo_pre, lo_val = lower_bounds(plan, net._xmag(sample), [sample])
    pre, val = naive(net, x)
    for k, v in enumerate(net.node_ids):
        for lo, q in ((lo_pre[k], pre[v]), (lo_val[k], val[v])):
            if lo is not None:
                assert abs(q) >= F(2) ** lo, (v, lo, q)
