"""Tests of ermbit.network.activations: exact values, the integer interface, bounds, parsing,
JSON."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ermbit.errors import FormatError, InputError, InputTypeError
from ermbit.exact import Q, parse, to_fraction
from ermbit.network.activations import (
    Activation,
    Identity,
    PiecewiseLinear,
    Polynomial,
    ReLU,
    parse_activation,
)
from tests.profiles import examples
from tests.reference import dsigma, sigma
from tests.strategies_net import activations, rationals

F = Fraction
SETTINGS = examples(60)


def naive(act: Activation, z: Fraction) -> tuple[Fraction, Fraction]:
    """(σ(z), σ'(z)) from the definitions (the tests' one reference)."""
    return sigma(act, z), dsigma(act, z)


@SETTINGS
@given(activations(), rationals(20, 7))
def test_values_and_derivatives_match_definitions(act: Activation, z: Fraction) -> None:
    value, slope = naive(act, z)
    assert to_fraction(act(parse(z))) == value
    assert to_fraction(act.derivative(parse(z))) == slope


@SETTINGS
@given(activations(max_degree=4), st.integers(-(10**6), 10**6), st.integers(1, 10**4))
def test_integer_interface(act: Activation, p: int, d: int) -> None:
    z = Q(p, d)
    f, k = act.denominator_shape
    assert act.numerator_fn(d)(p) == act(z) * f * d**k
    f, k = act.derivative_denominator_shape
    assert act.derivative_numerator_fn(d)(p) == act.derivative(z) * f * d**k


@SETTINGS
@given(activations(max_degree=4), rationals(10**4, 10**3))
def test_magnitude_bounds(act: Activation, z: Fraction) -> None:
    q = parse(z)
    a = None if z == 0 else next(e for e in range(-20, 40) if abs(z) <= F(2) ** e)
    for bound, value in (
        (act.magnitude_bound(a), act(q)),
        (act.derivative_magnitude_bound(a), act.derivative(q)),
    ):
        if bound is None:
            assert value == 0
        else:
            assert abs(to_fraction(value)) <= F(2) ** bound


def _bitlen(n: int) -> int:
    return abs(int(n)).bit_length()


@SETTINGS
@given(activations(max_degree=4), st.integers(-(10**30), 10**30), st.integers(1, 10**20))
def test_numerator_bit_bounds(act: Activation, p: int, d: int) -> None:
    # the dynamic engine checks these bounds before evaluating σ or σ' on big numbers
    pb, db = _bitlen(p), _bitlen(d)
    assert _bitlen(act.numerator_fn(d)(p)) <= act.numerator_bits(pb, db)
    assert _bitlen(act.derivative_numerator_fn(d)(p)) <= act.derivative_numerator_bits(pb, db)


@SETTINGS
@given(activations(max_degree=4), st.integers(-12, 12), rationals(10**3, 10), st.data())
def test_magnitude_lower_bounds(act: Activation, a: int, z: Fraction, data: Any) -> None:
    # |σ(z)| >= 2**b for every |z| >= 2**a: test z scaled up to that range
    bound = act.magnitude_lower_bound(a)
    assume(bound is not None and z != 0)
    scale = F(2) ** a / abs(z) if abs(z) < F(2) ** a else F(1)
    big = z * scale * data.draw(st.sampled_from([1, F(3, 2), 2, 7, 1000]))
    assert abs(naive(act, big)[0]) >= F(2) ** bound


def test_magnitude_lower_bound_cases() -> None:
    square = Polynomial((0, 0, 1))
    assert square.magnitude_lower_bound(5) == 10  # exact for a monomial
    assert Polynomial.from_expr("1 - 2*z**4").magnitude_lower_bound(3) == 1 + 12 - 1
    assert Polynomial.from_expr("z**2 - 100*z").magnitude_lower_bound(2) is None
    assert ReLU().magnitude_lower_bound(3) is None
    assert Identity().magnitude_lower_bound(-4) == -4


@SETTINGS
@given(rationals(50, 9))
def test_relu_is_the_piecewise_linear_function(z: Fraction) -> None:
    pl = PiecewiseLinear((0,), (0, 1), (0, 0))
    q = parse(z)
    assert ReLU()(q) == pl(q) and ReLU().derivative(q) == pl.derivative(q)


def test_relu_kink_conventions() -> None:
    assert ReLU().derivative(0) == 0 and ReLU().derivative(Q(1, 10**9)) == 1
    jump = PiecewiseLinear(("1/2", 2), (1, -1, 3), (0, 5, "1/3"))
    assert jump("1/2") == Q(1, 2) and jump.derivative("1/2") == 1  # left piece
    assert jump(Q(1, 2) + Q(1, 10**6)) == 5 - Q(1, 2) - Q(1, 10**6)
    assert jump(2) == 3 and jump.derivative(2) == -1
    assert jump(3) == 9 + Q(1, 3) and jump.piece(3) == 2


def test_polynomial_normalises_and_differentiates() -> None:
    p = Polynomial((1, 0, "2/3", 0, 0))
    assert p.coeffs == (Q(1), Q(0), Q(2, 3)) and p.degree == 2
    assert p.derivative_poly() == Polynomial((0, "4/3"))
    assert Polynomial(()) == Polynomial((0, 0)) == Polynomial((0,))
    assert Polynomial((0,)).degree == 0 and Polynomial((0,))(5) == 0
    assert Polynomial((3,)).derivative_poly() == Polynomial((0,))
    assert Polynomial((0, 1)).is_piecewise_linear and not Polynomial((0, 0, 1)).is_piecewise_linear


@pytest.mark.parametrize(
    ("text", "coeffs"),
    [
        ("x**3 + 2*x", (0, 2, 0, 1)),
        ("z^2/3 - z + 5", (5, -1, "1/3")),
        ("(z + 1)**2", (1, 2, 1)),
        ("7", (7,)),
        ("1 - 2*z**4", (1, 0, 0, 0, -2)),
    ],
)
def test_polynomial_from_expr(text: str, coeffs: tuple[Any, ...]) -> None:
    assert Polynomial.from_expr(text) == Polynomial(coeffs)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("sqrt(2)*z", "only the variable"),
        ("0.5*z**2", "floats are not exact"),
        ("1/z", "not a polynomial"),
        ("z**(1/2)", "not a polynomial"),
        ("exp(z)", "only the variable"),
        ("x*z", "one variable"),
        ("z**", "not a polynomial"),
        ("z**100000", "exponents above"),
    ],
)
def test_polynomial_from_expr_rejects(text: str, why: str) -> None:
    with pytest.raises(InputError, match=why) as info:
        Polynomial.from_expr(text)
    assert repr(text) in str(info.value)


def test_piecewise_linear_validation_names_the_field() -> None:
    with pytest.raises(InputError, match="breakpoints: must be strictly increasing"):
        PiecewiseLinear((1, 1), (0, 0, 0), (0, 0, 0))
    with pytest.raises(InputError, match=r"slopes: need len\(breakpoints\) \+ 1 = 2"):
        PiecewiseLinear((0,), (1,), (0, 0))
    with pytest.raises(InputError, match="intercepts: need"):
        PiecewiseLinear((0,), (1, 2), (0, 0, 0))
    with pytest.raises(InputTypeError, match=r"slopes\[1\].*float"):
        PiecewiseLinear((0,), (1, 0.5), (0, 0))
    with pytest.raises(InputTypeError, match="breakpoints: expected a sequence"):
        PiecewiseLinear("0", (1, 2), (0, 0))
    assert PiecewiseLinear((), ("1/2",), (1,))(4) == 3


def test_floats_are_refused() -> None:
    for act in (Identity(), ReLU(), Polynomial((0, 1)), PiecewiseLinear((), (1,), (0,))):
        with pytest.raises(InputTypeError, match="float"):
            act(0.5)
    with pytest.raises(InputTypeError, match=r"coeffs\[0\]"):
        Polynomial((0.5,))


@pytest.mark.parametrize(
    ("act", "text"),
    [
        (Identity(), "id"),
        (ReLU(), "ReLU"),
        (Polynomial((0, 2, 0, 1)), "z^3 + 2z"),
        (Polynomial((5, -1, "1/3")), "(1/3)z^2 - z + 5"),
        (Polynomial((1, 0, -1)), "-z^2 + 1"),
        (Polynomial((0,)), "0"),
        (Polynomial(("-1/2",)), "-1/2"),
        (PiecewiseLinear((0,), (0, 1), (0, 0)), "PL(z ≤ 0: 0 | z > 0: z)"),
        (
            PiecewiseLinear((-1, 2), (1, 0, -3), (0, -1, 5)),
            "PL(z ≤ -1: z | -1 < z ≤ 2: -1 | z > 2: -3z + 5)",
        ),
    ],
)
def test_str(act: Activation, text: str) -> None:
    assert str(act) == text


@SETTINGS
@given(activations())
def test_json_round_trip(act: Activation) -> None:
    obj = act.to_json()
    assert Activation.from_json(json.loads(json.dumps(obj))) == act
    assert type(act).from_json(obj) == act
    assert parse_activation(json.dumps(obj)) == act
    assert parse_activation(obj) == act


def test_json_forms_and_errors() -> None:
    assert Identity().to_json() == "id" and ReLU().to_json() == "relu"
    assert PiecewiseLinear((0,), (0, "1/2"), (0, 1)).to_json() == {
        "pl": {"breakpoints": ["0"], "slopes": ["0", "1/2"], "intercepts": ["0", "1"]}
    }
    with pytest.raises(FormatError, match=r"field 'nodes\[2\].activation': unknown activation"):
        Activation.from_json("tanh", where="nodes[2].activation")
    with pytest.raises(FormatError, match=r"activation.poly\[1\]"):
        Activation.from_json({"poly": ["1", 0.5]})
    with pytest.raises(FormatError, match=r"activation.pl.slopes\[0\]"):
        Activation.from_json({"pl": {"breakpoints": [], "slopes": ["1/0"], "intercepts": ["0"]}})
    with pytest.raises(FormatError, match="expected an object with keys"):
        Activation.from_json({"pl": {"breakpoints": []}})
    with pytest.raises(FormatError, match="breakpoints: must be strictly increasing"):
        Activation.from_json(
            {"pl": {"breakpoints": ["1", "0"], "slopes": ["0"] * 3, "intercepts": ["0"] * 3}}
        )
    with pytest.raises(FormatError, match="expected a 'relu' activation"):
        ReLU.from_json("id")


def test_parse_activation_forms() -> None:
    assert parse_activation("Identity") == Identity() and parse_activation(" relu ") == ReLU()
    assert parse_activation("z**2") == Polynomial((0, 0, 1))
    assert parse_activation('{"poly": ["1", "1"]}') == Polynomial((1, 1))
    relu = ReLU()
    assert parse_activation(relu) is relu
    with pytest.raises(InputTypeError):
        parse_activation(2)
    with pytest.raises(InputError, match="not valid JSON"):
        parse_activation("{poly")
    assert [
        a.kind for a in (Identity(), ReLU(), Polynomial((1,)), PiecewiseLinear((), (1,), (0,)))
    ] == [
        "id",
        "relu",
        "poly",
        "pl",
    ]
