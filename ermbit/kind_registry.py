"""The ``ermbit/1`` kinds: the one table of the project's kinds and the registry that
:mod:`ermbit.formats` reads and writes through (its public names are re-exported there).

A kind is a class with an encoder (object -> the kind's fields) and a decoder (fields and
their dotted path -> object).  The project's kinds are listed in :data:`KINDS` by dotted
path and registered on first use, so this module imports none of them;
:func:`register_kind` adds others.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ermbit.errors import FormatError, InputError
from ermbit.fields import join

__all__ = [
    "KINDS",
    "decode_fields",
    "encode_fields",
    "is_registered",
    "kinds",
    "register_kind",
]

#: Every ``ermbit/1`` kind, in one table: ``kind -> (class, encoder, decoder)``, each a
#: ``"module:attribute"`` path, imported when a file of that kind is first read or an
#: object of that class first written (so this module imports none of them).  The encoder
#: returns the kind's fields; the decoder takes ``(fields, where)``.  Third-party kinds
#: are added with :func:`register_kind`.
KINDS: dict[str, tuple[str, str, str]] = {
    "slp": ("ermbit.slp:SLP", "ermbit.slp.codec:encode_slp", "ermbit.slp.codec:decode_slp"),
    "network": (
        "ermbit.network.model:Network",
        "ermbit.network.model:Network.to_json",
        "ermbit.network.model:Network.from_json",
    ),
    "erm": (
        "ermbit.network.erm:ERMInstance",
        "ermbit.network.erm_codec:encode_erm",
        "ermbit.network.erm_codec:decode_erm",
    ),
    "backprop": (
        "ermbit.network.erm:BackpropInstance",
        "ermbit.network.erm_codec:encode_backprop",
        "ermbit.network.erm_codec:decode_backprop",
    ),
    "witness": (
        "ermbit.network.erm:Witness",
        "ermbit.network.erm_codec:encode_witness",
        "ermbit.network.erm_codec:decode_witness",
    ),
    "matrix": (
        "ermbit.problems.matrix:Matrix01",
        "ermbit.problems.matrix:encode_matrix",
        "ermbit.problems.matrix:decode_matrix",
    ),
    "splitting": (
        "ermbit.problems.splitting:SetSplitting",
        "ermbit.problems.splitting:encode_splitting",
        "ermbit.problems.splitting:decode_splitting",
    ),
}

Encoder = Callable[[Any], dict[str, Any]]
Decoder = Callable[[dict[str, Any], str], Any]


@dataclass(frozen=True)
class _Kind:
    cls: type
    encode: Encoder
    decode: Decoder


_REGISTRY: dict[str, _Kind] = {}


def register_kind(kind: str, cls: type, encode: Encoder, decode: Decoder) -> None:
    """Register a kind: ``encode(obj) -> fields``, ``decode(fields, where) -> obj``.

    ``fields`` is the file's object without ``format``, ``kind`` and ``meta``; ``where``
    is the dotted path of that object (``""`` at top level), to be passed to the ``as_*``
    helpers so errors name the field.  ``encode`` must return plain JSON data (str, int,
    bool, None, lists, dicts) with rationals as :func:`ermbit.exact.fmt` strings; it is
    not re-checked on output, but a float would make the file unreadable by
    :func:`~ermbit.formats.loads`, so each kind's round-trip test catches it.
    Re-registering the same class is a no-op.

    Raises
    ------
    InputError
        If ``kind`` is already registered for another class.
    """
    old = _REGISTRY.get(kind)
    if old is not None and old.cls is not cls:
        raise InputError(f"kind: {kind!r} is already registered for {old.cls.__name__}")
    _REGISTRY[kind] = _Kind(cls, encode, decode)


def kinds() -> tuple[str, ...]:
    """The kinds registered so far."""
    return tuple(sorted(_REGISTRY))


def _resolve(path: str) -> Any:
    module, _, attr = path.partition(":")
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def _load_kind(kind: str) -> None:
    cls, enc, dec = (_resolve(p) for p in KINDS[kind])
    register_kind(kind, cls, enc, dec)


def _lookup(kind: str, where: str) -> _Kind:
    if kind not in _REGISTRY and kind in KINDS:
        try:
            _load_kind(kind)
        except ImportError as exc:
            raise FormatError(f"kind {kind!r} is not available: {exc}", field=where) from exc
    if kind not in _REGISTRY:
        known = sorted(set(_REGISTRY) | set(KINDS))
        raise FormatError(f"unknown kind {kind!r}; known kinds: {known}", field=where)
    return _REGISTRY[kind]


def _load_imported_kinds() -> None:
    """Register the table's kinds whose class module is already imported (an object of a
    class can only exist once its module is)."""
    for kind, (cls_path, _, _) in KINDS.items():
        if kind not in _REGISTRY and cls_path.partition(":")[0] in sys.modules:
            _load_kind(kind)


def decode_fields(kind: str, fields: dict[str, Any], where: str = "") -> Any:
    """Decode the fields of an object of ``kind`` (for kinds nested in other kinds)."""
    return _lookup(kind, join(where, "kind")).decode(fields, where)


def is_registered(obj: Any) -> bool:
    """Whether ``obj``'s class (or a base class) has an ``ermbit/1`` kind."""
    _load_imported_kinds()
    return any(spec.cls is cls for cls in type(obj).__mro__ for spec in _REGISTRY.values())


def encode_fields(obj: Any) -> tuple[str, dict[str, Any]]:
    """``(kind, fields)`` of a registered object (for kinds nested in other kinds)."""
    _load_imported_kinds()
    for cls in type(obj).__mro__:
        for kind, spec in _REGISTRY.items():
            if spec.cls is cls:
                return kind, spec.encode(obj)
    raise InputError(f"obj: no ermbit/1 kind is registered for {type(obj).__name__}")
