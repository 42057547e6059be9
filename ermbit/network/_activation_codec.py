"""Parsing for :mod:`ermbit.network.activations`: polynomial expressions (bounded, by
:mod:`ermbit.network.polyparse`; nothing is evaluated) and JSON.

Kept apart so that the activation classes read on their own; the public entry points are
:meth:`~ermbit.network.activations.Polynomial.from_expr`,
:meth:`~ermbit.network.activations.Activation.from_json`
and :func:`~ermbit.network.activations.parse_activation`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ermbit import formats
from ermbit.errors import FormatError, InputError, InputTypeError
from ermbit.exact import parse
from ermbit.network.activations import (
    Activation,
    Identity,
    PiecewiseLinear,
    Polynomial,
    ReLU,
)
from ermbit.network.polyparse import parse_poly

__all__ = ["decode", "parse_spec", "poly_from_expr"]


def poly_from_expr(text: str) -> Polynomial:
    """See :meth:`ermbit.network.activations.Polynomial.from_expr` (bounded: :func:`parse_poly`)."""
    return Polynomial(parse_poly(text))


def decode(obj: Any, where: str) -> Activation:
    """See :meth:`ermbit.network.activations.Activation.from_json`."""
    if isinstance(obj, str):
        if obj == "id":
            return Identity()
        if obj == "relu":
            return ReLU()
        if obj.isidentifier() and obj not in ("x", "z"):
            raise FormatError(
                f"unknown activation {obj!r}; expected 'id', 'relu', a polynomial such as "
                "'z**2', {'poly': [...]} or {'pl': {...}}",
                field=where,
            )
        try:
            return poly_from_expr(obj)
        except InputError as exc:
            raise FormatError(str(exc), field=where) from exc
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
            obj = formats.parse_json_bounded(text)
        except FormatError as exc:
            short = text if len(text) <= 60 else text[:57] + "..."
            raise InputError(f"activation {short!r}: {exc.message}") from exc
        return decode(obj, "activation")
    return poly_from_expr(text)
