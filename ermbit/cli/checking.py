"""Commands for checking and teaching: ``verify`` (verifier sweeps) and ``explain``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from ermbit.cli._base import (
    EXIT_BUDGET,
    EXIT_FAILED,
    EXIT_OK,
    add_force,
    check_output,
    command,
    emit_json,
)
from ermbit.cli.tools import _params, _progress
from ermbit.errors import InputError
from ermbit.files import write_atomic

#: ``--oracle`` choices: ermbit.checking.oracles.ERM_ORACLES (not imported here, which would
#: load every solver before the parser runs; a test keeps the two equal).
ORACLES = ("structural", "general")

__all__ = ["explain_cmd", "verify_cmd"]


def _verify_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", nargs="?", default=None, help="a registered reduction")
    p.add_argument(
        "--reduction",
        default=None,
        metavar="MODULE:CLASS",
        help="a reduction of your own following the protocol",
    )
    p.add_argument("--list", action="store_true", help="list the registered reductions")
    p.add_argument("--family", default=None, help="instance family (default: by source kind)")
    p.add_argument(
        "--sizes",
        nargs="*",
        default=None,
        metavar="K=V,K=V",
        help="family parameters, one group per size, e.g. n=4,m=6 n=6,m=10",
    )
    p.add_argument("--trials", type=int, default=10, help="instances per size")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workers", type=int, default=1, help="local processes (or Dask workers)")
    p.add_argument(
        "--scheduler",
        default=None,
        help="Dask scheduler address tcp://HOST:PORT, or 'local' (needs ermbit[dask])",
    )
    p.add_argument("--report", default=None, metavar="FILE.json", help="write the JSON report")
    p.add_argument(
        "--counterexamples",
        default=None,
        metavar="DIR",
        help="write failing inputs (and the shrunk smallest one) here",
    )
    p.add_argument(
        "--rerun",
        default=None,
        metavar="FILE",
        help="verify one input file (e.g. a written counterexample) instead of a sweep",
    )
    p.add_argument(
        "--oracle",
        choices=ORACLES,
        default="structural",
        help="who answers the claims' ERM questions: the structural solver each claim names, "
        "or the general solver (a cross-check sharing only the network evaluator)",
    )
    p.add_argument(
        "--oracle-seconds",
        type=float,
        default=None,
        metavar="S",
        help="with --oracle general: seconds per general search (default 60)",
    )
    add_force(p)
    p.add_argument("--json", action="store_true")


@command("verify", _verify_args, "check a reduction's claims and witness maps on many inputs")
def verify_cmd(args: argparse.Namespace, out: TextIO) -> int:
    import json

    from ermbit import reductions

    if args.list:
        for name in reductions.REGISTRY:
            red = reductions.get(name)
            kinds = f"{red.source_kind} → {red.target_kind}"
            out.write(f"{name:<26} {kinds:<22} {red.summary}\n")
        return EXIT_OK
    spec = args.reduction or args.name
    if spec is None:
        raise InputError("reduction: give a registered name or --reduction MODULE:CLASS")
    if args.oracle_seconds is not None and args.oracle == "structural":
        raise InputError("--oracle-seconds: applies with --oracle general only")
    if args.oracle != "structural":
        _check_erm_target(spec, args.oracle)
    if args.rerun is not None:
        return _rerun(spec, args.rerun, out, args.json, args.oracle, args.oracle_seconds)
    from ermbit.checking.sweep import sweep

    sizes = None
    if args.sizes:
        sizes = [_params(group.split(",")) for group in args.sizes]
    if args.report:  # before the sweep: an unsaveable report is found now, not after it
        check_output(args.report, "--report", force=args.force)
    if args.counterexamples:
        _check_directory(args.counterexamples, "--counterexamples")
    done_reports: list[Any] = []

    def progress(done: int, total: int, report: Any) -> None:
        done_reports.append(report)
        _progress(done, total)

    try:
        res = sweep(
            spec,
            family=args.family,
            sizes=sizes,
            trials=args.trials,
            seed=args.seed,
            workers=args.workers,
            scheduler=args.scheduler,
            counterexamples_dir=Path(args.counterexamples) if args.counterexamples else None,
            progress=progress,
            oracle=args.oracle,
            oracle_seconds=args.oracle_seconds,
        )
    except KeyboardInterrupt:  # keep what was verified; main() reports the interruption
        if args.report:
            partial = {
                "reduction": spec,
                "interrupted": True,
                "instances": len(done_reports),
                "passed": all(r.passed for r in done_reports),
                "reports": [r.to_json() for r in done_reports],
            }
            write_atomic(args.report, json.dumps(partial, indent=1) + "\n")
        raise
    doc = res.to_json()
    if args.report:
        write_atomic(args.report, json.dumps(doc, indent=1) + "\n")
    totals = res.totals()
    if args.json:
        emit_json(
            out, {"passed": res.passed, **totals, "oracle": args.oracle, "seconds": res.seconds}
        )
    else:
        apart = ", ".join(
            f"{totals[s]} {s}" for s in ("failed", "refused", "unchecked") if totals[s]
        )
        out.write(
            f"{res.reduction}: {totals['passed']}/{totals['instances']} instances passed"
            f"{f' ({apart})' if apart else ''} ({res.seconds:.2f} s, {res.backend})\n"
        )
        if args.oracle != "structural":
            out.write(f"  ERM questions answered by the {args.oracle} solver\n")
        for rep in res.refused[:1] + res.unchecked[:1]:
            left = next(c for c in rep["checks"] if c["status"] in ("refused", "unchecked"))
            out.write(f"  {left['status'].upper()} {rep['input_hash'][:12]} {left['name']}: ")
            out.write(f"{left['detail']}\n")
        ratio = totals.get("size_ratio")
        out.write(
            "  output sizes: no declared bound\n"
            if ratio is None
            else f"  output sizes: at most {ratio:.3f} of the declared bound\n"
        )
        for rep in res.failures[:5]:
            bad = next(c for c in rep["checks"] if c["status"] == "failed")
            out.write(f"  FAILED {rep['input_hash'][:12]} {bad['name']}: {bad['detail']}\n")
        for path in res.counterexamples:
            out.write(f"  counterexample: {path}\n")
        if res.shrunk:
            size = res.shrunk.get("report", {}).get("source_size", {})
            desc = ", ".join(f"{k} {v}" for k, v in size.items())
            out.write(f"  smallest failing input: {res.shrunk.get('file')} ({desc})\n")
        if not res.passed and res.failures:
            from ermbit.checking.student import sweep_report

            shrunk = res.shrunk.get("file") if res.shrunk else None
            out.write("\n" + sweep_report(spec, res.failures, shrunk))
    if res.failures or res.unchecked:
        return EXIT_FAILED
    return EXIT_BUDGET if res.refused else EXIT_OK


def _check_directory(path: str, flag: str) -> None:
    """Refuse at once a directory that cannot be created or written (before the sweep)."""
    import os

    d = Path(path)
    if d.exists() and not d.is_dir():
        raise InputError(f"{flag}: {path} exists and is not a directory")
    probe = d if d.exists() else next((p for p in d.parents if p.exists()), Path("."))
    if not os.access(probe, os.W_OK):
        raise InputError(f"{flag}: cannot write into {path}: permission denied at {probe}")


def _check_erm_target(spec: str, oracle: str) -> None:
    """``--oracle general`` only changes who answers ERM questions: refuse it elsewhere."""
    from ermbit.checking._tasks import resolve_reduction

    red = resolve_reduction(spec)
    if red.target_kind != "erm":
        raise InputError(
            f"--oracle {oracle}: {spec} builds {red.target_kind!r} instances and asks no ERM "
            "question; the option applies to reductions whose targets are ERM instances"
        )


def _rerun(
    spec: str, path: str, out: TextIO, as_json: bool, oracle: str, seconds: float | None
) -> int:
    from ermbit import reductions
    from ermbit.checking.counterexample import read_counterexample
    from ermbit.checking.oracles import oracles_for
    from ermbit.checking.sweep import check_source_kind
    from ermbit.checking.verifier import verify

    red = reductions.get(spec) if ":" not in spec else reductions.load(spec)
    src = read_counterexample(path)
    check_source_kind(red, src, f"--rerun {path}")
    report = verify(red, src, oracles=oracles_for(oracle, seconds))
    if as_json:
        emit_json(out, report.to_json())
    else:
        for c in report.checks:
            out.write(f"  {c.status:>9}  {c.name}: {c.detail}\n")
        if not report.passed:  # the explanation first: the last line stays the verdict
            from ermbit.checking.student import student_report

            out.write("\n" + student_report(red, read_counterexample(path), report) + "\n")
        out.write(f"{report.status if report.status == 'passed' else report.status.upper()}\n")
    return {"passed": EXIT_OK, "refused": EXIT_BUDGET}.get(report.status, EXIT_FAILED)


def _explain_args(p: argparse.ArgumentParser) -> None:
    from ermbit.pipelines.explain import CHAINS, FORMATS

    p.add_argument("chain", choices=list(CHAINS), help="which chain to walk through")
    p.add_argument("file", nargs="?", default=None, help="a tiny CNF (default: the demo's)")
    p.add_argument("--format", default="text", choices=list(FORMATS))
    p.add_argument("-o", "--output", default=None, help="write to this file instead of stdout")
    p.add_argument(
        "--draw",
        default=None,
        metavar="FILE.svg|FILE.png|FILE.dot",
        help="draw the chain's network (gadget clusters, w, b on edges, frozen dashed)",
    )
    p.add_argument(
        "--worksheet",
        action="store_true",
        help="exercises on a fresh tiny instance, and a separate answer key (md or latex)",
    )
    p.add_argument("--seed", type=int, default=0, help="--worksheet: the variant to generate")
    p.add_argument(
        "--activation", default=None, help="σ of the polynomial chains, e.g. 'z**3 + 2*z'"
    )
    add_force(p)


@command("explain", _explain_args, "walk through a reduction chain on a tiny input, for teaching")
def explain_cmd(args: argparse.Namespace, out: TextIO) -> int:
    from ermbit.cli._base import read_cnf
    from ermbit.pipelines.demo import DEFAULT_FORMULA
    from ermbit.pipelines.explain import render, walk
    from ermbit.pipelines.explain.chains import network_drawing

    if args.draw:
        check_output(
            args.draw, "--draw", inputs=(args.file,) if args.file else (), force=args.force
        )
    if args.worksheet:
        return _worksheet(args, out)
    src = read_cnf(args.file) if args.file else DEFAULT_FORMULA
    steps = walk(args.chain, src, activation=args.activation)
    _emit(render(args.chain, src, steps, args.format), args.output, out)
    if args.draw:
        from ermbit.network.draw import draw

        found = network_drawing(steps)
        if found is None:
            raise InputError(f"--draw: chain {args.chain!r} builds no network")
        net, group, edge = found
        title = f"{args.chain}: the network of the last step"
        draw(net, args.draw, title=title, group=group, highlight=edge)
        out.write(f"drawing saved to {args.draw}\n")
    return EXIT_OK if all(s.report.passed for s in steps) else EXIT_FAILED


def _emit(text: str, path: str | None, out: TextIO) -> None:
    if path is None:
        out.write(text)
        return
    from pathlib import Path

    Path(path).write_text(text, encoding="utf-8")
    out.write(f"wrote {path}\n")


def _worksheet(args: argparse.Namespace, out: TextIO) -> int:
    from ermbit.pipelines.explain.worksheet import key_path, worksheet

    if args.format not in ("md", "latex"):
        raise InputError(f"--format: a worksheet is md or latex, got {args.format!r}")
    if args.file:
        raise InputError("file: a worksheet makes its own instance from --seed; give no file")
    sheet = worksheet(args.chain, args.seed, args.format)
    if args.output is None:
        out.write(sheet.exercises + "\n" + "=" * 20 + " answer key " + "=" * 20 + "\n\n")
        out.write(sheet.key)
    else:
        _emit(sheet.exercises, args.output, out)
        _emit(sheet.key, key_path(args.output), out)
    return EXIT_OK
