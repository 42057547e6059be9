"""Hypothesis strategies for small networks of paper §2 (and their inputs).

Import them as ``from tests.strategies_net import networks, inputs, activations``.

* :func:`rationals` -- small rationals as :class:`fractions.Fraction` (0 included);
* :func:`activations` -- identity, ReLU, polynomials (degree <= ``max_degree``, rational
  coefficients) and piecewise-linear functions (0..3 breakpoints, not always continuous);
* :func:`networks` -- layered networks or general DAGs whose node order is shuffled
  (so it is not a topological order), every activation kind at non-source nodes, small
  rational weights and biases, some frozen edges, a non-empty set of outputs;
* :func:`inputs` -- an input dictionary at arbitrary nodes (hidden ones included).

>>> ALL_KINDS
('id', 'relu', 'poly', 'pl')
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from ermbit.network.activations import Activation, Identity, PiecewiseLinear, Polynomial, ReLU
from ermbit.network.model import Edge, Network

__all__ = ["activations", "inputs", "networks", "networks_with_inputs", "rationals"]

ALL_KINDS = ("id", "relu", "poly", "pl")


def rationals(max_num: int = 3, max_den: int = 3) -> st.SearchStrategy[Fraction]:
    """Fractions ``p/q`` with ``|p| <= max_num`` and ``1 <= q <= max_den``."""
    return st.builds(Fraction, st.integers(-max_num, max_num), st.integers(1, max_den))


@st.composite
def _pl(draw: Any, max_breakpoints: int) -> PiecewiseLinear:
    ts = sorted(set(draw(st.lists(rationals(4, 3), max_size=max_breakpoints))))
    slopes = draw(st.lists(rationals(), min_size=len(ts) + 1, max_size=len(ts) + 1))
    if draw(st.booleans()):
        # continuous: each intercept follows from the previous piece at the breakpoint
        cs = [draw(rationals())]
        for i, t in enumerate(ts):
            cs.append(slopes[i] * t + cs[i] - slopes[i + 1] * t)
    else:
        cs = draw(st.lists(rationals(), min_size=len(ts) + 1, max_size=len(ts) + 1))
    return PiecewiseLinear(tuple(ts), tuple(slopes), tuple(cs))


def activations(
    kinds: Sequence[str] = ALL_KINDS, max_degree: int = 3, max_breakpoints: int = 3
) -> st.SearchStrategy[Activation]:
    """Activations of the given kinds (``"id"``, ``"relu"``, ``"poly"``, ``"pl"``)."""
    options: list[st.SearchStrategy[Activation]] = []
    if "id" in kinds:
        options.append(st.just(Identity()))
    if "relu" in kinds:
        options.append(st.just(ReLU()))
    if "poly" in kinds:
        coeffs = st.lists(rationals(), min_size=1, max_size=max_degree + 1)
        options.append(coeffs.map(lambda cs: Polynomial(tuple(cs))))
    if "pl" in kinds:
        options.append(_pl(max_breakpoints))
    return st.one_of(options)


def _dag_pairs(draw: Any, layered: bool, max_nodes: int) -> tuple[int, list[tuple[int, int]]]:
    """Node count and edges ``(i, j)``, ``i < j``, in a topological numbering."""
    if layered:
        widths = draw(st.lists(st.integers(1, 3), min_size=2, max_size=4))
        starts = [sum(widths[:k]) for k in range(len(widths) + 1)]
        pairs = [
            (i, j)
            for k in range(len(widths) - 1)
            for i in range(starts[k], starts[k + 1])
            for j in range(starts[k + 1], starts[k + 2])
        ]
        keep = draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
        # the first node of each layer always feeds the next: no stray sources inside
        first = set(starts)
        kept = [p for p, k in zip(pairs, keep, strict=True) if k or p[0] in first]
        return starts[-1], kept
    n = draw(st.integers(1, max_nodes))
    pairs = [(i, j) for j in range(n) for i in range(j)]
    keep = draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    return n, [p for p, k in zip(pairs, keep, strict=True) if k]


@st.composite
def networks(
    draw: Any,
    *,
    layered: bool | None = None,
    max_nodes: int = 6,
    kinds: Sequence[str] = ALL_KINDS,
    max_degree: int = 3,
    max_num: int = 3,
    max_den: int = 3,
    frozen: bool = True,
) -> Network:
    """Small networks: layered (2-4 layers of width 1-3) or general DAGs.

    Nodes are named ``n0, n1, ...`` in a topological numbering but listed in a shuffled
    order.  Sources get the identity; other nodes an activation of ``kinds``.  Weights
    and biases are rationals with ``|p| <= max_num``, ``q <= max_den``; with ``frozen``
    some edges are frozen.
    """
    if layered is None:
        layered = draw(st.booleans())
    n, pairs = _dag_pairs(draw, layered, max_nodes)
    has_in = {j for _, j in pairs}
    acts = [draw(activations(kinds, max_degree)) if v in has_in else Identity() for v in range(n)]
    order = draw(st.permutations(range(n)))
    nodes = tuple((f"n{v}", acts[v]) for v in order)
    edges = tuple(
        Edge(
            f"n{i}",
            f"n{j}",
            draw(rationals(max_num, max_den)),
            draw(rationals(max_num, max_den)),
            frozen and draw(st.booleans()),
        )
        for i, j in pairs
    )
    outs = draw(st.lists(st.sampled_from(range(n)), min_size=1, max_size=n, unique=True))
    return Network(nodes, edges, tuple(f"n{v}" for v in outs))


@st.composite
def inputs(draw: Any, net: Network, max_num: int = 4, max_den: int = 3) -> dict[str, Fraction]:
    """Inputs at a random subset of the nodes (sources and hidden nodes alike)."""
    chosen = draw(st.lists(st.sampled_from(net.node_ids), unique=True, max_size=net.num_nodes))
    return {v: draw(rationals(max_num, max_den)) for v in chosen}


@st.composite
def networks_with_inputs(draw: Any, **kwargs: Any) -> tuple[Network, dict[str, Fraction]]:
    """A pair ``(network, inputs)``; ``kwargs`` go to :func:`networks`."""
    net = draw(networks(**kwargs))
    return net, draw(inputs(net))
