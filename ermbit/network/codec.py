"""Input coercion, JSON decoding and the builder of :mod:`ermbit.network.model` (private).

The public entry points are :class:`ermbit.network.model.Network` (which coerces its fields
with :func:`coerce_nodes` and :func:`coerce_edges`) and
:meth:`ermbit.network.model.Network.from_json`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ermbit import formats
from ermbit.errors import FormatError, InputError, InputTypeError
from ermbit.network.activations import Activation, parse_activation

if TYPE_CHECKING:
    from ermbit.network.model import Edge, Network

__all__ = ["NetworkBuilder", "coerce_edges", "coerce_nodes", "decode_network", "node_id"]


#: Separates the ends of an edge in witness keys ``"u->v"``; no node id may contain it.
EDGE_SEPARATOR = "->"


def node_id(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InputTypeError(f"{what}: node ids are strings, got {type(value).__name__} {value!r}")
    if not value:
        raise InputError(f"{what}: node ids must be non-empty strings")
    if EDGE_SEPARATOR in value:
        # A witness names edge (u, v) by the key "u->v"; with "->" inside ids the key
        # "a->b->c" would be (a, b->c) or (a->b, c), so such ids are refused outright.
        raise InputError(
            f"{what}: node id {value!r} contains {EDGE_SEPARATOR!r}, which separates the "
            "two ends of an edge in witness keys; rename the node"
        )
    return value


def coerce_nodes(nodes: object) -> tuple[tuple[str, Activation], ...]:
    items = nodes.items() if isinstance(nodes, Mapping) else nodes
    if isinstance(items, str) or not isinstance(items, Iterable):
        raise InputTypeError(f"nodes: expected (id, activation) pairs, got {nodes!r}")
    out = []
    for k, item in enumerate(items):
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise InputTypeError(f"nodes[{k}]: expected an (id, activation) pair, got {item!r}")
        node = node_id(item[0], f"nodes[{k}]")
        try:
            act = parse_activation(item[1])
        except (InputError, InputTypeError) as exc:
            raise type(exc)(f"nodes[{k}] ({node!r}): {exc}") from exc
        out.append((node, act))
    return tuple(out)


def coerce_edges(edges: object) -> tuple[Edge, ...]:
    from ermbit.network.model import Edge

    if isinstance(edges, str) or not isinstance(edges, Iterable):
        raise InputTypeError(f"edges: expected a sequence of Edge, got {edges!r}")
    out = []
    for k, e in enumerate(edges):
        if isinstance(e, Edge):
            out.append(e)
        elif isinstance(e, tuple | list) and len(e) in (4, 5):
            out.append(Edge(*e))
        else:
            raise InputTypeError(f"edges[{k}]: expected an Edge or (src, dst, w, b[, frozen])")
    return tuple(out)


def decode_network(obj: Any, where: str = "") -> Network:
    """The :class:`~ermbit.network.model.Network` in the fields of a ``"network"`` document."""
    from ermbit.network.model import Edge, Network

    j = formats.join
    obj = formats.as_object(obj, where)
    formats.check_keys(obj, where, ("nodes", "edges", "outputs"))
    nodes = []
    for k, item in enumerate(formats.as_list(obj["nodes"], j(where, "nodes"))):
        at = j(j(where, "nodes"), k)
        item = formats.as_object(item, at)
        formats.check_keys(item, at, ("id", "activation"))
        act = Activation.from_json(item["activation"], where=j(at, "activation"))
        nodes.append((formats.as_str(item["id"], j(at, "id")), act))
    edges = []
    for k, item in enumerate(formats.as_list(obj["edges"], j(where, "edges"))):
        at = j(j(where, "edges"), k)
        item = formats.as_object(item, at)
        formats.check_keys(item, at, ("from", "to", "w", "b"), ("frozen",))
        frozen = item.get("frozen", False)
        if not isinstance(frozen, bool):
            raise FormatError("expected a boolean", field=j(at, "frozen"))
        edges.append(
            Edge(
                formats.as_str(item["from"], j(at, "from")),
                formats.as_str(item["to"], j(at, "to")),
                formats.as_rational(item["w"], j(at, "w")),
                formats.as_rational(item["b"], j(at, "b")),
                frozen,
            )
        )
    outs = formats.as_list(obj["outputs"], j(where, "outputs"))
    outputs = [formats.as_str(o, j(j(where, "outputs"), k)) for k, o in enumerate(outs)]
    return Network(tuple(nodes), tuple(edges), tuple(outputs))


class NetworkBuilder:
    """Mutable helper for constructions: add nodes and edges, then :meth:`build`.

    ``add_edge(..., merge=True)`` folds a parallel edge into the existing one (weights
    and biases add up, which leaves every f^v unchanged) -- e.g. when an SLP squares.

    >>> from ermbit.network.model import NetworkBuilder
    >>> nb = NetworkBuilder()
    >>> nb.add_node("a"), nb.add_node("sq", "z**2")
    ('a', 'sq')
    >>> nb.add_edge("a", "sq", 1, 0); nb.add_edge("a", "sq", 1, "1/2", merge=True)
    >>> net = nb.build(outputs=["sq"])
    >>> net.edges[0].w, net.edges[0].b, net.forward({"a": 1}).output
    (mpq(2,1), mpq(1,2), (mpq(25,4),))
    """

    def __init__(self) -> None:
        self._nodes: dict[str, Activation] = {}
        self._edges: dict[tuple[str, str], list[Any]] = {}

    def __contains__(self, node: object) -> bool:
        return node in self._nodes

    def add_node(self, node: str, activation: object = "id") -> str:
        """Add a node (activation as for :class:`Network`); returns its id."""
        node = node_id(node, "node")
        if node in self._nodes:
            raise InputError(f"node: {node!r} was already added")
        self._nodes[node] = parse_activation(activation)
        return node

    def add_edge(
        self,
        src: str,
        dst: str,
        w: object = 1,
        b: object = 0,
        *,
        frozen: bool = False,
        merge: bool = False,
    ) -> None:
        """Add ``src -> dst``; with ``merge`` a repeated edge adds its w and b to the first."""
        from ermbit.network.model import Edge

        e = Edge(src, dst, w, b, frozen)
        old = self._edges.get(e.key)
        if old is None:
            self._edges[e.key] = [e.w, e.b, e.frozen]
            return
        if not merge:
            raise InputError(
                f"edge: {src}->{dst} was already added; pass merge=True to add them up"
            )
        if old[2] != frozen:
            raise InputError(f"edge: cannot merge a frozen and a trainable edge {src}->{dst}")
        old[0] += e.w
        old[1] += e.b

    def build(self, outputs: Sequence[str]) -> Network:
        """The validated :class:`Network`."""
        from ermbit.network.model import Edge, Network

        edges = tuple(Edge(u, v, w, b, f) for (u, v), (w, b, f) in self._edges.items())
        return Network(tuple(self._nodes.items()), edges, tuple(outputs))
