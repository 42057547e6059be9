"""The integer-indexed graph of a network (private engine of :mod:`ermbit.network`).

A :class:`Structure` is built once per network and shared by every θ and every plan
(:mod:`ermbit.network.engine.plan`, :mod:`ermbit.network.engine.dynamic`): nodes and
edges by index, in/out edge lists, sources and a topological order.  ``_getter`` gathers
the values at a node's neighbours in one call.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from ermbit.network.activations import Activation

__all__ = ["Structure"]


class Structure:
    """Integer-indexed graph of a network, shared by every θ: edges, in/out lists, order."""

    def __init__(
        self, ids: Sequence[str], acts: Sequence[Activation], ends: Sequence[tuple[int, int]]
    ) -> None:
        n = len(ids)
        self.ids = tuple(ids)
        self.acts = tuple(acts)
        self.esrc = tuple(u for u, _ in ends)
        self.edst = tuple(v for _, v in ends)
        ins: list[list[int]] = [[] for _ in range(n)]
        outs: list[list[int]] = [[] for _ in range(n)]
        for e, (u, v) in enumerate(ends):
            outs[u].append(e)
            ins[v].append(e)
        self.ins = tuple(map(tuple, ins))
        self.outs = tuple(map(tuple, outs))
        self.is_source = tuple(not x for x in ins)
        #: Whether some node has a σ that is not piecewise linear (a polynomial of degree
        #: >= 2): its passes use dynamic denominators (:mod:`ermbit.network.engine.dynamic`).
        self.curved = any(not a.is_piecewise_linear for a in self.acts)
        indeg = [len(x) for x in ins]
        queue = deque(v for v in range(n) if not indeg[v])
        order = []
        while queue:
            u = queue.popleft()
            order.append(u)
            for e in outs[u]:
                v = self.edst[e]
                indeg[v] -= 1
                if not indeg[v]:
                    queue.append(v)
        #: A topological order (Kahn's, from the sources in node order); short on a cycle.
        self.order = tuple(order)


def _getter(idx: Sequence[int]) -> Callable[[list[Any]], tuple[Any, ...]] | None:
    if not idx:
        return None
    if len(idx) == 1:
        j = idx[0]
        return lambda seq: (seq[j],)
    return itemgetter(*idx)
