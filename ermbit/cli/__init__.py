"""The ``ermbit`` command line: the only code that parses argv, prints, or exits.

Every command is a small adapter from arguments to library calls, registered in
:data:`ermbit.cli._base.COMMANDS` by the modules imported below.  Exit codes: 0 success,
1 a check failed, 2 bad input or usage, 3 refused by a size budget.  ``main(argv)``
returns the exit code instead of exiting, so tests call it in-process.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from ermbit.cli import checking as _checking  # noqa: F401
from ermbit.cli import counting as _counting  # noqa: F401  (registers commands)
from ermbit.cli import instances as _instances  # noqa: F401
from ermbit.cli import teaching as _teaching  # noqa: F401
from ermbit.cli import tools as _tools  # noqa: F401
from ermbit.cli._base import COMMANDS, EXIT_BUDGET, EXIT_FAILED, EXIT_INPUT, EXIT_OK
from ermbit.errors import BackendError, BudgetExceeded, ErmbitError, VerificationFailed

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ermbit",
        description="The bit-model dichotomy of deep network training, made executable.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    order = [
        "demo",
        "count",
        "slp",
        "reduce",
        "solve",
        "check",
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
    handler = COMMANDS[args.command][1]
    name = args.command
    try:
        return handler(args, out)
    except BudgetExceeded as exc:
        err.write(f"ermbit {name}: refused: {exc}\n")
        return EXIT_BUDGET
    except VerificationFailed as exc:
        err.write(f"ermbit {name}: check failed: {exc}\n")
        return EXIT_FAILED
    except BackendError as exc:
        err.write(f"ermbit {name}: backend failed: {exc}\n")
        return EXIT_FAILED
    except (ErmbitError, OSError) as exc:
        err.write(f"ermbit {name}: error: {exc}\n")
        return EXIT_INPUT
