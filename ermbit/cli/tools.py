"""Commands for the people who use ermbit: ``gen`` (instances) and ``study`` (demonstrations)."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from ermbit.cli._base import (
    EXIT_OK,
    add_force,
    bits,
    check_output,
    command,
    emit_json,
    table,
)
from ermbit.cli.export import study_solvers, study_trainers
from ermbit.errors import InputError

__all__ = ["STUDIES", "gen_cmd", "study_cmd"]

STUDIES = (
    "bit-growth",
    "rounding",
    "float-vs-exact",
    "pac",
    "gadget-negative",
    "solvers",
    "trainers",
)


def _params(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"parameter {item!r}: expected NAME=VALUE, e.g. n=10")
        if key in out:  # last-wins would silently drop what the user typed first
            raise InputError(f"parameter {key!r} given twice ({key}={out[key]}, {item})")
        out[key] = value
    return out


def _progress(done: int, total: int) -> None:
    """A progress bar on a terminal; on a pipe or log file, a plain line every 10%."""
    stream = sys.stderr
    if stream.isatty():
        bar = "#" * (30 * done // max(total, 1))
        stream.write(f"\r[{bar:<30}] {done}/{total}")
        if done == total:
            stream.write("\n")
    elif done == total or (10 * done) // total != (10 * (done - 1)) // total:
        stream.write(f"progress {done}/{total}\n")
    stream.flush()


def _gen_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("family", nargs="?", help="an instance family (--list shows them)")
    p.add_argument("params", nargs="*", metavar="NAME=VALUE", help="family parameters")
    p.add_argument("--list", action="store_true", help="list the families and their parameters")
    p.add_argument("--seed", type=int, default=None, help="seed (first seed with --count)")
    p.add_argument("-o", "--output", default=None, help="the file to write (one instance)")
    p.add_argument("--with-truth", action="store_true", help="record count/satisfiability")
    p.add_argument("--count", type=int, default=None, help="how many instances (bulk mode)")
    p.add_argument("--out-dir", default=None, help="directory for bulk mode (+ manifest.json)")
    p.add_argument("--reduce", default=None, metavar="NAME", help="also write a reduction's target")
    p.add_argument("--activation", default=None, help="σ for --reduce, e.g. 'z**2'")
    p.add_argument("--export", default=None, choices=["vnncomp"], help="write a benchmark dir")
    add_force(p)


@command("gen", _gen_args, "generate seeded instances (with ground truth and a manifest)")
def gen_cmd(args: argparse.Namespace, out: TextIO) -> int:
    from ermbit.checking.manifest import ground_truth, write_instance
    from ermbit.instances import FAMILIES, generate

    if args.list:
        for name, (_, desc) in FAMILIES.items():
            out.write(f"{name:<14} {desc}\n")
        return EXIT_OK
    if args.family is None:
        raise InputError("family: give a family name (ermbit gen --list shows them)")
    params = _params(args.params)
    if args.export is not None:
        from ermbit.cli.export import gen_vnncomp

        return gen_vnncomp(args, params, out)
    if args.count is not None or args.out_dir is not None or args.reduce is not None:
        return _gen_bulk(args, params, out)
    if args.output is None:
        raise InputError("-o/--output: give the file to write (or --count N --out-dir DIR)")
    check_output(args.output, "-o/--output", force=args.force)
    src = generate(args.family, params, args.seed)
    truth = ground_truth(src) if args.with_truth else {}
    write_instance(src, args.output, truth)
    out.write(f"wrote {args.output}" + (f" ({_truth_text(truth)})" if truth else "") + "\n")
    return EXIT_OK


def _truth_text(truth: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in truth.items() if k != "methods")


def _gen_bulk(args: argparse.Namespace, params: dict[str, str], out: TextIO) -> int:
    from ermbit import reductions
    from ermbit.checking.manifest import generate_files

    if args.out_dir is None:
        raise InputError("--out-dir: bulk generation (--count/--reduce) writes into a directory")
    n = 1 if args.count is None else args.count
    if n < 1:
        raise InputError(f"--count: must be >= 1, got {n}")
    from ermbit.instances import FAMILIES, takes_seed

    seeds: list[int | None]
    if args.family in FAMILIES and not takes_seed(args.family):
        if n != 1:  # the same parameters would give the same instance n times
            raise InputError(f"--count: family {args.family!r} takes no seed; give --count 1")
        seeds = [None]
    else:
        first = 0 if args.seed is None else args.seed
        seeds = [first + i for i in range(n)]
    red = None
    if args.reduce is not None:
        opts = {"activation": args.activation} if args.activation else {}
        red = reductions.get(args.reduce, **opts)
    manifest = generate_files(
        args.family,
        params,
        seeds,
        args.out_dir,
        with_truth=True,
        reduction=red,
        progress=_progress if n > 1 else None,
    )
    out.write(f"wrote {n} instance(s) and {manifest}\n")
    return EXIT_OK


def _study_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", choices=STUDIES)
    p.add_argument("--depth", type=int, default=10, help="bit-growth/rounding: largest depth")
    p.add_argument("--width", type=int, default=4, help="bit-growth/rounding: layer width")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--k", type=int, default=8, help="rounding: bits after the point")
    p.add_argument("--png", default=None, help="bit-growth: save a plot (needs matplotlib)")
    add_force(p)
    p.add_argument("--budget-bits", type=bits, default=1 << 22, help="refuse passes past this")
    p.add_argument("--q", type=int, nargs="*", default=[1, 2, 4, 8, 16, 32, 64], help="pac")
    p.add_argument("--delta", default="1/10", help="pac: failure probability (rational)")
    p.add_argument("--alpha", nargs="*", default=["1/2", "-1", "2"], help="gadget-negative")
    p.add_argument("--max-shift", type=int, default=6, help="gadget-negative: shifts 0..S")
    from ermbit.cli.export import add_study_args

    add_study_args(p)
    p.add_argument("--json", action="store_true")


@command("study", _study_args, "the paper's demonstrations, computed exactly")
def study_cmd(args: argparse.Namespace, out: TextIO) -> int:
    if args.png:
        check_output(args.png, "--png", force=args.force)
    handler = {
        "bit-growth": _study_bit_growth,
        "rounding": _study_rounding,
        "float-vs-exact": _study_float,
        "pac": _study_pac,
        "gadget-negative": _study_negative,
        "solvers": study_solvers,
        "trainers": study_trainers,
    }[args.name]
    handler(args, out)
    return EXIT_OK


def _growth_json(rows: list[Any]) -> list[dict[str, Any]]:
    import dataclasses

    return [dataclasses.asdict(r) for r in rows]


def _study_bit_growth(args: argparse.Namespace, out: TextIO) -> None:
    from ermbit.studies.bit_growth import bit_growth, format_rows, plot

    rows = bit_growth(args.depth, width=args.width, seed=args.seed, budget_bits=args.budget_bits)
    if args.json:
        emit_json(out, {"study": "bit-growth", "rows": _growth_json(rows)})
    else:
        out.write(format_rows(rows) + "\n")
    if args.png:
        plot(rows, args.png)
        out.write(f"plot saved to {args.png}\n")


def _study_rounding(args: argparse.Namespace, out: TextIO) -> None:
    from ermbit.studies.bit_growth import format_rows
    from ermbit.studies.rounding import rounding_study

    rows = rounding_study(
        args.depth, args.k, width=args.width, seed=args.seed, budget_bits=args.budget_bits
    )
    if args.json:
        emit_json(out, {"study": "rounding", "rows": _growth_json(rows)})
    else:
        out.write(format_rows(rows) + "\n")


def _study_float(args: argparse.Namespace, out: TextIO) -> None:
    from ermbit.studies.float_vs_exact import study

    rows = [r.as_dict() for r in study(("z**2", "z**3+2*z"))]
    if args.json:
        emit_json(out, {"study": "float-vs-exact", "rows": rows})
        return
    out.write("float64 (numpy) against exact arithmetic on Backprop-Bit/Sign instances\n\n")
    body = [
        [
            r["instance"],
            r["sigma"],
            r["query"],
            str(r["exact_gradient_bits"]),
            str(r["exact_answer"]),
            f"{r['float_gradient']:.3g}",
            r["float_status"],
            "—" if r["float_answer"] is None else str(r["float_answer"]),
            "yes" if r["agrees"] else "NO",
        ]
        for r in rows
    ]
    out.write(
        table(
            body,
            [
                "instance",
                "σ",
                "query",
                "exact bits",
                "exact",
                "float64 [float]",
                "float status",
                "float",
                "agrees",
            ],
        )
        + "\n"
    )


def _study_pac(args: argparse.Namespace, out: TextIO) -> None:
    from ermbit.exact import fmt
    from ermbit.studies.pac import table as pac_table

    rows = pac_table(args.q, args.delta)
    if args.json:
        emit_json(
            out,
            {
                "study": "pac",
                "delta": args.delta,
                "rows": [
                    {
                        "q": r.q,
                        "disagreements": r.disagreements,
                        "error": fmt(r.error),
                        "bit_model_samples": r.bit_model_samples,
                        "real_model_samples": r.real_model_samples,
                    }
                    for r in rows
                ],
            },
        )
        return
    out.write(
        f"Thm 1.6: h_c(x) = 2^-q·⌊c·x·2^q⌋ on {{1, 2, …, 2^q}}, δ = {args.delta}\n"
        "two parameters differing only in bit 2q disagree on one point (2^q) only\n\n"
    )
    body = [
        [
            str(r.q),
            str(r.disagreements),
            fmt(r.error),
            str(r.bit_model_samples),
            f"{r.estimate_float:.1f}",
            str(r.real_model_samples),
        ]
        for r in rows
    ]
    out.write(
        table(body, ["q", "disagree", "error", "bit-model m", "q·ln(1/2δ) [float]", "real-model m"])
        + "\n"
    )


def _study_negative(args: argparse.Namespace, out: TextIO) -> None:
    from ermbit.studies.gadget_negative import gadget_negative

    results = [gadget_negative(a, max_shift=args.max_shift) for a in args.alpha]
    if args.json:
        emit_json(
            out,
            {
                "study": "gadget-negative",
                "rows": [
                    {
                        "alpha": str(r.alpha),
                        "verdict": r.verdict,
                        "rank_coefficients": r.rank_coefficients,
                        "rank_augmented": r.rank_augmented,
                        "exact": r.exact,
                        "points": len(r.points),
                    }
                    for r in results
                ],
            },
        )
        return
    for r in results:
        out.write(r.statement + "\n")
