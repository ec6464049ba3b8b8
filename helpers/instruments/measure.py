"""Speedup measurements: the same work serially and in pools of 1, 2, ... workers.

    from helpers.instruments.measure import mandelbrot_workload, measure, worker_counts

    work = mandelbrot_workload()
    results = measure(work, worker_counts())

Repeats are interleaved and medians reported; every pool is started and warmed up
before its run is timed (:func:`helpers.instruments.pools.warm_pool`), and every run is
timed with :class:`helpers.instruments.timing.Stopwatch`. Notebook 07 and the benchmark
(``python -m benchmarks.speedup``) both measure with this module. Besides process and
thread pools it measures Python 3.14's interpreter pools
(:mod:`helpers.instruments.interpreters`) where they exist.
"""

from __future__ import annotations

import multiprocessing
import statistics
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from functools import partial
from typing import Any

from helpers.cpus import usable_cpus
from helpers.instruments.interpreters import (
    module_of,
    require_interpreters,
    warm_interpreter_pool,
)
from helpers.instruments.pools import KINDS, ensure_sendable, ensure_sendable_to, warm_pool
from helpers.instruments.timeline import timed
from helpers.instruments.timing import Stopwatch
from helpers.instruments.validate import (
    bounded,
    choice,
    describe,
    function,
    instance,
    list_of,
    positive_number,
    process_count,
    seconds,
    text,
    whole_number,
)
from helpers.instruments.validate import start_method as method_name
from helpers.mandelbrot import NOTEBOOK_IMAGE, mandelbrot_row
from helpers.processes import sleep_for
from helpers.speedup import karp_flatt
from helpers.speedup import speedup as _speedup

RUN_TIMEOUT = 600.0
"""Seconds one pool run may take before it is given up (a killed worker would hang it)."""

ALL_KINDS = (*KINDS, "interpreters")
"""What :func:`measure` can time: process pools, thread pools, and (Python 3.14 and newer)
interpreter pools."""


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

    def run_in(self, pool: Any, func: Callable[[Any], Any] | None = None) -> list[Any]:
        """Every task in ``pool`` (``pool.map``, results in task order), never hanging.

        ``pool`` is a ``multiprocessing`` pool (``Pool``, ``ThreadPool``) or a
        ``concurrent.futures`` executor (whose ``map`` takes no chunksize).
        """
        func = ensure_sendable_to(pool, func or self.func, "func")
        if hasattr(pool, "map_async"):
            return pool.map_async(func, self.tasks, self.chunksize).get(RUN_TIMEOUT)
        return list(pool.map(func, self.tasks, timeout=RUN_TIMEOUT))


def mandelbrot_workload(width: int = NOTEBOOK_IMAGE["width"],
                        height: int = NOTEBOOK_IMAGE["height"],
                        max_iter: int = NOTEBOOK_IMAGE["max_iter"],
                        chunksize: int = 1) -> Workload:
    """The CPU-bound workload: one task per row of a Mandelbrot image."""
    chunksize = whole_number(chunksize, "chunksize", least=1)
    func = partial(mandelbrot_row, width=width, height=height, max_iter=max_iter)
    func(0)  # checks the sizes now, with a clear message, rather than in a worker
    return Workload("mandelbrot", func, tuple(range(height)),
                    f"Mandelbrot {width}x{height}, max_iter {max_iter}, {height} row tasks",
                    chunksize)


def sleep_workload(tasks: int = 16, wait: float = 0.015) -> Workload:
    """The I/O-bound workload: ``tasks`` waits of ``wait`` seconds each (``sleep_for``)."""
    tasks = bounded(tasks, "tasks", "items", least=1)
    wait = seconds(wait, "wait", allow_zero=False)
    return Workload("sleep", sleep_for, (wait,) * tasks, f"{tasks} waits of {wait * 1000:g} ms")


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
        return _speedup(self.serial_seconds, self.seconds)

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
    usable = usable_cpus() if usable is None else whole_number(usable, "usable", least=1)
    most = whole_number(most, "most", least=3, most=1_000)
    top = 2 * usable
    if top <= most:
        return list(range(1, top + 1))
    picked = {round(top ** (i / (most - 1))) for i in range(most)}
    return sorted(picked | {1, usable, top})


