"""Commands about counting: ``count``, ``slp``, ``demo``."""

from __future__ import annotations

import argparse
import time
from typing import Any, TextIO

from ermbit.cli._base import (
    EXIT_BUDGET,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_UNDECIDED,
    add_budget,
    cli_text,
    command,
    emit_json,
    read_cnf,
    read_document,
)
from ermbit.cli._certify import add_certify, check_certify, report
from ermbit.errors import InputError

__all__ = ["VIA", "count_cmd", "demo_cmd", "slp_cmd"]

VIA = ("backprop", "erm")


def _count_args(p: argparse.ArgumentParser) -> None:
    from ermbit.solvers.sat.counting import METHODS

    p.add_argument("file", help="DIMACS CNF file (.cnf, .cnf.gz)")
    p.add_argument("--method", default="auto", choices=[*METHODS, "all"])
    p.add_argument(
        "--via",
        choices=VIA,
        default=None,
        help="recompute #SAT from K exact gradient bits (backprop) or ERM_bit answers (erm)",
    )
    p.add_argument("--activation", default="z**2", help="polynomial σ for --via (default z**2)")
    p.add_argument("--bounded", action="store_true", help="--via backprop: bounded-value SLP")
    p.add_argument("--timeout", type=float, default=None, help="seconds (dpll, ganak, auto)")
    add_budget(p)
    add_certify(p)
    p.add_argument("--json", action="store_true")


@command("count", _count_args, "exact model count of a CNF (or through network instances)")
def count_cmd(args: argparse.Namespace, out: TextIO) -> int:
    from ermbit.solvers.sat import counting

    check_certify(args)
    cnf = read_cnf(args.file)
    if args.via is not None:
        if args.certify:
            raise InputError("--certify: not available with --via")
        return _count_via(args, cnf, out)
    # A 'c t pmc' file (one with 'c p show') asks for the projected count.
    projected = cnf.projection is not None
    start = time.perf_counter()
    if args.method == "all":
        if projected:
            raise InputError(
                f"{args.file}: --method all cross-checks unprojected counts; this file asks "
                "for a projected count ('c p show'), give --method auto, brute, enum or ganak"
            )
        cc = counting.cross_check(cnf, timeout=args.timeout)
        seconds = time.perf_counter() - start
        cert = _certificate(args, cnf, cc.count, dict(cc.counts))
        if args.json:
            obj: dict[str, Any] = {
                "count": cc.count,
                "method": "all",
                "agreed": cc.agreed,
                "counts": {
                    k: cli_text(v) if isinstance(v, str) else v for k, v in cc.counts.items()
                },
                "seconds": seconds,
            }
            if cert is not None:
                report(args, out, cert, obj)
            emit_json(out, obj)
        undecided = not any(isinstance(v, int) for v in cc.counts.values())
        if not args.json:
            for name, value in cc.counts.items():
                out.write(f"{name:>6}: {cli_text(str(value))}\n")
            verdict = "UNDECIDED" if undecided else "DISAGREE"
            out.write(f"{cc.count}\n" if cc.agreed else f"{verdict}: {cc.disagreement}\n")
            if cert is not None:
                report(args, out, cert, None)
        if undecided:  # nothing was refuted: every method refused or timed out
            return EXIT_UNDECIDED
        return EXIT_OK if cc.agreed else EXIT_FAILED
    value = counting.count(cnf, args.method, timeout=args.timeout, projected=projected)
    seconds = time.perf_counter() - start
    cert = _certificate(args, cnf, value)
    if args.json:
        obj = {"count": value, "method": args.method, "seconds": seconds}
        if cert is not None:
            report(args, out, cert, obj)
        if projected:
            obj["projected"] = True
        emit_json(out, obj)
    else:
        out.write(f"{value}\n")
        if cert is not None:
            report(args, out, cert, None)
    return EXIT_OK


