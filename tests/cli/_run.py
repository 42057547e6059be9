"""Running the command line in-process, as the CLI tests do."""

from __future__ import annotations

import io

from ermbit.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    """``(exit code, stdout, stderr)`` of ``ermbit ARGV``."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()
