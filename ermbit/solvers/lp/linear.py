"""Linear constraints over named rational variables, and the answers of the LP solver.

The value types of :mod:`ermbit.solvers.lp.program`: a :class:`Constraint` is
``Σ_v a_v·v  op  b`` with ``op`` one of ``<=, >=, ==, <, >`` over variables of free
sign; a :class:`LinearSystem` is a finite sequence of them; an :class:`LPResult` is
what :func:`ermbit.solvers.lp.program.feasible` answers.  :func:`verify_certificate` checks a
Farkas certificate of infeasibility: one multiplier ``y_i`` per constraint with
``y_i >= 0`` on ``<=, <`` rows, ``y_i <= 0`` on ``>=, >`` rows, ``y_i`` free on ``==``
rows, ``Σ y_i a_i = 0``, and either ``Σ y_i b_i < 0``, or ``Σ y_i b_i = 0`` with
``y_i != 0`` on some strict row.  Adding up ``y_i·(a_i·x − b_i)`` gives
``0 <= Σ y_i b_i``, strictly if a strict row is used: a contradiction.

>>> c = Constraint({"x": 1}, "<", 0)
>>> verify_certificate([c, Constraint({"x": 2}, ">=", 0)], ["1", "-1/2"])
True
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ermbit.errors import InputError, InputTypeError
from ermbit.exact import Q, Rational, RationalLike, fmt, parse

__all__ = ["OPS", "Constraint", "LPResult", "LinearSystem", "verify_certificate"]

#: The comparison operators a :class:`Constraint` may use.
OPS = ("<=", ">=", "==", "<", ">")
_STRICT = frozenset({"<", ">"})
_FLIPPED = frozenset({">=", ">"})
_STATUSES = ("feasible", "infeasible", "unbounded")


def _var_key(v: Hashable) -> tuple[int, Any, str]:
    # Ints sort numerically, strings alphabetically, anything else by repr.
    if isinstance(v, int):
        return (0, v, "")
    return (1, 0, v) if isinstance(v, str) else (2, 0, repr(v))


@dataclass(frozen=True)
class Constraint:
    """A linear constraint ``Σ_v coeffs[v]·v  op  rhs``.

    Parameters
    ----------
    coeffs : mapping from variable to rational
        Variables are any hashable names (ints, strings, tuples...).  Stored as a
        read-only mapping sorted by variable, with zero coefficients removed.
    op : str
        One of ``"<=", ">=", "==", "<", ">"``.
    rhs : rational
        The right-hand side ``b``.
    tag : object
        Reported in :attr:`LPResult.core`; defaults to the constraint's index there.

    Raises
    ------
    InputError
        For an unknown ``op`` or a malformed rational.
    InputTypeError
        For a float coefficient or ``coeffs`` that is not a mapping.

    >>> c = Constraint({"y": -1, "x": "3/2", "z": 0}, "<", 2)
    >>> str(c), c.holds({"x": 0, "y": -3})
    ('3/2*x - y < 2', False)
    """

    coeffs: Mapping[Any, Any]
    op: str
    rhs: Any = 0
    tag: object = field(default=None)

    def __post_init__(self) -> None:
        if not isinstance(self.coeffs, Mapping):
            kind = type(self.coeffs).__name__
            raise InputTypeError(f"coeffs: expected a mapping variable -> rational, got {kind}")
        if self.op not in OPS:
            raise InputError(f"op: expected one of {OPS}, got {self.op!r}")
        items = [(v, parse(a, name=f"coeffs[{v!r}]")) for v, a in self.coeffs.items()]
        items.sort(key=lambda item: _var_key(item[0]))
        object.__setattr__(self, "coeffs", MappingProxyType({v: a for v, a in items if a}))
        object.__setattr__(self, "rhs", parse(self.rhs, name="rhs"))

    def __hash__(self) -> int:
        return hash((tuple(self.coeffs.items()), self.op, self.rhs, self.tag))

    @property
    def strict(self) -> bool:
        """Whether the operator is ``<`` or ``>``."""
        return self.op in _STRICT

    def lhs(self, point: Mapping[Any, object]) -> Rational:
        """The exact value ``Σ_v coeffs[v]·point[v]``; every variable must be present."""
        total = Q(0)
        for v, a in self.coeffs.items():
            if v not in point:
                raise InputError(f"point: no value for variable {v!r}")
            total += a * parse(point[v], name=f"point[{v!r}]")
        return total

    def holds(self, point: Mapping[Any, Any]) -> bool:
        """Whether ``point`` satisfies the constraint (exactly)."""
        return _compare(self.lhs(point), self.op, self.rhs)

    def __str__(self) -> str:
        terms = []
        for v, a in self.coeffs.items():
            sign = "-" if a < 0 else "+"
            mag = "" if abs(a) == 1 else f"{fmt(abs(a))}*"
            terms.append(f"{sign} {mag}{v}")
        text = " ".join(terms)[2:] if terms else "0"
        if terms and terms[0].startswith("-"):
            text = "-" + text
        return f"{text} {self.op} {fmt(self.rhs)}"


def _compare(lhs: Rational, op: str, rhs: Rational) -> bool:
    if op == "<=":
        return bool(lhs <= rhs)
    if op == ">=":
        return bool(lhs >= rhs)
    if op == "<":
        return bool(lhs < rhs)
    if op == ">":
        return bool(lhs > rhs)
    return bool(lhs == rhs)


@dataclass(frozen=True)
class LinearSystem:
    """A finite sequence of :class:`Constraint` (kept in order; indices are positions).

    >>> s = LinearSystem([Constraint({"x": 1}, ">=", 1), Constraint({"x": 1, 0: 2}, "<", 3)])
    >>> s.variables, s.violated({"x": 1, 0: 1})
    (('x', 0), (1,))
    """

    constraints: Sequence[Constraint]

    def __post_init__(self) -> None:
        cons = tuple(self.constraints)
        for i, c in enumerate(cons):
            if not isinstance(c, Constraint):
                kind = type(c).__name__
                raise InputTypeError(f"constraints[{i}]: expected a Constraint, got {kind}")
        object.__setattr__(self, "constraints", cons)

    def __len__(self) -> int:
        return len(self.constraints)

    def __iter__(self) -> Iterator[Constraint]:
        return iter(self.constraints)

    @property
    def variables(self) -> tuple[Hashable, ...]:
        """Every variable with a non-zero coefficient, in order of first appearance."""
        seen: dict[Hashable, None] = {}
        for c in self.constraints:
            for v in c.coeffs:
                seen.setdefault(v, None)
        return tuple(seen)

    def violated(self, point: Mapping[Any, Any]) -> tuple[int, ...]:
        """Indices of the constraints that ``point`` violates."""
        return tuple(i for i, c in enumerate(self.constraints) if not c.holds(point))

    def holds(self, point: Mapping[Any, Any]) -> bool:
        """Whether ``point`` satisfies every constraint."""
        return not self.violated(point)


@dataclass(frozen=True)
class LPResult:
    """Answer of :func:`feasible`.

    Attributes
    ----------
    status : str
        ``"feasible"``, ``"infeasible"``, or ``"unbounded"`` (only when optimising).
    point : dict or None
        A solution (every variable of the system and objective), ``None`` if infeasible.
        When optimising and ``attained`` is true it is optimal.
    objective_value : mpq or None
        The optimal value (an infimum/supremum, see ``attained``) when optimising.
    attained : bool or None
        Whether ``point`` attains ``objective_value``.  It can be false only with strict
        rows: the optimum over the closure is then not reached on the open set, and
        ``point`` is merely feasible.
    certificate : tuple of mpq or None
        Farkas multipliers, one per constraint, when infeasible (see the module doc).
    core, core_indices : tuple
        When infeasible: an infeasible subsystem, as tags (the index for untagged
        constraints) and as indices.
    ray : dict or None
        When unbounded: a direction ``r`` with ``point + λ·r`` feasible for all ``λ >= 0``
        and the objective improving along it.
    pivots : int
        Simplex pivots used in total.
    """

    status: str
    point: dict[Any, Rational] | None = None
    objective_value: Rational | None = None
    attained: bool | None = None
    certificate: tuple[Rational, ...] | None = None
    core: tuple[object, ...] = ()
    core_indices: tuple[int, ...] = ()
    ray: dict[Any, Rational] | None = None
    pivots: int = 0

    def __post_init__(self) -> None:
        if self.status not in _STATUSES:
            raise InputError(f"status: expected one of {_STATUSES}, got {self.status!r}")
        if (self.point is None) != (self.status == "infeasible"):
            raise InputError(f"point: must be None exactly when infeasible ({self.status})")
        object.__setattr__(self, "core", tuple(self.core))
        object.__setattr__(self, "core_indices", tuple(self.core_indices))


def verify_certificate(
    constraints: LinearSystem | Iterable[Constraint], certificate: Sequence[RationalLike]
) -> bool:
    """Whether ``certificate`` proves the system infeasible (Farkas/Motzkin).

    The conditions are those of the module docstring.  Returns ``False`` for a
    well-formed wrong certificate; raises :class:`InputError` if its length differs from
    the number of constraints and :class:`InputTypeError` for a non-rational entry.

    >>> verify_certificate([Constraint({"x": 1}, "<", 0), Constraint({"x": 1}, ">=", 0)],
    ...                    [1, -1])
    True
    """
    cons = tuple(constraints)
    if len(certificate) != len(cons):
        raise InputError(f"certificate: expected {len(cons)} multipliers, got {len(certificate)}")
    ys = [parse(y, name=f"certificate[{i}]") for i, y in enumerate(certificate)]
    combo: dict[Any, Any] = {}
    total, uses_strict = Q(0), False
    for c, y in zip(cons, ys, strict=True):
        if (c.op in ("<=", "<") and y < 0) or (c.op in _FLIPPED and y > 0):
            return False
        if y:
            uses_strict = uses_strict or c.strict
            total += y * c.rhs
            for v, a in c.coeffs.items():
                combo[v] = combo.get(v, Q(0)) + y * a
    if any(combo.values()):
        return False
    return bool(total < 0 or (total == 0 and uses_strict))
