"""Piecewise-linear activations with rational breakpoints, slopes and intercepts: exact
values, the integer interface (the piece found by integer comparisons) and its size bounds
(private to :mod:`ermbit.network`; import :class:`PiecewiseLinear` from
:mod:`ermbit.network.activations`).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar, cast

from ermbit.errors import InputError
from ermbit.exact import Integer, IntegerLike, Rational, Z, bitlen, fmt
from ermbit.network._activation_base import Activation, NumFn, _common_den, _q, _rationals
from ermbit.network._polynomial import _poly_str
from ermbit.network.engine.bits import LogBound, lg, lg_mul, lg_sum

__all__ = ["PiecewiseLinear"]


@dataclass(frozen=True)
class PiecewiseLinear(Activation):
    """σ(z) = slopes[i]·z + intercepts[i] on piece ``i``; need not be continuous.

    **Convention:** with breakpoints t_0 < … < t_{n-1}, piece 0 is z ≤ t_0, piece i is
    t_{i-1} < z ≤ t_i, piece n is z > t_{n-1}: a breakpoint belongs to the piece on its
    left, and the derivative there is the left piece's slope (so ReLU'(0) = 0).

    >>> relu = PiecewiseLinear(("0",), ("0", "1"), ("0", "0"))
    >>> relu(-1), relu(0), relu(2), relu.derivative(0), str(relu)
    (mpq(0,1), mpq(0,1), mpq(2,1), mpq(0,1), 'PL(z ≤ 0: 0 | z > 0: z)')
    """

    breakpoints: tuple[Any, ...]
    slopes: tuple[Any, ...]
    intercepts: tuple[Any, ...]
    kind: ClassVar[str] = "pl"

    def __post_init__(self) -> None:
        ts = _rationals(self.breakpoints, "breakpoints")
        ss = _rationals(self.slopes, "slopes")
        cs = _rationals(self.intercepts, "intercepts")
        for i in range(1, len(ts)):
            if ts[i] <= ts[i - 1]:
                raise InputError(
                    f"breakpoints: must be strictly increasing, but breakpoints[{i - 1}] = "
                    f"{fmt(ts[i - 1])} >= breakpoints[{i}] = {fmt(ts[i])}"
                )
        for name, vals in (("slopes", ss), ("intercepts", cs)):
            if len(vals) != len(ts) + 1:
                raise InputError(
                    f"{name}: need len(breakpoints) + 1 = {len(ts) + 1} entries, got {len(vals)}"
                )
        object.__setattr__(self, "breakpoints", ts)
        object.__setattr__(self, "slopes", ss)
        object.__setattr__(self, "intercepts", cs)

    def piece(self, z: object) -> int:
        """Index of the piece containing ``z`` (see the convention above)."""
        return bisect_left(self.breakpoints, _q(z))

    def __call__(self, z: object) -> Rational:
        z = _q(z)
        i = bisect_left(self.breakpoints, z)
        return cast(Rational, self.slopes[i] * z + self.intercepts[i])

    def derivative(self, z: object) -> Rational:
        return cast(Rational, self.slopes[self.piece(z)])

    def to_json(self) -> Any:
        return {
            "pl": {
                "breakpoints": [fmt(t) for t in self.breakpoints],
                "slopes": [fmt(s) for s in self.slopes],
                "intercepts": [fmt(c) for c in self.intercepts],
            }
        }

    @property
    def denominator_shape(self) -> tuple[Integer, int]:
        return (self._dens[0], 1)

    @property
    def derivative_denominator_shape(self) -> tuple[Integer, int]:
        return (self._dens[1], 0)

    @cached_property
    def _dens(self) -> tuple[Integer, Integer]:
        return (_common_den(self.slopes + self.intercepts), _common_den(self.slopes))

    def _piece_fn(self, d: IntegerLike) -> Callable[[Integer], int]:
        # z = P/d <= t = u/v  <=>  P*v <= u*d  (d, v > 0)
        cuts = [(Z(t.denominator), Z(t.numerator) * d) for t in self.breakpoints]

        def piece(p: Integer) -> int:
            lo, hi = 0, len(cuts)
            while lo < hi:
                mid = (lo + hi) // 2
                v, ud = cuts[mid]
                if p * v <= ud:
                    hi = mid
                else:
                    lo = mid + 1
            return lo

        return piece

    def numerator_fn(self, d: IntegerLike) -> NumFn:
        m = self.denominator_shape[0]
        mult = [Z(s * m) for s in self.slopes]
        add = [Z(c * m) * d for c in self.intercepts]
        piece = self._piece_fn(d)

        def fn(p: Integer) -> Integer:
            i = piece(p)
            return mult[i] * p + add[i]

        return fn

    def derivative_numerator_fn(self, d: IntegerLike) -> NumFn:
        m = self.derivative_denominator_shape[0]
        nums = [Z(s * m) for s in self.slopes]
        piece = self._piece_fn(d)
        return lambda p: nums[piece(p)]

    def magnitude_bound(self, a: LogBound) -> LogBound:
        per_piece = (
            lg_sum((lg_mul(lg(s), a), lg(c)))
            for s, c in zip(self.slopes, self.intercepts, strict=True)
        )
        return max((b for b in per_piece if b is not None), default=None)

    def derivative_magnitude_bound(self, a: LogBound) -> LogBound:
        return max((b for b in map(lg, self.slopes) if b is not None), default=None)

    @cached_property
    def _bits(self) -> tuple[int, int, int]:
        """bitlen of max(|s·m| + |c·m|), of max|s·m'|, and of the breakpoints' parts."""
        m, m1 = self._dens
        pairs = zip(self.slopes, self.intercepts, strict=True)
        value = max(bitlen(abs(Z(s * m)) + abs(Z(c * m))) for s, c in pairs)
        slope = max(bitlen(Z(s * m1)) for s in self.slopes)
        cut = max(
            (max(bitlen(t.numerator), bitlen(t.denominator)) for t in self.breakpoints), default=0
        )
        return value, slope, cut

    def numerator_bits(self, p_bits: int, d_bits: int) -> int:
        # s·m·P + c·m·d <= (|s·m| + |c·m|)·max(|P|, d); the piece test compares P·v with u·d
        value, _, cut = self._bits
        return max(value, cut) + max(p_bits, d_bits)

    def derivative_numerator_bits(self, p_bits: int, d_bits: int) -> int:
        _, slope, cut = self._bits
        return max(slope, cut + max(p_bits, d_bits))

    def __str__(self) -> str:
        ts = [fmt(t) for t in self.breakpoints]
        conds = [f"z ≤ {ts[0]}"] if ts else ["z"]
        conds += [f"{ts[i - 1]} < z ≤ {ts[i]}" for i in range(1, len(ts))]
        if ts:
            conds.append(f"z > {ts[-1]}")
        pieces = [
            f"{cond}: {_poly_str((c, s))}"
            for cond, s, c in zip(conds, self.slopes, self.intercepts, strict=True)
        ]
        return "PL(" + " | ".join(pieces) + ")"
