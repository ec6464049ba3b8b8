"""Notebook 08's cost model: the upper bound (sending and computing take turns) and the
lower bound (they overlap), and exercise 2's answer under both."""

from __future__ import annotations

import pytest

from helpers.checks.costs import SCENARIOS
from helpers.costs import pool_time_model, pool_time_range, worth_it


def test_range_brackets_the_upper_bound_model():
    serial, least, most = pool_time_range(items=10, compute=1.0, send=0.5, workers=4, start=2)
    assert serial == 10.0
    assert most == pool_time_model(items=10, compute=1.0, send=0.5, workers=4, start=2)[1]
    assert least == 2 + max(10 * 0.5, 3 * 1.0)
    assert least <= most


def test_the_notebooks_example():
    serial, least, most = pool_time_range(items=1000, compute=1e-3, send=50e-6)
    assert (serial, least, most) == pytest.approx((1.0, 0.6, 0.65))


def test_exercise_answer_is_the_same_under_both_bounds():
    for letter, scenario in SCENARIOS.items():
        serial, least, most = pool_time_range(**scenario)
        assert (least < serial) == (most < serial) == worth_it(**scenario), letter
    assert {letter for letter, s in SCENARIOS.items() if worth_it(**s)} == {"b", "f"}


def test_range_validates_like_the_model():
    with pytest.raises(ValueError):
        pool_time_range(items=0, compute=1, send=1)
    with pytest.raises(TypeError):
        pool_time_range(items=10, compute="1", send=1)
