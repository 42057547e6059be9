"""The instance compiled for the general search: nodes in search order, per-node data.

* **Relevant nodes** are the outputs and their ancestors; a trainable edge into any
  other node cannot change the loss, so it gets (0, 0) at the least cost, 4 bits.
* **Order**: topological, with the *linear sinks* last.  A linear sink (used only when
  every sample must have loss 0, see :func:`zero_loss_mode`) is an output with no
  outgoing edge and an affine σ whose labels are matched exactly (squared, half-squared,
  exact losses): its parameters are found by :mod:`._general_linear`, not enumerated.
* **Symmetry** (used by the search to skip mirror images): two non-output nodes u, v with
  the same activation, the same inputs x on every sample, in-edges from the same nodes
  and out-edges to the same nodes, all trainable, and no edge between them, compute
  swapped functions when their parameters are swapped, at the same cost.  So some
  optimal θ has the value vectors (f^u(x_1), …) ≤ (f^v(x_1), …) lexicographically.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ermbit.exact import Q
from ermbit.network.activations import Activation, Identity, PiecewiseLinear, Polynomial
from ermbit.network.erm import ERMInstance
from ermbit.network.model import Network
from ermbit.solvers.erm._general_rationals import BiasSums

__all__ = ["Compiled", "NodeInfo", "affine_form", "compile_instance", "zero_loss_mode"]

EdgeKey = tuple[str, str]


@dataclass
class NodeInfo:
    """One relevant node at its search position."""

    name: str
    act: Activation
    train: tuple[EdgeKey, ...]  # trainable in-edges
    train_src: tuple[int, ...]  # search positions of their sources
    frozen: tuple[tuple[int, Any, Any], ...]  # (source position, w, b) of frozen in-edges
    inputs: tuple[Any, ...]  # x_v on every sample
    source: bool
    output: bool
    sym_prev: int | None = None
    linear: bool = False
    bias: BiasSums | None = None

    @property
    def least(self) -> int:
        """The least cost of this node's parameters: 2 bits per weight and per bias."""
        return 4 * len(self.train)


@dataclass
class Compiled:
    """The instance in search form (see the module docstring)."""

    inst: ERMInstance
    nodes: list[NodeInfo]
    n_enum: int  # positions < n_enum are enumerated, the rest are linear sinks
    front: list[tuple[int, ...]]  # front[i]: positions < i that later nodes read
    rest_least: list[int]  # rest_least[i]: least cost of the nodes at positions ≥ i
    idle: tuple[EdgeKey, ...]  # trainable edges that cannot change the loss
    zero_loss: bool
    # lookahead[i]: some node after position i has frozen in-edges only, so interval
    # bounds (:mod:`._general_bounds`) can see a loss before every parameter is chosen
    lookahead: tuple[bool, ...] = ()

    @property
    def n_enum_params(self) -> int:
        """Trainable edges into enumerated (not linear-sink) nodes."""
        return sum(len(info.train) for info in self.nodes[: self.n_enum])

    @property
    def least_enc(self) -> int:
        """The least enc(θ) of any θ: 4 bits per trainable edge."""
        return self.rest_least[0] + 4 * len(self.idle)


def zero_loss_mode(inst: ERMInstance) -> bool:
    """Whether L(θ) ≤ γ forces every sample's loss to be 0.

    True when γ = 0 (every loss is ≥ 0), or when every loss is 0/1-valued (exact, bit)
    and γ is below every repeat count (one failed sample already costs more than γ).
    """
    if inst.gamma == 0:
        return True
    if inst.gamma < 0:
        return True
    kinds = {s.loss.kind for s in inst.samples}
    low = min((s.repeat for s in inst.samples), default=1)
    return kinds <= {"exact", "bit"} and inst.gamma < low


def affine_form(act: Activation) -> tuple[Any, Any] | None:
    """``(a, c)`` with σ(z) = a·z + c for every z, or None if σ is not affine."""
    if isinstance(act, Identity):
        return Q(1), Q(0)
    if isinstance(act, Polynomial) and act.degree <= 1:
        cs = (*act.coeffs, Q(0))
        return cs[1], cs[0]
    if isinstance(act, PiecewiseLinear) and not act.breakpoints:
        return act.slopes[0], act.intercepts[0]
    return None


def _relevant(net: Network) -> set[str]:
    g = net.graph()
    keep = set(net.outputs)
    for o in net.outputs:
        keep |= set(_ancestors(g, o))
    return keep


