"""Activation functions of the network model (paper §2), exact on rationals.

Four kinds, each a frozen dataclass that maps ``mpq`` to ``mpq``:

* :class:`Identity` (``kind == "id"``), σ(z) = z;
* :class:`ReLU` (``"relu"``), σ(z) = max(0, z), with σ'(0) = 0;
* :class:`Polynomial` (``"poly"``), σ(z) = Σ r_k z^k with rational ``r_k``;
* :class:`PiecewiseLinear` (``"pl"``), rational breakpoints, slopes and intercepts.

Besides ``__call__`` and ``derivative`` every activation offers an *integer interface*
used by :mod:`ermbit.network.engine.passes`: on a pre-activation written ``P/d`` (``d > 0``) it
returns
the numerator of σ(P/d) over the denominator ``f·d**k``, where ``(f, k)`` is
``denominator_shape`` -- so a whole network is evaluated on integers over common
denominators, without a gcd per operation -- plus bounds on ``log2|σ(z)|``.

>>> from ermbit.exact import parse
>>> s = parse_activation("z**3 + 2*z")
>>> str(s), s(parse("1/2")), s.derivative(1), s.to_json()
('z^3 + 2z', mpq(9,8), mpq(5,1), {'poly': ['0', '2', '0', '1']})
>>> relu = parse_activation("relu")
>>> relu(-3), relu(parse("5/2")), relu.derivative(0)
(mpq(0,1), mpq(5,2), mpq(0,1))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ermbit.exact import IntegerLike, Q, Rational
from ermbit.network._activation_base import _ONE, _ZERO, Activation, _q
from ermbit.network._activation_base import NumFn as NumFn  # kept importable from here
from ermbit.network._piecewise import PiecewiseLinear
from ermbit.network._polynomial import Polynomial
from ermbit.network.engine.bits import LogBound, lg

__all__ = [
    "Activation",
    "Identity",
    "LogBound",
    "PiecewiseLinear",
    "Polynomial",
    "ReLU",
    "lg",
    "parse_activation",
]


@dataclass(frozen=True)
class Identity(Activation):
    """σ(z) = z.  Sources of a network are identity nodes."""

    kind: ClassVar[str] = "id"

    def __call__(self, z: object) -> Rational:
        return _q(z)

    def derivative(self, z: object) -> Rational:
        _q(z)
        return Q(1)

    def to_json(self) -> Any:
        return "id"

    def numerator_fn(self, d: IntegerLike) -> NumFn:
        return lambda p: p

    def derivative_numerator_fn(self, d: IntegerLike) -> NumFn:
        return lambda p: _ONE

    def magnitude_lower_bound(self, a: int) -> LogBound:
        return a

    def __str__(self) -> str:
        return "id"


@dataclass(frozen=True)
class ReLU(Activation):
    """σ(z) = max(0, z).  **Convention:** σ'(0) = 0 (the left slope, as in
    :class:`PiecewiseLinear`); ReLU equals ``PiecewiseLinear((0,), (0, 1), (0, 0))``."""

    kind: ClassVar[str] = "relu"

    def __call__(self, z: object) -> Rational:
        q = _q(z)
        return q if q > 0 else Q(0)

    def derivative(self, z: object) -> Rational:
        return Q(1) if _q(z) > 0 else Q(0)

    def to_json(self) -> Any:
        return "relu"

    def numerator_fn(self, d: IntegerLike) -> NumFn:
        return lambda p: p if p > 0 else _ZERO

    def derivative_numerator_fn(self, d: IntegerLike) -> NumFn:
        return lambda p: _ONE if p > 0 else _ZERO

    def __str__(self) -> str:
        return "ReLU"


def parse_activation(spec: object) -> Activation:
    """An activation from a name, an expression, or its JSON form.

    Accepted: an :class:`Activation`; ``"id"``/``"identity"``; ``"relu"``; a polynomial
    expression such as ``"z**2"`` or ``"x^3 + 2*x"``; the docs: format.md JSON forms, as objects
    (``{"poly": ["0", "0", "1"]}``) or as JSON text.

    >>> parse_activation("ReLU"), parse_activation({"poly": ["1", "0", "-2"]})
    (ReLU(), Polynomial(coeffs=(mpq(1,1), mpq(0,1), mpq(-2,1))))

    Raises
    ------
    InputError
        If the text or object is not an activation (the message quotes it).
    InputTypeError
        For other types (numbers, lists...).
    """
    from ermbit.network._activation_codec import parse_spec

    return parse_spec(spec)
