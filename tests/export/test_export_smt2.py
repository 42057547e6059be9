"""SMT-LIB 2 export round-tripped through z3 and cvc5; models re-checked exactly."""

from __future__ import annotations

import pytest

from ermbit import exact
from ermbit.errors import FormatError, InputError
from ermbit.export._sexpr import number, parse_all
from ermbit.export.run import run_smt
from ermbit.export.smt2 import parse_model, real, to_smt2, witness_from_model
from ermbit.network.erm import BackpropInstance, ERMInstance, Sample
from ermbit.network.model import NetworkBuilder
from ermbit.problems.queries import BitQuery
from ermbit.reductions.backprop import SlpToBackpropBit
from ermbit.reductions.sat_to_relu import SatToRelu
from ermbit.reductions.sat_to_slp import SatToSlp
from ermbit.solvers.sat.cdcl import is_satisfiable as is_sat
from tests.export._export_cases import FORMULAS


def _training(gamma: int = 0, loss: str = "squared", bound: int = 20) -> ERMInstance:
    """t = ReLU(w·s + b) through an identity node, two samples: fit needs w = 1/2, b = 1."""
    nb = NetworkBuilder()
    for v, a in (("s", "id"), ("h", "id"), ("t", "relu")):
        nb.add_node(v, a)
    nb.add_edge("s", "h")
    nb.add_edge("h", "t", 1, 0, frozen=True)
    samples = (Sample.of({"s": 2}, {"t": 2}, loss), Sample.of({"s": -4}, {"t": 0}, loss))
    return ERMInstance(nb.build(["t"]), samples, gamma, bound)


@pytest.mark.parametrize("solver", ["z3", "cvc5"])
def test_training_problem_exact_model_is_accepted(solver: str) -> None:
    pytest.importorskip(solver)
    inst = _training()
    run = run_smt(solver, to_smt2(inst).text, timeout=30)
    assert run.status == "sat"
    ev = inst.evaluate(witness_from_model(inst, run.output))
    assert ev.accepted and ev.loss == 0 and ev.enc_bits <= inst.bit_bound


@pytest.mark.parametrize("solver", ["z3", "cvc5"])
def test_bit_bound_is_exact(solver: str) -> None:
    """Only θ = (0, 0) has enc ≤ 4 (size ≥ 2 each) and it misses; (1, 0) fits with enc 5."""
    pytest.importorskip(solver)
    assert not _training().accepts({("s", "h"): (0, 0)})
    assert _training(bound=5).accepts({("s", "h"): (1, 0)})
    assert run_smt(solver, to_smt2(_training(bound=4)).text, timeout=30).status == "unsat"
    run = run_smt(solver, to_smt2(_training(bound=5)).text, timeout=30)
    assert run.status == "sat"
    assert _training(bound=5).accepts(witness_from_model(_training(bound=5), run.output))


def test_relaxed_script_is_linear_and_squares_are_not() -> None:
    assert to_smt2(_training(), relax=True).logic == "QF_LRA"
    assert to_smt2(_training(gamma=1), relax=True).logic == "QF_NRA"
    assert to_smt2(_training(loss="hinge"), relax=True).logic == "QF_LRA"


@pytest.mark.parametrize("name,cnf", FORMULAS)
@pytest.mark.parametrize("solver", ["z3", "cvc5"])
@pytest.mark.parametrize("relax", [False, True])
def test_sat_to_relu_answers_as_the_formula(name: str, cnf, solver: str, relax: bool) -> None:
    pytest.importorskip(solver)
    red = SatToRelu()
    t = red.forward(cnf)
    run = run_smt(solver, to_smt2(t.instance, relax=relax).text, timeout=30)
    assert run.status == ("sat" if is_sat(cnf) else "unsat")
    if run.status == "sat":
        wit = witness_from_model(t.instance, run.output)
        assert t.instance.evaluate(wit).loss == 0
        assert cnf.satisfied_by(red.back(cnf, t, wit))
        if not relax:
            assert t.instance.accepts(wit)


