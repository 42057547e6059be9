"""CNF formulas: the value type and strict DIMACS input/output.

A :class:`CNF` has variables ``1..n`` and clauses of non-zero DIMACS literals.  Clauses
are normalised on construction (SPEC §3.1): repeated literals are removed, keeping the
first occurrence; a clause may contain ``x`` and ``-x`` (it is then always satisfied);
an empty clause makes the formula unsatisfiable.  Clause order is kept.

>>> f = CNF(2, ((1, 2, 1), (-1,)))
>>> f.clauses
((1, 2), (-1,))
>>> f.satisfied_by((False, True)), f.satisfied_by((True, True))
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ermbit.errors import InputError, InputTypeError

__all__ = ["CNF"]


def _check_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            import gmpy2

            if isinstance(value, type(gmpy2.mpz(0))):
                return int(value)
        except ImportError:  # pragma: no cover - gmpy2 is a hard dependency
            pass
        raise InputTypeError(f"{what}: expected an int, got {type(value).__name__} {value!r}")
    return value


@dataclass(frozen=True)
class CNF:
    """A CNF formula over variables ``1..num_vars``.

    Parameters
    ----------
    num_vars : int
        Number of variables ``n >= 0``; variables that occur in no clause still count
        (they double the model count).
    clauses : sequence of sequences of int
        DIMACS literals ``±i`` with ``1 <= i <= n``.
    projection : sequence of int or None
        Optional projection set (``c p show ... 0``), kept for round trips.
    comments : tuple of str
        Free comment lines (without the leading ``c``), kept for round trips.

    Raises
    ------
    InputError
        If ``num_vars < 0`` or a literal is 0 or out of range; the message names the
        clause (0-based) and the literal.
    InputTypeError
        If a literal is not an int.
    """

    num_vars: int
    clauses: tuple[tuple[int, ...], ...]
    projection: tuple[int, ...] | None = None
    comments: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        n = _check_int(self.num_vars, "num_vars")
        if n < 0:
            raise InputError(f"num_vars: must be >= 0, got {n}")
        object.__setattr__(self, "num_vars", n)
        norm: list[tuple[int, ...]] = []
        for ci, clause in enumerate(self.clauses):
            if isinstance(clause, str | bytes) or not isinstance(clause, Iterable):
                raise InputTypeError(f"clause {ci}: expected a sequence of ints, got {clause!r}")
            seen: dict[int, None] = {}
            for lit in clause:
                lit = _check_int(lit, f"clause {ci}")
                if lit == 0:
                    raise InputError(f"clause {ci} contains literal 0")
                if abs(lit) > n:
                    raise InputError(
                        f"clause {ci} contains literal {lit}, out of range for n = {n}"
                    )
                seen.setdefault(lit, None)
            norm.append(tuple(seen))
        object.__setattr__(self, "clauses", tuple(norm))
        if self.projection is not None:
            proj = []
            for v in self.projection:
                v = _check_int(v, "projection")
                if not 1 <= v <= n:
                    raise InputError(f"projection: variable {v} out of range for n = {n}")
                proj.append(v)
            object.__setattr__(self, "projection", tuple(sorted(set(proj))))
        object.__setattr__(self, "comments", tuple(str(c) for c in self.comments))

    @property
    def num_clauses(self) -> int:
        """Number of clauses ``m``."""
        return len(self.clauses)

    @property
    def width(self) -> int:
        """Largest clause size (0 if there is no clause)."""
        return max((len(c) for c in self.clauses), default=0)

    def satisfied_by(self, assignment: Sequence[bool] | Sequence[int]) -> bool:
        """Whether a total assignment satisfies every clause.

        ``assignment`` is either ``n`` truth values (index ``i - 1`` for variable ``i``)
        or a list of DIMACS literals mentioning every variable once.
        """
        values = self._as_bools(assignment)
        return all(any(values[abs(l) - 1] == (l > 0) for l in c) for c in self.clauses)

    def _as_bools(self, assignment: Sequence[Any]) -> tuple[bool, ...]:
        items = list(assignment)
        if not items or all(isinstance(x, bool) for x in items):
            if len(items) != self.num_vars:
                raise InputError(
                    f"assignment: expected {self.num_vars} truth values, got {len(items)}"
                )
            return tuple(items)
        vals: list[bool | None] = [None] * self.num_vars
        for lit in items:
            lit = _check_int(lit, "assignment")
            if lit == 0 or abs(lit) > self.num_vars:
                raise InputError(f"assignment: literal {lit} out of range for n = {self.num_vars}")
            vals[abs(lit) - 1] = lit > 0
        missing = [i + 1 for i, v in enumerate(vals) if v is None]
        if missing:
            raise InputError(f"assignment: no value for variables {missing[:10]}")
        return tuple(bool(v) for v in vals)

    def __str__(self) -> str:
        def lit(l: int) -> str:
            return f"x{l}" if l > 0 else f"¬x{-l}"

        if not self.clauses:
            return "⊤"
        return " ∧ ".join("(" + " ∨ ".join(map(lit, c)) + ")" if c else "⊥" for c in self.clauses)
