"""Tests for helpers.checks.full_example: right answers pass, wrong ones get a hint."""

from __future__ import annotations

import multiprocessing

import pytest

from helpers.checks.core import NotAttempted, NotYet
from helpers.checks.full_example import (
    EXERCISE_TASKS,
    EXERCISE_WORKERS,
    SENTINEL_WORKERS,
    check_corrected_run,
    check_drain_or_join,
    check_sentinel_count,
)
from helpers.full_example import do_job, do_job_until_sentinel, make_tasks
from helpers.processes import exit_with, sleep_for
from helpers.queues import producer

pytestmark = pytest.mark.per_start_method

TIMEOUT = 20.0


@pytest.fixture(autouse=True)
def no_children_left():
    yield
    assert multiprocessing.active_children() == []


def fails_with(check, *args, hint: str, hidden: tuple[str, ...] = ()) -> str:
    """Run a check that must fail with NotYet; return its message."""
    with pytest.raises(NotYet) as info:
        check(*args)
    message = str(info.value)
    assert message.startswith("Not yet.")
    assert hint in message
    for secret in hidden:
        assert secret not in message
    return message


# --- Exercise 1: number of sentinels ---------------------------------------------------


def test_sentinel_count_right(capsys):
    check_sentinel_count(SENTINEL_WORKERS)
    assert capsys.readouterr().out.startswith("Correct!")


def test_sentinel_count_not_attempted(capsys):
    with pytest.raises(NotAttempted):
        check_sentinel_count(...)
    assert "Not attempted yet" in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    ("6", "whole number"),
    (6.0, "whole number"),
    (True, "whole number"),
    (20, "not that a task is done"),
    (0, "no sentinel at all"),
    (-2, "no sentinel at all"),
    (1, "One None stops only"),
    (4, "some workers never get"),
    (7, "extra ones are never read"),
])
def test_sentinel_count_wrong(answer, hint):
    fails_with(check_sentinel_count, answer, hint=hint, hidden=(str(SENTINEL_WORKERS), "six"))


# --- Exercise 2: drain or join first ----------------------------------------------------


@pytest.mark.parametrize("answer", ["b", " B "])
def test_drain_or_join_right(answer, capsys):
    check_drain_or_join(answer)
    assert capsys.readouterr().out.startswith("Correct!")


def test_drain_or_join_not_attempted():
    with pytest.raises(NotAttempted):
        check_drain_or_join(...)


@pytest.mark.parametrize("answer, hint", [
    ("a", "Each waits for the other"),
    ("c", "64 KiB"),
])
def test_drain_or_join_wrong(answer, hint):
    fails_with(check_drain_or_join, answer, hint=hint, hidden=('"b"', "'b'"))


@pytest.mark.parametrize("answer", ["d", 2, ["b"]])
def test_drain_or_join_not_a_choice(answer):
    fails_with(check_drain_or_join, answer, hint="one of the strings")


# --- Exercise 3: the corrected program ----------------------------------------------------


_queues = []  # queues stay alive until every worker has unpickled them (spawn, forkserver)


def _fill_from_a_finished_process(todo, tasks, sentinels):
    """Put ``tasks`` and then ``sentinels`` Nones on ``todo`` from a child, and wait for it.

    A process flushes its queues' feeder threads before it exits, so once it has been
    joined every item is in the queue's pipe: nothing is still on its way.
    """
    filler = multiprocessing.Process(target=producer, args=(todo, tasks, sentinels))
    filler.start()
    filler.join(TIMEOUT)
    assert filler.exitcode == 0


