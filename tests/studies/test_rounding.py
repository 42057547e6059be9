"""Remark 1.5: the k-bit rounded activation (exact integer interface, passes, sizes)."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ermbit.errors import InputError, InputTypeError
from ermbit.exact import Q, Z
from ermbit.network.activations import Activation
from ermbit.network.erm import Sample
from ermbit.network.model import Network
from ermbit.studies.app_e import app_e_bound
from ermbit.studies.bit_growth import bit_growth, layered_network
from ermbit.studies.rounding import Rounded, clipped_forward_bound, rounding_study
from tests.profiles import examples
from tests.reference import reference
from tests.strategies_net import activations, inputs, networks, rationals


def _fr(q: Fraction) -> str:
    return f"{q.numerator}/{q.denominator}"


def _expected(act: Activation, k: int, clip: Fraction | None, z: Fraction) -> Fraction:
    s = Fraction(str(act(_fr(z))))
    t = Fraction(math.floor(s * 2**k), 2**k)
    if clip is not None and abs(t) > clip:
        return clip if t > 0 else -clip
    return t


clips = st.one_of(st.none(), rationals(5, 4).filter(lambda c: c > 0))


@examples(60)
@given(activations(), st.integers(0, 6), clips, st.integers(-200, 200), st.integers(1, 12))
def test_integer_interface_matches_the_rational_definition(
    inner: Activation, k: int, clip: Fraction | None, p: int, d: int
) -> None:
    act = Rounded(inner, k, None if clip is None else _fr(clip))
    z = Fraction(p, d)
    want = _expected(inner, k, clip, z)
    assert Fraction(str(act(_fr(z)))) == want
    f, e = act.denominator_shape
    assert Fraction(int(act.numerator_fn(Z(d))(Z(p))), int(f) * d**e) == want
    clipped = clip is not None and want != _expected(inner, k, None, z)
    dwant = (
        Fraction(0)
        if clipped
        else Fraction(math.floor(Fraction(str(inner.derivative(_fr(z)))) * 2**k), 2**k)
    )
    assert Fraction(str(act.derivative(_fr(z)))) == dwant
    f, e = act.derivative_denominator_shape
    assert Fraction(int(act.derivative_numerator_fn(Z(d))(Z(p))), int(f) * d**e) == dwant


def _rounded(net: Network, k: int, clip: str | None) -> Network:
    sources = set(net.sources)
    nodes = tuple((v, a if v in sources else Rounded(a, k, clip)) for v, a in net.nodes)
    return Network(nodes, net.edges, net.outputs)


@examples(40)
@given(st.data(), st.integers(0, 5), st.sampled_from([None, "1", "5/2"]))
def test_passes_on_rounded_networks_match_the_reference(data: Any, k: int, clip: Any) -> None:
    base = data.draw(networks(kinds=("id", "relu", "poly", "pl"), max_degree=2, max_nodes=5))
    net = _rounded(base, k, clip)
    x = data.draw(inputs(net))
    y = {o: _fr(data.draw(rationals())) for o in net.outputs}
    samples = [Sample.of({v: _fr(q) for v, q in x.items()}, y, "squared")]
    ref = reference(net, samples)
    p = net.forward(samples[0].inputs, budget_bits=None)
    seed = {o: 2 * (p.value(o) - samples[0].labels[o]) for o in net.outputs}
    g = net.backward(p, seed, budget_bits=None)
    assert p.max_value_bits == ref.forward_bits
    assert {k_: Fraction(str(v)) for k_, v in g.dw.items()} == ref.dw
    assert g.max_bits == ref.backward_bits


def test_clipped_rounding_keeps_forward_sizes_flat_and_backward_linear() -> None:
    k, width = 8, 4
    act = Rounded("z**2", k, clip=1)
    rows = bit_growth(10, width=width, activations=(act,), scales=(1,))
    bounds = []
    for r in rows:
        net, x = layered_network(r.depth, act, width=width)
        bounds.append(clipped_forward_bound(net, x))
        assert r.forward_bits is not None and r.forward_bits <= bounds[-1]
    assert len(set(bounds[1:])) == 1  # the bound does not depend on depth
    # a layer multiplies δ by weights (denominators <= 4, |w| <= 3) and by σ_k' (den 2^k,
    # |σ_k'| <= 2): the common denominator gains <= width²·2 + k bits, the magnitude
    # <= log2(width) + 2 + 2 bits, and a size counts the denominator twice
    slope = 2 * (width * width * 2 + k) + 2 + 4
    first = rows[0].backward_bits
    assert first is not None
    assert all(
        r.backward_bits is not None and r.backward_bits <= first + (r.depth - 1) * slope
        for r in rows
    )


def test_study_contrasts_unrounded_growth_with_rounding() -> None:
    rows = rounding_study(8, k=8, width=3)
    by = {(r.activation, r.depth): r for r in rows}
    raw, clipped = by["z^2", 8].max_bits, by["round8(z^2, clip 1)", 8].max_bits
    assert raw is not None and clipped is not None and raw > 10 * clipped
    # rounding without a range bound fixes the fraction bits only: smaller, still growing
    unclipped = [by["round8(z^2)", d].forward_bits for d in range(1, 9)]
    assert unclipped[-1] is not None and by["z^2", 8].forward_bits is not None
    assert unclipped[-1] < by["z^2", 8].forward_bits


def test_rounded_is_not_an_app_e_activation() -> None:
    net = Network.from_specs({"s": "id", "r": Rounded("relu", 2)}, [("s", "r", 1, 0)], ["r"])
    with pytest.raises(InputError, match="not piecewise linear"):
        app_e_bound(net, None, [])


def test_validation_and_display() -> None:
    with pytest.raises(InputError, match="k"):
        Rounded("z**2", -1)
    with pytest.raises(InputError, match="clip"):
        Rounded("z**2", 2, clip=0)
    with pytest.raises(InputTypeError, match="clip"):
        Rounded("z**2", 2, clip=0.5)
    r = Rounded("z**2", 4, clip="3/2")
    assert str(r) == "round4(z^2, clip 3/2)"
    assert r.to_json() == {"rounded": {"inner": {"poly": ["0", "0", "1"]}, "k": 4, "clip": "3/2"}}
    assert r(-5) == Q(3, 2) and Rounded("z**3", 1)(Q(-1, 3)) == Q(-1, 2)  # floor: towards −∞
