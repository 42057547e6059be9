"""Straight-line programs (docs: constructions/kronecker.md): build, evaluate, read bits and signs,
within budgets.

An :class:`SLP` starts from a rational constant ``a_0`` (1 in the standard case); gate
``i >= 1`` computes ``a_i = a_j op a_k`` with ``op`` in ``+ - *`` and ``j, k < i``.  Its
value ``n_P`` is the last gate (``a_0`` when there is no gate).  After ``l`` gates a value
can have about ``2**l`` bits, so every evaluator first bounds the size of every gate from
the sizes alone (:func:`predict_bits`) and raises :class:`~ermbit.errors.BudgetExceeded`
before any arithmetic if a bound is over ``budget_bits``.  GMP aborts the whole process
when it runs out of memory, so the refusal is the only graceful outcome.

>>> b = SLPBuilder()
>>> p = b.pow(b.small_int(3), 4)
>>> slp = b.build(p)
>>> evaluate(slp), sign(slp), [bit(slp, j) for j in range(8)]
(mpq(81,1), 1, [1, 0, 0, 0, 1, 0, 1, 0])
>>> evaluate(SLP(1, [("*", 0, 0)] * 3 + [("-", 0, 3)]))   # 1 - 1, the last gate
mpq(0,1)
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from ermbit import exact
from ermbit.errors import BudgetExceeded, InputError, InputTypeError

__all__ = [
    "DEFAULT_BUDGET_BITS",
    "OPS",
    "SLP",
    "Gate",
    "SLPBuilder",
    "bit",
    "bits_low",
    "bitslp",
    "evaluate",
    "evaluate_int",
    "evaluate_mod",
    "is_zero_mod_primes",
    "posslp",
    "possible_signs",
    "predict_bits",
    "sign",
    "values",
]

#: The gate operations.
OPS = ("+", "-", "*")
#: Default size budget: no single value may be predicted to need more than 2**30 bits
#: (128 MiB).  Multiplying two such numbers needs a few times that in scratch memory.
DEFAULT_BUDGET_BITS = 1 << 30
_MPZ = type(exact.Z(0))
_HINT = "pass budget_bits={n} (or --budget-bits {n} on the command line)"


def _show(n: exact.IntegerLike) -> str:
    """An int for a message; ``str`` refuses ints over 4300 digits, and they are unreadable."""
    return str(n) if exact.bitlen(n) <= 64 else f"<an integer of {exact.bitlen(n)} bits>"


def _as_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | _MPZ):
        raise InputTypeError(f"{name}: expected an int, got {type(value).__name__} {value!r:.80}")
    return int(value)


@dataclass(frozen=True)
class Gate:
    """One gate ``a_i = a_j op a_k`` (``op`` in ``+ - *``; ``j = k`` allowed).

    Raises
    ------
    InputError
        If ``op`` is not one of ``+ - *`` or an index is negative.
    """

    op: str
    j: int
    k: int

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise InputError(f"op: expected one of '+', '-', '*', got {self.op!r}")
        if type(self.j) is int and type(self.k) is int and self.j >= 0 and self.k >= 0:
            return  # the common case, checked without the conversions below
        for name in ("j", "k"):
            v = _as_int(getattr(self, name), name)
            if v < 0:
                raise InputError(f"{name}: gate operand index must be >= 0, got {_show(v)}")
            object.__setattr__(self, name, v)


@dataclass(frozen=True)
class SLP:
    """A straight-line program: ``a_0`` and gates ``a_i = a_j op a_k`` with ``j, k < i``.

    Parameters
    ----------
    a0 : rational
        The constant ``a_0`` (int, string ``"p/q"``, ``mpq``...; never a float).
    gates : sequence of Gate or of ``(op, j, k)`` triples
        ``gates[i - 1]`` computes ``a_i``.

    Raises
    ------
    InputError
        If a gate refers to an operand ``>= i``; the message names the gate.

    >>> SLP(1, [("+", 0, 0), ("*", 1, 1)]).length
    2
    >>> SLP(1, [("*", 0, 1)])
    Traceback (most recent call last):
    ...
    ermbit.errors.InputError: gates: gate 1 ('*', 0, 1) uses a_1, but only a_0..a_0 exist
    """

    a0: Any = 1
    gates: tuple[Gate, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "a0", exact.parse(self.a0, name="a0"))
        if isinstance(self.gates, str | bytes) or not isinstance(self.gates, Iterable):
            raise InputTypeError(f"gates: expected a sequence of gates, got {self.gates!r:.80}")
        gates = tuple(g if isinstance(g, Gate) else Gate(*g) for g in self.gates)
        for i, g in enumerate(gates, 1):
            if g.j >= i or g.k >= i:
                j, k = _show(g.j), _show(g.k)
                raise InputError(
                    f"gates: gate {i} ({g.op!r}, {j}, {k}) uses a_{_show(max(g.j, g.k))}, "
                    f"but only a_0..a_{i - 1} exist"
                )
        object.__setattr__(self, "gates", gates)

    @property
    def length(self) -> int:
        """Number of gates ``l``; the output is ``a_l``."""
        return len(self.gates)

    @property
    def is_integer(self) -> bool:
        """Whether ``a_0`` is an integer (then every value is an integer)."""
        return bool(self.a0.denominator == 1)


# ---------------------------------------------------------------- size prediction


_PREC = 32  # mantissa bits of the magnitude bounds in _predict


def _round_up(m: int, e: int) -> tuple[int, int]:
    """``(m', e')`` with ``m * 2**e <= m' * 2**e'`` and ``m' < 2**(_PREC + 1)``."""
    shift = m.bit_length() - _PREC
    if shift <= 0:
        return m, e
    return ((m - 1) >> shift) + 1, e + shift


