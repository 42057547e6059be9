"""Tests of pinning (Claim B.1), its converse (presolve) and the σ algebra behind both."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ermbit import exact
from ermbit.checking.verifier import verify
from ermbit.errors import InputError
from ermbit.network.activations import Activation, Identity, PiecewiseLinear, Polynomial, ReLU
from ermbit.network.erm import ERMInstance, Sample
from ermbit.network.model import Edge, Network, NetworkBuilder
from ermbit.network.symmetry import (
    distinguishing_point,
    is_symmetry,
    polynomial_symmetries,
    preimages,
    solve_edge,
)
from ermbit.reductions.pinning import (
    Pin,
    check_normal_form,
    lift_point,
    pin,
    pin_instance,
    template_points,
)
from ermbit.reductions.slp_to_network import slp_network
from ermbit.solvers.erm.pinned import solve_pinned
from ermbit.solvers.erm.presolve import presolve
from tests.profiles import examples
from tests.strategies_net import activations, rationals
from tests.strategies_slp import slps
from tests.verified import assert_verified

PROPS = examples(40)
FEW = examples(20)
SIGMAS = ("z**2", "z**3 + 2*z", "z**2/3 - z + 5", "1 - 2*z**4")
BIG = 10**9


def _poly(draw: Any) -> Polynomial:
    cs = draw(st.lists(rationals(), min_size=2, max_size=4).filter(lambda c: c[-1] != 0))
    return Polynomial(tuple(cs))


@st.composite
def pinnable(draw: Any) -> Activation:
    """ReLU, a non-constant polynomial, or a piecewise-linear σ pinning accepts."""
    kind = draw(st.sampled_from(("relu", "poly", "pl")))
    if kind == "relu":
        return ReLU()
    if kind == "poly":
        return _poly(draw)
    act = draw(activations(("pl",)))
    try:
        template_points(act)
        lift_point(act)
    except InputError:
        assume(False)
    return act


@st.composite
def normal_form_networks(draw: Any, free: bool = False, max_steps: int = 6) -> Network:
    """Sources s0 (s1); then identity nodes with 1..3 in-edges, or σ nodes fed by an
    identity node through a frozen (1, 0) edge; some edges free when ``free``."""
    nodes: list[tuple[str, Any]] = [("s0", "id")]
    if draw(st.booleans()):
        nodes.append(("s1", "id"))
    ident = [n for n, _ in nodes]
    edges = []
    for k in range(draw(st.integers(1, max_steps))):
        if draw(st.booleans()):
            node = f"u{k}"
            edges.append(Edge(draw(st.sampled_from(ident)), node, 1, 0, True))
            nodes.append((node, draw(pinnable())))
            continue
        node = f"h{k}"
        srcs = draw(st.lists(st.sampled_from([n for n, _ in nodes]), min_size=1, max_size=3))
        for u in dict.fromkeys(srcs):
            frozen = not (free and draw(st.booleans()))
            edges.append(Edge(u, node, draw(rationals()), draw(rationals()), frozen))
        nodes.append((node, "id"))
        ident.append(node)
    ids = [n for n, _ in nodes]
    outs = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True))
    return Network(tuple(nodes), tuple(edges), tuple(outs))


def aux_loss(pf: Any, theta: dict[tuple[str, str], Any] | None = None) -> Any:
    """The auxiliary loss at θ (default θ*), by the network engine (not the solver)."""
    return ERMInstance(pf.network, pf.samples, 0, BIG).loss(theta)


def _pinned(net: Network) -> Any:
    try:
        return pin(net, ())
    except InputError as exc:  # a template would hide a frozen head below a free edge
        assume("free edge" not in str(exc))
        raise


# ---------------------------------------------------------------- θ* meets every template


@PROPS
@given(normal_form_networks())
def test_theta_star_meets_every_auxiliary_sample(net: Network) -> None:
    pf = pin(net, (Sample.of({}, {}, "exact", 3),))
    assert aux_loss(pf) == 0
    assert pf.repeat == 4 and all(s.repeat == 4 for s in pf.samples)
    assert set(pf.network.outputs) == set(net.node_ids) and not pf.network.frozen_edges()
    assert pf.network.outputs[: len(net.outputs)] == net.outputs
    for s in pf.samples:  # all edges frozen: every node labelled, exact match
        assert s.loss.kind == "exact" and len(s.y) == net.num_nodes


@PROPS
@given(slps(max_gates=4), st.sampled_from(SIGMAS))
def test_theta_star_meets_templates_of_slp_networks(slp: Any, sigma: str) -> None:
    pf = pin(slp_network(slp, sigma).network, ())
    net = pf.network
    theta = net.theta()
    from ermbit.network.erm import loss_in_lowest_terms

    assert loss_in_lowest_terms(net, theta, pf.samples)[0] == 0
    pre = presolve(ERMInstance(net, pf.samples, 0, BIG))
    assert pre.determined and not pre.partial
    assert dict(pre.weights) == {
        e.key: e.w for e in net.edges if net.activation(e.dst).kind == "id"
    }
    for _, alts in pre.alternatives:
        assert alts == ((1, 0),)  # every L has a frozen in-edge: symmetric choices die
    for v, total in pre.bias_sums:
        assert total == sum(e.b for e in net.in_edges(v))


# ---------------------------------------------------------------- perturbations fail


@PROPS
@given(normal_form_networks(), st.data())
def test_perturbing_a_frozen_weight_fails(net: Network, data: Any) -> None:
    pf = pin(net, ())
    heads = [e for e in net.edges if isinstance(net.activation(e.dst), Identity)]
    assume(heads)
    e = data.draw(st.sampled_from(heads))
    delta = data.draw(rationals().filter(lambda q: q != 0))
    assert aux_loss(pf, {e.key: (e.w + exact.parse(delta), e.b)}) > 0


@PROPS
@given(normal_form_networks(), st.data())
def test_bias_sums_not_single_biases_are_forced(net: Network, data: Any) -> None:
    pf = pin(net, ())
    targets = [v for v, a in net.nodes if isinstance(a, Identity) and net.in_edges(v)]
    assume(targets)
    v = data.draw(st.sampled_from(targets))
    ins = net.in_edges(v)
    d = exact.parse(data.draw(rationals().filter(lambda q: q != 0)))
    e = ins[0]
    assert aux_loss(pf, {e.key: (e.w, e.b + d)}) > 0
    if len(ins) > 1:  # moving bias between edges into v keeps every node value
        f = ins[1]
        assert aux_loss(pf, {e.key: (e.w, e.b + d), f.key: (f.w, f.b - d)}) == 0


@PROPS
@given(normal_form_networks(), st.data())
def test_nonlinear_edges_keep_exactly_the_presolved_alternatives(net: Network, data: Any) -> None:
    pf = pin(net, ())
    sig = [e for e in net.edges if not isinstance(net.activation(e.dst), Identity)]
    assume(sig)
    e = data.draw(st.sampled_from(sig))
    w = exact.parse(data.draw(st.sampled_from([1, -1, 2, Fraction(1, 2), 0])))
    b = exact.parse(data.draw(st.sampled_from([0, 1, -1, Fraction(3, 1)])))
    alts = dict(presolve(ERMInstance(pf.network, pf.samples, 0, BIG)).alternatives)[e.key]
    ok = aux_loss(pf, {e.key: (w, b)}) == 0
    assert ok == ((w, b) in alts)
    if ok:
        assert is_symmetry(net.activation(e.dst), w, b)


# ---------------------------------------------------------------- presolve


@PROPS
@given(normal_form_networks())
def test_presolve_recovers_theta_star(net: Network) -> None:
    pf = pin(net, ())
    pre = presolve(ERMInstance(pf.network, pf.samples, 0, BIG))
    assert pre.feasible and pre.determined, pre.reason
    assert pre.forcing == tuple(range(len(pf.samples))) and pre.main_weight == 0
    want = {e.key: e.w for e in net.edges if isinstance(net.activation(e.dst), Identity)}
    assert dict(pre.weights) == want
    for v, total in pre.bias_sums:
        assert total == sum(e.b for e in net.in_edges(v))
    for key, alts in pre.alternatives:
        act = net.activation(key[1])
        assert (1, 0) in alts and all(is_symmetry(act, w, b) for w, b in alts)


def _scramble(pf: Any, k: int, node: str, delta: int) -> tuple[Sample, ...]:
    s = pf.samples[k]
    y = tuple((v, q + delta if v == node else q) for v, q in s.y)
    return (*pf.samples[:k], Sample(s.x, y, s.loss, s.repeat), *pf.samples[k + 1 :])


@PROPS
@given(normal_form_networks(), st.data())
def test_presolve_reports_no_theta_on_inconsistent_samples(net: Network, data: Any) -> None:
    pf = pin(net, ())
    # a second copy of one template with one identity label moved: no θ meets both
    k = data.draw(st.integers(0, len(pf.samples) - 1))
    targets = [v for v, a in net.nodes if isinstance(a, Identity) and net.in_edges(v)]
    assume(targets)
    node = data.draw(st.sampled_from(targets))
    bad = (*pf.samples, *_scramble(pf, k, node, 1)[k : k + 1])
    inst = ERMInstance(pf.network, bad, 0, BIG)
    pre = presolve(inst)
    assert not pre.feasible and node in pre.reason
    res = solve_pinned(inst)
    assert not res.decision and res.witness is None


def test_presolve_source_conflict_and_free_edges() -> None:
    nb = NetworkBuilder()
    for v, a in (("s", "id"), ("v", "id"), ("L", "id"), ("U", "z**2"), ("o", "id")):
        nb.add_node(v, a)
    nb.add_edge("s", "v", 2, 0)  # free
    nb.add_edge("v", "L", 1, 1, frozen=True)
    nb.add_edge("L", "U", 1, 0, frozen=True)
    nb.add_edge("U", "o", 3, 0, frozen=True)
    pf = pin(nb.build(["o"]), ())
    pre = presolve(ERMInstance(pf.network, pf.samples, 0, BIG))
    assert pre.free == ("w[s->v]",) and ("v", 0) in pre.bias_sums
    assert aux_loss(pf, {("s", "v"): (7, 0)}) == 0  # the free weight stays free
    assert aux_loss(pf, {("s", "v"): (2, 1)}) > 0  # its bias joins the forced sum
    with pytest.raises(InputError, match="coordinates free"):
        solve_pinned(ERMInstance(pf.network, pf.samples, 0, BIG))
    clash = Sample((("s", exact.Q(1)),), (("s", exact.Q(2)),), pf.samples[0].loss, 9)
    bad = presolve(ERMInstance(pf.network, (*pf.samples, clash), 0, BIG))
    assert not bad.feasible and "source 's'" in bad.reason


def test_free_edge_out_of_a_changed_tail_is_not_forced() -> None:
    nb = NetworkBuilder()
    for v in ("p", "q", "r"):
        nb.add_node(v)
    nb.add_edge("p", "q", 2, 0, frozen=True)
    nb.add_edge("p", "r", 5, 0)  # free, tail p changes in the template of p->q
    pf = pin(nb.build(["q", "r"]), ())
    hidden = [s for s in pf.samples if "r" not in dict(s.y)]
    assert len(hidden) == 1 and "p" in dict(hidden[0].x)
    assert aux_loss(pf, {("p", "r"): (-3, 0)}) == 0
    assert aux_loss(pf, {("p", "q"): (3, 0)}) > 0
    nb.add_edge("r", "q", 1, 0, frozen=True)  # now q sits below the free edge p->r
    with pytest.raises(InputError, match="free edge"):
        pin(Network(nb.build(["q"]).nodes, nb.build(["q"]).edges, ("q",)), ())


@pytest.mark.parametrize(
    ("edges", "msg"),
    [
        ([("s", "U", 1, 0, True), ("t", "U", 1, 0, True)], "exactly one incoming edge"),
        ([("V", "U", 1, 0, True)], "from an identity node"),
        ([("s", "U", 1, 0, False)], "frozen at \\(1, 0\\)"),
        ([("s", "U", 2, 0, True)], "frozen at \\(1, 0\\)"),
    ],
)
def test_normal_form_errors_name_the_node(edges: list[Any], msg: str) -> None:
    nodes = {"s": "id", "t": "id", "V": "relu", "U": "z**2"}
    net = Network.from_specs(nodes, [("s", "V", 1, 0, True), *edges], ["U"])
    with pytest.raises(InputError, match=msg) as info:
        check_normal_form(net)
    assert "'U'" in str(info.value)


# ---------------------------------------------------------------- the pin reduction


@st.composite
def frozen_instances(draw: Any) -> ERMInstance:
    net = draw(normal_form_networks())
    samples = []
    for _ in range(draw(st.integers(1, 2))):
        x = {net.sources[0]: draw(rationals(2, 2))}
        out = draw(st.sampled_from(net.outputs))
        kind = draw(st.sampled_from(("exact", "squared", "hinge")))
        samples.append(Sample.of(x, {out: draw(rationals(2, 2))}, kind, draw(st.integers(1, 2))))
    return ERMInstance(net, samples, draw(st.sampled_from([0, 1, "5/2"])), 0)


@FEW
@given(frozen_instances())
def test_pin_reduction_verifies(inst: ERMInstance) -> None:
    report = verify(Pin(), inst)
    assert_verified(report)
    target = pin_instance(inst)
    assert target.loss() == inst.loss()  # θ* meets every forcing sample
    assert min(s.repeat for s in target.samples[len(inst.samples) :]) > inst.gamma


# ---------------------------------------------------------------- σ algebra


@PROPS
@given(st.data())
def test_preimages_are_complete_on_a_grid(data: Any) -> None:
    act = data.draw(st.one_of(st.just(ReLU()), activations(("poly", "pl"))))
    grid = [exact.Q(p, q) for p in range(-12, 13) for q in (1, 2, 3)]
    t = act(data.draw(st.sampled_from(grid)))
    roots = preimages(act, t)
    hits = {z for z in grid if act(z) == t}
    if roots is None:
        assert hits  # infinitely many: at least the drawn point
    else:
        assert all(act(r) == t for r in roots) and hits <= set(roots)


@PROPS
@given(st.data())
def test_symmetries_against_brute_force(data: Any) -> None:
    act = data.draw(st.one_of(activations(("poly", "pl")), st.just(ReLU())))
    w = exact.parse(data.draw(st.sampled_from([1, -1, 2, Fraction(1, 2), 0])))
    b = exact.parse(data.draw(rationals(3, 2)))
    grid = [exact.Q(p, q) for p in range(-15, 16) for q in (1, 2, 3, 5)]
    z = distinguishing_point(act, w, b)
    if z is not None:
        assert act(w * z + b) != act(z) and not is_symmetry(act, w, b)
    else:
        assert all(act(w * g + b) == act(g) for g in grid) and is_symmetry(act, w, b)
    if isinstance(act, Polynomial) and act.degree >= 1:
        assert ((w, b) in polynomial_symmetries(act)) == is_symmetry(act, w, b)


@PROPS
@given(st.lists(rationals(), min_size=2, max_size=3).filter(lambda c: c[-1] != 0), rationals())
def test_even_polynomials_have_their_reflection(c: list[Fraction], h: Fraction) -> None:
    # σ(z) = Σ_k c_k (z − h)^(2k) is symmetric about h: (w, b) = (−1, 2h) is a symmetry
    from ermbit.network.symmetry import compose

    even = [exact.Q(0)] * (2 * len(c) - 1)
    even[::2] = [exact.parse(ck) for ck in c]
    act = Polynomial(compose(even, 1, -exact.parse(h)))
    syms = polynomial_symmetries(act)
    assert syms == tuple(sorted([(exact.Q(-1), 2 * exact.parse(h)), (exact.Q(1), exact.Q(0))]))


def test_template_points_and_lift_points() -> None:
    assert template_points(Polynomial((0, 0, 1))) == (1, 2)
    assert template_points(ReLU()) == (1, 2)
    absz = PiecewiseLinear((0,), (-1, 1), (0, 0))
    pts = template_points(absz)
    eqs = [(0, 0, 0)] + [(0, t, absz(t)) for t in pts]
    assert solve_edge(absz, eqs) == ((-1, 0), (1, 0))  # z ↦ −z is a symmetry of |z|
    with pytest.raises(InputError, match="constant"):
        template_points(Polynomial((5,)))
    with pytest.raises(InputError, match="no finite template set"):
        template_points(PiecewiseLinear((0,), (0, 0), (0, 1)))  # a step
    assert lift_point(Polynomial((0, -1, 1))) == 2
    with pytest.raises(InputError, match="constant"):
        lift_point(PiecewiseLinear((0,), (0, 0), (1, 1)))
    assert polynomial_symmetries(Polynomial(("5", "-1", "1/3"))) == ((-1, 3), (1, 0))


def test_pin_sweeps_its_own_frozen_sources() -> None:
    """``ermbit verify pin`` works out of the box: random frozen gadget networks, YES and NO."""
    import random

    from ermbit.checking.sweep import sweep

    red = Pin()
    answers = set()
    rng = random.Random(5)
    for _ in range(12):
        src = red.sample_source(rng, rng.randint(1, 3))
        check_normal_form(src.network)
        answers.add(src.evaluate({}).accepted)
    assert answers == {True, False}
    res = sweep("pin", family=None, sizes=None, trials=2, seed=0)
    assert res.passed and res.totals()["instances"] == 8
