"""Tests for helpers.races: the article's full example, its fix, and the loss counter."""

from __future__ import annotations

import multiprocessing
import os
import queue

import pytest

from helpers.races import (
    LossReport,
    article_main,
    count_losses,
    count_losses_in_fresh_process,
    count_missing,
    empty_right_after_put,
    make_tasks,
    put_payload,
    sentinel_main,
    task_of,
)
from tests import harness

TIMEOUT = 20.0


@pytest.fixture(autouse=True)
def no_children_left():
    """Every test must join every process it started."""
    yield
    assert multiprocessing.active_children() == []


def test_make_tasks_uses_the_articles_names():
    assert make_tasks(3) == ["Task no 0", "Task no 1", "Task no 2"]
    assert make_tasks(0) == []


@pytest.mark.parametrize("bad", [-1, 2.5, "10", True, None])
def test_make_tasks_rejects_bad_counts(bad):
    with pytest.raises(ValueError, match="whole number"):
        make_tasks(bad)


def test_task_of_strips_the_worker():
    assert task_of("Task no 3 is done by Process-2") == "Task no 3"
    assert task_of("Task no 3") == "Task no 3"


def test_count_missing_counts_missing_and_repeated():
    tasks = make_tasks(4)
    done = ["Task no 0 is done by A", "Task no 2 is done by B", "Task no 2 is done by C"]
    assert count_missing(done, tasks) == (2, 1)
    assert count_missing([t + " is done by X" for t in tasks], tasks) == (0, 0)


def test_article_main_never_repeats_a_task(start_method):
    done = article_main(n_tasks=6, n_processes=2)
    missing, repeated = count_missing(done, make_tasks(6))
    assert repeated == 0
    assert len(done) == 6 - missing
    assert all(" is done by " in line for line in done)


def test_sentinel_main_does_every_task_once(start_method):
    done = sentinel_main(n_tasks=7, n_processes=3)
    assert sorted(task_of(line) for line in done) == sorted(make_tasks(7))


def test_sentinel_main_with_no_tasks_returns_nothing():
    assert sentinel_main(n_tasks=0, n_processes=2) == []


def test_sentinel_main_fails_instead_of_hanging():
    # Each worker sleeps after its first task, and the parent gives results no time to
    # arrive: it must raise queue.Empty and still stop and join its workers.
    with pytest.raises(queue.Empty):
        sentinel_main(n_tasks=3, n_processes=1, pause=5.0, timeout=0.001)


@pytest.mark.parametrize("main", [article_main, sentinel_main])
def test_programs_reject_bad_arguments(main):
    with pytest.raises(ValueError, match="n_processes"):
        main(n_processes=0)
    with pytest.raises(TypeError, match="context"):
        main(ctx="fork")


def test_count_losses_reports_no_loss_for_the_fix(start_method):
    report = count_losses(sentinel_main, runs=2, n_tasks=5, n_processes=2)
    assert report == LossReport(program="sentinel_main", method=start_method, runs=2,
                                tasks_per_run=5, runs_with_loss=0, tasks_lost=0,
                                tasks_repeated=0)
    assert str(report) == ("sentinel_main: runs with lost tasks: 0 of 2, "
                           "tasks lost: 0 of 10")


def test_count_losses_counts_what_a_program_loses():
    def loses_two(ctx, n_tasks, n_processes):
        return [t + " is done by X" for t in make_tasks(n_tasks)[2:]]

    report = count_losses(loses_two, runs=3, n_tasks=5)
    assert (report.runs_with_loss, report.tasks_lost, report.tasks_total) == (3, 6, 15)
    assert report.program == "loses_two"


def test_count_losses_rejects_bad_arguments():
    with pytest.raises(TypeError, match="function"):
        count_losses("article_main")
    with pytest.raises(ValueError, match="runs"):
        count_losses(sentinel_main, runs=0)


def test_count_losses_in_fresh_process_reports_the_fix(start_method):
    report = count_losses_in_fresh_process(sentinel_main, runs=2, method=start_method,
                                           n_tasks=4, n_processes=2, timeout=60)
    assert (report.runs_with_loss, report.tasks_lost, report.method) == (0, 0, start_method)


def test_count_losses_in_fresh_process_runs_the_article(start_method):
    report = count_losses_in_fresh_process(article_main, runs=2, method=start_method,
                                           n_tasks=4, n_processes=2, timeout=60)
    assert report.runs == 2 and report.tasks_repeated == 0


def test_count_losses_in_fresh_process_passes_errors_back():
    with pytest.raises(RuntimeError, match="n_processes"):
        count_losses_in_fresh_process(sentinel_main, runs=1, n_processes=0, timeout=60,
                                      method=multiprocessing.get_start_method())


def test_count_losses_in_fresh_process_rejects_bad_method():
    with pytest.raises(ValueError, match="method"):
        count_losses_in_fresh_process(sentinel_main, method="thread")


def test_count_losses_in_fresh_process_times_out_and_cleans_up():
    # Far too many runs for the time allowed: the runner is killed, with its workers.
    with pytest.raises(TimeoutError, match="fewer runs"):
        count_losses_in_fresh_process(sentinel_main, runs=100_000, timeout=0.5,
                                      method=multiprocessing.get_start_method())
    assert harness.wait_for_no_leftovers(os.getpid()) == []


def test_empty_right_after_put_counts_tries(start_method):
    misses = empty_right_after_put(tries=20)
    assert 0 <= misses <= 20
    with pytest.raises(ValueError, match="tries"):
        empty_right_after_put(tries=0)


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
