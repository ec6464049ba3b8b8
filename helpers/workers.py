"""Worker functions: the article's own, kept recognisable, and corrected versions.

Each function is defined at module level, so that a child process started with
*spawn* or *forkserver* can import it by name. Children ``print`` with
``flush=True``: their stdout is a pipe, and unflushed text is lost when a pool
terminates its workers.
"""

from __future__ import annotations

import os
import queue
import time
from collections.abc import Sequence
from multiprocessing import current_process
from typing import Any

# --- Section 2 of the article: Process ------------------------------------------------


def print_func(continent: str = "Asia") -> None:
    """The article's first worker: print a continent's name (from the child)."""
    print("The name of continent is : ", continent, flush=True)


def describe_continent(continent: str = "Asia") -> str:
    """Like :func:`print_func`, but *return* the text so the parent can print it."""
    return f"The name of continent is : {continent}"


# --- Section 5 of the article: the full example ---------------------------------------


def do_job(tasks_to_accomplish: Any, tasks_that_are_done: Any, pause: float = 0.5,
           verbose: bool = True) -> bool:
    """The article's worker, unchanged in logic: loop on ``get_nowait()`` until Empty.

    **It has a bug.** ``get_nowait()`` can raise ``queue.Empty`` while tasks are still
    on their way through the queue's pipe, so a worker may quit with work left to do.
    See :func:`do_job_until_sentinel` for the fix.

    Args:
        tasks_to_accomplish: queue of task strings.
        tasks_that_are_done: queue that receives "<task> is done by <process name>".
        pause: seconds to sleep after each task (the article uses 0.5).
        verbose: print each task as the article does.
    """
    while True:
        try:
            task = tasks_to_accomplish.get_nowait()
        except queue.Empty:
            break
        else:
            if verbose:
                print(task, flush=True)
            tasks_that_are_done.put(task + " is done by " + current_process().name)
            time.sleep(pause)
    return True


def do_job_until_sentinel(tasks_to_accomplish: Any, tasks_that_are_done: Any,
                          pause: float = 0.0) -> None:
    """The corrected worker: block on ``get()`` until it receives the sentinel ``None``.

    The parent puts one ``None`` per worker after the real tasks, so every worker
    stops exactly once, and only after all tasks have been taken.
    """
    for task in iter(tasks_to_accomplish.get, None):
        tasks_that_are_done.put(task + " is done by " + current_process().name)
        time.sleep(pause)


def finish_task(task: str, pause: float = 0.0) -> str:
    """One task of the full example, for a Pool: return "<task> is done by <worker>"."""
    time.sleep(pause)
    return task + " is done by " + current_process().name


# --- Section 6 of the article: Pool ---------------------------------------------------

WORK: tuple[tuple[str, int], ...] = (("A", 5), ("B", 2), ("C", 1), ("D", 3))
"""The article's work list: (name, seconds to wait)."""

SECONDS_PER_UNIT = 0.1
""":func:`work_log` waits this long per unit, ten times faster than the article."""


def work_log(work_data: Sequence[Any]) -> str:
    """The article's Pool worker: announce, wait, announce. Returns the finish line.

    It waits ``work_data[1] * SECONDS_PER_UNIT`` seconds (the article waits whole
    seconds), so that "Run All" stays fast.
    """
    name, units = work_data[0], work_data[1]
    # The article's %-formatting, kept so its output is recognisable.
    print(" Process %s waiting %s seconds" % (name, units), flush=True)  # noqa: UP031
    finished = quiet_work_log(work_data)
    print(finished, flush=True)
    return finished


def quiet_work_log(work_data: Sequence[Any]) -> str:
    """:func:`work_log` without its prints: wait, then return the finish line.

    For timings and timelines, where children printing in varying order is noise.
    """
    name, units = work_data[0], work_data[1]
    time.sleep(int(units) * SECONDS_PER_UNIT)
    return " Process %s Finished." % name  # noqa: UP031


# --- Small workers for the Pool and executor demonstrations ---------------------------


def square(x: float) -> float:
    """Return ``x * x``."""
    return x * x


def add(x: float, y: float) -> float:
    """Return ``x + y`` (a two-argument worker for ``starmap``)."""
    return x + y


def slow_square(x: float, delay: float = 0.05) -> float:
    """Sleep ``delay`` seconds, then return ``x * x``."""
    time.sleep(delay)
    return x * x


def reciprocal(x: float) -> float:
    """Return ``1 / x``: raises ``ZeroDivisionError`` in the worker for ``x == 0``."""
    return 1 / x


def die_on(x: int, bad: int = 3) -> int:
    """Return ``x``, except that the worker process is killed outright when ``x == bad``.

    ``os._exit`` ends the process at once, like the out-of-memory killer or a crash in
    C code would: no exception, no clean-up.
    """
    if x == bad:
        os._exit(1)
    return x


def exit_with(code: int) -> None:
    """End the process with exit status ``code`` (to show ``Process.exitcode``)."""
    raise SystemExit(code)


def raise_error(message: str = "something went wrong in the child") -> None:
    """Raise ``ValueError(message)`` in the child."""
    raise ValueError(message)


def sleep_for(seconds: float) -> float:
    """Sleep ``seconds`` and return it (an I/O-bound stand-in)."""
    time.sleep(seconds)
    return seconds


def count_primes(limit: int) -> int:
    """The CPU-bound demo kernel: count primes below ``limit`` by trial division.

    Deliberately plain Python, so it holds the GIL and only processes speed it up.
    ``count_primes(100_000)`` is 9592 and takes roughly a tenth of a second.
    """
    if not isinstance(limit, int) or isinstance(limit, bool):
        raise TypeError(f"limit must be an int, not {type(limit).__name__}: pass e.g. 100_000.")
    count = 0
    for n in range(2, limit):
        if n % 2 == 0:
            count += n == 2
            continue
        d = 3
        while d * d <= n:
            if n % d == 0:
                break
            d += 2
        else:
            count += 1
    return count