def _workload(value: Any) -> Workload:
    if not isinstance(value, Workload):
        raise TypeError(f"workload must be a Workload, such as mandelbrot_workload() or "
                        f"sleep_workload(), not {describe(value)}.")
    function(value.func, "workload.func")
    return value


@contextmanager
def _warm(kind: str, workers: int, start_method: str | None, workload: Workload) -> Iterator[Any]:
    """A warm pool of ``kind`` that has already run a few of the workload's tasks.

    Those first tasks pay what only a first task pays (importing the workload's module
    under spawn and forkserver, copying pages under fork), so the timed run does not.
    """
    if kind == "interpreters":
        with warm_interpreter_pool(workers, [module_of(workload.func, "workload.func")]) as pool:
            yield pool
    else:
        with warm_pool(kind, workers, start_method) as pool:
            first = workload.tasks[:2 * workers]
            pool.map_async(workload.func, first, 1).get(RUN_TIMEOUT)
            yield pool


def measure(workload: Workload, counts: Iterable[int], kinds: Sequence[str] = KINDS,
            repeats: int = 3, start_method: str | None = None,
            check: bool = True, keep_pools: bool = False) -> list[Measurement]:
    """Time ``workload`` serially and in warm pools of each size, ``repeats`` times.

    Repeats are interleaved: each round runs the serial version once, then every
    (kind, workers) configuration once (forwards in even rounds, backwards in odd
    ones), so that a change in the machine's load affects all of them alike. Each
    configuration gets a fresh pool, started and warmed up *before* its timing
    (interpreter pools, slow to start, are started once per configuration and kept
    for every round; ``keep_pools=True`` keeps every pool so). The medians are reported.

    Args:
        workload: what to run (see :func:`mandelbrot_workload`, :func:`sleep_workload`).
        counts: worker counts, e.g. ``worker_counts()``.
        kinds: any of ``"processes"``, ``"threads"`` and (Python 3.14 and newer)
            ``"interpreters"``; processes and threads if omitted.
        repeats: rounds; 3 or more makes the median meaningful.
        start_method: for the process pools; the default start method if omitted.
        check: raise ``RuntimeError`` if a pool's results differ from the serial ones.
        keep_pools: start each configuration's pool once and time every round in it,
            as a program that reuses its pool does (the benchmark's targets).

    Returns:
        One :class:`Measurement` per (kind, workers), kinds first, in order of counts.
    """
    workload = _workload(workload)
    counts = list_of(counts, "counts", least=1, what="worker counts",
                     item=lambda n, name: process_count(n, name))
    kinds = list_of(kinds, "kinds", least=1, what="kinds ('processes', 'threads')",
                    item=lambda kind, name: choice(kind, name, ALL_KINDS))
    start_method = method_name(start_method, "start_method")
    if "processes" in kinds:
        ensure_sendable(workload.func, "workload.func",
                        start_method or multiprocessing.get_start_method())
    if "interpreters" in kinds:
        require_interpreters()
        module_of(workload.func, "workload.func")
    repeats = bounded(repeats, "repeats", "repeats", least=1)
    keep_pools = instance(keep_pools, "keep_pools", bool, "True or False")
    configs = [(kind, n) for kind in kinds for n in counts]
    times: dict[tuple[str, int], list[float]] = {config: [] for config in configs}
    serial_times: list[float] = []
    expected = None
    with ExitStack() as kept_pools:
        kept: dict[tuple[str, int], Any] = {}
        for round_ in range(repeats):
            with Stopwatch() as clock:
                result = workload.run_serial()
            serial_times.append(clock.seconds)
            expected = result if expected is None else expected
            for kind, n in configs if round_ % 2 == 0 else configs[::-1]:
                if (kind == "interpreters" or keep_pools) and (kind, n) not in kept:
                    kept[kind, n] = kept_pools.enter_context(
                        _warm(kind, n, start_method, workload))
                pool_context = (nullcontext(kept[kind, n]) if (kind, n) in kept
                                else _warm(kind, n, start_method, workload))
                with pool_context as pool:
                    with Stopwatch() as clock:
                        result = workload.run_in(pool)
                if check and result != expected:
                    raise RuntimeError(f"{kind} with {n} workers computed a different "
                                       "result from the serial run.")
                times[kind, n].append(clock.seconds)
    serial = statistics.median(serial_times)
    return [Measurement(workload.name, kind, n, statistics.median(times[kind, n]), serial,
                        repeats, workload.description) for kind, n in configs]


