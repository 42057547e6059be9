"""decide(): SAT answered through exact ReLU training, compared with brute force."""

from __future__ import annotations

import pytest

from ermbit.cnf import CNF
from ermbit.errors import InputError, InputTypeError
from ermbit.instances.cnf_families import random_kcnf
from ermbit.pipelines.decide import decide
from tests.strategies import brute_count

# seeds chosen so that both answers occur: (6, 19), (8, 3), (10, 6) are unsatisfiable
CASES = [(6, 1), (6, 19), (8, 2), (8, 3), (10, 1), (10, 6)]


@pytest.mark.parametrize("via", ["relu", "relu2"])
@pytest.mark.parametrize(("n", "seed"), CASES)
def test_decide_matches_brute_force_on_random_3cnf(via: str, n: int, seed: int) -> None:
    cnf = random_kcnf(n, round(4.26 * n), 3, seed=seed)
    res = decide(cnf, via)
    assert res.satisfiable is (brute_count(cnf) > 0)
    assert res.solver is not None and res.solver.details["exhausted"] is not res.satisfiable
    if res.satisfiable:
        assert res.model is not None and cnf.satisfied_by(res.model)
        assert [abs(lit) for lit in res.model] == list(range(1, n + 1))
    else:
        assert res.model is None


@pytest.mark.parametrize("via", ["relu", "relu2"])
def test_pinned_forms(via: str) -> None:
    for cnf in (CNF(3, ((1, 2), (-1, 3), (-2, -3))), CNF(2, ((1,), (-1, 2), (-2,)))):
        res = decide(cnf, via, pinned=True)
        assert res.satisfiable is (brute_count(cnf) > 0) and res.pinned
        assert res.instance["edges"] > 0


def test_json_has_exactly_the_documented_fields() -> None:
    cnf = CNF(2, ((1, -2), (2,)))
    js = decide(cnf).to_json()
    assert set(js) == {"satisfiable", "model", "seconds", "instance"}
    assert set(js["instance"]) == {"nodes", "edges", "samples"}
    assert js["satisfiable"] is True and js["model"] == [1, 2]
    res = decide(CNF(1, ((1,), (-1,))), "relu2")
    assert res.to_json()["model"] is None
    assert "UNSATISFIABLE via sat-to-relu2" in res.summary()


def test_instance_sizes_follow_the_constructions() -> None:
    cnf = CNF(3, ((1, 2, 3), (-1, -2)))
    r1 = decide(cnf, "relu")
    assert r1.instance == {"nodes": 1 + 9 * 3 + 2 * 2, "edges": 10 * 3 + 4 + 3, "samples": 1}
    r2 = decide(cnf, "relu2")
    d = 2 * (3 + 1)  # literals of x1..x3 and z
    assert r2.instance["samples"] == 1 + d + (3 + 1) + 2


def test_bad_arguments() -> None:
    with pytest.raises(InputError, match="via"):
        decide(CNF(1, ()), "sigmoid")
    with pytest.raises(InputTypeError):
        decide("p cnf 1 0")  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.parametrize("via", ["relu", "relu2"])
def test_sweep_against_pysat(via: str) -> None:
    from ermbit.solvers.sat.cdcl import is_satisfiable

    for n in (10, 12, 14):
        for seed in range(6):
            cnf = random_kcnf(n, round(4.26 * n), 3, seed=100 + seed)
            res = decide(cnf, via, pinned=seed % 2 == 1)
            assert res.satisfiable is is_satisfiable(cnf)


def test_wrong_back_maps_and_wrong_answers_are_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from ermbit.errors import VerificationFailed
    from ermbit.pipelines import decide as mod
    from ermbit.reductions.sat_to_relu import SatToRelu

    cnf = CNF(2, ((1,), (2,)))
    monkeypatch.setattr(SatToRelu, "back", lambda self, src, t, w: (False, False))
    with pytest.raises(VerificationFailed, match="falsifies"):
        decide(cnf)
    monkeypatch.undo()
    real = mod.solve_pl
    monkeypatch.setattr(
        mod, "solve_pl", lambda inst, **kw: dataclasses.replace(real(inst), decision=False)
    )
    with pytest.raises(VerificationFailed, match="PySAT says True"):
        decide(cnf)
