"""The reduction protocol: forward, witness maps both ways, and a checkable claim.

A reduction turns a *source* instance into a *target* instance (``forward``) and comes
with two witness maps:

* ``lift(src, target, src_solution)`` maps a solution of the source to one of the target;
* ``back(src, target, target_solution)`` maps a solution of the target to one of the
  source (the bookkeeping it needs travels with the target).

Its :class:`Claim` states the relationship between the two instances as two quantities,
one computed on the source by an oracle that shares no code with the construction (a
model counter, a SAT solver, brute force), one computed on the target (by evaluating,
solving or reading bits), and a relation between them.  The generic verifier
(:mod:`ermbit.checking.verifier`) checks claims and witness maps on small inputs.

A reduction never evaluates what it builds: ``forward`` only constructs.  The claim's
``target`` function may evaluate, because it is the checking side.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from ermbit.cnf import CNF
from ermbit.errors import InputError

__all__ = ["RELATIONS", "Claim", "ErmAnswer", "Oracles", "Reduction", "relation_holds"]

#: Relations a claim may state between the source and the target quantity.
RELATIONS = ("equal", "iff", "times")


def relation_holds(relation: str, source: Any, target: Any, factor: int = 1) -> bool:
    """Whether ``relation`` holds between two computed quantities.

    ``equal``: ``source == target``; ``iff``: ``bool(source) == bool(target)``;
    ``times``: ``target == factor * source`` (a k-to-1 map on solutions).

    >>> relation_holds("times", 3, 6, factor=2), relation_holds("iff", 5, True)
    (True, True)
    """
    if relation == "equal":
        return bool(source == target)
    if relation == "iff":
        return bool(source) == bool(target)
    if relation == "times":
        return bool(target == factor * source)
    raise InputError(f"relation: unknown relation {relation!r}; expected one of {RELATIONS}")


class ErmAnswer(Protocol):
    """What an exact ERM_bit solver answers: the decision (None if undecided), a witness
    for YES and the least loss it found (None if it has none)."""

    @property
    def decision(self) -> bool | None: ...

    @property
    def witness(self) -> Any: ...

    @property
    def loss(self) -> Any: ...

    @property
    def explanation(self) -> str: ...


class Oracles(Protocol):
    """The independent solvers a claim may consult.

    Reductions never import solvers (data flows one way: problems → reductions → solvers);
    the checking side supplies these, usually :class:`ermbit.checking.oracles.SolverOracles`.
    Each must share no code with the constructions it checks.
    """

    def count(self, cnf: CNF) -> int:
        """#SAT(cnf), by an exact model counter."""
        ...

    def is_sat(self, cnf: CNF) -> bool:
        """Whether ``cnf`` is satisfiable, by a SAT solver."""
        ...

    def sat_model(self, cnf: CNF) -> tuple[int, ...] | None:
        """A checked model of ``cnf`` (DIMACS literals), or None if unsatisfiable."""
        ...

    def decide_erm(self, instance: Any, method: str) -> ErmAnswer:
        """An exact ERM_bit answer from the instance alone; ``method`` names the solver
        (``"pattern"``, ``"pinned"``, ``"general"`` or ``"auto"``)."""
        ...


@dataclass(frozen=True)
class Claim:
    """A checkable statement relating a source instance to its image.

    Attributes
    ----------
    statement : str
        The claim in words, with the paper's notation ("#SAT(φ) = bits [K·E*, K·E*+K) of n_P").
    relation : str
        One of :data:`RELATIONS`.
    source : callable
        ``source(src, oracles) -> quantity``, computed by an independent oracle on the
        source (``oracles`` is an :class:`Oracles`).
    target : callable
        ``target(src, target, oracles) -> quantity``, computed on the target instance.
    source_oracle, target_oracle : str
        Names of the methods used, recorded in verification reports.
    factor : int
        The factor for ``relation == "times"``.
    """

    statement: str
    relation: str
    source: Callable[[Any, Oracles], Any]
    target: Callable[[Any, Any, Oracles], Any]
    source_oracle: str
    target_oracle: str
    factor: int = 1

    def __post_init__(self) -> None:
        if self.relation not in RELATIONS:
            raise InputError(f"relation: unknown relation {self.relation!r}")


class Reduction:
    """Base class of every reduction; subclasses set the class attributes and methods.

    Attributes
    ----------
    name : str
        Registry name, e.g. ``"sat-to-slp"``.
    source_kind, target_kind : str
        What the reduction reads and writes (``"cnf"``, ``"slp"``, ``"erm"``, ...).
    counting : str
        How solutions correspond: ``"parsimonious"``, ``"k-to-1"``, ``"decision"``
        (only existence is preserved) or ``"turing"`` (one query of many).
    """

    name: ClassVar[str] = ""
    source_kind: ClassVar[str] = ""
    target_kind: ClassVar[str] = ""
    counting: ClassVar[str] = "decision"
    summary: ClassVar[str] = ""

    def forward(self, src: Any) -> Any:
        """Build the target instance from ``src``."""
        raise NotImplementedError

    def lift(self, src: Any, target: Any, solution: Any) -> Any:
        """Map a source solution to a target solution."""
        raise NotImplementedError

    def back(self, src: Any, target: Any, solution: Any) -> Any:
        """Map a target solution to a source solution."""
        raise NotImplementedError

    def claim(self, src: Any) -> Claim:
        """The claim about ``src`` and ``forward(src)``, for the generic verifier."""
        raise NotImplementedError

    # Witness checking hooks; a reduction whose solutions are not meaningful leaves them.
    def source_solutions(self, src: Any, oracles: Oracles) -> Iterable[Any]:
        """Some solutions of the source (all of them for small inputs); empty by default."""
        return ()

    def is_source_solution(self, src: Any, solution: Any) -> bool:
        """Whether ``solution`` solves ``src`` (raises on a malformed one)."""
        raise NotImplementedError

    def is_target_solution(self, target: Any, solution: Any) -> bool:
        """Whether ``solution`` solves ``target`` (raises on a malformed one)."""
        raise NotImplementedError

    def target_solutions(self, src: Any, target: Any, oracles: Oracles) -> Iterator[Any]:
        """Solutions of the target found *by solving it* (not by lifting); empty by default."""
        return iter(())

    def sample_source(self, rng: random.Random, size: int) -> Any:
        """A random source of scale ``size >= 1`` drawn from ``rng`` only, for sweeps of
        reductions whose sources no instance family makes (override it)."""
        raise NotImplementedError

    @property
    def has_witness_maps(self) -> bool:
        """Whether ``lift`` and ``back`` are implemented."""
        cls = type(self)
        return cls.lift is not Reduction.lift and cls.back is not Reduction.back

    def describe(self) -> str:
        """One line: name, kinds and how solutions correspond."""
        return f"{self.name}: {self.source_kind} → {self.target_kind} ({self.counting})"
