"""Drawing networks for teaching: Graphviz DOT text (no dependency) and PNG (matplotlib).

Node kinds are marked by shape and colour (sources, identity, polynomial σ, ReLU or
piecewise linear); frozen edges are dashed and trainable ones solid; edge labels give
``w, b``.  PNG output needs the ``plot`` extra (matplotlib).

>>> from ermbit.network.model import NetworkBuilder
>>> nb = NetworkBuilder()
>>> _ = nb.add_node("s"), nb.add_node("r", "relu"), nb.add_edge("s", "r", 1, 0, frozen=True)
>>> print(to_dot(nb.build(["r"])).splitlines()[4])
  "r" [label="r\\nReLU", shape=box, style=filled, fillcolor="#f4c7a1"];
"""

from __future__ import annotations

import io
from pathlib import Path

from ermbit.errors import BackendUnavailable, InputError
from ermbit.exact import fmt
from ermbit.files import write_atomic
from ermbit.network.model import Network

__all__ = ["draw", "node_kind", "to_dot"]

_STYLE = {
    "source": ("ellipse", "#d9e8f5"),
    "id": ("ellipse", "#ffffff"),
    "poly": ("doublecircle", "#c9e4c5"),
    "relu": ("box", "#f4c7a1"),
    "pl": ("box", "#f4e1a1"),
}


def node_kind(net: Network, v: str) -> str:
    """``source``, ``id``, ``poly``, ``relu`` or ``pl``."""
    if v in net.sources:
        return "source"
    return str(net.activation(v).kind)


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(net: Network, *, title: str | None = None) -> str:
    """Graphviz DOT text for ``net``: shapes by node kind, frozen edges dashed."""
    lines = ["digraph network {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    if title:
        lines.insert(1, f"  label={_quote(title)};")
    for v in net.node_ids:
        kind = node_kind(net, v)
        shape, colour = _STYLE.get(kind, ("ellipse", "#ffffff"))
        act = "" if kind in ("source", "id") else str(net.activation(v))
        label = v + ("\\n" + act if act else "")
        lines.append(
            f'  {_quote(v)} [label="{label}", shape={shape}, style=filled, fillcolor="{colour}"];'
        )
    for e in net.edges:
        style = "dashed" if e.frozen else "solid"
        lines.append(
            f'  {_quote(e.src)} -> {_quote(e.dst)} [label="{fmt(e.w)}, {fmt(e.b)}", style={style}];'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _layers(net: Network) -> dict[str, tuple[float, float]]:
    depth: dict[str, int] = {}
    for v in net.topological_order():
        preds = [e.src for e in net.in_edges(v)]
        depth[v] = 1 + max((depth[u] for u in preds), default=-1)
    by_layer: dict[int, list[str]] = {}
    for v, d in depth.items():
        by_layer.setdefault(d, []).append(v)
    pos = {}
    for d, vs in by_layer.items():
        for i, v in enumerate(vs):
            pos[v] = (float(d), float(i - (len(vs) - 1) / 2))  # float: drawing coordinates only
    return pos


def draw(net: Network, path: str | Path, *, title: str | None = None) -> str:
    """Write ``net`` to ``path``: ``.dot`` as DOT text, ``.png`` with matplotlib."""
    p = Path(path)
    if p.suffix == ".dot":
        write_atomic(p, to_dot(net, title=title))
        return "dot"
    if p.suffix != ".png":
        raise InputError(f"--draw: expected a .png or .dot file, got {str(path)!r}")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import networkx as nx
    except ImportError as exc:
        raise BackendUnavailable(
            "drawing PNG needs matplotlib: pip install 'ermbit[plot]'"
        ) from exc
    g = net.graph()
    pos = _layers(net)
    size = max(6.0, 0.9 * len(set(x for x, _ in pos.values())))
    fig, ax = plt.subplots(figsize=(size, max(4.0, 0.5 * len(pos) ** 0.5 * 3)))
    for kind, (_, colour) in _STYLE.items():
        nodes = [v for v in g.nodes if node_kind(net, v) == kind]
        shape = {"ellipse": "o", "doublecircle": "o", "box": "s"}[_STYLE[kind][0]]
        nx.draw_networkx_nodes(
            g,
            pos,
            nodelist=nodes,
            node_color=colour,
            node_shape=shape,
            edgecolors="black",
            ax=ax,
            label=kind,
        )
    frozen = [(e.src, e.dst) for e in net.edges if e.frozen]
    free = [(e.src, e.dst) for e in net.edges if not e.frozen]
    nx.draw_networkx_edges(g, pos, edgelist=frozen, style="dashed", ax=ax, arrows=True)
    nx.draw_networkx_edges(g, pos, edgelist=free, style="solid", width=2, ax=ax, arrows=True)
    nx.draw_networkx_labels(g, pos, font_size=7, ax=ax)
    ax.legend(scatterpoints=1, fontsize=7, loc="best")
    ax.set_title(title or "network (dashed: frozen, solid: trainable)")
    ax.axis("off")
    fig.tight_layout()
    buf = io.BytesIO()  # rendered in memory, then written atomically (never half a PNG)
    fig.savefig(buf, format="png", dpi=120)
    write_atomic(p, buf.getvalue())
    plt.close(fig)
    return "png"
