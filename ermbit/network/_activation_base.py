"""The base class of the activations (its integer interface and bounds, the contract
every kind meets) and the helpers the kinds share (private to :mod:`ermbit.network`).

The kinds are :class:`~ermbit.network.activations.Identity`,
:class:`~ermbit.network.activations.ReLU`, :class:`~ermbit.network.activations.Polynomial`
and :class:`~ermbit.network.activations.PiecewiseLinear`; import everything from
:mod:`ermbit.network.activations`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from ermbit.errors import FormatError, InputTypeError
from ermbit.exact import Integer, IntegerLike, Rational, Z, lcm, parse
from ermbit.network.engine.bits import LogBound

__all__ = ["Activation", "NumFn"]

#: Numerator map of the integer interface: P ↦ numerator of σ(P/d) (or of σ'(P/d)).
NumFn = Callable[[Integer], Integer]
_ONE = Z(1)
_ZERO = Z(0)


class Activation:
    """Base class of the activations; ``Activation.from_json`` decodes any of them.

    Integer interface, for every integer ``P`` and integer ``d > 0``::

        σ(P/d)  == numerator_fn(d)(P) / (f * d**k)
        σ'(P/d) == derivative_numerator_fn(d)(P) / (f' * d**k')

    with ``(f, k) = denominator_shape`` and ``(f', k') = derivative_denominator_shape``;
    and for every rational ``z`` with ``|z| <= 2**a`` (``a = None`` meaning ``z = 0``),
    ``|σ(z)| <= 2**magnitude_bound(a)`` and ``|σ'(z)| <= 2**derivative_magnitude_bound(a)``
    (a bound ``None`` means the value is 0).  The defaults suit identity and ReLU.
    """

    kind: ClassVar[str] = ""

    def __call__(self, z: object) -> Rational:
        """σ(z) for a rational ``z`` (int, string, ``mpq``; floats are refused)."""
        raise NotImplementedError

    def derivative(self, z: object) -> Rational:
        """σ'(z) (at a kink: the left slope, see :class:`PiecewiseLinear`)."""
        raise NotImplementedError

    def to_json(self) -> Any:
        """The docs: format.md JSON form (``"id"``, ``"relu"``, ``{"poly": ...}``, ``{"pl":
        ...}``)."""
        raise NotImplementedError

    def numerator_fn(self, d: IntegerLike) -> NumFn:
        """``P ↦`` numerator of σ(P/d) over ``f * d**k`` (see above)."""
        raise NotImplementedError

    def derivative_numerator_fn(self, d: IntegerLike) -> NumFn:
        """``P ↦`` numerator of σ'(P/d) over ``f' * d**k'`` (see above)."""
        raise NotImplementedError

    @property
    def is_piecewise_linear(self) -> bool:
        """Whether σ is piecewise linear (the NP side of the dichotomy, App. E)."""
        return True

    @property
    def denominator_shape(self) -> tuple[Integer, int]:
        """``(f, k)``: σ(P/d) has a denominator dividing ``f * d**k``."""
        return (_ONE, 1)

    @property
    def derivative_denominator_shape(self) -> tuple[Integer, int]:
        """``(f', k')``: σ'(P/d) has a denominator dividing ``f' * d**k'``."""
        return (_ONE, 0)

    def magnitude_bound(self, a: LogBound) -> LogBound:
        """A bound ``b`` with ``|σ(z)| <= 2**b`` whenever ``|z| <= 2**a``."""
        return a

    def derivative_magnitude_bound(self, a: LogBound) -> LogBound:
        """A bound ``b`` with ``|σ'(z)| <= 2**b`` whenever ``|z| <= 2**a``."""
        return 0

    def magnitude_lower_bound(self, a: int) -> LogBound:
        """A bound ``b`` with ``|σ(z)| >= 2**b`` whenever ``|z| >= 2**a``; ``None`` when no
        positive lower bound is known (ReLU and piecewise-linear σ may vanish)."""
        return None

    def numerator_bits(self, p_bits: int, d_bits: int) -> int:
        """Bound on ``bitlen`` of ``numerator_fn(d)(P)`` **and of every intermediate number
        it computes**, whenever ``|P| < 2**p_bits`` and ``1 <= d < 2**d_bits``."""
        return p_bits

    def derivative_numerator_bits(self, p_bits: int, d_bits: int) -> int:
        """The same bound for ``derivative_numerator_fn(d)(P)``."""
        return 1

    @classmethod
    def from_json(cls, obj: Any, *, where: str = "activation") -> Activation:
        """Decode the docs: format.md form; ``where`` names the field in errors.

        Raises
        ------
        FormatError
            For an unknown name, a malformed object, a float, or (when called on a
            subclass) an activation of another kind.
        """
        from ermbit.network._activation_codec import decode

        act = decode(obj, where)
        if cls is not Activation and not isinstance(act, cls):
            raise FormatError(f"expected a {cls.kind!r} activation, got {obj!r}", field=where)
        return act


def _q(z: object) -> Rational:
    return parse(z, name="z")


def _rationals(values: object, field: str) -> tuple[Rational, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise InputTypeError(f"{field}: expected a sequence of rationals, got {values!r}")
    return tuple(parse(v, name=f"{field}[{i}]") for i, v in enumerate(values))


def _common_den(values: Sequence[Rational]) -> Integer:
    out = _ONE
    for v in values:
        out = lcm(out, v.denominator)
    return out
