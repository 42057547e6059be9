"""Regression tests for the wrong and incomplete answers of issue 13 (W1–W4).

Each test runs the command line in-process and checks the answer against an
independent computation (brute force over assignments, the library's own evaluator).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from ermbit.cnf import CNF
from ermbit.errors import InputError
from tests.cli._run import run


def projected_brute(cnf: CNF) -> int:
    """Assignments of the shown variables that extend to a model, by enumeration."""
    shown = sorted(cnf.projection or ())
    seen = set()
    for bits in itertools.product((False, True), repeat=cnf.num_vars):
        if cnf.satisfied_by(list(bits)):
            seen.add(tuple(bits[v - 1] for v in shown))
    return len(seen)


@pytest.mark.parametrize("method", ["auto", "brute", "enum"])
def test_w1_count_honours_c_p_show(tmp_path: Path, method: str) -> None:
    p = tmp_path / "pmc.cnf"
    p.write_text("c t pmc\np cnf 3 1\nc p show 1 2 0\n1 3 0\n")
    expected = projected_brute(CNF.read(p))
    code, out, _ = run("count", str(p), "--method", method, "--json")
    doc = json.loads(out)
    assert code == 0 and doc["count"] == expected and doc["projected"] is True
    assert expected == 4  # unprojected it would be 6


def test_w1_count_all_refuses_a_projected_file(tmp_path: Path) -> None:
    p = tmp_path / "pmc.cnf"
    p.write_text("c t pmc\np cnf 3 1\nc p show 1 2 0\n1 3 0\n")
    code, _, err = run("count", str(p), "--method", "all")
    assert code == 2 and "c p show" in err and "--method" in err


@pytest.fixture
def erm_file(tmp_path: Path) -> Path:
    cnf_path, slp_path, erm_path = tmp_path / "f.cnf", tmp_path / "c.json", tmp_path / "e.json"
    CNF(2, ((1, 2),)).write(cnf_path)
    assert run("reduce", "sat-to-slp", str(cnf_path), "-o", str(slp_path))[0] == 0
    j = json.loads(slp_path.read_text())["meta"]["count_bits"]["offset"]
    assert (
        run("reduce", "bitslp-to-erm", str(slp_path), "--bit", str(j), "-o", str(erm_path))[0] == 0
    )
    return erm_path


def test_w2_check_refuses_an_empty_witness(erm_file: Path, tmp_path: Path) -> None:
    from ermbit.formats import read

    wit = tmp_path / "w.json"
    wit.write_text('{"format": "ermbit/1", "kind": "witness", "theta": {}}\n')
    code, out, err = run("check", str(erm_file), str(wit))
    assert code == 2 and "ACCEPTED" not in out
    free = read(erm_file).obj.network.free_edges()
    u, v = sorted(free)[0]
    assert f"{u}->{v}" in err and f"{len(free)} trainable" in err


def test_w2_a_partial_witness_is_not_completed_from_theta_star(erm_file: Path) -> None:
    from ermbit.formats import read
    from ermbit.network.erm import Witness

    inst = read(erm_file).obj
    full = inst.theta_of(None)  # the network's own θ*
    partial = Witness.of(dict(list(full.items())[1:]))
    with pytest.raises(InputError, match="no \\(w, b\\) for 1 trainable"):
        inst.evaluate(partial)
    assert inst.evaluate(Witness.of(full)).enc_bits >= 0  # the complete witness is checked


def test_w3_node_ids_with_an_arrow_are_refused(tmp_path: Path) -> None:
    from ermbit.network.model import Network

    with pytest.raises(InputError, match="contains '->'"):
        Network(
            [("a", "id"), ("b->c", "relu"), ("a->b", "id"), ("c", "relu")],
            [("a", "b->c", 1, 0), ("a->b", "c", 1, 0)],
            ["b->c", "c"],
        )
    doc = {
        "format": "ermbit/1",
        "kind": "network",
        "nodes": [{"id": "a", "activation": "id"}, {"id": "b->c", "activation": "relu"}],
        "edges": [{"from": "a", "to": "b->c", "w": "1", "b": "0"}],
        "outputs": ["b->c"],
    }
    p = tmp_path / "n.json"
    p.write_text(json.dumps(doc))
    from ermbit.formats import read

    with pytest.raises(InputError, match="'b->c'"):
        read(p)


def test_w4_undecided_exits_4(monkeypatch: pytest.MonkeyPatch, erm_file: Path) -> None:
    from ermbit.solvers.erm import dispatch

    real = dispatch.solve_erm

    def undecided(inst, **kw):  # type: ignore[no-untyped-def]
        import dataclasses

        return dataclasses.replace(real(inst, **kw), decision=None, witness=None)

    monkeypatch.setattr(dispatch, "solve_erm", undecided)
    # a structural solver left undecided (auto would go on to the general solver)
    code, out, _ = run("solve", str(erm_file), "--method", "pinned")
    assert code == 4 and "UNDECIDED" in out
    stale = erm_file.parent / "w.json"
    stale.write_text("a witness from an earlier run")
    code, _, _ = run("solve", str(erm_file), "--method", "pinned", "-w", str(stale), "--force")
    assert code == 4 and not stale.exists()  # no witness now: the old file must not pass for one


def test_w4_decide_stopped_undecided_exits_4(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from ermbit.pipelines import decide as decide_module

    real = decide_module.solve_pl

    def undecided(*a, **k):  # type: ignore[no-untyped-def]
        import dataclasses

        return dataclasses.replace(real(*a, **k), decision=None)

    monkeypatch.setattr(decide_module, "solve_pl", undecided)
    p = tmp_path / "f.cnf"
    CNF(2, ((1, 2),)).write(p)
    code, _, err = run("decide", str(p))
    assert code == 4 and "undecided" in err
