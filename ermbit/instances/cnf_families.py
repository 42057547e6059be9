"""Seeded CNF families: random k-CNF (plain and planted), mixed widths, pigeonhole, parity.

Each family is a pure function of its parameters and an integer ``seed >= 0``: the same
call gives the same :class:`~ermbit.cnf.CNF` on every run and platform (the draws use a
private :class:`random.Random`, see :mod:`ermbit.instances.rng`).  The first comment of
every generated formula records the family and its parameters, e.g.
``ermbit family random-kcnf n=10 m=42 k=3 seed=7``; :func:`ermbit.instances.generate`
with those parameters rebuilds the same formula.

>>> f = random_kcnf(10, 42, 3, seed=7)
>>> f.comments[0]
'ermbit family random-kcnf n=10 m=42 k=3 seed=7'
>>> f == random_kcnf(10, 42, 3, seed=7), f == random_kcnf(10, 42, 3, seed=8)
(True, False)
"""

from __future__ import annotations

import random
from fractions import Fraction

from ermbit.cnf import CNF
from ermbit.errors import BudgetExceeded, InputError
from ermbit.instances.rng import (
    below,
    bernoulli,
    family_comment,
    make_rng,
    probability,
    sample,
    shuffle,
)
from ermbit.validate import check_bool, check_int

__all__ = [
    "parity_chain",
    "pigeonhole",
    "random_kcnf",
    "random_kcnf_planted",
    "random_mixed_cnf",
    "xor_system",
]

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