def measurements(results: Any, name: str = "results") -> list[Measurement]:
    """``results`` checked: a non-empty list of :class:`Measurement`."""
    def one(value: Any, item: str) -> Measurement:
        if not isinstance(value, Measurement):
            raise TypeError(f"{item} must be a Measurement, as measure() returns, not "
                            f"{describe(value)}.")
        return value

    if isinstance(results, Measurement):
        raise TypeError(f"{name} must be a list of Measurements, not a single one: pass "
                        "[result] or the whole list that measure() returned.")
    checked = list_of(results, name, item=one, what="Measurements")
    if not checked:
        raise ValueError(f"{name} is empty: measure something first.")
    return checked


def karp_flatt_series(results: Sequence[Measurement], kind: str = "processes",
                      usable: int | None = None) -> dict[int, float]:
    """``{workers: e(n)}``: the Karp-Flatt serial fraction for every measured count from 2
    up to ``usable`` workers (beyond the usable CPUs, workers take turns, which Amdahl's
    law does not describe)."""
    results, kind = measurements(results), choice(kind, "kind", ALL_KINDS)
    usable = usable_cpus() if usable is None else whole_number(usable, "usable", least=1)
    return {r.workers: karp_flatt(r.speedup, r.workers)
            for r in sorted(results, key=lambda r: r.workers)
            if r.kind == kind and 1 < r.workers <= usable}


def _fmt(value: float | None) -> str:
    return "not measured" if value is None else f"≈ {value:.2f}"


def summarize(results: Sequence[Measurement], usable: int | None = None) -> str:
    """A few lines that read the same on every machine: serial time, then speedup and
    efficiency at 1 worker, at the usable CPUs and at twice that, for each kind."""
    results = measurements(results)
    usable = usable_cpus() if usable is None else whole_number(usable, "usable", least=1)
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


def summarize_kind(results: Sequence[Measurement], kind: str,
                   usable: int | None = None) -> str:
    """One line for one kind of pool, the same on every machine: its speedup with 1
    worker, with the usable CPUs and with twice that, e.g.
    ``"interpreters: speedup ≈ 0.95 with 1 worker, ≈ 1.71 with the usable CPUs, ..."``."""
    results = measurements(results)
    choice(kind, "kind", ALL_KINDS)
    usable = usable_cpus() if usable is None else whole_number(usable, "usable", least=1)
    by_count = {r.workers: r for r in results if r.kind == kind}
    if not by_count:
        raise ValueError(f"results hold no measurement of {kind}: measure it first "
                         f"(kinds=[{kind!r}]).")
    parts = [f"{_fmt(by_count[n].speedup if n in by_count else None)} with {label}"
             for n, label in ((1, "1 worker"), (usable, "the usable CPUs"),
                              (2 * usable, "2 x usable CPUs"))]
    return f"{kind}: speedup " + ", ".join(parts)


