"""Benchmark: the network engine against the two specialised exact evaluators.

ermbit evaluates networks exactly through one engine (:meth:`Network.forward` /
:meth:`Network.backward`, compiled plans with common denominators, dynamic per-node
denominators where they compound).  Two specialised passes remain, each kept only for a
speed measured here, in the same run:

1. **Kronecker gradients** -- :func:`ermbit.solvers.backprop.edge_gradient` (ancestors of
   the queried edge only, integers kept as integers, values released after last use)
   against :meth:`BackpropInstance.gradient` (the engine) on the Backprop-Bit instances
   of #SAT (σ = z², random 3-CNF with m clauses).  Both must give the same gradient.
2. **Pinning templates** -- :func:`ermbit.network.erm.loss_in_lowest_terms`
   (incremental: only nodes a changed input reaches) against
   :meth:`ERMInstance.evaluate` on bitslp-to-erm instances (σ = z², z³+2z, 1−2z⁴).
   Both must give the same loss.

Prints times and ratios engine / specialised (> 1: the specialised pass is faster).
Run: ``python benchmarks/bench_engine.py [--quick]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from ermbit.cnf import CNF
from ermbit.network.erm import loss_in_lowest_terms
from ermbit.problems.queries import BitQuery
from ermbit.reductions.backprop import SlpToBackpropBit
from ermbit.reductions.bitslp_to_erm import BitslpToErm
from ermbit.reductions.sat_to_slp import SatToSlp
from ermbit.solvers.backprop import edge_gradient


def random_3cnf(m: int, seed: int) -> CNF:
    rng = random.Random(seed * 1000 + m)
    n = max(m, 3)
    return CNF(
        n,
        tuple(
            tuple(v if rng.random() < 0.5 else -v for v in rng.sample(range(1, n + 1), 3))
            for _ in range(m)
        ),
    )


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def kronecker_rows(ms: list[int], repeat: int) -> list[float]:
    ratios = []
    print("1. Kronecker Backprop-Bit gradients (σ = z²)")
    print(f"{'m':>3} {'edge_gradient s':>16} {'engine s':>10} {'engine/specialised':>19}")
    for m in ms:
        counting = SatToSlp().forward(random_3cnf(m, seed=1))
        inst = SlpToBackpropBit("z**2").forward(BitQuery(counting.slp, counting.offset)).instance
        t_spec, g_spec = timed(
            lambda inst=inst: edge_gradient(inst.network, inst.samples, inst.edge).dw, repeat
        )
        t_eng, g_eng = timed(lambda inst=inst: inst.gradient(budget_bits=1 << 34), repeat)
        if g_spec != g_eng:
            raise SystemExit(f"m={m}: the two gradients differ")
        ratios.append(t_eng / t_spec)
        print(f"{m:>3} {t_spec:>16.4f} {t_eng:>10.4f} {t_eng / t_spec:>19.2f}")
    return ratios


def pinned_rows(activations: list[str], seeds: int) -> list[float]:
    ratios = []
    print("\n2. Pinning templates: bitslp-to-erm instances, loss at θ*")
    print(f"{'σ':>10} {'seed':>4} {'samples':>7} {'lowest s':>9} {'engine s':>9} {'ratio':>6}")
    for act in activations:
        for seed in range(seeds):
            rng = random.Random(seed)
            cnf = CNF(3, tuple(tuple(rng.choice((1, -1)) * v for v in (1, 2)) for _ in range(2)))
            counting = SatToSlp().forward(cnf)
            inst = BitslpToErm(act).forward(BitQuery(counting.slp, counting.offset))
            theta = inst.network.theta()
            t_low, (loss_low, _) = timed(
                lambda inst=inst, theta=theta: loss_in_lowest_terms(
                    inst.network, theta, inst.samples
                ),
                3,
            )
            t_eng, ev = timed(lambda inst=inst: inst.evaluate(), 3)
            if ev.loss != loss_low:
                raise SystemExit(f"{act} seed {seed}: the two losses differ")
            ratios.append(t_eng / t_low)
            n = len(inst.samples)
            print(f"{act:>10} {seed:>4} {n:>7} {t_low:>9.4f} {t_eng:>9.4f} {t_eng / t_low:>6.2f}")
    return ratios


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, one repetition")
    args = ap.parse_args()
    ms = [3, 4, 5] if args.quick else [3, 4, 5, 6, 7]
    k = kronecker_rows(ms, 1 if args.quick else 3)
    p = pinned_rows(["z**2", "z**3+2*z", "1-2*z**4"], 1 if args.quick else 3)
    print(
        f"\nmedian engine/specialised: Kronecker {statistics.median(k):.2f}, "
        f"pinning templates {statistics.median(p):.2f}"
    )


if __name__ == "__main__":
    main()
