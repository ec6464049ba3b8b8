"""How much faster does it get with more workers, and why not more?

Measure a workload serially and with 1, 2, ... workers (processes and threads),
with interleaved repeats and medians; compute speedup and efficiency; fit Amdahl's
law (the Karp-Flatt serial fraction); draw it all; save the measurements with a
description of the machine to a CSV, and plot several such CSVs together::

    from helpers.speedup import mandelbrot_workload, measure, plot_speedup, worker_counts

    work = mandelbrot_workload()
    results = measure(work, worker_counts())
    plot_speedup(results, fit=True)

The definitions, for a run that takes ``T1`` seconds serially and ``Tn`` with ``n``
workers: speedup ``S = T1 / Tn``, efficiency ``E = S / n``. Amdahl's law for a
serial fraction ``f``: ``S(n) = 1 / (f + (1 - f) / n)``, never more than ``1 / f``.
"""

from __future__ import annotations

import csv
import glob
import heapq
import math
import multiprocessing
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from functools import partial
from multiprocessing.pool import ThreadPool
from pathlib import Path
from typing import Any

from helpers.cpus import usable_cpus
from helpers.mandelbrot import mandelbrot_row
from helpers.timeline import timed
from helpers.workers import sleep_for

KINDS = ("processes", "threads")
"""The two kinds of pool: ``multiprocessing.Pool`` and ``multiprocessing.pool.ThreadPool``."""

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"
"""Where reference measurements (CSV files written by ``python -m benchmarks.speedup``) live."""

NOTEBOOK_IMAGE = {"width": 240, "height": 144, "max_iter": 120}
"""The Mandelbrot image that notebook 07 measures (about 0.3 s serially on a laptop)."""


# --- Small tools ------------------------------------------------------------------------


class Stopwatch:
    """Time a ``with`` block: ``with Stopwatch() as clock: ...`` then ``clock.seconds``."""

    def __init__(self) -> None:
        self.seconds = math.nan
        self._start = 0.0

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start

    def __str__(self) -> str:
        return f"{self.seconds:.2f} s"


def _check_count(name: str, value: Any, least: int = 1) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < least:
        raise ValueError(f"{name} must be a whole number of at least {least}, not {value!r}.")


def _check_positive(name: str, value: Any) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0:
        raise ValueError(f"{name} must be a number of seconds above 0, not {value!r}.")


def _check_fraction(value: Any) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
        raise ValueError(f"serial_fraction must be a number from 0 to 1, not {value!r} "
                         "(5 % is 0.05).")


# --- Speedup, efficiency, Amdahl, Gustafson, Karp-Flatt ---------------------------------


def speedup(serial_seconds: float, parallel_seconds: float) -> float:
    """How many times faster the parallel run was: ``serial / parallel``."""
    _check_positive("serial_seconds", serial_seconds)
    _check_positive("parallel_seconds", parallel_seconds)
    return serial_seconds / parallel_seconds


def efficiency(serial_seconds: float, parallel_seconds: float, workers: int) -> float:
    """Speedup per worker: 1.0 means every worker was fully used."""
    _check_count("workers", workers)
    return speedup(serial_seconds, parallel_seconds) / workers


def amdahl(workers: float, serial_fraction: float) -> float:
    """Amdahl's law: the speedup on ``workers`` CPUs of a job whose serial part is
    ``serial_fraction`` of its serial run time. The problem size stays fixed."""
    _check_fraction(serial_fraction)
    if not workers >= 1:
        raise ValueError(f"workers must be at least 1, not {workers!r}.")
    return 1.0 / (serial_fraction + (1.0 - serial_fraction) / workers)


def amdahl_limit(serial_fraction: float) -> float:
    """The most Amdahl's law allows with any number of CPUs: ``1 / serial_fraction``."""
    _check_fraction(serial_fraction)
    return math.inf if serial_fraction == 0 else 1.0 / serial_fraction


def gustafson(workers: float, serial_fraction: float) -> float:
    """Gustafson's law: the *scaled* speedup when the problem grows with the CPUs.

    ``serial_fraction`` is the serial share of the run time *on the parallel machine*;
    the same time on one CPU would take ``f + (1 - f) * workers`` times longer.
    """
    _check_fraction(serial_fraction)
    if not workers >= 1:
        raise ValueError(f"workers must be at least 1, not {workers!r}.")
    return serial_fraction + (1.0 - serial_fraction) * workers


