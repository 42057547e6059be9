"""Exact two-phase simplex over the rationals: the private engine of
:mod:`ermbit.solvers.lp.program`.

Problem: minimise ``c·x`` subject to ``a_i·x <= b_i`` (inequality rows) and
``a_i·x == b_i`` (equality rows), with every ``x_j`` free, all data rational.

Method.  Row ``i`` gets a slack ``s_i`` (``s_i >= 0`` on inequality rows, fixed at 0 on
equality rows), giving ``M0 z = b`` with ``M0 = [A | I]``.  Free columns are first
pivoted into the basis by Gauss-Jordan elimination; a basic free variable never leaves
(it has no bound), so its row is set aside and the remaining rows form an ordinary
standard-form LP.  Phase 1 adds an artificial only to rows without a ready basic slack,
phase 2 optimises ``c``.

Certificates come for free: the slack columns of ``M0`` are the identity, so in any row
obtained from the original rows by row operations, the entries at the slack columns are
the multipliers of that combination.  Reading them from the objective row gives the
Farkas multipliers (phase 1) or the dual solution (phase 2) with no extra bookkeeping.

Arithmetic: a row is a list of integers with one positive denominator, kept in lowest
terms by one multi-argument gcd per update.  Its entries are ratios of minors of the
input, as with ``mpq`` entries, but an update costs integer products instead of one
``mpq`` normalisation (a gcd) per entry -- several times faster on long entries.

Pivot rule: Dantzig's most negative reduced cost, switching to Bland's smallest-index
rule after a run of degenerate pivots and back after a strict improvement.  Strict
improvements never revisit a basis, and Bland's rule cannot cycle, so this terminates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ermbit.errors import BudgetExceeded, InputError
from ermbit.exact import Integer, Q, Rational, RationalLike, Z, bitlen, gcd, lcm

__all__ = ["SimplexOutcome", "solve"]

_FREE, _NONNEG, _FIXED = 0, 1, 2
_ART = -1  # basis marker: the row's artificial variable is basic
_DROPPED = -2  # the row was found redundant
#: Degenerate pivots tolerated under Dantzig's rule before falling back to Bland's.
_DEGENERATE_RUN = 12


@dataclass(frozen=True)
class SimplexOutcome:
    """Result of :func:`solve`.

    ``multipliers[i]`` is, for ``"infeasible"``, a Farkas vector ``y`` (``y_i >= 0`` on
    inequality rows, ``Σ y_i a_i = 0``, ``Σ y_i b_i < 0``); for ``"optimal"``, a dual
    optimum (``y_i >= 0`` on inequality rows, ``Σ y_i a_i = -c``, value ``-Σ y_i b_i``).
    For ``"unbounded"``, ``x`` is feasible and ``ray`` satisfies ``a_i·ray <= 0``
    (``== 0`` on equality rows) with ``c·ray < 0``.
    """

    status: str
    x: tuple[Rational, ...] | None
    value: Any  # Rational; None when infeasible (callers read it by status)
    multipliers: tuple[Rational, ...]
    ray: tuple[Rational, ...] | None
    pivots: int


def solve(
    a: Sequence[Sequence[RationalLike]],
    b: Sequence[RationalLike],
    eq: Sequence[bool],
    n: int,
    cost: Sequence[RationalLike] | None = None,
    *,
    bland: bool = False,
    max_pivots: int | None = None,
) -> SimplexOutcome:
    """Minimise ``cost·x`` over ``{x in Q^n : a_i·x <= b_i, or == b_i where eq[i]}``.

    With ``cost=None`` only feasibility is decided (status ``"optimal"``, value 0).
    ``bland=True`` uses Bland's rule throughout.  Raises :class:`BudgetExceeded` after
    ``max_pivots`` pivots.
    """
    if not len(a) == len(b) == len(eq):
        raise InputError(f"a, b, eq: lengths differ ({len(a)}, {len(b)}, {len(eq)})")
    if cost is not None and len(cost) != n:
        raise InputError(f"cost: expected {n} coefficients, got {len(cost)}")
    return _Tableau(a, b, eq, n, bland=bland, max_pivots=max_pivots).run(cost)


def _integral(values: Sequence[RationalLike]) -> tuple[list[Integer], Integer]:
    """Numerators over the least common denominator of the rationals ``values``."""
    qs = [Q(v) for v in values]
    den = lcm(*(q.denominator for q in qs)) if qs else Z(1)
    return [q.numerator * (den // q.denominator) for q in qs], den


def _reduce(row: list[Integer], den: Integer) -> tuple[list[Integer], Integer]:
    g = gcd(den, *row)
    return ([v // g if v else v for v in row], den // g) if g != 1 else (row, den)


def _nonzeros(row: list[Integer]) -> list[tuple[int, Integer]]:
    return [(k, v) for k, v in enumerate(row) if v]


def _eliminate(
    row: list[Integer], den: Integer, pivot_nz: list[tuple[int, Integer]], e: int, p: Integer
) -> tuple[list[Integer], Integer]:
    """``row/den − (row[e]/den)·(prow/p)`` as integers over a new denominator.

    ``pivot_nz`` lists the non-zero entries of ``prow``, whose entry ``e`` is ``p > 0``.
    The result is ``(row·p − row[e]·prow) / (den·p)`` in lowest terms.
    """
    b = row[e]
    new = [x * p if x else x for x in row]  # skipping zeros matters: rows are sparse
    for k, y in pivot_nz:
        new[k] -= b * y
    return _reduce(new, den * p)


class _Tableau:
    def __init__(
        self,
        a: Sequence[Sequence[Any]],
        b: Sequence[Any],
        eq: Sequence[bool],
        n: int,
        *,
        bland: bool,
        max_pivots: int | None,
    ) -> None:
        m = len(a)
        self.n, self.m, self.ncols = n, m, n + m
        self.kind = [_FREE] * n + [_FIXED if e else _NONNEG for e in eq]
        self.rows: list[list[Any]] = []
        self.den: list[Any] = []
        for i in range(m):
            if len(a[i]) != n:
                raise InputError(f"a[{i}]: expected {n} coefficients, got {len(a[i])}")
            unit = [0] * m
            unit[i] = 1
            row, den = _integral([*a[i], *unit, b[i]])
            self.rows.append(row)
            self.den.append(den)
        self.basis: list[int | None] = [None] * m
        self.is_basic = [False] * self.ncols
        # Rows that pivots update: all of them while free columns are eliminated, then
        # only the rows without a free basic variable (see _freeze).
        self.active = list(range(m))
        self.free_rows: list[int] = []
        self.bland, self.max_pivots, self.pivots = bland, max_pivots, 0
        self.obj: list[Any] = []
        self.obj_den = Z(1)

    def run(self, cost: Sequence[Any] | None) -> SimplexOutcome:
        self._eliminate_free()
        self._freeze()
        self._start_phase1()
        self._iterate()
        if self.obj[-1] < 0:  # the phase-1 optimum -obj[-1]/obj_den is positive
            return self._outcome("infeasible", None, self._slack_part())
        self._expel_artificials()
        if cost is None:
            return self._outcome("optimal", Q(0), ())
        self._start_phase2(cost)
        status, entering = self._iterate()
        if status == "unbounded":
            assert entering is not None
            return self._outcome("unbounded", None, (), self._ray(*entering))
        value = -Q(self.obj[-1], self.obj_den)
        return self._outcome("optimal", value, self._slack_part())

    # -- set-up ---------------------------------------------------------------------------

    def _eliminate_free(self) -> None:
        # Pivot every free column into some row; prefer equality rows (their slack is
        # fixed anyway) and short pivots (keeps the entries short).
        for j in range(self.n):
            best, best_key = None, None
            for i, row in enumerate(self.rows):
                if self.basis[i] is None and row[j]:
                    key = (self.kind[self.n + i] != _FIXED, bitlen(row[j]) + bitlen(self.den[i]))
                    if best_key is None or key < best_key:
                        best, best_key = i, key
            if best is not None:
                self._pivot(best, j)

    def _freeze(self) -> None:
        # A basic free variable never leaves and never bounds a step, so its row is not
        # needed until read-out: x_j = rhs - Σ_k T_ik z_k holds for the frozen row,
        # because later pivots only combine the other rows among themselves.
        self.free_rows = [i for i in range(self.m) if self.basis[i] is not None]
        self.active = [i for i in range(self.m) if self.basis[i] is None]

    def _start_phase1(self) -> None:
        art = []
        for i in self.active:
            row, s = self.rows[i], self.n + i
            if row[-1] < 0 or self.kind[s] == _FIXED:
                # No ready basic variable: the row keeps an artificial.  (Its own slack
                # column is still the unit vector e_i: row i was never a pivot row.)
                if row[-1] < 0:
                    self.rows[i] = [-v for v in row]
                self.basis[i] = _ART
                art.append(i)
            else:
                self.basis[i] = s
                self.is_basic[s] = True
        # Phase-1 objective: minus the sum of the artificial rows (they are 0 off basis).
        den = lcm(*(self.den[i] for i in art)) if art else Z(1)
        obj = [Z(0)] * (self.ncols + 1)
        for i in art:
            f = den // self.den[i]
            obj = [u - f * v for u, v in zip(obj, self.rows[i], strict=True)]
        self.obj, self.obj_den = _reduce(obj, den)

    def _expel_artificials(self) -> None:
        for i in self.active:
            row = self.rows[i]
            if self.basis[i] != _ART:
                continue
            for j in range(self.ncols):
                if row[j] and self.kind[j] == _NONNEG and not self.is_basic[j]:
                    self._pivot(i, j)
                    break
            else:
                self.basis[i] = _DROPPED

    def _start_phase2(self, cost: Sequence[Any]) -> None:
        obj, den = _integral([*cost, *([0] * (self.m + 1))])
        # Frozen rows first: they bring in slack columns that the active rows then clear.
        for i in (*self.free_rows, *self.active):
            j = self.basis[i]
            if j is not None and j >= 0 and obj[j]:
                row = self.rows[i]
                obj, den = _eliminate(obj, den, _nonzeros(row), j, row[j])
        self.obj, self.obj_den = obj, den

    # -- iterations -----------------------------------------------------------------------

    def _iterate(self) -> tuple[str, tuple[int, int] | None]:
        degenerate_run = 0
        while True:
            use_bland = self.bland or degenerate_run >= _DEGENERATE_RUN
            entering = self._entering(use_bland)
            if entering is None:
                return "optimal", None
            e = entering[0]
            r = None if self.kind[e] == _FREE else self._leaving(e)
            if r is None:
                return "unbounded", entering
            degenerate_run = degenerate_run + 1 if self.rows[r][-1] == 0 else 0
            self._pivot(r, e)

    def _entering(self, use_bland: bool) -> tuple[int, int] | None:
        # The objective row shares one positive denominator: compare numerators.
        best, best_d = None, 0
        for j in range(self.ncols):
            d = self.obj[j]
            if not d or self.is_basic[j] or self.kind[j] == _FIXED:
                continue
            if self.kind[j] == _FREE:
                # A nonbasic free column is zero in every active row (it could not be
                # pivoted in), so it moves the objective without limit.
                return j, (1 if d < 0 else -1)
            if d < best_d:
                best, best_d = j, d
                if use_bland:
                    break
        return None if best is None else (best, 1)

    def _leaving(self, e: int) -> int | None:
        best, best_key = None, None
        for i in self.active:
            row, j = self.rows[i], self.basis[i]
            if row[e] <= 0 or j is None or j == _DROPPED or (j >= 0 and self.kind[j] != _NONNEG):
                continue
            # The row's denominator cancels in the ratio rhs/entry.
            key = (Q(row[-1], row[e]), self.ncols + i if j == _ART else j)
            if best_key is None or key < best_key:
                best, best_key = i, key
        return best

    def _pivot(self, r: int, e: int) -> None:
        self.pivots += 1
        if self.max_pivots is not None and self.pivots > self.max_pivots:
            raise BudgetExceeded(
                "the simplex method",
                predicted=self.pivots,
                budget=self.max_pivots,
                unit="pivots",
                hint="pass a larger max_pivots (or None)",
            )
        prow = self.rows[r]
        if prow[e] < 0:
            prow = [-v for v in prow]
        # Normalised pivot row: prow / prow[e], i.e. denominator prow[e].
        prow, self.den[r] = _reduce(prow, prow[e])
        self.rows[r] = prow
        p, nz = prow[e], _nonzeros(prow)
        for i in self.active:
            if i != r and self.rows[i][e]:
                self.rows[i], self.den[i] = _eliminate(self.rows[i], self.den[i], nz, e, p)
        if self.obj and self.obj[e]:
            self.obj, self.obj_den = _eliminate(self.obj, self.obj_den, nz, e, p)
        old = self.basis[r]
        if old is not None and old >= 0:
            self.is_basic[old] = False
        self.basis[r] = e
        self.is_basic[e] = True

    # -- read-out -------------------------------------------------------------------------

    def _slack_part(self) -> tuple[Rational, ...]:
        return tuple(Q(v, self.obj_den) for v in self.obj[self.n : self.n + self.m])

    def _primal(self) -> tuple[Rational, ...]:
        z = [Q(0)] * self.ncols
        for i in self.active:
            j = self.basis[i]
            if j is not None and j >= 0:
                z[j] = Q(self.rows[i][-1], self.den[i])
        return self._with_free(z, homogeneous=False)

    def _ray(self, e: int, direction: int) -> tuple[Rational, ...]:
        dz = [Q(0)] * self.ncols
        dz[e] = Q(direction)
        for i in self.active:
            j = self.basis[i]
            if j is not None and j >= 0:
                dz[j] = -direction * Q(self.rows[i][e], self.den[i])
        return self._with_free(dz, homogeneous=True)

    def _with_free(self, z: list[Rational], *, homogeneous: bool) -> tuple[Rational, ...]:
        # Each frozen row reads x_j + Σ_{k != j} T_ik z_k = rhs_i; its entries in the other
        # free basic columns are 0 (elimination was Gauss-Jordan).
        for i in self.free_rows:
            row, j = self.rows[i], self.basis[i]
            assert j is not None
            total = Q(0) if homogeneous else Q(row[-1])
            for k in range(self.ncols):
                if row[k] and z[k] and k != j:
                    total -= row[k] * z[k]
            z[j] = total / self.den[i]
        return tuple(z[: self.n])

    def _outcome(
        self,
        status: str,
        value: Rational | None,
        multipliers: tuple[Rational, ...],
        ray: tuple[Rational, ...] | None = None,
    ) -> SimplexOutcome:
        x = None if status == "infeasible" else self._primal()
        return SimplexOutcome(status, x, value, multipliers, ray, self.pivots)
