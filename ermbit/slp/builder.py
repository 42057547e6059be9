"""Building SLPs: hash-consed gates, balanced products, square-and-multiply, pruning."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ermbit import exact
from ermbit.errors import InputError
from ermbit.slp.program import SLP, Gate, _show
from ermbit.validate import check_int

__all__ = ["SLPBuilder", "pruned"]


def pruned(a0: Any, gates: Sequence[Gate], out: int) -> SLP:
    """The SLP of the gates that ``a_out`` depends on, renumbered, with ``a_out`` last.

    >>> pruned(1, [Gate("+", 0, 0), Gate("*", 0, 0), Gate("*", 1, 1)], 3).gates
    (Gate(op='+', j=0, k=0), Gate(op='*', j=1, k=1))
    """
    needed = [False] * (out + 1)
    needed[out] = True
    for i in range(out, 0, -1):
        if needed[i]:
            needed[gates[i - 1].j] = needed[gates[i - 1].k] = True
    new = {0: 0}
    kept: list[Gate] = []
    for i in range(1, out + 1):
        if needed[i]:
            g = gates[i - 1]
            kept.append(Gate(g.op, new[g.j], new[g.k]))
            new[i] = len(kept)
    return SLP(a0, tuple(kept))


class SLPBuilder:
    """Build an SLP gate by gate, sharing identical gates (hash-consing).

    Indices are those of the values ``a_i`` (0 is ``a_0``).  ``+`` and ``*`` are
    commutative, so ``add(i, j)`` and ``add(j, i)`` return the same gate.

    >>> from ermbit.slp import evaluate
    >>> b = SLPBuilder()
    >>> two = b.add(0, 0)
    >>> b.add(0, 0) == two, b.small_int(5), evaluate(b.build(b.small_int(5)))
    (True, 3, mpq(5,1))
    """

    def __init__(self, a0: Any = 1) -> None:
        self.a0 = exact.parse(a0, name="a0")
        self._gates: list[Gate] = []
        self._memo: dict[tuple[str, int, int], int] = {}

    @classmethod
    def from_slp(cls, slp: SLP) -> SLPBuilder:
        """A builder holding the gates of ``slp`` with their indices, ready to extend."""
        b = cls(slp.a0)
        for i, g in enumerate(slp.gates, 1):
            b._gates.append(g)
            b._memo.setdefault(b._key(g.op, g.j, g.k), i)
        return b

    @property
    def last(self) -> int:
        """Index of the most recent value (0 before any gate)."""
        return len(self._gates)

    def _key(self, op: str, j: int, k: int) -> tuple[str, int, int]:
        return (op, min(j, k), max(j, k)) if op != "-" else (op, j, k)

    def _gate(self, op: str, j: int, k: int) -> int:
        for name, v in (("i", j), ("j", k)):
            if check_int(v, name) < 0 or v > self.last:
                raise InputError(f"{name}: index {_show(v)} out of range 0..{self.last}")
        key = self._key(op, int(j), int(k))
        if key not in self._memo:
            self._gates.append(Gate(*key))
            self._memo[key] = self.last
        return self._memo[key]

    def add(self, i: int, j: int) -> int:
        """Index of ``a_i + a_j``."""
        return self._gate("+", i, j)

    def sub(self, i: int, j: int) -> int:
        """Index of ``a_i - a_j``."""
        return self._gate("-", i, j)

    def mul(self, i: int, j: int) -> int:
        """Index of ``a_i * a_j``."""
        return self._gate("*", i, j)

    def one(self) -> int:
        """Index of the value 1, i.e. 0; needs ``a_0 = 1``.

        Every value is an integer polynomial in ``a_0`` without constant term (``+ - *``
        keep ``P(0) = 0``), so 1 is in general not computable from another ``a_0``.
        """
        if self.a0 != 1:
            raise InputError(f"a0: the constant 1 needs a0 = 1, got a0 = {exact.fmt(self.a0)}")
        return 0

    def zero(self) -> int:
        """Index of 0, computed as ``a_0 - a_0``."""
        return self.sub(0, 0)

    def small_int(self, c: int) -> int:
        """Index of the integer ``c``, by doubling and adding 1 (needs ``a_0 = 1``).

        Uses at most ``2 * bitlen(c)`` gates (plus 2 for ``c < 0``).
        """
        c = check_int(c, "c")
        one = self.one()
        if c <= 0:
            return self.zero() if c == 0 else self.sub(self.zero(), self.small_int(-c))
        x = one
        for digit in bin(c)[3:]:
            x = self.add(x, x)
            if digit == "1":
                x = self.add(x, one)
        return x

    def pow(self, i: int, e: int) -> int:
        """Index of ``a_i ** e`` by square-and-multiply (``e = 0`` gives :meth:`one`)."""
        e = check_int(e, "e")
        if e < 0:
            raise InputError(f"e: exponent must be >= 0, got {_show(e)}")
        if e == 0:
            return self.one()
        x = i
        for digit in bin(e)[3:]:
            x = self.mul(x, x)
            if digit == "1":
                x = self.mul(x, i)
        return x

    def _tree(self, indices: Iterable[int], combine: Callable[[int, int], int]) -> int | None:
        level = list(indices)
        if not level:
            return None
        while len(level) > 1:  # pairwise levels: operands of similar size, fast in GMP
            pairs = [combine(level[t], level[t + 1]) for t in range(0, len(level) - 1, 2)]
            level = pairs + level[len(level) - len(level) % 2 :]
        return level[0]

    def product(self, indices: Iterable[int]) -> int:
        """Index of the product, as a balanced tree (empty product: :meth:`one`)."""
        r = self._tree(indices, self.mul)
        return self.one() if r is None else r

    def sum(self, indices: Iterable[int]) -> int:
        """Index of the sum, as a balanced tree (empty sum: :meth:`zero`)."""
        r = self._tree(indices, self.add)
        return self.zero() if r is None else r

    def build(self, out: int | None = None, *, prune: bool = False) -> SLP:
        """The SLP whose value is ``a_out`` (default: the last value).

        By default the builder's indices are kept, so an index returned by the builder
        names the same value in the SLP; if ``out`` is not the last gate a copy gate is
        appended (``a_out * 1``, or ``a_out + 0`` when ``a_0 != 1``).  With ``prune``
        only the gates ``a_out`` depends on are kept, renumbered in order, so ``a_out``
        is the last gate and nothing else is computed.  The builder is not changed.

        >>> b = SLPBuilder()
        >>> two = b.add(0, 0); three = b.add(two, 0); four = b.mul(two, two)
        >>> b.build(three).gates[-1], b.build(three, prune=True).length
        (Gate(op='*', j=2, k=0), 2)
        """
        out = self.last if out is None else check_int(out, "out")
        if not 0 <= out <= self.last:
            raise InputError(f"out: index {_show(out)} out of range 0..{self.last}")
        gates = list(self._gates)
        if not prune:
            if out != self.last:
                if self.a0 == 1:
                    gates.append(Gate("*", out, 0))
                else:
                    zero = self._memo.get(("-", 0, 0))
                    if zero is None:
                        gates.append(Gate("-", 0, 0))
                        zero = len(gates)
                    gates.append(Gate("+", out, zero))
            return SLP(self.a0, tuple(gates))
        return pruned(self.a0, gates, out)
