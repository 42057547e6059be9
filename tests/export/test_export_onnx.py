"""ONNX export evaluated by onnxruntime against exact values."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from ermbit import exact
from ermbit.checking.oracles import SolverOracles
from ermbit.errors import BudgetExceeded
from ermbit.export.onnx_export import export
from ermbit.network.erm import ERMInstance, Sample
from ermbit.network.model import Edge, Network
from ermbit.reductions.sat_to_relu import SatToRelu
from tests.export._export_cases import FORMULAS

PL = {"pl": {"breakpoints": ["0", "1"], "slopes": ["0", "1", "2"], "intercepts": ["1", "0", "-1"]}}


def _net() -> Network:
    return Network(
        nodes=(("s", "id"), ("h", "z**2 + 1/4"), ("g", "relu"), ("o", PL)),
        edges=(
            Edge("s", "h", "1/2", "-1"),
            Edge("h", "g", "-1", "3"),
            Edge("h", "o", "3", "0"),
            Edge("g", "o", "1/8", "0"),
            Edge("s", "o", "1", "1"),
        ),
        outputs=("o", "g"),
    )


def test_onnxruntime_equals_exact_where_float64_is_exact(tmp_path) -> None:
    np = pytest.importorskip("numpy")
    ort = pytest.importorskip("onnxruntime")
    net = _net()
    xs = [-3, -1, 0, 1, 2, 5, 7]
    samples = tuple(Sample.of({"s": x, "g": 1}, {"o": 0}) for x in xs)
    inst = ERMInstance(net, samples, 0, 100)
    res = export(inst, str(tmp_path / "n.onnx"), data=True)
    data = np.load(tmp_path / "n.npz")
    sess = ort.InferenceSession(str(tmp_path / "n.onnx"))
    meta = sess.get_modelmeta().custom_metadata_map
    assert json.loads(meta["ermbit.inputs"]) == ["s", "g"]
    assert json.loads(meta["ermbit.outputs"]) == ["o", "g"]
    y = sess.run(None, {"x": data["x"]})[0]
    for row, s in zip(y, samples, strict=True):
        want = net.forward(s.inputs).output
        assert [Fraction(float(v)) for v in row] == [exact.to_fraction(q) for q in want]
    assert "0 constants rounded" in res.promise


@pytest.mark.parametrize("name,cnf", FORMULAS[:3:2])
def test_witness_network_fits_its_labels(tmp_path, name, cnf) -> None:
    np = pytest.importorskip("numpy")
    ort = pytest.importorskip("onnxruntime")
    red = SatToRelu()
    t = red.forward(cnf)
    from ermbit.reductions.sat_to_relu import sat_models

    wit = red.lift(cnf, t, next(sat_models(cnf, SolverOracles())))
    export(t.instance, str(tmp_path / "w.onnx"), witness=wit, data=True)
    data = np.load(tmp_path / "w.npz")
    y = ort.InferenceSession(str(tmp_path / "w.onnx")).run(None, {"x": data["x"]})[0]
    assert np.array_equal(y, data["y"])


def test_values_beyond_float64_are_refused_with_their_size(tmp_path) -> None:
    pytest.importorskip("onnx")
    net = Network(nodes=(("s", "id"), ("h", "z**2")), edges=(Edge("s", "h", 1, 0),), outputs=("h",))
    inst = ERMInstance(net, (Sample.of({"s": 2**600}, {"h": 0}),), 0, 10)
    with pytest.raises(BudgetExceeded) as err:
        export(inst, str(tmp_path / "big.onnx"))
    assert err.value.predicted == 1201 and "node 'h'" in str(err.value)
