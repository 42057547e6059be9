"""Evaluating SLPs exactly (within a budget), modulo m, and the bit and sign oracles.

``bit(slp, j)`` is bit j of ``|n_P|`` for any integer j (negative j read after the
binary point); low bits of integer programs are read modulo ``2^(j+1)``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from ermbit import exact
from ermbit.errors import InputError
from ermbit.slp.bounds import _check_budget, _predict, predict_bits
from ermbit.slp.program import SLP, _show
from ermbit.validate import check_int

__all__ = [
    "bit",
    "bits_low",
    "bitslp",
    "evaluate",
    "evaluate_int",
    "evaluate_mod",
    "is_zero_mod_primes",
    "possible_signs",
    "posslp",
    "sign",
    "values",
]


def _execute(slp: SLP, start: Any, reduce: Callable[[Any], Any] | None, keep: bool) -> list[Any]:
    """Run the gates from ``a_0 = start``; drop each value after its last use unless ``keep``."""
    n = slp.length
    free: list[list[int]] = [[] for _ in range(n + 1)]
    if not keep:
        last = list(range(n + 1))
        for i, g in enumerate(slp.gates, 1):
            last[g.j] = last[g.k] = i
        for d in range(n):
            free[last[d]].append(d)
    vals: list[Any] = [None] * (n + 1)
    vals[0] = start
    for i, g in enumerate(slp.gates, 1):
        x, y = vals[g.j], vals[g.k]
        # x * x hands GMP the same operand twice, which it squares (faster than a product)
        v = x * y if g.op == "*" else (x + y if g.op == "+" else x - y)
        vals[i] = v if reduce is None else reduce(v)
        for d in free[i]:
            vals[d] = None
    return vals


def _require_integer(slp: SLP, what: str) -> None:
    if not slp.is_integer:
        raise InputError(f"slp: {what} needs an integer SLP, but a0 = {exact.fmt(slp.a0)}")


def evaluate_int(slp: SLP, *, budget_bits: int | None = None) -> Any:
    """Exact value ``n_P`` (an ``mpz``) of an integer SLP, computed in ``mpz`` only.

    Raises
    ------
    InputError
        If ``a_0`` is not an integer.
    BudgetExceeded
        If some value is predicted to exceed ``budget_bits`` bits (before computing).
    """
    _require_integer(slp, "evaluate_int")
    _check_budget(predict_bits(slp), budget_bits, "evaluating the SLP")
    return _execute(slp, slp.a0.numerator, None, keep=False)[-1]


def evaluate(slp: SLP, *, budget_bits: int | None = None) -> Any:
    """Exact value ``n_P`` as an ``mpq``; integer SLPs are run in ``mpz`` (much faster).

    Intermediate values are released after their last use, so memory stays near the
    few largest live values.

    Raises
    ------
    BudgetExceeded
        If some value is predicted to exceed ``budget_bits`` bits (before computing).

    >>> evaluate(SLP("1/2", [("+", 0, 0), ("*", 1, 0)]))
    mpq(1,2)
    """
    if slp.is_integer:
        return exact.Q(evaluate_int(slp, budget_bits=budget_bits))
    _check_budget(predict_bits(slp), budget_bits, "evaluating the SLP")
    return _execute(slp, slp.a0, None, keep=False)[-1]


def values(slp: SLP, *, budget_bits: int | None = None) -> list[Any]:
    """All values ``[a_0, ..., a_l]`` as ``mpq``.

    All of them are kept, so the budget applies to their predicted total size.

    >>> values(SLP(2, [("*", 0, 0), ("-", 1, 0)]))
    [mpq(2,1), mpq(4,1), mpq(2,1)]
    """
    _check_budget(predict_bits(slp), budget_bits, "keeping every SLP value", total=True)
    start = slp.a0.numerator if slp.is_integer else slp.a0
    return [exact.Q(v) for v in _execute(slp, start, None, keep=True)]


def _reducer(m: Any) -> Callable[[Any], Any]:
    """Reduction into ``[0, m)``; a power of two is reduced by masking (two's complement)."""
    if m & (m - 1) == 0:
        mask = m - 1
        return lambda v: v & mask
    return lambda v: v % m


def evaluate_mod(slp: SLP, modulus: exact.IntegerLike) -> Any:
    """``n_P mod m`` in ``[0, m)`` for an integer SLP, without computing ``n_P``.

    ``+ - *`` commute with reduction mod ``m``, so every value is reduced after each gate
    and stays below ``m``.  A power of two is reduced by masking (two's complement).

    Raises
    ------
    InputError
        If the SLP is not an integer SLP or ``modulus < 1``.

    >>> s = SLP(3, [("*", i, i) for i in range(5)])            # 3**32
    >>> evaluate_mod(s, 2**10) == 3**32 % 2**10, evaluate_mod(s, 101) == 3**32 % 101
    (True, True)
    """
    _require_integer(slp, "evaluate_mod")
    m = exact.Z(check_int(modulus, "modulus"))
    if m < 1:
        raise InputError(f"modulus: must be >= 1, got {_show(m)}")
    reduce = _reducer(m)
    return _execute(slp, reduce(slp.a0.numerator), reduce, keep=False)[-1]


def _add_signs(s: int, t: int) -> set[int]:
    if s == 0 or t == 0 or s == t:
        return {s or t}
    return {-1, 0, 1}


def possible_signs(slp: SLP) -> frozenset[int]:
    """The signs ``n_P`` can have by a sign analysis that ignores magnitudes.

    Each value gets a set of possible signs: ``a_0`` its own; a product the products of
    signs (a square ``a_j * a_j`` is never negative); a sum the signs of sums (``+`` and
    ``-`` give ``{-1, 0, 1}``), ``a_j - a_j`` is 0.  Sound but incomplete (deciding
    the sign is PosSLP); an SLP without subtraction from ``a_0 > 0`` gets ``{1}``.

    >>> sorted(possible_signs(SLP(2, [("-", 0, 0), ("-", 1, 0), ("*", 2, 2)])))
    [1]
    >>> sorted(possible_signs(SLP(2, [("*", 0, 0), ("-", 1, 0)])))
    [-1, 0, 1]
    """
    a0 = slp.a0
    sets: list[frozenset[int]] = [frozenset({(a0 > 0) - (a0 < 0)})]
    for g in slp.gates:
        sj, sk = sets[g.j], sets[g.k]
        if g.op == "*":
            out = {s * s for s in sj} if g.j == g.k else {s * t for s in sj for t in sk}
        elif g.j == g.k:
            out = {0} if g.op == "-" else set(sj)
        else:
            sk = sk if g.op == "+" else frozenset(-t for t in sk)
            out = set().union(*(_add_signs(s, t) for s in sj for t in sk))
        sets.append(frozenset(out))
    return sets[-1]


def sign(slp: SLP, *, budget_bits: int | None = None) -> int:
    """Exact sign of ``n_P`` (-1, 0 or 1).

    Decided by :func:`possible_signs` when that is a single sign, else by full exact
    evaluation (within ``budget_bits``).  No probabilistic test is used.

    >>> sign(SLP(1, [("+", 0, 0), ("-", 0, 1)]))
    -1
    """
    signs = possible_signs(slp)
    if len(signs) == 1:
        return next(iter(signs))
    v = evaluate(slp, budget_bits=budget_bits)
    return int((v > 0) - (v < 0))


def _low_bits(slp: SLP, count: int, budget_bits: int | None) -> Any | None:
    """``|n_P| mod 2**count`` by modular evaluation, or None when the sign is not known."""
    signs = possible_signs(slp)
    if not (signs <= {0, 1} or signs <= {-1, 0}):
        return None
    _check_budget(
        [min(s, count) for s in predict_bits(slp)], budget_bits, "evaluating the SLP mod 2**k"
    )
    mask = (exact.Z(1) << count) - 1
    r = evaluate_mod(slp, mask + 1)
    return r if signs <= {0, 1} else (-r) & mask


def bits_low(slp: SLP, j: int, *, budget_bits: int | None = None) -> Any:
    """``|n_P| mod 2**(j+1)`` for an integer SLP: bits ``0..j`` of ``|n_P|`` (docs: model.md).

    The residue mod ``2**(j+1)`` is the two's complement of ``n_P``, which gives the bits of
    ``|n_P|`` only once the sign is known.  When :func:`possible_signs` shows ``n_P >= 0``
    (or ``<= 0``), only the residue is computed (negated for ``n_P <= 0``); otherwise the
    SLP is evaluated in full.  When ``j`` is past the predicted size, ``|n_P|`` itself is
    returned.

    >>> bits_low(SLP(1, [("+", 0, 0), ("-", 0, 1), ("*", 2, 1)]), 2)   # |-2| mod 8
    mpz(2)
    """
    _require_integer(slp, "bits_low")
    j = check_int(j, "j")
    if j < 0:
        raise InputError(f"j: bits_low needs j >= 0, got {_show(j)}")
    nb, _ = _predict(slp)
    low = _low_bits(slp, j + 1, budget_bits) if j < nb[-1] else None
    if low is not None:
        return low
    n = abs(evaluate_int(slp, budget_bits=budget_bits))
    return n if j >= nb[-1] else n & ((exact.Z(1) << (j + 1)) - 1)


def bit(slp: SLP, j: int, *, budget_bits: int | None = None) -> int:
    """``bit_j(n_P) = floor(2**(-j) |u| / v) mod 2`` (docs: model.md) for any integer ``j``.

    Shortcuts, all exact: 0 when ``j`` is at least the predicted numerator length (then
    ``|n_P| < 2**j``) or when ``j < 0`` for an integer SLP; for an integer SLP whose sign
    :func:`possible_signs` fixes, the residue mod ``2**(j+1)``.  Otherwise the full value.

    >>> s = SLP(1, [("+", 0, 0), ("-", 0, 1)])      # 1 - 2 = -1
    >>> bit(s, 0), bit(s, 1), bit(s, -1), bit(SLP("3/4"), -1)
    (1, 0, 0, 1)
    """
    j = check_int(j, "j")
    nb, _ = _predict(slp)
    if j >= nb[-1] or (j < 0 and slp.is_integer):
        return 0
    if slp.is_integer:
        low = _low_bits(slp, j + 1, budget_bits)
        if low is not None:
            return int(low.bit_test(j))
    return exact.bit(evaluate(slp, budget_bits=budget_bits), j)


def posslp(slp: SLP, *, budget_bits: int | None = None) -> bool:
    """PosSLP: whether ``n_P > 0`` (exact)."""
    return sign(slp, budget_bits=budget_bits) > 0


def bitslp(slp: SLP, j: int, *, budget_bits: int | None = None) -> bool:
    """BitSLP: whether ``bit_j(n_P) = 1`` (exact; ``j`` may be negative)."""
    return bit(slp, j, budget_bits=budget_bits) == 1


def is_zero_mod_primes(slp: SLP, trials: int, rng: random.Random, *, prime_bits: int = 64) -> bool:
    """Probabilistic test of ``n_P = 0``: evaluate mod ``trials`` random primes.

    ``False`` is certain (some residue is non-zero).  ``True`` means "probably zero": each
    prime is uniform among ``prime_bits``-bit primes not dividing the denominator of
    ``a_0``, and a non-zero numerator of ``N`` bits (bounded by :func:`predict_bits`) has at
    most ``N / (prime_bits - 1)`` such prime factors, so each trial errs with probability
    at most about ``N * prime_bits / 2**(prime_bits - 1)``.  Nothing exact relies on it.

    >>> s = SLP(1, [("+", 0, 0), ("*", 1, 1), ("*", 1, 1), ("-", 2, 3)])
    >>> is_zero_mod_primes(s, 5, random.Random(1))
    True
    """
    trials, prime_bits = check_int(trials, "trials"), check_int(prime_bits, "prime_bits")
    if trials < 1 or prime_bits < 3:
        raise InputError(f"trials, prime_bits: need >= 1 and >= 3, got {trials}, {prime_bits}")
    p, q = slp.a0.numerator, slp.a0.denominator
    for _ in range(trials):
        r = exact.Z(0)
        while not (exact.is_prime(r) and q % r != 0):
            r = exact.Z(rng.getrandbits(prime_bits) | (1 << (prime_bits - 1)) | 1)
        start = p * exact.powmod(q, r - 2, r) % r  # a_0 = p/q maps to p * q^-1 in F_r
        if _execute(slp, start, _reducer(r), keep=False)[-1] != 0:
            return False
    return True
