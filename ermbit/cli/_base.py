"""Plumbing shared by the command modules: the command table, exit codes, output helpers."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from typing import Any, TextIO

from ermbit.errors import InputError

#: The one exit-code table of the command line (the README's "Exit codes" lists it).
EXIT_OK = 0  # an answer (including "unsatisfiable", "NO", count 0)
EXIT_FAILED = 1  # a claim or check was refuted (rejected witness, disagreeing counters)
EXIT_INPUT = 2  # bad input or usage; a back end that is not installed or not reachable
EXIT_BUDGET = 3  # refused by a budget before the work was done
EXIT_UNDECIDED = 4  # undecided within the limits given (a time-out, UNDECIDED)
EXIT_INTERNAL = 5  # an internal error (a bug: please report it) or a crashed back end
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)
EXIT_BROKEN_PIPE = 141  # the reader of stdout went away (128 + SIGPIPE, as `head` leaves it)
EXIT_CODES: dict[int, str] = {
    EXIT_OK: "an answer",
    EXIT_FAILED: "a claim or check refuted",
    EXIT_INPUT: "bad input or usage",
    EXIT_BUDGET: "refused by a budget",
    EXIT_UNDECIDED: "undecided within the limits",
    EXIT_INTERNAL: "internal error",
    EXIT_INTERRUPTED: "interrupted",
    EXIT_BROKEN_PIPE: "output closed by its reader",
}

_GENERAL = "use --method general (a complete search of {θ : enc(θ) ≤ β}; --time-limit S)"
_SMALLER = "use smaller matrices (--sizes n=N)"

#: Library keywords that error hints name, and what a command-line user passes instead.
_KEYWORD_HINTS: tuple[tuple[str, str], ...] = (
    (r"pass budget_bits=((?:about )?[\d^]+)[^;]*$", r"pass --budget-bits \1"),
    (r"budget_bits=", "--budget-bits "),
    (r"pass a larger timeout=", "pass a larger --timeout SECONDS"),
    (r"pass max_vars=\d+ \(([^)]*)\)", r"use --method dpll or auto (\1)"),
    (r"pass max_vars=\d+", "use --method dpll or auto"),
    (r"pass a larger max_models= or use another method", "use another --method"),
    (r"pass a larger memory_mb= if it ran out", "use --method dpll if it ran out"),
    (r"pass max_clauses=(\d+) or more", r"pass max_clauses=\1 (a family parameter) or more"),
    (r"pass seed=<int>", "pass --seed N"),
    (r" \(or pass a larger (max_entries|max_edges)\)", ""),
    (r"pass a larger search_budget \(or fewer shifts or points\)", "use a smaller --max-shift"),
    (r"pass a larger (size_budget|search_budget)", "use a smaller --max-shift or --alpha"),
    (r"pass max_candidates=\d+", _GENERAL),
    (r"raise ermbit\.solvers\.erm\.pattern\.MAX_BRANCHES", _GENERAL),
    (r"pass a larger max_pivots \(or None\)", _GENERAL),
    (r"pass max_points", "use --method general, which searches the domain without listing it"),
    (r"pass max_(subsets|permutations)=\d+ or more(, or use permanent_brute)?", _SMALLER),
)


def cli_text(message: str) -> str:
    """``message`` with hints that name library keywords rewritten to command-line flags.

    >>> cli_text("over budget; to go ahead anyway, pass budget_bits=90 (or --budget-bits 90)")
    'over budget; to go ahead anyway, pass --budget-bits 90'
    >>> cli_text("method 'dpll' exceeded its timeout; pass a larger timeout=")
    "method 'dpll' exceeded its timeout; pass a larger --timeout SECONDS"
    """
    for pattern, repl in _KEYWORD_HINTS:
        message = re.sub(pattern, repl, message)
    return message


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


#: Ints longer than this are written as decimal strings: most JSON readers (Python's
#: included, by default) refuse numbers of more than ~4,300 digits.
JSON_INT_BITS = 14000


def emit_json(out: TextIO, obj: dict[str, Any]) -> None:
    """One JSON object on one line (ints stay exact; rationals and huge ints are strings)."""
    out.write(json.dumps(_fit(obj), default=_default) + "\n")


def _fit(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _fit(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_fit(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if value.bit_length() > JSON_INT_BITS else value
    return value


def _default(value: Any) -> Any:
    from ermbit.exact import fmt, parse

    try:
        q = parse(value)
    except Exception:
        return str(value)
    if q.denominator != 1:
        return fmt(q)
    return int(q.numerator) if q.numerator.bit_length() <= JSON_INT_BITS else fmt(q)


def read_cnf(path: str) -> Any:
    """A CNF from a DIMACS file (``-``: standard input), or InputError when it is missing."""
    import sys

    from ermbit.cnf import CNF

    if path == "-":
        return CNF.from_dimacs(sys.stdin.read(), path="<stdin>")
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


def bits(text: str) -> int:
    """An argparse type: a number of bits, an integer >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def add_budget(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--budget-bits",
        type=bits,
        default=None,
        metavar="N",
        help="largest value size (bits) to compute before refusing",
    )


def add_force(p: argparse.ArgumentParser) -> None:
    p.add_argument("--force", action="store_true", help="overwrite output files that already exist")


def check_output(
    path: str, flag: str, *, inputs: tuple[str, ...] = (), force: bool = False
) -> None:
    """The one rule for output files, checked before any work is done.

    An output that is also an input is always refused (writing it would destroy the
    input); an output that exists is refused unless ``--force`` is given; an output in a
    missing or read-only directory is refused at once.  Files are then written
    atomically, so a refusal or a Ctrl-C leaves the old file intact.
    """
    import os

    from ermbit.files import same_file, writable

    for src in inputs:
        if src != "-" and same_file(path, src):
            raise InputError(
                f"{flag}: {path} is also the input {src}; writing it would destroy the "
                "input, choose another file"
            )
    if os.path.lexists(path) and not force:
        raise InputError(f"{flag}: {path} exists; pass --force to overwrite it")
    writable(path, flag)
