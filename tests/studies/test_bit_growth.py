"""Fig. 1 study (docs: results.md): shape of the growth, refusal, PNG, exact log-norm display."""

from __future__ import annotations

import itertools
import math
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ermbit.errors import BackendUnavailable, InputError
from ermbit.network.erm import Sample
from ermbit.network.model import Network
from ermbit.studies.app_e import BACKWARD_CONSTANT, app_e_bound
from ermbit.studies.bit_growth import (
    GrowthRow,
    bit_growth,
    format_rows,
    layered_network,
    log2_display,
    measure_row,
    plot,
)
from tests.profiles import examples
from tests.reference import reference

WIDTH, DEPTH = 3, 6


def _series(rows: list[GrowthRow], act: str, scale: str) -> list[GrowthRow]:
    return [r for r in rows if r.activation == act and r.scale == scale]


@pytest.fixture(scope="module")
def rows() -> list[GrowthRow]:
    return bit_growth(DEPTH, width=WIDTH, seed=0)


def test_one_row_per_series_and_depth(rows: list[GrowthRow]) -> None:
    assert len(rows) == 2 * 2 * DEPTH
    for act in ("z^2", "ReLU"):
        for sc in ("1", "3"):
            assert [r.depth for r in _series(rows, act, sc)] == list(range(1, DEPTH + 1))
    assert not any(r.refused for r in rows)


@pytest.mark.parametrize("scale", ["1", "3"])
def test_relu_sizes_stay_within_the_app_e_line(rows: list[GrowthRow], scale: str) -> None:
    series = _series(rows, "ReLU", scale)
    deepest, x = layered_network(DEPTH, "relu", width=WIDTH, seed=0, scale=int(scale))
    n = app_e_bound(deepest, None, [Sample.of(x, {"out": 1}, "half_squared")]).n
    slope = BACKWARD_CONSTANT * WIDTH * WIDTH * (n + 1)  # each layer adds WIDTH² edges
    first = series[0].max_bits
    assert first is not None
    for r in series:
        net, x = layered_network(r.depth, "relu", width=WIDTH, seed=0, scale=int(scale))
        bound = app_e_bound(net, None, [Sample.of(x, {"out": 1}, "half_squared")])
        assert r.max_bits is not None and r.max_bits <= bound.bits
        assert r.max_bits <= first + (r.depth - 1) * slope


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_square_sizes_at_least_double_per_layer(seed: int) -> None:
    for sc in (1, 3):
        series = bit_growth(DEPTH, width=WIDTH, seed=seed, activations=("z**2",), scales=(sc,))
        sizes = [r.forward_bits for r in series]
        both = [r.max_bits for r in series]
        for seq in (sizes, both):
            assert all(s is not None for s in seq)
            c = seq[0]
            assert all(b >= 2 * a - c for a, b in itertools.pairwise(seq))  # type: ignore[operator]


def test_rows_match_the_fraction_reference() -> None:
    for act in ("z**2", "relu"):
        for d in (1, 3):
            net, x = layered_network(d, act, width=2, seed=5, scale=3)
            row = measure_row(net, x, label=0, budget_bits=None, depth=d)
            ref = reference(net, [Sample.of(x, {"out": 0}, "half_squared")])
            assert (row.forward_bits, row.backward_bits) == (ref.forward_bits, ref.backward_bits)
            sq = sum(g * g for g in ref.dw.values()) + sum(g * g for g in ref.db.values())
            assert row.log2_grad_norm is not None
            assert abs(row.log2_grad_norm - math.log2(sq) / 2) < 1e-9


def test_refusal_happens_before_any_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = Network.forward

    def counting(self: Network, *args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Network, "forward", counting)
    budget = 1 << 14
    series = bit_growth(60, width=4, activations=("z**2",), scales=(3,), budget_bits=budget)
    refused = [r for r in series if r.refused]
    done = [r for r in series if not r.refused]
    late = [r for r in refused if r.refused_pass == "backward"]  # forward ran, not backward
    assert refused and done and len(calls) == len(done) + len(late)
    first = refused[0].depth
    assert all(r.refused for r in series if r.depth >= first)  # nested: sizes only grow
    for r in refused:
        assert r.predicted_bits > budget and r.max_bits is None
        assert r.note.startswith(f"refused: predicted {r.predicted_bits} bits > budget {budget}")
    assert all(r.max_bits is not None and r.max_bits <= budget for r in done)


def test_networks_are_nested_in_depth() -> None:
    small, x1 = layered_network(2, "relu", width=3, seed=4)
    big, x2 = layered_network(3, "relu", width=3, seed=4)
    assert x1 == x2
    hidden = [e for e in small.edges if e.dst != "out"]
    assert list(big.edges[: len(hidden)]) == hidden
    outs = [(e.w, e.b) for e in small.edges if e.dst == "out"]
    assert outs == [(e.w, e.b) for e in big.edges if e.dst == "out"]


def test_scale_multiplies_every_weight_and_no_bias() -> None:
    one, _ = layered_network(2, "relu", width=2, seed=3)
    three, _ = layered_network(2, "relu", width=2, seed=3, scale=3)
    assert [3 * e.w for e in one.edges] == [e.w for e in three.edges]
    assert [e.b for e in one.edges] == [e.b for e in three.edges]


@examples(60)
@given(st.integers(1, 1 << 4000), st.integers(1, 1 << 4000))
def test_log2_display_brackets_the_exact_rational(p: int, q: int) -> None:
    value = log2_display(f"{p}/{q}")
    e = math.floor(value)
    if abs(value - round(value)) > 1e-9:  # away from a power of two the floor is exact
        r = Fraction(p, q)
        assert Fraction(2) ** e <= r < Fraction(2) ** (e + 1)
    if p < 1 << 1000 and q < 1 << 1000:
        assert abs(value - (math.log2(p) - math.log2(q))) < 1e-9


def test_log2_display_of_zero_and_validation() -> None:
    assert log2_display(0) == -math.inf
    with pytest.raises(InputError, match="label"):
        bit_growth(2, label=2)
    with pytest.raises(InputError, match="max_depth"):
        bit_growth(0)
    with pytest.raises(InputError, match="forward_bits"):
        GrowthRow("ReLU", "1", 1, 10, None)
    with pytest.raises(InputError, match="refused_pass"):
        GrowthRow("ReLU", "1", 1, 10, 5, refused_pass="sideways")


def test_format_rows_lists_every_row(rows: list[GrowthRow]) -> None:
    text = format_rows(rows).splitlines()
    assert len(text) == len(rows) + 1 and "log2|grad|" in text[0]
    refused = GrowthRow("z^2", "3", 9, 99, 10, refused_pass="forward")
    line = format_rows([refused]).splitlines()[1]
    assert line.endswith("refused: predicted 99 bits > budget 10 (forward pass)")


def test_plot_writes_a_png(rows: list[GrowthRow], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    path = tmp_path / "fig1.png"
    plot(rows, str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_names_the_extra(
    rows: list[GrowthRow], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(BackendUnavailable, match=r"pip install 'ermbit\[plot\]'"):
        plot(rows, str(tmp_path / "x.png"))
