"""Losses, ERM_bit instances, gradient (Backprop-Bit/Sign) instances and witnesses (docs: model.md).

* The empirical loss is a **sum** over samples, each repeated ``repeat`` times:
  ``L(θ) = Σ_i repeat_i·𝓛_i(f_θ(x_i), y_i)``.
* Losses (labels ``y`` live on output nodes):
  ``squared`` ``Σ_v (ŷ_v − y_v)²``; ``half_squared`` ``½·Σ_v (ŷ_v − y_v)²``;
  ``hinge`` ``Σ_v max(0, 1 − y_v·ŷ_v)``; ``exact`` 0 if ``ŷ_v = y_v`` for every labelled v,
  else 1; ``bit`` 0 if ``bit_j(ŷ_node) = 1``, else 1 (docs: model.md's bit, any integer j).
* ERM_bit (:class:`ERMInstance`): is there θ with ``enc(θ) ≤ β`` and ``L(θ) ≤ γ``?  θ
  ranges over the *trainable* edges (frozen edges are constants of the instance), and
  ``enc`` counts the sizes of their weights and biases.
* Backprop-Bit/Sign (:class:`BackpropInstance`): the bit j or the sign of ``∂L/∂w_{e*}`` at
  the network's own θ.
* Size budgets: every method takes ``budget_bits``; ``None`` means
  :data:`ermbit.validate.DEFAULT_BUDGET_BITS` (as everywhere), never "unbounded" — pass a
  larger number to go further.

>>> from ermbit.network.model import NetworkBuilder
>>> nb = NetworkBuilder()
>>> _ = nb.add_node("s"), nb.add_node("t"), nb.add_edge("s", "t", w="1/2", b=0)
>>> net = nb.build(outputs=["t"])
>>> inst = ERMInstance(net, (Sample.of({"s": 4}, {"t": 3}, "squared"),), gamma=1, bit_bound=20)
>>> inst.loss(), inst.loss({("s", "t"): (1, -1)})
(mpq(1,1), mpq(0,1))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from ermbit import exact
from ermbit.errors import InputError, InputTypeError
from ermbit.network.engine.lowest import loss_lowest
from ermbit.network.model import Network
from ermbit.validate import budget

__all__ = [
    "LOSS_KINDS",
    "BackpropInstance",
    "ERMInstance",
    "Evaluation",
    "Loss",
    "loss_in_lowest_terms",
    "Sample",
    "samples_of",
    "Witness",
]

LOSS_KINDS = ("squared", "half_squared", "hinge", "exact", "bit")
Theta = Mapping[tuple[str, str], tuple[Any, Any]]


@dataclass(frozen=True)
class Loss:
    """A per-sample loss: one of :data:`LOSS_KINDS`; ``bit`` needs ``j`` and ``node``."""

    kind: str
    j: int | None = None
    node: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in LOSS_KINDS:
            raise InputError(f"loss: unknown kind {self.kind!r}; expected one of {LOSS_KINDS}")
        if self.kind == "bit":
            if self.j is None or self.node is None:
                raise InputError("loss: the bit loss needs a bit index j and a node")
            object.__setattr__(self, "j", int(exact.parse_int(self.j, name="loss.bit")))
        elif self.j is not None or self.node is not None:
            raise InputError(f"loss: only the bit loss takes j/node, not {self.kind!r}")

    @classmethod
    def parse(cls, spec: Loss | str | Mapping[str, Any]) -> Loss:
        """From ``"squared"``… or ``{"bit": j, "node": id}`` (the JSON form)."""
        if isinstance(spec, Loss):
            return spec
        if isinstance(spec, str):
            return cls(spec)
        if isinstance(spec, Mapping) and set(spec) == {"bit", "node"}:
            return cls("bit", spec["bit"], str(spec["node"]))
        raise InputError(f"loss: expected a loss name or {{'bit': j, 'node': id}}, got {spec!r}")

    def to_json(self) -> str | dict[str, Any]:
        return {"bit": self.j, "node": self.node} if self.kind == "bit" else self.kind

    @property
    def differentiable(self) -> bool:
        """Whether the loss has a non-trivial derivative (``exact`` and ``bit`` are flat)."""
        return self.kind in ("squared", "half_squared", "hinge")

    def value(
        self, out: Mapping[str, exact.Rational], y: Mapping[str, exact.Rational]
    ) -> exact.Rational:
        """The loss of one prediction ``out`` (node → value) against labels ``y``."""
        k = self.kind
        if k == "bit":
            assert self.node is not None and self.j is not None
            return exact.Q(0 if exact.bit(out[self.node], self.j) == 1 else 1)
        if k == "exact":
            return exact.Q(0 if all(out[v] == t for v, t in y.items()) else 1)
        if k == "hinge":
            return sum((max(exact.Q(0), 1 - t * out[v]) for v, t in y.items()), exact.Q(0))
        total = sum(((out[v] - t) ** 2 for v, t in y.items()), exact.Q(0))
        return total / 2 if k == "half_squared" else total

    def seed(
        self, out: Mapping[str, exact.Rational], y: Mapping[str, exact.Rational]
    ) -> dict[str, exact.Rational]:
        """``∂𝓛/∂ŷ_v`` per labelled node (hinge: 0 at its kink, like ReLU'(0) = 0)."""
        k = self.kind
        if k in ("exact", "bit"):
            return {}
        if k == "hinge":
            return {v: (-t if 1 - t * out[v] > 0 else exact.Q(0)) for v, t in y.items()}
        factor = 2 if k == "squared" else 1
        return {v: factor * (out[v] - t) for v, t in y.items()}


def _rational_items(m: Mapping[str, Any], what: str) -> tuple[tuple[str, exact.Rational], ...]:
    if not isinstance(m, Mapping):
        raise InputTypeError(f"{what}: expected a mapping node -> rational, got {m!r}")
    return tuple(sorted((str(k), exact.parse(v, name=f"{what}[{k}]")) for k, v in m.items()))


@dataclass(frozen=True)
class Sample:
    """One labelled sample: inputs ``x`` (at any nodes), labels ``y``, a loss, a repeat count."""

    x: tuple[tuple[str, exact.Rational], ...]
    y: tuple[tuple[str, exact.Rational], ...]
    loss: Loss
    repeat: int = 1

    def __post_init__(self) -> None:
        if isinstance(self.repeat, bool) or int(self.repeat) < 1:
            raise InputError(f"repeat: must be a positive integer, got {self.repeat!r}")

    @classmethod
    def of(
        cls, x: Mapping[str, Any], y: Mapping[str, Any], loss: Any = "squared", repeat: int = 1
    ) -> Sample:
        """Build from plain mappings (rationals parsed exactly; floats refused)."""
        return cls(_rational_items(x, "x"), _rational_items(y, "y"), Loss.parse(loss), repeat)

    @property
    def inputs(self) -> dict[str, exact.Rational]:
        return dict(self.x)

    @property
    def labels(self) -> dict[str, exact.Rational]:
        return dict(self.y)


def _check_samples(net: Network, samples: Sequence[Sample]) -> tuple[Sample, ...]:
    nodes, outs = set(net.node_ids), set(net.outputs)
    for i, s in enumerate(samples):
        if not isinstance(s, Sample):
            raise InputTypeError(f"samples[{i}]: expected a Sample, got {type(s).__name__}")
        for v, _ in s.x:
            if v not in nodes:
                raise InputError(f"samples[{i}].x: unknown node {v!r}")
        for v, _ in s.y:
            if v not in outs:
                raise InputError(f"samples[{i}].y: node {v!r} is not an output of the network")
        if s.loss.kind == "bit" and s.loss.node not in outs:
            raise InputError(f"samples[{i}].loss: node {s.loss.node!r} is not an output")
    return tuple(samples)


def _loss_and_passes(
    net: Network, samples: Sequence[Sample], budget_bits: int | None
) -> tuple[Any, list[Any]]:
    passes = (
        net.forward_batch([s.inputs for s in samples], budget_bits=budget_bits) if samples else []
    )
    total = exact.Q(0)
    for s, p in zip(samples, passes, strict=True):
        total += s.repeat * s.loss.value(p.values, s.labels)
    return total, passes


@dataclass(frozen=True)
class Witness:
    """θ for the trainable edges: ``(src, dst) -> (w, b)``; JSON key ``"src->dst"``."""

    theta: tuple[tuple[tuple[str, str], tuple[exact.Rational, exact.Rational]], ...]

    @classmethod
    def of(cls, theta: Mapping[tuple[str, str], tuple[Any, Any]]) -> Witness:
        items = []
        for (u, v), pair in theta.items():
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise InputError(f"theta[{u}->{v}]: expected a pair (w, b), got {pair!r}")
            w = exact.parse(pair[0], name=f"theta[{u}->{v}].w")
            b = exact.parse(pair[1], name=f"theta[{u}->{v}].b")
            items.append(((str(u), str(v)), (w, b)))
        return cls(tuple(sorted(items)))

    def as_dict(self) -> dict[tuple[str, str], tuple[exact.Rational, exact.Rational]]:
        return dict(self.theta)

    def enc(self) -> int:
        """``Σ size(w) + size(b)`` over the edges listed (docs: model.md)."""
        return exact.enc(self.as_dict())


@dataclass(frozen=True)
class Evaluation:
    """What the NP verifier reports about one witness."""

    loss: exact.Rational
    enc_bits: int
    bit_bound: int
    admissible: bool
    accepted: bool
    max_value_bits: int


@dataclass(frozen=True)
class ERMInstance:
    """ERM_bit: network, samples, γ, optional promise (a, b), explicit bit bound β.

    The network's own edge parameters are a default θ (for instances built by a
    reduction they are the intended θ*); solvers must not read them as a hint.
    """

    network: Network
    samples: tuple[Sample, ...]
    gamma: Any
    bit_bound: int
    promise: tuple[Any, Any] | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "samples", _check_samples(self.network, tuple(self.samples)))
        object.__setattr__(self, "gamma", exact.parse(self.gamma, name="gamma"))
        object.__setattr__(
            self, "bit_bound", int(exact.parse_int(self.bit_bound, name="bit_bound"))
        )
        if self.bit_bound < 0:  # enc(θ) ≥ 0, so a negative β would reject every witness
            raise InputError(f"bit_bound: must be >= 0, got {self.bit_bound}")
        if self.promise is not None:
            a, b = (exact.parse(t, name="promise") for t in self.promise)
            if not a < b:
                raise InputError(f"promise: need a < b, got ({exact.fmt(a)}, {exact.fmt(b)})")
            object.__setattr__(self, "promise", (a, b))

    def size_summary(self) -> dict[str, int]:
        return {
            "nodes": self.network.num_nodes,
            "edges": self.network.num_edges,
            "samples": len(self.samples),
            "sample_weight": self.total_repeat,
        }

    @property
    def total_repeat(self) -> int:
        return sum(s.repeat for s in self.samples)

    def theta_of(
        self, witness: Witness | Theta | None
    ) -> dict[tuple[str, str], tuple[exact.Rational, exact.Rational]]:
        """The full trainable θ: the witness's values, refusing frozen or unknown edges.

        A :class:`Witness` is the certificate the NP verifier sees, so it must give every
        trainable edge: nothing is filled in from the network's own parameters (for
        instances built by a reduction those are the intended θ*, and filling them in
        would accept an empty witness).  A plain mapping (a library convenience) may be
        partial; its missing edges keep the network's own values.

        Raises
        ------
        InputError
            If an edge is frozen or unknown, or a :class:`Witness` misses trainable edges
            (the message names them).
        """
        given = witness.as_dict() if isinstance(witness, Witness) else dict(witness or {})
        free = set(self.network.free_edges())
        for key in given:
            if key not in free:
                what = "frozen" if any(e.key == key for e in self.network.edges) else "unknown"
                raise InputError(f"theta: edge {key[0]}->{key[1]} is {what}, not trainable")
        if isinstance(witness, Witness):
            missing = sorted(free - set(given))
            if missing:
                shown = ", ".join(f"{u}->{v}" for u, v in missing[:10])
                more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
                raise InputError(
                    f"theta: the witness gives no (w, b) for {len(missing)} trainable "
                    f"edge(s): {shown}{more}"
                )
        own = self.network.theta()
        return {k: given.get(k, own[k]) for k in sorted(free)}

    def loss(
        self, theta: Witness | Theta | None = None, *, budget_bits: int | None = None
    ) -> exact.Rational:
        """``L(θ)``, exactly (θ defaults to the network's own parameters)."""
        net = self.network.with_theta(self.theta_of(theta))
        return cast(exact.Rational, _loss_and_passes(net, self.samples, budget_bits)[0])

    def is_admissible(self, theta: Witness | Theta | None = None) -> bool:
        """``enc(θ) ≤ β`` over the trainable edges."""
        return exact.enc(self.theta_of(theta)) <= self.bit_bound

    def accepts(self, theta: Witness | Theta | None = None) -> bool:
        """Admissible and ``L(θ) ≤ γ``."""
        return self.evaluate(theta).accepted

    def evaluate(
        self, theta: Witness | Theta | None = None, *, budget_bits: int | None = None
    ) -> Evaluation:
        """Loss, encoding length, admissibility, acceptance and the largest value size."""
        full = self.theta_of(theta)
        net = self.network.with_theta(full)
        loss, passes = _loss_and_passes(net, self.samples, budget_bits)
        enc = exact.enc(full)
        admissible = enc <= self.bit_bound
        biggest = max((p.max_value_bits for p in passes), default=0)
        return Evaluation(
            loss, enc, self.bit_bound, admissible, admissible and loss <= self.gamma, biggest
        )


