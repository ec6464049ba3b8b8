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
it: nobody starts counting until everybody is ready.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from helpers.instruments.validate import whole_number

PROCESSES = 4
"""How many worker processes the notebook's demonstrations start."""

TIMES = 50_000
"""How many times each counter worker adds 1. Enough work that, with a start barrier,
the workers overlap and the unlocked counter loses updates on every run we tried."""

BLOCKS = 1_000
"""How many blocks each :func:`write_block` worker writes."""

LINES = 3
"""How many lines make one block."""

START_TIMEOUT = 60.0
"""Seconds a worker waits at the start barrier before giving up (so nothing hangs)."""


def _wait_for_everyone(start: Any) -> None:
    """Wait at the ``start`` barrier until every worker is ready, if there is a barrier."""
    if start is not None:
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
    times = whole_number(times, "times", most=10_000_000)
    if not (hasattr(lock, "acquire") and hasattr(lock, "release")):
        raise TypeError(f"lock must be a multiprocessing.Lock, not {type(lock).__name__}: "
                        "create one with Lock() and pass the same one to every worker.")
    _wait_for_everyone(start)
    for _ in range(times):
        with lock:
            counter.value += 1


def add_one_own_lock(counter: Any, times: int, start: Any = None) -> None:
    """Like :func:`add_one_locked`, but with the Value's own lock, ``counter.get_lock()``.

    That lock is an ``RLock`` (re-entrant): the read and the write inside ``+= 1`` take
    it again while we already hold it, which an ``RLock`` allows.
    """
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
    times = whole_number(times, "times", most=10_000_000)
    _wait_for_everyone(start)
    total = 0
    for _ in range(times):
        total += 1
    with counter.get_lock():
        counter.value += total


# --- Printing several lines as one block -----------------------------------------------


def write_block(path: str, worker: int, lock: Any = None, start: Any = None,
                blocks: int = BLOCKS, lines: int = LINES) -> None:
    """Append ``blocks`` blocks of ``lines`` lines each to the text file at ``path``.

    Each line is one ``print(..., flush=True)``, so it reaches the file whole; a block
    is several prints, and without a lock other workers' lines can land in the middle
    of it. With ``lock``, the worker holds the lock while it writes one block.

    Args:
        path: the file to append to (every worker opens it in append mode).
        worker: this worker's number, written on every line.
        lock: an optional ``multiprocessing.Lock`` shared by all the writers.
        start: an optional ``multiprocessing.Barrier`` to wait at before writing.
        blocks: how many blocks to write.
        lines: how many lines per block.
    """
    blocks = whole_number(blocks, "blocks", least=1, most=1_000_000)
    lines = whole_number(lines, "lines", least=1, most=1_000)
    _wait_for_everyone(start)
    guard = lock if lock is not None else nullcontext()
    with open(path, "a", encoding="utf-8") as out:
        for block in range(1, blocks + 1):
            with guard:
                for line in range(1, lines + 1):
                    print(f"worker {worker} block {block} line {line} of {lines}",
                          file=out, flush=True)