def _ancestors(g: Any, node: str) -> set[str]:
    import networkx as nx

    return set(nx.ancestors(g, node))


def _eager_order(net: Network, keep: set[str]) -> list[str]:
    """A topological order that computes every parameter-free node as soon as it can.

    Kahn's algorithm, preferring ready nodes without trainable in-edges (they cost no
    choice), so gadget outputs, and the loss bound on them, come right after the
    parameters they depend on.
    """
    import heapq

    rank = {v: k for k, v in enumerate(net.topological_order())}
    indeg = {v: sum(1 for e in net.in_edges(v) if e.src in keep) for v in keep}
    ready = [(any(not e.frozen for e in net.in_edges(v)), rank[v], v) for v in keep if not indeg[v]]
    heapq.heapify(ready)
    order = []
    while ready:
        _, _, v = heapq.heappop(ready)
        order.append(v)
        for e in net.out_edges(v):
            if e.dst in keep:
                indeg[e.dst] -= 1
                if not indeg[e.dst]:
                    trainable = any(not f.frozen for f in net.in_edges(e.dst))
                    heapq.heappush(ready, (trainable, rank[e.dst], e.dst))
    return order


def _is_linear_sink(inst: ERMInstance, v: str) -> bool:
    net = inst.network
    if v not in net.outputs or net.out_edges(v) or affine_form(net.activation(v)) is None:
        return False
    for s in inst.samples:
        if s.loss.kind in ("hinge", "bit") and (v in s.labels or s.loss.node == v):
            return False
    return True


def compile_instance(inst: ERMInstance) -> Compiled:
    """Compile ``inst`` for :mod:`._general_search` (see the module docstring)."""
    net = inst.network
    keep = _relevant(net)
    zero = zero_loss_mode(inst)
    topo = _eager_order(net, keep)
    sinks = [v for v in topo if zero and _is_linear_sink(inst, v)]
    order = [v for v in topo if v not in sinks] + sinks
    pos = {v: i for i, v in enumerate(order)}
    nodes = [_node(inst, v, pos, v in sinks) for v in order]
    _symmetries(net, nodes, pos)
    n = len(nodes)
    rest = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        rest[i] = rest[i + 1] + nodes[i].least
    last_use = {i: i for i in range(n)}
    for i, info in enumerate(nodes):
        for j in (*info.train_src, *(f[0] for f in info.frozen)):
            last_use[j] = max(last_use[j], i)
    front = [tuple(j for j in range(i) if last_use[j] >= i) for i in range(n + 1)]
    idle = tuple(e.key for e in net.edges if not e.frozen and e.dst not in keep)
    derived = [not info.train and not info.source for info in nodes]
    ahead = tuple(any(derived[i + 1 :]) for i in range(n))
    return Compiled(inst, nodes, n - len(sinks), front, rest, idle, zero, ahead)


def _node(inst: ERMInstance, v: str, pos: dict[str, int], linear: bool) -> NodeInfo:
    net = inst.network
    ins = net.in_edges(v)
    train = tuple(e for e in ins if not e.frozen)
    frozen = tuple((pos[e.src], e.w, e.b) for e in ins if e.frozen)
    xs = tuple(s.inputs.get(v, Q(0)) for s in inst.samples)
    return NodeInfo(
        v,
        net.activation(v),
        tuple(e.key for e in train),
        tuple(pos[e.src] for e in train),
        frozen,
        xs,
        not ins,
        v in net.outputs,
        linear=linear,
        bias=BiasSums(len(train)) if train else None,
    )


def _symmetries(net: Network, nodes: list[NodeInfo], pos: dict[str, int]) -> None:
    """Set ``sym_prev`` on each node interchangeable with an earlier one."""
    classes: dict[Any, int] = {}
    for i, info in enumerate(nodes):
        if info.output or info.source or info.frozen or info.linear:
            continue
        outs = net.out_edges(info.name)
        if not outs or any(e.frozen for e in outs):
            continue
        key = (
            str(info.act),
            info.act.to_json().__repr__(),
            info.inputs,
            tuple(sorted(info.train_src)),
            tuple(sorted(e.dst for e in outs)),
        )
        prev = classes.get(key)
        dsts = {e.dst for e in outs}
        if (
            prev is not None
            and nodes[prev].name not in dsts
            and info.name not in {e.dst for e in net.out_edges(nodes[prev].name)}
        ):
            info.sym_prev = prev
        classes[key] = i