def _magnitudes(slp: SLP) -> tuple[list[tuple[int, int]], list[int], int, bool]:
    """``(bounds, degrees, t, pow2)``: ``|A_i| <= m * 2**e`` for ``(m, e) = bounds[i]``.

    Every value is an integer polynomial of degree ``d_i`` in ``a_0 = p/q``, so
    ``a_i = A_i / q**d_i`` with ``A_i`` an integer whose lowest-terms numerator divides
    it.  The bound keeps a 32-bit mantissa rounded up at every step (exact integer
    arithmetic with directed rounding: ``3**(2**40)`` is bounded within a few bits of its
    1.7e12, where adding bit lengths would give 2**41).  Aligning denominators multiplies
    by ``q**s < 2**(s * bitlen(q))``, or exactly ``2**(s*t)`` when ``q = 2**t``.
    """
    q = slp.a0.denominator
    t = exact.bitlen(q) - 1
    pow2 = q == 1 << t  # q = 2**t: q**s = 2**(s*t) exactly (t = 0 when q = 1)
    per_power = t if pow2 else t + 1
    bound = [_round_up(int(abs(slp.a0.numerator)), 0)]
    deg = [1]
    for g in slp.gates:
        (mj, ej), (mk, ek), dj, dk = bound[g.j], bound[g.k], deg[g.j], deg[g.k]
        if g.op == "*":
            d, b = dj + dk, _round_up(mj * mk, ej + ek)
        elif g.j == g.k:
            d, b = dj, ((0, 0) if g.op == "-" else (mj, ej + 1))
        else:
            d = max(dj, dk)
            ej, ek = ej + (d - dj) * per_power, ek + (d - dk) * per_power
            if mj == 0 or mk == 0:
                b = (mj, ej) if mk == 0 else (mk, ek)
            elif abs(ej - ek) >= _PREC + 2:  # the smaller term is below 2**(larger e)
                b = _round_up(mj + 1, ej) if ej > ek else _round_up(mk + 1, ek)
            else:
                e = min(ej, ek)
                b = _round_up((mj << (ej - e)) + (mk << (ek - e)), e)
        bound.append(b)
        deg.append(d)
    return bound, deg, t, pow2


def _predict(slp: SLP) -> tuple[list[int], list[int]]:
    """Bounds ``(N_i, D_i)`` on ``bitlen`` of the numerator and the denominator of ``a_i``.

    For ``q`` not a power of two (the constructions only use ``a_0 = 1`` or ``2**-m``)
    denominators are over-estimated by a factor up to ``bitlen(q) / log2(q)``.
    """
    bound, deg, t, pow2 = _magnitudes(slp)
    nb = [m.bit_length() + e if m else 0 for m, e in bound]
    den = [d * t + 1 if pow2 else d * (t + 1) for d in deg]
    return nb, den


