"""Checks for notebook 08, "What parallelism costs"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from helpers.checks.core import correct, expect, require_attempt
from helpers.costs import worth_it
from helpers.instruments.transfer import TransferFit
from helpers.instruments.validate import is_number, is_whole_number

CHUNKSIZE_TOLERANCE = 1.2
"""Exercise 1: a chunksize qualifies if its time is at most 20% above the fastest one."""

SCENARIOS: dict[str, dict[str, float]] = {
    "a": {"items": 1_000_000, "compute": 0.2e-6, "send": 2e-6},
    "b": {"items": 100, "compute": 50e-3, "send": 10e-6},
    "c": {"items": 10, "compute": 5e-3, "send": 1e-6},
    "d": {"items": 1, "compute": 10.0, "send": 1e-3},
    "e": {"items": 10_000, "compute": 1e-3, "send": 1e-3},
    "f": {"items": 200, "compute": 20e-3, "send": 0.1e-3},
}
"""Exercise 2: the scenarios of the notebook's table (2 workers, 0.1 s to start the pool)."""

SCENARIO_HINTS = {
    "a": "Scenario a: compare what one item costs to send with what it costs to compute.",
    "b": "Scenario b: work out the serial time and the pool time with the model.",
    "c": "Scenario c: the pool's start is paid once; compare it with the whole serial run.",
    "d": "Scenario d: how many workers can share a single item?",
    "e": "Scenario e: how long does the parent need just to send all the items? Compare "
         "that with the whole serial run.",
    "f": "Scenario f: work out the serial time and the pool time with the model.",
}

BREAK_EVEN_COMPUTE = 0.020
"""Exercise 3: seconds a task computes on its data."""

BREAK_EVEN_TOLERANCE = 0.01
"""Exercise 3: relative error allowed."""



def check_chunksize(choice: Any, times: Mapping[int, float]) -> None:
    """Exercise 1: the smallest chunksize within 20% of the fastest time in ``times``."""
    __tracebackhide__ = True
    require_attempt(choice, "set best_chunksize to one of the chunksizes in chunk_times")
    expect(isinstance(times, Mapping) and len(times) > 0
           and all(is_number(t) and t > 0 for t in times.values()),
           "chunk_times should be the dictionary {chunksize: seconds} that time_chunksizes "
           "returned: run that cell again, then your answer.")
    expect(is_whole_number(choice),
           f"best_chunksize should be a whole number (an int), not {type(choice).__name__}.")
    expect(choice in times,
           f"Pick one of the chunksizes that were measured: {sorted(times)}.")
    fastest = min(times.values())
    qualifies = {c for c, t in times.items() if t <= CHUNKSIZE_TOLERANCE * fastest}
    expect(choice in qualifies,
           "That chunksize took more than 20% longer than the fastest one in the table. "
           "Compare each time with 1.2 times the smallest time.")
    expect(choice == min(qualifies),
           "That one is fast enough, but a smaller chunksize is too. Among those within "
           "20% of the fastest, take the smallest: smaller chunks share uneven tasks out "
           "better.")
    correct("Fast enough, and the chunks are still small enough to balance uneven tasks. "
            "On another machine, or another day, the table and the choice can differ.")


def _letters(answer: Any) -> set[str] | None:
    if isinstance(answer, str):
        items = [ch for ch in answer if ch.strip() and ch not in ",;"]
    elif isinstance(answer, (set, frozenset, list, tuple)):
        items = list(answer)
    else:
        return None
    if not all(isinstance(item, str) for item in items):
        return None
    return {item.strip().lower() for item in items}


def check_worth_parallelising(answer: Any) -> None:
    """Exercise 2: the set of scenarios in which the model says a pool is faster."""
    __tracebackhide__ = True
    require_attempt(answer, 'set worth_it_for to a set of scenario letters, like {"a", "b"}')
    letters = _letters(answer)
    expect(letters is not None,
           f'worth_it_for should be a set of letters such as {{"a", "c"}}, not '
           f"{type(answer).__name__}.")
    unknown = sorted(letters - set(SCENARIOS))
    shown = ", ".join(u if u.isprintable() else repr(u) for u in unknown)
    expect(not unknown, f"There is no scenario {shown}: use the letters a to f.")
    for letter, scenario in SCENARIOS.items():
        expected = worth_it(**scenario)
        expect((letter in letters) == expected, SCENARIO_HINTS[letter])
    correct("A pool pays when each item computes much longer than it takes to send, and "
            "there are enough items to share, and enough work to repay the start.")


def check_break_even(nbytes: Any, fit: TransferFit,
                     compute_seconds: float = BREAK_EVEN_COMPUTE) -> None:
    """Exercise 3: the payload (bytes) whose round trip costs as long as the computation.

    Solves ``fit.latency + nbytes × fit.seconds_per_byte = compute_seconds``.
    """
    __tracebackhide__ = True
    require_attempt(nbytes, "set break_even_bytes to a number of bytes")
    expect(isinstance(fit, TransferFit) and is_number(fit.latency)
           and is_number(fit.seconds_per_byte),
           "pipe_fit should be the TransferFit that fit_transfer returned: run the cells that "
           "measure the Pipe and fit it again, then this check.")
    expect(is_number(compute_seconds) and compute_seconds > 0,
           "The computing time should be a number of seconds above 0: run this check as "
           "the notebook gives it.")
    expect(is_number(nbytes),
           f"break_even_bytes should be a number, not {type(nbytes).__name__}.")
    expect(fit.seconds_per_byte > 0,
           "This fit has no cost per byte at all, so there is no break-even size. Measure "
           "the Pipe again (rerun the transfer cells), then redo this exercise.")
    expected = (compute_seconds - fit.latency) / fit.seconds_per_byte
    expect(expected > 0 or nbytes <= 0,
           "On this measurement one message costs more than the whole computation. Which "
           "payload sizes, if any, could then be sent in the time the computation takes?")
    if expected <= 0:
        correct("Sending anything at all already costs more than the computation.")
        return
    expect(nbytes > 0,
           "A payload size is positive. Start from the computing time and subtract the "
           "latency before you divide.")
    ratio = nbytes / expected
    expect(not 0.5e-6 < ratio < 2e-6,
           "That looks like megabytes: give the size in bytes.")
    expect(not 0.5e-3 < ratio < 2e-3,
           "That looks like kilobytes: give the size in bytes.")
    # The answer that leaves the latency out is within the tolerance whenever the latency
    # is small, so it must also be farther from the answer than the right one is (unless
    # the two are less than a byte apart, and cannot be told apart).
    without_latency = compute_seconds / fit.seconds_per_byte
    left_out = (abs(without_latency - expected) >= 1
                and abs(nbytes - without_latency) <= abs(nbytes - expected))
    expect(not (left_out and abs(nbytes / without_latency - 1) <= BREAK_EVEN_TOLERANCE),
           "Close, but every message also pays the latency, however small it is. Where "
           "is it in your answer?")
    expect(abs(ratio - 1) <= BREAK_EVEN_TOLERANCE and not left_out,
           "Not the size where both cost the same. Write the time to send a payload of "
           "that size with pipe_fit's two numbers, and set it equal to the computing time.")
    correct("Below that size the data is cheaper to send than to compute with; above it, "
            "sending dominates and more workers cannot help.")
