"""Reading the fields of ``ermbit/1`` documents: typed accessors whose errors name the field.

Every decoder of a file kind reads its object through these, passing the dotted path of
the value (``"samples[2].loss"``), so a malformed file is refused with
:class:`~ermbit.errors.FormatError` naming exactly what is wrong and where.

>>> as_int(3, "n"), join(join("", "gates"), 4)
(3, 'gates[4]')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ermbit import exact
from ermbit.errors import FormatError, InputError

__all__ = ["as_int", "as_list", "as_object", "as_rational", "as_str", "check_keys", "join"]


def join(where: str, key: str | int) -> str:
    """Dotted path of a child: ``join("", "a") == "a"``, ``join("g", 3) == "g[3]"``.

    >>> join(join(join("", "samples"), 2), "loss")
    'samples[2].loss'
    """
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


def _show(n: int) -> str:
    """An int for a message; ``str`` refuses ints over 4300 digits, and they are unreadable."""
    return str(n) if exact.bitlen(n) <= 64 else f"<an integer of {exact.bitlen(n)} bits>"


def _kind_name(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


def as_object(value: Any, where: str) -> dict[str, Any]:
    """``value`` if it is a JSON object, else :class:`FormatError` naming ``where``."""
    if not isinstance(value, dict):
        raise FormatError(f"expected an object, got {_kind_name(value)}", field=where or None)
    return value


def as_list(value: Any, where: str) -> list[Any]:
    """``value`` if it is a JSON array, else :class:`FormatError` naming ``where``."""
    if not isinstance(value, list):
        raise FormatError(f"expected an array, got {_kind_name(value)}", field=where or None)
    return value


def as_str(value: Any, where: str) -> str:
    """``value`` if it is a JSON string, else :class:`FormatError` naming ``where``."""
    if not isinstance(value, str):
        raise FormatError(f"expected a string, got {_kind_name(value)}", field=where or None)
    return value


def as_int(value: Any, where: str) -> int:
    """``value`` if it is a JSON integer (not a boolean), else :class:`FormatError`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise FormatError(f"expected an integer, got {_kind_name(value)}", field=where or None)
    return value


def as_rational(value: Any, where: str) -> exact.Rational:
    """An exact rational (``mpq``) from a string ``"p"``/``"p/q"`` or a JSON integer.

    >>> as_rational("6/4", "w"), as_rational(-2, "w")
    (mpq(3,2), mpq(-2,1))
    >>> as_rational("1/0", "edges[0].w")
    Traceback (most recent call last):
    ...
    ermbit.errors.FormatError: field 'edges[0].w': zero denominator in '1/0'
    """
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise FormatError(
            f"expected a rational as a string 'p' or 'p/q', got {_kind_name(value)}", field=where
        )
    try:
        return exact.parse(value, name=where)
    except InputError as exc:
        raise FormatError(str(exc).removeprefix(f"{where}: "), field=where) from exc


def check_keys(
    obj: dict[str, Any], where: str, required: Iterable[str], optional: Iterable[str] = ()
) -> None:
    """Raise :class:`FormatError` for a missing required key or an unknown key."""
    required = tuple(required)
    for key in required:
        if key not in obj:
            raise FormatError("missing field", field=join(where, key))
    allowed = set(required) | set(optional)
    for key in obj:
        if key not in allowed:
            raise FormatError(f"unknown field; expected {sorted(allowed)}", field=join(where, key))
