"""Bit-length bookkeeping for exact passes (private to the network modules).

Two tools, both integer-only:

* **log bounds** -- an ``int`` ``e`` stands for "``|q| <= 2**e``" and ``None`` for
  "``q == 0``"; :func:`lg`, :func:`lg_mul` and :func:`lg_sum` propagate them through
  products and sums without computing the numbers themselves.
* :class:`DenBasis` -- denominators written as exponent vectors over a pairwise coprime
  basis of the denominators that occur (parameters, inputs, activation constants).  An
  ``lcm`` is then an elementwise ``max``, a product a sum, a power a multiple, so the
  common denominators of a whole network, and a bound on their bit lengths, cost a few
  small-integer operations per edge and no big arithmetic.

>>> from ermbit.exact import parse
>>> lg(parse("3")), lg(parse("4")), lg(parse("1/3")), lg(0)
(2, 2, -1, None)
>>> lg_sum([3, 3, None]), lg_mul(2, None)
(4, None)
>>> b = DenBasis([4, 6, 9])
>>> b.base, b.exps(12), b.value((2, 1)), b.bits((2, 1))
((mpz(2), mpz(3)), (2, 1), mpz(12), 4)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ermbit.exact import (
    Integer,
    IntegerLike,
    Q,
    RationalLike,
    Z,
    bitlen,
    ceil_log2,
    gcd,
    lcm,
)

__all__ = [
    "DenBasis",
    "LogBound",
    "lg",
    "lg_int",
    "lg_low",
    "lg_mul",
    "lg_sum",
    "multiplicity",
    "size_bound",
    "vadd",
    "vmax",
    "vscale",
    "vsub",
]

#: ``e`` means ``|q| <= 2**e``; ``None`` means ``q == 0``.
LogBound = int | None

#: Largest coprime basis kept exactly; beyond it one common atom is used (see DenBasis).
MAX_BASIS = 24
#: log2(p) is bounded through bitlen(p**_PREC) / _PREC, so bit bounds of p**e are tight
#: to within e/_PREC bits instead of e bits.
_PREC = 64


def lg_int(num: IntegerLike, den: IntegerLike) -> LogBound:
    """Smallest ``e`` with ``|num| <= 2**e * den`` (``den > 0``); ``None`` if ``num == 0``."""
    p = abs(Z(num))
    if p == 0:
        return None
    e = bitlen(p) - bitlen(den)
    # p/den lies in (2**(e-1), 2**(e+1)), so the answer is e or e + 1
    fits = p <= (Z(den) << e) if e >= 0 else (p << -e) <= den
    return e if fits else e + 1


def lg_low(q: RationalLike) -> LogBound:
    """Largest ``e`` with ``|q| >= 2**e`` for a rational ``q`` (``floor(log2|q|)``); ``None``
    for 0 (no positive lower bound).

    >>> lg_low(3), lg_low(4), lg_low(Q(-1, 3)), lg_low(0)
    (1, 2, -2, None)
    """
    q = Q(q)
    p, d = abs(q.numerator), q.denominator
    if p == 0:
        return None
    e = bitlen(p) - bitlen(d)
    fits = p >= (d << e) if e >= 0 else (p << -e) >= d
    return e if fits else e - 1


def lg(q: RationalLike) -> LogBound:
    """Smallest ``e`` with ``|q| <= 2**e`` for a rational ``q``; ``None`` for 0."""
    q = Q(q)
    return lg_int(q.numerator, q.denominator)


def lg_mul(a: LogBound, b: LogBound) -> LogBound:
    """Log bound of a product."""
    return None if a is None or b is None else a + b


def lg_sum(terms: Iterable[LogBound]) -> LogBound:
    """Log bound of a sum of ``k`` terms: the largest bound plus ``ceil(log2 k)``."""
    real = [t for t in terms if t is not None]
    if not real:
        return None
    return max(real) + ceil_log2(len(real))


def size_bound(a: LogBound, den_bits: int) -> int:
    """Bound on docs: model.md ``size`` of ``q = n/D`` with ``|q| <= 2**a`` and ``bitlen(D) <=
    den_bits``.

    The numerator is ``|q|*D < 2**(a + den_bits)``; reducing to lowest terms only
    shrinks both parts.
    """
    num_bits = 0 if a is None else max(0, a + den_bits)
    return 1 + num_bits + den_bits


def _weighted(pairs: list[tuple[LogBound, LogBound]], l1: LogBound) -> LogBound:
    """Bound of Σ|w_e|·|f_e| from ``(log|w_e|, log|f_e|)``: termwise (max + log2 of the
    count), or ``‖w‖₁·max|f|`` (tighter when the |f| are alike); the smaller one."""
    best, top, count = None, None, 0
    for lw, a in pairs:
        if lw is None or a is None:
            continue
        count += 1
        if best is None or lw + a > best:
            best = lw + a
        if top is None or a > top:
            top = a
    if best is None or top is None:
        return None
    best += ceil_log2(count)
    return best if l1 is None else min(best, l1 + top)


def _sum_bound(*terms: LogBound) -> LogBound:
    real = [t for t in terms if t is not None]
    return max(real) + ceil_log2(len(real)) if real else None


def _coprime_base(nums: Iterable[IntegerLike]) -> list[Integer]:
    """Pairwise coprime integers > 1 such that every ``n`` is a product of their powers."""
    base: list[Any] = []
    todo = [Z(n) for n in nums if n > 1]
    while todo:
        x = todo.pop()
        if x == 1:
            continue
        for i, b in enumerate(base):
            g = gcd(x, b)
            if g > 1:
                # x*b > g * (x/g) * (b/g): the product strictly falls, so this terminates
                base.pop(i)
                todo.extend((g, x // g, b // g))
                break
        else:
            base.append(x)
    return sorted(base)


def _primes_below(n: int) -> tuple[int, ...]:
    sieve = bytearray([1]) * n
    sieve[:2] = b"\x00\x00"
    for p in range(2, n):
        if p * p >= n:
            break
        if sieve[p]:
            sieve[p * p :: p] = bytes(len(range(p * p, n, p)))
    return tuple(p for p in range(n) if sieve[p])


_SMALL_PRIMES = _primes_below(1 << 10)


def multiplicity(n: IntegerLike, p: IntegerLike, cap: int | None = None) -> int:
    """``v_p(n)`` (at most ``cap``) for integers ``n != 0`` and ``p > 1``: one ``n % p``
    when ``p`` does not divide ``n``, else O(log² v) divisions by ``p**(2**i)``, so that
    ``2**(10**6)`` costs no million divisions.

    >>> multiplicity(Z(48), 2), multiplicity(Z(3) ** 40 * 7, 3), multiplicity(Z(3) ** 40, 3, 5)
    (4, 40, 5)
    """
    n = Z(n)
    if p == 2:
        k = int(n.bit_scan1())
        return k if cap is None else min(k, cap)
    k = 0
    while (cap is None or k < cap) and not n % p:
        e, pe = 1, Z(p)
        while (cap is None or 2 * e <= cap - k) and not n % (pe * pe):
            pe, e = pe * pe, 2 * e
        n //= pe
        k += e
    return k


def _split_small(b: Integer) -> list[Integer]:
    """The distinct primes below 2**10 dividing ``b``, and what is left of ``b`` (if > 1);
    pairwise coprime, and every prime factor of ``b`` divides one of them."""
    out = []
    for p in _SMALL_PRIMES:
        if b % p == 0:
            out.append(Z(p))
            b //= Z(p) ** multiplicity(b, p)
        if b == 1:
            break
    if b > 1:
        out.append(b)
    return out


class DenBasis:
    """Exponent vectors for the denominators built from a fixed set of atoms.

    With ``refine``, base elements are further split into their prime factors below
    ``2**10`` (the rest stays one element) and never pooled: then a denominator can be
    reduced by dividing out primes one by one (:mod:`ermbit.network.engine.dynamic`).

    With pairwise coprime base elements ``p_j``, the vector ``e`` stands for
    ``prod p_j**e_j``; then ``lcm`` is ``vmax`` and products are ``vadd``, exactly.
    If the basis would exceed ``MAX_BASIS`` elements (the vectors get long), the single
    atom ``Λ = lcm(atoms)`` is used instead ("pooled": atom ``n > 1`` ↦ ``(1,)``).  Then
    ``value(exps(n))`` is a multiple of ``n``, not ``n`` itself, and a numerator over
    ``n`` must be multiplied by :meth:`scale` to sit over ``value(exps(n))``; every
    computation stays exact, only with larger numbers.
    """

    def __init__(self, atoms: Iterable[IntegerLike], *, refine: bool = False) -> None:
        atoms = sorted({Z(a) for a in atoms if a > 1})
        base = _coprime_base(atoms)
        if refine:
            base = sorted(p for b in base for p in _split_small(b))
        self.pooled = not refine and len(base) > MAX_BASIS
        if self.pooled:
            pool = Z(1)
            for a in atoms:
                pool = lcm(pool, a)
            base = [pool]
        self.base: tuple[Integer, ...] = tuple(base)
        self.zero: tuple[int, ...] = (0,) * len(base)
        self._logs = tuple(bitlen(p**_PREC) for p in base)
        self._exps: dict[Any, tuple[int, ...]] = {}
        self._values: dict[tuple[int, ...], Any] = {self.zero: Z(1)}
        self._bits: dict[tuple[int, ...], int] = {}

    def exps(self, n: IntegerLike) -> tuple[int, ...]:
        """Exponent vector of ``n``, an atom given at construction (or a product of them)."""
        got = self._exps.get(n)
        if got is not None:
            return got
        key = n = Z(n)
        if n == 1:
            out = self.zero
        elif self.pooled:
            out = (1,)
        else:
            es = []
            for p in self.base:
                e = multiplicity(n, p)
                if e:
                    n //= p**e
                es.append(e)
            if n != 1:
                raise ValueError(f"{n} is not a product of the basis {self.base}")
            out = tuple(es)
        self._exps[key] = out
        return out

    def scale(self, n: IntegerLike) -> IntegerLike:
        """``value(exps(n)) // n``: 1 for an exact basis, ``Λ/n`` when pooled."""
        return self.value(self.exps(n)) // n if self.pooled else 1

    def value(self, e: tuple[int, ...]) -> Integer:
        """The integer ``prod p_j**e_j`` (memoised: network layers share denominators)."""
        got = self._values.get(e)
        if got is None:
            got = Z(1)
            for p, k in zip(self.base, e, strict=True):
                if k:
                    got *= p**k
            self._values[e] = got
        return got

    def bits(self, e: tuple[int, ...]) -> int:
        """An upper bound on ``bitlen(value(e))`` (at least 1), without computing it."""
        got = self._bits.get(e)
        if got is None:
            scaled = sum(k * L for k, L in zip(e, self._logs, strict=True))
            got = max(1, -(-scaled // _PREC))
            self._bits[e] = got
        return got


def vmax(vectors: Iterable[tuple[int, ...]], zero: tuple[int, ...]) -> tuple[int, ...]:
    """Elementwise maximum (the lcm of the denominators), ``zero`` for no vector."""
    out = zero
    for v in set(vectors):
        if v != out:
            out = tuple(map(max, out, v))
    return out


def vadd(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """Elementwise sum (the product of the denominators)."""
    return tuple(x + y for x, y in zip(a, b, strict=True)) if a else a


def vscale(a: tuple[int, ...], k: int) -> tuple[int, ...]:
    """``k`` times a vector (a power of the denominator)."""
    return tuple(k * x for x in a)


def vsub(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """Elementwise difference; every entry is >= 0 where the passes use it."""
    return tuple(x - y for x, y in zip(a, b, strict=True)) if a else a
