"""helpers.full_example: the article's program and worker, the corrected ones, and the
join-before-drain child, in real child processes."""

from __future__ import annotations

import multiprocessing
import queue

import pytest

from helpers.full_example import (
    DONE_SEPARATOR,
    article_main,
    do_job,
    do_job_until_sentinel,
    finish_task,
    make_tasks,
    put_payload,
    sentinel_main,
    task_of,
)
from helpers.instruments.races import count_missing

pytestmark = pytest.mark.per_start_method

TIMEOUT = 20.0


@pytest.fixture(autouse=True)
def no_children_left():
    """Every test must join every process it started."""
    yield
    assert multiprocessing.active_children() == []


# --- Tasks and done messages ----------------------------------------------------------


def test_make_tasks_uses_the_articles_names():
    assert make_tasks(3) == ["Task no 0", "Task no 1", "Task no 2"]
    assert make_tasks() == [f"Task no {i}" for i in range(10)]
    assert make_tasks(0) == []


@pytest.mark.parametrize(("bad", "error"), [(-1, ValueError), (2.5, TypeError),
                                            ("10", TypeError), (True, TypeError),
                                            (None, TypeError)])
def test_make_tasks_rejects_bad_counts(bad, error):
    with pytest.raises(error, match="n_tasks must be a whole number"):
        make_tasks(bad)


def test_make_tasks_refuses_a_huge_count_and_says_how_to_allow_it():
    with pytest.raises(ValueError, match=r"n_tasks=10000001 is more than .*LIMITS\['items'\]"):
        make_tasks(10_000_001)


def test_task_of_strips_the_worker():
    assert task_of("Task no 3 is done by Process-2") == "Task no 3"
    assert task_of("Task no 3") == "Task no 3"
    assert task_of("Task no 3" + DONE_SEPARATOR + "a" + DONE_SEPARATOR + "b") == "Task no 3"


@pytest.mark.parametrize("bad", [3, None, ["Task no 3 is done by X"]])
def test_task_of_wants_a_string(bad):
    with pytest.raises(TypeError, match="each done message must be a string"):
        task_of(bad)


# --- The workers ------------------------------------------------------------------------


def _drain(q, n, timeout=TIMEOUT):
    return [q.get(timeout=timeout) for _ in range(n)]


def test_do_job_does_every_task_from_a_plain_queue(capsys):
    # With a thread queue (no feeder thread, no pipe) get_nowait never misses an item,
    # so the article's loop is correct here; notebook 05 shows where it is not.
    tasks, done = queue.Queue(), queue.Queue()
    for i in range(3):
        tasks.put(f"Task no {i}")
    assert do_job(tasks, done, pause=0) is True
    assert sorted(done.get_nowait() for _ in range(3)) == [
        f"Task no {i} is done by MainProcess" for i in range(3)]
    assert done.empty()
    assert capsys.readouterr().out.splitlines() == [f"Task no {i}" for i in range(3)]


def test_do_job_quiet_prints_nothing(capsys):
    tasks, done = queue.Queue(), queue.Queue()
    tasks.put("Task no 0")
    do_job(tasks, done, pause=0, verbose=False)
    assert capsys.readouterr().out == ""


def test_do_job_refuses_a_bad_pause():
    with pytest.raises(ValueError, match="pause"):
        do_job(queue.Queue(), queue.Queue(), pause=-1)


def test_do_job_until_sentinel_here_stops_at_the_first_none():
    tasks, done = queue.Queue(), queue.Queue()
    for item in ["Task no 0", None, "Task no 1"]:
        tasks.put(item)
    do_job_until_sentinel(tasks, done)
    assert done.get_nowait() == "Task no 0 is done by MainProcess"
    assert done.empty() and tasks.get_nowait() == "Task no 1"


def test_do_job_until_sentinel_finishes_every_task():
    tasks, done = multiprocessing.Queue(), multiprocessing.Queue()
    for task in make_tasks(10):
        tasks.put(task)
    procs = [multiprocessing.Process(target=do_job_until_sentinel, args=(tasks, done))
             for _ in range(3)]
    for _ in procs:
        tasks.put(None)
    for p in procs:
        p.start()
    results = _drain(done, 10)
    for p in procs:
        p.join(TIMEOUT)
    assert sorted(task_of(r) for r in results) == sorted(make_tasks(10))
    assert all(p.exitcode == 0 for p in procs)


