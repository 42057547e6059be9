"""``ermbit export``: an instance in a format other tools read (SMT-LIB 2, MPS, LP, ONNX,
VNN-COMP); the file's promise (exact or relaxed, which logic, which bounds) is printed."""

from __future__ import annotations

import argparse
import dataclasses
import os
from typing import Any, TextIO

from ermbit.cli._base import EXIT_OK, command, emit_json, read_document
from ermbit.errors import InputError

__all__ = ["add_study_args", "export_cmd", "gen_vnncomp", "study_solvers", "study_trainers"]

_SUFFIX = {"smt2": ".smt2", "mps": ".mps", "lp": ".lp", "onnx": ".onnx", "vnncomp": ""}


def _export_args(p: argparse.ArgumentParser) -> None:
    from ermbit.export import FORMATS

    p.add_argument("instance", help="an erm or backprop instance, or a network (JSON)")
    p.add_argument("--format", required=True, choices=list(FORMATS), help="the target format")
    p.add_argument("-o", "--output", default=None, help="file (directory for vnncomp)")
    p.add_argument("--relax", action="store_true", help="smt2: real parameters, no bit bound")
    p.add_argument("--witness", default=None, metavar="W", help="onnx: the network at θ = W")
    p.add_argument("--data", action="store_true", help="onnx: also write the samples (.npz)")
    p.add_argument("--box", default=None, metavar="B", help="mps/lp: restrict |θ_c| ≤ B")
    p.add_argument("--grid", type=int, default=None, metavar="D", help="mps/lp: θ_c = n/D")
    p.add_argument("--timeout", type=int, default=60, help="vnncomp: seconds per instance")
    p.add_argument("--json", action="store_true")


@command("export", _export_args, "write an instance for other tools (smt2, mps, lp, onnx, vnncomp)")
def export_cmd(args: argparse.Namespace, out: TextIO) -> int:
    from ermbit.export import export
    from ermbit.network.erm import ERMInstance, Witness

    doc = read_document(args.instance)
    inst = doc.obj
    if isinstance(inst, ERMInstance) and doc.meta and not inst.meta:
        inst = dataclasses.replace(inst, meta=dict(doc.meta))  # which reduction built it
    target = args.output
    if target is None:
        target = os.path.splitext(args.instance)[0] + _SUFFIX[args.format]
        if target == args.instance:
            raise InputError("-o/--output: give the output path")
    opts: dict[str, Any] = {"relax": args.relax, "data": args.data, "timeout": args.timeout}
    if args.box is not None:
        opts["box"] = args.box
    if args.grid is not None:
        opts["grid"] = args.grid
    if args.witness is not None:
        wit = read_document(args.witness).obj
        if not isinstance(wit, Witness):
            raise InputError(f"{args.witness}: expected kind 'witness'")
        opts["witness"] = wit
    res = export(inst, args.format, target, **opts)
    if args.json:
        emit_json(out, {"format": res.format, "paths": list(res.paths), "promise": res.promise})
    else:
        out.write(f"wrote {', '.join(res.paths)}\n{res.promise}\n")
    return EXIT_OK


def add_study_args(p: argparse.ArgumentParser) -> None:
    """Options of ``ermbit study solvers`` and ``ermbit study trainers``."""
    p.add_argument("--sizes", type=int, nargs="*", default=None, help="solvers/trainers: n values")
    p.add_argument("--seeds", type=int, nargs="*", default=[0], help="solvers/trainers: seeds")
    p.add_argument("--timeout", type=float, default=10.0, help="solvers: seconds per solver")
    p.add_argument("--runs", type=int, default=8, help="trainers: random inits per formula")
    p.add_argument("--steps", type=int, default=1500, help="trainers: Adam steps per run")
    p.add_argument("--levels", type=int, nargs="*", default=[2, 4, 6, 8, 10], help="trainers")


def study_solvers(args: argparse.Namespace, out: TextIO) -> None:
    """ermbit's exact solver vs z3, cvc5, HiGHS, CP-SAT and PySAT (table, ratios, PNG)."""
    import dataclasses as dc

    from ermbit.studies.solvers import format_table, plot, study

    rows = study(args.sizes or [8, 12], seeds=args.seeds, timeout=args.timeout)
    if args.json:
        emit_json(out, {"study": "solvers", "rows": [dc.asdict(r) for r in rows]})
    else:
        out.write("seconds inside each solver; a mark after a time is an answer that\n")
        out.write("disagrees with PySAT (timeout, unknown, wrong)\n\n")
        out.write(format_table(rows) + "\n")
    if args.png:
        plot(rows, args.png)
        out.write(f"plot saved to {args.png}\n")


def study_trainers(args: argparse.Namespace, out: TextIO) -> None:
    """Float gradient descent on R1/R2 networks and float64 gradients vs exact ones."""
    import dataclasses as dc

    from ermbit.studies.trainers import (
        format_gradients,
        format_training,
        gradient_study,
        plot,
        training_study,
    )

    train = training_study(args.sizes or [4, 6], seeds=args.seeds, runs=args.runs, steps=args.steps)
    grads = gradient_study(args.levels)
    if args.json:
        emit_json(
            out,
            {
                "study": "trainers",
                "training": [dc.asdict(r) for r in train],
                "gradients": [dc.asdict(r) for r in grads],
            },
        )
    else:
        out.write("Adam (float64, NumPy) from seeded inits; zero loss verified exactly\n\n")
        out.write(format_training(train) + "\n\n")
        out.write("float64 reverse mode vs the exact gradient\n\n")
        out.write(format_gradients(grads) + "\n")
    if args.png:
        plot(train, grads, args.png)
        out.write(f"plot saved to {args.png}\n")


def gen_vnncomp(args: argparse.Namespace, params: dict[str, str], out: TextIO) -> int:
    """``ermbit gen FAMILY … --export vnncomp --count N --out-dir DIR [--reduce R]``."""
    from ermbit.cnf import CNF
    from ermbit.errors import VerificationFailed
    from ermbit.export.vnncomp import REDUCTIONS, build_benchmark
    from ermbit.instances import generate
    from ermbit.reductions import get
    from ermbit.solvers.sat.cdcl import is_satisfiable

    if args.out_dir is None:
        raise InputError("--out-dir: --export vnncomp writes a benchmark directory")
    name = args.reduce or "sat-to-relu"
    if name not in REDUCTIONS[:2]:
        raise InputError(f"--reduce: vnncomp takes {REDUCTIONS[:2]}, got {name!r}")
    red = get(name)
    first = 0 if args.seed is None else args.seed
    items, truth = [], {}
    for seed in range(first, first + (args.count or 1)):
        cnf = generate(args.family, params, seed)
        if not isinstance(cnf, CNF):
            raise InputError(f"family: {args.family!r} does not generate CNF formulas")
        key = f"{args.family}-{name}-seed{seed}"
        items.append((key, red.forward(cnf).instance))
        truth[key] = is_satisfiable(cnf)
    build_benchmark(items, args.out_dir)
    import csv

    with open(os.path.join(args.out_dir, "answers.csv"), encoding="utf-8") as fh:
        for key, ans in csv.reader(fh):
            if (ans == "sat") != truth[key]:
                raise VerificationFailed(f"{key}: exact solver says {ans}, PySAT disagrees")
    out.write(f"wrote {len(items)} instance(s) to {args.out_dir} (answers checked by PySAT)\n")
    return EXIT_OK
