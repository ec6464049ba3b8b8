"""Notebook 06, "Pool": the article's ``work_log`` and small workers for the pool demos.

Each function is defined at module level, so that a pool's workers can import it by
name under every start method. Children ``print`` with ``flush=True``: their stdout is
a pipe, and unflushed text is lost when a pool terminates its workers.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Sequence
from typing import Any

from helpers.instruments.validate import choice, instance, real, seconds, whole_number

WORK: tuple[tuple[str, int], ...] = (("A", 5), ("B", 2), ("C", 1), ("D", 3))
"""The article's work list: (task name, units to wait)."""

SECONDS_PER_UNIT = 0.1
""":func:`work_log` waits this long per unit, ten times faster than the article."""


def work_log(work_data: Sequence[Any]) -> str:
    """The article's Pool worker: announce, wait, announce. Returns the finish line.

    ``work_data`` is a pair such as ``("A", 5)``: a task's name (the article prints it as
    "Process A", but it names a task, not a process) and how many units to wait. It
    waits ``units * SECONDS_PER_UNIT`` seconds (the article waits whole seconds), so that
    "Run All" stays fast.
    """
    name, units = _task(work_data)
    # The article's %-formatting, kept so its output is recognisable.
    print(" Process %s waiting %s seconds" % (name, units), flush=True)  # noqa: UP031
    finished = quiet_work_log(work_data)
    print(finished, flush=True)
    return finished


def quiet_work_log(work_data: Sequence[Any]) -> str:
    """:func:`work_log` without its prints: wait, then return the finish line.

    For timings and timelines, where children printing in varying order is noise.
    """
    name, units = _task(work_data)
    time.sleep(units * SECONDS_PER_UNIT)
    return " Process %s Finished." % name  # noqa: UP031


def _task(work_data: Any) -> tuple[Any, int]:
    """``(name, units)`` from a work item, checked: units is a whole number of units."""
    if isinstance(work_data, (str, bytes)) or not isinstance(work_data, Sequence) \
            or len(work_data) != 2:
        raise TypeError(f"work_data must be a pair (name, units) such as ('A', 5), "
                        f"not {work_data!r}.")
    name, units = work_data
    units = whole_number(units, "units (work_data[1])", least=0)
    seconds(units * SECONDS_PER_UNIT, f"work_data[1] ({units} units of {SECONDS_PER_UNIT:g} s)")
    return name, units


def square(x: float) -> float:
    """Return ``x * x``."""
    x = real(x, "x")
    return x * x


def add(x: float, y: float) -> float:
    """Return ``x + y`` (a two-argument worker for ``starmap``)."""
    x, y = real(x, "x"), real(y, "y")
    return x + y


def slow_square(x: float, delay: float = 0.05) -> float:
    """Sleep ``delay`` seconds, then return ``x * x``."""
    x, delay = real(x, "x"), seconds(delay, "delay")
    time.sleep(delay)
    return x * x


def reciprocal(x: float) -> float:
    """Return ``1 / x``: raises ``ZeroDivisionError`` in the worker for ``x == 0``."""
    x = real(x, "x")
    return 1 / x


def die_on(x: int, bad: int = 3) -> int:
    """Return ``x``, except that the worker process is killed outright when ``x == bad``.

    ``os._exit`` ends the process at once, like the out-of-memory killer or a crash in
    C code would: no exception, no clean-up. In a main process (your kernel) it refuses.
    """
    if x == bad:
        _refuse_in_main("die_on")
        os._exit(1)
    return x


def _refuse_in_main(name: str) -> None:
    """Raise ``RuntimeError`` in a main process: ending it would end the kernel."""
    if multiprocessing.parent_process() is None:
        raise RuntimeError(f"{name} would end this process, and this is a main process (your "
                           f"kernel?). Run it in a pool's worker instead: pool.map({name}, "
                           "range(6)).")


def stop_workers(executor: Any, how: str = "terminate") -> str:
    """Stop every worker of a ``ProcessPoolExecutor`` at once, by hand: what Python 3.14's
    ``executor.terminate_workers()`` and ``executor.kill_workers()`` do inside.

    First ``shutdown(wait=False, cancel_futures=True)``: no new tasks, and those not yet
    sent to the workers are cancelled. Then ``terminate()`` (SIGTERM) or ``kill()``
    (SIGKILL) on each worker: the tasks already sent fail with ``BrokenProcessPool``. It reads the
    executor's private ``_processes``: use it only where those methods are missing.
    Returns what it did, as one line of text.
    """
    from concurrent.futures import ProcessPoolExecutor

    how = choice(how, "how", ("terminate", "kill"))
    executor = instance(executor, "executor", ProcessPoolExecutor,
                        "a ProcessPoolExecutor, such as ProcessPoolExecutor(max_workers=2)")
    workers = list((executor._processes or {}).values())  # shutdown() forgets them
    executor.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        getattr(worker, how)()
    return f"{how}() on each worker, by hand ({how}_workers() is new in Python 3.14)"
