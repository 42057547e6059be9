"""Reading sources and writing targets of reductions, whatever their kind.

Sources by kind: ``cnf`` and ``nae`` (DIMACS), ``slp`` (``ermbit/1`` JSON), ``bitquery``
(an SLP file plus a bit index), ``matrix01`` (JSON kind ``matrix`` or a text file of 0/1
rows), ``splitting`` (JSON kind ``splitting``), ``erm`` (JSON kind ``erm``, the source of
``pin``).  Targets are written as DIMACS when they
are formulas and as ``ermbit/1`` JSON otherwise, with the reduction's bookkeeping in
``meta``.

>>> from ermbit.cnf import CNF
>>> kind_of(CNF(1, ((1,),)))
'cnf'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ermbit import formats
from ermbit.cnf import CNF
from ermbit.errors import InputError
from ermbit.problems.matrix import Matrix01, check_matrix

__all__ = ["SOURCE_KINDS", "kind_of", "read_matrix", "read_source", "write_target"]

SOURCE_KINDS = ("cnf", "nae", "slp", "bitquery", "matrix01", "splitting", "erm")


def read_matrix(path: str | os.PathLike[str]) -> tuple[tuple[int, ...], ...]:
    """A 0/1 matrix from JSON (kind ``matrix``) or text (one row of 0/1 per line)."""
    text = Path(path).read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        doc = formats.loads(text, path=str(path))
        if doc.kind != "matrix":
            raise InputError(f"{path}: expected kind 'matrix', got {doc.kind!r}")
        rows_: tuple[tuple[int, ...], ...] = doc.obj.rows
        return rows_
    rows = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            rows.append([int(t) for t in line.replace(",", " ").split()])
        except ValueError as exc:
            raise InputError(f"{path}:{lineno}: expected 0/1 entries, got {line!r}") from exc
    return check_matrix(rows)


def _read_doc(path: str | os.PathLike[str], kind: str) -> Any:
    doc = formats.read(str(path))
    if doc.kind != kind:
        raise InputError(f"{path}: expected an ermbit/1 file of kind {kind!r}, got {doc.kind!r}")
    return doc.obj


def read_source(kind: str, path: str | os.PathLike[str], *, bit: int | None = None) -> Any:
    """Read a reduction's source of ``kind`` from ``path`` (``bit`` for ``bitquery``)."""
    if kind not in SOURCE_KINDS:
        raise InputError(f"kind: cannot read sources of kind {kind!r}; known: {SOURCE_KINDS}")
    if not Path(path).exists():
        raise InputError(f"{path}: no such file")
    if kind == "cnf":
        return CNF.read(path)
    if kind == "nae":
        from ermbit.problems.nae import NAEFormula

        return NAEFormula(CNF.read(path))
    if kind == "matrix01":
        return read_matrix(path)
    if kind in ("splitting", "erm"):
        return _read_doc(path, kind)
    slp = _read_doc(path, "slp")
    if kind == "slp":
        return slp
    if bit is None:
        raise InputError("--bit: this reduction reads an SLP and a bit index; give --bit J")
    from ermbit.problems.queries import BitQuery

    return BitQuery(slp, bit)


def kind_of(obj: Any) -> str:
    """A short name for what ``obj`` is (used in summaries)."""
    if isinstance(obj, CNF):
        return "cnf"
    return type(obj).__name__


def _payload(obj: Any) -> tuple[Any, dict[str, Any] | None]:
    """The object to serialise and its meta, for a reduction's target (duck-typed)."""
    meta = obj.file_meta() if hasattr(obj, "file_meta") else getattr(obj, "meta", None)
    if formats.is_registered(obj):  # an instance that is itself a file kind (erm, network...)
        return obj, dict(meta) if meta else None
    for attr in ("slp", "instance", "network"):
        inner = getattr(obj, attr, None)
        if inner is not None and not isinstance(obj, type(inner)):
            return inner, dict(meta) if meta else None
    if isinstance(obj, tuple) and obj and isinstance(obj[0], tuple):
        return Matrix01(obj), None
    return obj, dict(meta) if meta else None


def write_target(obj: Any, path: str | os.PathLike[str]) -> str:
    """Write a reduction's target; returns the format used (``dimacs`` or ``json``)."""
    if isinstance(obj, CNF):
        obj.write(path)
        return "dimacs"
    if hasattr(obj, "cnf") and isinstance(obj.cnf, CNF):  # an NAE formula travels as DIMACS
        obj.cnf.write(path)
        return "dimacs"
    payload, meta = _payload(obj)
    formats.write(str(path), payload, meta=meta)
    return "json"
