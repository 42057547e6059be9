"""Self-contained SVG drawings of networks (no dependency), on :mod:`ermbit.network.layout`.

Every edge carries its ``w, b`` as short rationals; frozen edges are dashed grey and
trainable ones solid blue; the queried gradient coordinate's edge and the path from it
to the outputs (the way the loss reaches it) are red.  Gadgets are boxed clusters.  Node
kinds: sources blue, identity white, polynomial σ green with a double border, ReLU and
piecewise linear orange (an active ReLU, when values are given, darker with a thick border).

>>> from ermbit.network.model import NetworkBuilder
>>> nb = NetworkBuilder()
>>> _ = nb.add_node("s"), nb.add_node("r", "relu"), nb.add_edge("s", "r", "1/2", 0)
>>> svg = to_svg(nb.build(["r"]), highlight=("s", "r"))
>>> svg.startswith("<svg") and "1/2, 0" in svg and 'class="e hot"' in svg
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape
from typing import Any

from ermbit.exact import bitlen, fmt, parse
from ermbit.network.layout import Layout, layout
from ermbit.network.model import Network

__all__ = ["highlighted_edges", "short_rational", "to_svg"]

X, Y, HW, HH, MARGIN = 200, 66, 56, 23, 36

_CSS = """
.b{fill:#f2f5fa;stroke:#aab7cc;stroke-width:1}
.bl{font:italic 12px sans-serif;fill:#56657d}
.e{fill:none;stroke:#555;stroke-width:1.6}
.e.fz{stroke:#999;stroke-dasharray:6 4}
.e.tr{stroke:#1f5fbf;stroke-width:2.6}
.e.hot{stroke:#d62728;stroke-width:3.4;stroke-dasharray:none}
.w{font:12px monospace;fill:#222;paint-order:stroke;stroke:#fff;stroke-width:4px}
.w.hot{fill:#d62728;font-weight:bold}
.n rect{stroke:#333;stroke-width:1.2}
.n.source rect{fill:#d9e8f5}.n.id rect{fill:#fff}.n.poly rect{fill:#c9e4c5;stroke-width:3}
.n.relu rect,.n.pl rect{fill:#f4c7a1}.n.hot rect{stroke:#d62728;stroke-width:3}
.n.on rect{fill:#ffb347;stroke:#b35900;stroke-width:3}
.n text{font:12px sans-serif;text-anchor:middle;fill:#111}
.n text.v{font:11px monospace;fill:#333}
.lg{font:12px sans-serif;fill:#333}
"""


def short_rational(q: Any, limit: int = 10) -> str:
    """``fmt(q)`` if it has at most ``limit`` characters, else its size in bits.

    >>> short_rational("3/4"), short_rational(2**40)
    ('3/4', '⟨41-bit⟩')
    """
    text = fmt(q)
    if len(text) <= limit:
        return text
    p = parse(q)
    return f"⟨{bitlen(abs(p.numerator)) + bitlen(p.denominator) - 1}-bit⟩"


def highlighted_edges(net: Network, edge: tuple[str, str]) -> set[tuple[str, str]]:
    """``edge`` and every edge on a path from its head to an output (how ∂L reaches it)."""
    hot, todo, seen = {edge}, [edge[1]], {edge[1]}
    while todo:
        v = todo.pop()
        for e in net.out_edges(v):
            hot.add(e.key)
            if e.dst not in seen:
                seen.add(e.dst)
                todo.append(e.dst)
    return hot


def _xy(p: tuple[float, float]) -> tuple[float, float]:
    return MARGIN + HW + p[0] * X, MARGIN + 18 + HH + p[1] * Y


def _bezier(p: list[tuple[float, float]], t: float) -> tuple[float, float]:
    u = 1 - t
    w = (u**3, 3 * u * u * t, 3 * u * t * t, t**3)
    return sum(c * q[0] for c, q in zip(w, p, strict=True)), sum(
        c * q[1] for c, q in zip(w, p, strict=True)
    )


def _path(points: list[tuple[float, float]], at: float = 0.5) -> tuple[str, tuple[float, float]]:
    """A path through the route: horizontal through slots, S-curves between columns;
    also the point at parameter ``at`` of the first curve (where the label goes)."""
    pts = [_xy(p) for p in points]
    (x0, y0), rest = pts[0], pts[1:]
    d, cur, mid = f"M{x0 + HW:.1f},{y0:.1f}", (x0 + HW, y0), None
    for i, (x, y) in enumerate(rest):
        xa, ya = cur
        xb = x - HW
        c = (xb - xa) / 2
        d += f" C{xa + c:.1f},{ya:.1f} {xb - c:.1f},{y:.1f} {xb:.1f},{y:.1f}"
        mid = mid or _bezier([(xa, ya), (xa + c, ya), (xb - c, y), (xb, y)], at)
        if i < len(rest) - 1:
            d += f" L{x + HW:.1f},{y:.1f}"
        cur = (x + HW, y)
    return d, mid or (x0, y0)


def _kind(net: Network, v: str) -> str:
    return "source" if v in net.sources else str(net.activation(v).kind)


def to_svg(
    net: Network,
    *,
    highlight: tuple[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
    group: Callable[[str], str] | Mapping[str, str] | None = None,
    title: str = "",
) -> str:
    """The SVG text of ``net`` (see the module docstring for the conventions)."""
    lay = layout(net, group)
    hot = highlighted_edges(net, highlight) if highlight else set()
    hot_nodes = {v for k in hot for v in k}
    width = max(2 * MARGIN + 2 * HW + (lay.columns - 1) * X, 640)
    height = 2 * MARGIN + 18 + 2 * HH + (lay.rows - 1) * Y + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title or "network")}">',
        f"<title>{escape(title or 'network')}</title>",
        f"<style>{_CSS}</style>",
    ]
    out += _bands(lay)
    out += _edges(net, lay, hot)
    out += _nodes(net, lay, hot_nodes, values)
    out.append(_legend(height, bool(hot)))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _bands(lay: Layout) -> list[str]:
    out = []
    for g, (row, rows, c0, c1) in lay.bands.items():
        x0, y0 = _xy((c0, row))
        x1, y1 = _xy((c1, row + rows - 1))
        out.append(
            f'<rect class="b" x="{x0 - HW - 10:.1f}" y="{y0 - HH - 18:.1f}" rx="8" '
            f'width="{x1 - x0 + 2 * HW + 20:.1f}" height="{y1 - y0 + 2 * HH + 26:.1f}"/>'
        )
        out.append(
            f'<text class="bl" x="{x0 - HW - 4:.1f}" y="{y0 - HH - 5:.1f}">{escape(g)}</text>'
        )
    return out


def _edges(net: Network, lay: Layout, hot: set[tuple[str, str]]) -> list[str]:
    out, labels = [], []
    for e in net.edges:
        # spread the labels of one node's out-edges along their curves, so they do not
        # pile up where the curves cross
        siblings = [o.dst for o in net.out_edges(e.src)]
        k, n = siblings.index(e.dst), len(siblings)
        d, (mx, my) = _path(lay.routes[e.key], 0.5 if n == 1 else 0.22 + 0.56 * k / (n - 1))
        cls = "e hot" if e.key in hot else "e fz" if e.frozen else "e tr"
        tip = f"{e.src} → {e.dst}: w = {fmt(e.w)}, b = {fmt(e.b)}" + (
            " (frozen)" if e.frozen else " (trainable)"
        )
        out.append(f'<path class="{cls}" d="{d}"><title>{escape(tip)}</title></path>')
        text = f"{short_rational(e.w)}, {short_rational(e.b)}"
        wcls = "w hot" if e.key in hot else "w"
        labels.append(
            f'<text class="{wcls}" x="{mx:.1f}" y="{my - 4:.1f}" text-anchor="middle">'
            f"{escape(text)}</text>"
        )
    return out + labels  # labels last: drawn over every edge


def _nodes(net: Network, lay: Layout, hot: set[str], values: Mapping[str, Any] | None) -> list[str]:
    out = []
    for v in net.node_ids:
        x, y = _xy(lay.pos[v])
        kind = _kind(net, v)
        cls = f"n {kind}" + (" hot" if v in hot else "")
        if kind == "relu" and values is not None and values.get(v, 0) > 0:
            cls += " on"  # an active ReLU: the activation pattern is visible at a glance
        sub = "" if kind in ("source", "id") else str(net.activation(v))
        if values is not None and v in values:
            sub = (sub + " = " if sub else "= ") + short_rational(values[v], 8)
        tip = f"{v}: {'source' if kind == 'source' else net.activation(v)}"
        lines = [f'<g class="{cls}"><title>{escape(tip)}</title>']
        rx = 12 if kind in ("source", "id") else 2
        lines.append(
            f'<rect x="{x - HW:.1f}" y="{y - HH:.1f}" width="{2 * HW}" height="{2 * HH}" '
            f'rx="{rx}"/>'
        )
        if sub:
            lines.append(f'<text x="{x:.1f}" y="{y - 3:.1f}">{escape(v)}</text>')
            lines.append(f'<text class="v" x="{x:.1f}" y="{y + 13:.1f}">{escape(sub)}</text>')
        else:
            lines.append(f'<text x="{x:.1f}" y="{y + 4:.1f}">{escape(v)}</text>')
        out.append("".join(lines) + "</g>")
    return out


def _legend(height: float, hot: bool) -> str:
    y = height - 18
    parts = [
        f'<path class="e fz" d="M{MARGIN},{y} h40"/>'
        f'<text class="lg" x="{MARGIN + 46}" y="{y + 4}">frozen (w, b on the edge)</text>',
        f'<path class="e tr" d="M{MARGIN + 240},{y} h40"/>'
        f'<text class="lg" x="{MARGIN + 286}" y="{y + 4}">trainable</text>',
    ]
    if hot:
        parts.append(
            f'<path class="e hot" d="M{MARGIN + 380},{y} h40"/>'
            f'<text class="lg" x="{MARGIN + 426}" y="{y + 4}">queried coordinate → loss</text>'
        )
    return "".join(parts)
