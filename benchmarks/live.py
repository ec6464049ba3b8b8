"""What the live view costs: a paired overhead ratio on the CPU-bound workload, in one run.

    python -m benchmarks.live                  # 21 pairs, the target workload
    python -m benchmarks.live --repeats 41     # steadier
    python -m benchmarks.live --size 400x240x200 --chunksize 1   # short runs, tiny messages
    python -m benchmarks.live --quick          # tiny sizes: checks that it runs

**The figure.** One warm process pool with one worker per usable CPU computes a
Mandelbrot image again and again, alternately without and with ``live_view`` around the
``map`` (ABBA order: plain-view, view-plain, ...). By default it is the workload that
``benchmarks.speedup`` judges its targets on (800x480x300, four rows per message). Each
pair gives the ratio of the two wall times; the figure is the median of the ratios,
minus 1, with a 95 % interval for that median (``timing.median_interval``), because on a
shared machine single runs move by several per cent. The view runs as in a notebook,
its panels rendered (SVG into an ``ipywidgets.HTML``) at every update, but shown nowhere
(there is no frontend here).

**The cross-check.** Pairs keep slow changes in the machine's load out of the figure,
but on a busy machine each wall time is noisy. So the view's costs are also measured
one by one as CPU time (per block, per panel update, per task in a worker), and added
up for one run of this workload on an idle machine, where the run would take the
workers' CPU time divided by their number. Close other programs before trusting
either figure.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from typing import Any

import psutil

from benchmarks.speedup import TARGET_CHUNKSIZE, TARGET_SIZE, image_size
from helpers.cpus import usable_cpus
from helpers.instruments import live
from helpers.instruments.measure import Workload, mandelbrot_workload
from helpers.instruments.pools import warm_pool
from helpers.instruments.timing import Stopwatch, median_interval

OVERHEAD_TARGET = 0.02
"""Target: the live view slows the run by at most this fraction of its wall time."""
SOURCE = "python -m benchmarks.live"


class _RenderingView(live.LiveView):
    """A live view that renders its panels at every update, as in a notebook, unshown."""

    def _make_panel(self) -> live._WidgetPanel:
        return live._WidgetPanel(show=False)


@dataclass(frozen=True)
class PairedOverhead:
    """The paired measurement: ``overhead`` is the median of view/plain, minus 1."""

    overhead: float
    ratios: tuple[float, ...]
    plain_seconds: float
    view_seconds: float
    work_cpu: float
    """The workers' CPU seconds for one plain run (median): the work itself."""
    records: tuple[Any, ...]
    """The records of the last run with the view (for the cost model)."""


@dataclass(frozen=True)
class ViewCosts:
    """The view's costs in CPU seconds, measured one by one in this process."""

    per_block: float
    per_update: float
    per_task: float

    def estimate(self, tasks: int, work_cpu: float, workers: int, interval: float) -> float:
        """The overhead for one run on an idle machine that the workers keep busy (NaN if
        the run is too short for the OS's CPU clock, which counts in 10 ms ticks)."""
        if work_cpu < 0.1:
            return math.nan
        idle_wall = work_cpu / workers
        cost = self.per_block + idle_wall / interval * self.per_update + tasks * self.per_task
        return cost / (workers * idle_wall)


def _workers_cpu(pool: Any) -> float:
    return sum(sum(psutil.Process(p.pid).cpu_times()[:2]) for p in pool._pool)


def _timed_run(pool: Any, workload: Workload, view: live.LiveView | None,
               ) -> tuple[float, float]:
    """Wall seconds and the workers' CPU seconds of one run of ``workload``."""
    cpu0 = _workers_cpu(pool)
    with Stopwatch() as clock:
        if view is None:
            workload.run_in(pool)
        else:
            with view:
                workload.run_in(pool)
    return clock.seconds, _workers_cpu(pool) - cpu0


def live_view_overhead(workload: Workload, workers: int, repeats: int = 21,
                       start_method: str | None = None,
                       interval: float = live.DEFAULT_INTERVAL) -> PairedOverhead:
    """Median over ``repeats`` ABBA pairs of (wall with the view) / (wall without), minus 1.

    One warm pool (``warm_pool``) runs ``workload`` (``Workload.run_in``) for every run,
    as ``timeline_overhead`` does for the timeline's own cost.
    """
    plain, viewed, ratios = [], [], []
    with warm_pool("processes", workers, start_method) as pool:
        workload.run_in(pool)  # every worker has imported the workload ...
        _timed_run(pool, workload, _RenderingView(pool, interval=interval))  # ... and the view
        for i in range(repeats):
            pair, view = {}, _RenderingView(pool, interval=interval)
            for with_view in ((False, True) if i % 2 == 0 else (True, False)):
                pair[with_view] = _timed_run(pool, workload, view if with_view else None)
            plain.append(pair[False])
            viewed.append(pair[True])
            ratios.append(pair[True][0] / pair[False][0])
    return PairedOverhead(
        overhead=statistics.median(ratios) - 1, ratios=tuple(ratios),
        plain_seconds=statistics.median(s for s, _ in plain),
        view_seconds=statistics.median(s for s, _ in viewed),
        work_cpu=statistics.median(c for _, c in plain), records=tuple(view.records))


