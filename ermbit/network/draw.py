"""Drawing networks for teaching: Graphviz DOT text (no dependency) and PNG (matplotlib).

Node kinds are marked by shape and colour (sources, identity, polynomial σ, ReLU or
piecewise linear); frozen edges are dashed and trainable ones solid; edge labels give
``w, b``.  SVG (:mod:`.draw_svg`) and PNG (:mod:`.draw_png`, needs the ``plot`` extra,
matplotlib) share one layered layout (:mod:`.layout`).

>>> from ermbit.network.model import NetworkBuilder
>>> nb = NetworkBuilder()
>>> _ = nb.add_node("s"), nb.add_node("r", "relu"), nb.add_edge("s", "r", 1, 0, frozen=True)
>>> print(to_dot(nb.build(["r"])).splitlines()[4])
  "r" [label="r\\nReLU", shape=box, style=filled, fillcolor="#f4c7a1"];
"""

from __future__ import annotations

import io
from collections.abc import Mapping
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


def draw(
    net: Network,
    path: str | Path,
    *,
    title: str | None = None,
    highlight: tuple[str, str] | None = None,
    group: Mapping[str, str] | None = None,
) -> str:
    """Write ``net`` to ``path``: ``.dot`` (Graphviz text), ``.svg`` (self-contained) or
    ``.png`` (matplotlib), the last two with the layered layout of
    :mod:`ermbit.network.layout` (gadget clusters, ``w, b`` on every edge, ``highlight``:
    the queried edge and its path to the outputs in red)."""
    p = Path(path)
    if p.suffix == ".dot":
        write_atomic(p, to_dot(net, title=title))
        return "dot"
    if p.suffix == ".svg":
        from ermbit.network.draw_svg import to_svg

        p.write_text(
            to_svg(net, highlight=highlight, group=group, title=title or ""), encoding="utf-8"
        )
        return "svg"
    if p.suffix != ".png":
        raise InputError(f"--draw: expected a .svg, .png or .dot file, got {str(path)!r}")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise BackendUnavailable(
            "drawing PNG needs matplotlib: pip install 'ermbit[plot]'"
        ) from exc
    from ermbit.network.draw_png import paint

    fig = paint(plt, net, title=title, highlight=highlight, group=group)
    buf = io.BytesIO()  # rendered in memory, then written atomically (never half a PNG)
    fig.savefig(buf, format="png", dpi=110 if fig.get_figwidth() <= 20 else 60)
    write_atomic(p, buf.getvalue())
    plt.close(fig)
    return "png"
