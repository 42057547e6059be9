"""Exports to formats other tools read: one module per format, one registry.

:data:`FORMATS` is the one explicit table: format name -> ``"module:function"``, each
function ``export(instance, out, **options) -> Exported`` writing ``out`` and saying what
in it is exact.  Formats: ``smt2`` (SMT-LIB 2.6, exact or relaxed), ``mps`` and ``lp``
(MILP, floats), ``onnx`` (the network in float64), ``vnncomp`` (a benchmark directory with
known answers).
"""

from __future__ import annotations

import importlib
from typing import Any

from ermbit.errors import InputError
from ermbit.export._common import Exported

__all__ = ["FORMATS", "Exported", "export", "get"]

FORMATS: dict[str, str] = {
    "smt2": "ermbit.export.smt2:export",
    "mps": "ermbit.export.mps:export_mps",
    "lp": "ermbit.export.mps:export_lp",
    "onnx": "ermbit.export.onnx_export:export",
    "vnncomp": "ermbit.export.vnncomp:export",
}


def get(name: str) -> Any:
    """The export function of format ``name``; InputError listing the formats otherwise."""
    if name not in FORMATS:
        raise InputError(f"format: unknown {name!r}; known: {', '.join(FORMATS)}")
    mod, _, fn = FORMATS[name].partition(":")
    return getattr(importlib.import_module(mod), fn)


def export(instance: Any, fmt: str, out: str, **options: Any) -> Exported:
    """Write ``instance`` in format ``fmt`` to ``out`` (see :data:`FORMATS`)."""
    result: Exported = get(fmt)(instance, out, **options)
    return result
