"""Commands for checking and teaching: ``verify`` (verifier sweeps) and ``explain``."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from ermbit.cli._base import EXIT_BUDGET, EXIT_FAILED, EXIT_OK, command, emit_json
from ermbit.cli.tools import _params, _progress
from ermbit.errors import InputError


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
    p.add_argument("--json", action="store_true")


@command("verify", _verify_args, "check a reduction's claims and witness maps on many inputs")
def verify_cmd(args: argparse.Namespace, out: TextIO) -> int:
    import json
    from pathlib import Path

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
    if args.rerun is not None:
        return _rerun(spec, args.rerun, out, args.json)
    from ermbit.checking.sweep import sweep

    sizes = None
    if args.sizes:
        sizes = [_params(group.split(",")) for group in args.sizes]

    def progress(done: int, total: int, _report: Any) -> None:
        _progress(done, total)

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
    )
    doc = res.to_json()
    if args.report:
        Path(args.report).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    totals = res.totals()
    if args.json:
        emit_json(out, {"passed": res.passed, **totals, "seconds": res.seconds})
    else:
        apart = ", ".join(
            f"{totals[s]} {s}" for s in ("failed", "refused", "unchecked") if totals[s]
        )
        out.write(
            f"{res.reduction}: {totals['passed']}/{totals['instances']} instances passed"
            f"{f' ({apart})' if apart else ''} ({res.seconds:.2f} s, {res.backend})\n"
        )
        for rep in res.refused[:1] + res.unchecked[:1]:
            left = next(c for c in rep["checks"] if c["status"] in ("refused", "unchecked"))
            out.write(f"  {left['status'].upper()} {rep['input_hash'][:12]} {left['name']}: ")
            out.write(f"{left['detail']}\n")
        for rep in res.failures[:5]:
            bad = next(c for c in rep["checks"] if c["status"] == "failed")
            out.write(f"  FAILED {rep['input_hash'][:12]} {bad['name']}: {bad['detail']}\n")
        for path in res.counterexamples:
            out.write(f"  counterexample: {path}\n")
        if res.shrunk:
            size = res.shrunk.get("report", {}).get("source_size", {})
            desc = ", ".join(f"{k} {v}" for k, v in size.items())
            out.write(f"  smallest failing input: {res.shrunk.get('file')} ({desc})\n")
    if res.failures or res.unchecked:
        return EXIT_FAILED
    return EXIT_BUDGET if res.refused else EXIT_OK


def _rerun(spec: str, path: str, out: TextIO, as_json: bool) -> int:
    from ermbit import reductions
    from ermbit.checking.counterexample import read_counterexample
    from ermbit.checking.verifier import verify

    red = reductions.get(spec) if ":" not in spec else reductions.load(spec)
    report = verify(red, read_counterexample(path))
    if as_json:
        emit_json(out, report.to_json())
    else:
        for c in report.checks:
            out.write(f"  {c.status:>9}  {c.name}: {c.detail}\n")
        out.write(f"{report.status if report.status == 'passed' else report.status.upper()}\n")
    return {"passed": EXIT_OK, "refused": EXIT_BUDGET}.get(report.status, EXIT_FAILED)


def _explain_args(p: argparse.ArgumentParser) -> None:
    from ermbit.pipelines.explain import CHAINS

    p.add_argument("chain", choices=list(CHAINS), help="which chain to walk through")
    p.add_argument("file", nargs="?", default=None, help="a tiny CNF (default: the demo's)")
    p.add_argument("--format", default="text", choices=["text", "md", "latex"])
    p.add_argument(
        "--draw",
        default=None,
        metavar="FILE.png|FILE.dot",
        help="draw the chain's network (node kinds; frozen edges dashed)",
    )


@command("explain", _explain_args, "walk through a reduction chain on a tiny input, for teaching")
def explain_cmd(args: argparse.Namespace, out: TextIO) -> int:
    from ermbit.cli._base import read_cnf
    from ermbit.pipelines.demo import DEFAULT_FORMULA
    from ermbit.pipelines.explain import network_of, render, walk

    src = read_cnf(args.file) if args.file else DEFAULT_FORMULA
    steps = walk(args.chain, src)
    out.write(render(args.chain, src, steps, args.format))
    if args.draw:
        from ermbit.network.draw import draw

        net = network_of(steps)
        if net is None:
            raise InputError(f"--draw: chain {args.chain!r} builds no network")
        draw(net, args.draw, title=f"{args.chain}: the network of the last step")
        out.write(f"drawing saved to {args.draw}\n")
    return EXIT_OK if all(s.report.passed for s in steps) else EXIT_FAILED
