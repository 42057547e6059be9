"""Paper Thm F.1: no gadget of Lemma 3.1's kind exists for σ = T^α with α ∉ ℕ (docs: results.md).

:func:`gadget_negative` sets up the linear system that the coefficients c_s of a
combination ``Σ_s c_s·(σ(x+y+s) − σ(x+s) − σ(y+s)) = x·y`` must satisfy on sample
points and shows it is inconsistent (rank of the coefficient matrix below the rank of the
augmented matrix); for σ = z² the same system is consistent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sympy import factorint

from ermbit.errors import BudgetExceeded, InputError, InputTypeError
from ermbit.exact import Q, Rational, bitlen, fmt, gcd, next_prime, parse, parse_int
from ermbit.reductions.gadgets import Matrix, _echelon, _echelon_q

__all__ = ["NegativeResult", "gadget_negative"]


@dataclass(frozen=True)
class NegativeResult:
    """Outcome of :func:`gadget_negative`: can shifted σ-differences match x·y on the points?

    The unknowns are real c_s, one per shift s; row i of the system A·c = b reads
    Σ_s c_s (σ(x_i+y_i+s) − σ(x_i+s) − σ(y_i+s)) = x_i·y_i.

    Attributes
    ----------
    alpha : mpq
        The exponent of σ(T) = T^α.
    shifts : tuple of int
        The shifts 0..S.
    points : tuple of (mpq, mpq)
        The sample points (x_i, y_i).
    rank_coefficients, rank_augmented : int
        rank A and rank [A | b] over ℝ when ``exact``; lower bounds for them otherwise.
    exact : bool
        Whether the ranks are the exact real ranks: always for integer α (computed over ℚ);
        for other α when [A | b] has full column rank over GF(``modulus``).
    modulus : int or None
        The prime P of the modular certificate; None when the ranks were computed over ℚ.
    solution : tuple of mpq or None
        Coefficients c_s solving the system exactly, when it is consistent over ℚ.
    statement : str
        The conclusion in words.
    """

    alpha: Rational
    shifts: tuple[int, ...]
    points: tuple[tuple[Rational, Rational], ...]
    rank_coefficients: int
    rank_augmented: int
    exact: bool
    modulus: int | None
    solution: tuple[Rational, ...] | None
    statement: str

    def __post_init__(self) -> None:
        rc, ra = self.rank_coefficients, self.rank_augmented
        if not 0 <= rc <= ra <= rc + 1 or rc > len(self.shifts) or ra > len(self.points):
            raise InputError(f"rank_coefficients, rank_augmented: impossible pair {rc}, {ra}")
        if self.solution is not None and (ra != rc or len(self.solution) != len(self.shifts)):
            raise InputError("solution: only a consistent system has one, one entry per shift")

    @property
    def verdict(self) -> str:
        """``"inconsistent"``, ``"consistent"`` or ``"undetermined"`` (not ``exact``)."""
        if not self.exact:
            return "undetermined"
        return "inconsistent" if self.rank_augmented > self.rank_coefficients else "consistent"


def _check_system_size(big_s: int, budget: int) -> None:
    """Refuse a default system whose matrix would have more than ``budget`` entries."""
    t = big_s + 3
    points = t * t // 4  # Σ_{y<t} min(y, t − y): the pairs 1 ≤ x ≤ y with x + y ≤ t
    entries = points * (big_s + 2)
    if entries > budget:
        raise BudgetExceeded(
            f"the linear system for shifts 0..{big_s}",
            predicted=entries,
            budget=budget,
            unit="matrix entries",
            hint="use a smaller --max-shift (or pass a larger max_entries)",
        )


def _default_points(n: int) -> tuple[tuple[Any, Any], ...]:
    # With h(t) = Σ_s c_s σ(t+s) the rows say h(x+y) − h(x) − h(y) = x·y, so integer points
    # with x + y ≤ T constrain h only on 1..T: T − 1 independent equations.  T = n + 2 gives
    # one more equation than unknowns.  (y, x) would repeat the row of (x, y).
    t = n + 2
    return tuple((Q(x), Q(y)) for y in range(1, t) for x in range(1, y + 1) if x + y <= t)


def _parse_points(points: Iterable[Any], positive: bool, sigma: str) -> tuple[Any, ...]:
    out = []
    for i, p in enumerate(points):
        if isinstance(p, str | bytes) or not isinstance(p, Sequence) or len(p) != 2:
            raise InputTypeError(f"points[{i}]: expected a pair (x, y), got {p!r}")
        x, y = parse(p[0], name=f"points[{i}].x"), parse(p[1], name=f"points[{i}].y")
        if positive and not (x > 0 and y > 0):
            raise InputError(
                f"points[{i}]: σ = {sigma} needs positive arguments, so x, y > 0; "
                f"got ({fmt(x)}, {fmt(y)})"
            )
        out.append((x, y))
    return tuple(out)


def _check_power_size(alpha: Any, points: Sequence[Any], big_s: int, budget: int) -> None:
    # |t + s| over s in 0..S is largest at s = 0 or s = S; both parts of t^α grow |α|-fold.
    args = (t + s for x, y in points for t in (x, y, x + y) for s in (0, big_s))
    bits = max((bitlen(a.numerator) + bitlen(a.denominator) for a in args), default=0)
    if abs(int(alpha)) * bits > budget:
        raise BudgetExceeded(
            f"a power σ(t) = t^{fmt(alpha)} at the sample points",
            predicted=abs(int(alpha)) * bits,
            budget=budget,
            hint="pass a larger size_budget",
        )


def _rows(points: Sequence[Any], shifts: Sequence[int], power: Callable[[Any], Any]) -> Matrix:
    return [
        [power(x + y + s) - power(x + s) - power(y + s) for s in shifts] + [x * y]
        for x, y in points
    ]


def _ranks(pivots: Sequence[int], n: int) -> tuple[int, int]:
    return sum(1 for c in pivots if c < n), len(pivots)


def _pivots_mod(rows: Matrix, p: int) -> tuple[int, ...]:
    """Pivot columns over GF(p) of a matrix of rationals with denominators prime to p."""
    image = [[int(v.numerator) * pow(int(v.denominator), -1, p) % p for v in r] for r in rows]
    return _echelon(image, lambda v: pow(v, -1, p), lambda v: v % p)[1]


def _modular_ranks(
    alpha: Any, shifts: Sequence[int], points: Sequence[Any], tries: int, budget: int
) -> tuple[int, int, int]:
    """Ranks of the images of A and [A | b] over GF(P) under a ring homomorphism.

    For α = num/den the entries lie in ℤ_(P)[q^(1/den) : q a prime factor of an argument].
    The real radicals q^(1/den) obey no ℚ-linear relation beyond t^den = q (Besicovitch,
    1940), so t_q ↦ q^E mod P is a ring homomorphism whenever every q lies in a subgroup
    of GF(P)* of order coprime to den (E = den⁻¹ modulo that order).  A minor non-zero
    mod P is then non-zero over ℝ: ranks mod P are lower bounds, exact when [A | b] has
    full column rank.  Returns (rank A, rank [A | b], P).
    """
    num, den, n = int(alpha.numerator), int(alpha.denominator), len(shifts)
    args = {a + s for x, y in points for a in (x, y, x + y) for s in shifts}
    ints = {int(v) for a in args for v in (a.numerator, a.denominator)}
    ints |= {int(x.denominator * y.denominator) for x, y in points}
    # For even den the subgroup is that of the squares, so every q must be a square mod P:
    # about 2^k primes are scanned for k distinct q.
    factors = {q for v in ints for q in factorint(v)} if den % 2 == 0 else set()
    if 2 ** len(factors) > budget:
        raise BudgetExceeded(
            f"finding a prime modulo which the {len(factors)} primes {sorted(factors)} are squares",
            predicted=2 ** len(factors),
            budget=budget,
            unit="candidate primes",
            hint="pass a larger search_budget (or fewer shifts or points)",
        )
    prime, best, scanned = int(next_prime(max(2**31, *ints))), (0, 0, 0), 0
    while tries > 0 and scanned < 16 * budget:
        prime, scanned = int(next_prime(prime)), scanned + 1
        order = prime - 1 if den % 2 else (prime - 1) // 2
        if gcd(den, order) != 1 or any(pow(q, order, prime) != 1 for q in factors):
            continue
        tries -= 1
        e = pow(den, -1, order)

        def power(t: Any, p: int = prime, e: int = e) -> int:
            return pow(pow(int(t.numerator), e, p) * pow(int(t.denominator), -e, p), num, p)

        rc, ra = _ranks(_pivots_mod(_rows(points, shifts, power), prime), n)
        best = max(best, (ra, rc, prime))
        if ra == n + 1:
            break
    if best[2] == 0:
        raise BudgetExceeded(
            "finding a prime for the modular certificate", predicted=scanned + 1,
            budget=16 * budget, unit="candidate primes", hint="pass a larger search_budget",
        )  # fmt: skip
    return best[1], best[0], best[2]


def gadget_negative(
    alpha: Any,
    *,
    max_shift: int = 6,
    points: Iterable[Any] | None = None,
    tries: int = 3,
    search_budget: int = 2**16,
    size_budget: int = 2**20,
    max_entries: int = 2**22,
) -> NegativeResult:
    """Thm F.1: for σ = T^α, α ∉ ℕ, no Σ_s c_s (σ(x+y+s) − σ(x+s) − σ(y+s)) equals x·y.

    Sets up A·c = b with one unknown c_s per shift s = 0..S and one row per point (x, y),
    b = x·y, and compares rank A with rank [A | b]: a larger augmented rank means that no
    real coefficients reproduce x·y, even on these points alone.

    * Integer α: every entry is rational; the ranks (and a solution when one exists) are
      computed exactly over ℚ.  For α ∈ ℕ, α ≥ 2, the system is consistent once S ≥ α
      (Lemma 3.1).
    * Other rational α: the entries are real radicals.  The ranks are computed over GF(P)
      for primes P > 2³¹ at which a ring homomorphism from the radicals exists (see
      ``_modular_ranks``); an (S+2)-minor of [A | b] non-zero mod P is non-zero over ℝ,
      so full augmented rank mod P *certifies* inconsistency (``exact`` is True).  If
      ``tries`` primes give no certificate the verdict is ``"undetermined"``.

    Parameters
    ----------
    alpha : rational
        The exponent α (``"1/2"``, ``-1``...).
    max_shift : int
        S; the shifts are 0..S.
    points : sequence of pairs, optional
        Sample points; by default the integer pairs 1 ≤ x ≤ y with x + y ≤ S + 3.  For
        α ∉ ℕ they must be positive (σ is evaluated at x + s, y + s, x + y + s).
    tries : int
        How many suitable primes to try before giving up on a certificate.
    search_budget : int
        For α with even denominator, refuse when finding a suitable prime is predicted to
        scan more than this many candidates (2^k for k prime factors among the arguments).
    size_budget : int
        For integer α, refuse when a power (x+y+S)^|α| is predicted to exceed this many bits.
    max_entries : int
        With the default points, refuse at once when the matrix [A | b] would have more
        than this many entries (about S³/4: ``--max-shift 100000`` would need 10^15).

    Raises
    ------
    InputError
        For a negative ``max_shift``, ``tries`` < 1, or a point where σ is undefined.
    BudgetExceeded
        When the search for a prime is predicted to exceed ``search_budget``, a power
        to exceed ``size_budget`` bits, or the matrix ``max_entries`` entries.

    >>> r = gadget_negative("1/2", max_shift=3)
    >>> r.verdict, r.rank_coefficients, r.rank_augmented, len(r.points)
    ('inconsistent', 4, 5, 9)
    >>> r = gadget_negative(2, max_shift=3)
    >>> r.verdict, [fmt(c) for c in r.solution]
    ('consistent', ['1/2', '0', '0', '0'])
    """
    a = parse(alpha, name="alpha")
    big_s, tries = int(parse_int(max_shift, name="max_shift")), int(parse_int(tries, name="tries"))
    if big_s < 0 or tries < 1:
        raise InputError(f"max_shift, tries: need S ≥ 0 and tries ≥ 1, got {big_s}, {tries}")
    if points is None:  # predicted before any row is built: ~S²/4 points × (S+2) columns
        _check_system_size(big_s, int(max_entries))
    shifts = tuple(range(big_s + 1))
    n, natural = len(shifts), a.denominator == 1 and a >= 0
    sigma = f"z^{fmt(a)}" if natural else f"z^({fmt(a)})"
    pts = _default_points(n) if points is None else _parse_points(points, not natural, sigma)
    solution, modulus = None, None
    if a.denominator == 1:
        _check_power_size(a, pts, big_s, int(size_budget))
        red, pivots = _echelon_q(_rows(pts, shifts, lambda t: t ** int(a)))
        rc, ra = _ranks(pivots, n)
        if rc == ra:
            sol = [Q(0)] * n
            for row, c in zip(red, pivots, strict=False):
                sol[c] = row[-1]
            solution = tuple(sol)
    else:
        rc, ra, modulus = _modular_ranks(a, shifts, pts, tries, int(search_budget))
    exact = modulus is None or ra == n + 1
    result = NegativeResult(a, shifts, pts, rc, ra, exact, modulus, solution, statement="")
    return replace(result, statement=_statement(result, sigma))


def _statement(r: NegativeResult, sigma: str) -> str:
    m, n = len(r.points), len(r.shifts)
    head = (
        f"σ(z) = {sigma}, shifts 0..{n - 1}, {m} points: the {m}×{n} system "
        f"Σ_s c_s(σ(x+y+s) − σ(x+s) − σ(y+s)) = x·y has rank {r.rank_coefficients}, "
        f"augmented rank {r.rank_augmented}"
    )
    how = "over ℚ" if r.modulus is None else f"certified modulo the prime {r.modulus}"
    if r.verdict == "inconsistent":
        return head + f" ({how}), so no real coefficients reproduce x·y on these points."
    if r.verdict == "consistent":
        sol = zip(r.shifts, r.solution or (), strict=True)
        return head + " (over ℚ): consistent, " + ", ".join(f"c_{s} = {fmt(c)}" for s, c in sol)
    return head + f" (lower bounds modulo {r.modulus}): undetermined; try more points."
