"""Regression tests for unbounded memory and crashes on extreme arguments (issue 13, C3/C4).

Each huge request must be refused at once, before memory is used, with an error that
names the flag to change; the tests use sizes that would take gigabytes if attempted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli._run import run


def test_c3_gadget_negative_huge_max_shift_is_refused() -> None:
    code, _, err = run("study", "gadget-negative", "--max-shift", "100000", "--alpha", "2")
    assert code == 3 and "--max-shift" in err and "matrix entries" in err


def test_c3_gadget_negative_default_still_runs() -> None:
    code, out, _ = run("study", "gadget-negative", "--max-shift", "4", "--alpha", "2")
    assert code == 0 and "consistent" in out


def test_c3_bit_growth_huge_width_is_refused() -> None:
    code, _, err = run("study", "bit-growth", "--width", "100000", "--depth", "2")
    assert code == 3 and "--width" in err and "edges" in err


def test_c3_verify_a_billion_trials_is_refused() -> None:
    code, _, err = run("verify", "sat-to-nae", "--trials", "1000000000")
    assert code == 3 and "--trials" in err


@pytest.mark.parametrize("delta", ["0", "1/2", "-1"])
def test_c4_pac_delta_out_of_range_is_bad_input(delta: str) -> None:
    code, _, err = run("study", "pac", "--delta", delta, "--q", "2")
    assert code == 2 and "delta" in err and "(0, 1/2)" in err


def test_c4_study_png_onto_existing_file_needs_force(tmp_path: Path) -> None:
    png = tmp_path / "p.png"
    png.write_bytes(b"old")
    code, _, err = run("study", "bit-growth", "--depth", "1", "--png", str(png))
    assert code == 2 and "--force" in err and png.read_bytes() == b"old"


@pytest.mark.parametrize("reduction", ["slp-to-backprop-bit", "bitslp-to-erm"])
@pytest.mark.parametrize("j", [10**23, -(10**23)])
def test_c4_huge_bit_index_is_answered(tmp_path: Path, reduction: str, j: int) -> None:
    import json

    from ermbit import exact, formats
    from ermbit.slp import SLP, evaluate

    slp = SLP("1/3", [("*", 0, 0), ("+", 1, 0)])  # 4/9
    formats.write(tmp_path / "p.json", slp)
    out = tmp_path / "t.json"
    code, _, err = run(
        "reduce", reduction, str(tmp_path / "p.json"), "--bit", str(j), "-o", str(out)
    )
    assert code == 0, err
    code, text, err = run("solve", str(out), "--json")
    assert code == 0, err
    doc = json.loads(text)
    want = exact.bit(evaluate(slp), j)
    assert (doc["bit"] if "bit" in doc else int(doc["decision"])) == want


def test_c4_bit_of_a_rational_matches_the_definition() -> None:
    from fractions import Fraction

    from hypothesis import given
    from hypothesis import strategies as st

    from ermbit import exact

    @given(st.integers(-(10**6), 10**6), st.integers(1, 5000), st.integers(-60, 30))
    def check(p: int, q: int, j: int) -> None:
        x = abs(Fraction(p, q))
        want = int(x * Fraction(2) ** (-j)) % 2
        assert exact.bit(exact.parse(f"{p}/{q}"), j) == want

    check()
