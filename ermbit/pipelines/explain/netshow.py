"""Exhibits about networks, shared by every chain: node values layer by layer, drawings.

The layer of a node is its longest distance from a source (docs: model.md, paper §2: the
network is a DAG and a pass visits it in topological order).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ermbit.network.model import Network
from ermbit.pipelines.explain.blocks import Exhibit, Figure, Prose, Table, cut, short

__all__ = ["depths", "drawing", "layer_table"]

#: Largest network drawn inline; bigger ones are described, not drawn.
MAX_DRAWN_NODES = 260


def depths(net: Network) -> dict[str, int]:
    """Longest distance of every node from a source."""
    depth: dict[str, int] = {}
    for v in net.topological_order():
        depth[v] = 1 + max((depth[e.src] for e in net.in_edges(v)), default=-1)
    return depth


def _kind(net: Network, v: str) -> str:
    return "source" if v in net.sources else str(net.activation(v))


def layer_table(
    net: Network,
    values: Mapping[str, Any],
    caption: str,
    *,
    pre: Mapping[str, Any] | None = None,
    only: set[str] | None = None,
) -> Table:
    """Layer, node, activation and value (and pre-activation, if given) of every node."""
    d = depths(net)
    order = sorted((v for v in net.node_ids if only is None or v in only), key=lambda v: d[v])
    rows = []
    for v in order:
        row = [str(d[v]), v, _kind(net, v)]
        if pre is not None:
            row.append(short(pre[v]) if v not in net.sources else "—")
        rows.append((*row, short(values[v])))
    shown, omitted, head = cut(rows)
    header = ("layer", "node", "σ", *(("input",) if pre is not None else ()), "value")
    return Table(header, tuple(shown), caption, omitted, head)


def drawing(
    net: Network,
    title: str,
    *,
    highlight: tuple[str, str] | None = None,
    group: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
    caption: str = "",
) -> Exhibit:
    """An exhibit with the SVG drawing of ``net`` (or a note that it is too big to draw)."""
    if net.num_nodes > MAX_DRAWN_NODES:
        return Exhibit(
            title,
            (
                Prose(
                    f"The network has {net.num_nodes} nodes and {net.num_edges} edges: too big "
                    f"to draw legibly (limit {MAX_DRAWN_NODES} nodes). Try a smaller formula."
                ),
            ),
        )
    from ermbit.network.draw_svg import to_svg

    svg = to_svg(net, highlight=highlight, group=group, values=values, title=title)
    return Exhibit(title, (Figure(svg, caption),))
