"""Commands on instance files: ``reduce``, ``check`` (the NP verifier), ``solve``."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any, TextIO

from ermbit.cli._base import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_UNDECIDED,
    add_budget,
    add_force,
    check_output,
    command,
    emit_json,
    read_document,
)
from ermbit.cli._certify import add_certify, check_certify, report
from ermbit.cli._erm_solve import add_solve_options, solve_instance, write_result
from ermbit.errors import InputError

__all__ = ["check_cmd", "decide_cmd", "reduce_cmd", "solve_cmd"]


def _reduce_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help="a registered reduction (ermbit verify --list shows them)")
    p.add_argument("input", help="the source instance (DIMACS, JSON or a 0/1 matrix file)")
    p.add_argument("-o", "--output", required=True, help="where to write the target")
    p.add_argument("--bit", type=int, default=None, metavar="J", help="bit index of a BitSLP query")
    p.add_argument("--activation", default=None, help="polynomial σ, e.g. 'z**2' or 'z**3+2*z'")
    p.add_argument("--bounded", action="store_true", help="use the bounded-value SLP (Lemma A.5)")
    p.add_argument(
        "--promise",
        default=None,
        metavar="A,B",
        help="bitslp-to-erm, posslp-to-erm: promise gap (a, b): γ = a, b sample copies",
    )
    p.add_argument("--pinned", action="store_true", help="all-trainable form (frozen edges pinned)")
    add_force(p)
    p.add_argument("--json", action="store_true")


def _options(args: argparse.Namespace) -> dict[str, Any]:
    opts: dict[str, Any] = {}
    if args.activation is not None:
        opts["activation"] = args.activation
    if args.bounded:
        opts["bounded"] = True
    if args.pinned:
        opts["pinned"] = True
    if args.promise is not None:
        parts = args.promise.split(",")
        if len(parts) != 2:
            raise InputError(f"--promise: expected A,B, got {args.promise!r}")
        # the promise reductions take the gap as γ = a and b copies of the sample
        opts["gamma"], opts["copies"] = parts[0].strip(), parts[1].strip()
    _check_options(args.name, opts)
    return opts


#: Constructor keyword of a reduction -> the flag that sets it.
_FLAGS = {
    "activation": "--activation",
    "bounded": "--bounded",
    "pinned": "--pinned",
    "gamma": "--promise",
    "copies": "--promise",
}


def _check_options(name: str, opts: dict[str, Any]) -> None:
    """Refuse, naming the flag, an option the reduction ``name`` does not take."""
    import importlib
    import inspect

    from ermbit import reductions

    spec = reductions.REGISTRY.get(name)
    if spec is None:
        return  # reductions.get names the unknown reduction
    mod, _, cls = spec.partition(":")
    takes = inspect.signature(getattr(importlib.import_module(mod), cls)).parameters
    for key in opts:
        if key not in takes:
            raise InputError(f"{_FLAGS.get(key, key)}: reduction {name!r} does not take it")


@command("reduce", _reduce_args, "apply a registered reduction to an instance file")
def reduce_cmd(args: argparse.Namespace, out: TextIO) -> int:
    from ermbit import io, reductions
    from ermbit.checking.verifier import size_summary

    red = reductions.get(args.name, **_options(args))
    check_output(args.output, "-o/--output", inputs=(args.input,), force=args.force)
    src = io.read_source(red.source_kind, args.input, bit=args.bit)
    start = time.perf_counter()
    target = red.forward(src)
    fmt_used = io.write_target(target, args.output)
    seconds = time.perf_counter() - start
    sizes = size_summary(target)
    if args.json:
        emit_json(
            out,
            {
                "reduction": red.name,
                "output": args.output,
                "format": fmt_used,
                "size": sizes,
                "seconds": seconds,
            },
        )
    else:
        desc = ", ".join(f"{k} {_short(v)}" for k, v in sizes.items())
        out.write(f"{red.describe()}\nwrote {args.output} ({fmt_used}; {desc})\n")
    return EXIT_OK


def _short(value: Any) -> str:
    """A size for a summary line: exact up to 30 digits, else its length in bits."""
    if isinstance(value, int) and value.bit_length() > 100:
        return f"<a {value.bit_length()}-bit number; --json gives it exactly>"
    return str(value)


def _check_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("instance", help="an ERM_bit instance (JSON, kind erm)")
    p.add_argument("witness", nargs="?", help="a witness θ (JSON, kind witness)")
    p.add_argument(
        "--smt-model", default=None, metavar="FILE", help="read θ from an SMT solver's model"
    )
    add_budget(p)
    p.add_argument("--json", action="store_true")


@command("check", _check_args, "the NP verifier: exact loss and encoding length of a witness")
def check_cmd(args: argparse.Namespace, out: TextIO) -> int:
    from ermbit.network.erm import ERMInstance, Witness

    inst = read_document(args.instance).obj
    if not isinstance(inst, ERMInstance):
        raise InputError(f"{args.instance}: expected kind 'erm'")
    if (args.witness is None) == (args.smt_model is None):
        raise InputError("witness: give a witness file or --smt-model FILE (one of them)")
    if args.smt_model is not None:
        from ermbit.export.smt2 import witness_from_model

        with open(args.smt_model, encoding="utf-8") as fh:
            wit = witness_from_model(inst, fh.read())
    else:
        wit = read_document(args.witness).obj
    if not isinstance(wit, Witness):
        raise InputError(f"{args.witness}: expected kind 'witness'")
    start = time.perf_counter()
    ev = inst.evaluate(wit, budget_bits=args.budget_bits)
    seconds = time.perf_counter() - start
    bound = _app_e(inst, wit)
    res: dict[str, Any] = {
        "loss": ev.loss,
        "enc_bits": ev.enc_bits,
        "bit_bound": ev.bit_bound,
        "admissible": ev.admissible,
        "accepted": ev.accepted,
        "max_value_bits": ev.max_value_bits,
        "seconds": seconds,
    }
    if bound is not None:
        res["app_e_bound_bits"] = bound
    if args.json:
        emit_json(out, res)
    else:
        from ermbit.exact import fmt

        out.write(f"loss            {fmt(ev.loss)}  (γ = {fmt(inst.gamma)})\n")
        out.write(f"enc(θ)          {ev.enc_bits} bits  (bound β = {ev.bit_bound})\n")
        out.write(f"admissible      {'yes' if ev.admissible else 'no'}\n")
        out.write(f"largest value   {ev.max_value_bits} bits")
        out.write(f"  (App. E bound {bound})\n" if bound is not None else "\n")
        out.write(f"time            {seconds:.3f} s\n")
        out.write("ACCEPTED\n" if ev.accepted else "REJECTED\n")
    return EXIT_OK if ev.accepted else EXIT_FAILED


def _app_e(inst: Any, wit: Any) -> int | None:
    """The App. E size bound for piecewise-linear networks (None otherwise)."""
    from ermbit.studies.app_e import report

    net = inst.network
    if not all(net.activation(v).is_piecewise_linear for v in net.node_ids):
        return None
    rep = report(net, inst.samples, inst.theta_of(wit))
    return int(max(rep["bound_forward_bits"], rep["bound_backward_bits"]))


def _solve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("instance", help="an erm or backprop instance (JSON)")
    p.add_argument("-w", "--witness-out", default=None, help="write the witness found (erm)")
    add_budget(p)
    add_certify(p)
    add_force(p)
    add_solve_options(p)
    p.add_argument("--json", action="store_true")


@command("solve", _solve_args, "answer an erm or backprop instance exactly")
def solve_cmd(args: argparse.Namespace, out: TextIO) -> int:
    from ermbit.network.erm import BackpropInstance, ERMInstance

    check_certify(args)
    if args.witness_out:
        check_output(
            args.witness_out, "-w/--witness-out", inputs=(args.instance,), force=args.force
        )
    inst = read_document(args.instance).obj
    if isinstance(inst, BackpropInstance):
        if args.certify:
            raise InputError("--certify: a gradient is computed exactly, not decided")
        return _solve_backprop(inst, args, out)
    if isinstance(inst, ERMInstance):
        return _solve_erm(inst, args, out)
    raise InputError(f"{args.instance}: expected kind 'erm' or 'backprop'")


def _solve_backprop(inst: Any, args: argparse.Namespace, out: TextIO) -> int:
    from ermbit.exact import fmt

    start = time.perf_counter()
    g = inst.gradient(budget_bits=args.budget_bits)
    ans = inst.answer(budget_bits=args.budget_bits)
    key = "sign" if inst.query == "sign" else "bit"
    if args.json:
        emit_json(
            out,
            {"gradient": g, key: ans, "query": inst.query, "seconds": time.perf_counter() - start},
        )
    else:
        from ermbit.exact import size

        shown = fmt(g) if size(g) <= 4000 else f"<a rational of {size(g)} bits>"
        out.write(f"gradient {shown}\n{key} {ans}\n")
    return EXIT_OK


def _solve_erm(inst: Any, args: argparse.Namespace, out: TextIO) -> int:
    from ermbit import formats

    res = solve_instance(inst, args)
    if args.witness_out:
        if res.witness is not None:
            formats.write(args.witness_out, res.witness)
        else:  # a witness file left from an earlier run must not pass for this answer
            Path(args.witness_out).unlink(missing_ok=True)
    cert = res.details.get("certificate")
    if args.json:
        obj = res.to_json()
        if cert is not None:
            report(args, out, cert, obj)
        emit_json(out, obj)
    else:
        write_result(res, args, out)
        if cert is not None:
            report(args, out, cert, None)
    return EXIT_UNDECIDED if res.decision is None else EXIT_OK


def _decide_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="DIMACS CNF file")
    p.add_argument(
        "--via",
        choices=["relu", "relu2"],
        default="relu",
        help="relu: direct gadgets; relu2: NAE → set splitting → 2-ReLU data set",
    )
    p.add_argument("--pinned", action="store_true", help="all-trainable form with forcing samples")
    add_certify(p)
    p.add_argument("--json", action="store_true")


@command("decide", _decide_args, "decide SAT by exactly training a ReLU network, model mapped back")
def decide_cmd(args: argparse.Namespace, out: TextIO) -> int:
    from ermbit.cli._base import read_cnf
    from ermbit.pipelines.decide import decide
    from ermbit.solvers.sat.certify import certify_decision

    check_certify(args)
    cnf = read_cnf(args.file)
    res = decide(cnf, via=args.via, pinned=args.pinned)
    cert = certify_decision(cnf) if args.certify and not res.satisfiable else None
    if args.json:
        obj = res.to_json()
        if cert is not None:
            report(args, out, cert, obj)
        emit_json(out, obj)
    else:
        out.write("satisfiable\n" if res.satisfiable else "unsatisfiable\n")
        if res.satisfiable:
            out.write("v " + " ".join(map(str, res.model or ())) + " 0\n")
        if cert is not None:
            report(args, out, cert, None)
    return EXIT_OK
