"""helpers.pools.stop_workers: what Python 3.14's terminate_workers()/kill_workers() do,
by hand, for older Pythons (notebook 06)."""

from __future__ import annotations

import sys
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.pool import ThreadPool

import pytest

from helpers.pools import stop_workers
from helpers.processes import sleep_for

pytestmark = pytest.mark.per_start_method


def _outcome(future) -> str:
    try:
        future.result(timeout=120)
    except (BrokenProcessPool, CancelledError) as error:
        return type(error).__name__
    return "finished"


def _exit_codes(manager, workers, timeout: float = 120.0) -> list[int]:
    """The workers' exit codes, read once the executor's own thread has joined them.

    Two threads must not poll one forkserver child at once: both see its end, one reads
    the exit code and the other reads end-of-file, which Python records as 255 (a race in
    popen_forkserver). So this waits for the executor's thread, and only then looks.
    """
    manager.join(timeout)
    assert not manager.is_alive(), "the executor's thread did not end"
    return [worker.exitcode for worker in workers]


@pytest.mark.parametrize("how", ["terminate", "kill"])
def test_running_tasks_fail_waiting_ones_are_cancelled_and_no_new_ones(how):
    executor = ProcessPoolExecutor(max_workers=2)
    try:
        futures = [executor.submit(sleep_for, 60) for _ in range(4)]
        while not all(f.running() for f in futures[:2]):
            sleep_for(0.01)
        workers = list(executor._processes.values())
        manager = executor._executor_manager_thread  # shutdown() forgets it
        said = stop_workers(executor, how)
        assert said == f"{how}() on each worker, by hand ({how}_workers() is new in Python 3.14)"
        outcomes = [_outcome(f) for f in futures]
        # The first two were sent to the workers; the others may have been sent, or not.
        assert outcomes[:2] == ["BrokenProcessPool"] * 2, outcomes
        assert set(outcomes[2:]) <= {"BrokenProcessPool", "CancelledError"}, outcomes
        with pytest.raises(RuntimeError):  # BrokenProcessPool or "after shutdown"
            executor.submit(sleep_for, 0)
        codes = _exit_codes(manager, workers)
        assert sys.platform == "win32" or all(code < 0 for code in codes), codes  # a signal
    finally:
        executor.shutdown()


def test_an_executor_that_never_started_a_worker():
    executor = ProcessPoolExecutor(max_workers=1)
    assert stop_workers(executor).startswith("terminate() on each worker")
    with pytest.raises(RuntimeError):
        executor.submit(sleep_for, 0)


@pytest.mark.skipif(sys.version_info < (3, 14), reason="terminate_workers() is new in 3.14")
def test_the_same_outcome_as_terminate_workers():
    outcomes = {}
    for name in ("by hand", "3.14"):
        executor = ProcessPoolExecutor(max_workers=1)
        future = executor.submit(sleep_for, 30)
        while not future.running():
            sleep_for(0.01)
        if name == "by hand":
            stop_workers(executor)
        else:
            executor.terminate_workers()
        outcomes[name] = _outcome(future)
        executor.shutdown()
    assert outcomes["by hand"] == outcomes["3.14"] == "BrokenProcessPool"


@pytest.mark.parametrize(("executor", "how", "error", "words"), [
    (None, "terminate", TypeError, "ProcessPoolExecutor"),
    ("pool", "terminate", TypeError, "ProcessPoolExecutor"),
    ("executor", "stop", ValueError, "'terminate', 'kill'"),
    ("executor", None, TypeError, "'terminate', 'kill'"),
])
def test_bad_input(executor, how, error, words):
    if executor == "pool":
        executor = ThreadPool(1)
    elif executor == "executor":
        executor = ProcessPoolExecutor(max_workers=1)
    try:
        with pytest.raises(error, match=words):
            stop_workers(executor, how)
    finally:
        if isinstance(executor, ThreadPool):
            executor.terminate()
        elif executor is not None:
            executor.shutdown()
