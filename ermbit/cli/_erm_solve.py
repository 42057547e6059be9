"""``ermbit solve`` on an ERM_bit instance: method choice, limits, --min-bits, progress."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

from ermbit.errors import InputError

if TYPE_CHECKING:  # the solvers load lazily, on the first solve
    from ermbit.solvers.erm.result import SolveResult

METHODS = ("auto", "general", "pattern", "pinned")


def add_solve_options(p: argparse.ArgumentParser) -> None:
    """The ERM options of ``solve``."""
    p.add_argument(
        "--method",
        choices=METHODS,
        default="auto",
        help="auto: a structural solver where it applies, else the general one; general: "
        "complete search of {θ : enc(θ) ≤ β}; pattern: piecewise-linear pattern search; "
        "pinned: presolve of forcing samples",
    )
    p.add_argument("--time-limit", type=float, default=None, metavar="S", help="seconds")
    p.add_argument(
        "--min-bits",
        action="store_true",
        help="the least β' ≤ β with a witness, minimality proved by NO at β' − 1 (general)",
    )


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[dict[str, Any]], None] | None]:
    """A tqdm line on stderr that appears after 2 s, or nothing."""
    if not enabled:
        yield None
        return
    from tqdm import tqdm  # type: ignore[import-untyped]

    bar = tqdm(desc="general search", unit=" choices", delay=2, file=sys.stderr, leave=False)
    done = [0]

    def report(st: dict[str, Any]) -> None:
        bar.update(st["choices"] - done[0])
        done[0] = st["choices"]
        extra = {"lps": st["real_lps"]} if "real_lps" in st else {}  # the relaxation's turn
        bar.set_postfix(beta=st["beta"], vectors=st["vectors"], solves=st["linear_solves"], **extra)

    try:
        yield report
    finally:
        bar.close()


def _structural(inst: Any, method: str, budget: int | None, certify: bool = False) -> SolveResult:
    from ermbit.solvers.erm.dispatch import is_piecewise_linear, solve_erm

    if method == "pattern" and not is_piecewise_linear(inst):
        raise InputError("--method pattern: the network has a non-piecewise-linear activation")
    if method == "pinned" and is_piecewise_linear(inst):
        from ermbit.solvers.erm.pinned import solve_pinned

        return solve_pinned(inst, budget_bits=budget)
    return solve_erm(inst, budget_bits=budget, certify=certify)


def solve_instance(inst: Any, args: argparse.Namespace) -> SolveResult:
    """The SolveResult for ``args.method``; ``auto`` records its choice in ``method``."""
    from ermbit.solvers.erm.general import solve_general

    method = args.method
    show = not args.json and sys.stderr.isatty()
    if method == "general" or args.min_bits:
        if method in ("pattern", "pinned"):
            raise InputError(f"--min-bits: needs --method general or auto, not {method}")
        with _progress(show) as report:
            res = solve_general(
                inst, time_limit=args.time_limit, min_bits=args.min_bits, progress=report
            )
        return _tag(res, "general" if method == "general" else "auto: general (--min-bits)")
    if method in ("pattern", "pinned"):
        return _tag(_structural(inst, method, args.budget_bits, args.certify), method)
    try:
        res = _structural(inst, "auto", args.budget_bits, args.certify)
    except InputError as exc:
        why = f"auto: general (structural solver refused: {exc})"
    else:
        if res.decision is not None:
            return _tag(res, f"auto: structural ({res.solver})")
        why = f"auto: general (structural solver undecided: {res.explanation})"
    with _progress(show) as report:
        res = solve_general(inst, time_limit=args.time_limit, progress=report)
    return _tag(res, why)


def _tag(res: SolveResult, method: str) -> SolveResult:
    from dataclasses import replace

    return replace(res, details={"method": method, **res.details})


def write_result(res: SolveResult, args: argparse.Namespace, out: TextIO) -> None:
    """Print a SolveResult (plus the method and, with --min-bits, the least β')."""
    from ermbit.cli._base import emit_json

    if args.json:
        emit_json(out, res.to_json())
        return
    out.write(res.summary() + "\n")
    out.write(f"method    {res.details['method']}\n")
    if "min_bits" in res.details:
        out.write(f"min bits  {res.details['min_bits']}\n")
    if res.witness is not None:
        from ermbit.exact import fmt

        for (u, v), (w, b) in res.witness.theta:
            out.write(f"  {u}->{v}  w = {fmt(w)}  b = {fmt(b)}\n")
    if "stopped" in res.details:
        out.write(f"stopped   {res.details['stopped']}\n")
