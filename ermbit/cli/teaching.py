"""Commands for teachers and students: ``new-reduction`` (a skeleton to fill in).

(``explain`` lives with ``verify`` in :mod:`ermbit.cli.checking`.)
"""

from __future__ import annotations

import argparse
from typing import TextIO

from ermbit.cli._base import EXIT_OK, command

__all__ = ["new_reduction_cmd"]


def _new_args(p: argparse.ArgumentParser) -> None:
    from ermbit.checking.skeleton import KINDS, TARGET_KINDS

    p.add_argument("name", help="the reduction's name, e.g. sat-to-clique")
    p.add_argument("--source", required=True, choices=list(KINDS), help="what it reads")
    p.add_argument("--target", required=True, choices=list(TARGET_KINDS), help="what it builds")
    p.add_argument("--dir", default=".", help="where to write the module and its test")


@command(
    "new-reduction", _new_args, "write a reduction skeleton (forward, lift, back, claim) and a test"
)
def new_reduction_cmd(args: argparse.Namespace, out: TextIO) -> int:
    from ermbit.checking.skeleton import write_skeleton

    paths = write_skeleton(args.name, args.source, args.target, args.dir)
    for p in paths:
        out.write(f"wrote {p}\n")
    module = paths[0].stem
    cls = "".join(part.capitalize() for part in args.name.split("-"))
    out.write(
        f"fill in the NotImplementedError parts, then run:\n"
        f"  pytest {paths[1]}\n"
        f"  ermbit verify --reduction {module}:{cls}\n"
    )
    return EXIT_OK
