"""Worked examples for the outputs of notebook 09 (tests/sanitize.cfg): every machine's and
every run's output must read the same after sanitizing, and what the lesson shows (counts,
results, True/False) must survive it."""

from __future__ import annotations

import pytest

from tests.plugin import sanitize


@pytest.mark.parametrize(("one", "other"), [
    # the LocalCluster's addresses: free ports
    ("scheduler: tcp://127.0.0.1:46483\nworkers:   2\ndashboard: http://127.0.0.1:37681/status\n",
     "scheduler: tcp://127.0.0.1:35191\nworkers:   2\ndashboard: http://127.0.0.1:8787/status\n"),
    # speedups of the Mandelbrot image: a quiet machine, and a busy one
    ("Pool(2): speedup ≈ 1.9\nDask, 2 workers: speedup ≈ 1.7\n",
     "Pool(2): speedup ≈ 0.9\nDask, 2 workers: speedup ≈ 0.8\n"),
    # the first record of the task stream, and its summary
    ("tcp://127.0.0.1:33767 ({'action': 'compute', 'start': 1796175575.2182434, "
     "'stop': 1796175575.2215104},)\n18 tasks on 2 workers, compute time 0.34 s\n",
     "tcp://127.0.0.1:33093 ({'action': 'compute', 'start': 1796179128.2307777, "
     "'stop': 1796179128.270202},)\n18 tasks on 2 workers, compute time 2.88 s\n"),
    # what a tiny task costs
    ("Dask: ≈ 2.29 ms of wall time per task\n"
     "500 Dask tasks took ≈ 131 x as long as the pool, 10 blocks ≈ 9 x\n",
     "Dask: ≈ 11.08 ms of wall time per task\n"
     "500 Dask tasks took ≈ 1358 x as long as the pool, 10 blocks ≈ 56 x\n"),
    ("Dask: ≈ 0.45 ms of wall time per task\n",
     "Dask: ≈ 123.40 ms of wall time per task\n"),
    # results as bare lists against rows wrapped in blocks
    ("40 rows as lists of numbers: 0.41 s; wrapped one per block: 0.08 s\n"
     "wrapped was ≈ 5.1 x as fast\n",
     "40 rows as lists of numbers: 2.91 s; wrapped one per block: 0.74 s\n"
     "wrapped was ≈ 3.9 x as fast\n"),
    # the commands of the command-line cluster
    ("dask scheduler --host 127.0.0.1 --port 35407 --dashboard-address 127.0.0.1:0\n"
     "dask worker tcp://127.0.0.1:35407 --host 127.0.0.1 --nthreads 1\n"
     "connected to tcp://127.0.0.1:35407\n",
     "dask scheduler --host 127.0.0.1 --port 46929 --dashboard-address 127.0.0.1:0\n"
     "dask worker tcp://127.0.0.1:46929 --host 127.0.0.1 --nthreads 1\n"
     "connected to tcp://127.0.0.1:46929\n"),
])
def test_runs_read_the_same(one, other):
    assert sanitize(one) == sanitize(other)


@pytest.mark.parametrize("text", [
    "workers: 2\n",
    "18 tasks on 2 workers, ",
    "the same image all three ways: True\n",
    "a pool worker died: True\n",
    "did a Dask worker die? True\n",
    "KilledWorker: 2 workers died running one task\n",
    "processes of the command-line cluster still running: 0\n",
    "processes left: 0\n",
    "[0, 1, 2, 3, 4, 5]\n",
    "{20000: 2262, 40000: 4203, 60000: 6057, 80000: 7837}\n",
])
def test_what_the_lesson_shows_is_kept(text):
    assert sanitize(text) == text


@pytest.mark.parametrize(("one", "other"), [
    ("a pool worker died: True\n", "a pool worker died: False\n"),
    ("processes left: 0\n", "processes left: 1\n"),
    ("KilledWorker: 2 workers died running one task\n",
     "KilledWorker: 4 workers died running one task\n"),
    ("18 tasks on 2 workers, compute time 0.34 s\n", "18 tasks on 1 worker, compute time 0.34 s\n"),
])
def test_a_different_lesson_still_differs(one, other):
    assert sanitize(one) != sanitize(other)
