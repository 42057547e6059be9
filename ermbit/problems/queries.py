"""Source instances that are queries about an SLP (docs: constructions/kronecker.md).

:class:`BitQuery` is a BitSLP instance: an SLP and a bit index j, asking whether
``bit_j(n_P) = 1`` (docs: model.md's bit, any integer j).  A PosSLP instance is just the SLP.

>>> from ermbit.slp import SLP, bit
>>> q = BitQuery(SLP(3, [("*", 0, 0)]), 3)          # 9 = 0b1001
>>> q.answer(), q.size_summary()
(1, {'gates': 1, 'bit': 3})
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ermbit.errors import InputTypeError
from ermbit.exact import parse_int
from ermbit.slp import SLP, bit

__all__ = ["BitQuery"]


@dataclass(frozen=True)
class BitQuery:
    """BitSLP: is ``bit_j(n_P) = 1``?

    Attributes
    ----------
    slp : SLP
        The program P.
    j : int
        The bit index (any integer; negative j reads bits after the binary point).

    Raises
    ------
    InputTypeError
        If ``slp`` is not an SLP or ``j`` is not an integer.
    """

    slp: SLP
    j: int

    def __post_init__(self) -> None:
        if not isinstance(self.slp, SLP):
            raise InputTypeError(f"slp: expected an SLP, got {type(self.slp).__name__}")
        object.__setattr__(self, "j", int(parse_int(self.j, name="j")))

    def answer(self, *, budget_bits: int | None = None) -> int:
        """``bit_j(n_P)`` (0 or 1), by :func:`ermbit.slp.bit` (exact)."""
        return bit(self.slp, self.j, budget_bits=budget_bits)

    def size_summary(self) -> dict[str, int]:
        return {"gates": self.slp.length, "bit": self.j}

    def file_meta(self) -> dict[str, Any]:
        return {"bit": self.j}
