"""SLP → bounded-value SLP (Lemma A.4/A.5, paper Lemma A.4/A.5).

The source problem is the standard SLPs of the paper, ``a_0 = 1`` (other constants are
refused, a narrowing stated here rather than a gap: the bound ``|a_i| ≤ 2^(i·e_i)`` below
starts from ``|a_0| = 1``, and for ``a_0 = p/q`` the values need not be integers, so Q's
output ``2^(−m·2^n)·n_P`` would no longer carry n_P's bits at a fixed offset; the sign
reductions that use this rewriting first make ``a_0 = 1`` with
:func:`~ermbit.reductions.backprop.homogenise`).

Given P with n gates and ``a_0 = 1``, build Q with m gates and constant ``b_0 = 2^(−m)``
computing ``ã_i = b_0^(e_i)·a_i``: ``e_0 = 1``; at a product ``e_i = e_j + e_k``; at a sum
or difference the operand with the smaller exponent is first multiplied by
``b_0^(E − e)`` (``E = max(e_j, e_k)``) from cached squares ``b_0^(2^r)``.  A final
alignment makes the output exponent exactly ``2^n``, so Q outputs ``2^(−m·2^n)·n_P`` and
bit j of n_P is bit ``j − m·2^n`` of Q's value.

Why every value of Q lies in [−1, 1]: by induction ``|a_i| ≤ 2^(i·e_i)`` (a product adds
exponents, a sum at most doubles and ``E ≥ 1``), and ``m ≥ n``, so
``|ã_i| ≤ 2^((n − m)·e_i) ≤ 1``; the powers of ``b_0`` and the scaled operands are ≤ 1 too.
Q is built in two passes: its gates do not depend on the value of ``b_0``, so they are
emitted first and ``b_0 = 2^(−m)`` is fixed once m is known.

>>> from ermbit.slp import SLP, Gate
>>> p = SLP(1, (Gate("+", 0, 0), Gate("*", 1, 1)))   # 2, then 4
>>> q = SlpToBnslp().forward(p)
>>> q.m, q.shift
(4, 16)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ermbit import exact
from ermbit.errors import InputError, InputTypeError
from ermbit.reductions.base import Claim, Reduction
from ermbit.slp import SLP, SLPBuilder

__all__ = ["BoundedSLP", "SlpToBnslp", "bounded_values_ok"]


@dataclass(frozen=True)
class BoundedSLP:
    """Q with ``a_0 = 2^(−m)``; ``value(Q) = 2^(−shift)·n_P`` with ``shift = m·2^n``."""

    slp: SLP
    m: int
    exponent: int
    source_gates: int

    @property
    def shift(self) -> int:
        """``m·2^n``: bit j of n_P is bit ``j − shift`` of Q's value."""
        return self.m * self.exponent

    def size_summary(self) -> dict[str, int]:
        return {"gates": self.slp.length, "m": self.m, "source_gates": self.source_gates}

    def file_meta(self) -> dict[str, Any]:
        return {"reduction": SlpToBnslp.name, "m": self.m, "bit_shift": str(self.shift)}


class _Scaler:
    """Multiplies values by powers of b_0 using cached squares ``b_0^(2^r)``."""

    def __init__(self, b: SLPBuilder) -> None:
        self.b = b
        self.squares = [0]  # index of b_0^(2^r)

    def square(self, r: int) -> int:
        while len(self.squares) <= r:
            last = self.squares[-1]
            self.squares.append(self.b.mul(last, last))
        return self.squares[r]

    def scale(self, index: int, d: int) -> int:
        """Index of ``a_index · b_0^d``."""
        r = 0
        while d:
            if d & 1:
                index = self.b.mul(index, self.square(r))
            d >>= 1
            r += 1
        return index


def _emit(p: SLP) -> tuple[SLPBuilder, int, int]:
    b = SLPBuilder(1)  # a_0's value is a placeholder; only the gate structure is built here
    sc = _Scaler(b)
    idx = [0]
    exps = [1]
    for g in p.gates:
        ej, ek = exps[g.j], exps[g.k]
        if g.op == "*":
            idx.append(b.mul(idx[g.j], idx[g.k]))
            exps.append(ej + ek)
            continue
        e = max(ej, ek)
        left, right = sc.scale(idx[g.j], e - ej), sc.scale(idx[g.k], e - ek)
        idx.append(b.add(left, right) if g.op == "+" else b.sub(left, right))
        exps.append(e)
    target = 1 << p.length
    out = sc.scale(idx[-1], target - exps[-1])
    return b, out, target


class SlpToBnslp(Reduction):
    """P (with ``a_0 = 1``) ↦ Q whose every gate value lies in [−1, 1]; records the bit shift."""

    name: ClassVar[str] = "slp-to-bnslp"
    source_kind: ClassVar[str] = "slp"
    target_kind: ClassVar[str] = "slp"
    counting: ClassVar[str] = "parsimonious"
    summary: ClassVar[str] = "SLP → bounded-value SLP (Lemma A.5): value 2^(−m·2^n)·n_P"

    def forward(self, src: SLP) -> BoundedSLP:
        if not isinstance(src, SLP):
            raise InputTypeError(f"src: expected an SLP, got {type(src).__name__}")
        if src.a0 != 1:
            raise InputError(f"src: the bounded-value rewriting needs a0 = 1, got {src.a0}")
        b, out, target = _emit(src)
        gates = b.build(out, prune=False).gates
        m = max(len(gates), 1)
        return BoundedSLP(SLP(exact.Q(1, 2**m), gates), m, target, src.length)

    def claim(self, src: SLP) -> Claim:
        return Claim(
            statement="every value of Q lies in [−1, 1] and 2^(m·2^n)·value(Q) = n_P",
            relation="equal",
            source=lambda s, o: _source_value(s),
            target=lambda s, t, o: _rescaled_target(s, t),
            source_oracle="exact SLP evaluation of P",
            target_oracle="exact SLP evaluation of Q",
        )


def bounded_values_ok(q: SLP) -> bool:
    """Whether every value of ``q`` lies in [−1, 1] (evaluated exactly)."""
    from ermbit.slp import values

    return all(abs(v) <= 1 for v in values(q))


def _source_value(src: SLP) -> exact.Rational:
    from ermbit.slp import evaluate

    return exact.Q(evaluate(src))


def _rescaled_target(src: SLP, target: BoundedSLP) -> exact.Rational | str:
    from ermbit.slp import evaluate

    if not bounded_values_ok(target.slp):
        return "some value of Q lies outside [−1, 1]"
    return exact.Q(evaluate(target.slp) * exact.Q(2) ** target.shift)
