"""SLP → network (Lemma 3.2): node v_i carries a_i under θ*, normal form, no parallel edges."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ermbit.checking.verifier import verify
from ermbit.errors import InputError, InputTypeError
from ermbit.network.activations import Identity, Polynomial
from ermbit.reductions.gadgets import gadget
from ermbit.reductions.slp_to_network import SlpToNetwork, node_values, slp_network
from ermbit.slp import SLP, values
from tests.profiles import examples
from tests.strategies_slp import slps
from tests.verified import assert_verified

SIGMAS = ("z**2", "z**3 + 2*z", "z**2/3 - z + 5", "1 - 2*z**4")


def _check_normal_form(net) -> None:
    ids = [n for n, _ in net.nodes]
    assert list(net.outputs) == ids  # every node is an output
    assert len({e.key for e in net.edges}) == net.num_edges  # no parallel edges
    assert all(e.frozen for e in net.edges)
    for node, act in net.nodes:
        if isinstance(act, Identity):
            continue
        ins = net.in_edges(node)
        assert len(ins) == 1, node
        (e,) = ins
        assert isinstance(net.activation(e.src), Identity)
        assert (e.w, e.b) == (1, 0)


@examples(40)
@given(slps(max_gates=6, integer=True), st.sampled_from(SIGMAS))
def test_node_values_integer(slp: SLP, sigma: str) -> None:
    sn = slp_network(slp, sigma)
    assert list(node_values(sn)) == values(slp)
    _check_normal_form(sn.network)


@examples(30)
@given(slps(max_gates=5, integer=False), st.sampled_from(SIGMAS))
def test_node_values_rational(slp: SLP, sigma: str) -> None:
    sn = slp_network(slp, sigma)
    p = sn.network.forward({"v0": slp.a0})
    assert [p.value(sn.value_node[i]) for i in range(slp.length + 1)] == values(slp)
    _check_normal_form(sn.network)


@examples(30)
@given(slps(max_gates=5, integer=True), st.sampled_from(SIGMAS))
def test_verifier_passes(slp: SLP, sigma: str) -> None:
    report = verify(SlpToNetwork(sigma), slp)
    assert_verified(report)


@pytest.mark.parametrize("sigma", SIGMAS)
def test_node_counts(sigma: str) -> None:
    # three kinds of gate: product, square, sum; the counts follow the construction
    slp = SLP(2, [("*", 0, 0), ("*", 1, 0), ("+", 2, 1), ("-", 3, 3)])
    shifts = sum(1 for k in gadget(Polynomial.from_expr(sigma).coeffs).kappa if k != 0)
    net = slp_network(slp, sigma).network
    # v0..v4, per product: z and 3 pairs (L, U) per shift, per square: z and one pair
    assert net.num_nodes == 5 + (1 + 6 * shifts) + (1 + 2 * shifts)
    # square: (v, L), (L, U), (U, z) per shift and (z, v); product: 4 edges into L1..L3,
    # 3 into U1..U3, 3 into z per shift and (z, v); then a sum (2 edges) and a merged one
    assert net.num_edges == (3 * shifts + 1) + (10 * shifts + 1) + 2 + 1


def test_merged_linear_edges() -> None:
    sn = slp_network(SLP(5, [("+", 0, 0), ("-", 1, 1)]))
    net = sn.network
    assert net.edge("v0", "v1").w == 2
    assert net.edge("v1", "v2").w == 0  # a_1 - a_1 = 0; the edge keeps v2 a non-source
    assert "v2" not in net.sources
    assert node_values(sn) == (5, 10, 0)


def test_square_uses_one_sigma_node_per_shift() -> None:
    sn = slp_network(SLP(3, [("*", 0, 0)]), "z**2")
    assert sn.network.node_ids == ("v0", "g1.r0.L", "g1.r0.U", "g1.z", "v1")
    assert sn.D == 2 and sn.target == "v1"
    assert sn.network.edge("g1.z", "v1").w == Fraction(1, 2)


def test_errors() -> None:
    with pytest.raises(InputError, match="degree ≥ 2"):
        slp_network(SLP(1, []), "relu")
    with pytest.raises(InputError, match="degree ≥ 2"):
        SlpToNetwork("2*z + 1")
    with pytest.raises(InputTypeError, match="slp"):
        slp_network("not an slp", "z**2")  # type: ignore[arg-type]


def test_file_meta_and_summary() -> None:
    sn = slp_network(SLP(1, [("+", 0, 0), ("*", 1, 1)]), "z**3 + 2*z")
    assert sn.file_meta()["value_nodes"] == ["v0", "v1", "v2"]
    assert sn.size_summary()["nodes"] == sn.network.num_nodes
