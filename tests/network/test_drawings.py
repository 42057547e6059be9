"""Drawings a student can read: the layered layout never runs an edge through a node,
gadget clusters are disjoint, every edge shows its w, b, and the queried path is red."""

from __future__ import annotations

import io
import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import given, settings

from ermbit.cli import main
from ermbit.cnf import CNF
from ermbit.exact import fmt
from ermbit.network.draw_svg import highlighted_edges, short_rational, to_svg
from ermbit.network.layout import layout
from ermbit.network.model import Network
from ermbit.pipelines.explain import walk
from ermbit.pipelines.explain.chains import network_drawing
from tests.strategies_net import networks

SVG = "{http://www.w3.org/2000/svg}"
TINY = CNF(2, ((1, 2), (-1, 2)))


def _check_layout(net: Network, group: dict[str, str] | None = None) -> None:
    lay = layout(net, group)
    nodes = {p: v for v, p in lay.pos.items()}
    assert len(nodes) == net.num_nodes  # no two nodes share a place
    slots: set[tuple[float, float]] = set()
    for e in net.edges:
        route = lay.routes[e.key]
        assert route[0] == lay.pos[e.src] and route[-1] == lay.pos[e.dst]
        # every hop joins adjacent columns, so a segment's interior lies strictly
        # between the columns, where no node is
        assert all(b[0] - a[0] == 1 for a, b in itertools.pairwise(route))
        for p in route[1:-1]:
            assert p not in nodes and p not in slots  # a slot is reserved for one edge
            slots.add(p)
    bands = sorted((r, r + h - 1) for r, h, _, _ in lay.bands.values())
    assert all(a[1] < b[0] for a, b in itertools.pairwise(bands))  # disjoint boxes
    for v, g in lay.group.items():
        if g:
            row, rows, c0, c1 = lay.bands[g]
            x, y = lay.pos[v]
            assert row <= y < row + rows and c0 <= x <= c1


@settings(max_examples=80, deadline=None)
@given(networks(max_nodes=7))
def test_random_networks_lay_out_without_edges_through_nodes(net: Network) -> None:
    _check_layout(net, {v: f"g{int(v[1:]) % 3}" for v in net.node_ids})
    _check_layout(net)


def test_chain_networks_lay_out_cleanly() -> None:
    for chain in ("sharp-p-backprop", "np-relu", "np-relu2"):
        found = network_drawing(walk(chain, TINY, show=False))
        assert found is not None
        net, group, _ = found
        _check_layout(net, group)


def test_svg_has_every_edge_with_its_parameters_and_the_red_path() -> None:
    found = network_drawing(walk("sharp-p-backprop", TINY, show=False))
    assert found is not None
    net, group, edge = found
    assert edge is not None
    svg = to_svg(net, highlight=edge, group=group)
    root = ET.fromstring(svg)  # well-formed XML
    paths = [p for p in root.iter(f"{SVG}path") if "e" in p.get("class", "").split()]
    edges = [p for p in paths if p.find(f"{SVG}title") is not None]
    assert len(edges) == net.num_edges
    hot = {
        tuple(p.find(f"{SVG}title").text.split(":")[0].split(" → "))  # type: ignore[union-attr]
        for p in edges
        if "hot" in p.get("class", "")
    }
    assert hot == highlighted_edges(net, edge) and edge in hot
    dashed = [p for p in edges if "fz" in p.get("class", "")]
    assert len(dashed) == sum(e.frozen for e in net.edges if e.key not in hot)
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class", "").startswith("w")]
    want = sorted(f"{short_rational(e.w)}, {short_rational(e.b)}" for e in net.edges)
    assert sorted(labels) == want  # type: ignore[type-var]
    boxes = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "bl"]
    assert any(b and b.startswith("gate ") for b in boxes)


def test_relu_drawing_has_a_box_per_variable_and_clause() -> None:
    found = network_drawing(walk("np-relu", TINY, show=False))
    assert found is not None
    net, group, _ = found
    root = ET.fromstring(to_svg(net, group=group))
    boxes = {t.text for t in root.iter(f"{SVG}text") if t.get("class") == "bl"}
    assert boxes == {"variable x1", "variable x2", "clause C1", "clause C2"}
    titles = [
        p.find(f"{SVG}title").text  # type: ignore[union-attr]
        for p in root.iter(f"{SVG}path")
        if p.find(f"{SVG}title") is not None
    ]
    assert any(t and t.endswith("(trainable)") and fmt(0) in t for t in titles)


def test_short_rational_keeps_short_values_exact() -> None:
    assert short_rational("-7/3") == "-7/3" and short_rational(2**80).endswith("-bit⟩")


def test_cli_draws_svg_and_png(tmp_path: Path) -> None:
    cnf = tmp_path / "t.cnf"
    cnf.write_text(TINY.to_dimacs(), encoding="utf-8")
    for name in ("n.svg", "n.png"):
        out = tmp_path / name
        args = ["explain", "sharp-p-backprop", str(cnf), "--draw", str(out)]
        assert main(args, out=io.StringIO(), err=io.StringIO()) == 0
    ET.fromstring((tmp_path / "n.svg").read_text(encoding="utf-8"))
    assert (tmp_path / "n.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_active_relus_are_marked_when_values_are_given() -> None:
    from ermbit.network.model import NetworkBuilder

    nb = NetworkBuilder()
    for v, act in (("s", "id"), ("on", "relu"), ("off", "relu")):
        nb.add_node(v, act)
    nb.add_edge("s", "on", 1, 0)
    nb.add_edge("s", "off", -1, 0)
    net = nb.build(["on", "off"])
    values = net.forward({"s": 2}).values
    root = ET.fromstring(to_svg(net, values=values))
    classes = {
        g.find(f"{SVG}title").text.split(":")[0]: g.get("class", "")  # type: ignore[union-attr]
        for g in root.iter(f"{SVG}g")
    }
    assert "on" in classes["on"].split() and "on" not in classes["off"].split()
