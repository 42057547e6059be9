"""The ``ermbit`` command line: the only code that parses argv, prints, or exits.

Every command is a small adapter from arguments to library calls, registered in
:data:`ermbit.cli._base.COMMANDS` by the modules imported below.  Exit codes
(:data:`ermbit.cli._base.EXIT_CODES`, the README's table): 0 an answer, 1 a claim or check
refuted, 2 bad input or usage, 3 refused by a budget, 4 undecided within the limits,
5 internal error, 130 interrupted.  ``main(argv)`` returns the exit code instead of
exiting, so tests call it in-process.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from typing import TextIO

from ermbit.cli import checking as _checking  # noqa: F401
from ermbit.cli import counting as _counting  # noqa: F401  (registers commands)
from ermbit.cli import export as _export  # noqa: F401
from ermbit.cli import instances as _instances  # noqa: F401
from ermbit.cli import teaching as _teaching  # noqa: F401
from ermbit.cli import tools as _tools  # noqa: F401
from ermbit.cli._base import (
    COMMANDS,
    EXIT_BROKEN_PIPE,
    EXIT_BUDGET,
    EXIT_FAILED,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNDECIDED,
    cli_text,
)
from ermbit.errors import (
    BackendError,
    BackendUnavailable,
    BudgetExceeded,
    ErmbitError,
    Undecided,
    VerificationFailed,
)

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ermbit",
        description="The bit-model dichotomy of deep network training, made executable.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument(
        "--debug", action="store_true", help="print the traceback of an internal error"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    order = [
        "demo",
        "count",
        "slp",
        "reduce",
        "solve",
        "check",
        "export",
        "decide",
        "verify",
        "gen",
        "explain",
        "new-reduction",
        "study",
    ]
    names = sorted(COMMANDS, key=lambda n: order.index(n) if n in order else len(order))
    for name in names:
        add_args, _, help_text = COMMANDS[name]
        add_args(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line; return the exit code (tests call this in-process)."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse reports usage errors by exiting with 2
        return int(exc.code) if isinstance(exc.code, int) else EXIT_INPUT
    if args.version:
        from importlib.metadata import version

        out.write(f"ermbit {version('ermbit')}\n")
        return EXIT_OK
    if args.command is None:
        parser.print_help(out)
        return EXIT_INPUT
    return _run(args, out, err)


def _silence(out: TextIO) -> None:
    """Point the real stdout at /dev/null, so the interpreter's final flush of what is
    still buffered for the closed pipe does not raise a second time at exit."""
    if out is sys.stdout:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):  # no real descriptor (an in-memory stream)
            pass


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the command; every way it can end maps to one row of the exit-code table."""
    # Exact results (counts, gradients) can have more than Python's default 4,300 digits.
    sys.set_int_max_str_digits(0)
    name = args.command
    handler = COMMANDS[name][1]
    try:
        return handler(args, out)
    except KeyboardInterrupt:
        err.write(f"ermbit {name}: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `ermbit … | head`: stop quietly, as other filters do
        _silence(out)
        return EXIT_BROKEN_PIPE
    except BudgetExceeded as exc:
        err.write(f"ermbit {name}: refused: {cli_text(str(exc))}\n")
        return EXIT_BUDGET
    except VerificationFailed as exc:
        err.write(f"ermbit {name}: check failed: {cli_text(str(exc))}\n")
        return EXIT_FAILED
    except Undecided as exc:
        err.write(f"ermbit {name}: undecided: {cli_text(str(exc))}\n")
        return EXIT_UNDECIDED
    except BackendUnavailable as exc:
        err.write(f"ermbit {name}: unavailable: {cli_text(str(exc))}\n")
        return EXIT_INPUT
    except BackendError as exc:
        err.write(f"ermbit {name}: backend failed: {cli_text(str(exc))}\n")
        return EXIT_INTERNAL
    except (ErmbitError, OSError) as exc:
        err.write(f"ermbit {name}: error: {cli_text(str(exc))}\n")
        return EXIT_INPUT
    except Exception as exc:  # a bug: one line, the traceback only on request
        if args.debug:
            traceback.print_exc(file=err)
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        err.write(
            f"ermbit {name}: internal error: {type(exc).__name__}"
            f"{': ' + detail if detail else ''}; this is a bug in ermbit, please report it "
            "with the command line"
            f"{'' if args.debug else ' (run with --debug for the traceback)'}\n"
        )
        return EXIT_INTERNAL
