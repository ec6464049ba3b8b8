"""Checks for notebook 06, "Pool"."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from helpers.checks.core import (
    check_choice,
    correct,
    expect,
    require_attempt,
    run_learner_worker,
)
from helpers.instruments.validate import is_number
from helpers.pools import WORK

SQUARES_OF = range(20)
"""Exercise 1 maps ``square`` over these numbers."""

RECIPROCAL_VALUES = (4, 2, 1, 0, -1, -2)
"""Exercise 2 computes ``reciprocal`` of each of these; one of them fails."""

CHUNK_PICTURE = "c"
"""Exercise 4: eight tasks in ``chunksize=8`` on 2 workers make one chunk, so one row."""



def check_squares(squares: Any) -> None:
    """Exercise 1: ``pool.map(square, range(20))``, passed as the list it returns."""
    __tracebackhide__ = True
    require_attempt(squares, "set squares to the list that pool.map returns")
    expect(isinstance(squares, Mapping) or not hasattr(squares, "get"),
           "That is a pending result (from map_async or apply_async). Call its .get() to "
           "wait for the list, or use pool.map, which waits for you.")
    expect(isinstance(squares, list),
           f"pool.map returns a list, but squares is a {type(squares).__name__}. If you used "
           "imap or imap_unordered, wrap it in list(...) inside the with block, or use map.")
    expected = [n * n for n in SQUARES_OF]
    expect(len(squares) == len(expected),
           f"There should be one result per number in range(20), but squares has "
           f"{len(squares)}. Map square over range(20).")
    expect(all(is_number(value) for value in squares),
           "Every item should be a number. Pass the function square itself, "
           "without calling it: pool.map(square, range(20)).")
    expect(sorted(squares) != sorted(expected) or squares == expected,
           "The right numbers, in a different order. pool.map keeps the input order: "
           "use map rather than imap_unordered, or sort.")
    expect(squares == expected,
           "Those are not the squares of range(20). Map the worker square (from "
           "helpers.pools) over range(20).")
    correct("pool.map split range(20) among the workers and gave the results back in "
            "input order.")


def check_safe_reciprocals(results: Any) -> None:
    """Exercise 2: the reciprocals that succeed, sorted, the failing task left out."""
    __tracebackhide__ = True
    require_attempt(results, "set safe_results to the sorted list of reciprocals that worked")
    expect(isinstance(results, (list, tuple)),
           f"safe_results should be a list, not a {type(results).__name__}. Collect each "
           "task's result with .get(), then sort them.")
    expect(len(results) > 0,
           "safe_results is empty. pool.map gives all or nothing: one failing task loses "
           "every result. Submit one task per value with apply_async instead.")
    expect(all(is_number(value) for value in results),
           "Keep only the results that succeeded: leave the failing task out instead of "
           "storing None, an exception or a pending result.")
    ok = [value for value in RECIPROCAL_VALUES if value != 0]
    expect(len(results) <= len(ok),
           "There are too many results. Exactly one value has no reciprocal: leave it out.")
    expect(len(results) == len(ok),
           "Some results are missing: every value except one has a reciprocal. Did the "
           "loop stop at the first error? Catch the error for each task separately.")
    expect(list(results) == sorted(results), "Sort the results with sorted(...).")
    expected = sorted(1 / value for value in ok)
    expect(all(math.isclose(got, want) for got, want in zip(results, expected, strict=True)),
           "These are not the reciprocals (1 / x) of the values. Use the worker "
           "reciprocal from helpers.pools.")
    correct("One task failed, and the others still delivered their results.")


def check_describe_task(func: Any) -> None:
    """Exercise 3: a worker the learner wrote in my_workers.py, run in a real pool."""
    __tracebackhide__ = True
    require_attempt(func, "import describe_task from my_workers and pass it")
    results = run_learner_worker(func, WORK)
    if all(result is None or result is ... for result in results):
        require_attempt(..., "describe_task returned nothing useful. Write its body in "
                             "the %%writefile cell so that it *returns* the text (printing "
                             "gives the parent nothing) and run that cell")
    for task, result in zip(WORK, results, strict=True):
        expect(isinstance(result, str),
               f"For {task!r} describe_task returned a value of type "
               f"{type(result).__name__}. It should return a string.")
        name, units = task
        expect(result == f"{name}: {units} units",
               f"For {task!r} describe_task returned {result!r}. Compare it, character by "
               'character, with the format in the task: name, colon, space, number, '
               'space, "units".')
    correct("Your own worker ran in a pool of two processes and returned its results.")


def check_chunk_picture(choice: Any) -> None:
    """Exercise 4: the picture of ``pool.map(quiet_work_log, uneven, chunksize=8)`` on 2
    workers ("a", "b", "c" or "d")."""
    __tracebackhide__ = True
    check_choice(choice, CHUNK_PICTURE, {
        "a": "That is the picture of chunksize=4. How many chunks does chunksize=8 cut "
             "eight tasks into?",
        "b": "That is the picture of chunksize=1, where a free worker takes the next task. "
             "What does a worker do with a chunk it takes?",
        "d": "A pool runs each task once, on one worker. Which worker takes which task is "
             "decided chunk by chunk.",
    }, "Eight tasks in chunks of 8 make a single chunk, and one worker runs a chunk from "
       "start to end. The other worker has nothing to take: the run lasts as long as on "
       "one process.")