@dataclass(frozen=True)
class BackpropInstance:
    """Backprop-Bit/Sign: bit j (``query = j``) or sign (``query = "sign"``) of ∂L/∂w_{e*}."""

    network: Network
    samples: tuple[Sample, ...]
    edge: tuple[str, str]
    query: int | str
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "samples", _check_samples(self.network, tuple(self.samples)))
        edge = tuple(self.edge)
        if len(edge) != 2 or not any(e.key == edge for e in self.network.edges):
            raise InputError(f"edge: {self.edge!r} is not an edge of the network")
        object.__setattr__(self, "edge", edge)
        if self.query != "sign":
            object.__setattr__(self, "query", int(exact.parse_int(self.query, name="query")))

    def size_summary(self) -> dict[str, int]:
        return {
            "nodes": self.network.num_nodes,
            "edges": self.network.num_edges,
            "samples": len(self.samples),
        }

    def gradients(
        self, *, budget_bits: int | None = None
    ) -> tuple[exact.Rational, exact.Rational, int]:
        """``(∂L/∂w_{e*}, ∂L/∂b_{e*}, largest value size)`` at the network's θ, exactly."""
        limit = budget(budget_bits)
        passes = self.network.forward_batch([s.inputs for s in self.samples], budget_bits=limit)
        seeds = []
        for s, p in zip(self.samples, passes, strict=True):
            seeds.append({v: s.repeat * d for v, d in s.loss.seed(p.values, s.labels).items()})
        grad = self.network.backward_batch(passes, seeds, budget_bits=limit)
        biggest = max([grad.max_bits, *(p.max_value_bits for p in passes)])
        return grad.dw[self.edge], grad.db[self.edge], biggest

    def gradient(self, *, budget_bits: int | None = None) -> exact.Rational:
        """``∂L/∂w_{e*}`` at the network's θ (exact rational)."""
        return self.gradients(budget_bits=budget_bits)[0]

    def answer(self, *, budget_bits: int | None = None) -> int:
        """The queried bit (0/1) or sign (−1/0/1) of the gradient coordinate."""
        g = self.gradient(budget_bits=budget_bits)
        if self.query == "sign":
            return int(g > 0) - int(g < 0)
        assert isinstance(self.query, int)
        return exact.bit(g, self.query)


def samples_of(items: Iterable[Sample]) -> tuple[Sample, ...]:
    """A tuple of samples (helper for builders)."""
    return tuple(items)


def loss_in_lowest_terms(
    network: Network, theta: Theta, samples: Sequence[Sample], budget_bits: int | None = None
) -> tuple[Any, int]:
    """``(Σ_i repeat_i·𝓛_i(θ), largest value size)``, every value in lowest terms.

    ``theta`` overrides the network's parameters.  Equal to :meth:`ERMInstance.loss` on the
    same samples; faster when consecutive samples differ in few inputs, because only the
    nodes a changed input reaches are evaluated again.

    Raises
    ------
    BudgetExceeded
        When a value is predicted to need more than ``budget_bits`` bits.
    """
    return loss_lowest(network, theta, samples, budget_bits)
