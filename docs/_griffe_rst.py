"""Griffe extension for the API page: the code's docstrings as Markdown.

ermbit's docstrings are numpydoc with reST markup, run as doctests by pytest.  Rendered
as Markdown, a ``>>>`` line would open nested block quotes and ``:func:`x``` would show
its role.  This extension rewrites each docstring on loading -- the code is untouched:

* a run of doctest lines (``>>>``, ``...`` and the expected output after them, up to a
  blank line) becomes a fenced ``pycon`` block;
* ``:role:`~a.b.c``` becomes ``c`` in code (``:role:`a.b``` becomes ``a.b``); no link
  is made, so a name the reference does not cover cannot break the strict build;
* a ``::`` paragraph ending introduces an indented literal block, as in reST.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:func|meth|class|mod|data|attr|exc|obj|const):`(~?)([^`]+)`")


def _role(match: re.Match[str]) -> str:
    tilde, target = match.groups()
    return f"`{target.rsplit('.', 1)[-1] if tilde else target}`"


def _fence_doctests(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        if stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i])
                i += 1
            out.extend([f"{indent}```pycon", *(indent + b for b in block), f"{indent}```"])
            continue
        out.append(line)
        i += 1
    return out


def _literal_blocks(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line[:-1] if line.rstrip().endswith("::") else line)
        if line.rstrip().endswith("::") and i + 1 < len(lines) and not lines[i + 1].strip():
            j = i + 2
            block = []
            while j < len(lines) and (not lines[j].strip() or lines[j].startswith("    ")):
                block.append(lines[j])
                j += 1
            while block and not block[-1].strip():
                block.pop()
            if block:
                out.extend(["", "```", *(b[4:] for b in block), "```", ""])
                i = j
                continue
        i += 1
    return out


def rewrite(text: str) -> str:
    """The Markdown form of one reST docstring (see the module docstring)."""
    lines = _fence_doctests(text.splitlines())
    lines = _literal_blocks(lines)
    return _ROLE.sub(_role, "\n".join(lines))


class ReSTToMarkdown(griffe.Extension):
    """Rewrite every docstring as it is loaded."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = rewrite(obj.docstring.value)
