"""Benchmark of the exact LP solver on random systems with 20-80 variables.

Feasible systems: a random point ``x0`` with small rational entries, rows with random
small integer coefficients (density ``--density``), right-hand sides ``a·x0 + slack``
with ``slack >= 0`` (and ``> 0`` on strict rows), some equalities.  Infeasible systems:
the same, plus one row that contradicts a non-negative combination of a few rows.
Prints, per size, the time of ``feasible``, the pivots, the core size (and the time of
the irreducible core), and the time and effect of ``simplify_point``.

Run: ``python benchmarks/bench_lp.py [--sizes 20 40 80] [--reps 3] [--seed 1]``.
"""

from __future__ import annotations

import argparse
import random
import time

from ermbit.exact import Q, enc
from ermbit.solvers.lp.program import Constraint, feasible, simplify_point


def random_system(
    rng: random.Random, n: int, m: int, density: float, equalities: float = 0.1
) -> list[Constraint]:
    x0 = {j: Q(rng.randint(-9, 9), rng.randint(1, 4)) for j in range(n)}
    cons = []
    for i in range(m):
        coeffs = {j: rng.randint(-5, 5) for j in range(n) if rng.random() < density}
        value = sum((Q(a) * x0[j] for j, a in coeffs.items()), Q(0))
        kind = rng.random()
        if kind < equalities:
            cons.append(Constraint(coeffs, "==", value, tag=f"r{i}"))
        elif kind < equalities + 0.45:
            cons.append(Constraint(coeffs, "<", value + rng.randint(1, 3), tag=f"r{i}"))
        else:
            cons.append(Constraint(coeffs, ">=", value - rng.randint(0, 3), tag=f"r{i}"))
    return cons


def contradict(rng: random.Random, cons: list[Constraint]) -> list[Constraint]:
    """Add a row violating a positive combination of three inequality rows."""
    picks = rng.sample([c for c in cons if c.op != "=="], 3)
    combo: dict[object, object] = {}
    bound = Q(0)
    for c in picks:
        sign = 1 if c.op in ("<=", "<") else -1  # as a <=-row: sign*a·x <= sign*b
        weight = Q(rng.randint(1, 3))
        for v, a in c.coeffs.items():
            combo[v] = combo.get(v, Q(0)) + weight * sign * a
        bound += weight * sign * c.rhs
    return [*cons, Constraint(combo, ">", bound, tag="contradiction")]


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 40, 60, 80])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--density", type=float, default=0.3)
    parser.add_argument("--rows-per-var", type=float, default=1.5)
    parser.add_argument("--equalities", type=float, default=0.1, help="fraction of == rows")
    parser.add_argument(
        "--projection-max", type=int, default=20, help="largest n for simplify 'projection'"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(
        f"{'n':>3} {'m':>4} {'kind':>10} {'time s':>8} {'pivots':>6} | {'core':>4} {'iis':>4} "
        f"{'iis s':>7} | {'enc':>6} {'coord':>6} {'s':>6} {'proj':>6} {'s':>6}"
    )
    for n in args.sizes:
        m = int(args.rows_per_var * n)
        for _ in range(args.reps):
            cons = random_system(rng, n, m, args.density, args.equalities)
            res, t = timed(feasible, cons)
            assert res.status == "feasible" and res.point is not None
            coord, tc = timed(simplify_point, cons, res.point)
            proj = f"{'-':>6} {'-':>6}"
            if n <= args.projection_max:
                small, tp = timed(simplify_point, cons, res.point, method="projection")
                proj = f"{enc(small.values()):>6} {tp:>6.2f}"
            print(
                f"{n:>3} {m:>4} {'feasible':>10} {t:>8.3f} {res.pivots:>6} | {'':>4} {'':>4} "
                f"{'':>7} | {enc(res.point.values()):>6} {enc(coord.values()):>6} {tc:>6.2f} "
                + proj
            )
            bad = contradict(rng, cons)
            res, t = timed(feasible, bad)
            assert res.status == "infeasible"
            iis, ti = timed(feasible, bad, irreducible_core=True)
            print(
                f"{n:>3} {m + 1:>4} {'infeasible':>10} {t:>8.3f} {res.pivots:>6} | "
                f"{len(res.core):>4} {len(iis.core):>4} {ti:>7.3f} |"
            )


if __name__ == "__main__":
    main()
