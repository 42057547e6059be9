"""Tests of ermbit.exact against plain-Python (fractions.Fraction) reference implementations."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ermbit.errors import InputError, InputTypeError
from ermbit.exact import Q, Z, bit, enc, fmt, parse, parse_int, size
from tests.profiles import examples

SETTINGS = examples(60)

BIG = 2**80
integers = st.integers(-BIG, BIG)
denominators = st.integers(1, 2**40)
fractions = st.builds(Fraction, integers, denominators)


def as_fraction(q: object) -> Fraction:
    """An mpq as a Fraction, read through its numerator and denominator only."""
    return Fraction(int(q.numerator), int(q.denominator))  # type: ignore[attr-defined]


def size_ref(x: Fraction) -> int:
    """docs: model.md: 1 + bitlen(|p|) + bitlen(r) for x = p/r in lowest terms, r > 0."""
    return 1 + abs(x.numerator).bit_length() + x.denominator.bit_length()


def bit_ref(x: Fraction, j: int) -> int:
    """docs: model.md: floor(2^(-j) |u| / v) mod 2, computed with Fraction arithmetic."""
    return (abs(x) * Fraction(2) ** (-j)).__floor__() % 2


# ------------------------------------------------------------------------------ parse


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, Fraction(0)),
        (-7, Fraction(-7)),
        (10**30, Fraction(10**30)),
        ("12", Fraction(12)),
        ("-12", Fraction(-12)),
        ("+5", Fraction(5)),
        (" 3 / 9 ", Fraction(1, 3)),
        ("-6/4", Fraction(-3, 2)),
        ("0/5", Fraction(0)),
        (Fraction(-22, 8), Fraction(-11, 4)),
        (Q(10, -4), Fraction(-5, 2)),
        (Z(-9), Fraction(-9)),
    ],
)
def test_parse_accepts(value: object, expected: Fraction) -> None:
    q = parse(value)
    assert isinstance(q, type(Q(0)))
    assert as_fraction(q) == expected


@SETTINGS
@given(p=integers, r=denominators)
def test_parse_string_matches_fraction(p: int, r: int) -> None:
    expected = Fraction(p, r)
    assert as_fraction(parse(f"{p}/{r}")) == expected
    assert as_fraction(parse(str(p))) == p
    assert as_fraction(parse(expected)) == expected
    assert as_fraction(parse(fmt(parse(f"{p}/{r}")))) == expected  # fmt is parse's inverse


@pytest.mark.parametrize(
    "value", [0.5, 1.0, float("nan"), True, False, Decimal("1.5"), None, 1 + 2j, b"1", [1], (1, 2)]
)
def test_parse_rejects_types(value: object) -> None:
    with pytest.raises(InputTypeError) as info:
        parse(value, name="weight")
    assert isinstance(info.value, TypeError)
    assert str(info.value).startswith("weight: ")


@pytest.mark.parametrize(
    "text",
    [
        "1.5",
        "1/0",
        "-3/0",
        "",
        "   ",
        "abc",
        "1/-2",
        "1//2",
        "1/2/3",
        "0x10",
        "1e3",
        "1 2",
        "/2",
        "2/",
        "- 1",
        "1_000",
        "inf",
        "nan",
    ],
)
def test_parse_rejects_strings(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse(text, name="bias")
    assert isinstance(info.value, ValueError)
    assert str(info.value).startswith("bias: ")


@pytest.mark.parametrize("text", ["\uff13", "\u0663/\u0664"])
def test_parse_rejects_non_ascii_digits_with_input_error(text: str) -> None:
    with pytest.raises(InputError):
        parse(text)


def test_parse_float_message_suggests_a_string() -> None:
    with pytest.raises(InputTypeError, match="not exact"):
        parse(0.1)


def test_parse_int() -> None:
    assert parse_int("12") == 12 and parse_int(Fraction(8, 4)) == 2
    with pytest.raises(InputError, match="n: expected an integer, got 1/2"):
        parse_int("1/2", name="n")
    with pytest.raises(InputTypeError):
        parse_int(2.0)


# ------------------------------------------------------------------------------- size


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 2), (1, 3), (-1, 3), ("3/4", 6), ("-5/3", 6), (255, 10), ("1/256", 11), (Q(6, 4), 5)],
)
def test_size_golden(value: object, expected: int) -> None:
    # 0 = 0/1: sign bit + 0 + 1; 3/4: 1 + 2 + 3; 1/256: 1 + 1 + 9; 6/4 = 3/2: 1 + 2 + 2.
    assert size(value) == expected


@SETTINGS
@given(x=fractions)
def test_size_matches_reference(x: Fraction) -> None:
    expected = size_ref(x)
    assert size(parse(x)) == expected
    assert size(f"{x.numerator * 3}/{x.denominator * 3}") == expected  # lowest terms first
    assert size(-x) == expected


def test_size_rejects_floats() -> None:
    with pytest.raises(InputTypeError):
        size(0.5)


# -------------------------------------------------------------------------------- bit


@pytest.mark.parametrize(
    ("value", "j", "expected"),
    [
        ("13/4", 2, 0),  # 13/4 = 11.01 in binary
        ("13/4", 1, 1),
        ("13/4", 0, 1),
        ("13/4", -1, 0),
        ("13/4", -2, 1),
        ("13/4", -3, 0),
        ("1/3", -1, 0),  # 1/3 = 0.010101...
        ("1/3", -2, 1),
        ("1/3", -101, 0),
        ("1/3", -100, 1),
        (5, -1, 0),
        (-5, 2, 1),
        (-5, 1, 0),
        (2**100, 100, 1),
        (2**100, 99, 0),
        (0, 0, 0),
        (1, 10**6, 0),
    ],
)
def test_bit_golden(value: object, j: int, expected: int) -> None:
    assert bit(parse(value), j) == expected


@SETTINGS
@given(x=fractions, j=st.integers(-70, 90))
def test_bit_matches_reference(x: Fraction, j: int) -> None:
    expected = bit_ref(x, j)
    q = parse(x)
    assert bit(q, j) == expected
    assert bit(-q, j) == expected
    assert bit(q, Z(j)) == expected


@SETTINGS
@given(n=integers, j=st.integers(-10, 90))
def test_bit_of_integer_is_ordinary_bit(n: int, j: int) -> None:
    expected = (abs(n) >> j) & 1 if j >= 0 else 0
    assert bit(n, j) == expected
    assert bit(str(n), j) == expected


@SETTINGS
@given(x=fractions, j=st.integers(-40, 40))
def test_bits_reassemble_the_value(x: Fraction, j: int) -> None:
    # Bits j, j+1, ... of |x| weighted by 2^k sum to 2^j * floor(2^-j |x|).
    q = parse(x)
    top = max(size_ref(x), 1) + abs(j) + 2
    total = sum(Fraction(2) ** k * bit(q, k) for k in range(j, top))
    assert total == Fraction(2) ** j * (abs(x) / Fraction(2) ** j).__floor__()


# -------------------------------------------------------------------------------- enc


def test_enc_golden() -> None:
    assert enc({("s", "v"): ("1", "0")}) == 3 + 2
    assert enc([]) == 0 and enc({}) == 0
    assert enc(["1/2", 3, Fraction(-1, 4)]) == 4 + 4 + 5


@SETTINGS
@given(
    pairs=st.dictionaries(
        st.tuples(st.text(max_size=2), st.text(max_size=2)),
        st.tuples(fractions, fractions),
        max_size=6,
    )
)
def test_enc_of_weight_bias_pairs(pairs: dict[tuple[str, str], tuple[Fraction, Fraction]]) -> None:
    expected = sum(size_ref(w) + size_ref(b) for w, b in pairs.values())
    assert enc(pairs) == expected
    as_strings = {e: (f"{w.numerator}/{w.denominator}", str(b)) for e, (w, b) in pairs.items()}
    assert enc(as_strings) == expected
    assert enc(x for wb in pairs.values() for x in wb) == expected


@SETTINGS
@given(values=st.lists(fractions, max_size=8))
def test_enc_of_flat_mapping(values: list[Fraction]) -> None:
    assert enc(dict(enumerate(values))) == sum(map(size_ref, values))


def test_enc_rejects_floats() -> None:
    with pytest.raises(InputTypeError):
        enc({"e": (0.5, "0")})
    with pytest.raises(InputError):
        enc(["1/0"])
