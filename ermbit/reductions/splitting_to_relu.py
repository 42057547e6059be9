"""Set splitting → ReLU ERM_bit on the classical data set (Thm 1.4 R2, last link).

For a universe 0..d−1 and sets c₁, c₂, …: the points of ℝ^d are the origin (label 1),
every unit vector e_i (label 0) and every set's indicator 1_c (label 1); squared loss,
γ = 0.  The network computes ``f(x) = ReLU(1 − ReLU(w₁·x + c₁) − ReLU(w₂·x + c₂))`` with
the first layer trainable and the output layer frozen.  In the model of paper §2:

* sources ``x{i}`` (the coordinates), identity nodes ``h1``, ``h2`` with trainable edges
  ``(x{i}, h{k})`` of weight w_k,i (c_k is the **sum** of their biases, which is all that
  enters a pass);
* ReLU nodes ``r1``, ``r2`` fed by ``h1``, ``h2`` through frozen (1, 0);
* an identity node ``o`` with frozen edges ``(r1, o) = (−1, 1)`` and ``(r2, o) = (−1, 0)``:
  the constant 1 of ``1 − r₁ − r₂`` is the bias of the first of them;
* the output ReLU node ``y`` fed by ``o`` through frozen (1, 0).

Every ReLU node has one in-edge, from an identity node, frozen at (1, 0): the normal form
of pinning (Claim B.1).  An empty set cannot be split, and 1_∅ is the origin: its point is
labelled 0 instead, contradicting the origin's label (a singleton {i} contradicts e_i by
itself).

* **Forward (lift)**: for a split (S₁, S₂), ``w_k,i = 1`` on S_k and ``−(L − 1)`` elsewhere
  (L = max(2, largest set size)), all biases 0.  Then h_k(e_i) = [i ∈ S_k], so o(e_i) = 0;
  o(0) = 1; and for a split set c, ``w_k·1_c = |c ∩ S_k| − (L−1)|c ∖ S_k| ≤ (|c|−1) − (L−1)
  ≤ 0``, so o(1_c) = 1.  (A bias of −2d works too; −(L − 1) keeps the weights short.)
* **Back** (Thm 1.4): zero loss at the origin forces c_k ≤ 0; at e_i some k has
  w_k,i + c_k > 0 -- put i in S₁ if k = 1 works, else in S₂; a set c ⊆ S_k would have
  ``w_k·1_c + c_k = Σ_{i∈c}(w_k,i + c_k) − (|c| − 1)c_k > 0``, contradicting its label 1.
* **Bit bound** β = 2d·(4 + bitlen(L − 1)): the lifted witness has 2d edges, each with
  size(w) ≤ max(3, 2 + bitlen(L − 1)) and size(b) = size(0) = 2.
* **Counts**: ordered splits map to zero-loss witnesses one-to-many (scalings, other
  thresholds); ``back`` is many-to-one.  Decision-preserving.
* **Pinned form** (``pinned=True``): :func:`~ermbit.reductions.pinning.pin_instance`.  Its
  baseline template also fixes each c_k at θ*'s value 0 (free edges keep free weights, but
  their biases are pinned when their tails are 0 in every template, Claim B.1).  The
  reduction stays correct: the lift has c_k = 0 and the back argument only needs c_k ≤ 0.
* With a **trainable** output layer the data set is not a valid reduction (for 3-element
  sets ½·ReLU(Σx − 1) + ReLU(1 − Σx) fits every point): the frozen layer is essential.

>>> from ermbit.problems.splitting import SetSplitting
>>> sp = SetSplitting(3, ((0, 1), (1, 2)))
>>> t = SplittingToRelu2().forward(sp)
>>> len(t.instance.samples), t.instance.bit_bound, t.instance.network.free_edges()[:2]
(6, 30, (('x0', 'h1'), ('x1', 'h1')))
>>> w = SplittingToRelu2().lift(sp, t, (0, 1, 0))
>>> t.instance.evaluate(w).accepted, SplittingToRelu2().back(sp, t, w)
(True, (0, 1, 0))
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from ermbit import exact
from ermbit.cnf import CNF
from ermbit.errors import InputError, InputTypeError
from ermbit.network.erm import ERMInstance, Sample, Witness
from ermbit.network.model import Network, NetworkBuilder
from ermbit.problems.splitting import SetSplitting, is_split
from ermbit.reductions.base import Claim, Oracles, Reduction
from ermbit.reductions.compose import Chained, Composite
from ermbit.reductions.nae_to_splitting import NaeToSplitting
from ermbit.reductions.pinning import pin_instance
from ermbit.reductions.sat_to_nae import SatToNae
from ermbit.reductions.sat_to_relu import decided, sat_models

__all__ = [
    "back_split",
    "build_target",
    "data_set_network",
    "lift_split",
    "SatToRelu2",
    "SplitReluInstance",
    "splits",
    "splittable",
    "SplittingToRelu2",
]

Split = tuple[int, ...]


@dataclass(frozen=True)
class SplitReluInstance:
    """The ERM_bit instance of R2 with what ``back`` needs.

    Attributes
    ----------
    instance : ERMInstance
        Frozen form, or pinned when ``pinned``.
    splitting : SetSplitting
        The set-splitting instance the data set encodes.
    pinned : bool
        Whether ``instance`` is the all-trainable pinned form.
    chain : tuple
        Intermediate instances of a composed reduction (``sat-to-relu2``: the NAE formula).
    """

    instance: ERMInstance
    splitting: SetSplitting
    pinned: bool
    chain: tuple[Any, ...] = ()

    def size_summary(self) -> dict[str, int]:
        return self.instance.size_summary()

    def file_meta(self) -> dict[str, Any]:
        return dict(self.instance.meta)


def _lift_scale(sp: SetSplitting) -> int:
    """L − 1 with L = max(2, largest set size)."""
    return max([2, *(len(c) for c in sp.sets)]) - 1


def data_set_network(d: int) -> Network:
    """The network of R2 on d inputs (first layer trainable, at θ = 0; the rest frozen)."""
    nb = NetworkBuilder()
    for i in range(d):
        nb.add_node(f"x{i}")
    for k in (1, 2):
        nb.add_node(f"h{k}")
        nb.add_node(f"r{k}", "relu")
        for i in range(d):
            nb.add_edge(f"x{i}", f"h{k}", 0, 0)
        nb.add_edge(f"h{k}", f"r{k}", 1, 0, frozen=True)
    nb.add_node("o")
    nb.add_node("y", "relu")
    nb.add_edge("r1", "o", -1, 1, frozen=True)
    nb.add_edge("r2", "o", -1, 0, frozen=True)
    nb.add_edge("o", "y", 1, 0, frozen=True)
    return nb.build(["y"])


def _samples(sp: SetSplitting) -> tuple[Sample, ...]:
    out = [Sample.of({}, {"y": 1}, "squared")]
    out += [Sample.of({f"x{i}": 1}, {"y": 0}, "squared") for i in range(sp.size)]
    for c in sp.sets:
        out.append(Sample.of({f"x{i}": 1 for i in c}, {"y": 1 if c else 0}, "squared"))
    return tuple(out)


def splits(sp: SetSplitting, oracles: Oracles, limit: int = 16) -> Iterator[Split]:
    """Ordered splits of ``sp``: all of them when the universe has ≤ ``limit`` elements,
    else one found by the SAT oracle on the 2-colouring CNF."""
    if sp.size <= limit:
        yield from (s for s in itertools.product((0, 1), repeat=sp.size) if is_split(sp, s))
        return
    model = oracles.sat_model(_colouring(sp))
    if model is not None:
        yield tuple(0 if lit > 0 else 1 for lit in model)


def _colouring(sp: SetSplitting) -> CNF:
    """Variable i+1 true ⇔ element i in S₁; every set needs a true and a false element."""
    clauses = []
    for c in sp.sets:
        clauses += [tuple(i + 1 for i in c), tuple(-(i + 1) for i in c)]
    return CNF(sp.size, tuple(clauses))


def splittable(sp: SetSplitting, oracles: Oracles) -> bool:
    """Whether ``sp`` has a split, by the SAT oracle on its 2-colouring CNF (independent
    of R2)."""
    return oracles.is_sat(_colouring(sp))


def _check_splitting(src: object) -> SetSplitting:
    if not isinstance(src, SetSplitting):
        raise InputTypeError(f"src: expected a SetSplitting, got {type(src).__name__}")
    return src


def build_target(sp: SetSplitting, pinned: bool, meta: dict[str, Any]) -> ERMInstance:
    """The ERM_bit instance of R2 (frozen form, or pinned)."""
    d, scale = sp.size, _lift_scale(sp)
    beta = 2 * d * (4 + exact.bitlen(scale))
    meta = {**meta, "bit_bound": "2d·(4 + bitlen(L − 1)), L = max(2, largest set)"}
    inst = ERMInstance(data_set_network(d), _samples(sp), 0, beta, None, meta)
    if not pinned:
        return inst
    p = pin_instance(inst)
    return ERMInstance(p.network, p.samples, 0, p.bit_bound, None, {**meta, "pinning": p.meta})


def lift_split(target: SplitReluInstance, side: Sequence[int]) -> Witness:
    """The witness of a split (see the module docstring); raises if ``side`` is malformed."""
    sp = target.splitting
    if len(side) != sp.size or any(s not in (0, 1) for s in side):
        raise InputError(f"solution: expected {sp.size} sides in {{0, 1}}, got {tuple(side)}")
    low = -_lift_scale(sp)
    free = {
        (f"x{i}", f"h{k}"): (1 if s == k - 1 else low, 0)
        for i, s in enumerate(side)
        for k in (1, 2)
    }
    base = target.instance.network.theta() if target.pinned else {}
    return Witness.of({**base, **free})


def back_split(target: SplitReluInstance, solution: Witness) -> Split:
    """S₁ = {i : w₁,i + c₁ > 0}, c₁ the bias sum into h1 (the Thm 1.4 argument)."""
    theta = target.instance.theta_of(solution)
    net = target.instance.network
    c1 = sum((theta.get(e.key, (e.w, e.b))[1] for e in net.in_edges("h1")), exact.Q(0))
    return tuple(
        0 if theta[(f"x{i}", "h1")][0] + c1 > 0 else 1 for i in range(target.splitting.size)
    )


class SplittingToRelu2(Reduction):
    """Set splitting ↦ the R2 data set; splittable ⇔ some admissible θ has loss 0."""

    name: ClassVar[str] = "splitting-to-relu2"
    source_kind: ClassVar[str] = "splitting"
    target_kind: ClassVar[str] = "erm"
    counting: ClassVar[str] = "decision"
    summary: ClassVar[str] = "set splitting → ReLU ERM_bit, classical data set (Thm 1.4 R2)"

    def __init__(self, pinned: bool = False) -> None:
        if not isinstance(pinned, bool):
            raise InputTypeError(f"pinned: expected a bool, got {pinned!r}")
        self.pinned = pinned

    def forward(self, src: SetSplitting) -> SplitReluInstance:
        sp = _check_splitting(src)
        meta = {
            "reduction": self.name,
            "elements": sp.size,
            "sets": len(sp.sets),
            "pinned": self.pinned,
        }
        return SplitReluInstance(build_target(sp, self.pinned, meta), sp, self.pinned)

    def lift(self, src: SetSplitting, target: SplitReluInstance, solution: Split) -> Witness:
        return lift_split(target, solution)

    def back(self, src: SetSplitting, target: SplitReluInstance, solution: Witness) -> Split:
        return back_split(target, solution)

    def claim(self, src: SetSplitting) -> Claim:
        return Claim(
            statement="S splittable ⇔ some θ with enc(θ) ≤ β has L(θ) = 0",
            relation="iff",
            source=lambda s, o: splittable(s, o),
            target=lambda s, t, o: decided(t.instance, o),
            source_oracle="SAT solver on the 2-colouring CNF",
            target_oracle="pattern search (SAT patterns + exact LP)",
        )

    def source_solutions(self, src: SetSplitting, oracles: Oracles) -> Iterator[Split]:
        return splits(_check_splitting(src), oracles)

    def is_source_solution(self, src: SetSplitting, solution: Split) -> bool:
        return is_split(src, solution)

    def is_target_solution(self, target: SplitReluInstance, solution: Witness) -> bool:
        return target.instance.accepts(solution)

    def target_solutions(
        self, src: SetSplitting, target: SplitReluInstance, oracles: Oracles
    ) -> Iterator[Witness]:
        res = oracles.decide_erm(target.instance, "pattern")
        if res.decision and res.witness is not None:
            yield res.witness

    def sample_source(self, rng: random.Random, size: int) -> SetSplitting:
        """``size + 1`` elements and as many sets of 2 or 3 distinct elements (≥ 2 elements)."""
        d = max(2, size + 1)
        sets = tuple(tuple(rng.sample(range(d), rng.choice((2, min(3, d))))) for _ in range(d))
        return SetSplitting(d, sets)


class SatToRelu2(Composite):
    """CNF φ ↦ splitting-to-relu2 ∘ nae-to-splitting ∘ sat-to-nae (Thm 1.4 R2), composed.

    φ satisfiable ⇔ some admissible θ has loss 0.  Any CNF works (not only 3-CNF): the
    splitting sets are {x_i, ¬x_i} and, per clause, its literals plus z (clause width + 1).
    ``lift``, ``back`` and the claim are those of :class:`~ermbit.reductions.compose.Composite`;
    the NAE formula and the splitting instance travel with the target (``chain``).
    """

    name: ClassVar[str] = "sat-to-relu2"
    source_kind: ClassVar[str] = "cnf"
    target_kind: ClassVar[str] = "erm"
    counting: ClassVar[str] = "decision"
    summary: ClassVar[str] = "SAT → NAE → set splitting → ReLU ERM_bit data set: SAT ⇔ OPT = 0"

    def __init__(self, pinned: bool = False) -> None:
        super().__init__(
            SatToNae(),
            NaeToSplitting(),
            SplittingToRelu2(pinned=pinned),
            name=type(self).name,
            summary=type(self).summary,
        )
        self.pinned = pinned

    def forward(self, src: CNF) -> Chained:
        if not isinstance(src, CNF):
            raise InputTypeError(f"src: expected a CNF, got {type(src).__name__}")
        t = super().forward(src)
        meta = {"variables": src.num_vars, "clauses": src.num_clauses, "pinned": self.pinned}
        return Chained(t.final, t.chain, {**t.meta, **meta})

    def source_solutions(self, src: CNF, oracles: Oracles) -> Iterator[tuple[bool, ...]]:
        return sat_models(src, oracles)
