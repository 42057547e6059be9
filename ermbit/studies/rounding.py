"""Paper Remark 1.5 (App. E): activations rounded to k bits keep the passes small.

:class:`Rounded` wraps any activation σ and rounds its output **down** to the k-bit
dyadic grid, ``σ_k(z) = 2^(−k)·⌊2^k·σ(z)⌋`` (floor: towards −∞, also for negative
values), optionally clipped to ``[−clip, clip]``.  It plugs into the exact integer passes
of :mod:`ermbit.network.model` through the integer interface of
:class:`~ermbit.network.activations.Activation`: σ_k(P/d) has the denominator ``F = lcm(2^k,
den(clip))`` whatever d is, so ``denominator_shape = (F, 0)`` and the common
denominators stop growing at every rounded node.

**[choice]** Derivative.  σ_k is a step function, so its true derivative is 0 almost
everywhere and reverse mode would return 0.  We use the rounded derivative of σ,
``σ_k'(z) = 2^(−k)·⌊2^k·σ'(z)⌋`` (and 0 where the clip is active), the usual
straight-through convention of quantised training.

**[choice]** Clip.  Rounding fixes the bits after the binary point, not the ones before
it: with σ = z² and values above 1, magnitudes still square per layer, and so do sizes.
A k-bit fixed-point format also bounds the range; ``clip`` does that.  With a clip,
every rounded value has size at most ``1 + bitlen(⌊clip·F⌋) + bitlen(F)``, and a
pre-activation fed by rounded nodes has size bounded by in-degree, N, k and the clip
only (:func:`clipped_forward_bound`), whatever the depth; backward values are products of
weights and rounded derivatives along paths, and grow linearly in depth.

>>> r = Rounded("z**2", 3)
>>> r(Q(5, 4)), r(Q(1, 3)), r.derivative(Q(1, 3)), r.denominator_shape
(mpq(3,2), mpq(0,1), mpq(5,8), (mpz(8), 0))
>>> Rounded("z**2", 2, clip=1)(3), Rounded("z**2", 2, clip=1).derivative(3)
(mpq(1,1), mpq(0,1))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from ermbit.errors import InputError
from ermbit.exact import Integer, IntegerLike, Q, Rational, Z, bitlen, fmt, lcm, parse
from ermbit.network.activations import (
    Activation,
    Identity,
    LogBound,
    NumFn,
    lg,
    parse_activation,
)
from ermbit.network.model import Network
from ermbit.studies.bit_growth import DEFAULT_BUDGET, GrowthRow, bit_growth
from ermbit.validate import check_int

__all__ = ["Rounded", "clipped_forward_bound", "rounding_study"]


@dataclass(frozen=True)
class Rounded(Activation):
    """``σ_k(z) = 2^(−k)·⌊2^k·σ(z)⌋``, clipped to ``[−clip, clip]`` if ``clip`` is given.

    Parameters
    ----------
    inner : Activation or spec
        σ (anything :func:`~ermbit.network.activations.parse_activation` accepts).
    k : int
        Bits after the binary point, ``k >= 0``.
    clip : rational, optional
        A positive bound on ``|σ_k|``; None for no clip.
    """

    inner: Any
    k: int
    clip: Any = None
    kind: ClassVar[str] = "rounded"

    def __post_init__(self) -> None:
        object.__setattr__(self, "inner", parse_activation(self.inner))
        object.__setattr__(self, "k", check_int(self.k, "k", minimum=0))
        if self.clip is not None:
            c = parse(self.clip, name="clip")
            if c <= 0:
                raise InputError(f"clip: must be positive, got {fmt(c)}")
            object.__setattr__(self, "clip", c)

    # ------------------------------------------------------------ rational interface

    def _round(self, s: Rational) -> tuple[Rational, bool]:
        """(rounded and clipped value, whether the clip was active)."""
        t = Q((s * (1 << self.k)).numerator // (s * (1 << self.k)).denominator, 1 << self.k)
        if self.clip is not None and abs(t) > self.clip:
            return (self.clip if t > 0 else -self.clip), True
        return t, False

    def __call__(self, z: object) -> Rational:
        return self._round(self.inner(z))[0]

    def derivative(self, z: object) -> Rational:
        if self._round(self.inner(z))[1]:
            return Q(0)
        s = self.inner.derivative(z) * (1 << self.k)
        return Q(s.numerator // s.denominator, 1 << self.k)

    def to_json(self) -> Any:
        """Not a docs: format.md kind (networks with it are not saved); a readable description."""
        clip = None if self.clip is None else fmt(self.clip)
        return {"rounded": {"inner": self.inner.to_json(), "k": self.k, "clip": clip}}

    def __str__(self) -> str:
        tail = "" if self.clip is None else f", clip {fmt(self.clip)}"
        return f"round{self.k}({self.inner}{tail})"

    # ------------------------------------------------------------ integer interface

    @property
    def is_piecewise_linear(self) -> bool:
        # a staircase with unboundedly many steps: not the App. E kind
        return False

    @property
    def denominator_shape(self) -> tuple[Integer, int]:
        return (self._den, 0)

    @property
    def derivative_denominator_shape(self) -> tuple[Integer, int]:
        return (Z(1) << self.k, 0)

    @property
    def _den(self) -> Integer:
        two_k = Z(1) << self.k
        return two_k if self.clip is None else lcm(two_k, self.clip.denominator)

    def _floor_fn(self, fn: NumFn, shape: tuple[Integer, int], d: IntegerLike) -> NumFn:
        """``P ↦ ⌊2^k·σ(P/d)⌋`` from σ's numerator map over ``f·d^e``."""
        f, e = shape
        den = Z(f) * Z(d) ** e
        return lambda p: (fn(p) << self.k) // den

    def numerator_fn(self, d: IntegerLike) -> NumFn:
        floor = self._floor_fn(self.inner.numerator_fn(d), self.inner.denominator_shape, d)
        mult = self._den >> self.k
        if self.clip is None:
            return lambda p: floor(p) * mult
        bound = self.clip * (Z(1) << self.k)
        top: Integer = self.clip.numerator * (self._den // self.clip.denominator)

        def fn(p: Integer) -> Integer:
            t = floor(p)
            if abs(t) > bound:
                return top if t > 0 else -top
            return t * mult

        return fn

    def derivative_numerator_fn(self, d: IntegerLike) -> NumFn:
        inner = self.inner
        dfloor = self._floor_fn(
            inner.derivative_numerator_fn(d), inner.derivative_denominator_shape, d
        )
        if self.clip is None:
            return dfloor
        vfloor = self._floor_fn(inner.numerator_fn(d), inner.denominator_shape, d)
        bound = self.clip * (Z(1) << self.k)
        return lambda p: Z(0) if abs(vfloor(p)) > bound else dfloor(p)

    def _bound(self, b: LogBound) -> LogBound:
        # |⌊2^k s⌋/2^k| <= |s| + 2^(−k) <= 2^(max(b, −k) + 1); ⌊0⌋ = 0
        if b is None:
            return None
        out = max(b, -self.k) + 1
        top = None if self.clip is None else lg(self.clip)
        return out if top is None else min(out, top)

    def magnitude_bound(self, a: LogBound) -> LogBound:
        return self._bound(self.inner.magnitude_bound(a))

    def derivative_magnitude_bound(self, a: LogBound) -> LogBound:
        b = self.inner.derivative_magnitude_bound(a)
        return None if b is None else max(b, -self.k) + 1


def clipped_forward_bound(network: Network, x: dict[str, object]) -> int:
    """Depth-independent bound on every forward size of a network whose non-source
    nodes are all clipped :class:`Rounded` activations (identity output nodes allowed
    when fed only by such nodes or sources).

    For node v with in-edges from u (value ``|f^u| <= c_u``, denominator dividing
    ``F_u``): ``|pre_v| <= |x_v| + Σ(|w|·c_u + |b|)`` and its denominator divides
    ``den(x_v)·Π den(b)·Π den(w)·F_u``, so its size is at most ``3 + log₂|pre| + 2·log₂ D``
    (App. E, size of ``q`` with denominator dividing D); a rounded node then has
    ``c = clip``, ``F = lcm(2^k, den(clip))``.  Nothing here depends on depth.
    """
    xs = {v: parse(q, name=f"x[{v!r}]") for v, q in x.items()}
    mag: dict[str, Any] = {}
    den: dict[str, Any] = {}
    worst = 0
    for v in network.topological_order():
        ins = network.in_edges(v)
        xv = xs.get(v, Q(0))
        m = abs(xv) + sum((abs(e.w) * mag[e.src] + abs(e.b) for e in ins), Q(0))
        dd = Z(xv.denominator)
        for e in ins:
            dd *= e.w.denominator * den[e.src] * e.b.denominator
        worst = max(worst, 3 + _log2_ceil(m) + 2 * bitlen(dd))
        act = network.activation(v)
        if isinstance(act, Rounded) and act.clip is not None:
            mag[v], den[v] = act.clip, act.denominator_shape[0]
        elif isinstance(act, Identity):
            mag[v], den[v] = m, dd
        else:
            raise InputError(f"network: node {v!r} has {act}, not a clipped Rounded or id")
    return worst


def _log2_ceil(m: Any) -> int:
    """An integer ``>= log₂ m`` for ``m > 0``; 0 for ``m == 0``."""
    return 0 if m == 0 else max(0, bitlen(m.numerator) - bitlen(m.denominator) + 1)


def rounding_study(
    max_depth: int = 10,
    k: int = 8,
    *,
    width: int = 4,
    seed: int = 0,
    clip: object = 1,
    budget_bits: int | None = DEFAULT_BUDGET,
) -> list[GrowthRow]:
    """Remark 1.5 measured: σ = z² unrounded, rounded to k bits, and rounded + clipped,
    on the unscaled networks of :func:`~ermbit.studies.bit_growth.layered_network`."""
    acts: Sequence[Activation] = (
        parse_activation("z**2"),
        Rounded("z**2", k),
        Rounded("z**2", k, clip=clip),
    )
    return bit_growth(
        max_depth, width=width, seed=seed, activations=acts, scales=(1,), budget_bits=budget_bits
    )
