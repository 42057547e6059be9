"""Generating instance files in bulk with ground truth and a manifest other tools can read.

:func:`ground_truth` computes what is known about a source instance by at least two
independent methods (a CNF's model count by cross-checked counters and its
satisfiability by a CDCL solver; an SLP's sign; a matrix's permanent by Ryser's formula
and by definition when small).  :func:`generate_files` writes one file per seed and a
``manifest.json`` listing every file with its SHA-256, family, parameters, seed and
ground truth, and, with a reduction, the target files with the claim that relates them.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ermbit.cnf import CNF
from ermbit.errors import InputError, VerificationFailed
from ermbit.files import write_atomic

__all__ = [
    "GeneratedFile",
    "generate_files",
    "ground_truth",
    "sha256_file",
    "suffix_for",
    "truth_comments",
    "write_instance",
]


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _cnf_truth(cnf: CNF) -> dict[str, Any]:
    from ermbit.solvers.sat.cdcl import solve
    from ermbit.solvers.sat.counting import cross_check

    methods = ("brute", "dpll", "auto") if cnf.num_vars <= 20 else ("dpll", "auto", "ganak")
    cc = cross_check(cnf, methods)
    if not cc.agreed:
        raise VerificationFailed(f"ground truth: counters disagree: {cc.disagreement}")
    sat = solve(cnf)
    if sat.satisfiable != (cc.count != 0):
        raise VerificationFailed("ground truth: the SAT solver and the counters disagree")
    used = [m for m, v in cc.counts.items() if isinstance(v, int)]
    return {"count": cc.count, "satisfiable": sat.satisfiable, "methods": used}


def _matrix_truth(rows: Any) -> dict[str, Any]:
    from ermbit.instances.matrices import permanent_brute, permanent_definition

    per = int(permanent_brute(rows))
    methods = ["ryser"]
    if len(rows) <= 8:
        if int(permanent_definition(rows)) != per:
            raise VerificationFailed("ground truth: Ryser and the definition disagree")
        methods.append("definition")
    return {"permanent": per, "methods": methods}


def ground_truth(src: Any) -> dict[str, Any]:
    """What is known about ``src``, each fact confirmed by two methods where possible."""
    if isinstance(src, CNF):
        return _cnf_truth(src)
    if isinstance(src, tuple) and src and isinstance(src[0], tuple):
        return _matrix_truth(src)
    from ermbit.slp import SLP, evaluate, sign

    if isinstance(src, SLP):
        s = sign(src)
        v = evaluate(src)
        if (v > 0) - (v < 0) != s:
            raise VerificationFailed("ground truth: sign analysis and evaluation disagree")
        return {"sign": s, "methods": ["evaluation", "sign"]}
    return {}


def truth_comments(truth: Mapping[str, Any]) -> tuple[str, ...]:
    """DIMACS comment lines recording ground truth (``c ermbit truth count=7 ...``)."""
    fields = " ".join(
        f"{k}={','.join(v) if isinstance(v, list) else str(v).lower()}" for k, v in truth.items()
    )
    return (f"ermbit truth {fields}",)


@dataclass(frozen=True)
class GeneratedFile:
    """One file written: its path, hash, what it is and what is known about it."""

    path: str
    sha256: str
    role: str
    seed: int | None
    truth: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "role": self.role,
            "seed": self.seed,
            "truth": self.truth,
        }


def suffix_for(obj: Any) -> str:
    """``.cnf`` for formulas (NAE formulas too), ``.json`` for everything else."""
    return ".cnf" if isinstance(obj, CNF) or isinstance(getattr(obj, "cnf", None), CNF) else ".json"


def write_instance(obj: Any, path: str | Path, truth: Mapping[str, Any] | None = None) -> None:
    """Write a generated source to ``path``, recording ``truth`` as DIMACS comments or meta."""
    from ermbit import formats
    from ermbit.problems.matrix import Matrix01

    if isinstance(obj, CNF):
        if truth:
            comments = (*obj.comments, *truth_comments(truth))
            obj = CNF(obj.num_vars, obj.clauses, obj.projection, comments)
        obj.write(path)
        return
    payload = Matrix01(obj) if isinstance(obj, tuple) else obj
    formats.write(str(path), payload, meta={"truth": dict(truth)} if truth else None)


def generate_files(
    family: str,
    params: Mapping[str, str],
    seeds: list[int | None],
    out_dir: str | Path,
    *,
    with_truth: bool = True,
    reduction: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write one instance per seed (and its reduction target) plus ``manifest.json``.

    Returns the manifest's path.  Nothing is overwritten: an existing manifest in
    ``out_dir`` is refused.  Every file is written atomically (temporary file + rename),
    and a run stopped part-way (Ctrl-C, an error) still writes the manifest of the files
    finished so far, with ``"complete": false``, before the exception goes on: the
    directory never holds a truncated file or files no manifest lists.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    manifest = out / "manifest.json"
    if manifest.exists():
        raise InputError(f"{manifest}: exists; choose another --out-dir or remove it")
    files: list[GeneratedFile] = []
    start = time.perf_counter()

    def finish(complete: bool) -> None:
        doc = {
            "format": "ermbit-manifest/1",
            "family": family,
            "parameters": dict(params),
            "reduction": None if reduction is None else reduction.name,
            "claim": None
            if reduction is None
            else _claim_statement(reduction, family, params, seeds),
            "files": [f.to_json() for f in files],
            "complete": complete,
            "seconds": round(time.perf_counter() - start, 3),
        }
        write_atomic(manifest, json.dumps(doc, indent=1) + "\n")

    try:
        _generate_into(out, family, params, seeds, files, with_truth, reduction, progress)
    except BaseException:
        if files:  # a partial manifest lists exactly the files that were finished
            finish(False)
        raise
    finish(True)
    return manifest


def _generate_into(
    out: Path,
    family: str,
    params: Mapping[str, str],
    seeds: list[int | None],
    files: list[GeneratedFile],
    with_truth: bool,
    reduction: Any,
    progress: Callable[[int, int], None] | None,
) -> None:
    from ermbit import io
    from ermbit.instances import generate

    for t, seed in enumerate(seeds):
        src = generate(family, params, seed)
        truth = ground_truth(src) if with_truth else {}
        stem = out / f"{family}-{t:04d}" if seed is None else out / f"{family}-s{seed}"
        p = stem.with_name(stem.name + suffix_for(src))
        write_instance(src, p, truth)
        files.append(GeneratedFile(p.name, sha256_file(p), "source", seed, truth))
        if reduction is not None:
            target = reduction.forward(src)
            tp = out / f"{stem.name}.{reduction.name}{suffix_for(target)}"
            io.write_target(target, tp)
            files.append(GeneratedFile(tp.name, sha256_file(tp), "target", seed, {}))
        if progress is not None:
            progress(t + 1, len(seeds))


def _claim_statement(
    reduction: Any, family: str, params: Mapping[str, str], seeds: list[Any]
) -> str:
    from ermbit.instances import generate

    try:
        return str(reduction.claim(generate(family, params, seeds[0])).statement)
    except Exception:  # a claim is documentation here; its absence must not stop generation
        return str(reduction.summary or reduction.describe())
