"""Tests for helpers.progress: the bar counts finished tasks; results all come back."""

from __future__ import annotations

import multiprocessing

import pytest

from helpers.progress import imap_unordered_with_progress, make_bar
from helpers.workers import reciprocal, slow_square, square

TIMEOUT = 30  # seconds: a broken pool fails the test instead of hanging it


@pytest.fixture
def pool():
    pool = multiprocessing.Pool(2)
    yield pool
    pool.terminate()
    pool.join()


def test_make_bar_starts_at_zero():
    bar = make_bar(7, "tasks")
    assert (bar.value, bar.min, bar.max, bar.description) == (0, 0, 7, "tasks")
    assert repr(bar) == "IntProgress(value=0, description='tasks', max=7)"


@pytest.mark.parametrize("total", [-1, 2.5, "3", True])
def test_make_bar_rejects_bad_totals(total):
    with pytest.raises(ValueError, match="whole number"):
        make_bar(total)


def test_results_all_come_back_and_the_bar_fills(pool):
    bar = make_bar(0)
    results = imap_unordered_with_progress(pool, slow_square, range(10), bar=bar)
    assert sorted(results) == [x * x for x in range(10)]
    assert (bar.value, bar.max, bar.bar_style) == (10, 10, "success")


def test_displays_the_bar_at_zero_once(pool, capsys):
    # Outside a notebook, IPython's display() prints the repr: what a notebook stores.
    results = imap_unordered_with_progress(pool, square, [3, 1, 2], "squares", chunksize=2)
    assert sorted(results) == [1, 4, 9]
    assert capsys.readouterr().out == "IntProgress(value=0, description='squares', max=3)\n"


def test_empty_input(pool):
    bar = make_bar(5)
    assert imap_unordered_with_progress(pool, square, [], bar=bar) == []
    assert (bar.value, bar.max) == (0, 0)


def test_worker_error_is_raised_and_the_bar_turns_red(pool):
    bar = make_bar(0)
    with pytest.raises(ZeroDivisionError):
        imap_unordered_with_progress(pool, reciprocal, [1, 0, 2], bar=bar)
    assert bar.bar_style == "danger"


@pytest.mark.parametrize("kwargs, error, words", [
    ({"pool": [1, 2]}, TypeError, "multiprocessing Pool"),
    ({"func": 3}, TypeError, "must be a function"),
    ({"chunksize": 0}, ValueError, "chunksize"),
])
def test_bad_arguments(pool, kwargs, error, words):
    args = {"pool": pool, "func": square, "items": [1], **kwargs}
    with pytest.raises(error, match=words):
        imap_unordered_with_progress(**args)
