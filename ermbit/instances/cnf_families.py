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

from ermbit.cnf import CNF
from ermbit.errors import BudgetExceeded, InputError
from ermbit.instances._random_cnf import (
    Clause,
    _check_width,
    random_kcnf,
    random_kcnf_planted,
    random_mixed_cnf,
)
from ermbit.instances.rng import family_comment, make_rng, sample, shuffle
from ermbit.validate import check_bool, check_int

__all__ = [
    "parity_chain",
    "pigeonhole",
    "random_kcnf",
    "random_kcnf_planted",
    "random_mixed_cnf",
    "xor_system",
]


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
