"""#SAT → SLP by Kronecker substitution (docs: constructions/kronecker.md; parsimonious).

For a CNF φ with clauses C_1..C_m of sizes k_j (after normalisation), let
``B = 2·max k_j`` and ``K = n + Σ_j ⌈log₂ k_j⌉ + 1``, ``Z_j = 2^(K·B^(j−1))``.  The SLP
computes

    N_φ = Π_i (T_i + F_i) · Π_j (1 + Z_j + … + Z_j^(k_j − 1)),

``T_i`` (``F_i``) the product of ``Z_j`` over the clauses containing ``x_i`` (``¬x_i``), and

    #SAT(φ) = ⌊N_φ / 2^(K·E*)⌋ mod 2^K,   E* = Σ_j k_j·B^(j−1),

so bit r of the count is bit ``K·E* + r`` of N_φ.  Each pair (assignment, slack vector)
contributes one monomial whose base-B digits are ``s_j + t_j < B``; the exponent is E*
exactly for the satisfying assignments (one slack vector each), and every coefficient
is below 2^K, so the blocks never overlap.

>>> from ermbit.cnf import CNF
>>> t = SatToSlp().forward(CNF(2, ((1, 2),)))
>>> (t.offset, t.width)
(8, 4)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ermbit import exact
from ermbit.cnf import CNF
from ermbit.errors import InputTypeError
from ermbit.reductions.base import Claim, Reduction
from ermbit.slp import SLP, SLPBuilder

__all__ = ["block_of_value", "CountingSLP", "kronecker_parameters", "read_block", "SatToSlp"]


@dataclass(frozen=True)
class CountingSLP:
    """An SLP whose value holds a count in the bit block ``[offset, offset + width)``.

    ``meta`` records how it was built; it is what the SLP file's ``meta`` stores, with
    ``"count_bits": {"offset": ..., "width": ...}``.
    """

    slp: SLP
    offset: int
    width: int
    meta: dict[str, Any]

    def size_summary(self) -> dict[str, int]:
        return {"gates": self.slp.length, "count_offset": self.offset, "count_width": self.width}

    def file_meta(self) -> dict[str, Any]:
        """The ``meta`` object written beside the SLP in an ``ermbit/1`` file."""
        return {**self.meta, "count_bits": {"offset": self.offset, "width": self.width}}


def read_block(value: Any, offset: int, width: int) -> int:
    """``⌊value / 2^offset⌋ mod 2^width`` for a non-negative integer ``value``.

    >>> read_block(4913, 8, 4)
    3
    """
    v = exact.Z(exact.parse_int(value, name="value"))
    return int((v >> offset) & ((exact.Z(1) << width) - 1))


def kronecker_parameters(cnf: CNF) -> tuple[int, int, int]:
    """``(B, K, E*)`` of docs: constructions/kronecker.md for ``cnf``.

    >>> kronecker_parameters(CNF(2, ((1, 2),)))
    (4, 4, 2)
    """
    sizes = [len(c) for c in cnf.clauses]
    nonempty = [k for k in sizes if k > 0]
    base = 2 * max(nonempty) if nonempty else 2
    width = cnf.num_vars + sum(exact.ceil_log2(k) for k in nonempty) + 1
    e_star = sum(k * base**j for j, k in enumerate(sizes))
    return base, width, e_star


def _clause_powers(b: SLPBuilder, cnf: CNF, base: int, width: int) -> list[int]:
    z = [b.pow(b.add(0, 0), width)] if cnf.clauses else []
    for _ in range(1, cnf.num_clauses):
        z.append(b.pow(z[-1], base))
    return z


def _build(cnf: CNF) -> CountingSLP:
    base, width, e_star = kronecker_parameters(cnf)
    b = SLPBuilder(1)
    z = _clause_powers(b, cnf, base, width)
    factors: list[int] = []
    for i in range(1, cnf.num_vars + 1):
        t = b.product(z[j] for j, c in enumerate(cnf.clauses) if i in c)
        f = b.product(z[j] for j, c in enumerate(cnf.clauses) if -i in c)
        factors.append(b.add(t, f))
    for j, clause in enumerate(cnf.clauses):
        powers = [b.one(), z[j]] if clause else [b.one()]
        for _ in range(2, len(clause)):
            powers.append(b.mul(powers[-1], z[j]))
        factors.append(b.sum(powers[: len(clause)]))
    out = b.product(factors)
    meta = {
        "reduction": SatToSlp.name,
        "source": {"variables": cnf.num_vars, "clauses": cnf.num_clauses},
        "parameters": {"B": base, "K": width, "E*": e_star},
    }
    return CountingSLP(b.build(out), width * e_star, width, meta)


def block_of_value(src: Any, target: CountingSLP) -> int:
    """The count block of the target's exact value (the claim's target side)."""
    from ermbit.slp import evaluate_int

    return read_block(evaluate_int(target.slp), target.offset, target.width)


class SatToSlp(Reduction):
    """CNF φ ↦ an SLP whose value carries #SAT(φ) in a known bit block (parsimonious)."""

    name: ClassVar[str] = "sat-to-slp"
    source_kind: ClassVar[str] = "cnf"
    target_kind: ClassVar[str] = "slp"
    counting: ClassVar[str] = "parsimonious"
    summary: ClassVar[str] = "#SAT → SLP (Kronecker substitution): #SAT(φ) is a bit block of n_P"

    def forward(self, src: CNF) -> CountingSLP:
        if not isinstance(src, CNF):
            raise InputTypeError(f"src: expected a CNF, got {type(src).__name__}")
        return _build(src)

    def claim(self, src: CNF) -> Claim:
        return Claim(
            statement="#SAT(φ) = ⌊n_P / 2^(K·E*)⌋ mod 2^K",
            relation="equal",
            source=lambda s, o: o.count(s),
            target=lambda s, t, o: block_of_value(s, t),
            source_oracle="model counter (oracles.count)",
            target_oracle="exact SLP evaluation",
        )
