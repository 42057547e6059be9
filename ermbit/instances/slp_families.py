"""Seeded random straight-line programs (sources for the SLP reductions and sweeps).

:func:`random_slp` is a pure function of its parameters and an integer ``seed >= 0``:
the same call gives the same :class:`~ermbit.slp.SLP` on every run and platform (all
draws go through :mod:`ermbit.instances.rng`).

>>> p = random_slp(5, seed=3)
>>> p.length, p == random_slp(5, seed=3), p.a0
(5, True, mpq(1,1))
>>> all(g.j == i - 1 or g.k == i - 1 for i, g in enumerate(p.gates, 1))
True
"""

from __future__ import annotations

import random

from ermbit import exact
from ermbit.errors import InputError, InputTypeError
from ermbit.instances.rng import below, make_rng
from ermbit.problems.queries import BitQuery
from ermbit.slp import OPS, SLP, Gate
from ermbit.validate import check_int

__all__ = ["random_bitquery", "random_slp"]


def _check_ops(ops: object) -> tuple[str, ...]:
    if not isinstance(ops, str):
        raise InputTypeError(f"ops: expected a str such as '+-*', got {type(ops).__name__}")
    chosen = tuple(dict.fromkeys(ops))
    bad = [c for c in chosen if c not in OPS]
    if bad or not chosen:
        raise InputError(f"ops: expected a non-empty selection of '+', '-', '*', got {ops!r}")
    return chosen


def random_slp(gates: int, *, seed: int, a0: int | str = 1, ops: str = "+-*") -> SLP:
    """A random SLP of ``gates`` gates in which every gate uses the one before it.

    Gate ``i`` computes ``a_i = a_j op a_k`` with ``op`` uniform in ``ops``; one operand
    is ``a_{i-1}`` and the other is uniform in ``a_0..a_{i-1}``, in uniform order (which
    matters for ``-``).  Chaining on ``a_{i-1}`` makes the output depend on every gate,
    so no gate is dead code.  Values can have up to about ``2**gates`` bits (repeated
    squaring); the evaluators refuse past their budgets.

    Parameters
    ----------
    gates : int
        Number of gates ``l >= 0`` (``l = 0`` gives the constant ``a_0``).
    seed : int
        Seed ``>= 0`` of the private generator.
    a0 : int or str
        The constant ``a_0``, an exact rational (``"1/2"``); floats are refused.
    ops : str
        The operations to draw from, a non-empty selection of ``+-*``.

    Raises
    ------
    InputError
        If ``gates < 0``, ``seed < 0`` or ``ops`` holds something other than ``+-*``.
    InputTypeError
        If a parameter has the wrong type (a float ``a0``...).

    >>> random_slp(0, seed=1, a0="2/3")
    SLP(a0=mpq(2,3), gates=())
    >>> {g.op for g in random_slp(30, seed=2, ops="*").gates}
    {'*'}
    >>> random_slp(2, seed=0, ops="/")
    Traceback (most recent call last):
    ...
    ermbit.errors.InputError: ops: expected a non-empty selection of '+', '-', '*', got '/'
    """
    length = check_int(gates, "gates", minimum=0)
    chosen = _check_ops(ops)
    start = exact.parse(a0, name="a0")
    rng = make_rng(seed)
    drawn: list[Gate] = []
    for i in range(1, length + 1):
        op = chosen[below(rng, len(chosen))]
        other = below(rng, i)
        j, k = (i - 1, other) if rng.getrandbits(1) else (other, i - 1)
        drawn.append(Gate(op, j, k))
    return SLP(start, tuple(drawn))


def random_bitquery(rng: random.Random, size: int) -> BitQuery:
    """A random BitSLP query for sweeps: ``size`` gates, ``a_0 = 1``, ``j ∈ [−1, 2^min(size, 5)]``.

    Only the random generator ``rng`` is used; the SLP comes from
    :func:`random_slp`.
    """
    gates = max(1, int(size))
    j = rng.randint(-1, 1 << min(gates, 5))
    return BitQuery(random_slp(gates, seed=rng.getrandbits(32)), j)
