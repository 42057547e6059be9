"""ermbit's exact solvers against the tools people use, on the paper's NP instances.

For random 3-CNF φ at clause ratio 4.26 (n variables, seeded), the instances
``sat-to-relu`` (R1) and ``sat-to-relu2`` (R2) are answered by

* **ermbit** -- :func:`~ermbit.solvers.erm.pattern.solve_pl`, exact (patterns by SAT, exact LP);
* **z3**, **cvc5** -- the relaxed SMT-LIB export (QF_LRA: real θ, no bit bound; for R1 and R2
  the real question has the same answer, since their ``back`` maps any real zero-loss θ
  to a model), in a child process with a time limit;
* **HiGHS** -- the MPS export (R2 in the lift's box |θ_c| ≤ L − 1, a restriction that keeps
  every lifted witness: see :mod:`ermbit.export._milp`);
* **CP-SAT** -- the same MILP on the integer grid (θ integer: R1's and R2's lifted
  witnesses are integral, so the answer is unchanged);
* **PySAT** on φ itself -- the floor: no encoding can beat solving the formula.

Every "sat"/"feasible" answer is mapped back to θ and **re-checked exactly** (zero loss by
the NP verifier); a peer's "unsat"/"infeasible" is that peer's claim, compared with PySAT's
answer.  Times are seconds inside each solver (float, measured, for the table only): the
encodings are built beforehand, and z3/cvc5 are timed inside their child process.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ermbit import exact
from ermbit.cnf import CNF
from ermbit.export._common import parameters
from ermbit.export._milp import Milp, build_milp
from ermbit.export.mps import to_mps, witness_from_solution
from ermbit.export.run import run_highs, run_smt
from ermbit.export.smt2 import to_smt2, witness_from_model
from ermbit.instances import generate
from ermbit.network.erm import ERMInstance, Witness
from ermbit.reductions.sat_to_relu import SatToRelu
from ermbit.reductions.splitting_to_relu import SatToRelu2, _lift_scale

__all__ = [
    "PEERS",
    "format_table",
    "PeerRow",
    "plot",
    "ratios",
    "study",
]

PEERS = ("ermbit", "z3", "cvc5", "highs", "cpsat", "pysat")
RATIO = "213/50"  # 4.26


@dataclass(frozen=True)
class PeerRow:
    """One instance: its family, n, m, seed, PySAT's answer, and per solver the answer
    (``sat``/``unsat``/``timeout``/``unknown``/``n/a``/``wrong``) and seconds."""

    family: str
    n: int
    m: int
    seed: int
    satisfiable: bool
    answers: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


Answer = tuple[str, float]  # (answer, seconds inside the solver)


def _ermbit(inst: ERMInstance) -> Answer:
    from ermbit.solvers.erm.pattern import solve_pl

    start = time.perf_counter()
    res = solve_pl(inst)
    took = time.perf_counter() - start
    if res.decision is None:
        return "unknown", took
    if res.decision and (res.witness is None or not inst.accepts(res.witness)):
        return "wrong", took
    return ("sat" if res.decision else "unsat"), took


def _fits(inst: ERMInstance, wit: Witness) -> bool:
    return bool(inst.evaluate(wit).loss == 0)


def _smt(solver: str, inst: ERMInstance, timeout: float) -> Answer:
    run = run_smt(solver, to_smt2(inst, relax=True).text, timeout=timeout)
    took = run.seconds if run.solver_seconds is None else run.solver_seconds
    if run.status == "sat":
        fit = _fits(inst, witness_from_model(inst, run.output))
        return ("sat" if fit else "wrong"), took
    return run.status, took


def _highs(m: Milp, inst: ERMInstance, timeout: float) -> Answer:
    fd, path = tempfile.mkstemp(suffix=".mps")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(to_mps(m))
        run = run_highs(path, timeout=timeout)
    finally:
        os.unlink(path)
    if run.status == "feasible":
        wit, _ = witness_from_solution(inst, run.values or {})
        return ("sat" if _fits(inst, wit) else "wrong"), run.seconds
    return {"infeasible": "unsat"}.get(run.status, run.status), run.seconds


def _cpsat(m: Milp, inst: ERMInstance, timeout: float) -> Answer:
    """The MILP with every column integer (rows scaled to integer coefficients)."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    var = {}
    for c, (lo, hi, _) in m.cols.items():
        ceil_lo = -int(-lo.numerator // lo.denominator)
        var[c] = model.new_int_var(ceil_lo, int(hi.numerator // hi.denominator), c)
    for r in m.rows:
        scale = exact.Z(1)
        for v in [r.rhs, *r.coeffs.values()]:
            scale = exact.lcm(scale, v.denominator)
        expr = sum(int(v * scale) * var[c] for c, v in r.coeffs.items())
        rhs = r.rhs * scale
        if r.sense == "<=":
            model.add(expr <= int(rhs.numerator // rhs.denominator))
        elif r.sense == ">=":
            model.add(expr >= -int(-rhs.numerator // rhs.denominator))
        elif rhs.denominator != 1:
            return "unsat", 0.0
        else:
            model.add(expr == int(rhs))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(timeout)
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    took = solver.wall_time
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        theta: dict[tuple[str, str], list[Any]] = {}
        for p in parameters(inst):
            theta.setdefault(p.edge, [0, 0])[p.part == "b"] = solver.value(var[p.name])
        wit = Witness.of({k: (a, b) for k, (a, b) in theta.items()})
        return ("sat" if _fits(inst, wit) else "wrong"), took
    return {cp_model.INFEASIBLE: "unsat"}.get(status, "timeout"), took


def _pysat(cnf: CNF) -> Answer:
    from ermbit.solvers.sat.cdcl import is_satisfiable

    start = time.perf_counter()
    ans = "sat" if is_satisfiable(cnf) else "unsat"
    return ans, time.perf_counter() - start


def _row(family: str, red: Any, cnf: CNF, n: int, seed: int, timeout: float) -> PeerRow:
    t = red.forward(cnf)
    inst = t.instance
    row = PeerRow(family, n, cnf.num_clauses, seed, _pysat(cnf)[0] == "sat")
    box = _lift_scale(t.splitting) if family == "sat-to-relu2" else None
    # R2 in the lift box: interval bounds are already small (0/1 inputs, |θ_c| ≤ L − 1), and
    # exact-LP tightening over its many samples costs minutes at n ≥ 20, so it is skipped
    milp = build_milp(inst, box=box, tighten=0 if box is not None else 2000)
    runs: dict[str, Callable[[], Answer]] = {
        "ermbit": lambda: _ermbit(inst),
        "z3": lambda: _smt("z3", inst, timeout),
        "cvc5": lambda: _smt("cvc5", inst, timeout),
        "highs": lambda: _highs(milp, inst, timeout),
        "cpsat": lambda: _cpsat(milp, inst, timeout),
        "pysat": lambda: _pysat(cnf),
    }
    for name, fn in runs.items():
        row.answers[name], row.seconds[name] = fn()
    return row


def study(
    sizes: Sequence[int] = (8, 12),
    *,
    seeds: Sequence[int] = (0,),
    families: Sequence[str] = ("sat-to-relu", "sat-to-relu2"),
    timeout: float = 10.0,
    progress: Callable[[int, int], None] | None = None,
) -> list[PeerRow]:
    """One row per (family, n, seed); random 3-CNF with m = round(4.26·n) clauses."""
    reds = {"sat-to-relu": SatToRelu(), "sat-to-relu2": SatToRelu2()}
    jobs = [(f, n, s) for f in families for n in sizes for s in seeds]
    rows = []
    for k, (fam, n, seed) in enumerate(jobs):
        m = round(n * exact.parse(RATIO))
        cnf = generate("random-kcnf", {"n": str(n), "m": str(m), "k": "3"}, seed=seed)
        assert isinstance(cnf, CNF)
        rows.append(_row(fam, reds[fam], cnf, n, seed, timeout))
        if progress:
            progress(k + 1, len(jobs))
    return rows


def _agrees(row: PeerRow, name: str) -> bool:
    return row.answers[name] == ("sat" if row.satisfiable else "unsat")


def ratios(row: PeerRow) -> tuple[float | None, float]:
    """(ermbit / fastest correct peer, ermbit / PySAT); None when no peer answered."""
    peers = [row.seconds[p] for p in ("z3", "cvc5", "highs", "cpsat") if _agrees(row, p)]
    best = min(peers) if peers else None
    e = row.seconds["ermbit"]
    return (e / best if best else None), e / max(row.seconds["pysat"], 1e-6)


def format_table(rows: Sequence[PeerRow]) -> str:
    """Answers and seconds per solver, agreement with PySAT, and the two ratios."""
    head = ["family", "n", "m", "seed", "SAT"]
    head += [p for p in PEERS] + ["agree", "ermbit/best peer", "ermbit/pysat"]
    lines = []
    for r in rows:
        cells = [r.family, str(r.n), str(r.m), str(r.seed), "yes" if r.satisfiable else "no"]
        for p in PEERS:
            mark = "" if _agrees(r, p) else f" {r.answers[p]}"
            cells.append(f"{r.seconds[p]:.3f}{mark}")
        ok = all(_agrees(r, p) or r.answers[p] in ("timeout", "unknown") for p in PEERS)
        best, floor = ratios(r)
        cells += ["yes" if ok else "NO", "—" if best is None else f"{best:.3g}", f"{floor:.3g}"]
        lines.append(cells)
    widths = [max(len(x[i]) for x in [head, *lines]) for i in range(len(head))]
    out = ["  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True))]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.rjust(w) for c, w in zip(x, widths, strict=True)) for x in lines]
    return "\n".join(out)


def plot(rows: Sequence[PeerRow], path: str) -> None:
    """Time vs n per solver (median over seeds), one panel per family, log scale."""
    import statistics

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fams = sorted({r.family for r in rows})
    fig, axes = plt.subplots(1, len(fams), figsize=(6 * len(fams), 4), squeeze=False)
    for ax, fam in zip(axes[0], fams, strict=True):
        sub = [r for r in rows if r.family == fam]
        ns = sorted({r.n for r in sub})
        for p in PEERS:
            ys = [statistics.median(r.seconds[p] for r in sub if r.n == n) for n in ns]
            ax.plot(ns, ys, marker="o", label=p)
        ax.set_yscale("log")
        ax.set_xlabel("n (variables), m = 4.26 n")
        ax.set_ylabel("seconds [float, wall clock]")
        ax.set_title(fam)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
