"""Checks for notebook 04, "Lock"."""

from __future__ import annotations

from typing import Any

from helpers.checks.core import check_choice, correct, expect, require_attempt
from helpers.instruments.validate import is_whole_number

EXERCISE_PROCESSES = 4
"""Exercise 1 starts this many processes..."""

EXERCISE_TIMES = 10_000
"""... and each one adds 1 this many times."""


def check_locked_count(counter: Any) -> None:
    """Exercise 1: the shared counter after 4 processes ran ``add_one_locked`` 10 000 times.

    Accepts the ``Value`` itself (or a ``RawValue``), or the number in it.
    """
    __tracebackhide__ = True
    require_attempt(counter, "set my_counter to the shared Value your processes added to")
    value = getattr(counter, "value", counter)
    expect(is_whole_number(value),
           "Pass the shared counter itself (the Value you gave the workers), or its .value; "
           f"got {type(counter).__name__}.")
    expected = EXERCISE_PROCESSES * EXERCISE_TIMES
    expect(value != 0, "The counter is still 0. Did you start() every process, and join() "
                       "them all before running this check?")
    expect(value <= expected,
           "The counter is higher than the exercise asks for. Make a fresh Value(\"i\", 0) in "
           "your answer cell (do not reuse one from earlier), and start exactly 4 processes.")
    expect(value >= expected,
           "Some additions are missing. Give every worker add_one_locked with the *same* Lock "
           "(created once, before the processes), 10_000 as times, and join() all 4 "
           "processes before you check.")
    correct("Every process waited its turn for the lock, so no addition was lost.")


def check_plus_equals(is_safe: Any) -> None:
    """Exercise 2: is ``counter.value += 1`` on a synchronized Value safe without a lock?"""
    __tracebackhide__ = True
    require_attempt(is_safe, "set plus_equals_is_safe to True or False")
    expect(isinstance(is_safe, bool),
           f"plus_equals_is_safe should be True or False, not {is_safe!r}.")
    expect(not is_safe,
           "Look again at the first run of this notebook. The Value's lock is taken for the "
           "read, released, then taken again for the write: what can another process do in "
           "between?")
    correct("+= is a read followed by a write. The Value locks each one separately, so "
            "another process can write in between and one update is lost. Hold one lock "
            "around both, e.g. `with counter.get_lock():`.")


def check_error_count_design(choice: Any) -> None:
    """Exercise 3: the best way for workers to count files with errors ("a", "b" or "c")."""
    __tracebackhide__ = True
    check_choice(choice, "c", {
        "a": "That one is fast, but it loses counts: += on a shared Value is not one step. "
             "Which design stays exact?",
        "b": "That one is exact, but every worker waits for the lock once per file. Which "
             "design touches the shared counter least often?",
    }, "Each worker counts in its own variable, then adds its total once: exact, with one "
       "lock per worker instead of one per file. Lock less often, share less.")
