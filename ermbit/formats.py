"""JSON files in format ``ermbit/1`` (docs: format.md): one object per file, one registry of kinds.

Every file is a JSON object with ``"format": "ermbit/1"``, a ``"kind"``, the kind's own
fields, and an optional ``"meta"`` object (reduction name, parameters, claims...) that
round-trips unchanged.  Rationals are strings ``"p"`` or ``"p/q"`` (JSON integers are
accepted too); a JSON number with a fraction or an exponent, ``NaN`` or ``Infinity``
is refused **anywhere** in the file, ``meta`` included, because it is not exact.  Every
problem raises :class:`~ermbit.errors.FormatError` whose ``field`` is the dotted path
of the offending value (``"gates[3][1]"``, ``"samples[2].loss"``).

Every kind of the project is listed in one table, :data:`KINDS` (class, encoder and
decoder by dotted path, imported on first use); :func:`register_kind` adds others.

>>> from ermbit.slp import SLP
>>> text = dumps(SLP(1, [("+", 0, 0), ("*", 1, 1)]), meta={"source": "doc"})
>>> doc = loads(text)
>>> doc.kind, doc.obj.gates[1], doc.meta
('slp', Gate(op='*', j=1, k=1), {'source': 'doc'})
>>> loads('{"format": "ermbit/1", "kind": "slp", "a0": 0.5, "gates": []}')
Traceback (most recent call last):
...
ermbit.errors.FormatError: field 'a0': 0.5 is a floating-point number; write ...
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ermbit import exact
from ermbit.errors import FormatError, InputError
from ermbit.fields import (  # re-exported: the decoders' helpers
    as_int,
    as_list,
    as_object,
    as_rational,
    as_str,
    check_keys,
    join,
)
from ermbit.files import write_atomic
from ermbit.kind_registry import (  # re-exported: the table of kinds and its registry
    KINDS,
    decode_fields,
    encode_fields,
    is_registered,
    kinds,
    register_kind,
)
from ermbit.kind_registry import Decoder as Decoder  # kept importable from here
from ermbit.kind_registry import Encoder as Encoder
from ermbit.slp.codec import decode_slp, encode_slp  # re-exported

__all__ = [
    "FORMAT",
    "KINDS",
    "as_int",
    "as_list",
    "as_object",
    "as_rational",
    "as_str",
    "check_keys",
    "decode_fields",
    "decode_slp",
    "Document",
    "dumps",
    "encode_fields",
    "encode_slp",
    "is_registered",
    "join",
    "kinds",
    "loads",
    "parse_json_bounded",
    "read",
    "register_kind",
    "write",
]

#: The format version written in every file.
FORMAT = "ermbit/1"
_RESERVED = ("format", "kind", "meta")
#: Ints longer than this many bits cannot be written as JSON numbers by ``json``.
_MAX_JSON_INT_BITS = 14000
#: Reading limits: file size in bytes, nesting depth of arrays and objects, and digits
#: of one JSON number.  Each refusal names the limit; raise it by assigning these.
MAX_FILE_BYTES = 1 << 30
MAX_JSON_DEPTH = 500
MAX_NUMBER_DIGITS = 1_000_000
_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


@dataclass(frozen=True)
class Document:
    """A decoded file: its ``kind``, the decoded object and the ``meta`` object."""

    kind: str
    obj: Any = field(hash=False)
    meta: dict[str, Any] = field(default_factory=dict, hash=False)


# ---------------------------------------------------------------- reading


class _Float:
    """Placeholder for a non-integer JSON number, reported later with its field path."""

    def __init__(self, text: str) -> None:
        self.text = text


class _Object(dict[str, Any]):
    """A JSON object that remembers keys given more than once."""

    duplicates: tuple[str, ...] = ()


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        dups = []
        for key, _ in pairs:
            if key in seen:
                dups.append(key)
            seen.add(key)
        obj.duplicates = tuple(dups)
    return obj


def _scan(value: Any, where: str) -> None:
    """Refuse floats, NaN/Infinity and duplicate keys anywhere, naming the field."""
    if isinstance(value, _Float):
        raise FormatError(
            f"{value.text} is a floating-point number; write exact rationals as strings "
            "such as '1/2'",
            field=where or None,
        )
    if isinstance(value, dict):
        dups = getattr(value, "duplicates", ())
        if dups:
            raise FormatError("key given more than once", field=join(where, dups[0]))
        for key, item in value.items():
            _scan(item, join(where, key))
    elif isinstance(value, list):
        for t, item in enumerate(value):
            _scan(item, join(where, t))


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_DIGITS:
        raise FormatError(
            f"a number of {len(text)} digits, over the limit of {MAX_NUMBER_DIGITS} "
            "(ermbit.formats.MAX_NUMBER_DIGITS)"
        )
    # Python's int() refuses literals over 4300 digits; mpz has no such limit
    return int(text) if len(text) <= 4000 else int(exact.Z(text))


def _check_depth(text: str, limit: int) -> None:
    """Refuse nesting deeper than ``limit`` before the recursive decoder sees it."""
    depth = 0
    for m in _BRACKETS.finditer(text):
        tok = m.group()
        if tok in "[{":
            depth += 1
            if depth > limit:
                raise FormatError(
                    f"arrays and objects nested deeper than {limit} levels "
                    "(ermbit.formats.MAX_JSON_DEPTH)"
                )
        elif tok in "]}":
            depth -= 1


def parse_json_bounded(text: str) -> Any:
    """Plain JSON with the reading limits of this module (depth, number size).

    >>> parse_json_bounded('{"poly": ["0", "1"]}')
    {'poly': ['0', '1']}

    Raises
    ------
    FormatError
        For invalid JSON or a limit exceeded (the message names the limit).
    """
    _check_depth(text, MAX_JSON_DEPTH)
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise FormatError(f"not valid JSON: {exc}") from exc


def _parse_json(text: str) -> tuple[Any, bool]:
    """The decoded JSON, and whether it holds a float or a repeated key somewhere."""
    seen_bad: list[bool] = []

    def on_float(literal: str) -> _Float:
        seen_bad.append(True)
        return _Float(literal)

    def on_object(pairs: list[tuple[str, Any]]) -> _Object:
        obj = _pairs(pairs)
        if obj.duplicates:
            seen_bad.append(True)
        return obj

    _check_depth(text, MAX_JSON_DEPTH)
    try:
        value = json.loads(
            text,
            parse_float=on_float,
            parse_constant=on_float,
            parse_int=_parse_int,
            object_pairs_hook=on_object,
        )
    except json.JSONDecodeError as exc:
        raise FormatError(f"not valid JSON: {exc}") from exc
    return value, bool(seen_bad)


def loads(text: str, *, path: str | None = None) -> Document:
    """Decode an ``ermbit/1`` document; ``path`` is only used in error messages.

    Raises
    ------
    FormatError
        On invalid JSON, a float anywhere, a missing or unknown field, an unknown format
        version or kind, or a value of the wrong type; ``field`` names where.
    """
    try:
        value, suspicious = _parse_json(text)
        if suspicious:  # walk the whole document only to name the offending field
            _scan(value, "")
        doc = as_object(value, "")
        for key in ("format", "kind"):
            if key not in doc:
                raise FormatError("missing field", field=key)
        if doc["format"] != FORMAT:
            raise FormatError(
                f"unsupported format {doc['format']!r}; expected {FORMAT!r}", field="format"
            )
        kind = as_str(doc["kind"], "kind")
        meta = _plain(as_object(doc.get("meta", {}), "meta"), "meta")
        fields = {k: v for k, v in doc.items() if k not in _RESERVED}
        try:
            obj = decode_fields(kind, fields)
        except FormatError:
            raise
        except InputError as exc:
            raise FormatError(f"invalid {kind}: {exc}") from exc
    except FormatError as exc:
        if path is None or exc.path is not None:
            raise
        raise FormatError(exc.message, field=exc.field, path=path) from exc
    return Document(kind, obj, meta)


def read(path: str | Path) -> Document:
    """Read and decode an ``ermbit/1`` file (UTF-8)."""
    size = Path(path).stat().st_size
    if size > MAX_FILE_BYTES:
        raise FormatError(
            f"file of {size} bytes, over the limit of {MAX_FILE_BYTES} "
            "(ermbit.formats.MAX_FILE_BYTES)",
            path=str(path),
        )
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(f"not UTF-8 text: {exc}", path=str(path)) from exc
    return loads(text, path=str(path))


# ---------------------------------------------------------------- writing


def _plain(value: Any, where: str) -> Any:
    """``value`` as plain JSON data (tuples become arrays, ``mpz`` ints); floats refused.

    An int too long for a JSON number becomes its decimal string (JSON readers, Python's
    among them, refuse numbers of more than a few thousand digits); ``meta`` is for
    readers, and a string keeps the value exact.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | type(exact.Z(0))):
        if exact.bitlen(value) > _MAX_JSON_INT_BITS:
            return exact.Z(value).digits(10)  # gmpy2 has no int-to-str digit limit
        return int(value)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise FormatError(f"object keys must be strings, got {key!r}", field=where)
            out[key] = _plain(item, join(where, key))
        return out
    if isinstance(value, list | tuple):
        return [_plain(item, join(where, t)) for t, item in enumerate(value)]
    raise FormatError(
        f"{type(value).__name__} {value!r} is not plain JSON data (floats are refused; "
        "write rationals with ermbit.exact.fmt)",
        field=where,
    )


