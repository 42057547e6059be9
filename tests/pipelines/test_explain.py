"""``ermbit explain``: every step of every chain appears, checked, in every output format."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from ermbit.cli import main
from ermbit.cnf import CNF
from ermbit.pipelines.explain import CHAINS, network_of, render, walk
from ermbit.pipelines.explain.tex import tex_escape

TINY = CNF(3, ((1, -2), (2, 3), (-1, -3)))


def _links_of(name: str) -> list[Any]:
    """A composite reduction is walked link by link."""
    from ermbit.reductions import get
    from ermbit.reductions.compose import Composite

    red = get(name)
    return list(red.links) if isinstance(red, Composite) else [red]


def test_np_relu2_walks_the_composite_link_by_link() -> None:
    steps = walk("np-relu2", TINY)
    assert [s.reduction for s in steps] == ["sat-to-nae", "nae-to-splitting", "splitting-to-relu2"]
    assert CHAINS["np-relu2"][1][0].reduction == "sat-to-relu2"


@pytest.mark.parametrize("chain", list(CHAINS))
def test_every_step_is_walked_and_confirmed(chain: str) -> None:
    steps = walk(chain, TINY)
    assert [s.reduction for s in steps] == [
        link.name for c in CHAINS[chain][1] for link in _links_of(c.reduction)
    ]
    assert [s.report.claim_status for s in steps] == ["passed"] * len(steps)
    assert all(s.report.status == "passed" for s in steps)
    for fmt in ("text", "md", "latex"):
        text = render(chain, TINY, steps, fmt)
        esc = tex_escape if fmt == "latex" else str  # LaTeX must compile: claims are escaped
        for s in steps:
            assert esc(s.reduction) in text and esc(s.claim) in text
        assert "confirmed" in text.lower() and "failed" not in text.lower()


def test_markdown_has_latex_formula_and_latex_is_an_enumerate() -> None:
    steps = walk("np-relu2", TINY)
    md = render("np-relu2", TINY, steps, "md")
    assert r"$\varphi = (x_{1} \lor \lnot x_{2})" in md
    tex = render("np-relu2", TINY, steps, "latex")
    assert tex.count(r"\item") == 3 and r"\begin{enumerate}" in tex


def test_failed_step_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from ermbit.reductions import sat_to_nae

    monkeypatch.setattr(sat_to_nae.SatToNae, "lift", lambda self, s, t, sol: (*sol, True, True))
    steps = walk("np-relu2", TINY)
    assert steps[0].report.failed
    assert "SOME STEP FAILED" in render("np-relu2", TINY, steps)


def test_too_large_input_is_refused() -> None:
    from ermbit.errors import InputError

    with pytest.raises(InputError, match="at most 6"):
        walk("kronecker", CNF(7, ()))


def test_cli_draws_dot_with_frozen_edges_dashed(tmp_path: Path) -> None:
    dot = tmp_path / "n.dot"
    out = io.StringIO()
    assert main(["explain", "np-relu", "--draw", str(dot)], out=out, err=io.StringIO()) == 0
    text = dot.read_text()
    net = network_of(walk("np-relu", TINY))
    assert net is not None
    assert text.count("style=dashed") >= 1 and "style=solid" in text
    assert "ReLU" in text


def test_cli_draws_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "n.png"
    assert (
        main(
            ["explain", "sharp-p-backprop", "--draw", str(png)],
            out=io.StringIO(),
            err=io.StringIO(),
        )
        == 0
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
