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

from ermbit.slp.bounds import predict_bits
from ermbit.slp.builder import SLPBuilder, pruned
from ermbit.slp.evaluate import (
    bit,
    bits_low,
    bitslp,
    evaluate,
    evaluate_int,
    evaluate_mod,
    is_zero_mod_primes,
    possible_signs,
    posslp,
    sign,
    values,
)
from ermbit.slp.program import OPS, SLP, Gate

__all__ = [
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
    "possible_signs",
    "posslp",
    "predict_bits",
    "pruned",
    "sign",
    "values",
]
