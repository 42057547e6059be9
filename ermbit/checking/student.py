"""Failure reports that speak to a student: which direction failed, with both sides' values.

The verifier (:mod:`.verifier`) records terse checks ("claim: … FAILS", "lift(…) is no
solution").  :func:`student_report` re-runs the failing checks on one (small) input and
says in words what went wrong: the input itself, then for each failed direction -- the
forward claim, the lift of a source solution, the map back of a target solution -- what
was computed on the source side and on the target side, and why they do not fit.
:func:`sweep_report` does this for the smallest failing input of a sweep.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ermbit.checking.oracles import SolverOracles
from ermbit.checking.verifier import Check, VerificationReport, size_summary, verify
from ermbit.reductions.base import Reduction

__all__ = ["show", "student_report", "sweep_report"]

_RELATION = {
    "equal": "the two must be equal",
    "iff": "both must be true or both false",
    "times": "the target's must be {factor} times the source's",
}


def show(obj: Any, limit: int = 300) -> str:
    """A short readable form: a formula as φ, an assignment as x1=1, x2=0, else repr."""
    from ermbit.cnf import CNF

    if isinstance(obj, CNF):
        text = f"φ = {obj}" if obj.clauses else "the empty formula (no clauses)"
        if any(not c for c in obj.clauses):
            text += "  (⊥ is an empty clause: no assignment satisfies it)"
    elif obj == ():
        text = "the empty assignment ()"
    elif isinstance(obj, tuple) and obj and all(isinstance(v, bool) for v in obj):
        text = ", ".join(f"x{i}={int(v)}" for i, v in enumerate(obj, 1))
    elif hasattr(obj, "cnf") and isinstance(obj.cnf, CNF):
        text = f"{type(obj).__name__} of {obj.cnf}"
    else:
        text = repr(obj)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _claim_words(red: Reduction, src: Any, target: Any) -> list[str]:
    claim = red.claim(src)
    oracles = SolverOracles()
    s = claim.source(src, oracles)
    t = claim.target(src, target, oracles)
    rule = _RELATION.get(claim.relation, claim.relation).format(factor=claim.factor)
    arithmetic = {
        "equal": f"{show(t)} ≠ {show(s)}",
        "iff": f"target {bool(t)}, source {bool(s)}",
        "times": f"{show(t)} ≠ {claim.factor} × {show(s)}",
    }.get(claim.relation, "")
    return [
        "The forward claim fails.",
        f"  You claim: {claim.statement}",
        f"  Source side ({claim.source_oracle}): {show(s)}",
        f"  Target side ({claim.target_oracle}): {show(t)}",
        f"  Relation '{claim.relation}': {rule}, and here they are not ({arithmetic}).",
    ]


def _nth(items: Any, i: int) -> Any:
    for k, item in enumerate(items):
        if k == i:
            return item
    return None


def _witness_words(red: Reduction, src: Any, target: Any, check: Check) -> list[str]:
    name, _, rest = check.name.partition("[")
    i = int(rest.rstrip("]") or 0)
    oracles = SolverOracles()
    if name in ("lift", "back"):
        sol = _nth(red.source_solutions(src, oracles), i)
        if name == "lift":
            if check.detail.startswith("raised"):
                return [f"The lift direction fails: lift({show(sol)}) {check.detail}."]
            lifted = red.lift(src, target, sol)
            return [
                "The lift direction fails (source solution → target solution).",
                f"  Source solution: {show(sol)} (it solves the source).",
                f"  Your lift maps it to: {show(lifted)}",
                "  but that is not a solution of the target (is_target_solution says no).",
            ]
        t_sol = red.lift(src, target, sol)
    else:
        t_sol = _nth(red.target_solutions(src, target, oracles), i)
    if check.detail.startswith("raised"):
        return [f"The back direction fails: back({show(t_sol)}) {check.detail}."]
    back = red.back(src, target, t_sol)
    where = "a lifted" if name == "back" else "a solver-found"
    return [
        "The back direction fails (target solution → source solution).",
        f"  Target solution ({where} one): {show(t_sol)}",
        f"  Your back maps it to: {show(back)}",
        "  but that is not a solution of the source (is_source_solution says no).",
    ]


def student_report(red: Reduction, src: Any, report: VerificationReport | None = None) -> str:
    """What failed on ``src``, in words ('' when every check passed)."""
    report = verify(red, src) if report is None else report
    if report.passed:
        return ""
    name = red.name or type(red).__name__
    sizes = ", ".join(f"{k} {v}" for k, v in size_summary(src).items())
    out = [
        f"Your reduction {name!r} ({red.source_kind or '?'} → {red.target_kind or '?'}) "
        "fails on this input:",
        f"  {show(src)}" + (f"   ({sizes})" if sizes else ""),
        "",
    ]
    try:
        target = red.forward(src)
    except Exception as exc:  # the construction itself is the bug
        return "\n".join([*out, f"forward raised {type(exc).__name__}: {exc}", ""])
    out.append(f"It builds: {show(target, 200)}")
    for n, check in enumerate(report.failures, 1):
        out.append("")
        try:
            words = (
                _claim_words(red, src, target)
                if check.name == "claim"
                else _witness_words(red, src, target, check)
            )
        except Exception as exc:
            words = [f"{check.name} fails: {check.detail} (recomputing it raised {exc!r})"]
        out += [f"{n}. {words[0]}", *words[1:]]
    return "\n".join(out) + "\n"


def sweep_report(spec: str, failures: Sequence[dict[str, Any]], shrunk_file: str | None) -> str:
    """:func:`student_report` for the smallest failing input of a sweep of ``spec``.

    Reads the shrunk counterexample file when the sweep wrote one, else shrinks again
    into a temporary directory (inputs here are tiny).
    """
    from ermbit.checking._tasks import resolve_reduction
    from ermbit.checking.counterexample import read_counterexample, shrink_smallest

    red = resolve_reduction(spec)
    if shrunk_file:
        return "The smallest failing input found.\n" + student_report(
            red, read_counterexample(shrunk_file)
        )
    with tempfile.TemporaryDirectory() as tmp:
        found = shrink_smallest(spec, list(failures), Path(tmp), 200)
        src = read_counterexample(found["file"])
    return "The smallest failing input found.\n" + student_report(red, src)
