"""A slow, obviously correct reference for exact passes, on :class:`fractions.Fraction`.

Independent of :mod:`ermbit.network.engine.passes` and :mod:`ermbit.network.engine.plan`: it walks
the network node
by node with the activations' rational ``__call__``/``derivative`` and reduces every
value.  Used as ground truth by the App. E, bit-growth and rounding tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ermbit.network.activations import Activation
from ermbit.network.erm import Sample
from ermbit.network.model import Network

__all__ = ["Reference", "fsize", "reference"]


def fsize(q: Fraction) -> int:
    """docs: model.md size, written out again: 1 + bitlen(|p|) + bitlen(r)."""
    return 1 + abs(q.numerator).bit_length() + q.denominator.bit_length()


def _f(q: Any) -> Fraction:
    return Fraction(int(q.numerator), int(q.denominator))


def _order(net: Network) -> list[str]:
    done: list[str] = []
    todo = list(net.node_ids)
    while todo:
        for v in todo:
            if all(e.src in done for e in net.in_edges(v)):
                done.append(v)
                todo.remove(v)
                break
    return done


def _seed(sample: Sample, out: Mapping[str, Fraction]) -> dict[str, Fraction]:
    kind, r = sample.loss.kind, sample.repeat
    seed = {}
    for v, y in sample.labels.items():
        y = _f(y)
        if kind == "squared":
            seed[v] = r * 2 * (out[v] - y)
        elif kind == "half_squared":
            seed[v] = r * (out[v] - y)
        elif kind == "hinge":
            seed[v] = r * (-y if 1 - y * out[v] > 0 else Fraction(0))
    return seed


@dataclass
class Reference:
    """Largest sizes of both passes, and the summed gradients."""

    forward_bits: int
    backward_bits: int
    dw: dict[tuple[str, str], Fraction]
    db: dict[tuple[str, str], Fraction]


def reference(net: Network, samples: Sequence[Sample]) -> Reference:
    """Forward and backward over ``samples`` (losses seeded as in :mod:`ermbit.network.erm`)."""
    order = _order(net)
    acts: dict[str, Activation] = dict(net.nodes)
    fwd = bwd = 0
    dw = {e.key: Fraction(0) for e in net.edges}
    errs = {v: Fraction(0) for v in order}
    seeded = False
    for s in samples:
        x = {v: _f(q) for v, q in s.inputs.items()}
        pre: dict[str, Fraction] = {}
        val: dict[str, Fraction] = {}
        for v in order:
            ins = net.in_edges(v)
            pre[v] = x.get(v, Fraction(0)) + sum(
                (_f(e.w) * val[e.src] + _f(e.b) for e in ins), Fraction(0)
            )
            val[v] = pre[v] if not ins else _f(acts[v](pre[v].__str__()))
            fwd = max(fwd, fsize(pre[v]), fsize(val[v]))
        seed = _seed(s, val)
        seeded = seeded or bool(seed)
        g: dict[str, Fraction] = {}
        d: dict[str, Fraction] = {}
        for v in reversed(order):
            g[v] = seed.get(v, Fraction(0)) + sum(
                (_f(e.w) * d[e.dst] for e in net.out_edges(v)), Fraction(0)
            )
            src = not net.in_edges(v)
            d[v] = g[v] if src else _f(acts[v].derivative(pre[v].__str__())) * g[v]
            bwd = max(bwd, fsize(g[v]), fsize(d[v]))
            errs[v] += d[v]
        for e in net.edges:
            dw[e.key] += d[e.dst] * val[e.src]
    if seeded:
        bwd = max([bwd, *map(fsize, dw.values()), *map(fsize, errs.values())])
    else:
        bwd = 0
    db = {e.key: errs[e.dst] for e in net.edges}
    return Reference(fwd, bwd, dw, db)
