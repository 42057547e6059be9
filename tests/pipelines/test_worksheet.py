"""Worksheets: seeded variants, keys computed by ermbit and re-checked here independently."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

import pytest

from ermbit.cli import main
from ermbit.cnf import CNF
from ermbit.errors import VerificationFailed
from ermbit.pipelines.explain import CHAINS
from ermbit.pipelines.explain.tex import UNKNOWN
from ermbit.pipelines.explain.worksheet import key_path, tiny_cnf, worksheet
from tests.pipelines.test_explain_objects import _compile


def _models(cnf: CNF) -> list[tuple[bool, ...]]:
    return [a for a in itertools.product((False, True), repeat=cnf.num_vars) if cnf.satisfied_by(a)]


def _assignment(text: str) -> tuple[bool, ...]:
    return tuple(v == "1" for v in re.findall(r"x\d+=([01])", text))


@pytest.mark.parametrize("chain", list(CHAINS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_answer_is_checked_and_kept_out_of_the_exercises(chain: str, seed: int) -> None:
    ws = worksheet(chain, seed, "md")
    assert ws.answers and all(a.checked for a in ws.answers)
    for i, a in enumerate(ws.answers, 1):
        assert f"**Exercise {i}.** {a.question}" in ws.exercises
        assert f"**Exercise {i}.** {a.answer}" in ws.key
    assert "Checked" not in ws.exercises and "Checked" in ws.key


def test_seeds_give_variants() -> None:
    cnfs = {tiny_cnf(s).clauses for s in range(8)}
    assert len(cnfs) >= 4
    assert all(_models(tiny_cnf(s)) for s in range(8))  # satisfiable: witnesses exist


@pytest.mark.parametrize("seed", range(4))
def test_count_and_block_answers_are_right(seed: int) -> None:
    from ermbit.reductions.sat_to_slp import SatToSlp, read_block
    from ermbit.slp import evaluate_int

    ws = worksheet("kronecker", seed, "md")
    count = len(_models(ws.cnf))
    assert ws.answers[0].answer == str(count)
    m = re.search(r"K = (\d+).*bit K·E\* = (\d+)", ws.answers[1].answer)
    assert m is not None
    k, offset = int(m[1]), int(m[2])
    assert read_block(evaluate_int(SatToSlp().forward(ws.cnf).slp), offset, k) == count


@pytest.mark.parametrize("seed", range(4))
def test_relu_back_and_admissibility_answers_are_right(seed: int) -> None:
    ws = worksheet("np-relu", seed, "md")
    admissible, back, active = ws.answers
    assert ws.cnf.satisfied_by(_assignment(back.answer))
    theta = re.findall(r"\((-?[\d/]+), (-?[\d/]+)\)", admissible.question)
    from fractions import Fraction

    enc = sum(
        1 + abs(Fraction(x).numerator).bit_length() + Fraction(x).denominator.bit_length()
        for pair in theta
        for x in pair
    )
    beta = int(re.search(r"β = (\d+)", admissible.question)[1])  # type: ignore[index]
    assert admissible.answer.startswith(f"enc(θ) = {enc}:")
    assert ("not admissible" in admissible.answer) == (enc > beta)
    ts = [Fraction(w) + Fraction(b) for w, b in theta]
    assert _assignment(back.answer) == tuple(t == 1 for t in ts)
    want = {f"r{i}" for i, t in enumerate(ts, 1) if t == 1}
    assert set(active.answer.split(", ")) - {"none"} == want


def test_a_failing_check_refuses_to_write_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from ermbit.reductions import sat_to_relu

    monkeypatch.setattr(sat_to_relu.SatToRelu, "back", lambda self, s, t, w: (True,) * 3)
    seeds = [s for s in range(10) if _models(tiny_cnf(s))[0] != (True,) * 3]
    with pytest.raises(VerificationFailed, match="failed its check"):
        for s in seeds:  # some seed draws a model other than all-true
            worksheet("np-relu", s, "md")


@pytest.mark.parametrize("chain", ["sharp-p-backprop", "np-relu2"])
def test_latex_worksheet_and_key_compile(chain: str, tmp_path: Path) -> None:
    ws = worksheet(chain, 3, "latex")
    for i, doc in enumerate((ws.exercises, ws.key)):
        assert doc.isascii() and UNKNOWN not in doc and doc.count(r"\item") == len(ws.answers)
        sub = tmp_path / str(i)
        sub.mkdir()
        _compile(doc, sub)


def test_cli_writes_sheet_and_separate_key(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.md"
    out = io.StringIO()
    args = ["explain", "np-relu", "--worksheet", "--seed", "5", "--format", "md", "-o", str(sheet)]
    assert main(args, out=out, err=io.StringIO()) == 0
    key = Path(key_path(str(sheet)))
    assert key.name == "sheet-key.md" and key.exists()
    assert sheet.read_text(encoding="utf-8") == worksheet("np-relu", 5, "md").exercises
    assert "Checked" in key.read_text(encoding="utf-8")
    err = io.StringIO()
    bad = ["explain", "np-relu", "--worksheet", "--format", "text"]
    assert main(bad, out=io.StringIO(), err=err) == 2 and "md or latex" in err.getvalue()
