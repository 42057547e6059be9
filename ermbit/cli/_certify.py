"""The ``--certify`` and ``--proof FILE`` options shared by ``count``, ``decide``, ``solve``."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from ermbit.errors import InputError


def add_certify(p: argparse.ArgumentParser) -> None:
    """Declare ``--certify`` and ``--proof FILE``."""
    p.add_argument(
        "--certify",
        action="store_true",
        help="back a 'no' answer with a DRAT proof checked by ermbit's own checker "
        "(and dratify where installed); a positive count by agreement of independent counters",
    )
    p.add_argument(
        "--proof", metavar="FILE", default=None, help="with --certify: write the DRAT proof here"
    )


def check_certify(args: argparse.Namespace) -> None:
    """Refuse ``--proof`` without ``--certify`` before any work is done."""
    if args.proof is not None and not args.certify:
        raise InputError("--proof: only meaningful with --certify")


def report(args: argparse.Namespace, out: TextIO, cert: Any, obj: dict[str, Any] | None) -> None:
    """Put ``cert`` into the JSON object ``obj``, or print it; write the proof if asked."""
    wrote = False
    if args.proof is not None and getattr(cert, "proof", None) is not None:
        cert.write(args.proof)
        wrote = True
    if obj is not None:
        obj["certificate"] = cert.to_json()
        if args.proof is not None:
            obj["certificate"]["proof_file"] = args.proof if wrote else None
        return
    state = "checked" if cert.checked else "NOT CHECKED"
    line = f"certificate: {cert.kind}, {state} by {cert.checker}, {cert.steps} steps"
    if args.proof is not None:
        line += f"; proof written to {args.proof}" if wrote else "; no proof to write"
    out.write(line + "\n")