def pigeonhole(
    pigeons: int, holes: int, *, functional: bool = True, max_clauses: int = 10**6
) -> CNF:
    """The pigeonhole principle PHP^p_h: ``p`` pigeons sit in ``h`` holes, no two together.

    Variable ``p_{i,j}`` ("pigeon ``i`` sits in hole ``j``", ``1 <= i <= p``,
    ``1 <= j <= h``) is numbered ``(i - 1)·h + j``.  Clauses, in this order:

    * pigeon clauses ``p_{i,1} ∨ ... ∨ p_{i,h}`` for each ``i``;
    * with ``functional=True``, ``¬p_{i,j} ∨ ¬p_{i,j'}`` for ``j < j'`` (each pigeon sits
      in at most one hole);
    * hole clauses ``¬p_{i,j} ∨ ¬p_{i',j}`` for each ``j`` and ``i < i'``.

    The formula is unsatisfiable iff ``pigeons > holes``.  With ``functional=True``
    its models are the injections from pigeons to holes, so for ``p <= h`` the model
    count is ``h!/(h - p)!``.  With ``functional=False`` (the textbook PHP, CNFgen's
    ``php``) a pigeon may occupy several holes and the count is
    ``Σ_{j=p..h} C(h, j)·p!·S(j, p)`` with ``S`` the Stirling numbers of the second kind.

    Raises
    ------
    InputError
        If ``pigeons`` or ``holes`` is negative.
    BudgetExceeded
        If the formula would have more than ``max_clauses`` clauses (predicted before any
        clause is built: ``p + p·C(h, 2) + h·C(p, 2)`` with ``functional=True``).

    >>> f = pigeonhole(2, 3)
    >>> f.num_vars, f.clauses[:2], f.comments
    (6, ((1, 2, 3), (4, 5, 6)), ('ermbit family pigeonhole pigeons=2 holes=3 functional=true',))
    >>> len(pigeonhole(3, 2, functional=False).clauses)  # 3 pigeon + 2·C(3,2) hole clauses
    9
    """
    p = check_int(pigeons, "pigeons", minimum=0)
    h = check_int(holes, "holes", minimum=0)
    functional = check_bool(functional, "functional")
    budget = check_int(max_clauses, "max_clauses", minimum=0)
    predicted = p + (p * (h * (h - 1) // 2) if functional else 0) + h * (p * (p - 1) // 2)
    if predicted > budget:
        raise BudgetExceeded(
            f"pigeonhole with pigeons = {p}, holes = {h}",
            predicted=predicted,
            budget=budget,
            unit="clauses",
            hint=f"pass max_clauses={predicted} or more",
        )

    def var(i: int, j: int) -> int:
        return (i - 1) * h + j

    clauses: list[Clause] = [tuple(var(i, j) for j in range(1, h + 1)) for i in range(1, p + 1)]
    if functional:
        clauses += [
            (-var(i, j), -var(i, k))
            for i in range(1, p + 1)
            for j in range(1, h + 1)
            for k in range(j + 1, h + 1)
        ]
    clauses += [
        (-var(i, j), -var(k, j))
        for j in range(1, h + 1)
        for i in range(1, p + 1)
        for k in range(i + 1, p + 1)
    ]
    params = {"pigeons": p, "holes": h, "functional": functional}
    return CNF(p * h, tuple(clauses), None, (family_comment("pigeonhole", params),))


def _xor_clauses(variables: tuple[int, ...], parity: int) -> list[Clause]:
    """The ``2^(k-1)`` clauses of ``v1 ⊕ ... ⊕ vk = parity``: one per wrong-parity assignment."""
    out = []
    for a in range(1 << len(variables)):
        if a.bit_count() % 2 != parity:
            # The clause is false exactly on assignment a: each literal disagrees with a.
            out.append(tuple(-v if (a >> i) & 1 else v for i, v in enumerate(variables)))
    return out


def parity_chain(n: int, *, parity: int = 1, seed: int | None = None) -> CNF:
    """``x1 ⊕ ... ⊕ xn = parity`` as a chain of Tseitin XOR gates.

    Inputs are variables ``1..n``; auxiliary ``y_i`` (``2 <= i <= n - 1``, variable
    ``n + i - 1``) is forced to ``x1 ⊕ ... ⊕ xi`` by the 4 clauses of
    ``y_{i-1} ⊕ x_i ⊕ y_i = 0`` (with ``y_1 = x1``), and 2 clauses assert
    ``y_{n-1} ⊕ x_n = parity`` (one unit clause when ``n = 1``).  So the formula has
    ``n + max(0, n - 2)`` variables, ``4·max(0, n - 2) + 2`` clauses (1 for ``n = 1``),
    and exactly ``2^(n-1)`` models: the inputs of the right parity, each with its
    unique auxiliary values.  The comment ``ermbit inputs v1 ... vn 0`` names the input
    variables.

    When ``seed`` is given the variables are renamed by a random permutation and the
    clause order shuffled (same count, different look); ``seed=None`` gives the plain
    chain.

    Raises
    ------
    InputError
        If ``n < 1``, ``parity`` is not 0 or 1, or ``seed < 0``.

    >>> f = parity_chain(3)
    >>> f.num_vars, f.clauses
    (4, ((-1, 2, 4), (1, -2, 4), (1, 2, -4), (-1, -2, -4), (4, 3), (-4, -3)))
    >>> parity_chain(1, parity=0).clauses
    ((-1,),)
    """
    n = check_int(n, "n", minimum=1)
    parity = check_int(parity, "parity", minimum=0)
    if parity > 1:
        raise InputError(f"parity: must be 0 or 1, got {parity}")
    prev = 1
    clauses: list[Clause] = []
    for i in range(2, n):
        clauses += _xor_clauses((prev, i, n + i - 1), 0)
        prev = n + i - 1
    clauses += _xor_clauses((prev, n), parity) if n > 1 else [(1 if parity else -1,)]
    num_vars = n + max(0, n - 2)
    names = list(range(num_vars + 1))  # names[v] is the new name of variable v
    params: dict[str, object] = {"n": n, "parity": parity}
    if seed is not None:
        rng = make_rng(seed)
        tail = names[1:]
        shuffle(rng, tail)
        names[1:] = tail
        shuffle(rng, clauses)
        params["seed"] = seed
        clauses = [tuple(names[l] if l > 0 else -names[-l] for l in c) for c in clauses]
    inputs = " ".join(str(names[v]) for v in range(1, n + 1))
    comments = (family_comment("parity", params), f"ermbit inputs {inputs} 0")
    return CNF(num_vars, tuple(clauses), None, comments)


def xor_system(n: int, m: int, k: int, *, seed: int, max_clauses: int = 10**6) -> CNF:
    """``m`` random XOR constraints of width ``k``, each encoded directly in CNF.

    Constraint ``t`` is ``x_{v1} ⊕ ... ⊕ x_{vk} = b_t`` with ``k`` distinct variables of
    ``1..n`` and a uniform parity bit ``b_t``; it becomes the ``2^(k-1)`` clauses that
    each exclude one assignment of wrong parity, so the formula has ``m·2^(k-1)``
    clauses and no auxiliary variables.  Its model count is ``2^(n - r)`` for a
    consistent system of GF(2)-rank ``r`` and 0 otherwise.  Each constraint is also
    recorded as a comment ``ermbit xor v1 ... vk = b``.

    Parameters
    ----------
    n, m, k : int
        Variables ``n >= 1``, constraints ``m >= 0``, width ``1 <= k <= n``.
    seed : int
        Seed ``>= 0`` of the private generator.
    max_clauses : int
        Budget on ``m·2^(k-1)``, checked before anything is built.

    Raises
    ------
    InputError
        If a parameter is out of range.
    BudgetExceeded
        If ``m·2^(k-1) > max_clauses``.

    >>> f = xor_system(4, 2, 3, seed=5)
    >>> f.num_clauses, f.comments[0], f.comments[1].startswith("ermbit xor ")
    (8, 'ermbit family xor n=4 m=2 k=3 seed=5', True)
    """
    n = check_int(n, "n", minimum=1)
    m = check_int(m, "m", minimum=0)
    k = check_int(k, "k", minimum=1)
    _check_width(k, n, "k")
    budget = check_int(max_clauses, "max_clauses", minimum=0)
    predicted = m << (k - 1)
    if predicted > budget:
        raise BudgetExceeded(
            f"xor_system with m = {m}, k = {k}",
            predicted=predicted,
            budget=budget,
            unit="clauses",
            hint=f"pass max_clauses={predicted} or more",
        )
    rng = make_rng(seed)
    clauses: list[Clause] = []
    comments = [family_comment("xor", {"n": n, "m": m, "k": k, "seed": seed})]
    for _ in range(m):
        variables = tuple(sorted(v + 1 for v in sample(rng, n, k)))
        b = rng.getrandbits(1)
        clauses += _xor_clauses(variables, b)
        comments.append(f"ermbit xor {' '.join(map(str, variables))} = {b}")
    return CNF(n, tuple(clauses), None, tuple(comments))