def karp_flatt_table(results: Sequence[Measurement], usable: int | None = None,
                     label: str | None = None) -> str:
    """One line per kind and worker count from 2: the speedup ``S`` and the Karp-Flatt
    ``e(n)``, e.g. ``"processes, 2 workers: S ≈ 1.62, e ≈ 0.232"``.

    Counts above ``usable`` (default: this machine's usable CPUs) are marked "more than
    the CPUs": there the workers take turns, which raises ``e`` too. ``label`` replaces
    the kind's name at the start of each line (``"reference"``, say).
    """
    results = measurements(results)
    usable = usable_cpus() if usable is None else whole_number(usable, "usable", least=1)
    if label is not None:
        label = text(label, "label", example="'reference'")
    lines = []
    for kind in dict.fromkeys(r.kind for r in results):
        for r in sorted((r for r in results if r.kind == kind), key=lambda r: r.workers):
            if r.workers < 2:
                continue
            beyond = " (more than the CPUs)" if r.workers > usable else ""
            lines.append(f"{label or kind}, {r.workers} workers{beyond}: S ≈ {r.speedup:.2f}, "
                         f"e ≈ {karp_flatt(r.speedup, r.workers):.3f}")
    if not lines:
        return "No measurement with 2 or more workers: e(n) needs at least 2."
    return "\n".join(lines)


def fit_amdahl(workers: Sequence[int], speedups: Sequence[float]) -> float:
    """Least-squares serial fraction ``f`` for measured ``(workers, speedup)`` pairs.

    Amdahl's law says ``1/S - 1/n = f * (1 - 1/n)``: a line through the origin, so
    ``f`` has a closed form. With one point this is its Karp-Flatt fraction. Points
    with one worker carry no information and are skipped. The result is clipped to
    the range 0 to 1.
    """
    workers = list_of(workers, "workers", item=lambda n, name: whole_number(n, name, least=1))
    speedups = list_of(speedups, "speedups", item=positive_number)
    if len(workers) != len(speedups):
        raise ValueError(f"workers and speedups must be the same length, not "
                         f"{len(workers)} and {len(speedups)}.")
    xs, ys = [], []
    for n, s in zip(workers, speedups, strict=True):
        if n > 1:
            xs.append(1.0 - 1.0 / n)
            ys.append(1.0 / s - 1.0 / n)
    if not xs:
        raise ValueError(f"workers must hold a count of 2 or more (a run with 1 worker says "
                         f"nothing about the serial fraction), not only {workers!r}.")
    f = sum(x * y for x, y in zip(xs, ys, strict=True)) / sum(x * x for x in xs)
    return min(1.0, max(0.0, f))


def serial_fraction(results: Sequence[Measurement], kind: str = "processes",
                    usable: int | None = None) -> float | None:
    """Fit Amdahl's law to the measurements of one kind, from 2 up to ``usable`` workers.

    Returns ``None`` where there is no such measurement (for example on a 1-CPU machine).
    """
    series = karp_flatt_series(results, kind, usable)
    if not series:
        return None
    return fit_amdahl(list(series), [r.speedup for r in measurements(results)
                                     if r.kind == kind and r.workers in series])


def timeline_overhead(workload: Workload, workers: int = 2, repeats: int = 5,
                      start_method: str | None = None) -> float:
    """What recording a timeline (wrapping each task with ``timed``) costs, as a fraction.

    Runs ``workload`` in one warm process pool, ``repeats`` pairs of runs, one plain
    and one with ``timed`` (which goes first alternates), and returns the median over
    the pairs of ``timed / plain - 1`` (0.01 means 1 % slower). Comparing the two runs
    of a pair, which ran one right after the other, keeps changes in the machine's
    load out of the result as far as possible.
    """
    workload = _workload(workload)
    start_method = method_name(start_method, "start_method")
    ensure_sendable(workload.func, "workload.func",
                    start_method or multiprocessing.get_start_method())
    workers = process_count(workers, "workers")
    repeats = bounded(repeats, "repeats", "repeats", least=1)
    recorded = partial(timed, workload.func)
    ratios = []
    with warm_pool("processes", workers, start_method) as pool:
        for i in range(repeats):
            elapsed = {}
            order = [workload.func, recorded] if i % 2 == 0 else [recorded, workload.func]
            for func in order:
                with Stopwatch() as clock:
                    workload.run_in(pool, func)
                elapsed[func is recorded] = clock.seconds
            ratios.append(elapsed[True] / elapsed[False])
    return statistics.median(ratios) - 1
