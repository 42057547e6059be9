"""Students' own reductions: the skeleton follows the protocol, and failures are explained
in words (which direction failed, the input, both sides' values)."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path
from typing import Any

import pytest

from ermbit.checking.skeleton import KINDS, skeleton, write_skeleton
from ermbit.checking.student import student_report
from ermbit.checking.verifier import verify
from ermbit.cli import main
from ermbit.cnf import CNF
from ermbit.errors import InputError
from ermbit.problems.nae import NAEFormula, nae_satisfied
from ermbit.reductions.sat_to_nae import SatToNae
from tests.broken_reductions import ForgetfulSatToNae

UNSAT = CNF(2, ((1, 2), (-1,), (-2,)))


def _load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("kind", list(KINDS))
def test_skeleton_compiles_and_fails_in_words_until_filled_in(kind: str, tmp_path: Path) -> None:
    paths = write_skeleton(f"my-{kind}-red", kind, "erm", tmp_path)
    for p in paths:
        compile(p.read_text(encoding="utf-8"), str(p), "exec")
    mod = _load(paths[0])
    red = getattr(mod, f"My{kind.capitalize()}Red")()
    assert (red.name, red.source_kind, red.target_kind) == (f"my-{kind}-red", kind, "erm")
    src = _load(paths[1]).INPUTS[0]  # the generated test's own first input
    text = student_report(red, src)
    assert "forward raised NotImplementedError" in text and "fails on this input" in text


def test_filled_in_skeleton_passes_the_verifier(tmp_path: Path) -> None:
    (path, _) = write_skeleton("copy-sat-to-nae", "cnf", "nae", tmp_path)
    base = _load(path).CopySatToNae
    inner = SatToNae()

    class Filled(base):  # type: ignore[misc, valid-type]
        counting = "k-to-1"

        def forward(self, src: CNF) -> NAEFormula:
            return inner.forward(src)

        def lift(self, src: CNF, target: Any, solution: Any) -> Any:
            return inner.lift(src, target, solution)

        def back(self, src: CNF, target: Any, solution: Any) -> Any:
            return inner.back(src, target, solution)

        def claim(self, src: CNF) -> Any:
            import dataclasses

            return dataclasses.replace(super().claim(src), relation="times", factor=2)

        def target_quantity(self, target: Any, oracles: Any) -> int:
            import itertools

            n = target.cnf.num_vars
            return sum(nae_satisfied(target, a) for a in itertools.product((False, True), repeat=n))

        def source_solutions(self, src: CNF, oracles: Any) -> Any:
            return inner.source_solutions(src, oracles)

        def is_source_solution(self, src: CNF, solution: Any) -> bool:
            return src.satisfied_by(tuple(solution))

        def is_target_solution(self, target: Any, solution: Any) -> bool:
            return nae_satisfied(target, solution)

    for src in (CNF(3, ((1, -2), (2, 3))), UNSAT):
        report = verify(Filled(), src)
        assert report.passed, student_report(Filled(), src, report)
        assert student_report(Filled(), src, report) == ""


def test_claim_failure_names_both_sides_and_the_relation() -> None:
    text = student_report(ForgetfulSatToNae(), UNSAT)
    assert "(x1 ∨ x2) ∧ (¬x1) ∧ (¬x2)" in text  # the input itself, in words
    assert "The forward claim fails." in text
    assert "Source side (model counter (oracles.count)): 0" in text
    assert "Target side (NAE enumeration): 2" in text
    assert "2 ≠ 2 × 0" in text


def test_lift_and_back_failures_show_the_values() -> None:
    class BadLift(SatToNae):
        name = "bad-lift"

        def lift(self, src: CNF, target: Any, solution: Any) -> Any:
            return (*solution, True)  # z must be false

    text = student_report(BadLift(), CNF(2, ((1, 2),)))
    assert "The lift direction fails" in text
    # (T, T) lifts to (T, T, T): all equal, so not NAE ((F, T) ↦ (F, T, T) happens to work)
    assert "Source solution: x1=1, x2=1" in text
    assert "Your lift maps it to: x1=1, x2=1, x3=1" in text

    class BadBack(SatToNae):
        name = "bad-back"

        def back(self, src: CNF, target: Any, solution: Any) -> Any:
            return tuple(not v for v in solution[:-1])

    text = student_report(BadBack(), CNF(2, ((1, -2),)))
    assert "The back direction fails" in text and "Your back maps it to: x1=0, x2=1" in text


def test_cli_verify_explains_the_smallest_failing_input() -> None:
    out = io.StringIO()
    args = ["verify", "--reduction", "tests.broken_reductions:ForgetfulSatToNae", "--trials", "3"]
    assert main(args, out=out, err=io.StringIO()) == 1
    text = out.getvalue()
    assert "The smallest failing input found." in text and "The forward claim fails." in text


def test_cli_new_reduction_writes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    args = ["new-reduction", "sat-to-clique", "--source", "cnf", "--target", "erm"]
    out = io.StringIO()
    assert main([*args, "--dir", str(tmp_path)], out=out, err=io.StringIO()) == 0
    assert (tmp_path / "sat_to_clique.py").exists() and (
        tmp_path / "test_sat_to_clique.py"
    ).exists()
    assert "ermbit verify --reduction sat_to_clique:SatToClique" in out.getvalue()
    err = io.StringIO()
    assert main([*args, "--dir", str(tmp_path)], out=io.StringIO(), err=err) == 2
    assert "exists already" in err.getvalue()
    with pytest.raises(InputError, match="lowercase words"):
        skeleton("Sat To Clique", "cnf", "erm")
