"""Polynomial activations σ(z) = Σ r_k z^k with rational coefficients: exact values, the
integer interface (Horner over a common denominator) and its size bounds (private to
:mod:`ermbit.network`; import :class:`Polynomial` from :mod:`ermbit.network.activations`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

from ermbit.exact import Integer, IntegerLike, Q, Rational, Z, bitlen, ceil_log2, fmt
from ermbit.network._activation_base import _ZERO, Activation, NumFn, _common_den, _q, _rationals
from ermbit.network.engine.bits import LogBound, lg, lg_low, lg_mul, lg_sum

__all__ = ["Polynomial"]


@dataclass(frozen=True)
class Polynomial(Activation):
    """σ(z) = Σ_k coeffs[k]·z^k (ascending coefficients; trailing zeros are stripped).

    The zero polynomial is ``coeffs == (0,)`` of degree 0.  A polynomial of degree at
    most 1 counts as piecewise linear.

    >>> p = Polynomial(("5", "-1", "1/3"))
    >>> str(p), p.degree, str(p.derivative_poly()), p(3)
    ('(1/3)z^2 - z + 5', 2, '(2/3)z - 1', mpq(5,1))
    """

    coeffs: tuple[Any, ...]
    kind: ClassVar[str] = "poly"

    def __post_init__(self) -> None:
        cs = list(_rationals(self.coeffs, "coeffs"))
        while len(cs) > 1 and cs[-1] == 0:
            cs.pop()
        object.__setattr__(self, "coeffs", tuple(cs) or (Q(0),))

    @classmethod
    def from_expr(cls, text: str) -> Polynomial:
        """Parse ``"x**3 + 2*x"`` or ``"z^2/3 - z + 5"`` (variable ``x`` or ``z``).

        Raises
        ------
        InputError
            If the text is not a polynomial in one variable with rational coefficients
            (``sqrt(2)*z``, ``1/z``, ``0.5*z``...); the message quotes the expression.
        """
        from ermbit.network._activation_codec import poly_from_expr

        return poly_from_expr(text)

    @property
    def degree(self) -> int:
        """Degree μ (0 for constants and the zero polynomial)."""
        return len(self.coeffs) - 1

    def derivative_poly(self) -> Polynomial:
        """σ' as a polynomial."""
        return self._derivative

    @cached_property
    def _derivative(self) -> Polynomial:
        return Polynomial(tuple(k * c for k, c in enumerate(self.coeffs))[1:] or (0,))

    def __call__(self, z: object) -> Rational:
        x = _q(z)
        acc = Q(0)
        for c in reversed(self.coeffs):
            acc = acc * x + c
        return acc

    def derivative(self, z: object) -> Rational:
        return self._derivative(z)

    def to_json(self) -> Any:
        return {"poly": [fmt(c) for c in self.coeffs]}

    @property
    def is_piecewise_linear(self) -> bool:
        return self.degree <= 1

    @property
    def denominator_shape(self) -> tuple[Integer, int]:
        return (self._den, self.degree)

    @property
    def derivative_denominator_shape(self) -> tuple[Integer, int]:
        return self._derivative.denominator_shape

    @cached_property
    def _den(self) -> Integer:
        return _common_den(self.coeffs)

    def numerator_fn(self, d: IntegerLike) -> NumFn:
        c, mu = self.denominator_shape
        # Horner on Σ a_k P^k d^(μ-k): the powers of d are folded into the constants
        consts = [Z(r * c) * d ** (mu - k) for k, r in enumerate(self.coeffs)]
        top, rest = consts[mu], consts[mu - 1 :: -1] if mu else []

        def fn(p: Integer) -> Integer:
            acc = top
            for b in rest:
                acc = acc * p + b
            return acc

        return fn

    def derivative_numerator_fn(self, d: IntegerLike) -> NumFn:
        return self._derivative.numerator_fn(d)

    def magnitude_bound(self, a: LogBound) -> LogBound:
        # |Σ r_k z^k| <= Σ |r_k| |z|^k; with z = 0 only r_0 remains
        if a is None:
            return lg(self.coeffs[0])
        return lg_sum(lg_mul(lg(r), k * a) for k, r in enumerate(self.coeffs))

    def derivative_magnitude_bound(self, a: LogBound) -> LogBound:
        return self._derivative.magnitude_bound(a)

    def magnitude_lower_bound(self, a: int) -> LogBound:
        # |σ(z)| >= |r_μ||z|^μ / 2 once Σ_{k<μ} |r_k||z|^k <= |r_μ||z|^μ / 2; for |z| >= 2**a
        # each ratio |r_k/r_μ|·|z|^(k-μ) is at most 2**(lg r_k - floor(lg r_μ) - (μ-k)·a)
        mu = self.degree
        low = lg_low(self.coeffs[mu])
        if low is None:
            return None
        if mu == 0:
            return low
        lower = [(k, r) for k, r in enumerate(self.coeffs[:mu]) if r]
        if not lower:
            return low + mu * a
        room = -1 - ceil_log2(len(lower))
        for k, r in lower:
            if lg(r) - low - (mu - k) * a > room:  # type: ignore[operator]
                return None
        return low + mu * a - 1

    def numerator_bits(self, p_bits: int, d_bits: int) -> int:
        # Horner on the numerator: every partial result is Σ_j c·r_(μ-j)·P^(i-j)·d^j, at most
        # c·Σ|r_k|·max(|P|, d)^μ in absolute value (the constants c·r_k·d^(μ-k) too)
        return self._abs_bits + self.degree * max(p_bits, d_bits)

    def derivative_numerator_bits(self, p_bits: int, d_bits: int) -> int:
        return self._derivative.numerator_bits(p_bits, d_bits)

    @cached_property
    def _abs_bits(self) -> int:
        c = self._den
        return bitlen(sum((abs(Z(r * c)) for r in self.coeffs), _ZERO))

    def __str__(self) -> str:
        return _poly_str(self.coeffs)


def _poly_str(coeffs: Sequence[Any]) -> str:
    parts: list[str] = []
    for k in range(len(coeffs) - 1, -1, -1):
        c = coeffs[k]
        if c == 0:
            continue
        mag = fmt(abs(c))
        if k > 0:
            mag = "" if mag == "1" else f"({mag})" if "/" in mag else mag
        mono = "" if k == 0 else "z" if k == 1 else f"z^{k}"
        sign = "-" if c < 0 else "+"
        if parts:
            parts.append(f" {sign} {mag}{mono}")
        else:
            parts.append(f"{'-' if c < 0 else ''}{mag}{mono}")
    return "".join(parts) or "0"
