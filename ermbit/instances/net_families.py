"""Seeded random networks (pure functions of their parameters and a seed).

:func:`layered_network` is the nested family used by the Fig. 1 study (every choice is
documented in :mod:`ermbit.studies.bit_growth`): ``width`` sources, ``depth`` fully
connected hidden layers of one activation, one identity output ``out``; weights ``p/q``
with ``p ∈ ±{1..3}``, ``q ∈ {1..4}``, biases ``p ∈ {−2..2}``, inputs ``p ∈ {−3..3}``.
:func:`random_network` is the same network for ``ermbit gen``, with the input recorded
by the caller if needed.
"""

from __future__ import annotations

import random
from typing import Any

from ermbit.exact import Q, Rational, parse
from ermbit.instances.rng import below, make_rng
from ermbit.network.activations import Activation, parse_activation
from ermbit.network.model import Edge, Network
from ermbit.validate import check_int

__all__ = ["layered_network", "random_network"]


def _draw(rng: random.Random, lo: int, hi: int, max_den: int, nonzero: bool = False) -> Rational:
    while True:
        p = lo + below(rng, hi - lo + 1)
        if p or not nonzero:
            return Q(p, 1 + below(rng, max_den))


def layered_network(
    depth: int,
    activation: object,
    *,
    width: int = 4,
    seed: int = 0,
    scale: object = 1,
) -> tuple[Network, dict[str, Any]]:
    """The nested random network of depth ``depth`` and its input (module docstring).

    ``activation`` is any :func:`~ermbit.network.activations.parse_activation` spec or an
    :class:`~ermbit.network.activations.Activation`; ``scale`` multiplies every weight.

    >>> net, x = layered_network(2, "relu", width=2, seed=1)
    >>> net.num_nodes, net.num_edges, sorted(x)
    (7, 10, ['x0', 'x1'])
    """
    depth = check_int(depth, "depth", minimum=1)
    width = check_int(width, "width", minimum=1)
    act = parse_activation(activation)
    factor = parse(scale, name="scale")
    rng = make_rng(seed)
    # inputs and the output layer first, so the hidden layers' draws are nested in depth
    x = {f"x{i}": _draw(rng, -3, 3, 4) for i in range(width)}
    out_params = [(_draw(rng, -3, 3, 4, True), _draw(rng, -2, 2, 4)) for _ in range(width)]
    nodes: list[tuple[str, Activation]] = [(f"x{i}", parse_activation("id")) for i in range(width)]
    edges = []
    prev = [f"x{i}" for i in range(width)]
    for layer in range(1, depth + 1):
        cur = [f"h{layer}_{i}" for i in range(width)]
        nodes += [(v, act) for v in cur]
        for v in cur:
            for u in prev:
                w, b = _draw(rng, -3, 3, 4, True), _draw(rng, -2, 2, 4)
                edges.append(Edge(u, v, factor * w, b))
        prev = cur
    nodes.append(("out", parse_activation("id")))
    edges += [Edge(u, "out", factor * w, b) for u, (w, b) in zip(prev, out_params, strict=True)]
    return Network(tuple(nodes), tuple(edges), ("out",)), x


def random_network(
    depth: int, *, width: int = 4, activation: str = "relu", scale: str = "1", seed: int
) -> Network:
    """A random layered network (see :func:`layered_network`), for ``ermbit gen``.

    >>> random_network(2, width=2, seed=1).num_edges
    10
    """
    return layered_network(depth, activation, width=width, seed=seed, scale=scale)[0]
