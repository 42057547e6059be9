"""Benchmark: #SAT through Backprop-Bit instances (docs: constructions/sharp-sat.md), end to end.

Three figures:

1. **Largest m in 60 s** -- random 3-CNFs with n = m variables and m clauses (seed fixed),
   counted by :func:`ermbit.pipelines.via_backprop.count_via_backprop` (σ = z², K instances
   built, one exact gradient), each run in a child process killed at the time limit; m
   grows until a run does not finish in time.  Every count is checked against a model
   counter (brute force / DPLL).  Goal: m ≥ 9.
2. **Network / SLP** -- on the same Kronecker instance, the exact gradient of the
   Backprop-Bit network (:func:`ermbit.solvers.backprop.edge_gradient`) against
   evaluating the SLP (:func:`ermbit.slp.evaluate_int`).  Goal ≤ 3 for σ = z².  The
   compiled-plan pass of :meth:`ermbit.network.model.Network.forward` is timed too, on a smaller
   instance (its common denominators grow doubly exponentially on SLP networks).
3. **SLP / bare gmpy2** -- :func:`ermbit.slp.evaluate_int` against a loop running the same
   gates on ``mpz`` with nothing else.  Goal ≤ 1.3.

Run: ``python benchmarks/bench_sharp_p.py [--limit 60] [--start 3] [--ratio-m 8]``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import time
from collections.abc import Callable
from typing import Any

from ermbit.cnf import CNF
from ermbit.exact import Z
from ermbit.problems.queries import BitQuery
from ermbit.reductions.backprop import SlpToBackpropBit
from ermbit.reductions.sat_to_slp import SatToSlp
from ermbit.slp import SLP, evaluate_int
from ermbit.solvers.backprop import edge_gradient


def random_3cnf(m: int, seed: int = 1) -> CNF:
    rng = random.Random(seed * 1000 + m)
    n = max(m, 3)
    clauses = tuple(
        tuple(v if rng.random() < 0.5 else -v for v in rng.sample(range(1, n + 1), 3))
        for _ in range(m)
    )
    return CNF(n, clauses)


def _count_child(m: int, queue: Any) -> None:
    from ermbit.errors import BudgetExceeded
    from ermbit.pipelines.via_backprop import count_via_backprop
    from ermbit.solvers.sat.counting import count

    cnf = random_3cnf(m)
    try:
        r = count_via_backprop(cnf, "z**2")
    except BudgetExceeded as exc:
        queue.put(("refused", str(exc)))
        return
    truth = count(cnf, "brute" if cnf.num_vars <= 16 else "dpll")
    queue.put(
        (r.count, truth, r.instances, r.distinct_gradients_computed, r.max_value_bits, r.seconds)
    )


def largest_m(limit: float, start: int) -> int:
    best = 0
    m = start
    ctx = mp.get_context("fork")
    while True:
        queue = ctx.Queue()
        proc = ctx.Process(target=_count_child, args=(m, queue))
        t0 = time.perf_counter()
        proc.start()
        proc.join(limit)
        wall = time.perf_counter() - t0
        if proc.is_alive():
            proc.terminate()  # only the child this benchmark started
            proc.join()
            print(f"m = {m:2d}: not finished in {limit:.0f} s (stopped)")
            return best
        if queue.empty():
            print(f"m = {m:2d}: child failed (exit code {proc.exitcode})")
            return best
        result = queue.get()
        if result[0] == "refused":
            print(f"m = {m:2d}: refused by the size budget ({result[1]})")
            return best
        got, truth, k, grads, bits, secs = result
        ok = "ok" if got == truth else f"WRONG (counter says {truth})"
        print(
            f"m = {m:2d}: count {got} {ok}; K = {k} instances, {grads} gradient(s), "
            f"largest value {bits} bits; {secs:.2f} s ({wall:.2f} s with the check)"
        )
        if got != truth:
            return best
        best = m
        m += 1


def bare_loop(slp: SLP) -> Any:
    vals = [Z(slp.a0.numerator)]
    for g in slp.gates:
        x, y = vals[g.j], vals[g.k]
        vals.append(x * y if g.op == "*" else x + y if g.op == "+" else x - y)
    return vals[-1]


def bare_gadget(slp: SLP) -> Any:
    """The arithmetic the σ = z² network must do, on bare ``mpz``: per product
    ((x+y)² − x² − y²)/2, per square x², nothing else (no graph, no checks)."""
    vals = [Z(slp.a0.numerator)]
    for g in slp.gates:
        x, y = vals[g.j], vals[g.k]
        if g.op != "*":
            vals.append(x + y if g.op == "+" else x - y)
        elif g.j == g.k:
            vals.append(x * x)
        else:
            s = x + y
            vals.append((s * s - x * x - y * y) >> 1)
    return vals[-1]


def best_of(fns: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Best time of each function; rounds interleave them so outside load hits all alike."""
    best = {name: float("inf") for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            out = fn()
            best[name] = min(best[name], time.perf_counter() - t0)
            del out
    return best


def ratios(m: int, repeat: int) -> None:
    cnf = random_3cnf(m)
    counting = SatToSlp().forward(cnf)
    inst = SlpToBackpropBit("z**2").forward(BitQuery(counting.slp, counting.offset)).instance
    slp = counting.slp
    t = best_of(
        {
            "bare": lambda: bare_loop(slp),
            "slp": lambda: evaluate_int(slp),
            "gadget": lambda: bare_gadget(slp),
            "network": lambda: edge_gradient(inst.network, inst.samples, inst.edge),
        },
        repeat,
    )
    print(
        f"Kronecker SLP of a 3-CNF with n = m = {m}: {slp.length} gates, "
        f"network {inst.network.num_nodes} nodes"
    )
    print(f"  bare gmpy2 loop   {t['bare']:8.3f} s")
    print(f"  ermbit.slp        {t['slp']:8.3f} s   SLP / bare     = {t['slp'] / t['bare']:.2f}")
    print(
        f"  network gradient  {t['network']:8.3f} s   network / SLP  = "
        f"{t['network'] / t['slp']:.2f}  (σ = z²)"
    )
    print(
        f"  gadget on mpz     {t['gadget']:8.3f} s   gadget / SLP   = "
        f"{t['gadget'] / t['slp']:.2f}  (the squarings any evaluator must do; "
        f"network / gadget = {t['network'] / t['gadget']:.2f})"
    )


def plan_ratio(m: int) -> None:
    counting = SatToSlp().forward(random_3cnf(m))
    inst = SlpToBackpropBit("z**2").forward(BitQuery(counting.slp, counting.offset)).instance
    t = best_of(
        {
            "slp": lambda: evaluate_int(counting.slp),
            "plan": lambda: inst.network.forward({"v0": 1}, budget_bits=None),
            "solver": lambda: edge_gradient(inst.network, inst.samples, inst.edge),
        },
        3,
    )
    print(
        f"m = {m}: Network.forward (compiled plan) / SLP = {t['plan'] / t['slp']:.0f}, "
        f"edge_gradient / SLP = {t['solver'] / t['slp']:.2f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=float, default=60.0, help="seconds per run")
    ap.add_argument("--start", type=int, default=3, help="first clause count")
    ap.add_argument("--ratio-m", type=int, default=8, help="clause count for the ratios")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"== largest m counted via backprop within {args.limit:.0f} s (σ = z²)")
    best = largest_m(args.limit, args.start)
    print(f"largest m: {best} (goal ≥ 9)")
    print("== time ratios")
    for m in sorted({args.ratio_m, best} - {0}):
        ratios(m, args.repeat)
    plan_ratio(5)


if __name__ == "__main__":
    main()
