"""Worked examples for notebook 06's sanitizer patterns (tests/sanitize.cfg): every
Python's output reads the same after sanitizing."""

from __future__ import annotations

import pytest

from tests.plugin import sanitize


@pytest.mark.parametrize(("one", "other"), [
    # Python 3.14+ against 3.13 and older, which stop the workers with stop_workers
    ("stopped with executor.terminate_workers()\n",
     "stopped with terminate() on each worker, by hand (terminate_workers() is new in "
     "Python 3.14)\n"),
    ("stopped with executor.kill_workers()\nthe task failed with BrokenProcessPool\n",
     "stopped with kill() on each worker, by hand (kill_workers() is new in Python 3.14)\n"
     "the task failed with BrokenProcessPool\n"),
])
def test_versions_read_the_same(one, other):
    assert sanitize(one) == sanitize(other)
    assert "_workers(), by hand before Python 3.14>" in sanitize(one)


@pytest.mark.parametrize("text", [
    # terminate and kill stay apart, and so does anything else after "stopped with"
    "stopped with executor.kill_workers()\n",
    "stopped with executor.shutdown()\n",
    "stopped with terminate() on each worker\n",
])
def test_what_differs_stays_different(text):
    assert sanitize(text) != sanitize("stopped with executor.terminate_workers()\n")


def test_the_helper_says_what_the_pattern_expects():
    from helpers.pools import stop_workers

    source = stop_workers.__code__.co_consts
    assert any("on each worker, by hand (" in str(const) for const in source)