def predict_bits(slp: SLP) -> list[int]:
    """Upper bounds on ``size(a_i)`` (docs: model.md) for ``i = 0..l``, from sizes alone.

    Magnitudes are bounded through ``|x * y| = |x| |y|`` and ``|x +- y| <= |x| + |y|``,
    kept as ``m * 2**e`` with a 32-bit ``m`` rounded up (so integer bounds are within a
    few bits unless values cancel), and denominators through ``a_0 = p/q``: every ``a_i``
    has a denominator dividing ``q**d_i``, ``d_i`` its degree in ``a_0``.  Costs ``O(l)``
    operations on small integers; nothing big is computed.

    >>> predict_bits(SLP(3, [("*", i, i) for i in range(3)]))  # sizes of 3, 9, 81, 6561
    [4, 6, 9, 15]
    """
    nb, den = _predict(slp)
    return [1 + n + d for n, d in zip(nb, den, strict=True)]


def _check_budget(sizes: Sequence[int], budget_bits: int, what: str, total: bool = False) -> None:
    """Refuse if a predicted size (or their sum, with ``total``) is over the budget."""
    budget = _as_int(budget_bits, "budget_bits")
    if total:
        worst, label = sum(sizes), f"{what} (all {len(sizes)} values together)"
    else:
        i = max(range(len(sizes)), key=sizes.__getitem__)
        worst, label = sizes[i], f"{what} (value a_{i})"
    if worst > budget:
        raise BudgetExceeded(label, predicted=worst, budget=budget, hint=_HINT.format(n=worst))


# ---------------------------------------------------------------- evaluation


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


def evaluate_int(slp: SLP, *, budget_bits: int = DEFAULT_BUDGET_BITS) -> exact.Integer:
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
    return cast(exact.Integer, _execute(slp, slp.a0.numerator, None, keep=False)[-1])


def evaluate(slp: SLP, *, budget_bits: int = DEFAULT_BUDGET_BITS) -> exact.Rational:
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
    return cast(exact.Rational, _execute(slp, slp.a0, None, keep=False)[-1])


def values(slp: SLP, *, budget_bits: int = DEFAULT_BUDGET_BITS) -> list[exact.Rational]:
    """All values ``[a_0, ..., a_l]`` as ``mpq``.

    All of them are kept, so the budget applies to their predicted total size.

    >>> values(SLP(2, [("*", 0, 0), ("-", 1, 0)]))
    [mpq(2,1), mpq(4,1), mpq(2,1)]
    """
    _check_budget(predict_bits(slp), budget_bits, "keeping every SLP value", total=True)
    start = slp.a0.numerator if slp.is_integer else slp.a0
    return [exact.Q(v) for v in _execute(slp, start, None, keep=True)]


def _reducer(m: exact.Integer) -> Callable[[exact.Integer], exact.Integer]:
    """Reduction into ``[0, m)``; a power of two is reduced by masking (two's complement)."""
    if m & (m - 1) == 0:
        mask = m - 1
        return lambda v: v & mask
    return lambda v: v % m


def evaluate_mod(slp: SLP, modulus: exact.IntegerLike) -> exact.Integer:
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
    m = exact.Z(_as_int(modulus, "modulus"))
    if m < 1:
        raise InputError(f"modulus: must be >= 1, got {_show(m)}")
    reduce = _reducer(m)
    return cast(exact.Integer, _execute(slp, reduce(slp.a0.numerator), reduce, keep=False)[-1])


# ---------------------------------------------------------------- signs and bits


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


def sign(slp: SLP, *, budget_bits: int = DEFAULT_BUDGET_BITS) -> int:
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


def _low_bits(slp: SLP, count: int, budget_bits: int) -> exact.Integer | None:
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


def bits_low(slp: SLP, j: int, *, budget_bits: int = DEFAULT_BUDGET_BITS) -> exact.Integer:
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
    j = _as_int(j, "j")
    if j < 0:
        raise InputError(f"j: bits_low needs j >= 0, got {_show(j)}")
    nb, _ = _predict(slp)
    low = _low_bits(slp, j + 1, budget_bits) if j < nb[-1] else None
    if low is not None:
        return low
    n = abs(evaluate_int(slp, budget_bits=budget_bits))
    return n if j >= nb[-1] else n & ((exact.Z(1) << (j + 1)) - 1)


