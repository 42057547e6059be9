"""Run the files ermbit exports through the tools they are meant for; re-check answers.

* :func:`run_smt` -- z3 or cvc5 on an SMT-LIB script, in a child process with a time
  limit (the child is killed past it).
* :func:`run_highs` -- HiGHS on an MPS/LP file.

A tool's "unsat"/"infeasible" is reported as **that tool's claim**; a "sat"/"feasible"
comes with a model that the caller maps back and checks exactly (the NP verifier).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass

from ermbit.errors import BackendUnavailable, InputError

__all__ = ["SMT_SOLVERS", "ToolRun", "run_highs", "run_smt"]

SMT_SOLVERS = ("z3", "cvc5")
_MODULE = {"z3": "z3", "cvc5": "cvc5"}


@dataclass(frozen=True)
class ToolRun:
    """One run: ``status`` (``sat``/``unsat``/``unknown``/``timeout``, or HiGHS's
    ``feasible``/``infeasible``), the tool's raw ``output``, ``seconds`` (wall clock of the
    whole run), ``solver_seconds`` (inside the solver: no process start, no import), and
    for HiGHS the float ``values`` of the columns by name."""

    tool: str
    status: str
    output: str
    seconds: float
    values: dict[str, float] | None = None
    solver_seconds: float | None = None


def _require(module: str, extra: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise BackendUnavailable(f"{module} is not installed; pip install ermbit[{extra}]")


def run_smt(solver: str, text: str, *, timeout: float = 10.0) -> ToolRun:
    """Run ``text`` through ``solver`` (``z3`` or ``cvc5``) with a time limit in seconds."""
    if solver not in SMT_SOLVERS:
        raise InputError(f"solver: expected one of {SMT_SOLVERS}, got {solver!r}")
    _require(_MODULE[solver], "export")
    cmd = [sys.executable, "-m", "ermbit.export._smt_child", solver, str(int(timeout * 1000))]
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = os.pathsep.join([root, env.get("PYTHONPATH", "")])
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, input=text, capture_output=True, text=True, timeout=timeout + 5, env=env
        )
    except subprocess.TimeoutExpired:
        return ToolRun(solver, "timeout", "", time.perf_counter() - start)
    seconds = time.perf_counter() - start
    out = proc.stdout.strip()
    first = out.split(None, 1)[0] if out else ""
    status = first if first in ("sat", "unsat", "unknown") else "unknown"
    if status == "unknown" and seconds >= timeout:
        status = "timeout"
    elif not first and proc.returncode != 0:
        status = "error"
    inside = None
    for line in proc.stderr.splitlines():
        if line.startswith("ermbit-seconds: "):
            inside = float(line.split(": ", 1)[1])
    return ToolRun(solver, status, out or proc.stderr.strip(), seconds, None, inside)


def run_highs(path: str, *, timeout: float = 10.0) -> ToolRun:
    """Solve an MPS or LP file with HiGHS (float arithmetic, its own tolerances)."""
    _require("highspy", "export")
    import highspy

    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(timeout))
    h.setOptionValue("threads", 1)
    start = time.perf_counter()
    status = h.readModel(path)
    if status != highspy.HighsStatus.kOk:
        raise InputError(f"{path}: HiGHS could not read the model ({status})")
    h.run()
    seconds = time.perf_counter() - start
    ms = h.getModelStatus()
    name = h.modelStatusToString(ms)
    values: dict[str, float] | None = None
    if ms == highspy.HighsModelStatus.kOptimal:
        sol = h.getSolution()
        lp = h.getLp()
        values = dict(zip(lp.col_names_, sol.col_value, strict=True))
        status_word = "feasible"
    elif ms == highspy.HighsModelStatus.kInfeasible:
        status_word = "infeasible"
    elif ms == highspy.HighsModelStatus.kTimeLimit:
        status_word = "timeout"
    else:
        status_word = "unknown"
    return ToolRun("highs", status_word, name, seconds, values, seconds)