def test_finish_task_names_the_process():
    assert finish_task("Task no 1") == "Task no 1 is done by MainProcess"


def test_finish_task_in_a_pool_names_a_pool_worker():
    with multiprocessing.Pool(2) as pool:
        done = pool.map(finish_task, make_tasks(4))
    assert [task_of(line) for line in done] == make_tasks(4)
    assert all("PoolWorker" in line.split(DONE_SEPARATOR)[1] for line in done)


# --- The article's program and the corrected one ------------------------------------------


def test_article_main_never_repeats_a_task(start_method):
    # Tasks may go missing (that is the article's bug), but none is done twice, and
    # every line is a done message.
    done = article_main(n_tasks=6, n_processes=2)
    missing, repeated = count_missing(done, make_tasks(6))
    assert repeated == 0
    assert len(done) == 6 - missing
    assert all(DONE_SEPARATOR in line for line in done)


def test_article_main_takes_a_start_method_or_a_context(start_method):
    for ctx in (start_method, multiprocessing.get_context(start_method)):
        done = article_main(ctx, n_tasks=3, n_processes=1)
        assert count_missing(done, make_tasks(3))[1] == 0


def test_sentinel_main_does_every_task_once(start_method):
    done = sentinel_main(n_tasks=7, n_processes=3)
    assert sorted(task_of(line) for line in done) == sorted(make_tasks(7))


def test_sentinel_main_with_a_named_start_method(start_method):
    done = sentinel_main(start_method, n_tasks=3, n_processes=2)
    assert sorted(task_of(line) for line in done) == make_tasks(3)


def test_sentinel_main_with_no_tasks_returns_nothing():
    assert sentinel_main(n_tasks=0, n_processes=2) == []


def test_sentinel_main_fails_instead_of_hanging():
    # The one worker sleeps 5 s after its first task, and the parent gives each result
    # 1 ms: whatever the timing, the second result cannot be there in time. It must raise
    # queue.Empty and still stop and join its worker.
    with pytest.raises(queue.Empty):
        sentinel_main(n_tasks=3, n_processes=1, pause=5.0, timeout=0.001)


@pytest.mark.parametrize("main", [article_main, sentinel_main])
def test_programs_reject_bad_arguments(main):
    with pytest.raises(ValueError, match="n_processes must be a whole number of at least 1"):
        main(n_processes=0)
    with pytest.raises(TypeError, match="n_processes must be a whole number"):
        main(n_processes=2.0)
    with pytest.raises(TypeError, match="ctx must be a multiprocessing context"):
        main(ctx=42)
    with pytest.raises(ValueError, match="ctx must be one of"):
        main(ctx="thread")
    with pytest.raises(ValueError, match="pause"):
        main(pause=-1)
    assert multiprocessing.active_children() == []


def test_sentinel_main_rejects_a_zero_timeout():
    with pytest.raises(ValueError, match="timeout"):
        sentinel_main(timeout=0)


# --- Join before drain ----------------------------------------------------------------------


def test_drain_then_join_works_for_a_large_payload(start_method):
    results = multiprocessing.Queue()
    p = multiprocessing.Process(target=put_payload, args=(results, 2_000_000))
    p.start()
    try:
        assert len(results.get(timeout=TIMEOUT)) == 2_000_000
    finally:
        p.join(TIMEOUT)
    assert p.exitcode == 0


def test_join_before_drain_blocks_while_the_payload_is_unread(start_method):
    # The child cannot exit before its 2 MB are in the pipe, which holds 64 KiB until
    # someone reads: whatever the timing, it is still alive after the join times out.
    results = multiprocessing.Queue()
    p = multiprocessing.Process(target=put_payload, args=(results, 2_000_000))
    p.start()
    p.join(timeout=1.0)
    try:
        assert p.is_alive()
    finally:
        results.get(timeout=TIMEOUT)
        p.join(TIMEOUT)
    assert p.exitcode == 0


def test_put_payload_refuses_a_bad_size():
    with pytest.raises(TypeError, match="nbytes"):
        put_payload(queue.Queue(), 1.5)
    with pytest.raises(ValueError, match="nbytes"):
        put_payload(queue.Queue(), -1)
