"""Composing reductions: ``R_k ∘ … ∘ R_1`` as one reduction of the same protocol.

``forward`` runs the links in turn and returns a :class:`Chained` target: the last link's
target with the intermediate instances beside it (``back`` and ``lift`` need them).
``lift`` maps a source solution through every link; ``back`` maps a target solution back
through the links in reverse.  The claim relates the first link's source quantity to the
last link's target quantity by the composed relation:

* ``equal ∘ equal`` is ``equal``; ``times a ∘ times b`` is ``times a·b`` (``equal`` is
  ``times 1``);
* anything with ``iff`` is ``iff`` — every relation preserves "is nonzero".

This is sound when each link's target quantity is the next link's source quantity on the
intermediate instance (the links' own claims say so); :func:`composite_claims` gives each
link's own claim on its intermediate instance, which the verifier may check as well.

>>> from ermbit.cnf import CNF
>>> from ermbit.reductions.sat_to_nae import SatToNae
>>> from ermbit.reductions.nae_to_splitting import NaeToSplitting
>>> red = Composite(SatToNae(), NaeToSplitting())
>>> red.name, red.source_kind, red.target_kind
('sat-to-nae+nae-to-splitting', 'cnf', 'splitting')
>>> t = red.forward(CNF(2, ((1, 2),)))
>>> red.back(CNF(2, ((1, 2),)), t, red.lift(CNF(2, ((1, 2),)), t, (True, False)))
(True, False)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ermbit.errors import InputError
from ermbit.reductions.base import Claim, Oracles, Reduction

__all__ = ["Chained", "Composite", "compose_relations", "composite_claims"]

_STRENGTH = {"parsimonious": 3, "k-to-1": 2, "decision": 1, "turing": 0}


@dataclass(frozen=True)
class Chained:
    """The target of a composite: ``final`` (the last link's target) and the intermediate
    instances ``chain`` (``chain[i]`` is link ``i``'s target, for i < k − 1).

    Attribute access falls through to ``final``, so a chained target reads like the last
    link's own (``t.instance``, ``t.network`` …); ``meta`` adds the composite's name.
    """

    final: Any
    chain: tuple[Any, ...]
    meta: dict[str, Any] = field(default_factory=dict, hash=False)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.final, name)

    def size_summary(self) -> dict[str, int]:
        inner = getattr(self.final, "size_summary", None)
        return dict(inner()) if callable(inner) else {}

    def file_meta(self) -> dict[str, Any]:
        inner = getattr(self.final, "file_meta", None)
        base = inner() if callable(inner) else dict(getattr(self.final, "meta", None) or {})
        return {**base, **self.meta}


def compose_relations(relations: Sequence[tuple[str, int]]) -> tuple[str, int]:
    """The relation between the first source and last target quantity.

    >>> compose_relations([("times", 2), ("equal", 1), ("times", 3)])
    ('times', 6)
    >>> compose_relations([("times", 2), ("iff", 1)])
    ('iff', 1)
    """
    if any(rel == "iff" for rel, _ in relations):
        return "iff", 1
    factor = 1
    for rel, f in relations:
        factor *= f if rel == "times" else 1
    return ("equal", 1) if factor == 1 else ("times", factor)


class Composite(Reduction):
    """``links[-1] ∘ … ∘ links[0]``; each link's target kind must be the next one's source kind."""

    def __init__(self, *links: Reduction, name: str = "", summary: str = "") -> None:
        if len(links) < 2:
            raise InputError(f"links: a composite needs at least 2 reductions, got {len(links)}")
        for a, b in itertools.pairwise(links):
            if a.target_kind != b.source_kind:
                raise InputError(
                    f"links: {a.name} writes {a.target_kind!r} but {b.name} reads {b.source_kind!r}"
                )
        self.links = tuple(links)
        self.name = name or "+".join(r.name for r in links)  # type: ignore[misc]
        self.source_kind = links[0].source_kind  # type: ignore[misc]
        self.target_kind = links[-1].target_kind  # type: ignore[misc]
        weakest = min(links, key=lambda r: _STRENGTH.get(r.counting, 0)).counting
        self.counting = weakest  # type: ignore[misc]
        self.summary = summary or " ∘ ".join(r.name for r in reversed(links))  # type: ignore[misc]

    # -- the chain of instances
    def forward(self, src: Any) -> Chained:
        inst, chain = src, []
        for red in self.links:
            inst = red.forward(inst)
            chain.append(inst)
        return Chained(chain[-1], tuple(chain[:-1]), {"reduction": self.name})

    def steps(self, src: Any, target: Chained) -> list[tuple[Reduction, Any, Any]]:
        """``(link, its source, its target)`` for every link of a built chain."""
        if len(target.chain) != len(self.links) - 1:
            raise InputError(
                f"target: expected {len(self.links) - 1} intermediate instances, "
                f"got {len(target.chain)} (not a target of {self.name})"
            )
        sources = [src, *target.chain]
        targets = [*target.chain, target.final]
        return list(zip(self.links, sources, targets, strict=True))

    def lifts(self, src: Any, target: Chained, solution: Any) -> list[Any]:
        """The solution lifted through each link in turn (the last is :meth:`lift`'s)."""
        out = []
        for red, s, t in self.steps(src, target):
            solution = red.lift(s, t, solution)
            out.append(solution)
        return out

    def lift(self, src: Any, target: Chained, solution: Any) -> Any:
        return self.lifts(src, target, solution)[-1]

    def back(self, src: Any, target: Chained, solution: Any) -> Any:
        for red, s, t in reversed(self.steps(src, target)):
            solution = red.back(s, t, solution)
        return solution

    # -- the claim and the solution hooks
    def claim(self, src: Any) -> Claim:
        first = self.links[0].claim(src)
        statements = [first.statement]
        relations = [(first.relation, first.factor)]
        mids = [src]
        for red in self.links[1:]:
            mids.append(self.links[len(mids) - 1].forward(mids[-1]))
            c = red.claim(mids[-1])
            statements.append(c.statement)
            relations.append((c.relation, c.factor))
        last = c
        relation, factor = compose_relations(relations)
        return Claim(
            statement=" ; then ".join(statements),
            relation=relation,
            factor=factor,
            source=first.source,
            target=lambda s, t, o: last.target(t.chain[-1], t.final, o),
            source_oracle=first.source_oracle,
            target_oracle=last.target_oracle,
        )

    def source_solutions(self, src: Any, oracles: Oracles) -> Iterable[Any]:
        return self.links[0].source_solutions(src, oracles)

    def is_source_solution(self, src: Any, solution: Any) -> bool:
        return self.links[0].is_source_solution(src, solution)

    def is_target_solution(self, target: Chained, solution: Any) -> bool:
        return self.links[-1].is_target_solution(target.final, solution)

    def target_solutions(self, src: Any, target: Chained, oracles: Oracles) -> Iterator[Any]:
        last, last_src, final = self.steps(src, target)[-1]
        yield from last.target_solutions(last_src, final, oracles)

    def sample_source(self, rng: Any, size: int) -> Any:
        return self.links[0].sample_source(rng, size)


def composite_claims(red: Composite, src: Any) -> list[tuple[Reduction, Any, Claim]]:
    """Each link with its own source instance and its own claim (for link-by-link checks)."""
    out, inst = [], src
    for link in red.links:
        out.append((link, inst, link.claim(inst)))
        inst = link.forward(inst)
    return out
