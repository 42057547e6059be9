"""The random CNF families: uniform and planted random k-CNF, and random CNF of mixed
clause widths with optional tautologies (private to :mod:`ermbit.instances`; import them
from :mod:`ermbit.instances.cnf_families`, whose docstring states how every family is
seeded and recorded).
"""

from __future__ import annotations

import random
from fractions import Fraction

from ermbit.cnf import CNF
from ermbit.errors import InputError
from ermbit.instances.rng import (
    below,
    bernoulli,
    family_comment,
    make_rng,
    probability,
    sample,
)
from ermbit.validate import check_bool, check_int

__all__ = ["random_kcnf", "random_kcnf_planted", "random_mixed_cnf"]

Clause = tuple[int, ...]


def _check_width(k: int, n: int, name: str) -> None:
    if k > n:
        raise InputError(f"{name}: a clause of width {k} needs {k} distinct variables, n = {n}")


def _random_clause(rng: random.Random, n: int, k: int) -> Clause:
    """``k`` distinct variables of ``1..n`` with independent uniform signs, sorted by variable."""
    variables = sorted(v + 1 for v in sample(rng, n, k))
    signs = rng.getrandbits(k) if k else 0
    return tuple(-v if (signs >> i) & 1 else v for i, v in enumerate(variables))


def _kcnf(n: int, m: int, k: int, seed: int, planted: bool) -> tuple[CNF, tuple[bool, ...]]:
    n = check_int(n, "n", minimum=1)
    m = check_int(m, "m", minimum=0)
    k = check_int(k, "k", minimum=1)
    _check_width(k, n, "k")
    planted = check_bool(planted, "planted")
    rng = make_rng(seed)
    hidden: tuple[bool, ...] = ()
    if planted:
        bits = rng.getrandbits(n)
        hidden = tuple(bool((bits >> i) & 1) for i in range(n))
    clauses = []
    for _ in range(m):
        clause = _random_clause(rng, n, k)
        # Rejection: a clause falsified by the hidden assignment is drawn again, so each
        # clause is uniform among the k-clauses that the assignment satisfies.
        while planted and not any(hidden[abs(l) - 1] == (l > 0) for l in clause):
            clause = _random_clause(rng, n, k)
        clauses.append(clause)
    params: dict[str, object] = {"n": n, "m": m, "k": k, "seed": seed}
    comments = []
    if planted:
        params["planted"] = True
        lits = " ".join(str(i + 1 if b else -(i + 1)) for i, b in enumerate(hidden))
        comments.append(f"ermbit planted {lits} 0")
    comments.insert(0, family_comment("random-kcnf", params))
    return CNF(n, tuple(clauses), None, tuple(comments)), hidden


def random_kcnf(n: int, m: int, k: int, *, seed: int, planted: bool = False) -> CNF:
    """Uniform random k-CNF: ``m`` clauses, each over ``k`` distinct variables of ``1..n``.

    Every clause picks its ``k`` variables uniformly without repetition and each sign
    independently with probability 1/2 (the standard model of random k-SAT, whose
    satisfiability threshold for ``k = 3`` lies near ``m/n ≈ 4.27``).  Clauses are drawn
    independently, so two clauses may coincide.

    With ``planted=True`` this is **planted k-SAT by rejection** (planted 3-SAT for
    ``k = 3``): a hidden assignment is drawn uniformly first, and every clause that it
    falsifies is resampled, so each clause is uniform among the ``(2^k - 1)·C(n, k)``
    clauses it satisfies.  The formula is then satisfiable by construction.  The hidden
    assignment is recorded in the comment ``ermbit planted l1 l2 ... ln 0`` (DIMACS
    literals); :func:`random_kcnf_planted` returns it directly.  Beware that this
    distribution leaks the assignment through the literal signs (each variable occurs
    more often with the sign it has in the assignment), so planted instances are
    easier than uniform ones at the same ratio.

    Parameters
    ----------
    n, m, k : int
        Variables ``n >= 1``, clauses ``m >= 0``, width ``1 <= k <= n``.
    seed : int
        Seed ``>= 0`` of the private generator.
    planted : bool
        Whether to plant a satisfying assignment.

    Returns
    -------
    CNF
        Literals in each clause sorted by variable; ``comments[0]`` records the call.

    Raises
    ------
    InputError
        If a parameter is out of range (``k > n``, a negative seed...).
    InputTypeError
        If a parameter is not an int (``planted`` not a bool).

    >>> f = random_kcnf(5, 4, 3, seed=1)
    >>> f.num_vars, f.num_clauses, {len(c) for c in f.clauses}
    (5, 4, {3})
    >>> g = random_kcnf(6, 30, 3, seed=2, planted=True)
    >>> g.comments[1].startswith("ermbit planted ") and g.satisfied_by(
    ...     [int(t) for t in g.comments[1].split()[2:-1]])
    True
    >>> random_kcnf(2, 1, 3, seed=0)
    Traceback (most recent call last):
    ...
    ermbit.errors.InputError: k: a clause of width 3 needs 3 distinct variables, n = 2
    """
    return _kcnf(n, m, k, seed, planted)[0]


