"""Shared-counter and printing workers for the Lock notebook, and the timing helpers.

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

import multiprocessing
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

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


def _wait(start: Any) -> None:
    """Wait at the ``start`` barrier, if there is one."""
    if start is not None:
        start.wait(START_TIMEOUT)


def _check_times(times: Any) -> None:
    if not isinstance(times, int) or isinstance(times, bool) or times < 0:
        raise ValueError(f"times must be a whole number of at least 0, not {times!r}: "
                         "pass how many times each worker adds 1, e.g. 10_000.")


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
    _check_times(times)
    _wait(start)
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
    _check_times(times)
    if not (hasattr(lock, "acquire") and hasattr(lock, "release")):
        raise TypeError(f"lock must be a multiprocessing.Lock, not {type(lock).__name__}: "
                        "create one with Lock() and pass the same one to every worker.")
    _wait(start)
    for _ in range(times):
        with lock:
            counter.value += 1


def add_one_own_lock(counter: Any, times: int, start: Any = None) -> None:
    """Like :func:`add_one_locked`, but with the Value's own lock, ``counter.get_lock()``.

    That lock is an ``RLock`` (re-entrant): the read and the write inside ``+= 1`` take
    it again while we already hold it, which an ``RLock`` allows.
    """
    _check_times(times)
    _wait(start)
    for _ in range(times):
        with counter.get_lock():
            counter.value += 1


def add_locally(counter: Any, times: int, start: Any = None) -> None:
    """Count ``times`` in a local variable, then add the total to ``counter`` once.

    The shared Value and its lock are touched once per worker instead of once per
    ``+1``: the design to prefer. Share less, and lock less often.
    """
    _check_times(times)
    _wait(start)
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
    for name, value in (("blocks", blocks), ("lines", lines)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}.")
    _wait(start)
    guard = lock if lock is not None else nullcontext()
    with open(path, "a", encoding="utf-8") as out:
        for block in range(1, blocks + 1):
            with guard:
                for line in range(1, lines + 1):
                    print(f"worker {worker} block {block} line {line} of {lines}",
                          file=out, flush=True)


def broken_blocks(text: str, lines: int = LINES) -> int:
    """Count the blocks in ``text`` (as written by :func:`write_block`) that are not whole.

    The text is cut into groups of ``lines`` lines. A group is whole when all its lines
    come from the same worker and block, numbered 1 to ``lines`` in order.
    """
    if not isinstance(lines, int) or isinstance(lines, bool) or lines < 1:
        raise ValueError(f"lines must be a whole number of at least 1, not {lines!r}.")
    rows = text.splitlines()
    broken = 0
    for first in range(0, len(rows), lines):
        group = rows[first:first + lines]
        owner = group[0].rsplit(" line ", 1)[0]
        wanted = [f"{owner} line {n} of {lines}" for n in range(1, lines + 1)]
        broken += group != wanted
    return broken


def blocks_intact(text: str, lines: int = LINES) -> bool:
    """True when every block in ``text`` is whole (see :func:`broken_blocks`)."""
    return broken_blocks(text, lines) == 0


def first_break(text: str, lines: int = LINES) -> list[str]:
    """The lines of ``text`` around its first broken block: that block and the next one.

    Returns an empty list when every block is whole.
    """
    if not isinstance(lines, int) or isinstance(lines, bool) or lines < 1:
        raise ValueError(f"lines must be a whole number of at least 1, not {lines!r}.")
    rows = text.splitlines()
    for first in range(0, len(rows), lines):
        if broken_blocks("\n".join(rows[first:first + lines]), lines):
            return rows[first:first + 2 * lines]
    return []


# --- Timing the designs ----------------------------------------------------------------


@dataclass(frozen=True)
class CountRun:
    """One timed run of a counter design: what was expected, what came out, how long."""

    design: str
    expected: int
    got: int
    seconds: float

    @property
    def lost(self) -> int:
        """Updates lost: ``expected - got``."""
        return self.expected - self.got

    @property
    def exact(self) -> bool:
        """True when no update was lost."""
        return self.got == self.expected


DESIGNS: dict[str, Callable[..., None]] = {
    "no lock": add_one,
    "with lock: (one per +1)": add_one_locked,
    "with counter.get_lock():": add_one_own_lock,
    "count locally, add once": add_locally,
}
"""The designs that :func:`time_designs` knows, by name, and the worker each one runs."""


def _run_designs(jobs: list[tuple[Callable[..., None], tuple[Any, ...]]], start: Any,
                 stamps: Any, index: int) -> None:
    """In the child: for each ``(worker, args)`` job, wait at ``start``, then run it between
    two time stamps.

    Job ``j`` of worker ``index`` writes its start and end times to
    ``stamps[2 * (j * processes + index)]`` and the slot after it, from
    ``time.perf_counter()`` (one clock for every process on Linux, macOS and Windows).
    Process start-up and exit are left out of the measurement on purpose.
    """
    processes = len(stamps) // (2 * len(jobs))
    for j, (worker, args) in enumerate(jobs):
        _wait(start)
        slot = 2 * (j * processes + index)
        stamps[slot] = time.perf_counter()
        worker(*args)
        stamps[slot + 1] = time.perf_counter()


def time_designs(designs: list[str], processes: int = PROCESSES,
                 times: int = TIMES) -> list[CountRun]:
    """Run each design with ``processes`` workers adding ``times`` each; time the counting.

    One set of worker processes runs the designs one after the other, each on a fresh
    counter, all workers starting together at a barrier. Each time runs from the first
    worker starting to count to the last one finishing, so start-up costs (large under
    *spawn*) do not drown it.

    Args:
        designs: names from :data:`DESIGNS`.
        processes: how many worker processes to start.
        times: how many times each worker adds 1.
    """
    unknown = [design for design in designs if design not in DESIGNS]
    if not designs or unknown:
        raise ValueError(f"designs must be names from {sorted(DESIGNS)}, not {designs!r}.")
    if not isinstance(processes, int) or isinstance(processes, bool) or processes < 1:
        raise ValueError(f"processes must be a whole number of at least 1, not {processes!r}.")
    _check_times(times)
    counters = [multiprocessing.Value("i", 0) for _ in designs]
    lock = multiprocessing.Lock()
    jobs = []
    for design, counter in zip(designs, counters, strict=True):
        worker = DESIGNS[design]
        args = (counter, lock, times) if worker is add_one_locked else (counter, times)
        jobs.append((worker, args))
    start = multiprocessing.Barrier(processes)
    stamps = multiprocessing.Array("d", 2 * processes * len(designs))
    children = [multiprocessing.Process(target=_run_designs, args=(jobs, start, stamps, i))
                for i in range(processes)]
    for child in children:
        child.start()
    for child in children:
        child.join()
    failed = [child.exitcode for child in children if child.exitcode != 0]
    if failed:
        raise RuntimeError(f"{len(failed)} worker(s) failed (exit codes {failed}); see the "
                           "error printed above.")
    runs = []
    for j, (design, counter) in enumerate(zip(designs, counters, strict=True)):
        round_stamps = stamps[2 * j * processes:2 * (j + 1) * processes]
        seconds = max(round_stamps[1::2]) - min(round_stamps[0::2])
        runs.append(CountRun(design=design, expected=processes * times, got=counter.value,
                             seconds=seconds))
    return runs


def compare_designs(processes: int = PROCESSES, times: int = TIMES) -> list[CountRun]:
    """Time every design in :data:`DESIGNS` on the same work; return the runs in order."""
    return time_designs(list(DESIGNS), processes, times)


def print_comparison(runs: list[CountRun]) -> None:
    """Print one line per run (design, exact or not, time), then what the numbers say.

    The last lines name the fastest exact design and how many times longer a lock per
    ``+1`` takes than counting locally.
    """
    if not runs or not all(isinstance(run, CountRun) for run in runs):
        raise TypeError("runs must be a non-empty list of CountRun, from compare_designs().")
    width = max(len(run.design) for run in runs)
    for run in runs:
        verdict = "exact" if run.exact else "WRONG"
        print(f"{run.design:<{width}}  {verdict}  {run.seconds:.3f} s")
    exact = [run for run in runs if run.exact]
    if exact:
        fastest = min(exact, key=lambda run: run.seconds)
        print("fastest exact design:", fastest.design)
    by_name = {run.design: run for run in runs}
    locked = by_name.get("with lock: (one per +1)")
    local = by_name.get("count locally, add once")
    if locked and local and local.seconds > 0:
        print(f"a lock per +1 takes {locked.seconds / local.seconds:.0f}x as long "
              "as counting locally")
