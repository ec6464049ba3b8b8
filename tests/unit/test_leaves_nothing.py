"""Every helper that starts processes or threads returns or raises in time, and leaves
nothing running: no child process, no extra thread.

Each is tried the two ways a learner trips it up (issue 14):

* with a *notebook-style* function, defined in ``__main__`` as a notebook cell defines
  it: under *spawn* and *forkserver* a child cannot import it, so the helper must refuse
  it at once, with the ``%%writefile`` hint, before it starts anything; under *fork* it
  works;
* with an error raised halfway: a worker that raises on one item (``reciprocal(0)``), a
  program that fails on its second run, a feed that never returns.

Run the module under each start method (``pytest --start-method spawn``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from helpers.checks import NotYet
from helpers.instruments.pools import describe_processes, wait_for_no_leftovers
from helpers.pools import reciprocal, square

pytestmark = pytest.mark.per_start_method

LIMIT = 90.0
"""Seconds any one helper may take here (their own timeouts are shorter)."""


def nb_square(x):
    """Stands for a function defined in a notebook cell (see the ``notebook_function`` fixture)."""
    return x * x


@pytest.fixture
def notebook_function(monkeypatch: pytest.MonkeyPatch) -> Callable[[Any], Any]:
    """``nb_square`` as if a notebook cell had defined it: its module is ``__main__``, and
    ``__main__`` has it (so *fork* children have it too, as in a real kernel)."""
    monkeypatch.setattr(nb_square, "__module__", "__main__")
    monkeypatch.setattr(sys.modules["__main__"], "nb_square", nb_square, raising=False)
    return nb_square


@contextlib.contextmanager
def deadline(seconds: float = LIMIT) -> Iterator[None]:
    """Fail (instead of hanging the test run) if the block takes longer than ``seconds``."""
    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def leaves_nothing() -> Iterator[None]:
    """After the test: no child process (but the resource tracker and the forkserver), and
    the threads back to those alive before it."""
    before = set(threading.enumerate())
    yield
    left = wait_for_no_leftovers(timeout=10)
    assert not left, "child processes left behind:\n" + describe_processes(left)
    end = time.monotonic() + 10
    while time.monotonic() < end:
        extra = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        if not extra:
            break
        time.sleep(0.1)
    assert not extra, f"threads left running: {[t.name for t in extra]}"


def refuses_or_runs(call: Callable[[], Any], expected: Any = None,
                    error: type[BaseException] = TypeError) -> None:
    """Under fork, ``call()`` works (and returns ``expected`` if given); under spawn and
    forkserver it refuses at once with the ``%%writefile`` hint."""
    method = multiprocessing.get_start_method()
    with deadline():
        if method == "fork":
            result = call()
            if expected is not None:
                assert result == expected
            return
        began = time.monotonic()
        with pytest.raises(error, match="%%writefile"):
            call()
    assert time.monotonic() - began < 5, "the refusal should come before any pool starts"


def raises_in_time(call: Callable[[], Any], error: type[BaseException] | tuple = Exception,
                   match: str | None = None) -> None:
    with deadline(), pytest.raises(error, match=match):
        call()


# --- Helpers that hand a learner's function to a pool ----------------------------------------


def _workload(func: Callable[[Any], Any], tasks: tuple[Any, ...] = (1, 2, 3, 4)) -> Any:
    from helpers.instruments.measure import Workload

    return Workload("test", func, tasks)


def test_measure(notebook_function, leaves_nothing):
    from helpers.instruments.measure import measure

    refuses_or_runs(lambda: measure(_workload(notebook_function), [2], kinds=("processes",),
                                    repeats=1))
    raises_in_time(lambda: measure(_workload(reciprocal, (1, 0, 2)), [2],
                                   kinds=("processes",), repeats=1), ZeroDivisionError)


def test_timeline_overhead(notebook_function, leaves_nothing):
    from helpers.instruments.measure import timeline_overhead

    refuses_or_runs(lambda: timeline_overhead(_workload(notebook_function), 2, repeats=1))
    raises_in_time(lambda: timeline_overhead(_workload(reciprocal, (1, 0)), 2, repeats=1),
                   ZeroDivisionError)


def test_run_control(notebook_function, leaves_nothing):
    from helpers.instruments.widgets import RunControl

    refuses = RunControl(_workload(notebook_function), usable=2)  # draws a chart: not timed
    refuses_or_runs(lambda: refuses.run(2))
    control = RunControl(_workload(reciprocal, (1, 0)), usable=2)
    raises_in_time(lambda: control.run(2), ZeroDivisionError)
    assert "That run failed: ZeroDivisionError" in control.status.value
    assert not control.button.disabled


def test_imap_unordered_with_progress(notebook_function, leaves_nothing):
    from ipywidgets import IntProgress

    from helpers.instruments.widgets import imap_unordered_with_progress

    with multiprocessing.Pool(2) as pool:
        refuses_or_runs(lambda: sorted(imap_unordered_with_progress(
            pool, notebook_function, [1, 2, 3], bar=IntProgress())), [1, 4, 9])
        bar = IntProgress()
        raises_in_time(lambda: imap_unordered_with_progress(pool, reciprocal, [1, 0, 2],
                                                            bar=bar), ZeroDivisionError)
        assert bar.bar_style == "danger"


def test_time_here_and_in_a_worker(notebook_function, leaves_nothing):
    from helpers.instruments.transfer import time_here_and_in_a_worker

    refuses_or_runs(lambda: time_here_and_in_a_worker(notebook_function, 3, repeats=1))
    raises_in_time(lambda: time_here_and_in_a_worker(reciprocal, 0, repeats=1),
                   ZeroDivisionError)


def test_time_chunksizes(notebook_function, leaves_nothing):
    from helpers.instruments.transfer import time_chunksizes

    refuses_or_runs(lambda: time_chunksizes(notebook_function, [1, 2, 3], [1, 2], repeats=1))
    raises_in_time(lambda: time_chunksizes(reciprocal, [1, 0, 2], [1], repeats=1),
                   ZeroDivisionError)


def test_timelines_by_chunksize(notebook_function, leaves_nothing):
    from helpers.instruments.transfer import timelines_by_chunksize

    refuses_or_runs(lambda: timelines_by_chunksize(notebook_function, [1, 2, 3], [1]))
    raises_in_time(lambda: timelines_by_chunksize(reciprocal, [1, 0, 2], [1]),
                   ZeroDivisionError)


def test_warm_pool_stops_its_workers_after_an_error(leaves_nothing):
    from helpers.instruments.pools import warm_pool

    def use() -> None:
        with warm_pool("processes", 2) as pool:
            pool.map(reciprocal, [1, 0, 2])

    raises_in_time(use, ZeroDivisionError)
    with deadline(), warm_pool("threads", 2) as pool:
        assert pool.map(square, [1, 2]) == [1, 4]


def test_run_learner_worker(notebook_function, leaves_nothing):
    from helpers.checks.core import run_learner_worker

    refuses_or_runs(lambda: run_learner_worker(notebook_function, [1, 2]), [1, 4],
                    error=NotYet)
    raises_in_time(lambda: run_learner_worker(reciprocal, [1, 0]), NotYet,
                   "raised ZeroDivisionError")


def test_check_describe_task(notebook_function, leaves_nothing, capsys):
    from helpers.checks.pools import check_describe_task

    raises_in_time(lambda: check_describe_task(notebook_function), NotYet)
    raises_in_time(lambda: check_describe_task(reciprocal), NotYet)


# --- The races and the full example -----------------------------------------------------------


def test_count_losses_in_fresh_process(notebook_function, leaves_nothing):
    from helpers.full_example import article_main
    from helpers.instruments.races import count_losses_in_fresh_process

    # The runner is always a spawned process: a notebook's function never reaches it.
    raises_in_time(lambda: count_losses_in_fresh_process(notebook_function), TypeError,
                   "%%writefile")
    raises_in_time(lambda: count_losses_in_fresh_process(article_main, 1, timeout="5"),
                   TypeError, "timeout")
    with deadline():
        report = count_losses_in_fresh_process(article_main, 2, "spawn", 4, 2, timeout=60)
    assert report.runs == 2


def _fails_on_second_run() -> Callable[..., list[str]]:
    from helpers.full_example import article_main

    runs = []

    def main(ctx: Any, n_tasks: int, n_processes: int) -> list[str]:
        runs.append(1)
        if len(runs) == 2:
            raise RuntimeError("the program failed on its second run")
        return article_main(ctx, n_tasks, n_processes)

    return main


def test_count_losses(leaves_nothing):
    from helpers.instruments.races import count_losses

    raises_in_time(lambda: count_losses(_fails_on_second_run(), runs=3, n_tasks=4,
                                        n_processes=2), RuntimeError, "second run")


def test_article_and_sentinel_main(leaves_nothing):
    from helpers.full_example import article_main, sentinel_main

    with deadline():
        assert len(article_main(None, 4, 2)) <= 4
        assert len(sentinel_main(None, 4, 2)) == 4
    # Workers that sleep longer than the parent waits: the program fails, and stops them.
    raises_in_time(lambda: sentinel_main(None, 4, 2, pause=5, timeout=0.5), Exception)


def test_empty_after_put_and_right_after_put(leaves_nothing):
    from helpers.instruments.races import empty_after_put, empty_right_after_put

    with deadline():
        assert empty_after_put(5).got_back == 5
        assert 0 <= empty_right_after_put(5) <= 5


def test_count_without_lock(leaves_nothing):
    from helpers.locks import count_without_lock

    with deadline():
        value, runs = count_without_lock(2, 100, max_runs=1)
    assert runs == 1 and 0 < value <= 200


def test_interpreter_pool(leaves_nothing):
    from helpers.instruments import interpreters

    if not interpreters.interpreters_available():
        raises_in_time(lambda: interpreters.warm_interpreter_pool(1).__enter__(),
                       RuntimeError, "3.14")
        return
    with deadline(), interpreters.warm_interpreter_pool(2, ["helpers.pools"]) as pool:
        assert list(pool.map(square, [1, 2])) == [1, 4]


def test_time_designs(leaves_nothing):
    from helpers.instruments.counting import time_designs

    with deadline():
        runs = time_designs(["no lock", "count locally, add once"], 2, 100)
    assert [run.exact for run in runs][1]


# --- Costs ------------------------------------------------------------------------------------


def test_transfer_and_start_cost(leaves_nothing):
    from helpers.instruments.pools import measure_start_costs
    from helpers.instruments.transfer import measure_transfer, time_copies_vs_shared

    with deadline():
        assert set(measure_transfer("Queue", [100, 1000], 1)) == {100, 1000}
        assert set(measure_transfer("Pipe", [100], 1)) == {100}
        assert all(t > 0 for t in time_copies_vs_shared(1000, 2, 1))
        assert set(measure_start_costs([multiprocessing.get_start_method()], 1))


# --- Checks that run the learner's code --------------------------------------------------------


def feed_halfway(tasks, items, n_consumers):
    tasks.put(items[0])
    raise ValueError("the learner's feed failed halfway")


def feed_forever(tasks, items, n_consumers):
    while True:
        pass


def feed_blocks(tasks, items, n_consumers):
    tasks.get()


@pytest.mark.parametrize("feed", [feed_halfway, feed_forever, feed_blocks])
def test_check_feed_stops_the_learners_feed(feed, leaves_nothing, monkeypatch, capsys):
    from helpers.checks import queues

    monkeypatch.setattr(queues, "FEED_TIMEOUT", 1.0)
    monkeypatch.setattr(feed, "__module__", "__main__")
    raises_in_time(lambda: queues.check_feed(feed), NotYet)


def test_check_corrected_run_stops_workers_that_never_end(leaves_nothing, capsys):
    from helpers.checks.full_example import check_corrected_run
    from helpers.full_example import do_job_until_sentinel, make_tasks

    tasks, done = multiprocessing.Queue(), multiprocessing.Queue()
    for task in make_tasks(7):
        tasks.put(task)
    workers = [multiprocessing.Process(target=do_job_until_sentinel, args=(tasks, done))
               for _ in range(3)]  # no sentinels: they wait for ever
    for worker in workers:
        worker.start()
    messages = [done.get(timeout=30) for _ in range(7)]
    raises_in_time(lambda: check_corrected_run(messages, workers), NotYet, "still running")
    for q in (tasks, done):
        q.close()
        q.join_thread()


def test_check_shout_with_a_worker_that_fails_halfway(tmp_path, leaves_nothing, monkeypatch,
                                                     capsys):
    import importlib

    from helpers.checks.processes import check_shout

    (tmp_path / "halfway_workers.py").write_text(
        "def shout(text):\n    if text == 'Europe':\n        raise KeyError(text)\n"
        "    return text.upper() + '!'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("halfway_workers")
    raises_in_time(lambda: check_shout(module), NotYet, "KeyError")


# --- Dask, from the command line -----------------------------------------------------------------


def test_start_cli_cluster(leaves_nothing):
    pytest.importorskip("distributed")
    from helpers.instruments.cluster import start_cli_cluster

    raises_in_time(lambda: start_cli_cluster(n_workers=10_000), ValueError, "LIMITS")
    with deadline():
        cluster = start_cli_cluster(n_workers=1, nanny=False)
        assert cluster.address.startswith("tcp://127.0.0.1:")
        cluster.close()
