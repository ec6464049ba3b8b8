"""helpers.instruments.races: lost tasks counted, in this process and in a fresh one, and the
queue's feeder-thread race shown in a single process."""

from __future__ import annotations

import multiprocessing
import multiprocessing.queues
import os
import queue

import pytest

from helpers.full_example import article_main, make_tasks, sentinel_main
from helpers.instruments import races
from helpers.instruments.pools import wait_for_no_leftovers
from helpers.instruments.races import (
    EmptyRace,
    LossReport,
    NowaitRace,
    count_losses,
    count_losses_in_fresh_process,
    count_missing,
    empty_after_put,
    empty_right_after_put,
    get_nowait_misses,
)
from helpers.processes import raise_error

pytestmark = pytest.mark.per_start_method


@pytest.fixture(autouse=True)
def no_children_left():
    """Every test must join every process it started."""
    yield
    assert multiprocessing.active_children() == []


# --- Counting what went missing -----------------------------------------------------------


def test_count_missing_counts_missing_and_repeated():
    tasks = make_tasks(4)
    done = ["Task no 0 is done by A", "Task no 2 is done by B", "Task no 2 is done by C"]
    assert count_missing(done, tasks) == (2, 1)
    assert count_missing([t + " is done by X" for t in tasks], tasks) == (0, 0)
    assert count_missing([], tasks) == (4, 0)


def test_count_missing_wants_lists():
    with pytest.raises(TypeError, match="done must be a list of done messages"):
        count_missing("Task no 0 is done by A", make_tasks(1))
    with pytest.raises(TypeError, match="tasks must be a list of task names"):
        count_missing([], "Task no 0")
    with pytest.raises(TypeError, match=r"done\[0\] must be a string such as 'Task no 3 is "
                                        r"done by Process-2', not None"):
        count_missing([None], make_tasks(1))


def test_count_losses_reports_no_loss_for_the_fix(start_method):
    report = count_losses(sentinel_main, runs=2, n_tasks=5, n_processes=2)
    assert report == LossReport(program="sentinel_main", method=start_method, runs=2,
                                tasks_per_run=5, runs_with_loss=0, tasks_lost=0,
                                tasks_repeated=0)
    assert str(report) == ("sentinel_main: runs with lost tasks: 0 of 2, "
                           "tasks lost: 0 of 10")


def test_count_losses_runs_the_article_and_counts_consistently(start_method):
    # Whether the article's program loses tasks depends on the timing; the report's
    # numbers agree with each other in every case.
    report = count_losses(article_main, runs=2, ctx=start_method, n_tasks=4, n_processes=2)
    assert (report.program, report.method, report.runs) == ("article_main", start_method, 2)
    assert report.tasks_repeated == 0
    assert report.runs_with_loss <= report.tasks_lost <= report.tasks_total == 8
    assert report.tasks_lost <= 4 * report.runs_with_loss


def test_count_losses_goes_on_until_a_loss_shows_at_most(start_method):
    calls = []

    def loses_on_the_third_run(ctx, n_tasks, n_processes):
        calls.append(1)
        tasks = make_tasks(n_tasks)
        return [t + " is done by X" for t in (tasks[1:] if len(calls) == 3 else tasks)]

    report = count_losses(loses_on_the_third_run, runs=2, n_tasks=4, at_most=10)
    assert (report.runs, report.runs_with_loss, report.lost_per_run) == (3, 1, (1,))
    calls.clear()
    report = count_losses(lambda ctx, n_tasks, n_processes: [t + " is done by X" for t in
                                                              make_tasks(n_tasks)],
                          runs=2, n_tasks=4, at_most=5)
    assert (report.runs, report.runs_with_loss) == (5, 0)  # gave up at the bound
    with pytest.raises(ValueError, match="at_most must be a whole number of at least 2"):
        count_losses(sentinel_main, runs=2, at_most=1)


def test_runs_that_lost_every_task_are_counted():
    report = count_losses(lambda ctx, n_tasks, n_processes: [], runs=2, n_tasks=3)
    assert (report.runs_lost_all, report.lost_per_run, report.tasks_lost) == (2, (3, 3), 6)


