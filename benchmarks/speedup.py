"""Speedup benchmark: how well does the course's CPU-bound demo scale on this machine?

    python -m benchmarks.speedup                        # print the figures
    python -m benchmarks.speedup --repeats 7            # steadier medians
    python -m benchmarks.speedup --csv helpers/instruments/reference/NAME.csv \
        --json helpers/instruments/reference/NAME.json

It prints, for this machine:

* the usable CPUs;
* for 1, 2, ... workers (up to twice the usable CPUs), the median time, speedup and
  efficiency of the Mandelbrot demo (``helpers.mandelbrot``) in a process pool,
  against the serial run of the same workload. Repeats are interleaved (serial,
  then every worker count, in alternating order), and every pool is started and
  warmed up before its run is timed;
* the cost of starting one process (``Process().start()`` then ``join()``) under
  each start method;
* the overhead of recording a timeline (``helpers.instruments.timeline.timed`` around every
  task), as a percentage of the same run without it (median over pairs of runs
  with and without it, in one warm pool);
* the machine's own ceiling: the efficiency of as many independent processes as usable
  CPUs, each running the serial run at once with no pool (CPUs that share caches or a
  clock limit give less than 1.0, and a pool can hardly do better);
* the targets for an idle 2-core machine, and whether they are met. They are measured on
  a larger image (``--target-size``, default 800x480x300) sent four rows per message
  (``--target-chunksize``), so that the pool's fixed costs (sending a task, sending its
  rows back) do not dominate: the efficiency at workers = usable CPUs (median of
  interleaved repeats in one warm pool, as a program that reuses its pool runs), and the
  timeline recording overhead.

``--csv`` writes the speedup measurements with the machine's description (CPU model,
usable CPUs, Python, start method, date), in the format notebook 07 reads: put such a
file in ``helpers/instruments/reference/`` to ship it as reference data. ``--json`` writes every
figure above, with the same description. Nothing is asserted: timings depend on the
machine and on what else it is doing, so close other programs first.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from helpers.instruments.measure import (
    Workload,
    mandelbrot_workload,
    measure,
    timeline_overhead,
    worker_counts,
)
from helpers.instruments.pools import kill_tree, start_cost
from helpers.instruments.results import describe_machine, save_results
from helpers.instruments.timing import Stopwatch
from helpers.instruments.validate import START_METHODS

EFFICIENCY_TARGET = 0.95
"""Target on an idle 2-core machine: efficiency at workers = usable CPUs."""
OVERHEAD_TARGET = 0.01
"""Target: recording a timeline slows the run by at most this fraction."""
TARGET_SIZE = (800, 480, 300)
"""The image the targets are measured on: about 8 times the work of the default."""
TARGET_CHUNKSIZE = 4
"""Rows per task message for the targets: each message then carries about 20 ms of work
on this machine, so that sending tasks and results does not dominate."""
SOURCE = "python -m benchmarks.speedup"


def image_size(text: str) -> tuple[int, int, int]:
    """``WIDTHxHEIGHTxMAX_ITER`` (as in ``--size 400x240x200``) as three whole numbers."""
    try:
        width, height, max_iter = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"size must look like WIDTHxHEIGHTxMAX_ITER, e.g. 400x240x200, not {text!r}"
        ) from None
    return width, height, max_iter


def _serial_run_seconds(workload: Workload, results: Any) -> None:
    """In a child: run ``workload`` serially and put its seconds on ``results``."""
    with Stopwatch() as clock:
        workload.run_serial()
    results.put(clock.seconds)


def machine_ceiling(workload: Workload, copies: int, repeats: int,
                    start_method: str | None = None) -> float:
    """The efficiency this machine allows ``copies`` busy processes, with no pool at all.

    Each round runs ``workload`` serially in this process, then ``copies`` processes that
    each run the whole of it at once, sharing nothing. Returns the median over the rounds
    of (time alone) / (mean time of a copy): 1.0 when the CPUs run side by side as fast
    as one alone; lower when they share caches, memory or a clock limit.
    """
    ctx = multiprocessing.get_context(start_method)
    ratios = []
    for _ in range(repeats):
        with Stopwatch() as clock:
            workload.run_serial()
        results = ctx.Queue()
        procs = [ctx.Process(target=_serial_run_seconds, args=(workload, results))
                 for _ in range(copies)]
        try:
            for proc in procs:
                proc.start()
            times = [results.get(timeout=600) for _ in procs]
            for proc in procs:
                proc.join()
        finally:  # an error or Ctrl-C: leave no copy running
            for proc in procs:
                if proc.pid is not None and proc.exitcode is None:
                    kill_tree(proc)
        ratios.append(clock.seconds / (sum(times) / len(times)))
    return statistics.median(ratios)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=SOURCE, description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=image_size, default=(400, 240, 200),
                        help="Mandelbrot image WIDTHxHEIGHTxMAX_ITER (default 400x240x200)")
    parser.add_argument("--target-size", type=image_size, default=TARGET_SIZE,
                        help="the image the targets are measured on (default 800x480x300)")
    parser.add_argument("--chunksize", type=int, default=1,
                        help="rows per task message (default 1: dynamic balancing)")
    parser.add_argument("--target-chunksize", type=int, default=TARGET_CHUNKSIZE,
                        help="rows per task message for the targets (default "
                             f"{TARGET_CHUNKSIZE})")
    parser.add_argument("--repeats", type=int, default=5,
                        help="interleaved repeats; medians are reported (default 5)")
    parser.add_argument("--max-workers", type=int, default=None,
                        help="largest worker count (default: twice the usable CPUs)")
    parser.add_argument("--start-method", default=multiprocessing.get_start_method(),
                        choices=multiprocessing.get_all_start_methods(),
                        help="start method of the measured pools (default: the platform's)")
    parser.add_argument("--methods", nargs="+",
                        default=[m for m in START_METHODS
                                 if m in multiprocessing.get_all_start_methods()],
                        choices=multiprocessing.get_all_start_methods(),
                        help="start methods whose per-process start cost is measured")
    parser.add_argument("--start-repeats", type=int, default=10,
                        help="process starts per start method (default 10)")
    parser.add_argument("--overhead-repeats", type=int, default=41,
                        help="pairs of runs, with and without timed(), for the timeline "
                             "recording overhead (default 41)")
    parser.add_argument("--label", default=None, help="the machine's name in plots")
    parser.add_argument("--csv", type=Path, default=None,
                        help="write the speedups and the machine's description to this CSV")
    parser.add_argument("--json", type=Path, default=None,
                        help="write every figure and the machine's description to this JSON")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes, one repeat: checks that it runs, measures nothing")
    args = parser.parse_args(argv)
    if args.quick:
        args.size, args.repeats, args.start_repeats, args.overhead_repeats = (
            (60, 24, 30), 1, 1, 1)
        args.target_size = args.size
        args.max_workers = args.max_workers or 2
    for name in ("chunksize", "target_chunksize", "repeats", "start_repeats",
                 "overhead_repeats"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.max_workers is not None and args.max_workers < 1:
        parser.error("--max-workers must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    machine = describe_machine(args.label, args.start_method, SOURCE)
    usable = machine.usable_cpus
    counts = worker_counts(usable)
    if args.max_workers is not None:
        counts = [n for n in counts if n <= args.max_workers] or [1]
    width, height, max_iter = args.size
    work = mandelbrot_workload(width, height, max_iter, args.chunksize)

    print(f"Speedup benchmark ({SOURCE})")
    print(f"machine      : {machine.cpu_model}, {machine.logical_cpus} logical CPUs, "
          f"Python {machine.python}, {machine.platform}")
    print(f"start method : {args.start_method}")
    print(f"workload     : {work.description}, chunksize {args.chunksize}")
    print(f"method       : {args.repeats} interleaved repeats, medians; every pool started "
          "and warmed up before it is timed")
    print(f"usable CPUs  : {usable}")
    print(flush=True)

    results = measure(work, counts, kinds=("processes",), repeats=args.repeats,
                      start_method=args.start_method)
    print(f"{'workers':>7}  {'median':>9}  {'speedup':>7}  {'efficiency':>10}")
    print(f"{'serial':>7}  {results[0].serial_seconds:>7.3f} s  {1:>7.2f}  {1:>10.2f}")
    for r in results:
        note = "  <- usable CPUs" if r.workers == usable else ""
        print(f"{r.workers:>7}  {r.seconds:>7.3f} s  {r.speedup:>7.2f}  "
              f"{r.efficiency:>10.2f}{note}")
    print(flush=True)

    print(f"per-process start cost (Process().start() + join(), median of "
          f"{args.start_repeats}):")
    start_costs = {}
    for method in args.methods:
        start_costs[method] = start_cost(method, args.start_repeats)
        print(f"  {method:<11} {start_costs[method] * 1000:7.1f} ms", flush=True)
    print()

    big = mandelbrot_workload(*args.target_size, args.target_chunksize)
    (at_usable,) = measure(big, [usable], kinds=("processes",), repeats=args.repeats,
                           start_method=args.start_method, keep_pools=True)
    print(f"target workload: {big.description}, chunksize {args.target_chunksize}; at "
          f"{usable} workers: median "
          f"{at_usable.seconds:.3f} s against {at_usable.serial_seconds:.3f} s serially, "
          f"efficiency {at_usable.efficiency:.3f} ({args.repeats} interleaved repeats)")
    ceiling = machine_ceiling(big, usable, args.repeats, args.start_method)
    print(f"machine ceiling: {usable} processes running the serial run each at once, no "
          f"pool: efficiency {ceiling:.3f} (median of {args.repeats}; a pool can hardly do better)")
    overhead = timeline_overhead(big, usable, args.overhead_repeats, args.start_method)
    print(f"timeline recording overhead (timed() around each task, {usable} workers, median "
          f"of {args.overhead_repeats} paired runs): {overhead:+.2%}")
    print()

    efficiency_label = f"efficiency at workers = usable CPUs >= {EFFICIENCY_TARGET:.2f}"
    overhead_label = f"timeline recording overhead <= {OVERHEAD_TARGET:.0%}"
    label_width = max(len(efficiency_label), len(overhead_label))
    judged = not args.quick
    efficiency_met = at_usable.efficiency >= EFFICIENCY_TARGET if judged else None
    overhead_met = overhead <= OVERHEAD_TARGET if judged else None

    def verdict(met: bool | None) -> str:
        return "not judged (--quick measures nothing)" if met is None else (
            "met" if met else "NOT met")

    print("targets (for an idle 2-core machine):")
    print(f"  {efficiency_label:<{label_width}} : {at_usable.efficiency:.3f} "
          f"{verdict(efficiency_met)}")
    print(f"  {overhead_label:<{label_width}} : {overhead:+.2%} {verdict(overhead_met)}")

    if args.csv:
        path = save_results(results, args.csv.parent, machine, args.csv.name)
        print(f"\nspeedups written to {path}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        report = {
            "machine": asdict(machine),
            "workload": {"description": work.description, "width": width, "height": height,
                         "max_iter": max_iter, "chunksize": args.chunksize},
            "target_workload": {"description": big.description,
                                "chunksize": args.target_chunksize},
            "efficiency_at_usable": at_usable.efficiency,
            "machine_ceiling": ceiling,
            "repeats": args.repeats,
            "serial_seconds": results[0].serial_seconds,
            "results": [{**asdict(replace(r, description="")), "speedup": r.speedup,
                         "efficiency": r.efficiency} for r in results],
            "start_cost_seconds": start_costs,
            "start_repeats": args.start_repeats,
            "timeline_overhead": overhead,
            "overhead_repeats": args.overhead_repeats,
            "targets": {"efficiency_at_usable": EFFICIENCY_TARGET,
                        "efficiency_met": efficiency_met,
                        "timeline_overhead": OVERHEAD_TARGET,
                        "timeline_overhead_met": overhead_met},
        }
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        print(f"{'' if args.csv else chr(10)}all figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