def bit(slp: SLP, j: int, *, budget_bits: int = DEFAULT_BUDGET_BITS) -> int:
    """``bit_j(n_P) = floor(2**(-j) |u| / v) mod 2`` (docs: model.md) for any integer ``j``.

    Shortcuts, all exact: 0 when ``j`` is at least the predicted numerator length (then
    ``|n_P| < 2**j``) or when ``j < 0`` for an integer SLP; for an integer SLP whose sign
    :func:`possible_signs` fixes, the residue mod ``2**(j+1)``.  Otherwise the full value.

    >>> s = SLP(1, [("+", 0, 0), ("-", 0, 1)])      # 1 - 2 = -1
    >>> bit(s, 0), bit(s, 1), bit(s, -1), bit(SLP("3/4"), -1)
    (1, 0, 0, 1)
    """
    j = _as_int(j, "j")
    nb, _ = _predict(slp)
    if j >= nb[-1] or (j < 0 and slp.is_integer):
        return 0
    if slp.is_integer:
        low = _low_bits(slp, j + 1, budget_bits)
        if low is not None:
            return int(low.bit_test(j))
    return exact.bit(evaluate(slp, budget_bits=budget_bits), j)


def posslp(slp: SLP, *, budget_bits: int = DEFAULT_BUDGET_BITS) -> bool:
    """PosSLP: whether ``n_P > 0`` (exact)."""
    return sign(slp, budget_bits=budget_bits) > 0


def bitslp(slp: SLP, j: int, *, budget_bits: int = DEFAULT_BUDGET_BITS) -> bool:
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
    trials, prime_bits = _as_int(trials, "trials"), _as_int(prime_bits, "prime_bits")
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


# ---------------------------------------------------------------- builder


def pruned(a0: Any, gates: Sequence[Gate], out: int) -> SLP:
    """The SLP of the gates that ``a_out`` depends on, renumbered, with ``a_out`` last.

    >>> pruned(1, [Gate("+", 0, 0), Gate("*", 0, 0), Gate("*", 1, 1)], 3).gates
    (Gate(op='+', j=0, k=0), Gate(op='*', j=1, k=1))
    """
    needed = [False] * (out + 1)
    needed[out] = True
    for i in range(out, 0, -1):
        if needed[i]:
            needed[gates[i - 1].j] = needed[gates[i - 1].k] = True
    new = {0: 0}
    kept: list[Gate] = []
    for i in range(1, out + 1):
        if needed[i]:
            g = gates[i - 1]
            kept.append(Gate(g.op, new[g.j], new[g.k]))
            new[i] = len(kept)
    return SLP(a0, tuple(kept))