def karp_flatt(measured_speedup: float, workers: int) -> float:
    """The experimentally determined serial fraction (Karp and Flatt, 1990).

    Solve Amdahl's law for ``f`` given one measured speedup on ``workers`` CPUs:
    ``f = (1/S - 1/n) / (1 - 1/n)``. Undefined for one worker.
    """
    _check_count("workers", workers, least=2)
    _check_positive("measured_speedup", measured_speedup)
    n = workers
    return (1.0 / measured_speedup - 1.0 / n) / (1.0 - 1.0 / n)


def fit_amdahl(workers: Sequence[int], speedups: Sequence[float]) -> float:
    """Least-squares serial fraction ``f`` for measured ``(workers, speedup)`` pairs.

    Amdahl's law says ``1/S - 1/n = f * (1 - 1/n)``: a line through the origin, so
    ``f`` has a closed form. With one point this is its Karp-Flatt fraction. Points
    with one worker carry no information and are skipped. The result is clipped to
    the range 0 to 1. Pass only counts up to the usable CPUs: beyond them, workers
    take turns on the same CPUs, which Amdahl's law does not describe.
    """
    if len(workers) != len(speedups):
        raise ValueError(f"workers and speedups must be the same length, not "
                         f"{len(workers)} and {len(speedups)}.")
    xs, ys = [], []
    for n, s in zip(workers, speedups, strict=True):
        _check_count("each worker count", n)
        _check_positive("each speedup", s)
        if n > 1:
            xs.append(1.0 - 1.0 / n)
            ys.append(1.0 / s - 1.0 / n)
    if not xs:
        raise ValueError("fit_amdahl needs at least one measurement with 2 or more workers.")
    f = sum(x * y for x, y in zip(xs, ys, strict=True)) / sum(x * x for x in xs)
    return min(1.0, max(0.0, f))


# --- Workloads ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    """A list of tasks and the (picklable) function that runs one of them."""

    name: str
    """A short key, e.g. ``"mandelbrot"``; also the CSV's ``workload`` column."""
    func: Callable[[Any], Any]
    tasks: tuple[Any, ...]
    description: str = ""
    chunksize: int = 1

    def run_serial(self) -> list[Any]:
        """Every task, one after another, in this process: the baseline."""
        return [self.func(task) for task in self.tasks]

    def run_in(self, pool: Any) -> list[Any]:
        """Every task in ``pool`` (``pool.map``, results in task order)."""
        return pool.map(self.func, self.tasks, self.chunksize)


def mandelbrot_workload(width: int = NOTEBOOK_IMAGE["width"],
                        height: int = NOTEBOOK_IMAGE["height"],
                        max_iter: int = NOTEBOOK_IMAGE["max_iter"],
                        chunksize: int = 1) -> Workload:
    """The CPU-bound workload: one task per row of a Mandelbrot image."""
    _check_count("chunksize", chunksize)
    func = partial(mandelbrot_row, width=width, height=height, max_iter=max_iter)
    func(0)  # checks the sizes now, with a clear message, rather than in a worker
    return Workload("mandelbrot", func, tuple(range(height)),
                    f"Mandelbrot {width}x{height}, max_iter {max_iter}, {height} row tasks",
                    chunksize)


def sleep_workload(tasks: int = 16, seconds: float = 0.015) -> Workload:
    """The I/O-bound workload: ``tasks`` waits of ``seconds`` each (``sleep_for``)."""
    _check_count("tasks", tasks)
    _check_positive("seconds", seconds)
    return Workload("sleep", sleep_for, (seconds,) * tasks,
                    f"{tasks} waits of {seconds * 1000:g} ms")


# --- Pools and measurements ---------------------------------------------------------------


def _whoami(pause: float) -> tuple[int, int]:
    """Wait ``pause`` seconds, then say which process and thread ran this."""
    time.sleep(pause)
    return os.getpid(), threading.get_ident()


def _make_pool(kind: str, workers: int, start_method: str | None) -> Any:
    if kind == "processes":
        return multiprocessing.get_context(start_method).Pool(workers)
    if kind == "threads":
        return ThreadPool(workers)
    raise ValueError(f"kind must be one of {KINDS}, not {kind!r}.")


