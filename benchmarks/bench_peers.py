"""Benchmark: ermbit's exact ERM solver against z3, cvc5, HiGHS, CP-SAT and PySAT.

Rows: random 3-CNF at clause ratio 4.26 with n in {10, 20, 30, 40, 50}, reduced by
``sat-to-relu`` (R1) and ``sat-to-relu2`` (R2); every solver gets a time limit (z3, cvc5
on the relaxed SMT-LIB export, HiGHS on the MPS export, CP-SAT on the integer-grid MILP,
PySAT on the formula).  Every "sat" is re-checked exactly.  Printed: the table of
:func:`ermbit.studies.solvers.format_table` (seconds inside each solver, agreement with
PySAT, ermbit / best correct peer, ermbit / PySAT) and a PNG of time vs n.

Goal stated in the issue: ermbit ahead of every peer at n ≥ 20 and within 100× of PySAT.

Run: ``python benchmarks/bench_peers.py [--quick] [--timeout S] [--png peers.png]``.
"""

from __future__ import annotations

import argparse
import sys

from ermbit.studies.solvers import format_table, plot, ratios, study


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="n = 10, 20 only")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--seeds", type=int, nargs="*", default=[0])
    ap.add_argument("--relu2-max", type=int, default=40, help="largest n for sat-to-relu2")
    ap.add_argument("--png", default="peers.png")
    args = ap.parse_args()
    sizes = [10, 20] if args.quick else [10, 20, 30, 40, 50]
    rows = study(sizes, seeds=args.seeds, families=("sat-to-relu",), timeout=args.timeout)
    small = [n for n in sizes if n <= args.relu2_max]
    rows += study(small, seeds=args.seeds, families=("sat-to-relu2",), timeout=args.timeout)
    print(format_table(rows))
    ahead = [r for r in rows if r.n >= 20 and (ratios(r)[0] or 0) > 1]
    slow = [r for r in rows if ratios(r)[1] > 100]
    print(f"\nrows with n >= 20 where some peer beat ermbit: {len(ahead)}")
    print(f"rows where ermbit is more than 100x PySAT: {len(slow)}")
    plot(rows, args.png)
    print(f"plot saved to {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
