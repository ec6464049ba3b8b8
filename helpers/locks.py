"""Notebook 04, "Lock": shared-counter workers, and writers of multi-line blocks.

Every worker is a module-level function, so a child started with *spawn* or
*forkserver* can import it by name. The counter workers all do the same job, add
``times`` to a shared ``multiprocessing.Value``, in four ways:

* :func:`add_one` -- ``counter.value += 1`` with no lock: **loses updates**;
* :func:`add_one_locked` -- ``with lock: counter.value += 1``: exact;
* :func:`add_one_own_lock` -- ``with counter.get_lock(): counter.value += 1``: exact;
* :func:`add_locally` -- count in a local variable, add once at the end: exact and fast.

A race only shows when the workers really run at the same moment. A *spawn* child
takes tens of milliseconds to start, enough for the first worker to finish before
the last one begins. So each worker takes an optional ``start`` barrier and waits on
it: nobody starts counting until everybody is ready. :func:`count_without_lock` runs
the unlocked counter that way, and again (a few times at most) if a run happened to
lose nothing. :func:`write_block` waits at its barrier in the middle of its first
block when it has no lock, so its writers cut into each other's blocks on any machine.
"""

from __future__ import annotations

import multiprocessing
from contextlib import nullcontext
from typing import Any

from helpers.instruments.validate import (
    file_path,
    has_methods,
    process_count,
    shared_value,
    whole_number,
)
from helpers.instruments.validate import lock as a_lock

PROCESSES = 4
"""How many worker processes the notebook's demonstrations start."""

TIMES = 50_000
"""How many times each counter worker adds 1: enough work that, with a start barrier, the
workers overlap for many of the operating system's time slices, even on one CPU."""

MAX_RUNS = 5
"""The most runs :func:`count_without_lock` makes while waiting for a lost update."""

BLOCKS = 1_000
"""How many blocks each :func:`write_block` worker writes."""

LINES = 3
"""How many lines make one block."""

START_TIMEOUT = 60.0
"""Seconds a worker waits at the start barrier before giving up (so nothing hangs)."""


def _wait_for_everyone(start: Any) -> None:
    """Wait at the ``start`` barrier until every worker is ready, if there is a barrier."""
    if start is not None:
        has_methods(start, "start", ("wait",), "a multiprocessing.Barrier, or None")
        start.wait(START_TIMEOUT)


# --- The counter workers ---------------------------------------------------------------


def add_one(counter: Any, times: int, start: Any = None) -> None:
    """Add 1 to ``counter.value``, ``times`` times, **with no lock of our own**.

    ``counter.value += 1`` reads the value (taking the Value's lock), then writes the
    value plus one (taking the lock again). Another process can write in between, and
    then one of the two updates is lost.

    Args:
        counter: a ``multiprocessing.Value`` (or ``RawValue``) holding a number.
        times: how many times to add 1.
        start: an optional ``multiprocessing.Barrier`` to wait at before counting.
    """
    counter = shared_value(counter, "counter")
    times = whole_number(times, "times", most=10_000_000)
    _wait_for_everyone(start)
    for _ in range(times):
        counter.value += 1


def add_one_locked(counter: Any, lock: Any, times: int, start: Any = None) -> None:
    """Add 1 to ``counter.value``, ``times`` times, holding ``lock`` for each ``+= 1``.

    ``with lock:`` acquires the lock and releases it at the end of the block, even if
    the block raises. Every process that uses the same lock waits its turn, so the
    read and the write of one ``+= 1`` can no longer be split.

    Args:
        counter: a ``multiprocessing.Value`` or ``RawValue`` holding a number.
        lock: a ``multiprocessing.Lock`` shared by all the workers.
        times: how many times to add 1.
        start: an optional ``multiprocessing.Barrier`` to wait at before counting.
    """
    counter, times = shared_value(counter, "counter"), whole_number(times, "times", most=10**7)
    has_methods(lock, "lock", ("acquire", "release"), "a lock: create one with Lock()")
    _wait_for_everyone(start)
    for _ in range(times):
        with lock:
            counter.value += 1


