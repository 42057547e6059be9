"""Reductions total on their source problem (issue 13, deliverable 4).

Backprop-Bit and Backprop-Sign are defined for every rational a_0; the reductions used
to refuse a_0 = 1/3 (Bit) and every non-integer a_0 (Sign).  Each answer is compared
with exact evaluation of the source SLP, and the generic verifier runs the claim.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ermbit import exact
from ermbit.checking.verifier import verify
from ermbit.errors import InputTypeError
from ermbit.problems.queries import BitQuery
from ermbit.reductions.backprop import PosSlpToBackpropSign, SlpToBackpropBit, homogenise
from ermbit.slp import SLP, evaluate
from tests.strategies_slp import slps

A0S = ["1/3", "-5/7", "3", "-6", "2/3", "7/4", "0"]


@pytest.mark.parametrize("a0", A0S)
@pytest.mark.parametrize("j", [-6, -3, -1, 0, 1, 4])
def test_bit_for_every_rational_a0(a0: str, j: int) -> None:
    slp = SLP(a0, [("*", 0, 0), ("+", 1, 0), ("*", 2, 1)])  # (a0² + a0)·a0²
    target = SlpToBackpropBit().forward(BitQuery(slp, j))
    assert target.instance.answer() == exact.bit(evaluate(slp), j)
    assert verify(SlpToBackpropBit(), BitQuery(slp, j)).passed


@settings(max_examples=40, deadline=None)
@given(slps(max_gates=4, integer=False), st.integers(-5, 5))
def test_bit_property(slp: SLP, j: int) -> None:
    target = SlpToBackpropBit().forward(BitQuery(slp, j))
    assert target.instance.answer() == exact.bit(evaluate(slp), j)


@pytest.mark.parametrize("a0", A0S)
def test_sign_for_every_rational_a0(a0: str) -> None:
    for gates in ([("*", 0, 0), ("-", 1, 0)], [("-", 0, 0)], [("+", 0, 0), ("*", 1, 1)]):
        slp = SLP(a0, gates)
        target = PosSlpToBackpropSign(copies=2).forward(slp)
        g, thr = target.instance.gradient(), exact.parse(target.meta["threshold"])
        assert thr > 0
        assert (g >= thr) == (evaluate(slp) > 0) and (g <= -thr) == (evaluate(slp) <= 0)
        assert verify(PosSlpToBackpropSign(copies=2), slp).passed


@settings(max_examples=40, deadline=None)
@given(slps(max_gates=4, integer=False))
def test_homogenise_scales_by_a_positive_power(slp: SLP) -> None:
    h, e = homogenise(slp)
    q = Fraction(slp.a0).denominator
    assert h.a0 == 1 and evaluate(h) == evaluate(slp) * q**e


def test_bit_of_an_slp_gives_a_clear_error() -> None:
    import ermbit

    with pytest.raises(InputTypeError, match=r"ermbit\.slp\.bit"):
        ermbit.bit(SLP(1, [("+", 0, 0)]), 0)  # type: ignore[arg-type]


def test_cli_backprop_bit_for_a0_one_third(tmp_path: object) -> None:
    import io
    import json
    from pathlib import Path

    from ermbit import formats
    from ermbit.cli import main

    d = Path(str(tmp_path))
    slp = SLP("1/3", [("*", 0, 0), ("+", 1, 0)])  # 1/9 + 1/3 = 4/9 = 0.0111000111…₂
    formats.write(d / "p.json", slp)
    for j in (-1, -2, -3, -4):
        out = io.StringIO()
        argv = ["reduce", "slp-to-backprop-bit", str(d / "p.json"), "--bit", str(j)]
        assert main([*argv, "-o", str(d / f"g{-j}.json")], out=out) == 0
        out = io.StringIO()
        assert main(["solve", str(d / f"g{-j}.json"), "--json"], out=out) == 0
        assert json.loads(out.getvalue())["bit"] == exact.bit(exact.parse("4/9"), j)


@pytest.mark.parametrize("a0", ["1/3", "-2", "0"])
def test_bounded_sign_for_every_rational_a0(a0: str) -> None:
    slp = SLP(a0, [("*", 0, 0), ("-", 1, 0)])
    red = PosSlpToBackpropSign(copies=2, bounded=True)
    target = red.forward(slp)
    g, thr = target.instance.gradient(), exact.parse(target.meta["threshold"])
    assert (g >= thr) == (evaluate(slp) > 0) and (g <= -thr) == (evaluate(slp) <= 0)
    assert verify(red, slp).passed


@pytest.mark.parametrize("a0", ["0", "-1/2", "1/3", "5"])
def test_posslp_to_erm_for_every_rational_a0(a0: str) -> None:
    from ermbit.reductions.bitslp_to_erm import PosSlpToErm

    for gates in ([("*", 0, 0), ("-", 1, 0)], [("-", 0, 0)], [("*", 0, 0)]):
        assert verify(PosSlpToErm(), SLP(a0, gates)).passed


def test_bnslp_stays_narrowed_to_a0_one_with_the_reason() -> None:
    from ermbit.errors import InputError
    from ermbit.reductions import bnslp

    with pytest.raises(InputError, match="needs a0 = 1"):
        bnslp.SlpToBnslp().forward(SLP("1/3", [("*", 0, 0)]))
    assert "Source problem" in (bnslp.__doc__ or "") or "source problem" in (bnslp.__doc__ or "")
