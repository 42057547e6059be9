"""Benchmark: SAT decided through exact ReLU training (``decide``), against PySAT.

Rows: random 3-CNF at clause ratio 4.26 with ``n`` in {10, 14, 20} (``--sizes``) and
several seeds, so that satisfiable and unsatisfiable formulas both occur.  For each
formula and each route -- ``relu`` (R1, direct gadgets) and ``relu2`` (R2, SAT → NAE →
set splitting → the classical data set), frozen form and, with ``--pinned``, the pinned
form -- it prints the wall-clock time of :func:`ermbit.pipelines.decide.decide` (build the
ERM_bit instance, solve it exactly, map the witness back, check the model and compare
with PySAT), the instance size and the search counters (activation patterns proposed,
exact LPs, learned clauses), and the time of PySAT on the formula itself.  Goal: n = 20
in at most 30 s per formula.

Run: ``python benchmarks/bench_decide.py [--sizes 10 14 20] [--seeds 4] [--pinned]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

from ermbit.instances.cnf_families import random_kcnf
from ermbit.pipelines.decide import decide
from ermbit.solvers.sat.cdcl import is_satisfiable


def _row(n: int, seed: int, via: str, pinned: bool, limit: float) -> tuple[float, bool]:
    cnf = random_kcnf(n, round(4.26 * n), 3, seed=seed)
    start = time.perf_counter()
    truth = is_satisfiable(cnf)
    sat_s = time.perf_counter() - start
    res = decide(cnf, via, pinned=pinned, max_seconds=limit)  # raises on any disagreement
    assert res.solver is not None
    st = res.solver.details
    size = res.instance
    print(
        f"{n:>3} {seed:>4} {via:>5} {'pinned' if pinned else 'frozen':>6} "
        f"{'SAT' if truth else 'UNSAT':>5} {res.seconds:>8.2f} {sat_s * 1000:>8.2f} "
        f"{size['nodes']:>6} {size['edges']:>6} {size['samples']:>7} "
        f"{st['patterns_tried']:>8} {st['lp_calls']:>6} {st['learned_clauses']:>7}",
        flush=True,
    )
    return res.seconds, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 14, 20])
    parser.add_argument("--seeds", type=int, default=4, help="formulas per size")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--pinned", action="store_true", help="also run the pinned forms")
    parser.add_argument("--limit", type=float, default=300.0, help="solver time limit (s)")
    args = parser.parse_args()
    print(
        f"{'n':>3} {'seed':>4} {'via':>5} {'form':>6} {'truth':>5} {'decide s':>8} "
        f"{'pysat ms':>8} {'nodes':>6} {'edges':>6} {'samples':>7} {'patterns':>8} "
        f"{'LPs':>6} {'learned':>7}"
    )
    forms = (False, True) if args.pinned else (False,)
    for n in args.sizes:
        times: dict[tuple[str, bool], list[float]] = {}
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            for via in ("relu", "relu2"):
                for pinned in forms:
                    seconds, _ = _row(n, seed, via, pinned, args.limit)
                    times.setdefault((via, pinned), []).append(seconds)
        for (via, pinned), ts in times.items():
            form = "pinned" if pinned else "frozen"
            print(
                f"    n = {n}: {via} {form}: median {statistics.median(ts):.2f} s, "
                f"max {max(ts):.2f} s over {len(ts)} formulas"
            )


if __name__ == "__main__":
    main()
