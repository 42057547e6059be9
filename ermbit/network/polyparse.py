"""Polynomial expressions in one variable, parsed with bounded work and memory.

Grammar (``^`` is a synonym of ``**``; the variable is ``x`` or ``z``, one per expression)::

    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := ("+" | "-") unary | power
    power   := atom (("**" | "^") exponent)?
    atom    := INTEGER | VARIABLE | "(" sum ")"
    exponent:= INTEGER | "(" INTEGER ")"

Nothing is evaluated while parsing.  The tree is first *measured*: for every node a
bound on its degree and on the bit sizes of its coefficients (numerators over a common
denominator) is computed from its children's bounds, and the expression is refused if
any node exceeds a limit -- before any polynomial arithmetic happens.  So ``x**(9**9)``
(the exponent is not a literal), ``(z**100)**100`` (degree 10,000) and
``((z+1)**300)**300`` (degree 90,000) are refused at once, in memory proportional to
the text.  Nesting depth and text length are bounded too, so no input can raise
``RecursionError``.  Every refusal names the limit and the keyword that raises it.

Division is allowed by a non-zero constant only (``z**2/3``); floats, names other than
the variable, implicit products (``2z``) and non-literal exponents are refused by name.

>>> parse_poly("(z + 1)**2 / 2")
(mpq(1,2), mpq(1,1), mpq(1,2))
>>> parse_poly("x^3 - 2*x")
(mpq(0,1), mpq(-2,1), mpq(0,1), mpq(1,1))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ermbit.errors import InputError, InputTypeError
from ermbit.exact import Q, Z, bitlen

__all__ = [
    "MAX_CHARS",
    "MAX_COEFF_BITS",
    "MAX_DEGREE",
    "MAX_DEPTH",
    "parse_poly",
]

#: Longest expression accepted, in characters.
MAX_CHARS = 2_000
#: Highest degree of the expression or of any part of it.
MAX_DEGREE = 1_000
#: Largest predicted size of a numerator or of the common denominator, in bits.
MAX_COEFF_BITS = 100_000
#: Deepest nesting of parentheses and operators.
MAX_DEPTH = 100

_TOKEN = re.compile(r"\s*(?:([0-9]+)|([A-Za-z_]\w*)|(\*\*|[-+*/^()])|(\S))")


def _refuse(text: str, what: str, keyword: str, limit: int) -> InputError:
    return InputError(
        f"expression {_quote(text)}: {what}, over the limit {keyword}={limit} "
        f"(ermbit.network.polyparse.parse_poly; raise it there if this is intended)"
    )


def _bad(text: str, why: str) -> InputError:
    return InputError(f"expression {_quote(text)} is not a polynomial: {why}")


def _quote(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


@dataclass(frozen=True)
class _Node:
    """``op`` is "num", "var", "neg", "**", or "sum"/"product" over ``args`` joined by
    ``ops`` (``ops[i]`` joins ``args[i]``: "+"/"-" or "*"/"/"); chains are flat, so the
    tree is only as deep as the nesting of the text."""

    op: str
    args: tuple[_Node, ...] = ()
    value: int = 0  # the literal of "num", the exponent of "**"
    ops: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Size:
    degree: int
    num_bits: int  # every numerator over the common denominator is below 2**num_bits
    den_bits: int  # the common denominator is at most 2**den_bits


class _Parser:
    def __init__(self, text: str, var: str | None, max_depth: int) -> None:
        self.text, self.max_depth = text, max_depth
        self.tokens: list[str] = []
        for m in _TOKEN.finditer(text):
            num, name, op, bad = m.groups()
            if bad == ".":
                raise InputError(
                    f"expression {_quote(text)}: floats are not exact; write 1/2, not 0.5"
                )
            if bad is not None:
                raise _bad(text, f"unexpected character {bad!r}")
            self.tokens.append(num or name or op)
        names = {t for t in self.tokens if t[0].isalpha() or t[0] == "_"}
        allowed = {var} if var is not None else {"x", "z"}
        if names - allowed:
            raise InputError(
                f"expression {_quote(text)}: only the variable {' or '.join(sorted(allowed))}, "
                f"integers, + - * / ^ ** and parentheses are allowed; found {sorted(names)}"
            )
        if len(names) > 1:
            raise InputError(f"expression {_quote(text)}: use one variable, x or z, not both")
        self.var = next(iter(names), var or "z")
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise _bad(self.text, "it ends too early")
        self.pos += 1
        return tok

    def expect(self, tok: str) -> None:
        got = self.take()
        if got != tok:
            raise _bad(self.text, f"expected {tok!r}, got {got!r}")

    def deeper(self, depth: int) -> int:
        if depth >= self.max_depth:
            raise _refuse(self.text, "nested too deeply", "max_depth", self.max_depth)
        return depth + 1

    def sum(self, depth: int) -> _Node:
        depth = self.deeper(depth)
        args, ops = [self.product(depth)], ["+"]
        while self.peek() in ("+", "-"):
            ops.append(self.take())
            args.append(self.product(depth))
        return args[0] if len(args) == 1 else _Node("sum", tuple(args), 0, tuple(ops))

    def product(self, depth: int) -> _Node:
        args, ops = [self.unary(depth)], ["*"]
        while self.peek() in ("*", "/"):
            ops.append(self.take())
            args.append(self.unary(depth))
        return args[0] if len(args) == 1 else _Node("product", tuple(args), 0, tuple(ops))

    def unary(self, depth: int) -> _Node:
        signs = 0
        while self.peek() in ("+", "-"):
            signs += self.take() == "-"
            depth = self.deeper(depth)
        node = self.power(depth)
        return _Node("neg", (node,)) if signs % 2 else node

    def power(self, depth: int) -> _Node:
        base = self.atom(depth)
        if self.peek() not in ("**", "^"):
            return base
        self.take()
        paren = self.peek() == "("
        if paren:
            self.take()
        tok = self.take()
        if not tok.isdigit() or (paren and self.peek() != ")"):
            raise _bad(
                self.text,
                "an exponent must be an integer literal such as z**3 (no expressions, "
                "signs or variables in exponents)",
            )
        if paren:
            self.take()
        if self.peek() in ("**", "^"):
            raise _bad(self.text, "chained powers a**b**c are refused; write one integer literal")
        return _Node("**", (base,), int(tok))

    def atom(self, depth: int) -> _Node:
        tok = self.take()
        if tok == "(":
            node = self.sum(depth)
            self.expect(")")
            return node
        if tok.isdigit():
            return _Node("num", (), int(tok))
        if tok == self.var:
            return _Node("var")
        raise _bad(self.text, f"unexpected {tok!r}")


class _Limits:
    def __init__(self, text: str, max_degree: int, max_coeff_bits: int) -> None:
        self.text, self.max_degree, self.max_bits = text, max_degree, max_coeff_bits

    def check(self, size: _Size) -> _Size:
        if size.degree > self.max_degree:
            raise _refuse(
                self.text,
                f"degree {size.degree} (exponents above the limit are refused before expansion)",
                "max_degree",
                self.max_degree,
            )
        bits = max(size.num_bits, size.den_bits)
        if bits > self.max_bits:
            raise _refuse(
                self.text,
                f"coefficients of up to {bits} bits predicted",
                "max_coeff_bits",
                self.max_bits,
            )
        return size

    def measure(self, node: _Node) -> _Size:
        """Bounds on degree and coefficient sizes, from the children's bounds only."""
        if node.op == "num":
            return self.check(_Size(0, bitlen(node.value), 0))
        if node.op == "var":
            return _Size(1, 1, 0)
        sizes = [self.measure(a) for a in node.args]
        if node.op == "neg":
            return sizes[0]
        if node.op == "**":
            (b,) = sizes
            k = node.value
            # (t terms of height h)^k has coefficients below (t * 2^h)^k
            return self.check(
                _Size(b.degree * k, max(1, k * (b.num_bits + bitlen(b.degree + 1))), k * b.den_bits)
            )
        total = sizes[0]
        for op, s in zip(node.ops[1:], sizes[1:], strict=True):
            total = self.check(_combine(total, op, s))
        return total


