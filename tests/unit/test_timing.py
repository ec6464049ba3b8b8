"""helpers.instruments.timing: Stopwatch, time_call (best and median), format_seconds,
median_interval.

The clock is replaced by a fake one where a test asserts a duration, so nothing here
depends on how busy the machine is.
"""

from __future__ import annotations

import math
import random
from types import SimpleNamespace

import pytest

from helpers.costs import count_primes, rising_tasks
from helpers.instruments import timing
from helpers.instruments.timing import Stopwatch, format_seconds, median_interval, time_call
from helpers.pools import quiet_work_log


class FakeClock:
    """``time.perf_counter`` that moves only when told: each reading returns the next tick."""

    def __init__(self, *ticks: float) -> None:
        self.ticks = list(ticks)

    def __call__(self) -> float:
        return self.ticks.pop(0)


@pytest.fixture
def clock(monkeypatch):
    def install(*ticks):
        fake = FakeClock(*ticks)
        monkeypatch.setattr(timing, "time", SimpleNamespace(perf_counter=fake))
        return fake
    return install


# --- Stopwatch --------------------------------------------------------------------------


def test_stopwatch_times_a_block(clock):
    clock(10.0, 12.5)
    with Stopwatch() as watch:
        pass
    assert watch.seconds == 2.5
    assert str(watch) == "2.5 s"


def test_stopwatch_before_and_after_use():
    watch = Stopwatch()
    assert math.isnan(watch.seconds) and str(watch) == "not timed yet"
    with watch as same:
        assert same is watch
    assert watch.seconds >= 0


def test_stopwatch_times_a_block_that_raises(clock):
    clock(1.0, 1.25)
    with pytest.raises(KeyError):
        with Stopwatch() as watch:
            raise KeyError("x")
    assert watch.seconds == 0.25


def test_stopwatch_around_a_real_task():
    with Stopwatch() as watch:
        line = quiet_work_log(("C", 1))  # waits 1 unit = 0.1 s
    assert line == " Process C Finished."
    assert watch.seconds >= 0.09 and str(watch) == format_seconds(watch.seconds)


# --- time_call ----------------------------------------------------------------------------


def test_time_call_keeps_the_best_by_default(clock):
    clock(0, 3, 10, 11, 20, 22)  # samples 3, 1, 2
    calls = []
    seconds, result = time_call(lambda x: calls.append(x) or x * 2, 21, repeats=3)
    assert (seconds, result, calls) == (1, 42, [21, 21, 21])


def test_time_call_median(clock):
    clock(0, 3, 10, 11, 20, 22, 30, 40)  # samples 3, 1, 2, 10
    seconds, _ = time_call(lambda: None, repeats=4, keep="median")
    assert seconds == 2.5


def test_time_call_passes_keywords_and_returns_the_last_result():
    results = iter([1, 2, 3])
    seconds, result = time_call(lambda step: next(results) * step, step=10, repeats=3)
    assert result == 30 and seconds >= 0


def test_time_call_times_a_whole_serial_loop():
    # What notebook 08 times serially: every task, one after another.
    tasks = rising_tasks(10)
    seconds, results = time_call(lambda: [count_primes(t) for t in tasks])
    assert results == [count_primes(t) for t in tasks] and seconds > 0


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"repeats": 0}, ValueError, "repeats must be a whole number of at least 1"),
    ({"repeats": 2.0}, TypeError, "repeats must be a whole number"),
    ({"repeats": 10**6}, ValueError, r"LIMITS\['repeats'\]"),
    ({"keep": "mean"}, ValueError, "keep must be one of 'best', 'median'"),
    ({"keep": None}, TypeError, "keep must be one of"),
])
def test_time_call_refuses_bad_arguments(kwargs, error, words):
    calls = []
    with pytest.raises(error, match=words):
        time_call(calls.append, 1, **kwargs)
    assert calls == []  # checked before the first call


def test_time_call_wants_the_function_not_its_result():
    with pytest.raises(TypeError, match=r"func must be a function.*\(f, not f\(\)\)"):
        time_call(count_primes(10))


# --- format_seconds ------------------------------------------------------------------------


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0.0 \u00b5s"), (4.5e-6, "4.5 \u00b5s"), (45e-6, "45 \u00b5s"), (3.21e-3, "3.2 ms"),
    (1e-3, "1.0 ms"), (0.075, "75 ms"), (1.0, "1.0 s"), (1.25, "1.2 s"), (12.0, "12 s"),
    (3600.0, "3600 s"),
])
def test_format_seconds(seconds, text):
    assert format_seconds(seconds) == text


@pytest.mark.parametrize(("bad", "error"), [(-1, ValueError), (float("nan"), ValueError),
                                            (float("inf"), ValueError), ("1", TypeError),
                                            (None, TypeError), (True, TypeError)])
def test_format_seconds_refuses_bad_input(bad, error):
    with pytest.raises(error, match="seconds"):
        format_seconds(bad)


def test_median_interval_picks_the_textbook_ranks():
    # Ranks 14 and 28 of 41, and 40 and 61 of 100 (1-based), from the binomial tables.
    assert median_interval(range(1, 42)) == (14, 28)
    assert median_interval(range(1, 101)) == (40, 61)
    assert median_interval([6, 1, 5, 2, 4, 3]) == (1, 6)  # six: the fewest for 95 %


def test_median_interval_of_too_few_values_is_unbounded():
    assert median_interval([1.0, 2.0, 3.0, 4.0, 5.0]) == (-math.inf, math.inf)
    assert median_interval([1.0, 2.0, 3.0, 4.0, 5.0], confidence=0.9) == (1.0, 5.0)


def test_median_interval_covers_the_median_at_least_as_often_as_promised():
    rng = random.Random(12)
    trials = 2000
    covered = sum(low <= 0.5 <= high for low, high in (
        median_interval([rng.random() for _ in range(21)]) for _ in range(trials)))
    assert covered / trials >= 0.95


@pytest.mark.parametrize("values, confidence, error", [
    ([], 0.95, ValueError), ("123", 0.95, TypeError), ([1, "2"], 0.95, TypeError),
    ([1, 2], 0.2, ValueError), ([1, 2], 1.0, ValueError)])
def test_median_interval_rejects_bad_input(values, confidence, error):
    with pytest.raises(error):
        median_interval(values, confidence)
