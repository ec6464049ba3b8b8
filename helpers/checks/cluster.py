"""Checks for notebook 09, "From one machine to a cluster" (Dask).

The checks take the learner's value explicitly. They recognise Dask futures by what
they can do (``result`` and ``key``), so they need no running cluster to give a hint,
and they never wait without a time limit.
"""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Iterable
from typing import Any

from helpers.checks.core import correct, expect, require_attempt
from helpers.instruments.validate import bounded, is_number, list_of

EXERCISE_LIMITS = (10_000, 20_000, 30_000, 40_000)
"""Exercise 1 counts the primes below each of these."""

CHUNK_LIMITS = range(1_000, 11_000, 50)
"""Exercise 2 counts the primes below each of these, in chunks."""

MAX_TASKS = 20
"""Exercise 2 may use at most this many tasks."""

RESULT_TIMEOUT = 30.0
"""Seconds the check waits for the learner's futures, all together."""


def _is_future(value: Any) -> bool:
    return hasattr(value, "result") and hasattr(value, "key") and callable(value.result)



def check_prime_counts(counts: Any) -> None:
    """Exercise 1: ``client.gather(client.map(count_primes, EXERCISE_LIMITS))``."""
    __tracebackhide__ = True
    require_attempt(counts, "set prime_counts to the list that client.gather returns")
    expect(not _is_future(counts),
           "That is one future, not the counts. Use client.map (one task per limit), then "
           "client.gather on the list of futures it returns.")
    expect(isinstance(counts, (list, tuple)),
           f"prime_counts should be a list, not a {type(counts).__name__}. client.gather "
           "returns a list when you give it a list of futures.")
    expect(not any(_is_future(value) for value in counts),
           "These are futures, tasks that may still be running. Pass the list to "
           "client.gather(...) to wait for their results.")
    expect(len(counts) == len(EXERCISE_LIMITS),
           f"There should be one count per limit ({len(EXERCISE_LIMITS)} limits), but "
           f"prime_counts has {len(counts)}. Map count_primes over the list of limits.")
    expect(all(is_number(value) for value in counts),
           "Every item should be a whole number. Give client.map the function itself, "
           "without calling it (no parentheses after its name).")
    expected = primes_below(EXERCISE_LIMITS)
    expect(sorted(counts) != sorted(expected) or list(counts) == expected,
           "The right counts, in a different order. client.gather keeps the order of the "
           "futures you give it; as_completed does not.")
    expect(list(counts) == expected,
           "Those are not the prime counts below the limits. Use count_primes (from "
           "helpers.costs) and the limits given in the exercise.")
    correct("One task per limit ran on the cluster, and gather returned the counts in order.")


def primes_below(limits: Iterable[int]) -> list[int]:
    """``[count_primes(n) for n in limits]``, fast: one sieve for all of them."""
    limits = list_of(limits, "limits", item=lambda n, name: bounded(n, name, "items"))
    top = max(limits, default=0)
    sieve = bytearray([1]) * max(top, 2)
    sieve[0:2] = b"\x00\x00"
    for n in range(2, int(top ** 0.5) + 1):
        if sieve[n]:
            sieve[n * n::n] = bytes(len(range(n * n, top, n)))
    below, count = [0] * (top + 1), 0
    for n in range(top):
        below[n] = count
        count += sieve[n]
    below[top] = count
    return [below[n] if n >= 0 else 0 for n in limits]


def check_chunked_counts(futures: Any) -> None:
    """Exercise 2: primes below each of CHUNK_LIMITS in 2 to 20 tasks, passed as the futures."""
    __tracebackhide__ = True
    require_attempt(futures, "set chunk_futures to the list of futures that client.map returns")
    expect(not _is_future(futures),
           "That is a single future: one task, run by one worker. Cut the limits into "
           "chunks with chunked(...) and client.map one task over each chunk.")
    expect(isinstance(futures, (list, tuple)),
           f"chunk_futures should be the list that client.map returns, not a "
           f"{type(futures).__name__}.")
    expect(len(futures) > 0, "chunk_futures is empty: client.map over a list of chunks.")
    expect(all(_is_future(f) for f in futures),
           "chunk_futures should hold futures, not results: set it to what client.map "
           "returns, before any client.gather.")
    expect(len(futures) <= MAX_TASKS,
           f"That is {len(futures)} tasks, more than {MAX_TASKS}. Put more limits in each "
           "chunk: the second argument of chunked is the size of one chunk.")
    expect(len(futures) >= 2,
           "A single task runs on a single worker. Use at least 2 chunks so that both "
           "workers help.")
    results = _gather(futures)
    expect(all(isinstance(chunk, list) for chunk in results),
           "Each task should return a list of counts, one per limit in its chunk: a "
           "function that handles a whole chunk, as map_chunk does in \"Be honest\" above.")
    flat = [value for chunk in results for value in chunk]
    expected = primes_below(CHUNK_LIMITS)
    expect(len(flat) == len(expected),
           f"The chunks hold {len(flat)} counts in all, not one per limit in "
           "range(1_000, 11_000, 50). Chunk exactly those limits.")
    expect(sorted(flat) != expected or flat == expected,
           "The right counts in the wrong order. Keep the futures in the order that "
           "client.map returned them.")
    expect(flat == expected,
           "Those are not the prime counts below the limits. Count with count_primes (from "
           "helpers.costs), in chunks of range(1_000, 11_000, 50).")
    correct(f"{len(futures)} tasks did the work of {len(expected)}: far less overhead per "
            "limit.")


def _gather(futures: Any) -> list[Any]:
    """Each future's result, waiting at most RESULT_TIMEOUT seconds in all."""
    __tracebackhide__ = True
    deadline = time.monotonic() + RESULT_TIMEOUT
    results = []
    for future in futures:
        try:
            results.append(future.result(timeout=max(0.1, deadline - time.monotonic())))
        except (TimeoutError, concurrent.futures.TimeoutError):
            expect(False, f"The tasks did not finish within {RESULT_TIMEOUT:g} s. Is the "
                          "cluster still running (was client closed)? Run the cells that "
                          "start it again.")
        except Exception as error:  # the task's own error, or a closed client
            expect(False, f"A task failed with {type(error).__name__}: {error}. Each task "
                          "gets a whole chunk (a list of limits): give client.map a function "
                          "that handles a list, as map_chunk does in \"Be honest\" above.")
    return results
