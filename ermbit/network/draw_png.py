"""PNG drawings with matplotlib, on the same layout and conventions as :mod:`.draw_svg`.

Grid coordinates of :mod:`ermbit.network.layout` become data coordinates (column x,
row −y); matplotlib is handed in by the caller, so importing this module needs nothing.
Page geometry (inches, box sizes) is in floats: it places ink and decides nothing; the
numbers drawn on edges are the exact rationals (:func:`.draw_svg.short_rational`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ermbit.network.draw_svg import highlighted_edges, short_rational
from ermbit.network.layout import layout
from ermbit.network.model import Network

__all__ = ["paint"]

_FILL = {
    "source": "#d9e8f5",
    "id": "#ffffff",
    "poly": "#c9e4c5",
    "relu": "#f4c7a1",
    "pl": "#f4c7a1",
}
HW, HH = 0.3, 0.3  # half width and height of a node box, in grid units
MAX_INCHES = 40.0


def _curve(points: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
    """Polyline of the route: horizontal through slots, smooth steps between columns."""
    xs, ys = [points[0][0] + HW], [points[0][1]]
    for i, (x, y) in enumerate(points[1:]):
        xa, ya, xb = xs[-1], ys[-1], x - HW
        for k in range(1, 13):
            t = k / 12
            s = t * t * (3 - 2 * t)  # smoothstep: flat at both ends
            xs.append(xa + (xb - xa) * t)
            ys.append(ya + (y - ya) * s)
        if i < len(points) - 2:
            xs.append(x + HW)
            ys.append(y)
    return xs, ys


def paint(
    plt: Any,
    net: Network,
    *,
    title: str | None,
    highlight: tuple[str, str] | None,
    group: Mapping[str, str] | None = None,
) -> Any:
    """A matplotlib figure of ``net``."""
    lay = layout(net, group)
    hot = highlighted_edges(net, highlight) if highlight else set()
    # capped: a network too big for the cap is too big to read in a picture anyway, and an
    # uncapped canvas for the demo formula's 165 nodes takes many seconds to rasterise
    width = min(MAX_INCHES, max(6.0, 1.9 * lay.columns))
    height = min(MAX_INCHES / 2, max(3.0, 0.75 * lay.rows + 1))
    fig, ax = plt.subplots(figsize=(width, height))
    labels = 1.9 * lay.columns <= MAX_INCHES  # past the cap, w, b would be unreadable
    for g, (row, rows, c0, c1) in lay.bands.items():
        ax.add_patch(
            plt.Rectangle(
                (c0 - HW - 0.1, -(row + rows - 1) - HH - 0.1),
                c1 - c0 + 2 * HW + 0.2,
                rows - 1 + 2 * HH + 0.35,
                facecolor="#f2f5fa",
                edgecolor="#aab7cc",
            )
        )
        ax.text(c0 - HW, -row + HH + 0.12, g, fontsize=7, style="italic", color="#56657d")
    _edges(ax, net, lay, hot, labels)
    _nodes(plt, ax, net, lay)
    ax.set_xlim(-0.6, lay.columns - 0.4)
    ax.set_ylim(-lay.rows - 0.2, 0.8)
    ax.set_title(title or "network (dashed: frozen, solid: trainable, red: queried path)")
    ax.axis("off")
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.95)  # tight_layout is slow
    return fig


def _edges(ax: Any, net: Network, lay: Any, hot: set[tuple[str, str]], labels: bool) -> None:
    for e in net.edges:
        pts = [(x, -y) for x, y in lay.routes[e.key]]
        xs, ys = _curve(pts)
        is_hot = e.key in hot
        colour = "#d62728" if is_hot else "#999999" if e.frozen else "#1f5fbf"
        style = "-" if is_hot or not e.frozen else "--"
        ax.plot(xs, ys, style, color=colour, lw=2.4 if is_hot else 1.2, zorder=1)
        if not labels:
            continue
        ax.text(
            (xs[0] + xs[12]) / 2,
            (ys[0] + ys[12]) / 2 + 0.06,
            f"{short_rational(e.w)}, {short_rational(e.b)}",
            fontsize=6,
            ha="center",
            color=colour if is_hot else "#222222",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},
            zorder=3,
        )


def _nodes(plt: Any, ax: Any, net: Network, lay: Any) -> None:
    for v in net.node_ids:
        x, y = lay.pos[v]
        kind = "source" if v in net.sources else str(net.activation(v).kind)
        ax.add_patch(
            plt.Rectangle(
                (x - HW, -y - HH / 1.6),
                2 * HW,
                2 * HH / 1.6,
                facecolor=_FILL.get(kind, "#ffffff"),
                edgecolor="#333333",
                lw=2.2 if kind == "poly" else 1,
                zorder=4,
            )
        )
        sub = "" if kind in ("source", "id") else f"\n{net.activation(v)}"
        ax.text(x, -y, v + sub, fontsize=6.5, ha="center", va="center", zorder=5)