def _cpu_per_call(call: Any, times: int) -> float:
    """CPU seconds of this thread per call of ``call()``, over ``times`` calls."""
    start = time.thread_time()
    for _ in range(times):
        call()
    return (time.thread_time() - start) / times


def view_costs(records: tuple[Any, ...], times: int = 200) -> ViewCosts:
    """Measure the view's three costs (see :class:`ViewCosts`) with ``records`` on show."""
    from multiprocessing.pool import ThreadPool

    with ThreadPool(1) as pool:
        def block() -> None:
            with _RenderingView(pool):
                pass

        per_block = _cpu_per_call(block, times)
        view = _RenderingView(pool)
        with view:
            view.records.extend(records)
            per_update = _cpu_per_call(lambda: view._panel.update(view._html()), times)
            view.records.clear()
            per_update += _cpu_per_call(lambda: (view._collect(), view._sample()), times)
    with tempfile.TemporaryDirectory() as folder:
        channel = live._Channel(folder, -1)
        wrapped = partial(live._run_tagged, channel, abs, False)
        per_task = (_cpu_per_call(lambda: wrapped((0, -1)), times * 50)
                    - _cpu_per_call(lambda: abs(-1), times * 50))
    return ViewCosts(per_block, per_update, per_task)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=SOURCE, description=__doc__.splitlines()[0])
    default_size = "x".join(map(str, TARGET_SIZE))
    parser.add_argument("--size", type=image_size, default=TARGET_SIZE,
                        help=f"Mandelbrot image WIDTHxHEIGHTxMAX_ITER (default {default_size}, "
                             "as benchmarks.speedup's targets)")
    parser.add_argument("--chunksize", type=int, default=TARGET_CHUNKSIZE,
                        help=f"rows per task message (default {TARGET_CHUNKSIZE}, as "
                             "benchmarks.speedup's targets)")
    parser.add_argument("--repeats", type=int, default=21,
                        help="pairs of runs, with and without the view (default 21)")
    parser.add_argument("--workers", type=int, default=usable_cpus(),
                        help="pool size (default: the usable CPUs)")
    parser.add_argument("--start-method", default=multiprocessing.get_start_method(),
                        choices=multiprocessing.get_all_start_methods())
    parser.add_argument("--interval", type=float, default=live.DEFAULT_INTERVAL,
                        help="the view's update interval in seconds (default "
                             f"{live.DEFAULT_INTERVAL})")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes, one pair: checks that it runs, measures nothing")
    args = parser.parse_args(argv)
    args.width, args.height, args.max_iter = args.size
    if args.quick:
        args.width, args.height, args.max_iter, args.repeats = 60, 24, 30, 1
    if args.repeats < 1 or args.workers < 1 or args.chunksize < 1:
        parser.error("--repeats, --workers and --chunksize must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = mandelbrot_workload(args.width, args.height, args.max_iter, args.chunksize)
    load = psutil.getloadavg()[0] if hasattr(psutil, "getloadavg") else None
    print(f"Live view overhead ({SOURCE})")
    print(f"machine      : {usable_cpus()} usable of {psutil.cpu_count()} logical CPUs, "
          f"Python {sys.version.split()[0]}, start method {args.start_method}"
          + (f", load average {load:.2f} before the run" if load is not None else ""))
    print(f"workload     : Mandelbrot {args.width}x{args.height}, max_iter {args.max_iter}, "
          f"{len(work.tasks)} row tasks (chunksize {work.chunksize}), {args.workers} workers")
    print(f"method       : {args.repeats} pairs in one warm pool, without and with live_view "
          f"(ABBA order, panels rendered every {args.interval:g} s), median of the ratios",
          flush=True)
    paired = live_view_overhead(work, args.workers, args.repeats, args.start_method,
                                args.interval)
    spread = sorted(paired.ratios)
    print(f"wall times   : median {paired.plain_seconds:.3f} s without, "
          f"{paired.view_seconds:.3f} s with the view")
    low, high = median_interval(spread)
    interval = (f"95 % interval for the median {low - 1:+.1%} to {high - 1:+.1%}"
                if math.isfinite(low) else "too few pairs for a 95 % interval")
    print(f"ratios       : min {spread[0] - 1:+.1%}, median {paired.overhead:+.1%}, "
          f"max {spread[-1] - 1:+.1%}; {interval}")
    costs = view_costs(paired.records)
    print(f"costs (CPU)  : {costs.per_block * 1e3:.2f} ms per block, {costs.per_update * 1e3:.2f} "
          f"ms per update ({len(paired.records)} tasks on show), "
          f"{costs.per_task * 1e6:.1f} µs per task in a worker")
    estimate = costs.estimate(len(work.tasks), paired.work_cpu, args.workers, args.interval)
    if math.isnan(estimate):
        print("idle estimate: not made (the runs are too short to count their CPU time)")
    else:
        print(f"idle estimate: {estimate:+.1%} (the costs above, for a run of "
              f"{paired.work_cpu / args.workers:.2f} s on an idle machine)")
    if args.quick:
        print(f"live view overhead <= {OVERHEAD_TARGET:.0%} : not judged (--quick measures "
              "nothing)")
        return 0
    met = "met" if paired.overhead <= OVERHEAD_TARGET else "NOT met"
    print(f"live view overhead <= {OVERHEAD_TARGET:.0%} : {paired.overhead:+.1%} {met}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
