"""Set splitting: a universe ``0..size−1`` and a family of subsets; an *ordered split*
(S₁, S₂) partitions the universe so that every set meets both parts.

Also the literal universe used by the NAE → splitting reduction: element ``2(i−1)`` is
``x_i`` and ``2(i−1)+1`` is ``¬x_i``.

>>> inst = SetSplitting(3, ((0, 1), (1, 2)))
>>> is_split(inst, (0, 1, 0)), is_split(inst, (0, 0, 1))
(True, False)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ermbit.errors import FormatError, InputError
from ermbit.formats import as_int, as_list, check_keys, join

__all__ = [
    "SetSplitting",
    "Split",
    "decode_splitting",
    "encode_splitting",
    "is_split",
    "literal_element",
]

#: side[e] is 0 if element e is in S₁, 1 if in S₂.
Split = tuple[int, ...]


@dataclass(frozen=True)
class SetSplitting:
    """Universe ``0..size−1`` and a family of subsets; split so that every set meets both parts."""

    size: int
    sets: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        if self.size < 0:
            raise InputError(f"size: must be >= 0, got {self.size}")
        norm = []
        for k, s in enumerate(self.sets):
            for e in s:
                if not 0 <= e < self.size:
                    raise InputError(
                        f"sets[{k}]: element {e} outside the universe 0..{self.size - 1}"
                    )
            norm.append(tuple(sorted(set(s))))
        object.__setattr__(self, "sets", tuple(norm))

    def size_summary(self) -> dict[str, int]:
        return {"elements": self.size, "sets": len(self.sets)}


def literal_element(lit: int) -> int:
    """Universe element of a DIMACS literal: ``x_i ↦ 2(i−1)``, ``¬x_i ↦ 2(i−1)+1``.

    >>> literal_element(1), literal_element(-1), literal_element(3)
    (0, 1, 4)
    """
    return 2 * (abs(lit) - 1) + (1 if lit < 0 else 0)


def is_split(inst: SetSplitting, side: Sequence[int]) -> bool:
    """Whether ``side`` (0/1 per element) meets both parts in every set."""
    if len(side) != inst.size or any(s not in (0, 1) for s in side):
        raise InputError(f"side: expected {inst.size} entries in {{0, 1}}, got {tuple(side)}")
    return all({side[e] for e in s} == {0, 1} for s in inst.sets)


def encode_splitting(s: SetSplitting) -> dict[str, Any]:
    """The ``ermbit/1`` fields of kind ``splitting``."""
    return {"size": s.size, "sets": [list(t) for t in s.sets]}


def decode_splitting(obj: dict[str, Any], where: str) -> SetSplitting:
    """Kind ``splitting`` from its fields; errors name the field."""
    check_keys(obj, where, ("size", "sets"))
    size = as_int(obj["size"], join(where, "size"))
    sets = []
    for i, s in enumerate(as_list(obj["sets"], join(where, "sets"))):
        f = join(join(where, "sets"), i)
        sets.append(tuple(as_int(e, join(f, j)) for j, e in enumerate(as_list(s, f))))
    try:
        return SetSplitting(size, tuple(sets))
    except InputError as exc:
        raise FormatError(str(exc), field=join(where, "sets")) from exc
