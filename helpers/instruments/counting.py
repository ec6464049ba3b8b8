"""Notebook 04's measurements: the shared-counter designs timed side by side, and
whole blocks of lines counted.

:func:`compare_designs` runs every design of :data:`DESIGNS` on the same work, with all
workers released together at a barrier, and :func:`print_comparison` prints what the
numbers say. :func:`broken_blocks` counts the blocks of lines that other writers cut
into (see :func:`helpers.locks.write_block`).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from helpers.instruments.pools import kill_tree
from helpers.instruments.validate import (
    choice,
    describe,
    existing_file,
    instance,
    list_of,
    process_count,
    whole_number,
)
from helpers.locks import (
    LINES,
    MAX_RUNS,
    PROCESSES,
    TIMES,
    _wait_for_everyone,
    add_locally,
    add_one,
    add_one_locked,
    add_one_own_lock,
)

_LINE = re.compile(r"worker \d+ block \d+ line \d+ of \d+")


def block_rows(text_or_path: Any, name: str = "text_or_path") -> list[str]:
    """The lines that :func:`helpers.locks.write_block` wrote: from the text itself, or
    from the file at that path (a ``Path``, or a one-line string that is not such a line).
    ``name`` is the parameter that messages name."""
    where = ""
    if isinstance(text_or_path, os.PathLike) or (
            isinstance(text_or_path, str) and text_or_path and "\n" not in text_or_path
            and not _LINE.fullmatch(text_or_path)):
        path = existing_file(text_or_path, name)
        text_or_path = path.read_text(encoding="utf-8", errors="replace")
        where = f" (the file {path.name})"
    if not isinstance(text_or_path, str):
        raise TypeError(f"{name} must be the file's text (path.read_text()) or its path, not "
                        f"{describe(text_or_path)}.")
    rows = text_or_path.splitlines()
    odd = next((row for row in rows if not _LINE.fullmatch(row)), None)
    if odd is not None:
        raise ValueError(f"{name}{where} is not what write_block writes: the line "
                         f"{odd[:60]!r} is not like 'worker 1 block 1 line 1 of 3'. Pass the "
                         "file's text or path.")
    return rows


def broken_blocks(text: Any, lines: int = LINES) -> int:
    """Count the blocks (as written by :func:`helpers.locks.write_block`) that are not whole.

    ``text`` is the file's text or its path. The lines are cut into groups of ``lines``
    lines. A group is whole when all its lines come from the same worker and block,
    numbered 1 to ``lines`` in order.
    """
    lines = whole_number(lines, "lines", least=1)
    rows = block_rows(text, "text")
    broken = 0
    for first in range(0, len(rows), lines):
        group = rows[first:first + lines]
        owner = group[0].rsplit(" line ", 1)[0]
        wanted = [f"{owner} line {n} of {lines}" for n in range(1, lines + 1)]
        broken += group != wanted
    return broken


def blocks_intact(text: Any, lines: int = LINES) -> bool:
    """True when every block in ``text`` (or the file at that path) is whole."""
    return broken_blocks(text, lines) == 0


def first_break(text: Any, lines: int = LINES) -> list[str]:
    """The lines around the first broken block: that block and the next one.

    Returns an empty list when every block is whole.
    """
    lines = whole_number(lines, "lines", least=1)
    rows = block_rows(text, "text")
    for first in range(0, len(rows), lines):
        if broken_blocks("\n".join(rows[first:first + lines]), lines):
            return rows[first:first + 2 * lines]
    return []


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
        _wait_for_everyone(start)
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
    designs = list_of(designs, "designs", least=1, what="design names",
                      item=lambda design, name: choice(design, name, DESIGNS))
    processes = process_count(processes, "processes")
    times = whole_number(times, "times", most=10_000_000)
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
    try:
        for child in children:
            child.start()
        for child in children:
            child.join()
    except BaseException:  # an interrupt, say: stop every worker that was started
        for child in children:
            if child.pid is not None and child.exitcode is None:
                kill_tree(child)
        raise
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


def compare_designs(processes: int = PROCESSES, times: int = TIMES,
                    max_runs: int = MAX_RUNS) -> list[CountRun]:
    """Time every design in :data:`DESIGNS` on the same work; return the runs in order.

    If the design without a lock happened to lose nothing (possible with few free
    CPUs), all of them run again, at most ``max_runs`` times in all, as
    :func:`helpers.locks.count_without_lock` does.
    """
    max_runs = whole_number(max_runs, "max_runs", least=1, most=100)
    for _ in range(max_runs):
        runs = time_designs(list(DESIGNS), processes, times)
        if not all(run.exact for run in runs if DESIGNS[run.design] is add_one):
            break
    return runs


def print_comparison(runs: list[CountRun]) -> None:
    """Print one line per run (design, exact or not, time), then what the numbers say.

    The last lines name the fastest exact design, say whether ``counter.get_lock()`` was
    faster or slower than a separate lock this time (that changes from run to run), and
    how many times longer a lock per ``+1`` takes than counting locally.
    """
    runs = list_of(runs, "runs", least=1, what="CountRuns", item=lambda run, name: instance(
        run, name, CountRun, "a CountRun, as compare_designs() returns"))
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
    own = by_name.get("with counter.get_lock():")
    local = by_name.get("count locally, add once")
    if locked and own and locked.seconds > 0:
        faster = "faster" if own.seconds < locked.seconds else "slower"
        print(f"counter.get_lock() was {faster} than a separate lock this time "
              f"({own.seconds / locked.seconds:.2f}x its time)")
    if locked and local and local.seconds > 0:
        print(f"a lock per +1 takes {locked.seconds / local.seconds:.0f}x as long "
              "as counting locally")
