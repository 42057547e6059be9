"""Plumbing shared by the command modules: the command table, exit codes, output helpers."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any, TextIO

from ermbit.errors import InputError

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_BUDGET = 0, 1, 2, 3

Handler = Callable[[argparse.Namespace, TextIO], int]
AddArgs = Callable[[argparse.ArgumentParser], None]
#: name -> (declare arguments, handler, one-line help); filled by the command modules.
COMMANDS: dict[str, tuple[AddArgs, Handler, str]] = {}


def command(name: str, add_args: AddArgs, help: str) -> Callable[[Handler], Handler]:
    """Register a sub-command: ``add_args`` declares its arguments, the handler runs it."""

    def deco(fn: Handler) -> Handler:
        COMMANDS[name] = (add_args, fn, help)
        return fn

    return deco


def emit_json(out: TextIO, obj: dict[str, Any]) -> None:
    """One JSON object on one line (ints stay exact; rationals are strings)."""
    out.write(json.dumps(obj, default=_default) + "\n")


def _default(value: Any) -> Any:
    from ermbit.exact import fmt, parse

    try:
        q = parse(value)
    except Exception:
        return str(value)
    return int(q.numerator) if q.denominator == 1 else fmt(q)


def read_cnf(path: str) -> Any:
    """A CNF from a DIMACS file, or InputError when the file is missing."""
    from ermbit.cnf import CNF

    try:
        return CNF.read(path)
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc


def read_document(path: str) -> Any:
    """An ``ermbit/1`` document, or InputError when the file is missing."""
    from ermbit import formats

    try:
        return formats.read(path)
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc


def table(rows: list[list[str]], header: list[str]) -> str:
    """A plain-text table with right-aligned columns."""
    cells = [header, *rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def add_budget(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--budget-bits",
        type=int,
        default=None,
        metavar="N",
        help="largest value size (bits) to compute before refusing",
    )
