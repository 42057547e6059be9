"""Brute-force model counting over all ``2^n`` assignments, as bit sets.

Internal module of :mod:`ermbit.solvers.sat.counting` (method ``"brute"``).  Assignment
``a`` (an integer ``0 <= a < 2^n``) gives variable ``i`` the value of bit ``i - 1`` of
``a``.  A set of assignments is a Python int whose bit ``a`` is set for each member, so
"``x_i`` is true" is a periodic bit pattern, a clause is the OR of its literals' sets,
the formula is the AND of its clauses, and the count is a population count.  Python
does these operations on ``2^n``-bit integers in C, which makes brute force usable as
ground truth up to about ``n = 22`` (``2^22`` bits = 512 KiB per set).

>>> count_bitsets(3, [(1, 2)])
6
>>> count_bitsets(3, [(1, 2)], projection=(1,))
2
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["count_bitsets", "variable_sets"]


def variable_sets(n: int) -> list[int]:
    """``sets[i]`` has bit ``a`` set iff bit ``i`` of ``a`` is 1, for ``0 <= a < 2^n``.

    >>> [bin(s) for s in variable_sets(2)]
    ['0b1010', '0b1100']
    """
    size = 1 << n
    sets = []
    for i in range(n):
        half = 1 << i
        pattern = ((1 << half) - 1) << half  # one period: 2^i zeros, then 2^i ones
        width = half << 1
        while width < size:  # double the pattern until it covers all assignments
            pattern |= pattern << width
            width <<= 1
        sets.append(pattern)
    return sets


def count_bitsets(
    n: int, clauses: Iterable[Sequence[int]], projection: Sequence[int] | None = None
) -> int:
    """Number of assignments of ``1..n`` satisfying every clause.

    With a ``projection``, the number of assignments of the projection variables that
    extend to a model: every other variable is existentially quantified by OR-ing the
    two halves of the set along its bit.
    """
    full = (1 << (1 << n)) - 1
    sets = variable_sets(n)
    models = full
    for clause in clauses:
        sat = 0
        for lit in clause:
            sat |= sets[lit - 1] if lit > 0 else full ^ sets[-lit - 1]
        models &= sat
        if not models:
            return 0
    if projection is not None:
        keep = set(projection)
        for var in range(1, n + 1):
            if var not in keep:
                # Fold the x_var = 1 half onto the x_var = 0 half, then keep that half.
                models = (models | (models >> (1 << (var - 1)))) & (full ^ sets[var - 1])
    return models.bit_count()
