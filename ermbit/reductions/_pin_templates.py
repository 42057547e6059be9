"""The template samples of Claim B.1 (private to :mod:`ermbit.reductions`): the baseline
values of a network, the nodes each template overrides, and the exact-match samples that
realise them.  What the templates are and what they force is stated in
:mod:`ermbit.reductions.pinning`, which builds the pinned form from them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import networkx as nx

from ermbit import exact
from ermbit.errors import InputError
from ermbit.network.activations import Identity
from ermbit.network.erm import Loss, Sample
from ermbit.network.model import Network
from ermbit.network.symmetry import lift_point, template_points

__all__ = ["EXACT", "Overrides"]

EXACT = Loss("exact")
Overrides = dict[str, tuple[Any, Any]]


class _Templates:
    """Baseline values of a network and the samples of templates that override a few nodes."""

    def __init__(self, net: Network, repeat: int) -> None:
        self.net = net
        self.repeat = repeat
        self.ids = sorted(net.node_ids)
        self.sources = set(net.sources)
        self.ins = {v: net.in_edges(v) for v in net.node_ids}
        self.outs = {v: [e.dst for e in net.out_edges(v)] for v in net.node_ids}
        self.y0 = {v: exact.Q(0) if isinstance(a, Identity) else a(0) for v, a in net.nodes}
        self.x0 = {v: self._x(v, self.y0, exact.Q(0)) for v in net.node_ids}

    def _x(self, v: str, y: dict[str, Any], pre: Any) -> Any:
        if v in self.sources:
            return y[v]
        return pre - sum((e.w * y[e.src] + e.b for e in self.ins[v]), exact.Q(0))

    def hidden(self, changed: Iterable[str]) -> set[str]:
        """Heads of free edges out of changed nodes, and everything below them."""
        heads = {e.dst for v in changed for e in self.net.out_edges(v) if not e.frozen}
        out = set(heads)
        g = self.net.graph()
        for h in heads:
            out |= nx.descendants(g, h)
        return out

    def sample(self, name: str, over: Overrides, must_see: Sequence[str]) -> Sample:
        y = dict(self.y0)
        pre = {v: exact.Q(0) for v in over}
        for v, (yv, pv) in over.items():
            y[v], pre[v] = yv, pv
        changed = [v for v in over if y[v] != self.y0[v]]
        x = dict(self.x0)
        for v in {*over, *(d for c in changed for d in self.outs[c])}:
            x[v] = self._x(v, y, pre.get(v, exact.Q(0)))
        hidden = self.hidden(changed) if changed else set()
        for v in must_see:
            if v in hidden:
                raise InputError(
                    f"network: template {name!r} changes the tail of a free edge above {v!r}, "
                    "so it cannot label that node (Claim B.1 keeps free weights free)"
                )
        xs = tuple((v, x[v]) for v in self.ids if x[v] != 0)
        ys = tuple((v, y[v]) for v in self.ids if v not in hidden)
        return Sample(xs, ys, EXACT, self.repeat)


def _templates(net: Network) -> Iterator[tuple[str, Overrides, tuple[str, ...]]]:
    yield "baseline", {}, ()
    for e in net.edges:
        if not e.frozen or not isinstance(net.activation(e.dst), Identity):
            continue
        p, q = e.src, e.dst
        act = net.activation(p)
        if isinstance(act, Identity):
            over: Overrides = {p: (exact.Q(1), exact.Q(1))}
            delta = exact.Q(1)
        else:
            alpha = lift_point(act)
            over = {p: (act(alpha), alpha)}
            delta = act(alpha) - act(0)
        over[q] = (e.w * delta, e.w * delta)
        yield f"edge {p}->{q}", over, (p, q)
    for node, act in net.nodes:
        if isinstance(act, Identity):
            continue
        (e,) = net.in_edges(node)
        for tau in template_points(act):
            t = exact.Q(tau)
            over = {e.src: (t, t), node: (act(t), t)}
            yield f"sigma {e.src}->{node} at {exact.fmt(t)}", over, (e.src, node)