def _combine(a: _Size, op: str, b: _Size) -> _Size:
    den = a.den_bits + b.den_bits
    if op in "+-":
        return _Size(
            max(a.degree, b.degree), max(a.num_bits + b.den_bits, b.num_bits + a.den_bits) + 1, den
        )
    if op == "*":
        grow = bitlen(min(a.degree, b.degree) + 1)
        return _Size(a.degree + b.degree, a.num_bits + b.num_bits + grow, den)
    # division by a constant p/q multiplies by q/p
    return _Size(a.degree, a.num_bits + b.den_bits, a.den_bits + b.num_bits)


Poly = list[Any]


def _add(a: Poly, b: Poly, sign: int) -> Poly:
    out = list(a) + [Q(0)] * max(0, len(b) - len(a))
    for i, c in enumerate(b):
        out[i] = out[i] + sign * c
    return out


def _mul(a: Poly, b: Poly) -> Poly:
    out = [Q(0)] * (len(a) + len(b) - 1)
    for i, c in enumerate(a):
        if c:
            for j, d in enumerate(b):
                out[i + j] += c * d
    return out


def _pow(a: Poly, k: int) -> Poly:
    out: Poly = [Q(1)]
    while k:
        if k & 1:
            out = _mul(out, a)
        k >>= 1
        if k:
            a = _mul(a, a)
    return out


