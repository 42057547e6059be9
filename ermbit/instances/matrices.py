"""Random 0/1 matrices and exact permanents (the oracle for the permanent → SLP reduction).

``per(A) = Σ_σ Π_i a_{i,σ(i)}`` over the permutations ``σ`` of ``0..n-1``.  Counting
the perfect matchings of a bipartite graph is ``per`` of its 0/1 biadjacency matrix, a
#P-complete problem (Valiant), which is why docs: constructions/permanent.md uses it as a source of
hardness.

>>> a = random_01_matrix(4, density="1/2", seed=11)
>>> permanent_brute(a) == permanent_definition(a)
True
>>> permanent_brute(((1, 1), (1, 1))), permanent_brute(())
(2, 1)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from fractions import Fraction

from ermbit.errors import BudgetExceeded, InputError, InputTypeError
from ermbit.instances.rng import bernoulli, make_rng, probability
from ermbit.validate import check_int

__all__ = ["permanent_brute", "permanent_definition", "random_01_matrix"]

Matrix = tuple[tuple[int, ...], ...]


def random_01_matrix(n: int, *, density: str | Fraction | int = "1/2", seed: int) -> Matrix:
    """An ``n×n`` matrix whose entries are independently 1 with probability ``density``.

    Parameters
    ----------
    n : int
        Size ``n >= 0``.
    density : str, Fraction or int
        An exact rational in ``[0, 1]`` such as ``"1/2"`` or ``Fraction(1, 3)``; floats
        are refused (no floats in ermbit's core).
    seed : int
        Seed ``>= 0`` of the private generator; entries are drawn row by row.

    Returns
    -------
    tuple of tuple of int
        Rows of 0/1 ints.

    Raises
    ------
    InputError
        If ``n < 0``, ``density`` lies outside ``[0, 1]`` or ``seed < 0``.
    InputTypeError
        If ``density`` is a float or another non-exact type.

    >>> random_01_matrix(3, density="1", seed=0)
    ((1, 1, 1), (1, 1, 1), (1, 1, 1))
    >>> random_01_matrix(2, density=0.5, seed=0)
    Traceback (most recent call last):
    ...
    ermbit.errors.InputTypeError: density: expected an int or a string ... got float 0.5 ...
    """
    n = check_int(n, "n", minimum=0)
    p = probability(density, "density")
    rng = make_rng(seed)
    return tuple(tuple(int(bernoulli(rng, p)) for _ in range(n)) for _ in range(n))


def _square(matrix: object) -> Matrix:
    """Check that ``matrix`` is a square sequence of int rows and return it as tuples."""
    if isinstance(matrix, str | bytes) or not isinstance(matrix, Sequence):
        raise InputTypeError(f"matrix: expected a sequence of rows, got {matrix!r}")
    rows = []
    for i, row in enumerate(matrix):
        if isinstance(row, str | bytes) or not isinstance(row, Sequence):
            raise InputTypeError(f"matrix: row {i} is not a sequence: {row!r}")
        if len(row) != len(matrix):
            raise InputError(f"matrix: row {i} has {len(row)} entries, expected {len(matrix)}")
        rows.append(tuple(check_int(x, f"matrix[{i}][{j}]") for j, x in enumerate(row)))
    return tuple(rows)


def permanent_brute(matrix: Sequence[Sequence[int]], *, max_subsets: int = 1 << 24) -> int:
    """The permanent of a square integer matrix, exactly, by Ryser's formula.

    ``per(A) = (-1)^n Σ_{S ⊆ {1..n}} (-1)^{|S|} Π_i Σ_{j ∈ S} a_{ij}``, evaluated over
    the subsets in Gray-code order so that each step updates the row sums by one column:
    ``O(2^n·n)`` integer operations.  ``per`` of the empty matrix is 1.

    Parameters
    ----------
    matrix : sequence of sequences of int
        Square, any integer entries (not only 0/1).
    max_subsets : int
        Budget on the ``2^n`` subsets, checked first.

    Raises
    ------
    InputError
        If the matrix is not square.
    InputTypeError
        If an entry is not an int.
    BudgetExceeded
        If ``2^n > max_subsets``.

    >>> permanent_brute(((1, 2), (3, 4)))  # 1·4 + 2·3
    10
    >>> permanent_brute([[1] * 4] * 4)  # 4!
    24
    """
    a = _square(matrix)
    n = len(a)
    budget = check_int(max_subsets, "max_subsets", minimum=0)
    if (1 << n) > budget:
        raise BudgetExceeded(
            f"Ryser's formula for an {n}×{n} matrix",
            predicted=1 << n,
            budget=budget,
            unit="subsets",
            hint=f"pass max_subsets={1 << n} or more",
        )
    if n == 0:
        return 1
    sums = [0] * n  # row sums over the current subset S
    total = 0
    prev_gray = 0
    for t in range(1, 1 << n):
        gray = t ^ (t >> 1)
        changed = gray ^ prev_gray
        j = changed.bit_length() - 1
        sign = 1 if gray & changed else -1  # column j enters or leaves S
        for i in range(n):
            sums[i] += sign * a[i][j]
        prev_gray = gray
        term = math.prod(sums)
        total += -term if gray.bit_count() % 2 else term
    return -total if n % 2 else total


def permanent_definition(matrix: Sequence[Sequence[int]], *, max_permutations: int = 10**6) -> int:
    """The permanent by its definition ``Σ_σ Π_i a_{i,σ(i)}``: ``n!`` terms, tiny ``n`` only.

    An independent check of :func:`permanent_brute`.

    Raises
    ------
    InputError
        If the matrix is not square.
    BudgetExceeded
        If ``n! > max_permutations`` (the default allows ``n <= 9``).

    >>> permanent_definition(((0, 1, 1), (1, 0, 1), (1, 1, 0)))  # derangements of 3
    2
    """
    a = _square(matrix)
    n = len(a)
    budget = check_int(max_permutations, "max_permutations", minimum=0)
    if math.factorial(n) > budget:
        raise BudgetExceeded(
            f"the definition of the permanent for an {n}×{n} matrix",
            predicted=math.factorial(n),
            budget=budget,
            unit="permutations",
            hint=f"pass max_permutations={math.factorial(n)} or more, or use permanent_brute",
        )
    return sum(
        math.prod(a[i][s] for i, s in enumerate(sigma))
        for sigma in itertools.permutations(range(n))
    )
