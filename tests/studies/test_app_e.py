"""App. E bound (App. E): measured sizes never exceed it; measurements match a
Fraction reference evaluator (tests/reference.py)."""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ermbit.errors import InputError
from ermbit.exact import ceil_log2, next_prime
from ermbit.network.erm import Sample
from ermbit.network.model import Edge, Network
from ermbit.studies.app_e import (
    BACKWARD_CONSTANT,
    FORWARD_CONSTANT,
    Bound,
    app_e_bound,
    class_size,
    measure,
    report,
)
from tests.profiles import examples
from tests.reference import fsize, reference
from tests.strategies_net import inputs, networks, rationals

PL_KINDS = ("id", "relu", "pl", "poly")  # poly drawn with degree <= 1: affine


def _fr(q: Fraction) -> str:
    return f"{q.numerator}/{q.denominator}"


@st.composite
def pl_instances(draw: Any, max_nodes: int = 6) -> tuple[Network, list[Sample]]:
    net = draw(networks(kinds=PL_KINDS, max_degree=1, max_nodes=max_nodes, max_num=7, max_den=5))
    loss = draw(st.sampled_from(["squared", "half_squared", "hinge"]))
    samples = []
    for _ in range(draw(st.integers(1, 3))):
        x = draw(inputs(net, max_num=9, max_den=7))
        y = {o: _fr(draw(rationals(5, 5))) for o in net.outputs}
        rep = draw(st.integers(1, 3))
        samples.append(Sample.of({v: _fr(q) for v, q in x.items()}, y, loss, rep))
    return net, samples


@examples(60)
@given(pl_instances())
def test_measured_sizes_never_exceed_the_bound(inst: tuple[Network, list[Sample]]) -> None:
    net, samples = inst
    bound = app_e_bound(net, None, samples)
    got = measure(net, samples, budget_bits=None)
    assert got.forward_bits <= bound.forward_bits
    assert got.backward_bits <= bound.backward_bits
    assert bound.holds(got)


@examples(40)
@given(pl_instances(max_nodes=5))
def test_measurement_matches_the_fraction_reference(inst: tuple[Network, list[Sample]]) -> None:
    net, samples = inst
    got = measure(net, samples, budget_bits=None)
    ref = reference(net, samples)
    assert (got.forward_bits, got.backward_bits) == (ref.forward_bits, ref.backward_bits)


def _deep_pl_chain(depth: int, width: int) -> Network:
    """Dense layers of PL nodes with rational slopes: the worst case the bound covers."""
    nodes: list[tuple[str, Any]] = [(f"s{i}", "id") for i in range(width)]
    pl = {"pl": {"breakpoints": ["-1/2", "1/3"], "slopes": ["7/5", "-3/7", "5/3"],
                 "intercepts": ["1/7", "-2/5", "3/4"]}}  # fmt: skip
    edges = []
    prev = [f"s{i}" for i in range(width)]
    for layer in range(depth):
        cur = [f"h{layer}_{i}" for i in range(width)]
        nodes += [(v, pl) for v in cur]
        edges += [
            Edge(u, v, f"{(-1) ** (i + j) * (i + 2)}/{j + 5}", f"{j - i}/3")
            for i, u in enumerate(prev)
            for j, v in enumerate(cur)
        ]
        prev = cur
    return Network.from_specs(nodes, edges, prev[:1])


@pytest.mark.parametrize("depth", [1, 3, 6])
def test_bound_holds_on_deep_dense_pl_networks(depth: int) -> None:
    net = _deep_pl_chain(depth, 3)
    samples = [Sample.of({"s0": "3/7", "s1": "-5/2", "h0_1": "1/3"}, {f"h{depth - 1}_0": "2/3"})]
    bound = app_e_bound(net, None, samples)
    got = measure(net, samples, budget_bits=None)
    assert bound.holds(got)
    # sizes grow with depth, but within the linear-in-|E| bound
    assert got.max_bits <= bound.n + BACKWARD_CONSTANT * net.num_edges * (bound.n + 1)


def test_common_denominators_are_needed_for_the_log_s_term() -> None:
    # x_i = 1/p_i on one edge: the summed gradient Σ 1/p_i² has ~2·Σ log p_i bits, far
    # beyond the plain largest size N plus log S; the class size of the inputs covers it
    net = Network.from_specs({"s": "id", "o": "id"}, [("s", "o", 1, 0)], ["o"])
    primes, p = [], 1 << 20
    for _ in range(30):
        p = next_prime(p)
        primes.append(int(p))
    samples = [Sample.of({"s": f"1/{p}"}, {"o": 0}, "half_squared") for p in primes]
    bound = app_e_bound(net, None, samples)
    got = measure(net, samples, budget_bits=None)
    naive = bound.n_plain + BACKWARD_CONSTANT * (bound.n_plain + 1) + ceil_log2(len(samples))
    assert got.backward_bits > naive
    assert bound.holds(got)
    assert bound.n >= 1 + sum(p.bit_length() for p in primes)


