"""Exact numbers: the only module of ermbit that imports gmpy2.

Every other module takes its integer and rational types and helpers from here, so the
choice of arithmetic is made once.  Floats never enter: :func:`parse` refuses them.

* ``Z`` -- arbitrary-precision integers (``gmpy2.mpz``); :data:`Integer` is their type.
* ``Q`` -- rationals in lowest terms (``gmpy2.mpq``); :data:`Rational` is their type.
* :data:`IntegerLike`, :data:`RationalLike` -- what a function accepts where it converts
  for itself (:func:`parse` takes these and nothing else).
* :func:`size` -- docs: model.md: ``size(p/r) = 1 + bitlen(|p|) + bitlen(r)``, ``bitlen(0) = 0``.
* :func:`bit` -- docs: model.md: ``bit_j(u/v) = floor(2^(-j)|u|/v) mod 2`` for any integer ``j``.
* :func:`enc` -- encoding length of a parameter vector, the sum of sizes.

>>> size(parse("3/4")), size(0), size(-1)
(6, 2, 3)
>>> [bit(parse("13/4"), j) for j in (-2, -1, 0, 1, 2)]
[1, 0, 1, 1, 0]
>>> parse(0.5)
Traceback (most recent call last):
...
ermbit.errors.InputTypeError: value: expected an int or a string 'p' or 'p/q', got float 0.5 ...
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import TypeAlias

import gmpy2

from ermbit.errors import InputError, InputTypeError

__all__ = [
    "Q",
    "Z",
    "Integer",
    "IntegerLike",
    "Rational",
    "RationalLike",
    "bit",
    "bitlen",
    "ceil_log2",
    "enc",
    "fmt",
    "gcd",
    "is_integer",
    "is_prime",
    "lcm",
    "next_prime",
    "parse",
    "parse_int",
    "powmod",
    "random_prime",
    "size",
    "to_fraction",
]

Z = gmpy2.mpz
Q = gmpy2.mpq
#: Type of exact integers (gmpy2 ``mpz``); mypy checks it against typings/gmpy2.
Integer: TypeAlias = gmpy2.mpz
#: Type of exact rationals in lowest terms (gmpy2 ``mpq``), the numbers of the model.
Rational: TypeAlias = gmpy2.mpq
#: An exact integer as a caller may hold it.
IntegerLike: TypeAlias = int | Integer
#: Anything :func:`parse` turns into a :data:`Rational` (never a float).
RationalLike: TypeAlias = int | Integer | Rational | Fraction | str
#: Types accepted wherever a number is parsed.
_INT_TYPES = (int, type(gmpy2.mpz(0)))
_Q_TYPE = type(gmpy2.mpq(0))
_RAT_RE = re.compile(r"^\s*([+-]?[0-9]+)\s*(?:/\s*([0-9]+)\s*)?$")

gcd = gmpy2.gcd
lcm = gmpy2.lcm
powmod = gmpy2.powmod
is_prime = gmpy2.is_prime
next_prime = gmpy2.next_prime


def parse(value: object, *, name: str = "value") -> Rational:
    """Return ``value`` as an exact rational (``mpq``).

    Accepted: ``int``, ``mpz``, ``mpq``, :class:`fractions.Fraction`, and strings
    ``"p"`` or ``"p/q"`` (optional sign on ``p``, ``q > 0``).

    Raises
    ------
    InputTypeError
        For ``bool``, ``float``, ``Decimal`` and every other type; a float would
        silently become a binary fraction (``mpq(0.1)`` is not 1/10).
    InputError
        For a malformed string or a zero denominator.  ``name`` is used in the
        message to say which argument was wrong.

    >>> parse("-6/4"), parse(7), parse(" 5 ")
    (mpq(-3,2), mpq(7,1), mpq(5,1))
    >>> parse("1/0", name="w")
    Traceback (most recent call last):
    ...
    ermbit.errors.InputError: w: zero denominator in '1/0'
    """
    if isinstance(value, bool):
        raise InputTypeError(f"{name}: expected a rational, got bool {value!r}")
    if isinstance(value, _Q_TYPE):
        return value
    if isinstance(value, _INT_TYPES):
        return gmpy2.mpq(value)
    if isinstance(value, Fraction):
        return gmpy2.mpq(value.numerator, value.denominator)
    if isinstance(value, str):
        m = _RAT_RE.match(value)
        if m is None:
            raise InputError(f"{name}: {value!r} is not a rational of the form 'p' or 'p/q'")
        num = gmpy2.mpz(m.group(1))
        if m.group(2) is None:
            return gmpy2.mpq(num)
        den = gmpy2.mpz(m.group(2))
        if den == 0:
            raise InputError(f"{name}: zero denominator in {value!r}")
        return gmpy2.mpq(num, den)
    kind = type(value).__name__
    hint = ""
    if isinstance(value, float):
        hint = " (floats are not exact; write it as a string such as '1/2')"
    raise InputTypeError(
        f"{name}: expected an int or a string 'p' or 'p/q', got {kind} {value!r}{hint}"
    )


def parse_int(value: object, *, name: str = "value") -> Integer:
    """Return ``value`` as an exact integer (``mpz``); rejects non-integers like :func:`parse`.

    >>> parse_int("12"), parse_int(-3)
    (mpz(12), mpz(-3))
    """
    q = parse(value, name=name)
    if q.denominator != 1:
        raise InputError(f"{name}: expected an integer, got {fmt(q)}")
    return q.numerator


def is_integer(q: RationalLike) -> bool:
    """Whether the rational ``q`` is an integer."""
    return bool(Q(q).denominator == 1)


def bitlen(n: IntegerLike) -> int:
    """Number of bits of ``|n|``; ``bitlen(0) = 0``.

    >>> bitlen(0), bitlen(1), bitlen(-8)
    (0, 1, 4)
    """
    return int(gmpy2.mpz(n).bit_length())


def ceil_log2(n: int) -> int:
    """Smallest ``c >= 0`` with ``2**c >= n`` (for ``n >= 1``).

    >>> [ceil_log2(k) for k in (1, 2, 3, 4, 5)]
    [0, 1, 2, 2, 3]
    """
    if n < 1:
        raise InputError(f"n: ceil_log2 needs n >= 1, got {n}")
    return int((gmpy2.mpz(n) - 1).bit_length())


def size(q: RationalLike) -> int:
    """Size in bits of a rational, docs: model.md: ``1 + bitlen(|p|) + bitlen(r)``.

    ``q = p/r`` in lowest terms with ``r > 0``; the leading 1 is the sign bit.

    >>> size(parse("-5/3"))
    6
    """
    q = parse(q, name="q") if not isinstance(q, _Q_TYPE) else q
    return 1 + int(q.numerator.bit_length()) + int(q.denominator.bit_length())


def bit(q: RationalLike, j: int) -> int:
    """Bit ``j`` of a rational, docs: model.md: ``floor(2**(-j) * |u| / v) mod 2``.

    Negative ``j`` reads bits after the binary point; for an integer and ``j >= 0``
    this is the ordinary bit of ``|q|``.

    >>> bit(5, 0), bit(5, 1), bit(-5, 2), bit(parse("1/2"), -1), bit(parse("1/3"), -2)
    (1, 0, 1, 1, 1)
    """
    if hasattr(q, "gates"):  # an SLP: its value is only defined by running it
        raise InputTypeError(
            f"q: bit() reads a bit of a rational number, got a {type(q).__name__}; for bit "
            "j of a program's value n_P use ermbit.slp.bit(program, j)"
        )
    q = parse(q, name="q") if not isinstance(q, _Q_TYPE) else q
    j = int(j)
    u = abs(q.numerator)
    v = q.denominator
    if j >= 0:
        # |q| < 2^bitlen(u) ≤ 2^j: the bit is 0 (and j may be far too large to shift by)
        return 0 if j >= u.bit_length() else int(((u >> j) // v).bit_test(0))
    if v == 1:
        return 0
    # bit −k: with 2^(k−1)·u = a·v + r, floor(2^k·u/v) = 2a + floor(2r/v), so the bit is
    # [2r ≥ v]; r by modular exponentiation, so j = −10^23 costs no memory
    r = u * gmpy2.powmod(2, -j - 1, v) % v
    return int(2 * r >= v)


def enc(theta: Mapping[object, object] | Iterable[object]) -> int:
    """Encoding length of a parameter vector: the sum of :func:`size` over its entries.

    ``theta`` may be an iterable of rationals, or a mapping whose values are rationals
    or ``(w, b)`` pairs (one weight and one bias per edge, paper §2).

    >>> enc({("s", "v"): ("1", "0")})
    5
    """
    values = theta.values() if isinstance(theta, Mapping) else theta
    total = 0
    for v in values:
        if isinstance(v, tuple | list):
            total += sum(size(parse(x)) for x in v)
        else:
            total += size(parse(v))
    return total


def fmt(q: RationalLike) -> str:
    """Canonical string form ``"p"`` or ``"p/q"`` of a rational (the JSON encoding).

    >>> fmt(parse("6/4")), fmt(-3)
    ('3/2', '-3')
    """
    q = parse(q)
    if q.denominator == 1:
        return str(q.numerator)
    return f"{q.numerator}/{q.denominator}"


def to_fraction(q: RationalLike) -> Fraction:
    """Convert to :class:`fractions.Fraction` (used by reference implementations in tests)."""
    q = parse(q)
    return Fraction(int(q.numerator), int(q.denominator))


def random_prime(bits: int, rng: random.Random) -> Integer:
    """A prime of about ``bits`` bits drawn with ``rng`` (a :class:`random.Random`)."""
    return gmpy2.next_prime(gmpy2.mpz(rng.getrandbits(bits)) | (gmpy2.mpz(1) << (bits - 1)))