def random_kcnf_planted(n: int, m: int, k: int, *, seed: int) -> tuple[CNF, tuple[bool, ...]]:
    """Planted k-SAT by rejection, returning the formula and its hidden assignment.

    Same formula as ``random_kcnf(n, m, k, seed=seed, planted=True)``; the assignment
    is a tuple of ``n`` bools (index ``i - 1`` for variable ``i``) that satisfies it.

    >>> f, sigma = random_kcnf_planted(8, 40, 3, seed=4)
    >>> f.satisfied_by(sigma), f == random_kcnf(8, 40, 3, seed=4, planted=True)
    (True, True)
    """
    return _kcnf(n, m, k, seed, True)


def random_mixed_cnf(
    n: int,
    m: int,
    *,
    min_width: int = 1,
    max_width: int = 3,
    seed: int,
    tautology_prob: str | Fraction | int = 0,
) -> CNF:
    """Random CNF with clause widths drawn uniformly from ``min_width..max_width``.

    Each of the ``m`` clauses first decides, with probability exactly ``tautology_prob``,
    whether it is a tautology.  An ordinary clause of width ``w`` has ``w`` distinct
    variables of ``1..n`` with uniform independent signs.  A tautological clause draws
    ``w`` from ``max(2, min_width)..max_width`` and holds ``w - 1`` distinct variables
    with uniform signs plus the complement of one of them (``x ∨ ¬x ∨ ...``), which
    :class:`~ermbit.cnf.CNF` keeps.  Tautologies never change the model count; they test
    that tools do not choke on them.

    Parameters
    ----------
    n, m : int
        Variables ``n >= 1`` and clauses ``m >= 0``.
    min_width, max_width : int
        ``1 <= min_width <= max_width <= n``; ``max_width >= 2`` when
        ``tautology_prob > 0``.
    seed : int
        Seed ``>= 0`` of the private generator.
    tautology_prob : str, Fraction or int
        An exact rational in ``[0, 1]`` such as ``"1/10"``; floats are refused.

    Raises
    ------
    InputError
        If a parameter is out of range; the message names it.
    InputTypeError
        If a parameter has the wrong type (a float probability...).

    >>> f = random_mixed_cnf(6, 20, min_width=2, max_width=4, seed=3)
    >>> f.num_clauses, {len(c) for c in f.clauses} <= {2, 3, 4}
    (20, True)
    >>> g = random_mixed_cnf(4, 5, seed=1, tautology_prob="1")
    >>> all(any(-l in c for l in c) for c in g.clauses)
    True
    """
    n = check_int(n, "n", minimum=1)
    m = check_int(m, "m", minimum=0)
    lo = check_int(min_width, "min_width", minimum=1)
    hi = check_int(max_width, "max_width", minimum=1)
    if lo > hi:
        raise InputError(f"min_width: {lo} exceeds max_width = {hi}")
    _check_width(hi, n, "max_width")
    p = probability(tautology_prob, "tautology_prob")
    if p > 0 and hi < 2:
        raise InputError(f"max_width: a tautology needs 2 literals, got max_width = {hi}")
    rng = make_rng(seed)
    clauses = []
    for _ in range(m):
        if bernoulli(rng, p):
            low = max(2, lo)
            base = _random_clause(rng, n, low + below(rng, hi - low + 1) - 1)
            flipped = -base[below(rng, len(base))]
            clauses.append(tuple(sorted((*base, flipped), key=lambda l: (abs(l), l))))
        else:
            clauses.append(_random_clause(rng, n, lo + below(rng, hi - lo + 1)))
    params: dict[str, object] = {"n": n, "m": m, "min_width": lo, "max_width": hi, "seed": seed}
    if p:
        params["tautology_prob"] = p
    return CNF(n, tuple(clauses), None, (family_comment("random-mixed", params),))