@contextmanager
def warm_pool(kind: str, workers: int, start_method: str | None = None,
              timeout: float = 60.0) -> Iterator[Any]:
    """A pool whose every worker has started and run a task, so timings exclude start-up.

    Args:
        kind: ``"processes"`` (``multiprocessing.Pool``) or ``"threads"`` (``ThreadPool``).
        workers: how many workers.
        start_method: for processes; the default start method if omitted.
        timeout: give up (``TimeoutError``) if the workers are not all up by then.

    On leaving the block the pool is closed and joined (its tasks are all done).
    """
    _check_count("workers", workers)
    pool = _make_pool(kind, workers, start_method)
    try:
        seen: set[tuple[int, int]] = set()
        deadline = time.monotonic() + timeout
        while len(seen) < workers:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {len(seen)} of {workers} workers started within "
                                   f"{timeout:g} s: is the machine very busy?")
            seen.update(pool.map_async(_whoami, [0.002] * workers, 1).get(timeout))
        yield pool
        pool.close()
        pool.join()
    finally:
        pool.terminate()
        pool.join()


@dataclass(frozen=True)
class Measurement:
    """The median time of one workload with one kind of pool and one worker count."""

    workload: str
    kind: str
    workers: int
    seconds: float
    """Median wall time of the parallel runs."""
    serial_seconds: float
    """Median wall time of the serial runs, measured between them."""
    repeats: int
    description: str = ""

    @property
    def speedup(self) -> float:
        """``serial_seconds / seconds``."""
        return speedup(self.serial_seconds, self.seconds)

    @property
    def efficiency(self) -> float:
        """``speedup / workers``."""
        return self.speedup / self.workers


def worker_counts(usable: int | None = None, most: int = 16) -> list[int]:
    """The worker counts to measure: 1, 2, ... up to twice the usable CPUs.

    Twice, to show what oversubscription does. Where that is more than ``most``
    counts, about ``most`` of them are picked, spaced evenly on a log scale, always
    including 1, the usable CPUs and twice that.
    """
    usable = usable_cpus() if usable is None else usable
    _check_count("usable", usable)
    _check_count("most", most, least=3)
    top = 2 * usable
    if top <= most:
        return list(range(1, top + 1))
    picked = {round(top ** (i / (most - 1))) for i in range(most)}
    return sorted(picked | {1, usable, top})


def measure(workload: Workload, counts: Iterable[int], kinds: Sequence[str] = KINDS,
            repeats: int = 3, start_method: str | None = None,
            check: bool = True) -> list[Measurement]:
    """Time ``workload`` serially and in warm pools of each size, ``repeats`` times.

    Repeats are interleaved: each round runs the serial version once, then every
    (kind, workers) configuration once (forwards in even rounds, backwards in odd
    ones), so that a change in the machine's load affects all of them alike. Each
    configuration gets a fresh pool, started and warmed up *before* its timing.
    The medians are reported.

    Args:
        workload: what to run (see :func:`mandelbrot_workload`, :func:`sleep_workload`).
        counts: worker counts, e.g. ``worker_counts()``.
        kinds: ``"processes"``, ``"threads"`` or both.
        repeats: rounds; 3 or more makes the median meaningful.
        start_method: for the process pools; the default start method if omitted.
        check: raise ``RuntimeError`` if a pool's results differ from the serial ones.

    Returns:
        One :class:`Measurement` per (kind, workers), kinds first, in order of counts.
    """
    counts = list(counts)
    if not counts:
        raise ValueError("counts is empty: pass worker counts such as [1, 2, 3, 4].")
    for n in counts:
        _check_count("each worker count", n)
    _check_count("repeats", repeats)
    for kind in kinds:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}.")
    configs = [(kind, n) for kind in kinds for n in counts]
    times: dict[tuple[str, int], list[float]] = {config: [] for config in configs}
    serial_times: list[float] = []
    expected = None
    for round_ in range(repeats):
        with Stopwatch() as clock:
            result = workload.run_serial()
        serial_times.append(clock.seconds)
        expected = result if expected is None else expected
        for kind, n in configs if round_ % 2 == 0 else configs[::-1]:
            with warm_pool(kind, n, start_method) as pool:
                with Stopwatch() as clock:
                    result = workload.run_in(pool)
            if check and result != expected:
                raise RuntimeError(f"{kind} with {n} workers computed a different result "
                                   "from the serial run.")
            times[kind, n].append(clock.seconds)
    serial = statistics.median(serial_times)
    return [Measurement(workload.name, kind, n, statistics.median(times[kind, n]), serial,
                        repeats, workload.description) for kind, n in configs]


