"""Square 0/1 matrices (the source of the permanent → SLP reduction).

``per(A) = Σ_σ Π_i a_{i,σ(i)}``; counting the perfect matchings of a bipartite graph is the
permanent of its 0/1 biadjacency matrix, a #P-complete problem (Valiant).

>>> Matrix01(((1, 0), (1, 1))).rows
((1, 0), (1, 1))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ermbit.errors import FormatError, InputError, InputTypeError
from ermbit.formats import as_int, as_list, check_keys, join

__all__ = ["Matrix", "Matrix01", "check_matrix", "decode_matrix", "encode_matrix"]

Matrix = tuple[tuple[int, ...], ...]


def check_matrix(matrix: Sequence[Sequence[Any]]) -> Matrix:
    """Validate a square 0/1 matrix (n ≥ 1) and return it as a tuple of tuples."""
    if isinstance(matrix, str | bytes) or not isinstance(matrix, Sequence):
        raise InputTypeError(f"matrix: expected a sequence of rows, got {type(matrix).__name__}")
    rows = [tuple(r) for r in matrix]
    n = len(rows)
    if n == 0:
        raise InputError("matrix: must have at least one row")
    for i, row in enumerate(rows):
        if len(row) != n:
            raise InputError(f"matrix: row {i} has {len(row)} entries, expected {n} (square)")
        for j, a in enumerate(row):
            if isinstance(a, bool) or a not in (0, 1):
                raise InputError(f"matrix: entry ({i}, {j}) is {a!r}, expected 0 or 1")
    return tuple(tuple(int(a) for a in r) for r in rows)


@dataclass(frozen=True)
class Matrix01:
    """A square 0/1 matrix as a file object (kind ``matrix``; reductions take the rows)."""

    rows: Matrix

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", check_matrix(self.rows))


def encode_matrix(m: Matrix01) -> dict[str, Any]:
    """The ``ermbit/1`` fields of kind ``matrix``."""
    return {"rows": [list(r) for r in m.rows]}


def decode_matrix(obj: dict[str, Any], where: str) -> Matrix01:
    """Kind ``matrix`` from its fields; errors name the field."""
    check_keys(obj, where, ("rows",))
    rows = as_list(obj["rows"], join(where, "rows"))
    parsed = tuple(
        tuple(
            as_int(a, join(join(join(where, "rows"), i), j)) for j, a in enumerate(as_list(r, ""))
        )
        for i, r in enumerate(rows)
    )
    try:
        return Matrix01(parsed)
    except InputError as exc:
        raise FormatError(str(exc), field=join(where, "rows")) from exc
