"""Parsing for :mod:`ermbit.network.activations`: polynomial expressions (via sympy) and JSON.

Kept apart so that the activation classes read on their own; the public entry points are
:meth:`~ermbit.network.activations.Polynomial.from_expr`,
:meth:`~ermbit.network.activations.Activation.from_json`
and :func:`~ermbit.network.activations.parse_activation`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ermbit.errors import FormatError, InputError, InputTypeError
from ermbit.exact import Q, Z, parse
from ermbit.network.activations import (
    Activation,
    Identity,
    PiecewiseLinear,
    Polynomial,
    ReLU,
)

__all__ = ["decode", "parse_spec", "poly_from_expr"]

#: Larger exponents are refused before sympy expands anything.
_MAX_DEGREE = 10_000

_EXPR_OK = re.compile(r"^[\sxz0-9+\-*/^()]+$")
_POWER = re.compile(r"(?:\*\*|\^)\s*\(?\s*(\d+)")


def poly_from_expr(text: str) -> Polynomial:
    """See :meth:`ermbit.network.activations.Polynomial.from_expr`."""
    import sympy
    from sympy.parsing.sympy_parser import convert_xor, parse_expr, standard_transformations

    if not isinstance(text, str):
        raise InputTypeError(f"expression: expected a string, got {type(text).__name__}")
    if "." in text:
        raise InputError(f"expression {text!r}: floats are not exact; write 1/2, not 0.5")
    if not _EXPR_OK.match(text):
        raise InputError(
            f"expression {text!r}: only the variable x or z, integers, + - * / ^ ** and "
            "parentheses are allowed"
        )
    if "x" in text and "z" in text:
        raise InputError(f"expression {text!r}: use one variable, x or z, not both")
    if any(int(m) > _MAX_DEGREE for m in _POWER.findall(text)):
        raise InputError(f"expression {text!r}: exponents above {_MAX_DEGREE} are refused")
    var = sympy.Symbol("x" if "x" in text else "z")
    try:
        expr = parse_expr(
            text,
            local_dict={var.name: var},
            transformations=(*standard_transformations, convert_xor),
        )
        poly = sympy.Poly(expr, var)
    except (SyntaxError, TypeError, ValueError, ZeroDivisionError, sympy.SympifyError) as exc:
        raise InputError(f"expression {text!r} is not a polynomial in {var}: {exc}") from exc
    except sympy.PolynomialError as exc:
        raise InputError(f"expression {text!r} is not a polynomial in {var}") from exc
    coeffs = poly.all_coeffs()[::-1]
    bad = [c for c in coeffs if not c.is_Rational]
    if bad:
        raise InputError(f"expression {text!r}: coefficient {bad[0]} is not rational")
    return Polynomial(tuple(Q(Z(int(c.p)), Z(int(c.q))) for c in coeffs))


def decode(obj: Any, where: str) -> Activation:
    """See :meth:`ermbit.network.activations.Activation.from_json`."""
    if isinstance(obj, str):
        if obj == "id":
            return Identity()
        if obj == "relu":
            return ReLU()
        raise FormatError(f"unknown activation {obj!r}; expected 'id', 'relu', ...", field=where)
    if not isinstance(obj, Mapping) or len(obj) != 1:
        raise FormatError(
            f"expected 'id', 'relu', {{'poly': [...]}} or {{'pl': {{...}}}}, got {obj!r}",
            field=where,
        )
    ((key, body),) = obj.items()
    try:
        if key == "poly":
            if not isinstance(body, list) or not body:
                raise FormatError("expected a non-empty array of rationals", field=f"{where}.poly")
            return Polynomial(
                tuple(_json_rational(v, f"{where}.poly[{i}]") for i, v in enumerate(body))
            )
        if key == "pl":
            return decode_pl(body, f"{where}.pl")
    except FormatError:
        raise
    except InputError as exc:
        raise FormatError(str(exc), field=where) from exc
    raise FormatError(f"unknown activation key {key!r}; expected 'poly' or 'pl'", field=where)


def _json_rational(value: Any, where: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise FormatError(
            f"expected a rational as a string 'p' or 'p/q', got {value!r}", field=where
        )
    try:
        return parse(value, name=where)
    except InputError as exc:
        raise FormatError(str(exc).removeprefix(f"{where}: "), field=where) from exc


def decode_pl(body: Any, where: str) -> PiecewiseLinear:
    names = ("breakpoints", "slopes", "intercepts")
    if not isinstance(body, Mapping) or set(body) != set(names):
        raise FormatError(f"expected an object with keys {list(names)}", field=where)
    parts = []
    for name in names:
        vals = body[name]
        if not isinstance(vals, list):
            raise FormatError("expected an array of rationals", field=f"{where}.{name}")
        parts.append(tuple(_json_rational(v, f"{where}.{name}[{i}]") for i, v in enumerate(vals)))
    return PiecewiseLinear(*parts)


def parse_spec(spec: object) -> Activation:
    """See :func:`ermbit.network.activations.parse_activation`."""
    if isinstance(spec, Activation):
        return spec
    if isinstance(spec, Mapping):
        return decode(spec, "activation")
    if not isinstance(spec, str):
        raise InputTypeError(
            f"activation: expected a name, an expression or a JSON object, got {spec!r}"
        )
    text = spec.strip()
    if text.lower() in ("id", "identity"):
        return Identity()
    if text.lower() == "relu":
        return ReLU()
    if text.startswith(("{", '"')):
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"activation {spec!r}: not valid JSON: {exc}") from exc
        return decode(obj, "activation")
    return poly_from_expr(text)