def run(n_tasks=EXERCISE_TASKS, n_workers=EXERCISE_WORKERS, sentinels=None,
        target=do_job_until_sentinel, results=None, join=True, prefill=False):
    """A learner's run: returns (done_messages, workers).

    With ``prefill`` every task and sentinel is in the queue's pipe before the first
    worker starts (see :func:`_fill_from_a_finished_process`).
    """
    todo, done = multiprocessing.Queue(), multiprocessing.Queue()
    _queues.append((todo, done))
    n_sentinels = n_workers if sentinels is None else sentinels
    if prefill:
        _fill_from_a_finished_process(todo, make_tasks(n_tasks), n_sentinels)
    else:
        for task in make_tasks(n_tasks):
            todo.put(task)
        for _ in range(n_sentinels):
            todo.put(None)
    workers = [multiprocessing.Process(target=target, args=(todo, done))
               for _ in range(n_workers)]
    for p in workers:
        p.start()
    messages = [done.get(timeout=TIMEOUT) for _ in range(n_tasks if results is None else results)]
    if join:
        for p in workers:
            p.join(TIMEOUT)
    return messages, workers


def test_corrected_run_right(capsys, start_method):
    check_corrected_run(*run())
    assert capsys.readouterr().out.startswith("Correct!")


def test_corrected_run_accepts_results_joined_later(start_method, monkeypatch):
    # The check itself waits for the workers (GRACE seconds). A generous grace keeps this
    # test about that waiting, not about how fast a busy machine ends three processes.
    monkeypatch.setattr("helpers.checks.full_example.GRACE", TIMEOUT)
    messages, workers = run(join=False)
    check_corrected_run(messages, workers)  # they end within the grace period
    assert all(p.exitcode == 0 for p in workers)


@pytest.mark.parametrize("args", [(..., []), ([], ...), (..., ...)])
def test_corrected_run_not_attempted(args):
    with pytest.raises(NotAttempted):
        check_corrected_run(*args)


def test_corrected_run_wants_process_objects():
    fails_with(check_corrected_run, [], ["p1", "p2", "p3"], hint="list of Process objects")
    fails_with(check_corrected_run, [], None, hint="list of Process objects")


def test_corrected_run_wants_three_workers(start_method):
    fails_with(check_corrected_run, *run(n_workers=2), hint="your list has 2")


def test_corrected_run_wants_started_workers():
    workers = [multiprocessing.Process(target=sleep_for, args=(0,)) for _ in range(3)]
    fails_with(check_corrected_run, [], workers, hint="p.start()")


def test_corrected_run_reports_do_job_choking_on_none(start_method):
    # do_job's get_nowait() raises Empty while items are still on their way through the
    # queue's feeder thread, or while another worker holds the queue's read lock: with the
    # tasks put by this process, every worker could quit before meeting a None (it failed
    # that way once). Filled in advance, nothing is on its way any more, and a worker that
    # finds the read lock taken leaves the one holding it still reading. So in every
    # interleaving the last reader meets a None, and do_job fails on it.
    messages, workers = run(target=do_job, results=0, prefill=True)
    assert any(p.exitcode != 0 for p in workers)
    fails_with(check_corrected_run, messages, workers, hint="do_job_until_sentinel")


def test_corrected_run_stops_workers_without_sentinels(start_method):
    messages, workers = run(sentinels=1, join=False)
    for p in workers:
        p.join(0.5)
    fails_with(check_corrected_run, messages, workers, hint="this check stopped them")
    assert not any(p.is_alive() for p in workers)


def test_corrected_run_reports_failed_workers(start_method):
    workers = [multiprocessing.Process(target=exit_with, args=(3,)) for _ in range(3)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(TIMEOUT)
    fails_with(check_corrected_run, [], workers, hint="exit code 3")


def test_corrected_run_wants_a_list_of_strings(start_method):
    messages, workers = run()
    fails_with(check_corrected_run, "".join(messages), workers, hint="list of the strings")


def test_corrected_run_spots_unknown_tasks(start_method):
    messages, workers = run(n_tasks=EXERCISE_TASKS + 1)
    fails_with(check_corrected_run, messages, workers, hint="not asked for")


def test_corrected_run_spots_repeated_tasks(start_method):
    messages, workers = run()
    fails_with(check_corrected_run, messages + messages[:1], workers, hint="more than once")


def test_corrected_run_spots_missing_results(start_method):
    messages, workers = run()
    fails_with(check_corrected_run, messages[:-2], workers, hint="2 of the 7 tasks")
