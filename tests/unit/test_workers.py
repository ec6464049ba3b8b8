"""helpers.workers: the article's workers and the corrected ones, in real child processes."""

import multiprocessing
import queue
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import pytest

from helpers import workers


def test_describe_continent():
    assert workers.describe_continent() == "The name of continent is : Asia"
    assert workers.describe_continent("Europe").endswith("Europe")


def test_print_func_prints(capsys):
    workers.print_func("Africa")
    assert capsys.readouterr().out.split() == ["The", "name", "of", "continent", "is", ":",
                                               "Africa"]


def _drain(q, n, timeout=10):
    return [q.get(timeout=timeout) for _ in range(n)]


def test_do_job_until_sentinel_finishes_every_task():
    tasks, done = multiprocessing.Queue(), multiprocessing.Queue()
    for i in range(10):
        tasks.put(f"Task no {i}")
    procs = [multiprocessing.Process(target=workers.do_job_until_sentinel, args=(tasks, done))
             for _ in range(3)]
    for _ in procs:
        tasks.put(None)
    for p in procs:
        p.start()
    results = _drain(done, 10)
    for p in procs:
        p.join(10)
    assert sorted(r.split(" is done by ")[0] for r in results) == sorted(
        f"Task no {i}" for i in range(10))
    assert all(p.exitcode == 0 for p in procs)


def test_do_job_does_every_task_from_a_plain_queue():
    # With a thread queue (no feeder thread, no pipe) get_nowait never misses an item,
    # so the article's loop is correct here; notebook 05 shows where it is not.
    tasks, done = queue.Queue(), queue.Queue()
    for i in range(3):
        tasks.put(f"Task no {i}")
    assert workers.do_job(tasks, done, pause=0, verbose=False) is True
    assert sorted(done.get_nowait() for _ in range(3)) == [
        f"Task no {i} is done by MainProcess" for i in range(3)]
    assert done.empty()


def test_finish_task_names_the_process():
    assert workers.finish_task("Task no 1") == "Task no 1 is done by MainProcess"


def test_work_log_returns_finish_line(capsys, monkeypatch):
    monkeypatch.setattr(workers, "SECONDS_PER_UNIT", 0)
    assert workers.work_log(["A", 5]) == " Process A Finished."
    assert "Process A waiting 5 seconds" in capsys.readouterr().out


def test_article_work_list():
    assert workers.WORK == (("A", 5), ("B", 2), ("C", 1), ("D", 3))


def test_small_workers_in_a_pool():
    with multiprocessing.Pool(2) as pool:
        assert pool.map(workers.square, range(5)) == [0, 1, 4, 9, 16]
        assert pool.starmap(workers.add, [(1, 2), (3, 4)]) == [3, 7]
        assert pool.apply(workers.slow_square, (3, 0)) == 9
        assert pool.apply(workers.sleep_for, (0,)) == 0
        with pytest.raises(ZeroDivisionError):
            pool.apply(workers.reciprocal, (0,))


def test_exit_with_sets_exitcode():
    p = multiprocessing.Process(target=workers.exit_with, args=(3,))
    p.start()
    p.join(10)
    assert p.exitcode == 3


def test_raise_error_gives_exitcode_1(capfd):
    p = multiprocessing.Process(target=workers.raise_error)
    p.start()
    p.join(10)
    assert p.exitcode == 1


def test_die_on_breaks_an_executor():
    with ProcessPoolExecutor(1) as pool:
        assert pool.submit(workers.die_on, 1).result(timeout=10) == 1
        with pytest.raises(BrokenProcessPool):
            pool.submit(workers.die_on, 3).result(timeout=10)


def test_count_primes():
    assert workers.count_primes(2) == 0
    assert workers.count_primes(3) == 1
    assert workers.count_primes(100) == 25
    assert workers.count_primes(100_000) == 9592


@pytest.mark.parametrize("bad", [10.0, "10", True])
def test_count_primes_rejects_non_int(bad):
    with pytest.raises(TypeError, match="must be an int"):
        workers.count_primes(bad)
