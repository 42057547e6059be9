"""Piecewise-linear ERM_bit instances as MILPs in MPS (free format) and CPLEX LP files.

The model is :func:`ermbit.export._milp.build_milp` (read its docstring for what is
encoded: the sound box from the bit bound, binaries per sample and node, big-Ms from
bounds tightened with ermbit's exact LP, every sample fitted).  The files repeat this in
their comments.

**What is exact in the file.**  Nothing is promised: MPS and LP hold decimal numbers.
Each coefficient is written as the shortest decimal that reads back as the nearest
float64 (``1/3`` becomes ``0.3333333333333333``); the header counts those that are not
exact.  Box bounds are rounded **outward** (a sound bound stays sound); big-M
coefficients are computed from those rounded bounds.  The bit bound is relaxed to its box.
A solver's answer is therefore a claim: :func:`witness_from_solution` rounds its θ to
simplest rationals and the NP verifier decides; "infeasible" is reported as the solver's
claim, not as a proof.

>>> from ermbit.cnf import CNF
>>> from ermbit.reductions.sat_to_relu import SatToRelu
>>> t = SatToRelu().forward(CNF(1, ((1,),)))
>>> text = to_mps(build_milp(t.instance))
>>> text.splitlines()[0].startswith("* ermbit export mps"), "ENDATA" in text
(True, True)
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from ermbit import exact
from ermbit.errors import InputError
from ermbit.export._common import Exported, parameters
from ermbit.export._milp import Milp, build_milp
from ermbit.network.erm import ERMInstance, Witness
from ermbit.solvers.lp.program import simplest_rational

__all__ = [
    "build_milp",
    "export_lp",
    "export_mps",
    "export_text",
    "to_lp",
    "to_mps",
    "witness_from_solution",
]

_SENSE = {"<=": "L", ">=": "G", "=": "E"}


def _num(q: Any, stats: list[int], direction: int = 0) -> str:
    """``q`` as a decimal float64; ``direction`` −1/+1 rounds down/up (bounds stay sound)."""
    fr = exact.to_fraction(q)
    f = float(fr)
    if direction and Fraction(f) != fr:
        if (Fraction(f) > fr) != (direction > 0):
            f = math.nextafter(f, math.inf if direction > 0 else -math.inf)
    if Fraction(f) != fr:
        stats[0] += 1
    return repr(f)


def _header(m: Milp, inst_note: str, mark: str) -> list[str]:
    return [
        f"{mark} ermbit export {inst_note}",
        f"{mark} ERM_bit with every sample fitted, as a MILP (see ermbit.export._milp):",
        f"{mark} columns w<k>/b<k> = weight/bias of edge number k; box |theta| <= 2^K_p - 1",
        f"{mark}   from the bit bound (the bit bound itself is relaxed to this box)",
        f"{mark} binaries d<sample>_<node>_<piece>: the piece of a ReLU/PL node; big-Ms from",
        f"{mark}   bounds tightened with ermbit's exact LP ({m.tightened} nodes tightened)",
        f"{mark} {m.binaries} binaries, {len(m.rows)} rows, {len(m.cols)} columns",
        f"{mark} numbers are float64 decimals: not exact; re-check every answer exactly",
    ]


def _params_note(m: Milp) -> list[str]:
    return [*m.notes, f"parameters: {' '.join(m.params)}"]


def to_mps(m: Milp, *, note: str = "mps") -> str:
    """Free-format MPS text of the model (objective row ``obj``; '*' comment lines)."""
    stats = [0]
    body = ["NAME ermbit", "ROWS", " N obj"]
    body += [f" {_SENSE[r.sense]} {r.name}" for r in m.rows]
    body.append("COLUMNS")
    entries: dict[str, list[tuple[str, Any]]] = {c: [] for c in m.cols}
    for c, v in m.objective.items():
        entries[c].append(("obj", v))
    for r in m.rows:
        for c, v in r.coeffs.items():
            entries[c].append((r.name, v))
    in_int = False
    for c, (_, _, integer) in m.cols.items():
        if integer != in_int:
            body.append(f"    M{len(body)} 'MARKER' '{'INTORG' if integer else 'INTEND'}'")
            in_int = integer
        for row_name, v in entries[c] or [("obj", exact.Q(0))]:
            body.append(f"    {c} {row_name} {_num(v, stats)}")
    if in_int:
        body.append(f"    M{len(body)} 'MARKER' 'INTEND'")
    body.append("RHS")
    body += [f"    RHS {r.name} {_num(r.rhs, stats)}" for r in m.rows if r.rhs != 0]
    body.append("BOUNDS")
    for c, (lo, hi, integer) in m.cols.items():
        if integer and lo == 0 and hi == 1:
            body.append(f" BV BND {c}")
            continue
        body.append(f" LO BND {c} {_num(lo, stats, -1)}")
        body.append(f" UP BND {c} {_num(hi, stats, +1)}")
    body.append("ENDATA")
    head = _header(m, note, "*") + ["* " + p for p in _params_note(m)]
    head.append(f"* {stats[0]} numbers are not exact in float64")
    return "\n".join(head + body) + "\n"


def _lin_text(coeffs: dict[str, Any], stats: list[int]) -> str:
    parts = []
    for c, v in coeffs.items():
        t = _num(v, stats)
        parts.append(f"- {t[1:]} {c}" if t.startswith("-") else f"+ {t} {c}")
    return " ".join(parts) if parts else "0 " + next(iter(["zero"]))


def to_lp(m: Milp, *, note: str = "lp") -> str:
    """CPLEX LP text of the model (explicit bounds on every column; '\\' comments)."""
    stats = [0]
    body = ["Minimize", f" obj: {_lin_text(m.objective, stats) if m.objective else '0 zero'}"]
    body.append("Subject To")
    for r in m.rows:
        op = {"<=": "<=", ">=": ">=", "=": "="}[r.sense]
        lhs = _lin_text(r.coeffs, stats) if r.coeffs else "0 zero"
        body.append(f" {r.name}: {lhs} {op} {_num(r.rhs, stats)}")
    body.append("Bounds")
    body.append(" zero = 0")
    for c, (lo, hi, _) in m.cols.items():
        body.append(f" {_num(lo, stats, -1)} <= {c} <= {_num(hi, stats, +1)}")
    ints = [c for c, (_, _, i) in m.cols.items() if i]
    binary = [c for c in ints if m.cols[c][0] == 0 and m.cols[c][1] == 1]
    general = [c for c in ints if c not in binary]
    if general:
        body += ["General", " " + " ".join(general)]
    if binary:
        body += ["Binaries", " " + " ".join(binary)]
    body.append("End")
    head = _header(m, note, "\\") + ["\\ " + p for p in _params_note(m)]
    head.append(f"\\ {stats[0]} numbers are not exact in float64")
    return "\n".join(head + body) + "\n"


def witness_from_solution(
    inst: ERMInstance, values: dict[str, float], *, tolerances: tuple[float, ...] = (1e-9, 1e-6)
) -> tuple[Witness, bool]:
    """Round a float solution's θ to simplest rationals and check it with the NP verifier.

    For each tolerance ε, every coordinate becomes the simplest rational within ε of the
    float; the first rounding the verifier accepts is returned with True, else the last
    one with False (the float answer then stays unconfirmed).
    """
    wit = Witness.of({})
    for eps in tolerances:
        theta: dict[tuple[str, str], list[Any]] = {}
        for p in parameters(inst):
            x = exact.Q(Fraction(values.get(p.name, 0.0)))
            q = simplest_rational(x - exact.Q(Fraction(eps)), x + exact.Q(Fraction(eps)))
            theta.setdefault(p.edge, [exact.Q(0), exact.Q(0)])[p.part == "b"] = q
        wit = Witness.of({k: (a, b) for k, (a, b) in theta.items()})
        if inst.accepts(wit):
            return wit, True
    return wit, False


def export_text(inst: ERMInstance, fmt: str, *, tighten: int = 2000, box: Any = None) -> str:
    """The MPS (``fmt == "mps"``) or LP text of an instance."""
    m = build_milp(inst, tighten=tighten, box=box)
    return to_mps(m) if fmt == "mps" else to_lp(m)


def _export(fmt: str, inst: Any, out: str, box: Any, tighten: int, grid: Any) -> Exported:
    if not isinstance(inst, ERMInstance):
        raise InputError(f"instance: {fmt} export needs an ERM instance, got {type(inst).__name__}")
    m = build_milp(inst, tighten=tighten, box=box, grid=None if grid is None else int(grid))
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(to_mps(m) if fmt == "mps" else to_lp(m))
    scope = "; ".join(m.notes)
    return Exported(
        fmt,
        (out,),
        f"MILP, every sample fitted; {scope}; {m.binaries} binaries; float64 decimals, "
        "not exact: answers must be re-checked",
    )


def export_mps(
    inst: Any, out: str, *, box: Any = None, tighten: int = 2000, grid: Any = None, **_: Any
) -> Exported:
    """Write the MILP of ``inst`` as free MPS."""
    return _export("mps", inst, out, box, tighten, grid)


def export_lp(
    inst: Any, out: str, *, box: Any = None, tighten: int = 2000, grid: Any = None, **_: Any
) -> Exported:
    """Write the MILP of ``inst`` in CPLEX LP format."""
    return _export("lp", inst, out, box, tighten, grid)
