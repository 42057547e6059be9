"""0/1 permanent → SLP by Kronecker substitution (docs: constructions/permanent.md).

For an n×n 0/1 matrix A let ``K = ⌊n·log₂ n⌋ + 1`` (1 if n = 1), ``X_j = 2^(K·(n+1)^j)``:

    N_A = Π_i Σ_j a_ij·X_j,   per(A) = ⌊N_A / 2^(K·e*)⌋ mod 2^K,  e* = Σ_j (n+1)^j.

A monomial's exponent written in base n+1 counts how often each column was chosen
(digits ≤ n, no carries); e* is "every column once", i.e. a permutation.  Every
coefficient is at most n! ≤ n^n < 2^K, so blocks do not overlap.

>>> t = PermToSlp().forward(((1, 1), (1, 1)))
>>> (t.offset, t.width)
(12, 3)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from ermbit import exact
from ermbit.problems.matrix import Matrix, check_matrix
from ermbit.reductions.base import Claim, Reduction
from ermbit.reductions.sat_to_slp import CountingSLP, block_of_value
from ermbit.slp import SLPBuilder

__all__ = ["PermToSlp", "permanent_parameters"]


def permanent_parameters(n: int) -> tuple[int, int]:
    """``(K, e*)`` of docs: constructions/permanent.md; ``K - 1 = ⌊n·log₂ n⌋`` is ``bitlen(n^n) -
    1``.

    >>> permanent_parameters(2), permanent_parameters(1)
    ((3, 4), (1, 1))
    """
    width = 1 if n == 1 else exact.bitlen(exact.Z(n) ** n)
    e_star = sum((n + 1) ** j for j in range(n))
    return width, e_star


def _permanent_oracle(matrix: Matrix) -> int:
    from ermbit.instances.matrices import permanent_brute

    return int(permanent_brute(matrix))


class PermToSlp(Reduction):
    """0/1 matrix A ↦ an SLP whose value carries per(A) in a known bit block."""

    name: ClassVar[str] = "perm-to-slp"
    source_kind: ClassVar[str] = "matrix01"
    target_kind: ClassVar[str] = "slp"
    counting: ClassVar[str] = "parsimonious"
    summary: ClassVar[str] = "0/1 permanent → SLP (Kronecker): per(A) is a bit block of n_P"

    def forward(self, src: Sequence[Sequence[int]]) -> CountingSLP:
        a = check_matrix(src)
        n = len(a)
        width, e_star = permanent_parameters(n)
        b = SLPBuilder(1)
        x = [b.pow(b.add(0, 0), width)]
        for _ in range(1, n):
            x.append(b.pow(x[-1], n + 1))
        rows = [b.sum(x[j] for j in range(n) if a[i][j]) for i in range(n)]
        out = b.product(rows)
        params = {"K": width, "e*": e_star}
        meta = {"reduction": self.name, "source": {"n": n}, "parameters": params}
        return CountingSLP(b.build(out), width * e_star, width, meta)

    def claim(self, src: Sequence[Sequence[int]]) -> Claim:
        return Claim(
            statement="per(A) = ⌊N_A / 2^(K·e*)⌋ mod 2^K",
            relation="equal",
            source=lambda s, o: _permanent_oracle(s),
            target=lambda s, t, o: block_of_value(s, t),
            source_oracle="Ryser's formula",
            target_oracle="exact SLP evaluation",
        )
