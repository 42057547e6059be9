"""Counterexample files: a failing input in a form a user can re-read and rerun.

Each input is written in the most direct file form its type has, beside a
``.report.json`` holding the verifier's report:

* a :class:`~ermbit.cnf.CNF` as DIMACS, ``NAME.cnf``;
* an NAE formula as the DIMACS of its CNF, ``NAME.nae.cnf`` (the name says that the
  clauses are read with not-all-equal semantics);
* anything with an ``ermbit/1`` kind (an SLP...) with :func:`ermbit.formats.write`,
  ``NAME.json``;
* anything else as ``NAME.instance.json`` (format ``ermbit-sweep/1``) holding the
  recipe that regenerates it (reduction, family, params, seed) and, when the object is
  plain data such as a 0/1 matrix, the data itself.

:func:`read_counterexample` reads all four back.  :func:`write_failures` and
:func:`shrink_smallest` do this for the failures of a sweep.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ermbit import formats
from ermbit.checking._tasks import make_source, report_from_json, resolve_reduction
from ermbit.checking.shrink import Shrunk, shrink
from ermbit.checking.verifier import input_hash
from ermbit.cnf import CNF
from ermbit.errors import InputError
from ermbit.files import write_atomic
from ermbit.reductions.base import Oracles

__all__ = [
    "INSTANCE_FORMAT",
    "read_counterexample",
    "shrink_smallest",
    "write_counterexample",
    "write_failures",
]

#: The ``format`` of the fallback ``.instance.json`` files.
INSTANCE_FORMAT = "ermbit-sweep/1"


def _is_nae(obj: Any) -> bool:
    from ermbit.problems.nae import NAEFormula

    return isinstance(obj, NAEFormula)


def _plain_data(obj: Any) -> Any | None:
    """``obj`` as nested lists of ints/strs when it is such data (tuples of tuples), else None."""
    if isinstance(obj, bool):
        return None
    if isinstance(obj, int | str):
        return obj
    if isinstance(obj, tuple):
        items = [_plain_data(x) for x in obj]
        return None if any(x is None for x in items) else items
    return None


def _tuplify(data: Any) -> Any:
    return tuple(_tuplify(x) for x in data) if isinstance(data, list) else data


def write_counterexample(
    directory: Path,
    stem: str,
    src: Any,
    report: Mapping[str, Any],
    recipe: Mapping[str, Any],
) -> tuple[Path, Path]:
    """Write ``src`` and its report into ``directory``; return ``(input_path, report_path)``.

    ``recipe`` holds ``reduction`` (the spec) and, when the input came from a family,
    ``family``, ``params`` and ``seed``; it goes into the report and, for inputs without a
    file form of their own, into the ``.instance.json`` file.
    """
    from ermbit import formats

    directory.mkdir(parents=True, exist_ok=True)
    if isinstance(src, CNF):
        path = directory / f"{stem}.cnf"
        src.write(path)
    elif _is_nae(src):
        path = directory / f"{stem}.nae.cnf"
        src.cnf.write(path)  # the inner CNF, so that reading it back gives an equal input
    else:
        try:
            text = formats.dumps(src, meta={"sweep": dict(recipe)})
            path = directory / f"{stem}.json"
        except (InputError, TypeError):  # no ermbit/1 kind: keep the recipe (and plain data)
            doc: dict[str, Any] = {"format": INSTANCE_FORMAT, **recipe}
            doc["input_hash"] = input_hash(src)
            data = _plain_data(src)
            if data is not None:
                doc["data"] = data
            doc["repr"] = repr(src)[:10000]  # for a human reader; never read back
            text = json.dumps(doc, indent=2) + "\n"
            path = directory / f"{stem}.instance.json"
        write_atomic(path, text)
    report_path = directory / f"{stem}.report.json"
    full = {**report, "counterexample": {"file": path.name, **recipe}}
    write_atomic(report_path, json.dumps(full, indent=2) + "\n")
    return path, report_path


def _read_instance(path: Path) -> Any:
    # bounded like every ermbit/1 document: a hostile file is refused, not recursed into
    doc = formats.parse_json_bounded(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or doc.get("format") != INSTANCE_FORMAT:
        raise InputError(f"path: {str(path)!r} is not an {INSTANCE_FORMAT} instance file")
    if "data" in doc:
        return _tuplify(doc["data"])
    if "family" not in doc or "reduction" not in doc:
        raise InputError(f"path: {str(path)!r} holds neither data nor a family recipe")
    red = resolve_reduction(doc["reduction"])
    return make_source(red, doc["family"], doc.get("params", {}), doc.get("seed"))


def read_counterexample(path: str | Path) -> Any:
    """Read back an input written by :func:`write_counterexample` (chosen by file name).

    Raises
    ------
    InputError
        If the file is not one of the four forms; DIMACS and ``ermbit/1`` errors name
        the file and line or field.
    """
    p = Path(path)
    name = p.name
    if name.endswith(".nae.cnf"):
        from ermbit.problems.nae import NAEFormula

        return NAEFormula(CNF.read(p))
    if name.endswith(".cnf"):
        return CNF.read(p)
    if name.endswith(".instance.json"):
        return _read_instance(p)
    if name.endswith(".json"):
        from ermbit import formats

        return formats.read(p).obj
    raise InputError(f"path: {str(p)!r} is not a counterexample file (.cnf, .nae.cnf, .json)")


# ---------------------------------------------------------------- a sweep's failures


def _stem(report: Mapping[str, Any]) -> str:
    name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in report["reduction"])
    meta = report["meta"]
    return f"{name}-s{meta['size_index']}-t{meta['trial']}-{report['input_hash'][:10]}"


def _recipe(spec: str, report: Mapping[str, Any]) -> dict[str, Any]:
    meta = report["meta"]
    return {"reduction": spec, **{k: meta[k] for k in ("family", "params", "seed")}}


def write_failures(
    spec: str, failures: Sequence[dict[str, Any]], directory: Path, limit: int
) -> list[str]:
    """Regenerate and write the first ``limit`` failing inputs of a sweep of ``spec``."""
    red = resolve_reduction(spec)
    written = []
    for report in failures[:limit]:
        recipe = _recipe(spec, report)
        src = make_source(red, recipe["family"], recipe["params"], recipe["seed"])
        path, _ = write_counterexample(directory, _stem(report), src, report, recipe)
        written.append(str(path))
    return written


def shrink_smallest(
    spec: str,
    failures: Sequence[dict[str, Any]],
    directory: Path | None,
    budget: int,
    oracles: Oracles | None = None,
) -> dict[str, Any]:
    """Shrink the smallest failing input of a sweep of ``spec`` and write it as ``…-shrunk``.

    Returns the JSON data of ``SweepResult.shrunk``.
    """
    red = resolve_reduction(spec)

    def key(r: dict[str, Any]) -> tuple[int, int, int]:
        meta = r["meta"]
        return sum(r["source_size"].values()), meta["size_index"], meta["trial"]

    first = min(failures, key=key)
    recipe = _recipe(spec, first)
    src = make_source(red, recipe["family"], recipe["params"], recipe["seed"])

    def regenerate(params: dict[str, str], seed: int | None) -> Any:
        return make_source(red, recipe["family"], params, seed)

    found: Shrunk = shrink(
        red,
        src,
        report_from_json(first),
        recipe=recipe,
        regenerate=regenerate,
        budget=budget,
        oracles=oracles,
    )
    report = found.report.to_json()
    out: dict[str, Any] = {
        "original_hash": first["input_hash"],
        "method": found.method,
        "verifier_calls": found.calls,
        "recipe": found.recipe,
        "report": report,
        "file": None,
    }
    if directory is not None:
        file_recipe = found.recipe or {"reduction": spec, "shrunk_from": first["input_hash"]}
        if report["input_hash"] == first["input_hash"]:  # nothing smaller failed
            file_recipe = recipe
        stem = f"{_stem(first)}-shrunk"
        path, _ = write_counterexample(directory, stem, found.source, report, file_recipe)
        out["file"] = str(path)
    return out