def serial_fraction(results: Sequence[Measurement], kind: str = "processes",
                    usable: int | None = None) -> float | None:
    """Fit Amdahl's law to the measurements of one kind, from 2 up to ``usable`` workers.

    Returns ``None`` where there is no such measurement (for example on a 1-CPU machine).
    """
    usable = usable_cpus() if usable is None else usable
    points = [(r.workers, r.speedup) for r in results if r.kind == kind
              and 1 < r.workers <= usable]
    if not points:
        return None
    return fit_amdahl([n for n, _ in points], [s for _, s in points])


def _fmt(value: float | None) -> str:
    return "not measured" if value is None else f"≈ {value:.2f}"


def summarize(results: Sequence[Measurement], usable: int | None = None) -> str:
    """A few lines that read the same on every machine: serial time, then speedup and
    efficiency at 1 worker, at the usable CPUs and at twice that, for each kind."""
    if not results:
        raise ValueError("results is empty: measure something first.")
    usable = usable_cpus() if usable is None else usable
    lines = [f"serial run: {results[0].serial_seconds:.2f} s (median)"]
    labels = [(1, "1 worker"), (usable, "workers = usable CPUs"),
              (2 * usable, "workers = 2 x usable CPUs")]
    for kind in dict.fromkeys(r.kind for r in results):
        by_count = {r.workers: r for r in results if r.kind == kind}
        for n, label in labels:
            if n in by_count:
                r = by_count[n]
                lines.append(f"{kind + ', ' + label:<37}: speedup {_fmt(r.speedup)}, "
                             f"efficiency {_fmt(r.efficiency)}")
    return "\n".join(lines)


def describe_fit(results: Sequence[Measurement], usable: int | None = None) -> str:
    """One line per kind: the fitted serial fraction and the Amdahl limit it implies."""
    lines = []
    for kind in dict.fromkeys(r.kind for r in results):
        f = serial_fraction(results, kind, usable)
        if f is None:
            lines.append(f"{kind + ':':<10} serial fraction not measured (it needs 2 or more "
                         "usable CPUs)")
        else:
            lines.append(f"{kind + ':':<10} serial fraction ≈ {f:.3f}, so Amdahl's limit is "
                         f"≈ {amdahl_limit(f):.1f} times")
    return "\n".join(lines)


def process_start_cost(start_method: str | None = None, repeats: int = 5) -> float:
    """Median seconds to start one ``Process`` that does nothing, and join it.

    One untimed start comes first (it starts the forkserver, where there is one).
    """
    _check_count("repeats", repeats)
    ctx = multiprocessing.get_context(start_method)
    samples = []
    for i in range(repeats + 1):
        with Stopwatch() as clock:
            process = ctx.Process(target=_whoami, args=(0.0,))
            process.start()
            process.join()
        if i:
            samples.append(clock.seconds)
    return statistics.median(samples)


def timeline_overhead(workload: Workload, workers: int = 2, repeats: int = 5,
                      start_method: str | None = None) -> float:
    """What recording a timeline (wrapping each task with ``timed``) costs, as a fraction.

    Runs ``workload`` in one warm process pool, ``repeats`` pairs of runs, one plain
    and one with ``timed`` (which goes first alternates), and returns the median over
    the pairs of ``timed / plain - 1`` (0.01 means 1 % slower). Comparing the two runs
    of a pair, which ran one right after the other, keeps changes in the machine's
    load out of the result as far as possible.
    """
    _check_count("repeats", repeats)
    recorded = partial(timed, workload.func)
    ratios = []
    with warm_pool("processes", workers, start_method) as pool:
        for i in range(repeats):
            seconds = {}
            order = [workload.func, recorded] if i % 2 == 0 else [recorded, workload.func]
            for func in order:
                with Stopwatch() as clock:
                    pool.map(func, workload.tasks, workload.chunksize)
                seconds[func is recorded] = clock.seconds
            ratios.append(seconds[True] / seconds[False])
    return statistics.median(ratios) - 1


# --- Load balancing -------------------------------------------------------------------------