def test_edgeless_network_uses_max_edges_one() -> None:
    net = Network.from_specs({"a": "id"}, [], ["a"])
    samples = [Sample.of({"a": "-255/254"}, {"a": "255/253"}, "squared")]
    bound = app_e_bound(net, None, samples)
    got = measure(net, samples, budget_bits=None)
    assert got.backward_bits > bound.n  # the seed 2(x − y) outgrows N
    assert bound.holds(got) and bound.forward_bits == bound.n


def test_relu_chain_sizes_grow_linearly() -> None:
    sizes = []
    for depth in range(1, 9):
        nodes = [("s", "id")] + [(f"h{i}", "relu") for i in range(depth)]
        chain = ["s"] + [f"h{i}" for i in range(depth)]
        edges = [(u, v, 3, 1) for u, v in itertools.pairwise(chain)]
        net = Network.from_specs(nodes, edges, [chain[-1]])
        samples = [Sample.of({"s": 2}, {chain[-1]: 0})]
        got = measure(net, samples)
        assert got.max_bits == max(reference(net, samples).backward_bits, got.forward_bits)
        sizes.append(got.max_bits)
    steps = [b - a for a, b in itertools.pairwise(sizes)]
    # a layer multiplies the values by about 3 and the path products by 3: < 2·log2(3) + 1
    assert 0 < min(steps) and max(steps) <= 4


def test_polynomial_activation_is_refused_with_its_node() -> None:
    net = Network.from_specs({"s": "id", "q": "z**2"}, [("s", "q", 1, 0)], ["q"])
    with pytest.raises(InputError, match=r"'q'.*not piecewise linear"):
        app_e_bound(net, None, [])


def test_theta_override_and_num_samples() -> None:
    net = Network.from_specs({"s": "id", "o": "relu"}, [("s", "o", 1, 0)], ["o"])
    big = app_e_bound(net, {("s", "o"): ("12345/7", "0")}, [{"s": 1}])
    assert big.n == fsize(Fraction(12345, 7)) and big.num_samples == 1
    assert app_e_bound(net, None, [{"s": 1}], num_samples=8).backward_bits == (
        app_e_bound(net, None, [{"s": 1}]).backward_bits + 3
    )
    with pytest.raises(InputError, match="num_samples"):
        app_e_bound(net, None, [Sample.of({"s": 1}, {"o": 0}, repeat=4)], num_samples=2)


def test_bound_formula_and_validation() -> None:
    b = Bound(n=5, n_plain=4, edges=3, num_samples=5)
    assert b.forward_bits == 5 + FORWARD_CONSTANT * 3 * 6
    assert b.backward_bits == 5 + BACKWARD_CONSTANT * 3 * 6 + 3
    assert b.bits == b.backward_bits and "N = 5" in b.formula
    with pytest.raises(InputError, match="n_plain"):
        Bound(n=3, n_plain=4, edges=1, num_samples=1)
    with pytest.raises(InputError, match="num_samples"):
        Bound(n=3, n_plain=3, edges=1, num_samples=0)


@examples(50)
@given(st.lists(rationals(40, 40), min_size=1, max_size=5))
def test_class_size_is_the_size_over_the_common_denominator(qs: list[Fraction]) -> None:
    from math import lcm

    den = lcm(*(q.denominator for q in qs))
    expect = 1 + max(abs(q.numerator * (den // q.denominator)).bit_length() for q in qs)
    assert class_size([_fr(q) for q in qs]) == expect + den.bit_length()
    assert class_size([_fr(q) for q in qs]) >= max(fsize(q) for q in qs)


def test_report_has_the_fields_for_check() -> None:
    net = Network.from_specs({"s": "id", "o": "relu"}, [("s", "o", "1/2", 1)], ["o"])
    out = report(net, [Sample.of({"s": 3}, {"o": 1})], {("s", "o"): ("2", "0")})
    assert out["holds"] is True
    assert out["max_value_bits"] == max(out["forward_bits"], out["backward_bits"])
    assert out["forward_bits"] == fsize(Fraction(6))  # θ override used: relu(2·3)
