"""Worked examples for the sanitizer patterns of notebooks 07 and 08 (tests/sanitize.cfg):
every version's and machine's output must read the same after sanitizing."""

from __future__ import annotations

import pytest

from tests.plugin import sanitize


@pytest.mark.parametrize(("one", "other"), [
    # 07: interpreters measured on 3.14+, skipped before
    ("interpreters: skipped, InterpreterPoolExecutor needs Python 3.14 or newer\n",
     "interpreters: speedup ≈ 0.95 with 1 worker, ≈ 1.71 with the usable CPUs, "
     "≈ 1.70 with 2 x usable CPUs\n"),
    # 07: the Karp-Flatt table has one line per worker count, which depends on the CPUs
    ("processes, 2 workers: S ≈ 1.82, e ≈ 0.099\n"
     "processes, 3 workers (more than the CPUs): S ≈ 1.31, e ≈ 0.645\n"
     "processes, 4 workers (more than the CPUs): S ≈ 1.74, e ≈ 0.435\n"
     "threads, 2 workers: S ≈ 0.91, e ≈ 1.209\n"
     "threads, 3 workers (more than the CPUs): S ≈ 0.86, e ≈ 1.239\n"
     "threads, 4 workers (more than the CPUs): S ≈ 1.05, e ≈ 0.935\n"
     "\n"
     "reference machine: Intel(R) Xeon(R) Processor, 16 CPUs\n"
     "reference, 2 workers: S ≈ 1.62, e ≈ 0.232\n",
     "processes, 2 workers: S ≈ 1.90, e ≈ 0.053\n"
     "processes, 3 workers: S ≈ 2.70, e ≈ 0.056\n"
     "processes, 4 workers: S ≈ 3.50, e ≈ 0.048\n"
     "processes, 8 workers (more than the CPUs): S ≈ 3.40, e ≈ 0.193\n"
     "threads, 2 workers: S ≈ 1.00, e ≈ 1.000\n"
     "threads, 8 workers (more than the CPUs): S ≈ 0.90, e ≈ 1.127\n"
     "\n"
     "reference machine: Intel(R) Xeon(R) Processor, 16 CPUs\n"
     "reference, 2 workers: S ≈ 1.62, e ≈ 0.232\n"),
    # 07: prediction and measurement of the static split
    ("static takes ≈ 1.8 x as long as dynamic, by the row costs\n"
     "static took ≈ 0.8 x as long as dynamic, measured\n",
     "static takes ≈ 1.8 x as long as dynamic, by the row costs\n"
     "static took ≈ 1.5 x as long as dynamic, measured\n"),
    # 08: the ranking of the start methods is a measurement
    ("fastest to slowest: fork, forkserver, spawn\n",
     "fastest to slowest: fork, spawn, forkserver\n"),
    ("fastest to slowest: fork, forkserver, spawn\n", "fastest to slowest: spawn\n"),
    # 08: interpreters' start measured on 3.14+, skipped before
    ("thread       157 µs\ninterpreter  skipped, needs Python 3.14\n",
     "thread       70 µs\ninterpreter  88 ms\n"),
    # 08: which channel won, per size
    ("the Pipe was faster for 5 of 6 sizes\n", "the Pipe was faster for 3 of 6 sizes\n"),
    # 08: computed ratios
    ("loads of the array was ≈ 138 x faster\nsharing was ≈ 6 x faster\n"
     "the worker's way took ≈ 16 x as long\n",
     "loads of the array was ≈ 41 x faster\nsharing was ≈ 9 x faster\n"
     "the worker's way took ≈ 17 x as long\n"),
])
def test_outputs_that_must_compare_equal(one, other):
    assert sanitize(one) == sanitize(other)


@pytest.mark.parametrize(("raw", "clean"), [
    ("interpreters: skipped, InterpreterPoolExecutor needs Python 3.14 or newer",
     "interpreters: <measured from Python 3.14, skipped before>"),
    ("processes, 2 workers: S ≈ 1.82, e ≈ 0.099\nthreads, 2 workers: S ≈ 0.91, e ≈ 1.209\n",
     "processes: <one line per worker count>\nthreads: <one line per worker count>\n"),
    ("fastest to slowest: fork, forkserver, spawn",
     "fastest to slowest: <start methods, by what they cost here>"),
    ("interpreter  skipped, needs Python 3.14", "interpreter  <time>"),
    ("the Pipe was faster for 5 of 6 sizes", "the Pipe was faster for <k> of 6 sizes"),
])
def test_examples(raw, clean):
    assert sanitize(raw) == clean


@pytest.mark.parametrize("kept", [
    # what must stay visible: the summary lines, the reference table, the GIL line
    "processes, 1 worker                  : speedup ≈ <n>, efficiency ≈ <n>",
    "processes, workers = usable CPUs     : speedup ≈ <n>, efficiency ≈ <n>",
    "reference, 2 workers: S ≈ <n>, e ≈ <n>",
    "GIL on (standard build)",
    "static, chunksize=60: worker 1: 11 %, worker 2: 89 %",
])
def test_what_stays_compared(kept):
    assert sanitize(kept) == kept
