"""Hints of notebooks 07 and 08 point to the idea and never state the answer or its recipe
(issue 10); exercise 3 of 07 uses the reference image's row costs."""

from __future__ import annotations

import pytest

from helpers.checks import NotYet
from helpers.checks.costs import SCENARIO_HINTS, check_break_even, check_worth_parallelising
from helpers.checks.speedup import (
    CORES,
    SERIAL_FRACTION,
    check_amdahl,
    check_speedup_efficiency,
    check_split_speedup,
)
from helpers.instruments.transfer import TransferFit
from helpers.mandelbrot import REFERENCE_IMAGE
from helpers.speedup import split_loads, top_half_costs

RECIPES = ("1 / (f", "(1 - f) / n", "divide the", "Divide by", "split_loads(costs", "Solve",
           "Add up", "set break_even_bytes to", "latency off", "total work divided")


def hint(check, *args) -> str:
    with pytest.raises(NotYet) as info:
        check(*args)
    return str(info.value)


def assert_no_recipe(text: str) -> None:
    for recipe in RECIPES:
        assert recipe not in text, (recipe, text)


F, N = SERIAL_FRACTION, CORES
LIMIT = 1 / F


@pytest.mark.parametrize(("limit", "with_16"), [
    (1 / (1 - F), 6.0), (LIMIT, 25.0), (LIMIT, 10.0), (LIMIT, N), (LIMIT, F + (1 - F) * N)])
def test_amdahl_hints(limit, with_16):
    assert_no_recipe(hint(check_amdahl, limit, with_16))


@pytest.mark.parametrize(("speedup", "efficiency"), [
    (1 / 3, 0.75), (2.0, 0.75), (3.0, 4 / 3), (3.0, 0.5)])
def test_speedup_efficiency_hints(speedup, efficiency):
    assert_no_recipe(hint(check_speedup_efficiency, speedup, efficiency))


COSTS = top_half_costs(**REFERENCE_IMAGE)
STATIC = split_loads(COSTS, 2, len(COSTS) // 2)


def test_split_speedup_uses_the_reference_image(capsys):
    check_split_speedup(sum(COSTS) / max(STATIC), COSTS)
    assert capsys.readouterr().out.startswith("Correct!")
    assert "has changed" in hint(check_split_speedup, 1.1, top_half_costs())


@pytest.mark.parametrize("answer", [max(STATIC) / sum(COSTS), 1.05, 1.5])
def test_split_speedup_hints(answer):
    assert_no_recipe(hint(check_split_speedup, answer, COSTS))


def test_scenario_e_hint_no_longer_contradicts_itself():
    assert "while the workers compute" not in SCENARIO_HINTS["e"]
    assert_no_recipe(hint(check_worth_parallelising, {"b", "e", "f"}))


FIT = TransferFit(latency=50e-6, seconds_per_byte=1e-9)


@pytest.mark.parametrize("nbytes", [2 * (0.02 - 50e-6) / 1e-9, 0.02 / 1e-9])
def test_break_even_hints(nbytes):
    assert_no_recipe(hint(check_break_even, nbytes, FIT))


def test_break_even_hopeless_case_does_not_give_the_answer():
    hopeless = TransferFit(latency=0.05, seconds_per_byte=1e-9)
    text = hint(check_break_even, 1e6, hopeless)
    assert_no_recipe(text)
    assert " 0" not in text and "0." not in text
