"""The exact multiplication and identity gadgets of paper Lemma 3.1.

For a polynomial activation σ(T) = Σ_{k=0}^{μ} r_k T^k with rational r_k, r_μ ≠ 0 and
degree μ ≥ 2, the shifts σ(U + j), j = 0..μ, form a basis of the polynomials of degree ≤ μ
(Lemma 3.1).  Writing U² and U in that basis gives, for all rationals x, y, t,

* x·y = Σ_j κ_j·(σ(x+y+j) − σ(x+j) − σ(y+j))  (the multiplication gadget; κ = λ/2 where
  U² = Σ_j λ_j σ(U + j)), because the cross term of (x+y)² is 2xy;
* t = Σ_j β_j·σ(t + j)  (the identity gadget, for networks whose nodes all apply σ).

The converse for non-integer exponents (paper Thm F.1) is demonstrated in
:mod:`ermbit.studies.gadget_negative`.

>>> g = gadget(["0", "2", "0", "1"])   # σ = z³ + 2z
>>> [fmt(k) for k in g.kappa]
['-1/4', '1/3', '-1/12', '0']
>>> g.multiply(3, "-2/5"), g.identity(7), g.check(3, "-2/5")
(mpq(-6,5), mpq(7,1), True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from math import comb
from typing import Any

from ermbit.errors import InputError, InputTypeError
from ermbit.exact import Q, Rational, RationalLike, fmt, lcm, parse

__all__ = ["Gadget", "gadget"]

Matrix = list[list[Any]]


def _echelon(
    rows: Sequence[Sequence[Any]], inverse: Callable[[Any], Any], norm: Callable[[Any], Any]
) -> tuple[Matrix, tuple[int, ...]]:
    """Reduced row echelon form and pivot columns, over the field given by the callables.

    ``norm`` maps a computed value to its canonical representative (identity over ℚ,
    reduction mod P over GF(P)), so that ``v != 0`` is an exact zero test.
    """
    m = [list(r) for r in rows]
    pivots: list[int] = []
    for c in range(len(m[0]) if m else 0):
        r = len(pivots)
        p = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if p is None:
            continue
        m[r], m[p] = m[p], m[r]
        inv = inverse(m[r][c])
        m[r] = [norm(v * inv) for v in m[r]]
        for i in range(len(m)):
            f = m[i][c]
            if i != r and f != 0:
                m[i] = [norm(a - f * b) for a, b in zip(m[i], m[r], strict=True)]
        pivots.append(c)
        if len(pivots) == len(m):
            break
    return m, tuple(pivots)


def _echelon_q(rows: Sequence[Sequence[Any]]) -> tuple[Matrix, tuple[int, ...]]:
    return _echelon(rows, lambda a: Q(1) / a, lambda v: v)


def _horner(coeffs: Sequence[Rational], t: Rational) -> Rational:
    acc = Q(0)
    for r in reversed(coeffs):
        acc = acc * t + r
    return acc


def _poly_str(coeffs: Sequence[Any]) -> str:
    """σ in descending powers of z, e.g. ``2z+1`` or ``(1/3)z^2-z+5``."""
    out = ""
    for k in range(len(coeffs) - 1, -1, -1):
        c = coeffs[k]
        if c == 0:
            continue
        a, mono = abs(c), ("" if k == 0 else "z" if k == 1 else f"z^{k}")
        if k == 0 or a.denominator == 1:
            body = mono if a == 1 and k > 0 else fmt(a) + mono
        else:
            body = f"({fmt(a)}){mono}"
        out += ("-" if c < 0 else "+") + body
    return out.removeprefix("+") or "0"


def _parse_coeffs(coeffs: Iterable[Any]) -> tuple[Any, ...]:
    if isinstance(coeffs, str | bytes) or not isinstance(coeffs, Iterable):
        raise InputTypeError(f"coeffs: expected a sequence r_0..r_μ of rationals, got {coeffs!r}")
    parsed = [parse(c, name=f"coeffs[{i}]") for i, c in enumerate(coeffs)]
    while parsed and parsed[-1] == 0:
        parsed.pop()
    if len(parsed) < 3:
        deg = str(len(parsed) - 1) if parsed else "-∞"
        raise InputError(
            "coeffs: the multiplication gadget needs a polynomial activation of degree ≥ 2; "
            f"got degree {deg} (σ = {_poly_str(parsed)})"
        )
    return tuple(parsed)


def _derive(coeffs: Sequence[Any]) -> dict[str, Any]:
    """κ, β, the shifts, D and D·κ for σ; C·(2κ) = e₂ and C·β = e₁ are solved exactly."""
    n = len(coeffs)
    # Column j of C holds the coefficients of σ(U + j): c_{q,j} = Σ_{k≥q} r_k·C(k,q)·j^(k−q).
    c = [
        [sum((coeffs[k] * comb(k, q) * Q(j) ** (k - q) for k in range(q, n)), Q(0))
         for j in range(n)]
        for q in range(n)
    ]  # fmt: skip
    red, pivots = _echelon_q([[*row, Q(int(q == 2)), Q(int(q == 1))] for q, row in enumerate(c)])
    if pivots != tuple(range(n)):  # pragma: no cover - shifts of a degree-μ σ form a basis
        raise InputError(f"coeffs: the shifts of σ = {_poly_str(coeffs)} are not a basis")
    kappa = tuple(row[n] / 2 for row in red)
    den = int(lcm(*(k.denominator for k in kappa)))
    return {
        "kappa": kappa,
        "beta": tuple(row[n + 1] for row in red),
        "shifts": tuple(range(n)),
        "common_denominator": den,
        "kappa_int": tuple(int(k * den) for k in kappa),
    }


@dataclass(frozen=True)
class Gadget:
    """The gadgets of Lemma 3.1 for one polynomial activation σ (Lemma 3.1).

    Build one with :func:`gadget` or :meth:`from_coeffs`; direct construction checks that
    every field is the unique exact solution for ``coeffs``.

    Attributes
    ----------
    coeffs : tuple of mpq
        r_0..r_μ of σ(T) = Σ r_k T^k, ascending, r_μ ≠ 0, μ ≥ 2.
    kappa : tuple of mpq
        κ_0..κ_μ with x·y = Σ_j κ_j (σ(x+y+j) − σ(x+j) − σ(y+j)) identically.
    beta : tuple of mpq
        β_0..β_μ with t = Σ_j β_j σ(t+j) identically (the identity gadget).
    shifts : tuple of int
        The shifts 0..μ.
    common_denominator : int
        D = lcm of the denominators of κ.
    kappa_int : tuple of int
        D·κ_j, the integer weights of the SLP → network construction (Lemma 3.2).

    Raises
    ------
    InputError
        If σ has degree < 2 or a field differs from the exact solution (the message
        names the field).
    """

    coeffs: tuple[Rational, ...]
    kappa: tuple[Rational, ...]
    beta: tuple[Rational, ...]
    shifts: tuple[int, ...]
    common_denominator: int
    kappa_int: tuple[int, ...]

    def __post_init__(self) -> None:
        coeffs = _parse_coeffs(self.coeffs)
        if len(coeffs) != len(self.coeffs):
            raise InputError(f"coeffs: trailing zero coefficients in {self.coeffs!r}")
        object.__setattr__(self, "coeffs", coeffs)
        for name, want in _derive(coeffs).items():
            got = getattr(self, name)
            if isinstance(want, tuple):
                ok = isinstance(got, tuple | list) and len(got) == len(want)
                ok = ok and all(parse(g, name=name) == w for g, w in zip(got, want, strict=False))
            else:
                ok = parse(got, name=name) == want
            if not ok:
                shown = [fmt(w) for w in want] if isinstance(want, tuple) else want
                raise InputError(
                    f"{name}: expected {shown} for σ = {_poly_str(coeffs)}, got {got!r}"
                )
            object.__setattr__(self, name, want)

    @classmethod
    def from_coeffs(cls, coeffs: Iterable[Any]) -> Gadget:
        """Build the gadgets of σ = Σ r_k T^k from r_0..r_μ (see :func:`gadget`)."""
        r = _parse_coeffs(coeffs)
        return cls(coeffs=r, **_derive(r))

    @property
    def degree(self) -> int:
        """μ, the degree of σ."""
        return len(self.coeffs) - 1

    def sigma(self, t: RationalLike) -> Rational:
        """σ(t), exactly (Horner's rule)."""
        return _horner(self.coeffs, parse(t, name="t"))

    def multiply(self, x: RationalLike, y: RationalLike) -> Rational:
        """Σ_j κ_j (σ(x+y+j) − σ(x+j) − σ(y+j)), which equals x·y."""
        x, y = parse(x, name="x"), parse(y, name="y")
        s = self.sigma
        pairs = zip(self.kappa, self.shifts, strict=True)
        return sum((k * (s(x + y + j) - s(x + j) - s(y + j)) for k, j in pairs), Q(0))

    def identity(self, t: RationalLike) -> Rational:
        """Σ_j β_j σ(t+j), which equals t."""
        t = parse(t, name="t")
        pairs = zip(self.beta, self.shifts, strict=True)
        return sum((b * self.sigma(t + j) for b, j in pairs), Q(0))

    def check(self, x: RationalLike, y: RationalLike) -> bool:
        """Whether ``multiply(x, y) == x·y`` and ``identity(t) == t`` for t = x, y, exactly.

        >>> gadget(["5", "-1", "1/3"]).check("7/2", -4)
        True
        """
        x, y = parse(x, name="x"), parse(y, name="y")
        return bool(
            self.multiply(x, y) == x * y and self.identity(x) == x and self.identity(y) == y
        )


def gadget(coeffs: Iterable[Any]) -> Gadget:
    """The exact multiplication and identity gadgets of σ(T) = Σ_k r_k T^k (Lemma 3.1).

    Parameters
    ----------
    coeffs : sequence of rationals
        r_0..r_μ, ascending (ints, ``"p/q"`` strings, ``mpq`` or ``Fraction``); trailing
        zeros are ignored.

    Returns
    -------
    Gadget
        κ solves C·(2κ) = e₂ and β solves C·β = e₁ exactly, where column j of C holds the
        coefficients of σ(U + j); hence x·y = Σ_j κ_j (σ(x+y+j) − σ(x+j) − σ(y+j)) and
        t = Σ_j β_j σ(t+j) for all x, y, t.

    Raises
    ------
    InputError
        If σ has degree < 2 (the message names the degree and σ), or a coefficient is
        malformed.
    InputTypeError
        If a coefficient is a float or ``coeffs`` is not a sequence.

    >>> g = gadget([0, 0, 1])
    >>> [fmt(k) for k in g.kappa], [fmt(b) for b in g.beta], g.kappa_int, g.common_denominator
    (['1/2', '0', '0'], ['-3/4', '1', '-1/4'], (1, 0, 0), 2)
    >>> gadget([1, 2])
    Traceback (most recent call last):
    ...
    ermbit.errors.InputError: coeffs: the multiplication gadget needs a polynomial activation \
of degree ≥ 2; got degree 1 (σ = 2z+1)
    """
    return Gadget.from_coeffs(coeffs)
