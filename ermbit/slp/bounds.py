"""Size prediction for SLPs: a bound on every gate's bit size from the sizes alone.

Every evaluator calls :func:`predict_bits` first and refuses, before any arithmetic, a
program whose predicted sizes exceed the budget.
"""

from __future__ import annotations

from collections.abc import Sequence

from ermbit import exact
from ermbit.errors import BudgetExceeded
from ermbit.slp.program import _HINT, SLP
from ermbit.validate import budget

__all__ = ["predict_bits"]


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


def _check_budget(
    sizes: Sequence[int], budget_bits: int | None, what: str, total: bool = False
) -> None:
    """Refuse if a predicted size (or their sum, with ``total``) is over the budget."""
    limit = budget(budget_bits)
    if total:
        worst, label = sum(sizes), f"{what} (all {len(sizes)} values together)"
    else:
        i = max(range(len(sizes)), key=sizes.__getitem__)
        worst, label = sizes[i], f"{what} (value a_{i})"
    if worst > limit:
        raise BudgetExceeded(label, predicted=worst, budget=limit, hint=_HINT.format(n=worst))
