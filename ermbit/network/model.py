"""The network model of the paper (paper §2): a DAG with parameters on its edges.

* Every edge ``(u, v)`` carries a weight ``w_uv`` **and** a bias ``b_uv`` (θ ∈ ℚ^E × ℚ^E);
  only the sum of the biases into a node matters.
* An input may add a value ``x_v`` at **any** node (0 where absent).
* Forward rule: at a source (a node without incoming edge) ``f^s(x) = x_s``; elsewhere
  ``f^v(x) = σ^v(x_v + Σ_{(u,v)∈E} (w_uv·f^u(x) + b_uv))``.  Sources must have the
  identity activation (the rule ignores it anyway, so another one would only mislead).
* The output is the tuple of values at the chosen ``outputs``; edges may be ``frozen``
  (constants for ERM, paper §2 and Claim B.1).

Passes are exact and run on integers over common denominators (:mod:`ermbit.network.engine.passes`),
reduced per node where polynomial σ would make them compound.  Sizes are bounded from
bit lengths before the arithmetic, and a pass is refused past ``budget_bits``: at once
when the static bound (:meth:`Network.predict_bits`) fits or some node certainly
exceeds the budget, else node by node from the actual sizes met.

>>> net = Network(
...     nodes=(("s", "id"), ("h", "relu"), ("o", "z**2")),
...     edges=(Edge("s", "h", "2", "-1"), Edge("h", "o", "1/2", "0"), Edge("s", "o", "1", "1")),
...     outputs=("o",),
... )
>>> p = net.forward({"s": 3})
>>> p.values["h"], p.output          # h = relu(2·3 - 1) = 5, o = (5/2 + 3 + 1)^2
(mpq(5,1), (mpq(169,4),))
>>> g = net.backward(p, {"o": 1})    # d o / d w_sh = 2·(13/2)·(1/2)·3
>>> g.dw["s", "h"], g.db["h", "o"]
(mpq(39,2), mpq(13,1))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import networkx as nx

from ermbit.errors import InputError, InputTypeError
from ermbit.exact import Rational, fmt, parse
from ermbit.network._network_passes import NetworkPasses
from ermbit.network.activations import Activation, Identity
from ermbit.network.codec import NetworkBuilder, coerce_edges, coerce_nodes, node_id
from ermbit.network.engine.passes import Grad, NodeSizes, Pass
from ermbit.network.engine.plan import Structure

__all__ = ["Edge", "Grad", "Network", "NetworkBuilder", "NodeSizes", "Pass"]

EdgeKey = tuple[str, str]
Theta = Mapping[EdgeKey, tuple[object, object]]


@dataclass(frozen=True)
class Edge:
    """An edge ``src -> dst`` with weight ``w`` and bias ``b`` (rationals: ints, strings
    ``"p/q"``, ``mpq``; floats are refused); ``frozen`` marks a constant edge."""

    src: str
    dst: str
    w: Any
    b: Any
    frozen: bool = False

    def __post_init__(self) -> None:
        node_id(self.src, "edge src")
        node_id(self.dst, "edge dst")
        label = f"edge {self.src}->{self.dst}"
        object.__setattr__(self, "w", parse(self.w, name=f"{label}: w"))
        object.__setattr__(self, "b", parse(self.b, name=f"{label}: b"))
        if not isinstance(self.frozen, bool):
            raise InputTypeError(f"{label}: frozen must be a bool, got {self.frozen!r}")

    @property
    def key(self) -> EdgeKey:
        """``(src, dst)``."""
        return (self.src, self.dst)


def _edge_index(edges: tuple[Edge, ...], index: dict[str, int]) -> dict[EdgeKey, int]:
    seen: dict[EdgeKey, int] = {}
    for k, e in enumerate(edges):
        for end in (e.src, e.dst):
            if end not in index:
                raise InputError(f"edges[{k}]: unknown node {end!r} in edge {e.src}->{e.dst}")
        if e.src == e.dst:
            raise InputError(f"edges[{k}]: self loop {e.src}->{e.dst}")
        if e.key in seen:
            raise InputError(
                f"edges[{k}]: parallel edge {e.src}->{e.dst} (also edges[{seen[e.key]}]); "
                "merge them into one edge with w = w1 + w2 and b = b1 + b2 "
                "(NetworkBuilder.add_edge(..., merge=True) does this)"
            )
        seen[e.key] = k
    return seen


def _check_graph(st: Structure, edges: tuple[Edge, ...]) -> None:
    if len(st.order) < len(st.ids):
        cycle = nx.find_cycle(nx.DiGraph([e.key for e in edges]))
        path = " -> ".join([u for u, _ in cycle] + [cycle[0][0]])
        raise InputError(f"edges: the network has a cycle {path}")
    for v, act in enumerate(st.acts):
        if st.is_source[v] and not isinstance(act, Identity):
            raise InputError(
                f"nodes[{v}]: node {st.ids[v]!r} has no incoming edge, so it is a source "
                f"with f = x (paper §2); its activation must be 'id', got {act}"
            )


@dataclass(frozen=True)
class Network(NetworkPasses):
    """A network of paper §2 with its parameters θ.

    Parameters
    ----------
    nodes : sequence of (id, activation)
        Node ids (non-empty strings, unique) in a fixed order, with an
        :class:`~ermbit.network.activations.Activation` or anything
        :func:`~ermbit.network.activations.parse_activation` accepts (``"id"``, ``"relu"``,
        ``"z**2"``...).  A mapping ``id -> activation`` is accepted too.
    edges : sequence of Edge
        Or tuples ``(src, dst, w, b[, frozen])``.
    outputs : sequence of str
        The output nodes, in order.

    Raises
    ------
    InputError
        Duplicate node ids, an edge to an unknown node, a self loop, parallel edges (merge
        them: ``w = w1 + w2``, ``b = b1 + b2``), a cycle (named), a source whose activation
        is not the identity, unknown or repeated outputs; the message names the field.
    InputTypeError
        A float weight or bias, a non-string id...
    """

    nodes: tuple[tuple[str, Activation], ...]
    edges: tuple[Edge, ...]
    outputs: tuple[str, ...]
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        nodes = coerce_nodes(self.nodes)
        edges = coerce_edges(self.edges)
        if isinstance(self.outputs, str) or not isinstance(self.outputs, Iterable):
            raise InputTypeError(f"outputs: expected a sequence of node ids, got {self.outputs!r}")
        outputs = tuple(node_id(o, f"outputs[{k}]") for k, o in enumerate(self.outputs))
        object.__setattr__(self, "nodes", nodes)
        object.__setattr__(self, "edges", edges)
        object.__setattr__(self, "outputs", outputs)
        index: dict[str, int] = {}
        for k, (node, _) in enumerate(nodes):
            if node in index:
                raise InputError(
                    f"nodes[{k}]: duplicate node id {node!r} (also nodes[{index[node]}])"
                )
            index[node] = k
        seen = _edge_index(edges, index)
        ends = [(index[e.src], index[e.dst]) for e in edges]
        st = Structure([n for n, _ in nodes], [a for _, a in nodes], ends)
        _check_graph(st, edges)
        for k, o in enumerate(outputs):
            if o not in index:
                raise InputError(f"outputs[{k}]: unknown node {o!r}")
        if len(set(outputs)) < len(outputs):
            twice = next(o for k, o in enumerate(outputs) if o in outputs[:k])
            raise InputError(f"outputs: node {twice!r} is listed twice")
        self._cache.update(structure=st, index=index, edge_index=seen)

    @classmethod
    def from_specs(
        cls,
        nodes: Iterable[tuple[str, object]] | Mapping[str, object],
        edges: Iterable[Edge | tuple[Any, ...]],
        outputs: Iterable[str],
    ) -> Network:
        """The same as ``Network(...)`` with the loose input types spelled out for type
        checkers: activations as names, expressions or JSON, edges as tuples.

        >>> Network.from_specs({"a": "id", "b": "z**2"}, [("a", "b", 1, "1/2")], ["b"]).edges[0].b
        mpq(1,2)
        """
        items: Any = tuple(nodes.items() if isinstance(nodes, Mapping) else nodes)
        loose: Any = tuple(edges)
        return cls(items, loose, tuple(outputs))

    def __reduce__(self) -> tuple[Any, ...]:
        # the cache holds compiled closures; rebuild (and revalidate) on unpickling
        return (Network, (self.nodes, self.edges, self.outputs))

    # ------------------------------------------------------------------ accessors

    @property
    def _structure(self) -> Structure:
        return cast(Structure, self._cache["structure"])

    @property
    def num_nodes(self) -> int:
        """|V|."""
        return len(self.nodes)

    @property
    def num_edges(self) -> int:
        """|E|."""
        return len(self.edges)

    @property
    def node_ids(self) -> tuple[str, ...]:
        """Node ids in the given order."""
        return self._structure.ids

    @property
    def sources(self) -> tuple[str, ...]:
        """Nodes without incoming edge, in node order (their value is their input)."""
        st = self._structure
        return tuple(i for i, src in zip(st.ids, st.is_source, strict=True) if src)

    def index(self, node: str) -> int:
        """Position of ``node`` in ``nodes``; InputError naming it if unknown."""
        try:
            return int(self._cache["index"][node])
        except (KeyError, TypeError):
            raise InputError(f"node: unknown node {node!r}") from None

    def activation(self, node: str) -> Activation:
        """σ^v of a node."""
        return self.nodes[self.index(node)][1]

    def edge(self, src: str, dst: str) -> Edge:
        """The edge ``src -> dst``; InputError if there is none."""
        k: int | None = self._cache["edge_index"].get((src, dst))
        if k is None:
            raise InputError(f"edge: no edge {src}->{dst}")
        return self.edges[k]

    def in_edges(self, node: str) -> tuple[Edge, ...]:
        """Edges into ``node``, in edge order."""
        return tuple(self.edges[e] for e in self._structure.ins[self.index(node)])

    def out_edges(self, node: str) -> tuple[Edge, ...]:
        """Edges out of ``node``, in edge order."""
        return tuple(self.edges[e] for e in self._structure.outs[self.index(node)])

    def free_edges(self) -> tuple[EdgeKey, ...]:
        """Keys of the trainable edges."""
        return tuple(e.key for e in self.edges if not e.frozen)

    def frozen_edges(self) -> tuple[EdgeKey, ...]:
        """Keys of the frozen edges."""
        return tuple(e.key for e in self.edges if e.frozen)

    def topological_order(self) -> tuple[str, ...]:
        """The evaluation order used by the passes."""
        st = self._structure
        return tuple(st.ids[v] for v in st.order)

    def graph(self) -> Any:
        """A frozen :class:`networkx.DiGraph`: node attribute ``activation``, edge
        attributes ``w``, ``b``, ``frozen`` (built once, cached)."""
        g = self._cache.get("graph")
        if g is None:
            g = nx.DiGraph()
            for node, act in self.nodes:
                g.add_node(node, activation=act)
            for e in self.edges:
                g.add_edge(e.src, e.dst, w=e.w, b=e.b, frozen=e.frozen)
            g = self._cache["graph"] = nx.freeze(g)
        return g

    # ------------------------------------------------------------------ parameters

    def theta(self) -> dict[EdgeKey, tuple[Rational, Rational]]:
        """θ as ``{(src, dst): (w, b)}`` over all edges (frozen ones included)."""
        return {e.key: (e.w, e.b) for e in self.edges}

    def _params(
        self, theta: Theta | None, allow_frozen: bool = False
    ) -> tuple[list[Any], list[Any]]:
        ws = [e.w for e in self.edges]
        bs = [e.b for e in self.edges]
        if theta is None:
            return ws, bs
        if not isinstance(theta, Mapping):
            raise InputTypeError(f"theta: expected a mapping (src, dst) -> (w, b), got {theta!r}")
        where = self._cache["edge_index"]
        for key, pair in theta.items():
            k = where.get(key) if isinstance(key, tuple) else None
            if k is None:
                raise InputError(f"theta: unknown edge {key!r}; keys are (src, dst) pairs")
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise InputError(f"theta[{key!r}]: expected a pair (w, b), got {pair!r}")
            label = f"theta[{key[0]}->{key[1]}]"
            w, b = parse(pair[0], name=f"{label}.w"), parse(pair[1], name=f"{label}.b")
            e = self.edges[k]
            if e.frozen and not allow_frozen and (w, b) != (e.w, e.b):
                raise InputError(
                    f"{label}: edge is frozen at (w, b) = ({fmt(e.w)}, {fmt(e.b)}), got "
                    f"({fmt(w)}, {fmt(b)}); pass allow_frozen=True or use unfrozen()"
                )
            ws[k], bs[k] = w, b
        return ws, bs

    def with_theta(self, theta: Theta, *, allow_frozen: bool = False) -> Network:
        """A copy with the parameters in ``theta`` replaced (others unchanged).

        Raises
        ------
        InputError
            For an unknown edge, a malformed pair, or a new value on a frozen edge
            (unless ``allow_frozen``).
        """
        ws, bs = self._params(theta, allow_frozen)
        edges = tuple(
            e if (e.w, e.b) == (w, b) else Edge(e.src, e.dst, w, b, e.frozen)
            for e, w, b in zip(self.edges, ws, bs, strict=True)
        )
        return self._replace(edges)

    def unfrozen(self) -> Network:
        """A copy with every edge trainable (the paper's all-trainable view)."""
        return self._replace(
            tuple(Edge(e.src, e.dst, e.w, e.b) if e.frozen else e for e in self.edges)
        )

    def _replace(self, edges: tuple[Edge, ...]) -> Network:
        # same graph: skip validation and share the compiled structure
        new = object.__new__(Network)
        for name, val in (("nodes", self.nodes), ("edges", edges), ("outputs", self.outputs)):
            object.__setattr__(new, name, val)
        keep = ("structure", "index", "edge_index")
        object.__setattr__(new, "_cache", {k: self._cache[k] for k in keep})
        return new

    # ------------------------------------------------------------------ JSON

    def to_json(self) -> dict[str, Any]:
        """The fields of the docs: format.md ``"network"`` kind (without ``format``/``kind``)."""
        edges = []
        for e in self.edges:
            item: dict[str, Any] = {"from": e.src, "to": e.dst, "w": fmt(e.w), "b": fmt(e.b)}
            if e.frozen:
                item["frozen"] = True
            edges.append(item)
        return {
            "nodes": [{"id": n, "activation": a.to_json()} for n, a in self.nodes],
            "edges": edges,
            "outputs": list(self.outputs),
        }

    @classmethod
    def from_json(cls, obj: Any, where: str = "") -> Network:
        """Decode the fields of a ``"network"`` document; FormatError names the field."""
        from ermbit.network.codec import decode_network

        return decode_network(obj, where)
