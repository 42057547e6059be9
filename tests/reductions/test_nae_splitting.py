"""SAT → NAE-SAT → set splitting, link by link (Thm 1.4 R2), by brute force."""

from __future__ import annotations

import itertools

from hypothesis import given

from ermbit.checking.verifier import verify
from ermbit.cnf import CNF
from ermbit.problems.nae import NAEFormula, nae_satisfied
from ermbit.problems.splitting import is_split, literal_element
from ermbit.reductions.nae_to_splitting import NaeToSplitting
from ermbit.reductions.sat_to_nae import SatToNae
from tests.profiles import examples
from tests.strategies import brute_count, cnfs
from tests.verified import assert_caught, assert_verified


def _nae_models(f: NAEFormula) -> list[tuple[bool, ...]]:
    out = []
    for a in itertools.product((False, True), repeat=f.cnf.num_vars):
        ok = all(
            any(a[abs(l) - 1] == (l > 0) for l in c) and any(a[abs(l) - 1] != (l > 0) for l in c)
            for c in f.cnf.clauses
        )
        if ok:
            out.append(a)
    return out


@examples(60)
@given(cnfs(max_vars=5, max_clauses=5, max_width=3))
def test_nae_is_two_to_one(cnf: CNF) -> None:
    nae = SatToNae().forward(cnf)
    models = _nae_models(nae)
    assert len(models) == 2 * brute_count(cnf)
    assert {tuple(not v for v in m) for m in models} == set(models)  # closed under complement
    for m in models:
        assert nae_satisfied(nae, m)
        assert cnf.satisfied_by(SatToNae().back(cnf, nae, m))


@examples(60)
@given(cnfs(max_vars=4, max_clauses=4, max_width=3))
def test_ordered_splits_equal_nae_models(cnf: CNF) -> None:
    nae = SatToNae().forward(cnf)
    sp = NaeToSplitting().forward(nae)
    splits = [s for s in itertools.product((0, 1), repeat=sp.size) if is_split(sp, s)]
    assert len(splits) == len(_nae_models(nae))
    assert {NaeToSplitting().back(nae, sp, s) for s in splits} == set(_nae_models(nae))


@examples(30)
@given(cnfs(max_vars=4, max_clauses=4, max_width=3))
def test_generic_verifier_on_both_links(cnf: CNF) -> None:
    r1 = verify(SatToNae(), cnf)
    assert_verified(r1)
    r2 = verify(NaeToSplitting(), SatToNae().forward(cnf))
    assert_verified(r2)


def test_literal_elements_are_distinct() -> None:
    elems = [literal_element(l) for i in range(1, 6) for l in (i, -i)]
    assert sorted(elems) == list(range(10))


def test_wrong_back_map_is_caught() -> None:
    class Broken(SatToNae):
        def back(self, src, target, solution):  # type: ignore[no-untyped-def, override]
            return tuple(solution[:-1])  # forgets to complement when z is true

    report = verify(Broken(), CNF(2, ((1, 2),)))
    assert_caught(report)
    assert any(c.name.startswith("solve-back") and not c.passed for c in report.checks)
