"""Straight-line programs: gates and programs (validated values)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ermbit import exact
from ermbit.errors import InputError, InputTypeError
from ermbit.validate import check_int

__all__ = ["OPS", "SLP", "Gate"]

OPS = ("+", "-", "*")
_MPZ = type(exact.Z(0))
_HINT = "pass budget_bits={n} (or --budget-bits {n} on the command line)"


def _show(n: exact.IntegerLike) -> str:
    """An int for a message; ``str`` refuses ints over 4300 digits, and they are unreadable."""
    return str(n) if exact.bitlen(n) <= 64 else f"<an integer of {exact.bitlen(n)} bits>"


@dataclass(frozen=True)
class Gate:
    """One gate ``a_i = a_j op a_k`` (``op`` in ``+ - *``; ``j = k`` allowed).

    Raises
    ------
    InputError
        If ``op`` is not one of ``+ - *`` or an index is negative.
    """

    op: str
    j: int
    k: int

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise InputError(f"op: expected one of '+', '-', '*', got {self.op!r}")
        if type(self.j) is int and type(self.k) is int and self.j >= 0 and self.k >= 0:
            return  # the common case, checked without the conversions below
        for name in ("j", "k"):
            v = check_int(getattr(self, name), name)
            if v < 0:
                raise InputError(f"{name}: gate operand index must be >= 0, got {_show(v)}")
            object.__setattr__(self, name, v)


@dataclass(frozen=True)
class SLP:
    """A straight-line program: ``a_0`` and gates ``a_i = a_j op a_k`` with ``j, k < i``.

    Parameters
    ----------
    a0 : rational
        The constant ``a_0`` (int, string ``"p/q"``, ``mpq``...; never a float).
    gates : sequence of Gate or of ``(op, j, k)`` triples
        ``gates[i - 1]`` computes ``a_i``.

    Raises
    ------
    InputError
        If a gate refers to an operand ``>= i``; the message names the gate.

    >>> SLP(1, [("+", 0, 0), ("*", 1, 1)]).length
    2
    >>> SLP(1, [("*", 0, 1)])
    Traceback (most recent call last):
    ...
    ermbit.errors.InputError: gates: gate 1 ('*', 0, 1) uses a_1, but only a_0..a_0 exist
    """

    a0: Any = 1
    gates: tuple[Gate, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "a0", exact.parse(self.a0, name="a0"))
        if isinstance(self.gates, str | bytes) or not isinstance(self.gates, Iterable):
            raise InputTypeError(f"gates: expected a sequence of gates, got {self.gates!r:.80}")
        gates = tuple(g if isinstance(g, Gate) else Gate(*g) for g in self.gates)
        for i, g in enumerate(gates, 1):
            if g.j >= i or g.k >= i:
                j, k = _show(g.j), _show(g.k)
                raise InputError(
                    f"gates: gate {i} ({g.op!r}, {j}, {k}) uses a_{_show(max(g.j, g.k))}, "
                    f"but only a_0..a_{i - 1} exist"
                )
        object.__setattr__(self, "gates", gates)

    @property
    def length(self) -> int:
        """Number of gates ``l``; the output is ``a_l``."""
        return len(self.gates)

    @property
    def is_integer(self) -> bool:
        """Whether ``a_0`` is an integer (then every value is an integer)."""
        return bool(self.a0.denominator == 1)
