"""Benchmark: the wall-clock limits the tests no longer assert.

Tests check these cases by counting operations (σ numerators computed, DPLL
branchings) or by a fake clock, because a loaded CI machine makes seconds flaky.  The
seconds themselves are measured here, against the limits the tests once asserted:

* ``refuse deep z² network`` -- 60 squaring layers refused from the static bound (2 s);
* ``rational gadget chain`` -- forward + backward through 14 levels of the σ = 1 − 2z⁴
  squaring gadget with weights 1/576 (2 s);
* ``refuse 3^(2^40) SLP`` -- evaluate, sign of a difference and values all refused (1 s);
* ``bits of 3^(2^22)`` -- bit and sign queries on SLPs with millions of bits (3 s);
* ``dpll timeout 0.2 s`` -- a hard formula stopped by its timeout (3 s).

Run: ``python benchmarks/bench_promptness.py``; exits 1 when a row is over its limit.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable

from ermbit.cnf import CNF
from ermbit.errors import BackendError, BudgetExceeded
from ermbit.network.model import Edge, Network
from ermbit.slp import SLP, SLPBuilder, bit, evaluate, sign, values
from ermbit.solvers.sat.counting import count

KAPPA_576 = (-35, 104, -114, 56, -11)


def refuse_deep_network() -> None:
    depth = 60
    nodes = [("v0", "id")] + [(f"v{i}", "z**2") for i in range(1, depth + 1)]
    edges = [Edge(f"v{i}", f"v{i + 1}", 1, 0) for i in range(depth)]
    net = Network(tuple(nodes), tuple(edges), (f"v{depth}",))
    try:
        net.forward({"v0": 3})
    except BudgetExceeded:
        return
    raise AssertionError("the deep squaring network was not refused")


def gadget_chain(levels: int = 14) -> None:
    nodes: list[tuple[str, str]] = [("v0", "id")]
    edges = []
    for i in range(levels):
        for r, k in enumerate(KAPPA_576):
            nodes += [(f"L{i}.{r}", "id"), (f"U{i}.{r}", "1 - 2*z**4")]
            edges += [Edge(f"v{i}", f"L{i}.{r}", 1, r), Edge(f"L{i}.{r}", f"U{i}.{r}", 1, 0)]
            edges.append(Edge(f"U{i}.{r}", f"z{i}", 2 * k, 0))
        nodes += [(f"z{i}", "id"), (f"v{i + 1}", "id")]
        edges.append(Edge(f"z{i}", f"v{i + 1}", "1/576", 0))
    net = Network(tuple(nodes), tuple(edges), (f"v{levels}",))
    p = net.forward({"v0": 3})
    net.backward(p, {f"v{levels}": 1})


def refuse_huge_slp() -> None:
    s = SLP(3, [("*", i, i) for i in range(40)])
    b = SLPBuilder.from_slp(s)
    difference = b.build(b.sub(s.length, 0))
    for call in (evaluate, values, lambda t: sign(difference)):
        try:
            call(s)
        except BudgetExceeded:
            continue
        raise AssertionError("a 3^(2^40) evaluation was not refused")


def millions_of_bits() -> None:
    b = SLPBuilder()
    x = b.pow(b.small_int(3), 2**22)
    y = b.pow(b.small_int(5), 2**21)
    px, pd = b.build(x, prune=True), b.build(b.sub(x, y), prune=True)
    for j in (0, 12345, 10**6):
        bit(px, j)
        bit(pd, j)
    sign(pd)


def dpll_timeout() -> None:
    rng = random.Random(0)
    n = 90
    clauses = tuple(
        tuple(v if rng.random() < 0.5 else -v for v in rng.sample(range(1, n + 1), 3))
        for _ in range(n * 3 // 2)
    )
    try:
        count(CNF(n, clauses), "dpll", timeout=0.2)
    except BackendError:
        return
    raise AssertionError("the DPLL count finished before its timeout; pick a harder formula")


ROWS: tuple[tuple[str, Callable[[], None], float], ...] = (
    ("refuse deep z² network", refuse_deep_network, 2.0),
    ("rational gadget chain", gadget_chain, 2.0),
    ("refuse 3^(2^40) SLP", refuse_huge_slp, 1.0),
    ("bits of 3^(2^22)", millions_of_bits, 3.0),
    ("dpll timeout 0.2 s", dpll_timeout, 3.0),
)


def main() -> int:
    over = 0
    print(f"{'case':<26} {'seconds':>8} {'limit':>6}")
    for name, fn, limit in ROWS:
        start = time.perf_counter()
        fn()
        seconds = time.perf_counter() - start
        flag = "" if seconds <= limit else "  OVER"
        over += bool(flag)
        print(f"{name:<26} {seconds:>8.3f} {limit:>6.1f}{flag}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
