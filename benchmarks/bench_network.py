"""Benchmark: exact forward+backward passes of ermbit against a per-value mpq baseline.

For random layered networks (ReLU and σ = z², small random integer or rational weights
and biases on every edge) it times

* ``ermbit``: :meth:`Network.forward` + :meth:`Network.backward` with a compiled plan
  (integers over common denominators), warm (plan cached) and cold (plan built and
  sizes predicted in the timed call), and with the gradient materialised as ``mpq``;
* ``mpq``: the same passes written here with one ``mpq`` per value, so every ``+`` and
  ``×`` reduces a fraction (the straightforward exact implementation);

checks that both give the same outputs and gradients, and prints the ratio.  A second
table gives the largest size (docs: model.md bits) of any forward value and any backward value
per depth: linear in depth for ReLU, doubling per layer for z² (paper Fig. 1); z² depths
are limited by ``--max-bits`` through :meth:`Network.predict_bits`.

Run: ``python benchmarks/bench_network.py`` (``--quick`` for a short run).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from typing import Any

from ermbit.errors import BudgetExceeded
from ermbit.exact import Q
from ermbit.network.model import Edge, Network

Layers = list[list[list[tuple[Any, Any]]]]  # layers[l][j][i] = (w, b) of edge i -> j


def random_layers(width: int, depth: int, rng: random.Random, max_den: int) -> Layers:
    """Weights in [-3, 3] and biases in [-2, 2], with denominators up to ``max_den``."""

    def q(lo: int, hi: int) -> Any:
        return Q(rng.randint(lo, hi), rng.randint(1, max_den))

    return [
        [[(q(-3, 3), q(-2, 2)) for _ in range(width)] for _ in range(width)] for _ in range(depth)
    ]


def to_network(layers: Layers, act: str) -> Network:
    width = len(layers[0])
    nodes = [(f"x{i}", "id") for i in range(width)]
    edges = []
    prev = [f"x{i}" for i in range(width)]
    for ell, layer in enumerate(layers):
        cur = [f"h{ell}_{j}" for j in range(width)]
        nodes += [(c, act) for c in cur]
        for j, row in enumerate(layer):
            edges += [Edge(prev[i], cur[j], w, b) for i, (w, b) in enumerate(row)]
        prev = cur
    return Network.from_specs(nodes, edges, prev)


def baseline(
    layers: Layers, x: list[Any], seed: list[Any], act: str
) -> tuple[list[Any], list[list[list[Any]]]]:
    """Forward and backward with one mpq per value: outputs and dL/dw per layer."""
    if act == "relu":
        sig: Callable[[Any], Any] = lambda z: z if z > 0 else Q(0)  # noqa: E731
        dsig: Callable[[Any], Any] = lambda z: Q(1) if z > 0 else Q(0)  # noqa: E731
    else:
        sig, dsig = (lambda z: z * z), (lambda z: 2 * z)
    vals, pres = [x], []
    for layer in layers:
        prev = vals[-1]
        pre = [sum((w * f + b for (w, b), f in zip(row, prev, strict=True)), Q(0)) for row in layer]
        pres.append(pre)
        vals.append([sig(z) for z in pre])
    grads = []
    g = seed
    for ell in range(len(layers) - 1, -1, -1):
        delta = [dsig(z) * gj for z, gj in zip(pres[ell], g, strict=True)]
        prev = vals[ell]
        grads.append([[d * f for f in prev] for d in delta])
        g = [
            sum((layers[ell][j][i][0] * delta[j] for j in range(len(delta))), Q(0))
            for i in range(len(prev))
        ]
    return vals[-1], grads[::-1]


def graph_baseline(net: Network, x: dict[str, Any], seed: dict[str, Any], act: str) -> Any:
    """The paper §2 formula on a general DAG, one mpq per value, edges from dicts."""
    if act == "relu":
        sig: Callable[[Any], Any] = lambda z: z if z > 0 else Q(0)  # noqa: E731
        dsig: Callable[[Any], Any] = lambda z: Q(1) if z > 0 else Q(0)  # noqa: E731
    else:
        sig, dsig = (lambda z: z * z), (lambda z: 2 * z)
    ins: dict[str, list[Edge]] = {v: [] for v in net.node_ids}
    for e in net.edges:
        ins[e.dst].append(e)
    pre: dict[str, Any] = {}
    val: dict[str, Any] = {}
    for v in net.topological_order():
        z = Q(x.get(v, 0))
        for e in ins[v]:
            z = z + e.w * val[e.src] + e.b
        pre[v] = z
        val[v] = sig(z) if ins[v] else z
    adj = {v: Q(seed.get(v, 0)) for v in net.node_ids}
    dw: dict[tuple[str, str], Any] = {}
    for v in reversed(net.topological_order()):
        delta = dsig(pre[v]) * adj[v] if ins[v] else adj[v]
        for e in ins[v]:
            dw[e.key] = delta * val[e.src]
            adj[e.src] = adj[e.src] + e.w * delta
    return tuple(val[o] for o in net.outputs), dw


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def compare(
    width: int, depth: int, act: str, max_den: int, repeat: int, seed: int
) -> dict[str, Any]:
    rng = random.Random(seed)
    layers = random_layers(width, depth, rng, max_den)
    net = to_network(layers, act)
    x = [Q(rng.randint(-4, 4), rng.randint(1, max_den)) for _ in range(width)]
    xs = {f"x{i}": v for i, v in enumerate(x)}
    sd = [Q(rng.randint(-2, 2)) for _ in range(width)]
    seeds = {o: s for o, s in zip(net.outputs, sd, strict=True)}

    def ours() -> Any:
        p = net.forward(xs, budget_bits=None)
        return p, net.backward(p, seeds, budget_bits=None)

    def ours_dw() -> Any:
        p, g = ours()
        return p, g, g.dw

    def cold() -> Any:
        fresh = net.with_theta({})  # same θ, no cached plan
        p = fresh.forward(xs)
        return fresh.backward(p, seeds)

    t_cold, _ = best_of(1, cold)
    ours()  # compile the plan once
    t_ours, _ = best_of(repeat, ours)
    t_dw, (p, g, dw) = best_of(repeat, ours_dw)
    t_base, (out, grads) = best_of(max(1, repeat // 2), lambda: baseline(layers, x, sd, act))
    assert p.output == tuple(out), "outputs differ from the mpq baseline"
    first = [[dw[f"x{i}", f"h0_{j}"] for i in range(width)] for j in range(width)]
    assert first == grads[0], "gradients differ from the mpq baseline"
    t_graph, (out2, dw2) = best_of(1, lambda: graph_baseline(net, xs, seeds, act))
    assert p.output == out2 and dw == dw2, "results differ from the graph mpq baseline"
    return {
        "ours": t_ours,
        "dw": t_dw,
        "cold": t_cold,
        "base": t_base,
        "graph": t_graph,
        "fwd_bits": p.max_value_bits,
        "bwd_bits": g.max_bits,
    }


def speed_table(args: argparse.Namespace) -> None:
    print("exact forward+backward, seconds (best of runs)")
    print("  ermbit: warm plan, integer numerators; +dw: gradient also built as mpq dict;")
    print("  cold: plan compiled and sizes predicted inside the timed call;")
    print("  mpq-mat: per-value mpq on weight matrices; mpq-graph: per-value mpq on the DAG")
    print(
        f"{'act':5} {'den':>3} {'width':>5} {'depth':>5} {'ermbit':>8} {'+dw':>8} {'cold':>8} "
        f"{'mpq-mat':>8} {'mpq-graph':>9} {'mat/erm':>7} {'graph/erm':>9} {'graph/+dw':>9}"
    )
    configs = [("relu", w, d) for w in args.widths for d in args.depths]
    configs += [("z^2", w, d) for w in (8, 16) for d in args.square_depths]
    for act, width, depth in configs:
        for max_den in (1, 3):
            r = compare(width, depth, act, max_den, args.repeat, args.seed)
            print(
                f"{act:5} {max_den:>3} {width:>5} {depth:>5} {r['ours']:8.4f} {r['dw']:8.4f} "
                f"{r['cold']:8.4f} {r['base']:8.4f} {r['graph']:9.4f} "
                f"{r['base'] / r['ours']:7.1f} {r['graph'] / r['ours']:9.1f} "
                f"{r['graph'] / r['dw']:9.1f}"
            )


def growth_table(args: argparse.Namespace) -> None:
    print(f"\nlargest value size (bits) per depth, width {args.growth_width}, integer weights")
    print(f"{'act':5} {'depth':>5} {'predicted':>10} {'forward':>10} {'backward':>10}")
    for act in ("relu", "z^2"):
        rng = random.Random(args.seed)
        layers = random_layers(args.growth_width, args.max_depth, rng, 1)
        x = {f"x{i}": Q(rng.randint(-4, 4)) for i in range(args.growth_width)}
        for depth in range(1, args.max_depth + 1):
            net = to_network(layers[:depth], "relu" if act == "relu" else "z**2")
            predicted = net.predict_bits(x)
            try:
                p = net.forward(x, budget_bits=args.max_bits)
                g = net.backward(p, {o: 1 for o in net.outputs}, budget_bits=4 * args.max_bits)
            except BudgetExceeded:
                print(
                    f"{act:5} {depth:>5} {predicted:>10} {'refused':>10} (budget {args.max_bits})"
                )
                break
            print(f"{act:5} {depth:>5} {predicted:>10} {p.max_value_bits:>10} {g.max_bits:>10}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a short run")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-bits", type=int, default=10**7, help="z² growth budget")
    args = ap.parse_args()
    args.widths = [8, 64] if args.quick else [8, 16, 32, 64]
    args.depths = [2, 20] if args.quick else [2, 5, 10, 20]
    args.square_depths = [2, 8] if args.quick else [2, 5, 8, 10]
    args.growth_width = 8
    args.max_depth = 12 if args.quick else 20
    speed_table(args)
    growth_table(args)


if __name__ == "__main__":
    main()
