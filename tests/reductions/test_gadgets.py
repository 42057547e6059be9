"""Tests of ermbit.reductions.gadgets (Lemma 3.1 gadgets, Thm F.1 demonstration).

Ground truth is independent of the module: the table of κ values in the docs page on the gadgets,
polynomial identities expanded
by sympy, evaluation with :class:`fractions.Fraction`, and exact sympy determinants of
square-root matrices (a sum Σ c_m √m over square-free m is zero only if every c_m is).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from ermbit.errors import BudgetExceeded, InputError, InputTypeError
from ermbit.exact import Q, to_fraction
from ermbit.reductions.gadgets import Gadget, gadget
from ermbit.studies.gadget_negative import NegativeResult, _modular_ranks, gadget_negative
from tests.profiles import examples

SETTINGS = examples(40)
F = Fraction

# Lemma 3.1 check values: σ coefficients ascending -> κ.
KAPPA_TABLE = [
    (["0", "0", "1"], ["1/2", "0", "0"]),
    (["0", "2", "0", "1"], ["-1/4", "1/3", "-1/12", "0"]),
    (["5", "-1", "1/3"], ["-39/4", "81/4", "-9"]),
    (["0", "-1", "0", "0", "1"], ["35/288", "-13/36", "19/48", "-7/36", "11/288"]),
    (["1", "0", "0", "0", "-2"], ["-35/576", "13/72", "-19/96", "7/72", "-11/576"]),
]


def sigma_ref(coeffs: list[Fraction], t: Fraction) -> Fraction:
    return sum((c * t**k for k, c in enumerate(coeffs)), F(0))


def product_ref(
    coeffs: list[Fraction], kappa: list[Fraction], x: Fraction, y: Fraction
) -> Fraction:
    s = sigma_ref
    terms = (
        k * (s(coeffs, x + y + j) - s(coeffs, x + j) - s(coeffs, y + j))
        for j, k in enumerate(kappa)
    )
    return sum(terms, F(0))


small_q = st.builds(F, st.integers(-6, 6), st.integers(1, 4))
points_q = st.builds(F, st.integers(-(10**6), 10**6), st.integers(1, 10**4))


@st.composite
def polynomials(draw: st.DrawFn) -> list[Fraction]:
    mu = draw(st.integers(2, 5))
    lower = draw(st.lists(small_q, min_size=mu, max_size=mu))
    lead = draw(small_q.filter(lambda c: c != 0))
    return [*lower, lead]


# ---------------------------------------------------------------- the gadget


@pytest.mark.parametrize(("coeffs", "kappa"), KAPPA_TABLE)
def test_spec_table(coeffs: list[str], kappa: list[str]) -> None:
    g = gadget(coeffs)
    assert g.kappa == tuple(Q(k) for k in (F(v) for v in kappa))
    assert g.shifts == tuple(range(len(coeffs)))
    # The table entries themselves satisfy the identity (hand check at a few points).
    cs = [F(c) for c in coeffs]
    ks = [F(k) for k in kappa]
    for x, y in [(F(0), F(0)), (F(3), F(-7)), (F(1, 2), F(5, 3)), (F(-11, 4), F(2))]:
        assert product_ref(cs, ks, x, y) == x * y


@pytest.mark.parametrize(("coeffs", "_kappa"), KAPPA_TABLE)
def test_polynomial_identities_by_sympy(coeffs: list[str], _kappa: list[str]) -> None:
    g = gadget(coeffs)
    u = sp.Symbol("U")
    sig = sum(sp.Rational(c) * u**k for k, c in enumerate(coeffs))
    sq = sum(2 * sp.Rational(str(k)) * sig.subs(u, u + j) for j, k in enumerate(g.kappa))
    ident = sum(sp.Rational(str(b)) * sig.subs(u, u + j) for j, b in enumerate(g.beta))
    assert sp.expand(sq - u**2) == 0
    assert sp.expand(ident - u) == 0


@given(polynomials(), points_q, points_q)
@SETTINGS
def test_random_polynomials_exact(coeffs: list[Fraction], x: Fraction, y: Fraction) -> None:
    g = gadget(coeffs)
    assert g.degree == len(coeffs) - 1
    assert g.check(x, y)
    kappa = [to_fraction(k) for k in g.kappa]
    beta = [to_fraction(b) for b in g.beta]
    assert product_ref(coeffs, kappa, x, y) == x * y
    assert sum(b * sigma_ref(coeffs, x + j) for j, b in enumerate(beta)) == x
    assert to_fraction(g.multiply(x, y)) == x * y and to_fraction(g.identity(y)) == y
    assert to_fraction(g.sigma(x)) == sigma_ref(coeffs, x)
    # D·κ is integral and D is the least such positive integer.
    d = g.common_denominator
    assert tuple(F(k) * d for k in kappa) == tuple(F(k) for k in g.kappa_int)
    for e in range(1, d):
        if d % e == 0:
            assert any((k * e).denominator != 1 for k in kappa)


@given(polynomials(), points_q, points_q)
@SETTINGS
def test_check_rejects_a_wrong_point(coeffs: list[Fraction], x: Fraction, y: Fraction) -> None:
    g = gadget(coeffs)
    # A tampered gadget (bypassing validation) must fail check somewhere: check is not vacuous.
    bad = object.__new__(Gadget)
    fields = dict(g.__dict__, kappa=(g.kappa[0] + 1, *g.kappa[1:]))
    for k, v in fields.items():
        object.__setattr__(bad, k, v)
    probes = [(x, y), (x + 1, y + 2), (F(2), F(3)), (F(-5, 2), F(7))]
    assert not all(bad.check(a, b) for a, b in probes)


def test_trailing_zeros_are_stripped() -> None:
    assert gadget([0, 0, 1, 0, "0/5"]) == gadget([0, 0, 1])
    assert gadget([0, 0, 1, 0]).degree == 2


@pytest.mark.parametrize(
    ("coeffs", "fragment"),
    [
        ([1, 2], "got degree 1 (σ = 2z+1)"),
        ([1, 2, 0, 0], "got degree 1 (σ = 2z+1)"),
        (["3/2"], "got degree 0 (σ = 3/2)"),
        ([], "(σ = 0)"),
        ([0, 0, 0], "(σ = 0)"),
        (["1/2", "-1"], "σ = -z+1/2"),
    ],
)
def test_degree_below_two_refused(coeffs: list[object], fragment: str) -> None:
    with pytest.raises(InputError, match="degree ≥ 2") as info:
        gadget(coeffs)
    assert fragment in str(info.value)


def test_bad_types_refused() -> None:
    with pytest.raises(InputTypeError, match=r"coeffs\[1\]"):
        gadget([0, 0.5, 1])
    with pytest.raises(InputTypeError, match="coeffs"):
        gadget("012")
    with pytest.raises(InputError, match=r"coeffs\[2\]"):
        gadget([0, 1, "x"])
    with pytest.raises(InputTypeError):
        gadget([0, 0, 1]).check(0.5, 1)


def test_direct_construction_is_validated() -> None:
    g = gadget([0, 2, 0, 1])
    assert (
        Gadget(
            coeffs=("0", "2", "0", "1"),
            kappa=("-1/4", "1/3", "-1/12", 0),
            beta=g.beta,
            shifts=(0, 1, 2, 3),
            common_denominator=12,
            kappa_int=(-3, 4, -1, 0),
        )
        == g
    )
    good = dict(g.__dict__)
    for name, value in [
        ("kappa", ("1/4", "1/3", "-1/12", 0)),
        ("kappa", g.kappa[:3]),
        ("beta", (0, 0, 0, 0)),
        ("shifts", (1, 2, 3, 4)),
        ("common_denominator", 24),
        ("kappa_int", (-6, 8, -2, 0)),
    ]:
        with pytest.raises(InputError, match=f"^{name}:"):
            Gadget(**dict(good, **{name: value}))
    with pytest.raises(InputError, match="trailing zero"):
        Gadget(**dict(good, coeffs=(*g.coeffs, 0)))


# ---------------------------------------------------------------- Thm F.1


def pow_ref(alpha: Fraction, t: Fraction) -> Fraction:
    return t ** int(alpha)


@pytest.mark.parametrize("alpha", ["1/2", -1, "-1/2", "1/3", "3/2", -2, 0, 1])
@pytest.mark.parametrize("max_shift", [0, 3, 6])
def test_negative_inconsistent(alpha: object, max_shift: int) -> None:
    r = gadget_negative(alpha, max_shift=max_shift)
    n = max_shift + 1
    assert r.verdict == "inconsistent" and r.exact and r.solution is None
    assert r.rank_augmented == r.rank_coefficients + 1
    if alpha not in (0, 1):
        assert r.rank_coefficients == n
    assert (r.modulus is None) == (F(str(alpha)).denominator == 1)
    assert "no real coefficients reproduce x·y" in r.statement
    assert all(x > 0 and y > 0 for x, y in r.points)


@pytest.mark.parametrize(("alpha", "max_shift"), [(2, 0), (2, 6), (3, 3), (4, 4), (3, 6)])
def test_natural_exponent_consistent(alpha: int, max_shift: int) -> None:
    r = gadget_negative(alpha, max_shift=max_shift)
    assert r.verdict == "consistent" and r.rank_augmented == r.rank_coefficients
    assert r.solution is not None and "consistent" in r.statement
    c = [to_fraction(v) for v in r.solution]
    coeffs = [F(0)] * alpha + [F(1)]
    # The solution found on the sample points reproduces x·y everywhere (checked by Fraction).
    for x, y in [*((to_fraction(a), to_fraction(b)) for a, b in r.points), (F(-7, 3), F(5, 11))]:
        assert product_ref(coeffs, c, x, y) == x * y


@pytest.mark.parametrize("alpha", [2, 3, 4])
def test_gadget_kappa_solves_negative_system(alpha: int) -> None:
    g = gadget([0] * alpha + [1])
    r = gadget_negative(alpha, max_shift=alpha)
    coeffs = [F(0)] * alpha + [F(1)]
    kappa = [to_fraction(k) for k in g.kappa]
    assert all(product_ref(coeffs, kappa, to_fraction(x), to_fraction(y)) == x * y
               for x, y in r.points)  # fmt: skip
    assert r.verdict == "consistent"


def test_too_few_cubic_shifts_inconsistent() -> None:
    # σ = z³ with shifts {0, 1}: the σ-differences span too little to reach x·y.
    assert gadget_negative(3, max_shift=1).verdict == "inconsistent"


def _sympy_rank(alpha: sp.Rational, shifts: range, points: list[tuple[F, F]]) -> tuple[int, int]:
    """rank A and rank [A | b] via exact sympy determinants of every square minor."""

    def s(t: F) -> sp.Expr:
        return sp.Pow(sp.Rational(t.numerator, t.denominator), alpha)

    rows = [
        [s(x + y + j) - s(x + j) - s(y + j) for j in shifts]
        + [sp.Rational((x * y).numerator, (x * y).denominator)]
        for x, y in points
    ]

    def rank(cols: int) -> int:
        for k in range(min(cols, len(rows)), 0, -1):
            for rs in itertools.combinations(range(len(rows)), k):
                for cs in itertools.combinations(range(cols), k):
                    m = sp.Matrix([[rows[i][j] for j in cs] for i in rs])
                    if sp.expand(m.det(method="berkowitz")) != 0:
                        return k
        return 0

    return rank(len(shifts)), rank(len(shifts) + 1)


@pytest.mark.parametrize(
    ("alpha", "max_shift", "points"),
    [
        ("1/2", 1, None),
        ("1/2", 1, [(F(1, 2), F(1, 3)), (F(2, 3), F(5, 4)), (F(1), F(7, 2))]),
        ("-1/2", 1, [(F(1, 4), F(9, 4)), (F(2), F(2)), (F(1), F(3)), (F(3), F(5))]),
        ("1/2", 1, [(F(1), F(1)), (F(1), F(2))]),
    ],
)
def test_modular_certificate_against_sympy(
    alpha: str, max_shift: int, points: list[tuple[F, F]] | None
) -> None:
    r = gadget_negative(alpha, max_shift=max_shift, points=points)
    pts = [(to_fraction(x), to_fraction(y)) for x, y in r.points]
    rc, ra = _sympy_rank(sp.Rational(alpha), range(max_shift + 1), pts)
    # Modular ranks never exceed the real ones, and equal them when certified.
    assert r.rank_coefficients <= rc and r.rank_augmented <= ra
    if r.exact:
        assert (r.rank_coefficients, r.rank_augmented) == (rc, ra)
        assert r.verdict == ("inconsistent" if ra > rc else "consistent")
    else:
        assert r.verdict == "undetermined" and "undetermined" in r.statement


@given(st.lists(st.tuples(st.integers(1, 9), st.integers(1, 9)), min_size=1, max_size=8),
       st.integers(0, 4), st.sampled_from([-1, -2, 2, 3]))  # fmt: skip
@examples(30)
def test_modular_ranks_match_rational_ranks(pts: list, max_shift: int, alpha: int) -> None:
    # For integer α the entries are rational: GF(P) ranks must equal the exact ones (P > 2³¹
    # cannot divide the small minors here) -- a check of the modular elimination itself.
    exact = gadget_negative(alpha, max_shift=max_shift, points=pts)
    shifts = tuple(range(max_shift + 1))
    rc, ra, p = _modular_ranks(Q(alpha), shifts, exact.points, 1, 2**16)
    assert (rc, ra) == (exact.rank_coefficients, exact.rank_augmented) and p > 2**31


def test_undetermined_and_few_points() -> None:
    r = gadget_negative("1/2", max_shift=3, points=[(1, 1), (1, 2)])
    assert r.verdict == "undetermined" and not r.exact
    r = gadget_negative(-1, max_shift=3, points=[(1, 1), (1, 2)])
    assert r.verdict == "consistent" and r.solution is not None
    c = [to_fraction(v) for v in r.solution]
    for x, y in [(F(1), F(1)), (F(1), F(2))]:
        got = sum(k * (1 / (x + y + j) - 1 / (x + j) - 1 / (y + j)) for j, k in enumerate(c))
        assert got == x * y


def test_negative_input_errors() -> None:
    with pytest.raises(InputError, match=r"points\[1\].*positive"):
        gadget_negative("1/2", max_shift=1, points=[(1, 1), (0, 2)])
    with pytest.raises(InputError, match=r"points\[0\]"):
        gadget_negative(-1, points=[(-1, 2)])
    assert gadget_negative(2, max_shift=2, points=[(-1, 2), (0, 0), (3, -5)]).exact
    with pytest.raises(InputTypeError, match="alpha"):
        gadget_negative(0.5)
    with pytest.raises(InputError, match="max_shift"):
        gadget_negative("1/2", max_shift=-1)
    with pytest.raises(InputTypeError, match=r"points\[0\]"):
        gadget_negative("1/2", points=[(1, 2, 3)])
    with pytest.raises(BudgetExceeded, match="64 candidate primes") as info:
        gadget_negative("1/2", max_shift=6, search_budget=8)
    assert info.value.predicted == 64 and "search_budget" in str(info.value)


def test_negative_result_validation() -> None:
    r = gadget_negative(-1, max_shift=1)
    with pytest.raises(InputError, match="impossible pair"):
        NegativeResult(r.alpha, r.shifts, r.points, 2, 4, True, None, None, "")
    with pytest.raises(InputError, match="solution"):
        NegativeResult(r.alpha, r.shifts, r.points, 2, 3, True, None, (Q(0), Q(0)), "")


def test_size_budget() -> None:
    with pytest.raises(BudgetExceeded, match="size_budget") as info:
        gadget_negative(10**6, max_shift=2)
    assert info.value.predicted > 2**20
    assert gadget_negative(200, max_shift=2, size_budget=10**4).exact
