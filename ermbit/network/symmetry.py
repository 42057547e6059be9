"""Exact algebra of one activation σ used by pinning (Claim B.1) and its converse.

* :func:`preimages` -- the solutions of ``σ(z) = t``: a finite sorted tuple, or None when
  there are infinitely many (a flat piece of a piecewise-linear σ, a constant σ).
* :func:`is_symmetry` -- whether ``σ(w·z + b) = σ(z)`` for **every** rational z.  For a
  polynomial this compares coefficients; for a piecewise-linear σ both sides are affine
  between consecutive points of the merged breakpoints of σ and of ``z ↦ σ(wz + b)``, so
  equality at those points and at two points inside every open gap (and beyond both ends)
  is equality everywhere.
* :func:`distinguishing_point` -- a z with ``σ(wz + b) ≠ σ(z)``, or None for a symmetry.
* :func:`polynomial_symmetries` -- every (w, b) with ``σ(wz + b) ≡ σ(z)`` for a polynomial σ
  of degree μ ≥ 1: the leading coefficients force ``w^μ = 1`` (w = 1, or w = −1 when μ is
  even), the ``z^(μ−1)`` coefficients then fix b, and the candidate is checked in full.
* :func:`solve_edge` -- all (w, b) with ``σ(x + w·y + b) = t`` for a list of equations
  ``(x, y, t)``: two equations with distinct y and finite preimage sets give at most
  ``|R₁|·|R₂|`` candidates, which every equation then filters.
* :func:`template_points` and :func:`lift_point` -- the points pinning (Claim B.1) uses
  for the edge into a σ node and for the edges out of it.

>>> from ermbit.network.activations import parse_activation
>>> sq = parse_activation("z**2")
>>> preimages(sq, 9), preimages(sq, 2), polynomial_symmetries(sq)
((mpq(-3,1), mpq(3,1)), (), ((mpq(-1,1), mpq(0,1)), (mpq(1,1), mpq(0,1))))
>>> solve_edge(sq, [(0, 0, 0), (0, 1, 1), (0, 2, 4)])
((mpq(-1,1), mpq(0,1)), (mpq(1,1), mpq(0,1)))
>>> is_symmetry(parse_activation("z**2/3 - z + 5"), -1, 3), distinguishing_point(sq, 1, 1)
(True, mpq(0,1))
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Sequence
from math import comb
from typing import Any

from ermbit.errors import InputError, InputTypeError
from ermbit.exact import Q, Rational, RationalLike, parse
from ermbit.network.activations import Activation, Identity, PiecewiseLinear, Polynomial, ReLU

__all__ = [
    "as_piecewise",
    "lift_point",
    "template_points",
    "compose",
    "distinguishing_point",
    "is_symmetry",
    "polynomial_symmetries",
    "preimages",
    "solve_edge",
    "probe_points",
]

Pair = tuple[Any, Any]
_RELU = PiecewiseLinear((0,), (0, 1), (0, 0))
_ID = PiecewiseLinear((), (1,), (0,))


def as_piecewise(act: Activation) -> PiecewiseLinear | None:
    """σ as a :class:`PiecewiseLinear` (identity, ReLU, PL), or None for a polynomial."""
    if isinstance(act, PiecewiseLinear):
        return act
    if isinstance(act, ReLU):
        return _RELU
    if isinstance(act, Identity):
        return _ID
    if isinstance(act, Polynomial):
        return None
    raise InputTypeError(f"activation: unsupported activation {act!r}")


@functools.lru_cache(maxsize=4096)
def _poly_roots(coeffs: tuple[Any, ...], t: Any) -> tuple[Any, ...] | None:
    import sympy

    cs = list(coeffs)
    cs[0] -= t
    while len(cs) > 1 and cs[-1] == 0:
        cs.pop()
    if len(cs) == 1:
        return None if cs[0] == 0 else ()
    z = sympy.Symbol("z")
    poly = sympy.Poly(
        [sympy.Rational(int(c.numerator), int(c.denominator)) for c in reversed(cs)],
        z,
        domain=sympy.QQ,
    )
    return tuple(sorted(Q(int(r.p), int(r.q)) for r in poly.ground_roots()))


def _pl_roots(pl: PiecewiseLinear, t: Any) -> tuple[Any, ...] | None:
    ts = pl.breakpoints
    out = []
    for i, (s, c) in enumerate(zip(pl.slopes, pl.intercepts, strict=True)):
        if s == 0:
            if c == t:
                return None  # a flat piece at height t: an interval of solutions
            continue
        z = (t - c) / s
        # piece i is t_{i-1} < z <= t_i (the model's convention: a breakpoint joins the left piece)
        if (i == 0 or z > ts[i - 1]) and (i == len(ts) or z <= ts[i]):
            out.append(z)
    return tuple(sorted(out))


def preimages(act: Activation, t: object) -> tuple[Any, ...] | None:
    """The rationals z with ``σ(z) = t``, sorted; None if there are infinitely many.

    >>> preimages(ReLU(), 0) is None, preimages(ReLU(), 2), preimages(ReLU(), -1)
    (True, (mpq(2,1),), ())
    """
    t = parse(t, name="t")
    if isinstance(act, Polynomial):
        return _poly_roots(act.coeffs, t)
    pl = as_piecewise(act)
    assert pl is not None
    return _pl_roots(pl, t)


def compose(
    coeffs: Sequence[int | Rational], w: RationalLike, b: RationalLike
) -> tuple[Rational, ...]:
    """Coefficients (ascending) of ``σ(w·z + b)`` for ``σ = Σ_k coeffs[k]·z^k``.

    >>> compose((0, 0, 1), -1, 3)      # (3 − z)^2 = z^2 − 6z + 9
    (mpq(9,1), mpq(-6,1), mpq(1,1))
    """
    w, b = Q(w), Q(b)
    out = [Q(0)] * len(coeffs)
    for k, r in enumerate(coeffs):
        if r == 0:
            continue
        # (w z + b)^k = Σ_q C(k, q) w^q b^(k−q) z^q
        for q in range(k + 1):
            out[q] += r * comb(k, q) * w**q * b ** (k - q)
    return tuple(out)


def probe_points(breakpoints: Iterable[RationalLike]) -> tuple[Rational, ...]:
    """The breakpoints, two points inside every gap between them, and two beyond each end.

    Two piecewise-linear functions whose breakpoints are all among ``breakpoints`` are
    equal everywhere iff they agree at these points (each is affine on every open gap).

    >>> [str(p) for p in probe_points([0, 3])]
    ['-2', '-1', '0', '1', '2', '3', '4', '5']
    """
    ts = sorted(set(Q(t) for t in breakpoints))
    if not ts:
        return (Q(0), Q(1))
    pts = [ts[0] - 2, ts[0] - 1]
    for a, c in itertools.pairwise(ts):
        pts += [a, a + (c - a) / 3, a + 2 * (c - a) / 3]
    pts += [ts[-1], ts[-1] + 1, ts[-1] + 2]
    return tuple(pts)


def _pl_points(pl: PiecewiseLinear, w: Rational, b: Rational) -> tuple[Rational, ...]:
    moved = [(t - b) / w for t in pl.breakpoints] if w != 0 else []
    return probe_points([*pl.breakpoints, *moved])


def distinguishing_point(act: Activation, w: object, b: object) -> Rational | None:
    """Some rational z with ``σ(w·z + b) ≠ σ(z)``, or None if (w, b) is a symmetry of σ.

    >>> distinguishing_point(ReLU(), 1, 0) is None, distinguishing_point(ReLU(), 2, 0)
    (True, mpq(1,1))
    """
    w, b = parse(w, name="w"), parse(b, name="b")
    if isinstance(act, Polynomial):
        # σ(wz + b) − σ(z) has degree ≤ μ: if it is not zero, one of 0..μ is not a root
        pts: Iterable[Any] = (Q(z) for z in range(act.degree + 1))
    else:
        pl = as_piecewise(act)
        assert pl is not None
        pts = _pl_points(pl, w, b)
    return next((z for z in pts if act(w * z + b) != act(z)), None)


def is_symmetry(act: Activation, w: object, b: object) -> bool:
    """Whether ``σ(w·z + b) = σ(z)`` for every rational z (exact).

    >>> is_symmetry(Polynomial((0, 0, 1)), -1, 0), is_symmetry(ReLU(), -1, 0)
    (True, False)
    """
    if isinstance(act, Polynomial):
        w, b = parse(w, name="w"), parse(b, name="b")
        return compose(act.coeffs, w, b) == act.coeffs
    return distinguishing_point(act, w, b) is None


def polynomial_symmetries(act: Polynomial) -> tuple[Pair, ...]:
    """Every (w, b) with ``σ(w·z + b) ≡ σ(z)`` for a polynomial σ of degree μ ≥ 1, sorted.

    Raises
    ------
    InputTypeError
        If σ is not a :class:`Polynomial`.
    InputError
        If σ is constant: then every (w, b) is a symmetry.
    """
    if not isinstance(act, Polynomial):
        raise InputTypeError(f"activation: expected a Polynomial, got {act!r}")
    mu = act.degree
    if mu < 1:
        raise InputError(f"activation: σ = {act} is constant, every (w, b) is a symmetry")
    r = act.coeffs
    out = []
    for w in (Q(1), Q(-1)) if mu % 2 == 0 else (Q(1),):
        # z^(μ−1): r_μ·μ·w^(μ−1)·b + r_{μ−1}·w^(μ−1) = r_{μ−1}
        lead = w ** (mu - 1)
        b = (r[mu - 1] - r[mu - 1] * lead) / (r[mu] * mu * lead)
        if compose(r, w, b) == r:
            out.append((w, b))
    return tuple(sorted(out))


def _candidates(act: Activation, eqs: Sequence[tuple[Any, Any, Any]]) -> list[Pair] | None:
    """(w, b) pairs from two equations with distinct y and finite preimages, or None."""
    finite = []
    for x, y, t in eqs:
        roots = preimages(act, t)
        if roots == ():
            return []
        if roots is not None:
            finite.append((x, y, roots))
    for k, (x1, y1, r1) in enumerate(finite):
        other = next(((x, y, r) for x, y, r in finite[k + 1 :] if y != y1), None)
        if other is None:
            continue
        x2, y2, r2 = other
        out = []
        for s1 in r1:
            for s2 in r2:
                w = ((s1 - x1) - (s2 - x2)) / (y1 - y2)
                out.append((w, s1 - x1 - w * y1))
        return out
    return None


def solve_edge(
    act: Activation, eqs: Iterable[tuple[object, object, object]]
) -> tuple[Pair, ...] | None:
    """All (w, b) with ``σ(x + w·y + b) = t`` for every equation ``(x, y, t)``, sorted.

    Returns None when the equations do not pin (w, b) to a finite set by this method
    (no two equations with distinct y and finitely many preimages); ``()`` when they are
    inconsistent.

    >>> solve_edge(ReLU(), [(0, 0, 0), (0, 1, 1), (0, 2, 2)])
    ((mpq(1,1), mpq(0,1)),)
    >>> solve_edge(ReLU(), [(0, 1, 1)]) is None
    True
    """
    parsed = sorted({(parse(x), parse(y), parse(t)) for x, y, t in eqs})
    cands = _candidates(act, parsed)
    if cands is None:
        return None
    ok = {(w, b) for w, b in cands if all(act(x + w * y + b) == t for x, y, t in parsed)}
    return tuple(sorted(ok))


def _pl_template_points(act: Activation) -> tuple[Any, ...]:
    """Two probe points with finite preimages, plus a witness against each non-symmetry."""
    pts = [t for t in probe_points(getattr(act, "breakpoints", ())) if t != 0]
    eqs: list[tuple[object, object, object]] = [(Q(0), Q(0), act(0))]
    chosen: list[Any] = []
    for t in pts:
        chosen.append(t)
        eqs.append((Q(0), t, act(t)))
        sols = solve_edge(act, eqs)
        if sols is None:
            continue
        bad = [p for p in sols if distinguishing_point(act, *p) is not None]
        if not bad:
            return tuple(chosen)
        for w, b in bad:  # one point where the candidate differs from σ kills it
            z = distinguishing_point(act, w, b)
            chosen.append(z)
            eqs.append((Q(0), z, act(z)))
    sols = solve_edge(act, eqs)
    if sols is None or any(distinguishing_point(act, *p) is not None for p in sols):
        raise InputError(f"activation: σ = {act} has no finite template set pinning its input edge")
    return tuple(dict.fromkeys(chosen))


@functools.lru_cache(maxsize=256)
def template_points(act: Activation) -> tuple[Any, ...]:
    """The points τ ≠ 0 of the templates of an edge into a node with activation σ.

    Polynomial of degree μ ≥ 1: 1..μ; ReLU: 1, 2; other piecewise-linear σ: probe points
    until the equations ``σ(w·τ + b) = σ(τ)`` (with τ = 0) leave only symmetries of σ.

    Raises
    ------
    InputError
        For a constant σ, or a piecewise-linear σ that no finite set pins (a step function).

    >>> template_points(Polynomial((1, 0, 0, 0, -2))), template_points(ReLU())
    ((1, 2, 3, 4), (1, 2))
    """
    if isinstance(act, Polynomial):
        if act.degree < 1:
            raise InputError(f"activation: σ = {act} is constant; its input edge cannot be pinned")
        return tuple(range(1, act.degree + 1))
    if isinstance(act, ReLU):
        return (1, 2)
    if isinstance(act, Identity):
        raise InputError("activation: identity nodes get edge templates, not τ templates")
    return _pl_template_points(act)


@functools.lru_cache(maxsize=256)
def lift_point(act: Activation) -> Rational:
    """α with σ(α) ≠ σ(0): the pre-activation of a non-identity tail in its edges' templates.

    Raises
    ------
    InputError
        If σ is constant (its out-edges cannot be pinned).

    >>> lift_point(Polynomial((0, -1, 1))), lift_point(ReLU())    # z² − z vanishes at 1
    (mpq(2,1), mpq(1,1))
    """
    base = act(0)
    pts = [Q(t) for t in template_points(act)] if isinstance(act, Polynomial | ReLU) else []
    pts += list(probe_points(getattr(act, "breakpoints", ())))
    for t in pts:
        if act(t) != base:
            return t
    raise InputError(f"activation: σ = {act} is constant; edges out of its nodes cannot be pinned")