def _certificate(args: argparse.Namespace, cnf: Any, value: int | None, counts: Any = None) -> Any:
    """A DRAT refutation for 0, agreement of independent counters for a positive count
    (those of ``--method all`` when it ran)."""
    if not args.certify or value is None:
        return None
    from ermbit.solvers.sat.certify import certify_count

    return certify_count(cnf, value, timeout=args.timeout, counts=counts)


def _count_via(args: argparse.Namespace, cnf: Any, out: TextIO) -> int:
    res: Any
    if args.via == "backprop":
        from ermbit.pipelines.via_backprop import count_via_backprop

        if args.bounded:
            _bounded_note(cnf)

        kw = {} if args.budget_bits is None else {"budget_bits": args.budget_bits}
        res = count_via_backprop(cnf, args.activation, bounded=args.bounded, **kw)
    else:
        if args.bounded:
            raise InputError("--bounded: only meaningful with --via backprop")
        from ermbit.pipelines.via_erm import count_via_erm

        res = count_via_erm(cnf, args.activation, budget_bits=args.budget_bits)
    if args.json:
        emit_json(
            out,
            {
                "count": res.count,
                "method": f"via-{args.via}",
                "via": args.via,
                "instances": res.instances,
                "max_value_bits": res.max_value_bits,
                "activation": args.activation,
                "seconds": res.seconds,
            },
        )
    else:
        out.write(f"{res.count}\n")
    return EXIT_OK


def _bounded_note(cnf: Any) -> None:
    """Warn on stderr: bounded-value instances have values of about m·2^n bits."""
    import sys

    from ermbit.pipelines.via_backprop import network_program
    from ermbit.slp import predict_bits

    worst = max(predict_bits(network_program(cnf, bounded=True)))
    if worst > 1 << 20:
        sys.stderr.write(
            f"ermbit count: note: --bounded values are predicted to reach {worst} bits "
            "(bounded-value SLPs trade size for range); expect a long run\n"
        )


def _slp_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="SLP file (JSON, kind slp)")
    p.add_argument(
        "--bit",
        type=int,
        action="append",
        default=[],
        metavar="J",
        help="print bit J of |value| (repeatable; negative J reads after the point)",
    )
    p.add_argument("--sign", action="store_true", help="print the sign: -1, 0 or 1")
    add_budget(p)
    p.add_argument("--json", action="store_true")


@command("slp", _slp_args, "bits and sign of a straight-line program's value")
def slp_cmd(args: argparse.Namespace, out: TextIO) -> int:
    from ermbit import slp

    doc = read_document(args.file)
    if doc.kind != "slp":
        raise InputError(f"{args.file}: expected an SLP file, got kind {doc.kind!r}")
    if not args.bit and not args.sign:
        raise InputError("nothing asked: give --bit J (repeatable) and/or --sign")
    kw: dict[str, Any] = {}
    if args.budget_bits is not None:
        kw["budget_bits"] = args.budget_bits
    start = time.perf_counter()
    bits = {j: slp.bit(doc.obj, j, **kw) for j in args.bit}
    sign = slp.sign(doc.obj, **kw) if args.sign else None
    if args.json:
        obj: dict[str, Any] = {"bits": {str(j): b for j, b in bits.items()}}
        if sign is not None:
            obj["sign"] = sign
        obj["seconds"] = time.perf_counter() - start
        emit_json(out, obj)
    else:
        for j in args.bit:
            out.write(f"{bits[j]}\n")
        if sign is not None:
            out.write(f"{sign}\n")
    return EXIT_OK


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", default=None, help="a CNF instead of the embedded one")
    p.add_argument("--quick", action="store_true", help="skip the slower chains")


@command("demo", _demo_args, "every chain of the toolkit on one small formula")
def demo_cmd(args: argparse.Namespace, out: TextIO) -> int:
    from ermbit.pipelines import demo

    cnf = read_cnf(args.file) if args.file else None
    ok, refused = True, False
    for line, good in demo.run(cnf, quick=args.quick):
        out.write(cli_text(line) + "\n")
        out.flush()
        ok = ok and good is not False
        refused = refused or good is None
    return EXIT_FAILED if not ok else EXIT_BUDGET if refused else EXIT_OK
