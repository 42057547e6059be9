"""Every hint a library error can carry reads, on the command line, as something a user can
type: no library keyword (``max_candidates=``), constant or module path survives
:func:`~ermbit.cli._base.cli_text`."""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

import ermbit
from ermbit.cli._base import cli_text

ROOT = pathlib.Path(ermbit.__file__).parent
#: what a command-line user cannot pass: ``name=`` keywords (family parameters such as
#: ``max_clauses=N`` are typed as ``gen NAME max_clauses=N`` and stay), module paths,
#: module constants.
LIBRARY_ONLY = re.compile(r"\b(?!max_clauses=)[a-z]+_[a-z_]+=|\bermbit\.\w|\b[A-Z]+_[A-Z_]+\b")


def _rendered(value: ast.expr) -> str | None:
    """The hint's text with every ``{…}`` field replaced by a number, or None if it is not
    a literal (a name or call: resolved where the hint is built, checked there)."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    if isinstance(value, ast.JoinedStr):
        return "".join(
            str(part.value) if isinstance(part, ast.Constant) else "123" for part in value.values
        )
    return None


def _hints() -> list[tuple[str, str]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if "cli" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    text = _rendered(kw.value) if kw.arg == "hint" else None
                    if text is not None:
                        found.append((str(path.relative_to(ROOT)), text))
    return found


HINTS = _hints()


def test_the_scan_finds_the_hints() -> None:
    assert len(HINTS) >= 20
    assert any("max_candidates" in text for _, text in HINTS)


@pytest.mark.parametrize(("where", "hint"), HINTS, ids=[f"{w}:{h[:30]}" for w, h in HINTS])
def test_cli_hints_name_no_library_keyword(where: str, hint: str) -> None:
    shown = cli_text(hint)
    assert not LIBRARY_ONLY.search(shown), f"{where}: {shown!r}"


def test_the_slp_size_hint_is_cli_text() -> None:
    from ermbit.slp.program import _HINT

    assert not LIBRARY_ONLY.search(cli_text(_HINT.format(n=123)))