def test_z3_model_survives_a_file_into_cvc5() -> None:
    """z3's rational model, written into the script as assertions, is cvc5's model too."""
    pytest.importorskip("z3")
    pytest.importorskip("cvc5")
    text = to_smt2(_training(), relax=True).text
    _, z3_vals = parse_model(run_smt("z3", text, timeout=30).output)
    pinned = "".join(f"(assert (= {k} {real(z3_vals[k])}))\n" for k in ("w0", "b0"))
    status, cvc5_vals = parse_model(
        run_smt("cvc5", text.replace("(check-sat)", pinned + "(check-sat)"), timeout=30).output
    )
    assert status == "sat"
    assert {k: cvc5_vals[k] for k in ("w0", "b0")} == {k: z3_vals[k] for k in ("w0", "b0")}


@pytest.mark.parametrize("solver", ["z3", "cvc5"])
def test_backprop_bit_query_matches_the_exact_gradient(solver: str) -> None:
    pytest.importorskip(solver)
    from ermbit.cnf import CNF

    counting = SatToSlp().forward(CNF(2, ((1, 2),)))
    for j in range(counting.offset, counting.offset + 3):
        inst = SlpToBackpropBit().forward(BitQuery(counting.slp, j)).instance
        assert isinstance(inst, BackpropInstance)
        run = run_smt(solver, to_smt2(inst).text, timeout=30)
        assert run.status == ("sat" if inst.answer() == 1 else "unsat")


def test_model_parser_reads_both_solvers_styles() -> None:
    z3_style = (
        "sat\n(\n  (define-fun w0 () Real\n    (/ 1.0 3.0))\n  (define-fun b0 () Real (- 2.0)))"
    )
    cvc5_style = "sat\n(\n(define-fun w0 () Real (/ 1 3))\n(define-fun b0 () Real (- 2))\n)"
    assert parse_model(z3_style) == parse_model(cvc5_style)
    assert parse_model(z3_style)[1] == {"w0": exact.Q(1, 3), "b0": exact.Q(-2)}
    assert number(parse_all("0.125")[0]) == exact.Q(1, 8)
    with pytest.raises(FormatError):
        parse_model("(error)")
    with pytest.raises(InputError, match="status"):
        witness_from_model(_training(), "unsat")


@pytest.mark.parametrize("loss", ["squared", "half_squared", "hinge"])
def test_gradient_term_equals_the_exact_gradient(loss: str) -> None:
    """ReLU, PL and polynomial nodes: the script's ``grad`` is the exact ∂L/∂w_e*."""
    pytest.importorskip("z3")
    from ermbit.network.model import Edge, Network

    pl = {"pl": {"breakpoints": ["0", "1"], "slopes": ["1/2", "1", "3"], "intercepts": ["0"] * 3}}
    net = Network(
        nodes=(("s", "id"), ("h", "relu"), ("g", pl), ("o", "z**2 - z/3")),
        edges=(
            Edge("s", "h", "3/2", "-1"),
            Edge("s", "g", "-1", "1/4"),
            Edge("h", "o", "1/2", "0"),
            Edge("g", "o", "2", "1"),
        ),
        outputs=("o",),
    )
    samples = tuple(Sample.of({"s": x}, {"o": 1}, loss, 2) for x in ("1", "-1/2"))
    inst = BackpropInstance(net, samples, ("s", "g"), "sign")
    g = inst.gradient()
    text = to_smt2(inst).text
    assert "(assert (> grad 0.0))" in text
    right = text.replace("(assert (> grad 0.0))", f"(assert (= grad {real(g)}))")
    wrong = text.replace("(assert (> grad 0.0))", f"(assert (= grad {real(g + 1)}))")
    assert run_smt("z3", right, timeout=30).status == "sat"
    assert run_smt("z3", wrong, timeout=30).status == "unsat"
