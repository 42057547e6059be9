"""Benchmark: the general exact ERM_bit solver against z3, CP-SAT and plain enumeration.

Every solver answers the same ERM_bit question (is there θ with enc(θ) ≤ β and
L(θ) ≤ γ?) on the same instances, in one run:

* ``ermbit`` -- :func:`ermbit.solvers.erm.general.solve_general` (complete search);
* ``z3`` -- the integer encoding of :mod:`ermbit.solvers.erm.peers` in QF_NIA: each
  parameter p/q with bounded integers p, q ≥ 1, bit lengths a, c with |p| ≤ 2^a − 1,
  q ≤ 2^c − 1, and β as the one linear constraint Σ (1 + a + c) ≤ β;
* ``cpsat`` -- OR-tools CP-SAT on the same encoding (2 workers);
* ``enum`` -- enumeration of {θ : enc(θ) ≤ β} in order of size, only where it has at
  most ``--enum-points`` points.

Instances: the training catalogue (:mod:`ermbit.instances.training`) at each record's β,
SAT → ReLU (R1, :mod:`ermbit.reductions.sat_to_relu`) instances of random 3-CNF at
clause ratio 4.26 with n in ``--sat-sizes``, and SAT → 2-ReLU data sets (R2,
:mod:`ermbit.reductions.splitting_to_relu`) of the same formulas with n in
``--relu2-sizes`` (n = 5 is unsatisfiable: a NO the relaxation proves over ℝ).  For
each instance it prints time and answer per solver (YES/NO/?; "-" when the encoding
does not apply), checks that the decided answers agree and that every YES witness
passes the NP verifier (:meth:`ERMInstance.evaluate`), and the ratio ermbit / best peer
(the fastest peer that decided; when none did, ``<t/limit``, an upper bound).  The
summary gives the median ratio.  Peers are optional (``pip install z3-solver
ortools``); a missing one is reported and skipped.

Run: ``python benchmarks/bench_general.py [--limit 60] [--sat-sizes 3 4 5 6]
[--relu2-sizes 3 4 5] [--only NAME]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from ermbit.errors import BudgetExceeded, InputError
from ermbit.instances.cnf_families import random_kcnf
from ermbit.instances.training import CATALOGUE
from ermbit.network.erm import ERMInstance
from ermbit.reductions.sat_to_relu import SatToRelu
from ermbit.reductions.splitting_to_relu import SatToRelu2
from ermbit.solvers.erm._general_enum import count_points, enumerate_domain
from ermbit.solvers.erm.general import solve_general
from ermbit.solvers.erm.peers import solve_cpsat, solve_z3

Answer = tuple[bool | None, Any]


def _ermbit(inst: ERMInstance, limit: float) -> Answer:
    res = solve_general(inst, time_limit=limit)
    return res.decision, res.witness


def _enum(max_points: int) -> Callable[[ERMInstance, float], Answer]:
    def run(inst: ERMInstance, limit: float) -> Answer:
        if count_points(2 * len(inst.network.free_edges()), inst.bit_bound) > max_points:
            raise InputError("domain too large to enumerate")
        res = enumerate_domain(inst, max_points=max_points)
        return res.decision, res.witness

    return run


def _peer(fn: Callable[..., Any]) -> Callable[[ERMInstance, float], Answer]:
    def run(inst: ERMInstance, limit: float) -> Answer:
        return fn(inst, time_limit=limit)

    return run


def _instances(
    sizes: list[int], relu2_sizes: list[int], only: str | None
) -> list[tuple[str, ERMInstance]]:
    out = [(name, rec.instance()) for name, rec in CATALOGUE.items()]
    for n in sizes:
        cnf = random_kcnf(n, round(4.26 * n), 3, seed=n)
        out.append((f"sat-to-relu n={n}", SatToRelu().forward(cnf).instance))
    for n in relu2_sizes:
        cnf = random_kcnf(n, round(4.26 * n), 3, seed=n)
        out.append((f"sat-to-relu2 n={n}", SatToRelu2().forward(cnf).instance))
    return [(n, i) for n, i in out if only is None or only in n]


def _cell(
    inst: ERMInstance, run: Callable[..., Answer], limit: float
) -> tuple[str, float | None, bool | None]:
    start = time.perf_counter()
    try:
        decision, witness = run(inst, limit)
    except (InputError, BudgetExceeded, ImportError):
        return "-", None, None
    seconds = time.perf_counter() - start
    if decision:
        if witness is None or not inst.evaluate(witness).accepted:
            raise AssertionError("a YES witness fails the NP verifier")
    word = {True: "YES", False: "NO", None: "?"}[decision]
    return f"{word} {seconds:7.2f}", (seconds if decision is not None else None), decision


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=float, default=60.0, help="seconds per solver and instance")
    ap.add_argument("--sat-sizes", type=int, nargs="*", default=[3, 4, 5, 6])
    ap.add_argument("--relu2-sizes", type=int, nargs="*", default=[3, 4, 5])
    ap.add_argument("--enum-points", type=int, default=20_000)
    ap.add_argument("--only", default=None, help="only instances whose name contains this")
    args = ap.parse_args()
    solvers = {
        "ermbit": _ermbit,
        "z3": _peer(solve_z3),
        "cpsat": _peer(solve_cpsat),
        "enum": _enum(args.enum_points),
    }
    header = f"{'instance':<20} {'β':>3} " + " ".join(f"{s:>11}" for s in solvers) + "   ratio"
    print(header)
    print("-" * len(header))
    ratios, disagreements = [], 0
    for name, inst in _instances(args.sat_sizes, args.relu2_sizes, args.only):
        cells, times, answers, tried = [], {}, {}, 0
        for sname, run in solvers.items():
            text, seconds, decision = _cell(inst, run, args.limit)
            cells.append(f"{text:>11}")
            tried += sname != "ermbit" and text != "-"
            if seconds is not None:
                times[sname], answers[sname] = seconds, decision
        agree = len(set(answers.values())) <= 1
        disagreements += not agree
        peers = [t for s, t in times.items() if s != "ermbit"]
        ratio = ""
        if "ermbit" in times and peers:
            r = times["ermbit"] / max(min(peers), 1e-3)
            ratios.append(r)
            ratio = f"{r:7.2f}"
        elif "ermbit" in times and tried:
            # peers ran but none decided within the limit: the ratio is below t / limit
            r = times["ermbit"] / args.limit
            ratios.append(r)
            ratio = f"<{r:.2f}"
        flag = "" if agree else "  DISAGREE"
        print(
            f"{name:<20} {inst.bit_bound:>3} " + " ".join(cells) + f" {ratio:>7}{flag}", flush=True
        )
    print("-" * len(header))
    med = f"{statistics.median(ratios):.2f}" if ratios else "n/a"
    print(
        f"median ratio ermbit / best peer: {med} over {len(ratios)} instances; "
        f"disagreements: {disagreements}; every YES witness verified exactly"
    )


if __name__ == "__main__":
    main()