def add_one_own_lock(counter: Any, times: int, start: Any = None) -> None:
    """Like :func:`add_one_locked`, but with the Value's own lock, ``counter.get_lock()``.

    That lock is an ``RLock`` (re-entrant): the read and the write inside ``+= 1`` take
    it again while we already hold it, which an ``RLock`` allows.
    """
    counter = shared_value(counter, "counter", own_lock=True)
    times = whole_number(times, "times", most=10_000_000)
    _wait_for_everyone(start)
    for _ in range(times):
        with counter.get_lock():
            counter.value += 1


def add_locally(counter: Any, times: int, start: Any = None) -> None:
    """Count ``times`` in a local variable, then add the total to ``counter`` once.

    The shared Value and its lock are touched once per worker instead of once per
    ``+1``: the design to prefer. Share less, and lock less often.
    """
    counter = shared_value(counter, "counter", own_lock=True)
    times = whole_number(times, "times", most=10_000_000)
    _wait_for_everyone(start)
    total = 0
    for _ in range(times):
        total += 1
    with counter.get_lock():
        counter.value += total


def count_without_lock(processes: int = PROCESSES, times: int = TIMES,
                       max_runs: int = MAX_RUNS) -> tuple[int, int]:
    """Run :func:`add_one` in ``processes`` processes at once, on a fresh counter, until
    updates are lost (at most ``max_runs`` runs).

    Every run starts the workers together at a barrier. With few free CPUs they are
    switched less often, and a run could come out exact; then it runs them again.
    Returns ``(the counter's value after the last run, how many runs that took)``.
    """
    processes = process_count(processes, "processes")
    times = whole_number(times, "times", most=10_000_000)
    max_runs = whole_number(max_runs, "max_runs", least=1, most=100)
    runs = 0
    while True:
        runs += 1
        counter = multiprocessing.Value("i", 0)
        start = multiprocessing.Barrier(processes)
        workers = [multiprocessing.Process(target=add_one, args=(counter, times, start))
                   for _ in range(processes)]
        try:
            for w in workers:
                w.start()
            for w in workers:
                w.join()
        finally:  # after an error or an interrupt, no worker is left running
            for w in workers:
                if w.pid is not None and w.exitcode is None:
                    w.terminate()
                    w.join()
        if any(w.exitcode != 0 for w in workers):
            raise RuntimeError("a worker failed; see the error printed above.")
        if counter.value != processes * times or runs == max_runs:
            return counter.value, runs


# --- Printing several lines as one block -----------------------------------------------


def write_block(path: str, worker: int, lock: Any = None, start: Any = None,
                blocks: int = BLOCKS, lines: int = LINES) -> None:
    """Append ``blocks`` blocks of ``lines`` lines each to the text file at ``path``.

    Each line is one ``print(..., flush=True)``, so it reaches the file whole; a block
    is several prints, and without a lock other workers' lines can land in the middle
    of it. With ``lock``, the worker holds the lock while it writes one block.

    ``start`` makes the writers overlap on any machine, however busy. With a lock, a
    worker waits at it before its first block. Without one, it waits after the first
    line of its first block: every writer is then in the middle of a block at the same
    moment, so the first blocks are cut for certain. (Waiting there while holding the
    lock would keep the others from ever reaching the barrier.)

    Args:
        path: the file to append to (every worker opens it in append mode).
        worker: this worker's number, written on every line.
        lock: an optional ``multiprocessing.Lock`` shared by all the writers.
        start: an optional ``multiprocessing.Barrier``, for all the writers.
        blocks: how many blocks to write.
        lines: how many lines per block.
    """
    path, worker = file_path(path, "path"), whole_number(worker, "worker")
    blocks = whole_number(blocks, "blocks", least=1, most=1_000_000)
    lines = whole_number(lines, "lines", least=1, most=1_000)
    lock = a_lock(lock, "lock")
    guard = lock if lock is not None else nullcontext()
    if lock is not None:
        _wait_for_everyone(start)
    with open(path, "a", encoding="utf-8") as out:
        for block in range(1, blocks + 1):
            with guard:
                for line in range(1, lines + 1):
                    print(f"worker {worker} block {block} line {line} of {lines}",
                          file=out, flush=True)
                    if lock is None and block == line == 1:
                        _wait_for_everyone(start)  # every writer is now mid-block
