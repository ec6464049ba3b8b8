"""Checks of notebook 07: right answers pass, ... is not attempted, each wrong branch
gives its hint, and no message gives the answer away."""

from __future__ import annotations

import pytest

from helpers.checks import NotAttempted, NotYet
from helpers.checks.speedup import (
    CORES,
    PARALLEL_SECONDS,
    SERIAL_FRACTION,
    SERIAL_SECONDS,
    SPLIT_WORKERS,
    WORKERS,
    check_amdahl,
    check_speedup_efficiency,
    check_split_speedup,
)
from helpers.mandelbrot import REFERENCE_IMAGE
from helpers.speedup import split_loads, top_half_costs

SPEEDUP = SERIAL_SECONDS / PARALLEL_SECONDS
EFFICIENCY = SPEEDUP / WORKERS
LIMIT = 1 / SERIAL_FRACTION
WITH_16 = 1 / (SERIAL_FRACTION + (1 - SERIAL_FRACTION) / CORES)
COSTS = top_half_costs(**REFERENCE_IMAGE)  # the image the notebook's exercise splits
STATIC = split_loads(COSTS, SPLIT_WORKERS, -(-len(COSTS) // SPLIT_WORKERS))
BEST = sum(COSTS) / max(STATIC)


def _answers(*values):
    forms = set()
    for value in values:
        forms |= {f"{value:.2f}", f"{value:.3f}", f"{value:g}", str(value)}
    return forms


def _hint(check, *args):
    with pytest.raises(NotYet) as info:
        check(*args)
    return str(info.value)


# --- Exercise 1 -------------------------------------------------------------------------------


def test_speedup_efficiency_correct(capsys):
    check_speedup_efficiency(SPEEDUP, EFFICIENCY)
    check_speedup_efficiency(int(SPEEDUP), EFFICIENCY * 1.001)
    assert capsys.readouterr().out.startswith("Correct!")


@pytest.mark.parametrize("args", [(..., 0.5), (3.0, ...), (..., ...)])
def test_speedup_efficiency_not_attempted(args, capsys):
    with pytest.raises(NotAttempted):
        check_speedup_efficiency(*args)
    assert "Not attempted" in capsys.readouterr().out


@pytest.mark.parametrize(("speedup", "efficiency", "words"), [
    ("3", EFFICIENCY, "plain numbers"), (SPEEDUP, [EFFICIENCY], "plain numbers"),
    (True, EFFICIENCY, "plain numbers"), (float("nan"), EFFICIENCY, "plain numbers"),
    (1 / SPEEDUP, EFFICIENCY, "upside down"),
    (SERIAL_SECONDS - PARALLEL_SECONDS, EFFICIENCY, "difference"),
    (2.0, EFFICIENCY, "Which two times does that compare?"),
    (SPEEDUP, SPEEDUP, "per worker"),
    (SPEEDUP, WORKERS / SPEEDUP, "upside down"),
    (SPEEDUP, 100 * EFFICIENCY, "percentage"),
    (SPEEDUP, 0.5, "Look at its definition above"),
])
def test_speedup_efficiency_wrong(speedup, efficiency, words, capsys):
    message = _hint(check_speedup_efficiency, speedup, efficiency)
    assert words in message
    for answer in _answers(SPEEDUP, EFFICIENCY):
        assert answer not in message
    assert capsys.readouterr().out.startswith("Not yet.")


# --- Exercise 2 -------------------------------------------------------------------------------


def test_amdahl_correct(capsys):
    check_amdahl(LIMIT, WITH_16)
    check_amdahl(20, round(WITH_16, 2))
    assert capsys.readouterr().out.startswith("Correct!")


def test_amdahl_not_attempted():
    with pytest.raises(NotAttempted):
        check_amdahl(..., WITH_16)
    with pytest.raises(NotAttempted):
        check_amdahl(LIMIT, ...)


@pytest.mark.parametrize(("limit", "with_cores", "words"), [
    ("20", WITH_16, "plain numbers"),
    (1 / (1 - SERIAL_FRACTION), WITH_16, "parallel share"),
    (5.0, WITH_16, "endless cores"), (SERIAL_FRACTION, WITH_16, "endless cores"),
    (10.0, WITH_16, "not right yet"),
    (LIMIT, float(CORES), "ideal"),
    (LIMIT, SERIAL_FRACTION + (1 - SERIAL_FRACTION) * CORES, "Gustafson"),
    (LIMIT, 1 / ((1 - SERIAL_FRACTION) + SERIAL_FRACTION / CORES), "swapped"),
    (LIMIT, 25.0, "above the limit"),
    (LIMIT, 8.0, "not right yet"),
])
def test_amdahl_wrong(limit, with_cores, words, capsys):
    message = _hint(check_amdahl, limit, with_cores)
    assert words in message
    for answer in _answers(LIMIT, WITH_16):
        assert answer not in message
    assert capsys.readouterr().out.startswith("Not yet.")


# --- Exercise 3 -------------------------------------------------------------------------------


def test_split_speedup_correct(capsys):
    check_split_speedup(BEST, list(COSTS))
    check_split_speedup(round(BEST, 2), tuple(COSTS))
    assert capsys.readouterr().out.startswith("Correct!")


def test_split_speedup_not_attempted():
    with pytest.raises(NotAttempted):
        check_split_speedup(..., COSTS)


@pytest.mark.parametrize(("answer", "words"), [
    ("1.1", "plain number"),
    (float(SPLIT_WORKERS), "perfect split"),
    (sum(COSTS) / min(STATIC), "lighter worker"),
    (max(STATIC) / sum(COSTS), "upside down"),
    (sum(COSTS) / max(split_loads(COSTS, SPLIT_WORKERS, 1)), "dynamic split"),
    (1.5, "not right yet"),
])
def test_split_speedup_wrong(answer, words, capsys):
    message = _hint(check_split_speedup, answer, COSTS)
    assert words in message
    for form in _answers(BEST):
        assert form not in message
    assert capsys.readouterr().out.startswith("Not yet.")


def test_split_speedup_notices_changed_costs():
    assert "has changed" in _hint(check_split_speedup, BEST, COSTS[:-1])