def test_count_losses_counts_what_a_program_loses():
    def loses_two(ctx, n_tasks, n_processes):
        return [t + " is done by X" for t in make_tasks(n_tasks)[2:]]

    report = count_losses(loses_two, runs=3, n_tasks=5)
    assert (report.runs_with_loss, report.tasks_lost, report.tasks_total) == (3, 6, 15)
    assert report.program == "loses_two"


def test_count_losses_rejects_bad_arguments():
    with pytest.raises(TypeError, match="main must be a function"):
        count_losses("article_main")
    with pytest.raises(ValueError, match="runs must be a whole number of at least 1"):
        count_losses(sentinel_main, runs=0)
    with pytest.raises(TypeError, match="runs must be a whole number"):
        count_losses(sentinel_main, runs=2.0)
    with pytest.raises(ValueError, match="n_processes"):
        count_losses(sentinel_main, n_processes=0)


# --- In a fresh process ----------------------------------------------------------------------


def test_count_losses_in_fresh_process_reports_the_fix(start_method):
    report = count_losses_in_fresh_process(sentinel_main, runs=2, method=start_method,
                                           n_tasks=4, n_processes=2, timeout=60)
    assert (report.runs_with_loss, report.tasks_lost, report.method) == (0, 0, start_method)


def test_count_losses_in_fresh_process_runs_the_article(start_method):
    report = count_losses_in_fresh_process(article_main, runs=2, method=start_method,
                                           n_tasks=4, n_processes=2, timeout=60)
    assert report.runs == 2 and report.tasks_repeated == 0


def fails_in_the_fresh_process(ctx, n_tasks, n_processes):
    """A program that a spawned process can import, and that fails when it runs."""
    raise KeyError(f"no tasks today ({n_tasks})")


def test_count_losses_in_fresh_process_passes_errors_back(start_method):
    with pytest.raises(RuntimeError, match=r"The fresh process failed: KeyError: 'no tasks "
                                           r"today \(4\)'"):
        count_losses_in_fresh_process(fails_in_the_fresh_process, runs=1, method=start_method,
                                      n_tasks=4, timeout=60)


def test_count_losses_wants_a_program_with_the_articles_signature():
    with pytest.raises(TypeError, match=r"main must take \(ctx, n_tasks, n_processes\)"):
        count_losses(raise_error)
    with pytest.raises(TypeError, match=r"main must take \(ctx, n_tasks, n_processes\)"):
        count_losses_in_fresh_process(raise_error)
    with pytest.raises(TypeError, match="main must return the list of done messages"):
        count_losses(lambda ctx, n_tasks, n_processes: None, runs=1)


def test_count_losses_in_fresh_process_checks_arguments_before_starting():
    for kwargs, error, words in [
            ({"method": "thread"}, ValueError, "method must be one of"),
            ({"method": None}, TypeError, "method must be one of"),
            ({"n_processes": 0}, ValueError, "n_processes"),
            ({"n_tasks": -1}, ValueError, "n_tasks"),
            ({"runs": 0}, ValueError, "runs"),
            ({"runs": 100_000}, ValueError, r"runs=100000 is more than .*LIMITS\['repeats'\]"),
            ({"timeout": 0}, ValueError, "timeout")]:
        with pytest.raises(error, match=words):
            count_losses_in_fresh_process(sentinel_main, **kwargs)
    assert multiprocessing.active_children() == []


def test_count_losses_in_fresh_process_refuses_a_function_it_cannot_import():
    def local_main(ctx, n_tasks, n_processes):
        return []

    with pytest.raises(TypeError, match="main .*cannot be sent to a child process"):
        count_losses_in_fresh_process(local_main)


def test_count_losses_in_fresh_process_times_out_and_cleans_up():
    # Far too many runs for the time allowed: the runner is killed, with its workers.
    with pytest.raises(TimeoutError, match="fewer runs"):
        count_losses_in_fresh_process(sentinel_main, runs=10_000, timeout=0.5,
                                      method=multiprocessing.get_start_method())
    assert wait_for_no_leftovers(os.getpid()) == []


# --- The feeder-thread race in one process -----------------------------------------------------