def _eval(text: str, node: _Node) -> Poly:
    if node.op == "num":
        return [Q(Z(node.value))]
    if node.op == "var":
        return [Q(0), Q(1)]
    vals = [_eval(text, a) for a in node.args]
    if node.op == "neg":
        return [-c for c in vals[0]]
    if node.op == "**":
        return _pow(vals[0], node.value)
    acc = vals[0]
    for op, v in zip(node.ops[1:], vals[1:], strict=True):
        if op in "+-":
            acc = _add(acc, v, 1 if op == "+" else -1)
        elif op == "*":
            acc = _mul(acc, v)
        else:
            if any(v[1:]):
                raise _bad(text, "division by a non-constant")
            if not v[0]:
                raise InputError(f"expression {_quote(text)}: division by zero")
            acc = [c / v[0] for c in acc]
    return acc


def parse_poly(
    text: str,
    *,
    var: str | None = None,
    max_chars: int = MAX_CHARS,
    max_degree: int = MAX_DEGREE,
    max_coeff_bits: int = MAX_COEFF_BITS,
    max_depth: int = MAX_DEPTH,
) -> tuple[Any, ...]:
    """Ascending rational coefficients of the polynomial ``text`` (grammar above).

    ``var`` fixes the variable; by default it is ``x`` or ``z``, whichever occurs.

    Raises
    ------
    InputTypeError
        If ``text`` is not a string.
    InputError
        If it is not a polynomial of the grammar, or any limit is exceeded (the message
        names the limit); nothing is expanded before every bound has been checked.
    """
    if not isinstance(text, str):
        raise InputTypeError(f"expression: expected a string, got {type(text).__name__}")
    if len(text) > max_chars:
        raise _refuse(text, f"{len(text)} characters", "max_chars", max_chars)
    parser = _Parser(text, var, max_depth)
    if not parser.tokens:
        raise _bad(text, "it is empty")
    try:
        tree = parser.sum(0)
        if parser.peek() is not None:
            raise _bad(text, f"unexpected {parser.peek()!r}")
        _Limits(text, max_degree, max_coeff_bits).measure(tree)
        coeffs = _eval(text, tree)
    except RecursionError:  # only if max_depth was raised past what the stack holds
        why = "nested deeper than Python's stack allows"
        raise _refuse(text, why, "max_depth", max_depth) from None

    while len(coeffs) > 1 and not coeffs[-1]:
        coeffs.pop()
    return tuple(coeffs)
