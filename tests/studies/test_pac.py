"""Thm 1.6 demonstration: checked with fractions.Fraction, independent of ermbit.exact."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ermbit.errors import InputError
from ermbit.studies.pac import adversarial_pair, min_samples, table
from tests.profiles import examples


def _h(c: Fraction, x: int, q: int) -> Fraction:
    return Fraction(math.floor(c * x * 2**q), 2**q)


@examples(40)
@given(st.integers(1, 40))
def test_pair_disagrees_exactly_on_the_last_point(q: int) -> None:
    c1, c2 = (Fraction(int(c.numerator), int(c.denominator)) for c in adversarial_pair(q))
    assert 0 <= c1 < c2 < 1 and c2 - c1 == Fraction(1, 4**q)
    bad = [i for i in range(q + 1) if _h(c1, 2**i, q) != _h(c2, 2**i, q)]
    assert bad == [q]


@examples(40)
@given(st.integers(1, 60), st.sampled_from([Fraction(1, 10), Fraction(1, 4), Fraction(1, 100)]))
def test_min_samples_is_minimal_and_at_least_q_log(q: int, delta: Fraction) -> None:
    m = min_samples(q, f"{delta.numerator}/{delta.denominator}")
    miss = Fraction(q, q + 1)
    assert miss**m <= 2 * delta < miss ** (m - 1)
    assert m >= q * math.log(1 / (2 * delta))


def test_table_rows_grow_with_q_while_real_model_stays_one() -> None:
    rows = table([1, 4, 16])
    assert [r.bit_model_samples for r in rows] == sorted(r.bit_model_samples for r in rows)
    assert rows[-1].bit_model_samples > rows[0].bit_model_samples
    assert all(r.real_model_samples == 1 and r.disagreements == 1 for r in rows)


@pytest.mark.parametrize("delta", ["0", "1/2", "3/4"])
def test_delta_out_of_range_is_refused(delta: str) -> None:
    with pytest.raises(InputError, match="delta"):
        min_samples(3, delta)
