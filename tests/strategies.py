"""Shared hypothesis strategies and brute-force oracles for the ermbit tests.

Import them as ``from tests.strategies import cnfs, brute_count``.  The oracle is
deliberately naive -- it enumerates all ``2**n`` assignments with
:func:`itertools.product` and evaluates the clauses itself, without any ermbit solver
(not even :meth:`CNF.satisfied_by`) -- so it can serve as ground truth.

>>> from ermbit.cnf import CNF
>>> brute_count(CNF(2, ((1, 2),))), brute_count(CNF(2, ((1, -1),))), brute_count(CNF(1, ((),)))
(3, 4, 0)
>>> brute_count(CNF(3, ((1, 2),), projection=(1,)), projected=True)
2
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import strategies as st

from ermbit.cnf import CNF

__all__ = ["brute_count", "cnfs"]

#: brute_count refuses formulas with more variables than this (2**20 assignments).
BRUTE_MAX_VARS = 20


@st.composite
def _cnfs(
    draw: Any,
    max_vars: int,
    max_clauses: int,
    max_width: int,
    allow_empty_clause: bool,
    with_projection: bool,
) -> CNF:
    n = draw(st.integers(0, max_vars))
    clause: st.SearchStrategy[tuple[int, ...]]
    if n > 0:
        # Repeats and complementary pairs are drawn on purpose: they exercise
        # normalisation (x ∨ x → x) and tautologies.
        lit = st.integers(-n, n).filter(lambda l: l != 0)
        min_width = 0 if allow_empty_clause else 1
        clause = st.lists(lit, min_size=min_width, max_size=max_width).map(lambda c: tuple(c))
        clauses = draw(st.lists(clause, max_size=max_clauses))
    elif allow_empty_clause:
        # Without variables the only possible clause is the empty one.
        clauses = [()] * draw(st.integers(0, max_clauses))
    else:
        clauses = []
    projection = None
    if with_projection and draw(st.booleans()):
        projection = tuple(draw(st.lists(st.integers(1, n), max_size=n))) if n else ()
    return CNF(n, tuple(clauses), projection)


def cnfs(
    max_vars: int = 6,
    max_clauses: int = 6,
    max_width: int = 3,
    allow_empty_clause: bool = True,
    *,
    with_projection: bool = False,
) -> st.SearchStrategy[CNF]:
    """Strategy of small :class:`CNF` formulas.

    ``n`` is drawn from ``0..max_vars``, then up to ``max_clauses`` clauses of
    ``0..max_width`` literals (``1..max_width`` when ``allow_empty_clause`` is False)
    over ``±1..±n``; literals may repeat inside a drawn clause and a clause may hold
    ``x`` and ``-x``.  The projection is None unless ``with_projection`` is True, in
    which case it is None or a random subset of ``1..n``.  Comments are always empty.
    """
    return _cnfs(max_vars, max_clauses, max_width, allow_empty_clause, with_projection)


def brute_count(cnf: CNF, *, projected: bool = False) -> int:
    """Number of models of ``cnf`` over all ``n`` variables, by enumeration.

    With ``projected=True`` and a projection set ``P``, counts the distinct
    restrictions of models to ``P`` instead.  Raises ValueError when
    ``n > BRUTE_MAX_VARS``.
    """
    if cnf.num_vars > BRUTE_MAX_VARS:
        raise ValueError(f"brute_count: n = {cnf.num_vars} > {BRUTE_MAX_VARS} is too slow")
    models = [
        a
        for a in itertools.product((False, True), repeat=cnf.num_vars)
        if all(any(a[abs(l) - 1] == (l > 0) for l in c) for c in cnf.clauses)
    ]
    if projected and cnf.projection is not None:
        return len({tuple(a[v - 1] for v in cnf.projection) for a in models})
    return len(models)