def top_half_costs(width: int = NOTEBOOK_IMAGE["width"], height: int = NOTEBOOK_IMAGE["height"],
                   max_iter: int = NOTEBOOK_IMAGE["max_iter"]) -> list[int]:
    """Iterations per row for the top half of the image (rows ``0`` to ``height // 2 - 1``).

    The image is symmetric, so a program can compute the top half and mirror it; its
    rows get dearer towards the middle, which makes a static split uneven.
    """
    return [sum(mandelbrot_row(y, width, height, max_iter)) for y in range(height // 2)]


def split_loads(costs: Sequence[float], workers: int, chunksize: int) -> list[float]:
    """Each worker's total cost when a pool hands out ``costs`` in chunks.

    Models ``pool.map(f, tasks, chunksize)``: the chunks are queued in order, and the
    worker that is free first takes the next one (ties: the lowest-numbered worker).
    """
    _check_count("workers", workers)
    _check_count("chunksize", chunksize)
    loads = [0.0] * workers
    free = [(0.0, w) for w in range(workers)]
    for start in range(0, len(costs), chunksize):
        at, w = heapq.heappop(free)
        chunk = float(sum(costs[start:start + chunksize]))
        loads[w] += chunk
        heapq.heappush(free, (at + chunk, w))
    return loads


def makespan(records: Sequence[Any]) -> float:
    """Seconds from the first task's start to the last task's end (``TaskRecord`` list)."""
    if not records:
        raise ValueError("records is empty: run some tasks through timed() first.")
    return max(r.end for r in records) - min(r.start for r in records)


def imbalance(loads: Sequence[float]) -> float:
    """How much longer the busiest worker works than the average: ``max / mean``.

    1.0 is perfect balance; with 2 workers, 2.0 means one did everything.
    """
    if not loads or sum(loads) <= 0:
        raise ValueError("loads must hold at least one positive number.")
    return max(loads) / (sum(loads) / len(loads))


def describe_loads(loads: Sequence[float]) -> str:
    """Each worker's share of the work, e.g. ``"worker 1: 24 %, worker 2: 76 %"``."""
    total = sum(loads)
    if total <= 0:
        raise ValueError("loads must add up to more than 0.")
    return ", ".join(f"worker {i}: {load / total:.0%}".replace("%", " %")
                     for i, load in enumerate(loads, start=1))


# --- Plots ------------------------------------------------------------------------------------


def _blank(task: Any) -> str:
    return ""


def plot_row_costs(costs: Sequence[float], ax: Any = None) -> Any:
    """A bar per row: how many iterations it needed (a proxy for its time)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 2.5))
    ax.bar(range(len(costs)), costs, width=1.0, color="tab:purple")
    ax.set_xlabel("row")
    ax.set_ylabel("iterations")
    ax.set_title("What each row costs")
    return ax


def plot_timelines(named_records: dict[str, Sequence[Any]]) -> Any:
    """Timelines (``helpers.timeline``) one above the other, on one time axis.

    ``named_records`` maps a title to the ``TaskRecord`` list of one run.
    """
    import matplotlib.pyplot as plt

    from helpers.timeline import plot_timeline

    if not named_records:
        raise ValueError("named_records is empty: pass {'title': records, ...}.")
    fig, axes = plt.subplots(len(named_records), 1, sharex=True, squeeze=False,
                             figsize=(7, 1.6 * len(named_records) + 0.6))
    for ax, (title, records) in zip(axes[:, 0], named_records.items(), strict=True):
        plot_timeline(records, ax=ax, title=title, label=_blank)
        ax.set_xlabel("")
    axes[-1, 0].set_xlabel("seconds since the first task started")
    fig.tight_layout()
    return axes[:, 0]


def _style(kind: str) -> dict[str, Any]:
    return {"processes": {"color": "tab:blue", "marker": "o"},
            "threads": {"color": "tab:orange", "marker": "s"}}.get(kind, {"marker": "^"})


def plot_speedup(results: Sequence[Measurement], usable: int | None = None,
                 fit: bool = False, reference: Sequence[SavedRun] = (),
                 title: str | None = None) -> Any:
    """Speedup and efficiency against worker count, side by side.

    Draws one line per kind of pool, the ideal (speedup = workers, efficiency = 1),
    a dashed line at the usable CPUs, optionally the fitted Amdahl curve for the
    processes (limited to the usable CPUs: beyond them workers take turns), and the
    same workload's process curve from each ``reference`` run.

    Returns:
        The two matplotlib Axes (speedup, efficiency).
    """
    import matplotlib.pyplot as plt

    if not results:
        raise ValueError("results is empty: measure something first.")
    workloads = {r.workload for r in results}
    if len(workloads) != 1:
        raise ValueError(f"results mix workloads {sorted(workloads)}: plot one at a time.")
    usable = usable_cpus() if usable is None else usable
    fig, (ax_s, ax_e) = plt.subplots(1, 2, figsize=(11, 4))
    top = max(r.workers for r in results)
    ax_s.plot([1, top], [1, top], ":", color="grey", label="ideal")
    ax_e.axhline(1.0, ls=":", color="grey", label="ideal")
    for ax in (ax_s, ax_e):
        ax.axvline(usable, ls="--", color="tab:green", lw=1, label=f"usable CPUs ({usable})")
    for kind in dict.fromkeys(r.kind for r in results):
        rows = sorted((r for r in results if r.kind == kind), key=lambda r: r.workers)
        xs = [r.workers for r in rows]
        ax_s.plot(xs, [r.speedup for r in rows], label=kind, **_style(kind))
        ax_e.plot(xs, [r.efficiency for r in rows], label=kind, **_style(kind))
    f = serial_fraction(results, "processes", usable) if fit else None
    if f is not None:
        ns = [1 + i * (top - 1) / 200 for i in range(201)]
        curve = [amdahl(min(n, usable), f) for n in ns]
        label = f"Amdahl fit, serial fraction {f:.3f}"
        ax_s.plot(ns, curve, "-", color="tab:red", lw=1, label=label)
        ax_e.plot(ns, [s / n for s, n in zip(curve, ns, strict=True)], "-", color="tab:red", lw=1,
                  label=label)
    for run in reference:
        rows = sorted((r for r in run.results if r.kind == "processes"
                       and r.workload == next(iter(workloads))), key=lambda r: r.workers)
        if rows:
            label = f"reference: {run.machine.label}"
            ax_s.plot([r.workers for r in rows], [r.speedup for r in rows], "--", color="grey",
                      marker=".", label=label)
            ax_e.plot([r.workers for r in rows], [r.efficiency for r in rows], "--",
                      color="grey", marker=".", label=label)
    ax_s.set_ylabel("speedup (serial time / parallel time)")
    ax_e.set_ylabel("efficiency (speedup / workers)")
    ax_e.set_ylim(0, 1.15)
    for ax in (ax_s, ax_e):
        ax.set_xlabel("workers")
        ax.legend(fontsize=8)
    fig.suptitle(title or results[0].description or results[0].workload)
    fig.tight_layout()
    return ax_s, ax_e


# --- Saving and comparing machines ----------------------------------------------------------


def cpu_model() -> str:
    """The CPU's name: /proc/cpuinfo on Linux, ``sysctl`` on macOS, else ``platform``'s."""
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        try:
            name = subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"],
                                  capture_output=True, text=True, timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            name = ""
        if name:
            return name
    return platform.processor() or platform.machine() or "unknown CPU"


@dataclass(frozen=True)
class Machine:
    """What was measured on: enough to compare CSV files from different computers."""

    label: str
    cpu_model: str
    usable_cpus: int
    logical_cpus: int
    python: str
    start_method: str
    platform: str
    date: str
    source: str = "notebook 07"


def describe_machine(label: str | None = None, start_method: str | None = None,
                     source: str = "notebook 07") -> Machine:
    """This machine, now. ``label`` names it in plots (default: CPU model and CPUs)."""
    model, usable = cpu_model(), usable_cpus()
    return Machine(
        label=label or f"{model} ({usable} CPUs)",
        cpu_model=model,
        usable_cpus=usable,
        logical_cpus=os.cpu_count() or usable,
        python=platform.python_version(),
        start_method=start_method or multiprocessing.get_start_method(),
        platform=platform.platform(terse=True),
        date=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        source=source,
    )


@dataclass(frozen=True)
class SavedRun:
    """One CSV file: the machine it came from and its measurements."""

    machine: Machine
    results: tuple[Measurement, ...]
    path: Path | None = field(default=None, compare=False)


MACHINE_COLUMNS = tuple(f.name for f in fields(Machine))
RESULT_COLUMNS = ("workload", "description", "kind", "workers", "seconds", "serial_seconds",
                  "repeats", "speedup", "efficiency")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "machine"


def save_results(results: Sequence[Measurement], folder: str | os.PathLike[str] = "results",
                 machine: Machine | None = None, name: str | None = None) -> Path:
    """Write ``results`` and the machine's description to a CSV file; return its path.

    Every row repeats the machine's columns, so any spreadsheet can read the file.
    The default name comes from the machine's label and start method, so running
    again on the same machine replaces the file (its ``date`` column says when).
    """
    if not results:
        raise ValueError("results is empty: measure something first.")
    machine = machine or describe_machine()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"speedup-{_slug(machine.label)}-{machine.start_method}.csv")
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=MACHINE_COLUMNS + RESULT_COLUMNS)
        writer.writeheader()
        for r in results:
            row = {**asdict(machine), **{k: getattr(r, k) for k in RESULT_COLUMNS}}
            writer.writerow(row)
    return path


def load_results(path: str | os.PathLike[str]) -> SavedRun:
    """Read a CSV written by :func:`save_results` (or ``python -m benchmarks.speedup``)."""
    path = Path(path)
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    if not rows:
        raise ValueError(f"{path} holds no measurements.")
    missing = [c for c in MACHINE_COLUMNS + RESULT_COLUMNS if c not in rows[0]]
    if missing:
        raise ValueError(f"{path} is not a speedup CSV: it has no column {missing[0]!r}. "
                         "Write it with save_results().")
    machines = {tuple(row[c] for c in MACHINE_COLUMNS) for row in rows}
    if len(machines) != 1:
        raise ValueError(f"{path} mixes several machines: keep one machine per file.")
    try:
        row = rows[0]
        machine = Machine(**{**{c: row[c] for c in MACHINE_COLUMNS},
                             "usable_cpus": int(row["usable_cpus"]),
                             "logical_cpus": int(row["logical_cpus"])})
        results = tuple(Measurement(row["workload"], row["kind"], int(row["workers"]),
                                    float(row["seconds"]), float(row["serial_seconds"]),
                                    int(row["repeats"]), row["description"])
                        for row in rows)
    except ValueError as error:
        raise ValueError(f"{path} has a value that is not a number: {error}") from None
    return SavedRun(machine, results, path)


def load_runs(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[SavedRun]:
    """Read several CSV files: a glob pattern such as ``"results/*.csv"``, or a list."""
    if isinstance(paths, (str, os.PathLike)):
        paths = sorted(glob.glob(os.fspath(paths)))
    return [load_results(path) for path in paths]


def load_reference(folder: str | os.PathLike[str] = REFERENCE_DIR) -> list[SavedRun]:
    """The reference runs shipped with the course (``data/reference/*.csv``), if any."""
    return load_runs(sorted(Path(folder).glob("*.csv")))


def describe_reference(runs: Sequence[SavedRun]) -> str:
    """Where each reference run came from: CPU, CPUs, Python, start method, date."""
    if not runs:
        return ("No reference data yet: data/reference/ holds no CSV file. The plots show "
                "your machine only.")
    lines = []
    for run in runs:
        m = run.machine
        name = run.path.name if run.path else "?"
        work = run.results[0].description if run.results else ""
        lines.append(f"{name}: {m.cpu_model}, {m.usable_cpus} usable CPUs, Python {m.python}, "
                     f"start method {m.start_method}, recorded {m.date[:10]} with {m.source}"
                     + (f" ({work})" if work else ""))
    return "\n".join(lines)


def plot_saved(runs: Sequence[SavedRun], workload: str = "mandelbrot",
               kind: str = "processes", ax: Any = None) -> Any:
    """One speedup curve per saved run (one per machine), with the ideal line."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    top = 1
    for run in runs:
        rows = sorted((r for r in run.results if r.workload == workload and r.kind == kind),
                      key=lambda r: r.workers)
        if rows:
            top = max(top, rows[-1].workers)
            label = f"{run.machine.label}, Python {run.machine.python}, {run.machine.date[:10]}"
            ax.plot([r.workers for r in rows], [r.speedup for r in rows], "o-", label=label)
    ax.plot([1, top], [1, top], ":", color="grey", label="ideal")
    ax.set_xlabel("workers")
    ax.set_ylabel("speedup")
    ax.set_title(f"{workload}, {kind}: {len(runs)} saved run(s)")
    ax.legend(fontsize=8)
    return ax
