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

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar, cast

from ermbit.errors import FormatError, InputError, InputTypeError
from ermbit.exact import Integer, IntegerLike, Q, Rational, Z, bitlen, ceil_log2, fmt, lcm, parse
from ermbit.network.engine.bits import LogBound, lg, lg_low, lg_mul, lg_sum

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


def _rationals(values: object, field: str) -> tuple[Rational, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise InputTypeError(f"{field}: expected a sequence of rationals, got {values!r}")
    return tuple(parse(v, name=f"{field}[{i}]") for i, v in enumerate(values))


def _common_den(values: Sequence[Rational]) -> Integer:
    out = _ONE
    for v in values:
        out = lcm(out, v.denominator)
    return out


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
