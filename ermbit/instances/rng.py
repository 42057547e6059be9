"""Seeded randomness and argument checks shared by the instance families.

Every draw goes through :meth:`random.Random.getrandbits` on a generator made by
:func:`make_rng`, never through ``randrange``/``sample``/``shuffle`` or the global
state.  ``getrandbits`` reads the Mersenne Twister words directly, so the output of a
family depends only on the seed, not on the platform or on the sampling algorithms a
future Python may choose.  No floats are involved: probabilities are exact rationals
decided by :func:`bernoulli`.

>>> rng = make_rng(3)
>>> sorted(sample(rng, 10, 4)) == sorted(set(sample(make_rng(3), 10, 4)))
True
>>> [below(make_rng(5), 6) for _ in range(3)] == [below(make_rng(5), 6)] * 3
True
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any, TypeVar

from ermbit.errors import InputError
from ermbit.exact import Z, fmt, parse
from ermbit.validate import check_int

__all__ = [
    "below",
    "bernoulli",
    "family_comment",
    "make_rng",
    "probability",
    "sample",
    "shuffle",
]

_MPZ = type(Z(0))
_T = TypeVar("_T")


def make_rng(seed: object, name: str = "seed") -> random.Random:
    """A private :class:`random.Random` seeded with the integer ``seed >= 0``.

    Negative seeds are refused because CPython seeds with ``|seed|``: ``-7`` and ``7``
    would silently give the same instance.
    """
    if seed is None:
        raise InputError(f"{name}: a seed is required (an int >= 0), got None")
    return random.Random(check_int(seed, name, minimum=0))


def below(rng: random.Random, n: int) -> int:
    """Uniform integer in ``[0, n)`` by rejection sampling on ``getrandbits``."""
    if n <= 1:
        return 0
    k = (n - 1).bit_length()
    while True:
        r = rng.getrandbits(k)
        if r < n:
            return r


def sample(rng: random.Random, n: int, k: int) -> list[int]:
    """``k`` distinct integers of ``[0, n)`` in random order (partial Fisher-Yates).

    The swaps are kept in a dict, so memory is ``O(k)`` however large ``n`` is.
    """
    swapped: dict[int, int] = {}
    out = []
    for i in range(k):
        j = i + below(rng, n - i)
        out.append(swapped.get(j, j))
        swapped[j] = swapped.get(i, i)
    return out


def shuffle(rng: random.Random, items: list[_T]) -> None:
    """Shuffle ``items`` in place (Fisher-Yates), uniformly over permutations."""
    for i in range(len(items) - 1, 0, -1):
        j = below(rng, i + 1)
        items[i], items[j] = items[j], items[i]


def probability(value: object, name: str) -> Fraction:
    """An exact probability in ``[0, 1]`` from an int, Fraction, mpq or string ``"p/q"``."""
    q = parse(value, name=name)
    if not 0 <= q <= 1:
        raise InputError(f"{name}: must lie in [0, 1], got {fmt(q)}")
    return Fraction(int(q.numerator), int(q.denominator))


def bernoulli(rng: random.Random, p: Fraction) -> bool:
    """True with probability exactly ``p``; draws nothing when ``p`` is 0 or 1."""
    if p == 0 or p == 1:
        return p == 1
    return below(rng, p.denominator) < p.numerator


def family_comment(family: str, params: dict[str, Any]) -> str:
    """The comment ``ermbit family NAME k=v ...`` that records how an instance was made.

    Values are written so that :func:`ermbit.instances.generate` parses them back:
    bools as ``true``/``false``, rationals as ``p/q``.
    """
    parts = [f"ermbit family {family}"]
    for key, value in params.items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, Fraction):
            text = fmt(parse(value))
        else:
            text = str(value)
        parts.append(f"{key}={text}")
    return " ".join(parts)