_COMPACT = json.JSONEncoder(separators=(", ", ": "), ensure_ascii=False, allow_nan=False)


def _render(doc: dict[str, Any]) -> str:
    """One top-level field per line and one array item per line: diffable, compact."""

    compact = _COMPACT.encode
    lines = []
    for key, value in doc.items():
        if isinstance(value, list) and value:
            items = ",\n".join("    " + compact(v) for v in value)
            lines.append(f"  {json.dumps(key)}: [\n{items}\n  ]")
        else:
            lines.append(f"  {json.dumps(key)}: {compact(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def dumps(obj: Any, meta: dict[str, Any] | None = None) -> str:
    """Encode a registered object (with optional ``meta``) as an ``ermbit/1`` document.

    Raises
    ------
    InputError
        If no kind is registered for ``type(obj)``.
    FormatError
        If ``meta`` is not plain JSON data (a float, a non-string key...).
    """
    kind, fields = encode_fields(obj)
    doc: dict[str, Any] = {"format": FORMAT, "kind": kind}
    for key, value in fields.items():
        if key in _RESERVED:
            raise InputError(f"kind {kind!r}: encoder produced reserved field {key!r}")
        doc[key] = value
    if meta is not None:
        doc["meta"] = _plain(as_object(meta, "meta"), "meta")
    return _render(doc)


def write(path: str | Path, obj: Any, meta: dict[str, Any] | None = None) -> None:
    """Write ``dumps(obj, meta)`` to ``path`` (UTF-8), atomically (temporary file + rename)."""
    write_atomic(path, dumps(obj, meta))
