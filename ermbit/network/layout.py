"""A layered, left-to-right layout of a network for drawings a student can read.

* The layer of a node is its longest distance from a source; layer d is the column
  ``x = d``.
* An edge spanning several layers is routed through reserved *slots* in the columns it
  crosses (one per column), so every drawn segment joins two adjacent columns.  Nodes sit
  only on columns and slots are never shared, hence no edge runs through a node.
* Nodes of one *group* (a gadget: a variable, a clause, an SLP gate) occupy one horizontal
  band of rows; bands are disjoint, so each group's cluster box contains only its own
  nodes.  Within a band and a column, nodes are ordered by the mean row of their
  predecessors (one barycentre sweep), which removes most crossings.

Coordinates are in grid units (column, row); renderers scale them.  They are drawing
coordinates only, so they may be floats (nothing is computed from them).

>>> from ermbit.network.model import NetworkBuilder
>>> nb = NetworkBuilder()
>>> for v in ("s", "a", "b"):
...     _ = nb.add_node(v)
>>> _ = nb.add_edge("s", "a", 1, 0), nb.add_edge("a", "b", 1, 0), nb.add_edge("s", "b", 1, 0)
>>> lay = layout(nb.build(["b"]))
>>> lay.pos["s"], lay.pos["b"], lay.routes[("s", "b")]
((0.0, 0), (2.0, 0), [(0.0, 0), (1.0, 1), (2.0, 0)])
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ermbit.network.model import Network

__all__ = ["Layout", "default_group", "layout"]

Point = tuple[float, float]


@dataclass(frozen=True)
class Layout:
    """Grid positions, edge routes (lists of points) and group bands.

    ``bands[g] = (first_row, rows, first_col, last_col)``; ``group[v]`` is v's group
    (``""``: none).
    """

    pos: dict[str, Point]
    routes: dict[tuple[str, str], list[Point]]
    bands: dict[str, tuple[int, int, int, int]]
    group: dict[str, str]
    columns: int
    rows: int


_GATE = re.compile(r"^g(\d+)\.")


def default_group(v: str) -> str:
    """``"gate 3"`` for the gadget nodes ``g3.*`` of the SLP network; else the part of the
    id before its first dot (``"k2"`` for ``k2.pre``), or ``""`` for a plain id."""
    m = _GATE.match(v)
    if m:
        return f"gate {m.group(1)}"
    return v.split(".", 1)[0] if "." in v else ""


def _depths(net: Network) -> dict[str, int]:
    depth: dict[str, int] = {}
    for v in net.topological_order():
        depth[v] = 1 + max((depth[e.src] for e in net.in_edges(v)), default=-1)
    return depth


def layout(net: Network, group: Callable[[str], str] | Mapping[str, str] | None = None) -> Layout:
    """Lay ``net`` out left to right; ``group`` maps a node id to its cluster name."""
    if group is None:
        group = default_group
    grp = {v: (group.get(v, "") if isinstance(group, Mapping) else group(v)) for v in net.node_ids}
    depth = _depths(net)
    # items per (group, column): real nodes, and slots for long edges (key "edge#col")
    items: dict[tuple[str, int], list[str]] = {}
    preds: dict[str, list[str]] = {v: [] for v in net.node_ids}
    chains: dict[tuple[str, str], list[str]] = {}
    for v in net.topological_order():
        items.setdefault((grp[v], depth[v]), []).append(v)
    for e in net.edges:
        prev, chain = e.src, []
        for col in range(depth[e.src] + 1, depth[e.dst]):
            slot = f"{e.src}->{e.dst}#{col}"
            items.setdefault((grp[e.src], col), []).append(slot)
            preds[slot] = [prev]
            chain.append(slot)
            prev = slot
        preds[e.dst].append(prev)
        chains[e.key] = chain
    order = _group_order(net, grp)
    heights = {
        g: max((len(vs) for (h, _), vs in items.items() if h == g), default=0) for g in order
    }
    offset, top = {}, 0
    for g in order:
        offset[g] = top
        top += heights[g] + 1  # a spare row keeps adjacent boxes apart
    row: dict[str, float] = {}
    ncols = 1 + max(depth.values(), default=0)
    for col in range(ncols):
        for g in order:
            vs = items.get((g, col), [])
            bary = {v: _mean([row[p] for p in preds[v] if p in row], len(row)) for v in vs}
            for i, v in enumerate(sorted(vs, key=lambda v: bary[v])):
                row[v] = offset[g] + i
    pos: dict[str, Point] = {v: (float(depth[v]), row[v]) for v in net.node_ids}
    routes: dict[tuple[str, str], list[Point]] = {
        k: [pos[k[0]], *((depth[k[0]] + 1.0 + i, row[s]) for i, s in enumerate(c)), pos[k[1]]]
        for k, c in chains.items()
    }
    bands = {}
    for g in order:
        cols = [c for (h, c) in items if h == g]
        if g and cols:
            bands[g] = (offset[g], heights[g], min(cols), max(cols))
    return Layout(pos, routes, bands, grp, ncols, max(top - 1, 1))


def _mean(xs: list[float], default: float) -> float:
    return sum(xs) / len(xs) if xs else float(default)


def _group_order(net: Network, grp: dict[str, str]) -> list[str]:
    """Groups in order of first appearance along the topological order; ungrouped first."""
    order = [""]
    for v in net.topological_order():
        if grp[v] not in order:
            order.append(grp[v])
    return order
