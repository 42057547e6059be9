"""``ermbit explain`` shows the objects: every number shown is checked against an
independent computation (brute force, direct evaluation, the exact gradient)."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ermbit import exact
from ermbit.cnf import CNF
from ermbit.errors import InputError
from ermbit.pipelines.explain import CHAINS, render, walk
from ermbit.pipelines.explain.blocks import Bits, Listing, Table, bit_window, cut
from ermbit.pipelines.explain.tex import UNKNOWN, document, tex_escape

TINY = CNF(3, ((1, -2), (2, 3), (-1, -3)))


def _brute(cnf: CNF) -> list[tuple[bool, ...]]:
    return [a for a in itertools.product((False, True), repeat=cnf.num_vars) if cnf.satisfied_by(a)]


@pytest.fixture(scope="module")
def walks() -> dict[str, Any]:
    return {c: walk(c, TINY) for c in CHAINS}


def _blocks(steps: Any, kind: type, title: str = "") -> list[Any]:
    return [
        b
        for s in steps
        for ex in s.exhibits
        if title in ex.title
        for b in ex.blocks
        if isinstance(b, kind)
    ]


def _bits_of(b: Bits) -> dict[int, str]:
    out = {}
    for seg in b.segments:
        for k, ch in enumerate(seg.bits):
            out[seg.hi - k] = ch
    return out


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**300),
    st.lists(st.tuples(st.integers(0, 280), st.integers(1, 12)), min_size=1, max_size=3),
)
def test_bit_window_shows_true_bits_and_marks_exactly(value: int, marks: list[Any]) -> None:
    b = bit_window(value, [(lo, w, f"m{i}") for i, (lo, w) in enumerate(marks)])
    shown = _bits_of(b)
    assert all(int(ch) == (value >> pos) & 1 for pos, ch in shown.items())
    tops = [seg.hi for seg in b.segments]
    assert tops == sorted(tops, reverse=True) and len(shown) == sum(len(s.bits) for s in b.segments)
    for lo, w in marks:  # every marked bit is shown, inside a labelled segment
        assert all(pos in shown for pos in range(lo, lo + w))
    labelled = {
        pos
        for seg in b.segments
        if seg.label
        for pos in range(seg.hi - len(seg.bits) + 1, seg.hi + 1)
    }
    assert labelled == {p for lo, w in marks for p in range(lo, lo + w)}
    assert sum(b.gaps()) + b.tail_gap + len(shown) == b.total


def test_cut_keeps_head_and_tail_and_says_how_much_is_missing() -> None:
    rows = list(range(100))
    shown, omitted, head = cut(rows, 40)
    assert shown == rows[:20] + rows[80:] and omitted == 60 and head == 20


def test_kronecker_block_reads_the_brute_force_count(walks: dict[str, Any]) -> None:
    (bits,) = _blocks(walks["kronecker"], Bits)
    marked = [s for s in bits.segments if s.label == "#SAT"]
    assert int("".join(s.bits for s in marked), 2) == len(_brute(TINY))
    assert bits.reading == f"#SAT(φ) = {len(_brute(TINY))}"


def test_polynomial_table_lists_the_z_of_every_literal(walks: dict[str, Any]) -> None:
    table = _blocks(walks["kronecker"], Table, "Kronecker polynomial")[0]
    for i, (_, t, f) in enumerate(table.rows, 1):
        want_t = {f"Z{j}" for j, c in enumerate(TINY.clauses, 1) if i in c}
        want_f = {f"Z{j}" for j, c in enumerate(TINY.clauses, 1) if -i in c}
        assert set(t.split("·")) - {"1"} == want_t and set(f.split("·")) - {"1"} == want_f


def test_slp_listing_is_the_program(walks: dict[str, Any]) -> None:
    from ermbit.slp import values

    step = walks["kronecker"][0]
    (listing,) = _blocks(walks["kronecker"], Listing)
    slp = step.target.slp
    assert len(listing.lines) == slp.length + 1 and not listing.omitted
    vals = values(slp)
    for i, g in enumerate(slp.gates, 1):
        m = re.fullmatch(rf"a{i} = a(\d+) (.) a(\d+) +=(.*)", listing.lines[i])
        assert m and (int(m[1]), m[2], int(m[3])) == (g.j, g.op, g.k)
        if exact.bitlen(vals[i]) <= 64:
            assert m[4].strip() == str(vals[i])


def test_gradient_bits_mark_the_queried_bit(walks: dict[str, Any]) -> None:
    steps = walks["sharp-p-backprop"]
    inst = steps[1].target.instance
    (bits,) = _blocks(steps, Bits, "gradient")
    (seg,) = [s for s in bits.segments if s.label == "queried bit"]
    assert seg.hi == inst.query and seg.bits == str(exact.bit(inst.gradient(), inst.query))
    # bit K·E* of n_P, the lowest bit of #SAT
    assert int(seg.bits) == len(_brute(TINY)) & 1


def test_node_values_are_the_slp_values(walks: dict[str, Any]) -> None:
    from ermbit.slp import values

    step = walks["sharp-p-backprop"][1]
    sn = step.target.built
    vals = values(sn.program)
    table = _blocks([step], Table, "network under")[0]
    shown = {r[1]: r[-1] for r in table.rows}
    checked = 0
    for i, v in sn.value_node.items():
        if v in shown and exact.bitlen(vals[i]) <= 60:
            assert shown[v] == exact.fmt(vals[i])
            checked += 1
    assert checked >= 3


def test_relu_activation_pattern_is_the_hand_computed_one(walks: dict[str, Any]) -> None:
    steps = walks["np-relu"]
    model = _brute(TINY)[0]
    table = _blocks(steps, Table, "witness")[1]
    active = {r[0] for r in table.rows if r[3] == "active"}
    assert active == {f"r{i}" for i, v in enumerate(model, 1) if v}  # r_i = ReLU(2t_i − 1)
    w_table = _blocks(steps, Table, "witness")[0]
    assert [r[3] for r in w_table.rows] == [str(int(v)) for v in model]


def test_splitting_exhibit_lists_variable_and_clause_sets(walks: dict[str, Any]) -> None:
    table = _blocks(walks["np-relu2"], Table, "splitting")[0]
    assert len(table.rows) == 4 + TINY.num_clauses and table.rows[0][1] == "{x1, ¬x1}"


def test_too_big_objects_are_cut_with_sizes() -> None:
    from ermbit.pipelines.demo import DEFAULT_FORMULA

    steps = walk("sharp-p-backprop", DEFAULT_FORMULA)
    text = render("sharp-p-backprop", DEFAULT_FORMULA, steps)
    assert re.search(r"… \d+ rows not shown …", text)
    assert re.search(r"… \d+ bits not shown …", text)
    assert re.search(r"\(\d+ bits\)", text)  # a long value is shown with its size


@pytest.mark.parametrize("chain", list(CHAINS))
def test_latex_is_escaped_ascii_and_compiles(
    chain: str, walks: dict[str, Any], tmp_path: Path
) -> None:
    tex = render(chain, TINY, walks[chain], "latex")
    assert tex.isascii() and UNKNOWN not in tex
    _compile(document(tex), tmp_path)


def _compile(source: str, tmp_path: Path) -> None:
    """Compile with pdflatex when it is installed (required when ERMBIT_LATEX_TESTS=1)."""
    exe = shutil.which("pdflatex")
    if exe is None:
        assert os.environ.get("ERMBIT_LATEX_TESTS") != "1", "pdflatex is required but missing"
        return
    (tmp_path / "doc.tex").write_text(source, encoding="ascii")
    res = subprocess.run(
        [exe, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stdout[-2000:]
    assert (tmp_path / "doc.pdf").exists()


def test_tex_escape_handles_every_special_character() -> None:
    raw = r"#$%&_^~{}\<>| φ≤⇔→·—…"
    out = tex_escape(raw)
    assert out.isascii() and UNKNOWN not in out
    for ch in "#$%&_{}":
        assert "\\" + ch in out
    assert tex_escape("☃") == UNKNOWN


def test_markdown_has_display_maths_and_tables(walks: dict[str, Any]) -> None:
    md = render("sharp-p-backprop", TINY, walks["sharp-p-backprop"], "md")
    assert "$$\nN_\\varphi =" in md and "| layer | node |" in md and "← queried bit" in md


def test_another_sigma_shows_its_gadget_and_the_same_values() -> None:
    from ermbit.reductions.gadgets import gadget

    steps = walk("sharp-p-backprop", TINY, activation="z**3 + 2*z")
    kappa = _blocks(steps, Table, "gadget")[0]
    assert [r[1] for r in kappa.rows] == [exact.fmt(k) for k in gadget(["0", "2", "0", "1"]).kappa]
    (bits,) = _blocks(steps, Bits, "gradient")
    (seg,) = [s for s in bits.segments if s.label]
    assert int(seg.bits) == len(_brute(TINY)) & 1  # the same bit of n_P, whatever σ is
    with pytest.raises(InputError, match="no polynomial network"):
        walk("np-relu", TINY, activation="z**2")
