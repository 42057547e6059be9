"""Float64 against exact gradients (docs: results.md): float64 fails where exact arithmetic does
not."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

pytest.importorskip("numpy")

from ermbit.network.erm import Sample
from ermbit.slp import SLP, bit, evaluate, posslp
from ermbit.solvers.backprop import edge_gradient
from ermbit.studies.float_vs_exact import (
    cancellation,
    float_bit,
    float_edge_gradient,
    square_chain,
    study,
)
from tests.profiles import examples
from tests.strategies_net import networks_with_inputs


@pytest.fixture(scope="module")
def rows():
    return study(("z**2", "z**3 + 2*z"))


def test_exact_always_matches_the_slp(rows) -> None:
    assert rows and all(r.exact_answer == r.slp_answer for r in rows)


def test_float_fails_somewhere(rows) -> None:
    wrong = [r for r in rows if not r.agrees]
    assert wrong, "expected float64 to get some bit or sign wrong"
    statuses = {r.float_status for r in wrong}
    assert "overflow" in statuses and "underflow" in statuses
    # a sign instance where float64 answers the wrong sign (not just inf/nan)
    assert any(r.query == "sign" and r.float_answer == -r.exact_answer for r in wrong)


def test_float_is_right_on_small_values(rows) -> None:
    # no cancellation and every intermediate value below 2^53: float64 is exact
    plain = ("square3-", "kronecker-")
    small = [r for r in rows if r.instance.startswith(plain) and r.exact_gradient_bits <= 30]
    assert small and all(r.agrees and r.float_status == "exact" for r in small)


def test_source_programs() -> None:
    # the instances' SLPs compute what their names say (checked by ermbit.slp)
    assert evaluate(square_chain(4)) == 3**16
    for c in (0, 1, 2):
        assert evaluate(cancellation(5, c)) == 1 - c
        assert posslp(cancellation(5, c)) == (c == 0)
    assert bit(square_chain(6), 0) == 1


def test_float_bit() -> None:
    assert float_bit(5.0, 0) == 1 and float_bit(5.0, 1) == 0 and float_bit(-5.0, 2) == 1
    assert float_bit(0.375, -2) == 1 and float_bit(0.375, -1) == 0
    assert float_bit(math.nan, 0) is None


@examples(40)
@given(networks_with_inputs(max_nodes=5, max_degree=2), st.data())
def test_float_pass_close_to_exact_on_small_networks(pair, data) -> None:
    net, x = pair
    assume(net.edges)
    # σ' jumps at a breakpoint of a piecewise-linear σ: a pre-activation exactly there may
    # round to either side in float64, and the two passes then rightly differ
    assume(not _at_a_breakpoint(net, x))
    edge = data.draw(st.sampled_from([e.key for e in net.edges]))
    out = data.draw(st.sampled_from(net.outputs))
    loss = data.draw(st.sampled_from(["squared", "half_squared"]))
    samples = (Sample.of(x, {out: 1}, loss, data.draw(st.integers(1, 3))),)
    exact_g = edge_gradient(net, samples, edge).dw
    g = float_edge_gradient(net, samples, edge)
    assert math.isclose(g, float(exact_g), rel_tol=1e-9, abs_tol=1e-9)


def _at_a_breakpoint(net: Any, x: dict[str, Any]) -> bool:
    """Whether the exact pre-activation of a ReLU or piecewise-linear node sits exactly on
    one of its breakpoints."""
    from ermbit import exact
    from ermbit.network.activations import PiecewiseLinear, ReLU

    values = net.forward(x).values
    for v, act in net.nodes:
        ins = net.in_edges(v)
        kinks = act.breakpoints if isinstance(act, PiecewiseLinear) else (0,)
        if ins and isinstance(act, PiecewiseLinear | ReLU):
            pre = exact.Q(x.get(v, 0)) + sum(e.w * values[e.src] + e.b for e in ins)
            if pre in kinks:
                return True
    return False


def test_the_breakpoint_guard() -> None:
    """pre(n5) = (1/3 + 1) + 1/3 − 5/3 = 0 exactly: on the ReLU's kink, where σ' jumps."""
    from fractions import Fraction as F

    from ermbit.network.model import NetworkBuilder

    nb = NetworkBuilder()
    for v, a in (("n0", "id"), ("n3", "id"), ("n5", "relu")):
        nb.add_node(v, a)
    nb.add_edge("n0", "n3", 1, 1)
    nb.add_edge("n3", "n5", 1, F(1, 3))
    net = nb.build(["n5"])
    assert _at_a_breakpoint(net, {"n0": F(1, 3), "n5": F(-5, 3)})
    assert not _at_a_breakpoint(net, {"n0": F(1, 3), "n5": F(-4, 3)})


def test_square_chain_loses_the_units_bit() -> None:
    rows = [r for r in study(quick=True) if r.instance == "square3-6"]
    (r,) = rows
    assert r.exact_answer == 1 == bit(SLP(3, [("*", i, i) for i in range(6)]), 0)
    assert r.float_answer == 0 and r.float_status == "inexact"
