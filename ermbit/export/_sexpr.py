"""A small reader for the S-expressions SMT solvers print (models, ``get-value``).

>>> parse_all("sat ((define-fun x () Real (/ 1.0 3.0)))")
['sat', [['define-fun', 'x', [], 'Real', ['/', '1.0', '3.0']]]]
>>> number(['-', ['/', '1', '3']]), number('2.50'), number('|x|')
(mpq(-1,3), mpq(5,2), None)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ermbit import exact
from ermbit.errors import FormatError

__all__ = ["number", "parse_all", "walk"]

_TOKEN = re.compile(r'\s+|;[^\n]*|(\()|(\))|(\|[^|]*\|)|("(?:[^"]|"")*")|([^\s()|";]+)')
_DECIMAL = re.compile(r"^([0-9]+)\.([0-9]*)$")


def parse_all(text: str) -> list[Any]:
    """Every top-level S-expression of ``text``: atoms are strings, lists are lists."""
    stack: list[list[Any]] = [[]]
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise FormatError(f"S-expression: cannot read {text[pos : pos + 20]!r}")
        pos = m.end()
        if m.group(1):
            stack.append([])
        elif m.group(2):
            if len(stack) == 1:
                raise FormatError("S-expression: unbalanced ')'")
            done = stack.pop()
            stack[-1].append(done)
        elif m.group(3) or m.group(4) or m.group(5):
            atom = m.group(3) or m.group(4) or m.group(5)
            stack[-1].append(atom[1:-1] if atom.startswith("|") else atom)
    if len(stack) != 1:
        raise FormatError("S-expression: unbalanced '('")
    return stack[0]


def walk(items: list[Any]) -> Iterator[Any]:
    """Every list nested in ``items`` (pre-order)."""
    for item in items:
        if isinstance(item, list):
            yield item
            yield from walk(item)


def number(node: Any) -> Any:
    """The exact value of a numeric constant term, or None if it is not one."""
    if isinstance(node, str):
        if node.isdigit():
            return exact.Q(int(node))
        m = _DECIMAL.match(node)
        if m:
            frac = m.group(2)
            return exact.Q(int(m.group(1) + frac)) / exact.Q(10) ** len(frac)
        return None
    if not isinstance(node, list) or not node:
        return None
    args = [number(a) for a in node[1:]]
    if any(a is None for a in args):
        return None
    op = node[0]
    if op == "-" and len(args) == 1:
        return -args[0]
    if op == "-" and len(args) == 2:
        return args[0] - args[1]
    if op == "/" and len(args) == 2 and args[1] != 0:
        return args[0] / args[1]
    if op in ("to_real", "to_int") and len(args) == 1 and op == "to_real":
        return args[0]
    if op == "+" and args:
        return sum(args, exact.Q(0))
    if op == "*" and args:
        out = exact.Q(1)
        for a in args:
            out *= a
        return out
    return None
