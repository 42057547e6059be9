"""Pinning: frozen edges compiled into auxiliary forcing samples (Claim B.1, paper Claim B.1).

**Normal form** (checked by :func:`check_normal_form`): every non-identity node U has
exactly one incoming edge, from an identity node L, frozen at (1, 0).

A *template* fixes a value y_v and a pre-activation ỹ_v at every node (y_v = ỹ_v at
identity nodes, y_v = σ_v(ỹ_v) elsewhere); its input is
``x_v = ỹ_v − Σ_{(u,v)} (w*_uv·y_u + b*_uv)`` (``x_s = y_s`` at a source), so that
``f_θ*(x) = y``, where θ* are the network's own parameters.  Its loss is exact match on the
labelled nodes.  Templates (each differs from the baseline at the nodes named):

* baseline: ỹ = 0 everywhere;
* per frozen edge (p, q) into an identity node q: y_p = 1 (identity p) or y_p = σ(α),
  ỹ_p = α with σ(α) ≠ σ(0) (non-identity p; α from :func:`lift_point`), and
  y_q = w*_pq·(y_p − y⁰_p);
* per edge (L, U) into a non-identity node and τ in :func:`template_points` (1..μ for a
  polynomial of degree μ -- τ = 0 is the baseline itself; {1, 2} for ReLU; for another
  piecewise-linear σ, points that leave only symmetries): y_L = ỹ_L = ỹ_U = τ, y_U = σ(τ).

Every template is repeated ``repeat = b + 1`` times (b = the main samples' total weight).

**What zero auxiliary loss forces.**  Subtracting a template's equation at an identity
node r from the baseline's leaves ``Σ_u (w_ur − w*_ur)·(y_u − y⁰_u) = 0``; in the template
of (p, q) only p changed among q's in-neighbours, so ``w_pq = w*_pq`` for every frozen edge
into an identity node.  The baseline then forces, at every identity node r,
``Σ_{free (u,r)} w_ur·y⁰_u + Σ_{all (u,r)} b_ur`` to its θ* value: the **sum** of the biases
into r (free ones included) when every free tail is an identity node (y⁰ = 0).  Every edge
(L, U) satisfies ``σ(w·τ + b) = σ(τ)`` at the template points and 0, hence
``σ(w z + b) ≡ σ(z)`` (a polynomial of degree ≤ μ with μ + 1 roots is zero; for other σ the
points are chosen so).  Other templates add ``σ(x_U + w·y_L + b) = y_U`` at more points:
``σ(α + b) = σ(α)`` from those of U's out-edges, ``σ((w − 1)·y_L + b) = σ(0)`` from those
that change L (through a frozen edge into L).  So the symmetries are a superset of what
survives: in the networks of Lemma 3.2 every L has such an in-edge and only (1, 0) is left.
Free weights are **not** forced: a template never changes the value at the tail of a free
edge without dropping the labels of its head and of everything below it; if that would
hide the head q of a frozen edge (p, q) in p's own template, :func:`pin` refuses.

>>> from ermbit.network.model import NetworkBuilder
>>> nb = NetworkBuilder()
>>> for v, a in (("s", "id"), ("L", "id"), ("U", "z**2"), ("o", "id")):
...     _ = nb.add_node(v, a)
>>> nb.add_edge("s", "L", 1, 2, frozen=True); nb.add_edge("L", "U", 1, 0, frozen=True)
>>> nb.add_edge("U", "o", 3, 0, frozen=True)
>>> pf = pin(nb.build(["o"]), ())
>>> pf.templates
('baseline', 'edge s->L', 'edge U->o', 'sigma L->U at 1', 'sigma L->U at 2')
>>> pf.repeat, pf.network.outputs, pf.network.frozen_edges()
(1, ('o', 's', 'L', 'U'), ())
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from ermbit import exact
from ermbit.errors import InputError, InputTypeError
from ermbit.network.activations import Activation, Identity
from ermbit.network.erm import ERMInstance, Sample, Witness
from ermbit.network.model import Edge, Network
from ermbit.network.symmetry import lift_point, solve_edge, template_points
from ermbit.reductions._pin_templates import EXACT as EXACT  # kept importable from here
from ermbit.reductions._pin_templates import Overrides as Overrides
from ermbit.reductions._pin_templates import _Templates, _templates
from ermbit.reductions.base import Claim, Oracles, Reduction

__all__ = [
    "ExactErmTarget",
    "Pin",
    "PinnedForm",
    "check_normal_form",
    "lift_point",
    "pin",
    "pin_instance",
    "pinning_slack",
    "template_points",
]


def check_normal_form(network: Network) -> None:
    """Raise InputError naming the first non-identity node not fed as Claim B.1 requires."""
    for node, act in network.nodes:
        if isinstance(act, Identity):
            continue
        ins = network.in_edges(node)
        where = f"network: node {node!r} (σ = {act}) is not an identity node, so "
        if len(ins) != 1:
            raise InputError(where + f"it needs exactly one incoming edge, it has {len(ins)}")
        e = ins[0]
        if not isinstance(network.activation(e.src), Identity):
            raise InputError(
                where + f"its incoming edge must come from an identity node, not {e.src!r}"
            )
        if not e.frozen or (e.w, e.b) != (1, 0):
            state = "frozen" if e.frozen else "trainable"
            raise InputError(
                where + f"its edge {e.src}->{node} must be frozen at (1, 0), it is {state} at "
                f"({exact.fmt(e.w)}, {exact.fmt(e.b)})"
            )


@dataclass(frozen=True)
class PinnedForm:
    """The all-trainable network and the auxiliary samples that pin its frozen edges.

    Attributes
    ----------
    network : Network
        The given network with every edge trainable, θ* kept as its parameters, and every
        node an output (the given outputs first).
    samples : tuple of Sample
        One exact-match sample per distinct template, each repeated ``repeat`` times.
    templates : tuple of str
        The template names, parallel to ``samples``.
    repeat : int
        The repeat count of every auxiliary sample (> the main samples' total weight).
    main_weight : int
        b, the main samples' total weight.
    """

    network: Network
    samples: tuple[Sample, ...]
    templates: tuple[str, ...]
    repeat: int
    main_weight: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "samples", tuple(self.samples))
        object.__setattr__(self, "templates", tuple(self.templates))
        if len(self.samples) != len(self.templates):
            raise InputError(
                f"templates: {len(self.templates)} names for {len(self.samples)} samples"
            )
        if self.repeat <= self.main_weight:
            raise InputError(
                f"repeat: must exceed the main weight {self.main_weight}, got {self.repeat}"
            )

    def size_summary(self) -> dict[str, int]:
        net = self.network
        return {"nodes": net.num_nodes, "edges": net.num_edges, "templates": len(self.samples)}


def pin(
    network: Network, main_samples: Iterable[Sample] = (), *, repeat: int | None = None
) -> PinnedForm:
    """Compile the frozen edges of ``network`` into forcing samples (Claim B.1).

    Parameters
    ----------
    network : Network
        In the normal form of :func:`check_normal_form`; its parameters are θ*.
    main_samples : iterable of Sample
        The main samples; only their total weight b is used.
    repeat : int, optional
        Repeat count of the auxiliary samples; default and minimum b + 1.

    Raises
    ------
    InputError
        If the network is not in normal form (the node is named), a σ cannot be pinned,
        ``repeat <= b``, or a template would have to label the head of a free edge whose
        tail it changes (see the module docstring).
    """
    if not isinstance(network, Network):
        raise InputTypeError(f"network: expected a Network, got {type(network).__name__}")
    check_normal_form(network)
    b = sum(s.repeat for s in main_samples)
    repeat = b + 1 if repeat is None else int(exact.parse_int(repeat, name="repeat"))
    if repeat <= b:
        raise InputError(f"repeat: must exceed the main samples' total weight {b}, got {repeat}")
    tp = _Templates(network, repeat)
    seen: dict[tuple[Any, Any], str] = {}
    samples = []
    for name, over, must_see in _templates(network):
        s = tp.sample(name, over, must_see)
        if (s.x, s.y) not in seen:
            seen[(s.x, s.y)] = name
            samples.append(s)
    rest = tuple(v for v in network.node_ids if v not in set(network.outputs))
    free = network.unfrozen()
    pinned = Network(free.nodes, free.edges, network.outputs + rest)
    return PinnedForm(pinned, tuple(samples), tuple(seen.values()), repeat, b)


def _edge_slack(act: Activation, e: Edge) -> int:
    eqs = [(0, 0, act(0))] + [(0, t, act(exact.Q(t))) for t in template_points(act)]
    sols = solve_edge(act, eqs) or ()
    here = exact.size(e.w) + exact.size(e.b)
    return max([0, *(exact.size(w) + exact.size(b) - here for w, b in sols)])


def pinning_slack(network: Network) -> int:
    """Bits added to ``enc(θ*)`` so that every θ the forcing samples allow fits (see below).

    * per edge (L, U) into a non-identity node: the largest ``size(w) + size(b)`` over the
      (w, b) its τ-templates allow (symmetries of σ, e.g. (−1, 0) for z²) minus θ*'s;
    * per identity node whose in-edges are all frozen: ``size(S) + 2(k − 1)`` (the bias sum
      S on one of its k edges, 0 on the others) minus θ*'s ``Σ size(b*)``, if positive.

    For an integer S the concentrated split is the cheapest of all splits (size(b) ≥
    2 + bitlen⌊|b|⌋ + [b ∉ ℤ] and bitlen is subadditive), so the exact solver's choice fits.
    """
    total = 0
    for node, act in network.nodes:
        ins = network.in_edges(node)
        if not isinstance(act, Identity):
            total += _edge_slack(act, ins[0])
        elif len(ins) > 1 and all(e.frozen for e in ins):
            s = sum((e.b for e in ins), exact.Q(0))
            mine = sum(exact.size(e.b) for e in ins)
            total += max(0, exact.size(s) + 2 * (len(ins) - 1) - mine)
    return total


def pin_instance(inst: ERMInstance) -> ERMInstance:
    """The all-trainable ERM_bit instance equivalent to a frozen-form one (Claim B.1).

    Samples: the main samples, then the auxiliary ones, repeated ``max(b, ⌊γ⌋, 0) + 1``
    times so that violating one costs more than γ (b + 1 whenever γ < b, as in a promise
    instance).  γ and the promise are kept.  Bit bound:
    ``β' = β + enc(θ* on the frozen edges) + pinning_slack(network)``.
    """
    if not isinstance(inst, ERMInstance):
        raise InputTypeError(f"inst: expected an ERMInstance, got {type(inst).__name__}")
    b = inst.total_repeat
    repeat = max(b, int(exact.Z(inst.gamma.numerator) // inst.gamma.denominator), 0) + 1
    pf = pin(inst.network, inst.samples, repeat=repeat)
    frozen = {e.key: (e.w, e.b) for e in inst.network.edges if e.frozen}
    extra = exact.enc(frozen) + pinning_slack(inst.network)
    meta = {
        "reduction": Pin.name,
        "main_samples": len(inst.samples),
        "forcing_repeat": repeat,
        "templates": len(pf.samples),
        "bit_bound": {"source": inst.bit_bound, "added": extra},
    }
    return ERMInstance(
        pf.network,
        inst.samples + pf.samples,
        inst.gamma,
        inst.bit_bound + extra,
        inst.promise,
        meta,
    )


def _free_sum(net: Network, theta: dict[tuple[str, str], Any], node: str) -> Any:
    """``Σ_{free (u,r)} (w·y⁰_u + b)``: what the baseline fixes among r's free parameters."""
    total = exact.Q(0)
    for e in net.in_edges(node):
        if not e.frozen:
            w, b = theta[e.key]
            act = net.activation(e.src)
            total += b + (0 if isinstance(act, Identity) else w * act(0))
    return total


class ExactErmTarget(Reduction):
    """Target-side hooks shared by reductions whose targets are pinned ERM_bit instances:
    a solution is checked exactly (every sample, in lowest terms) and found by the exact
    solver, which reads the instance alone."""

    def is_target_solution(self, target: ERMInstance, solution: Any) -> bool:
        return target.accepts(solution)

    def target_solutions(
        self, src: Any, target: ERMInstance, oracles: Oracles
    ) -> Iterator[Witness]:
        res = oracles.decide_erm(target, "pinned")
        if res.decision and res.witness is not None:
            yield res.witness


class Pin(ExactErmTarget):
    """Frozen-form ERM_bit ↦ all-trainable ERM_bit with auxiliary forcing samples.

    The claim is checked on sources without trainable edges (where the frozen instance's
    answer is just its loss at θ*): the exact solver, reading the pinned instance alone,
    must find the same loss and decision.  Witnesses: ``lift`` adds θ* on the frozen edges
    (refusing a free witness that changes a free bias sum the baseline fixes); ``back``
    keeps the free edges and moves any bias shifted between a node's frozen edges onto
    one of its free edges, which leaves every node value unchanged.
    """

    name: ClassVar[str] = "pin"
    source_kind: ClassVar[str] = "erm"
    target_kind: ClassVar[str] = "erm"
    counting: ClassVar[str] = "decision"
    summary: ClassVar[str] = "frozen edges → auxiliary forcing samples (Claim B.1)"

    def forward(self, src: ERMInstance) -> ERMInstance:
        return pin_instance(src)

    def claim(self, src: ERMInstance) -> Claim:
        return Claim(
            statement="the decision of the frozen instance = the one the exact solver finds "
            "for the pinned one, and on YES the loss too (a solver that proves NO need not "
            "report a least loss)",
            relation="equal",
            source=lambda s, o: _frozen_answer(s),
            target=_pinned_answer,
            source_oracle="ERMInstance.evaluate at the frozen θ*",
            target_oracle="exact pinned-instance solver (presolve + enumeration)",
        )

    def sample_source(self, rng: Any, size: int) -> ERMInstance:
        """A frozen network in normal form with ``size`` gadget units, and one sample.

        Source s → identity L_i (frozen, small random w, b) → σ_i at (1, 0) (ReLU or z²,
        at random) → identity output o (frozen, small random w, b).  The label is the
        output at θ* (answer YES) or one more (NO), each with probability 1/2.
        """
        from ermbit.network.model import NetworkBuilder

        nb = NetworkBuilder()
        nb.add_node("s", "id")
        nb.add_node("o", "id")
        for i in range(size):
            nb.add_node(f"L{i}", "id")
            nb.add_node(f"U{i}", rng.choice(("relu", "z**2")))
            nb.add_edge("s", f"L{i}", rng.randint(-2, 2), rng.randint(-2, 2), frozen=True)
            nb.add_edge(f"L{i}", f"U{i}", 1, 0, frozen=True)
            nb.add_edge(f"U{i}", "o", rng.randint(-2, 2), rng.randint(-1, 1), frozen=True)
        net = nb.build(["o"])
        x = rng.randint(-2, 2)
        y = net.forward({"s": x}).values["o"] + rng.randint(0, 1)
        sample = Sample.of({"s": x}, {"o": y}, "squared", 1)
        return ERMInstance(net, (sample,), 0, 4 * size + 8)

    def lift(self, src: ERMInstance, target: ERMInstance, solution: Any) -> Witness:
        free = src.theta_of(solution)
        for node in src.network.node_ids:
            before = _free_sum(src.network, src.network.theta(), node)
            if _free_sum(src.network, free, node) != before:
                raise InputError(
                    f"solution: pinning fixes the free biases into {node!r} at "
                    f"{exact.fmt(before)} (Claim B.1); this witness changes them"
                )
        return Witness.of({**src.network.theta(), **free})

    def back(self, src: ERMInstance, target: ERMInstance, solution: Any) -> Witness:
        theta = target.theta_of(solution)
        out = {}
        for node in src.network.node_ids:
            ins = src.network.in_edges(node)
            moved = sum((theta[e.key][1] - e.b for e in ins if e.frozen), exact.Q(0))
            free = [e.key for e in ins if not e.frozen]
            for k, key in enumerate(free):
                w, b = theta[key]
                out[key] = (w, b + moved if k == 0 else b)
        return Witness.of(out)

    def source_solutions(self, src: ERMInstance, oracles: Oracles) -> Iterator[Witness]:
        if not src.network.free_edges() and src.accepts({}):
            yield Witness.of({})

    def is_source_solution(self, src: ERMInstance, solution: Any) -> bool:
        return src.accepts(solution)


def _frozen_answer(src: ERMInstance) -> tuple[bool, Any]:
    if src.network.free_edges():
        raise InputError("src: the pin claim is checked on networks without trainable edges")
    ev = src.evaluate({})
    return ev.accepted, ev.loss if ev.accepted else None


def _pinned_answer(
    src: ERMInstance, target: ERMInstance, oracles: Oracles
) -> tuple[bool | None, Any]:
    res = oracles.decide_erm(target, "pinned")
    return res.decision, res.loss if res.decision else None