class _FeederHeldBack(multiprocessing.queues.Queue):
    """A Queue whose feeder thread cannot write into the pipe until the first blocking get.

    It holds the queue's write lock, which the feeder thread takes around every write:
    this forces the interleaving that the race needs (``put`` has returned, the item is
    not in the pipe yet), instead of hoping that the thread is slow.
    """

    def __init__(self):
        super().__init__(ctx=multiprocessing.get_context())
        assert self._wlock is not None, "the feeder takes _wlock around each write (POSIX)"
        self._wlock.acquire()
        self._held = True

    def let_the_feeder_write(self):
        if self._held:
            self._held = False
            self._wlock.release()

    def get(self, block=True, timeout=None):
        if block:
            self.let_the_feeder_write()
        return super().get(block, timeout)


def test_a_put_item_is_not_in_the_pipe_until_the_feeder_writes_it():
    q = _FeederHeldBack()
    try:
        q.put("Task no 0")
        assert q.empty()  # put() has returned, but the item is still in the buffer
        with pytest.raises(queue.Empty):
            q.get_nowait()
        assert q.get(timeout=10) == "Task no 0"  # it was there all along
    finally:
        q.let_the_feeder_write()
        q.close()
        q.join_thread()


def test_empty_after_put_counts_the_race_when_it_happens(monkeypatch):
    monkeypatch.setattr(races.multiprocessing, "Queue", _FeederHeldBack)
    assert empty_after_put(20) == EmptyRace(trials=20, said_empty=20, got_back=20)


def test_empty_right_after_put_counts_every_miss_when_it_happens(monkeypatch):
    class Context:
        """A context whose queues hold their feeder thread back."""

        def Queue(self):  # noqa: N802 - as multiprocessing spells it
            return _FeederHeldBack()

        def get_start_method(self):
            return multiprocessing.get_start_method()

        Process = multiprocessing.Process

    assert empty_right_after_put(tries=20, ctx=Context()) == 20


def test_get_nowait_misses_counts_every_miss_when_it_happens():
    class Context:
        """A context whose queues hold their feeder thread back."""

        def Queue(self):  # noqa: N802 - as multiprocessing spells it
            return _FeederHeldBack()

        def get_start_method(self):
            return multiprocessing.get_start_method()

        Process = multiprocessing.Process

    assert get_nowait_misses(tries=20, ctx=Context()) == NowaitRace(tries=20, misses=20)


def test_empty_after_put_gets_every_item_back():
    # Whether empty() is ever wrong depends on the timing; it goes on (up to `most`
    # trials) until it has been, and what it reports holds in every case.
    race = empty_after_put(50, most=150)
    assert race.trials in (50, 100, 150)
    assert race.got_back == race.trials
    assert 0 <= race.said_empty <= race.trials
    assert race.said_empty > 0 or race.trials == 150
    if race.trials > 50:  # the rounds before the last saw nothing
        assert race.said_empty <= 50


def test_get_nowait_misses_reports_consistently(start_method):
    race = get_nowait_misses(tries=20, most=60)
    assert race.tries in (20, 40, 60)
    assert 0 <= race.misses <= race.tries
    assert race.misses > 0 or race.tries == 60


def test_empty_right_after_put_counts_tries(start_method):
    misses = empty_right_after_put(tries=20)
    assert 0 <= misses <= 20


@pytest.mark.parametrize(("bad", "error"), [(0, ValueError), (-3, ValueError),
                                            (2.5, TypeError), (True, TypeError)])
def test_the_race_demos_reject_bad_counts(bad, error):
    with pytest.raises(error, match="trials"):
        empty_after_put(bad)
    with pytest.raises(error, match="tries"):
        empty_right_after_put(tries=bad)
    with pytest.raises(error, match="tries"):
        get_nowait_misses(tries=bad)


def test_the_race_demos_want_most_at_least_the_first_round():
    with pytest.raises(ValueError, match="most must be a whole number of at least 10"):
        empty_after_put(10, most=5)
    with pytest.raises(ValueError, match="most must be a whole number of at least 10"):
        get_nowait_misses(10, most=5)


def test_empty_after_put_rejects_a_bad_timeout():
    with pytest.raises(ValueError, match="timeout"):
        empty_after_put(1, timeout=0)