class SLPBuilder:
    """Build an SLP gate by gate, sharing identical gates (hash-consing).

    Indices are those of the values ``a_i`` (0 is ``a_0``).  ``+`` and ``*`` are
    commutative, so ``add(i, j)`` and ``add(j, i)`` return the same gate.

    >>> b = SLPBuilder()
    >>> two = b.add(0, 0)
    >>> b.add(0, 0) == two, b.small_int(5), evaluate(b.build(b.small_int(5)))
    (True, 3, mpq(5,1))
    """

    def __init__(self, a0: Any = 1) -> None:
        self.a0 = exact.parse(a0, name="a0")
        self._gates: list[Gate] = []
        self._memo: dict[tuple[str, int, int], int] = {}

    @classmethod
    def from_slp(cls, slp: SLP) -> SLPBuilder:
        """A builder holding the gates of ``slp`` with their indices, ready to extend."""
        b = cls(slp.a0)
        for i, g in enumerate(slp.gates, 1):
            b._gates.append(g)
            b._memo.setdefault(b._key(g.op, g.j, g.k), i)
        return b

    @property
    def last(self) -> int:
        """Index of the most recent value (0 before any gate)."""
        return len(self._gates)

    def _key(self, op: str, j: int, k: int) -> tuple[str, int, int]:
        return (op, min(j, k), max(j, k)) if op != "-" else (op, j, k)

    def _gate(self, op: str, j: int, k: int) -> int:
        for name, v in (("i", j), ("j", k)):
            if _as_int(v, name) < 0 or v > self.last:
                raise InputError(f"{name}: index {_show(v)} out of range 0..{self.last}")
        key = self._key(op, int(j), int(k))
        if key not in self._memo:
            self._gates.append(Gate(*key))
            self._memo[key] = self.last
        return self._memo[key]

    def add(self, i: int, j: int) -> int:
        """Index of ``a_i + a_j``."""
        return self._gate("+", i, j)

    def sub(self, i: int, j: int) -> int:
        """Index of ``a_i - a_j``."""
        return self._gate("-", i, j)

    def mul(self, i: int, j: int) -> int:
        """Index of ``a_i * a_j``."""
        return self._gate("*", i, j)

    def one(self) -> int:
        """Index of the value 1, i.e. 0; needs ``a_0 = 1``.

        Every value is an integer polynomial in ``a_0`` without constant term (``+ - *``
        keep ``P(0) = 0``), so 1 is in general not computable from another ``a_0``.
        """
        if self.a0 != 1:
            raise InputError(f"a0: the constant 1 needs a0 = 1, got a0 = {exact.fmt(self.a0)}")
        return 0

    def zero(self) -> int:
        """Index of 0, computed as ``a_0 - a_0``."""
        return self.sub(0, 0)

    def small_int(self, c: int) -> int:
        """Index of the integer ``c``, by doubling and adding 1 (needs ``a_0 = 1``).

        Uses at most ``2 * bitlen(c)`` gates (plus 2 for ``c < 0``).
        """
        c = _as_int(c, "c")
        one = self.one()
        if c <= 0:
            return self.zero() if c == 0 else self.sub(self.zero(), self.small_int(-c))
        x = one
        for digit in bin(c)[3:]:
            x = self.add(x, x)
            if digit == "1":
                x = self.add(x, one)
        return x

    def pow(self, i: int, e: int) -> int:
        """Index of ``a_i ** e`` by square-and-multiply (``e = 0`` gives :meth:`one`)."""
        e = _as_int(e, "e")
        if e < 0:
            raise InputError(f"e: exponent must be >= 0, got {_show(e)}")
        if e == 0:
            return self.one()
        x = i
        for digit in bin(e)[3:]:
            x = self.mul(x, x)
            if digit == "1":
                x = self.mul(x, i)
        return x

    def _tree(self, indices: Iterable[int], combine: Callable[[int, int], int]) -> int | None:
        level = list(indices)
        if not level:
            return None
        while len(level) > 1:  # pairwise levels: operands of similar size, fast in GMP
            pairs = [combine(level[t], level[t + 1]) for t in range(0, len(level) - 1, 2)]
            level = pairs + level[len(level) - len(level) % 2 :]
        return level[0]

    def product(self, indices: Iterable[int]) -> int:
        """Index of the product, as a balanced tree (empty product: :meth:`one`)."""
        r = self._tree(indices, self.mul)
        return self.one() if r is None else r

    def sum(self, indices: Iterable[int]) -> int:
        """Index of the sum, as a balanced tree (empty sum: :meth:`zero`)."""
        r = self._tree(indices, self.add)
        return self.zero() if r is None else r

    def build(self, out: int | None = None, *, prune: bool = False) -> SLP:
        """The SLP whose value is ``a_out`` (default: the last value).

        By default the builder's indices are kept, so an index returned by the builder
        names the same value in the SLP; if ``out`` is not the last gate a copy gate is
        appended (``a_out * 1``, or ``a_out + 0`` when ``a_0 != 1``).  With ``prune``
        only the gates ``a_out`` depends on are kept, renumbered in order, so ``a_out``
        is the last gate and nothing else is computed.  The builder is not changed.

        >>> b = SLPBuilder()
        >>> two = b.add(0, 0); three = b.add(two, 0); four = b.mul(two, two)
        >>> b.build(three).gates[-1], b.build(three, prune=True).length
        (Gate(op='*', j=2, k=0), 2)
        """
        out = self.last if out is None else _as_int(out, "out")
        if not 0 <= out <= self.last:
            raise InputError(f"out: index {_show(out)} out of range 0..{self.last}")
        gates = list(self._gates)
        if not prune:
            if out != self.last:
                if self.a0 == 1:
                    gates.append(Gate("*", out, 0))
                else:
                    zero = self._memo.get(("-", 0, 0))
                    if zero is None:
                        gates.append(Gate("-", 0, 0))
                        zero = len(gates)
                    gates.append(Gate("+", out, zero))
            return SLP(self.a0, tuple(gates))
        return pruned(self.a0, gates, out)
