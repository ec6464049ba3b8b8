"""Tests for helpers.checks.costs: right answers pass, wrong ones get a hint, never the answer."""

from __future__ import annotations

import pytest

from helpers.checks.core import NotAttempted, NotYet
from helpers.checks.costs import (
    BREAK_EVEN_COMPUTE,
    SCENARIOS,
    check_break_even,
    check_chunksize,
    check_worth_parallelising,
)
from helpers.costs import worth_it
from helpers.instruments.transfer import TransferFit

TIMES = {1: 0.70, 5: 0.42, 25: 0.23, 125: 0.22, 500: 0.20, 2000: 0.27}
BEST = 25  # smallest chunksize within 20% of 0.20 s
FIT = TransferFit(latency=100e-6, seconds_per_byte=1e-9)
BREAK_EVEN = (BREAK_EVEN_COMPUTE - FIT.latency) / FIT.seconds_per_byte  # 19.9 MB
WORTH_IT = {"b", "f"}


def hint_of(check, *args) -> str:
    with pytest.raises(NotYet) as info:
        check(*args)
    return str(info.value)


# --- Exercise 1: chunksize ------------------------------------------------------------


def test_chunksize_correct(capsys):
    check_chunksize(BEST, TIMES)
    assert capsys.readouterr().out.startswith("Correct!")


def test_chunksize_follows_the_table_given():
    check_chunksize(500, {1: 0.5, 500: 0.1, 2000: 0.3})
    check_chunksize(1, {1: 0.1, 10: 0.1})


def test_chunksize_not_attempted(capsys):
    with pytest.raises(NotAttempted):
        check_chunksize(..., TIMES)
    assert "Not attempted" in capsys.readouterr().out


@pytest.mark.parametrize(("answer", "words"), [
    (25.0, "whole number"),
    (True, "whole number"),
    (30, "Pick one of"),
    (1, "more than 20% longer"),
    (2000, "more than 20% longer"),
    (500, "a smaller chunksize is too"),
    (125, "a smaller chunksize is too"),
])
def test_chunksize_wrong(answer, words, capsys):
    message = hint_of(check_chunksize, answer, TIMES)
    assert words in message
    assert "25" not in message.replace(str(sorted(TIMES)), "")
    assert capsys.readouterr().out.startswith("Not yet.")


@pytest.mark.parametrize("times", [{}, [0.1, 0.2], {1: 0.0}, {1: "fast"}, None])
def test_chunksize_needs_the_measured_table(times):
    assert "chunk_times should be the dictionary {chunksize: seconds} that time_chunksizes" \
        in hint_of(check_chunksize, 1, times)


# --- Exercise 2: worth a pool? ----------------------------------------------------------


def test_the_scenarios_have_the_documented_answer():
    assert {letter for letter, s in SCENARIOS.items() if worth_it(**s)} == WORTH_IT


@pytest.mark.parametrize("answer", [WORTH_IT, ["f", "b"], ("B", "F"), "bf", "b, f",
                                    frozenset(WORTH_IT)])
def test_worth_it_correct(answer, capsys):
    check_worth_parallelising(answer)
    assert capsys.readouterr().out.startswith("Correct!")


def test_worth_it_not_attempted():
    with pytest.raises(NotAttempted):
        check_worth_parallelising(...)


@pytest.mark.parametrize(("answer", "words"), [
    (3, "set of letters"),
    ({1, 2}, "set of letters"),
    ({"b", "f", "z"}, "no scenario z"),
    ({"a", "b", "f"}, "Scenario a"),
    ({"b"}, "Scenario f"),
    ({"f"}, "Scenario b"),
    ({"b", "c", "f"}, "Scenario c"),
    ({"b", "d", "f"}, "Scenario d"),
    ({"b", "e", "f"}, "Scenario e"),
    (set(), "Scenario b"),
])
def test_worth_it_wrong(answer, words, capsys):
    message = hint_of(check_worth_parallelising, answer)
    assert words in message
    assert "{'b', 'f'}" not in message and "{'f', 'b'}" not in message
    assert capsys.readouterr().out.startswith("Not yet.")


# --- Exercise 3: break-even payload -------------------------------------------------------


def test_break_even_correct(capsys):
    check_break_even(BREAK_EVEN, FIT)
    check_break_even(int(BREAK_EVEN), FIT)
    assert capsys.readouterr().out.startswith("Correct!")


def test_break_even_not_attempted():
    with pytest.raises(NotAttempted):
        check_break_even(..., FIT)


@pytest.mark.parametrize(("answer", "words"), [
    ("19.9 MB", "should be a number"),
    (float("nan"), "should be a number"),
    (-5.0, "positive"),
    (BREAK_EVEN / 1e6, "megabytes"),
    (BREAK_EVEN / 1e3, "kilobytes"),
    (BREAK_EVEN * 2, "Not the size where both cost the same"),
    (BREAK_EVEN_COMPUTE * FIT.seconds_per_byte, "Not the size where both cost the same"),
])
def test_break_even_wrong(answer, words, capsys):
    message = hint_of(check_break_even, answer, FIT)
    assert words in message
    for shown in (f"{BREAK_EVEN:.0f}", f"{BREAK_EVEN:,.0f}", "19.9", "1.99e+07"):
        assert shown not in message
    assert capsys.readouterr().out.startswith("Not yet.")


def test_break_even_hint_for_a_forgotten_latency():
    slow = TransferFit(latency=2e-3, seconds_per_byte=1e-9)  # latency is 10% of the compute
    message = hint_of(check_break_even, BREAK_EVEN_COMPUTE / slow.seconds_per_byte, slow)
    assert "latency" in message and "Close" in message


def test_break_even_when_one_message_costs_more_than_the_work(capsys):
    hopeless = TransferFit(latency=0.05, seconds_per_byte=1e-9)
    check_break_even(0, hopeless)
    assert capsys.readouterr().out.startswith("Correct!")
    assert "one message costs more than the whole computation" in hint_of(
        check_break_even, 1e6, hopeless)


def test_break_even_with_a_flat_fit():
    assert "no cost per byte" in hint_of(check_break_even, 1e6,
                                         TransferFit(latency=1e-4, seconds_per_byte=0.0))


@pytest.mark.parametrize("fit", [{"latency": 1e-4}, None,
                                 TransferFit(latency=float("nan"), seconds_per_byte=1e-9)])
def test_break_even_needs_the_fit(fit):
    assert "pipe_fit should be the TransferFit that fit_transfer returned" in hint_of(
        check_break_even, 1e6, fit)
