"""The race demonstrations of notebooks 03, 04 and 05 show their race by design.

* 04's unlocked writers wait at their barrier in the middle of their first block, so the
  first blocks are cut on any machine (with a lock, they wait before it);
* 04's unlocked counter and the comparison of designs run again (a few times at most) when
  a run happened to lose nothing;
* 03's ``empty_after_put``, 05's ``get_nowait_misses`` and 05's count of lost tasks go on,
  up to a bound, until the race has shown once.

The "go on until" logic is tested with scripted queues and programs, so these tests do not
depend on the timing of this machine.
"""

from __future__ import annotations

import multiprocessing
import queue
import re

import pytest

from helpers import locks
from helpers.checks.core import NotYet
from helpers.checks.full_example import check_corrected_run
from helpers.checks.queues import check_safe_loop
from helpers.full_example import do_job_until_sentinel, make_tasks, sentinel_main
from helpers.instruments import counting, races
from helpers.instruments.counting import CountRun, blocks_intact, broken_blocks

TIMEOUT = 60


@pytest.fixture(autouse=True)
def no_children_left():
    yield
    assert multiprocessing.active_children() == []


def _run_writers(path, lock, blocks=50):
    start = multiprocessing.Barrier(locks.PROCESSES)
    writers = [multiprocessing.Process(target=locks.write_block,
                                       args=(str(path), n, lock, start, blocks))
               for n in range(1, locks.PROCESSES + 1)]
    for w in writers:
        w.start()
    for w in writers:
        w.join(TIMEOUT)
    assert [w.exitcode for w in writers] == [0] * locks.PROCESSES
    return path.read_text(encoding="utf-8")


# --- 04: the writers ----------------------------------------------------------------------


@pytest.mark.per_start_method
def test_unlocked_writers_always_cut_the_first_blocks(tmp_path, start_method):
    text = _run_writers(tmp_path / "unlocked.txt", None)
    rows = text.splitlines()
    assert len(rows) == locks.PROCESSES * 50 * locks.LINES
    # Every writer put down its first line before any wrote its second.
    first = rows[:locks.PROCESSES]
    assert sorted(row.split(" block")[0] for row in first) == [
        f"worker {n}" for n in range(1, locks.PROCESSES + 1)]
    assert all(row.endswith("block 1 line 1 of 3") for row in first)
    assert broken_blocks(text) >= 1
    assert not blocks_intact(text)


@pytest.mark.per_start_method
def test_locked_writers_wait_before_the_lock_and_keep_blocks_whole(tmp_path, start_method):
    text = _run_writers(tmp_path / "locked.txt", multiprocessing.Lock())
    assert len(text.splitlines()) == locks.PROCESSES * 50 * locks.LINES
    assert blocks_intact(text)


def test_a_lone_writer_with_no_barrier_writes_whole_blocks(tmp_path):
    path = tmp_path / "one.txt"
    locks.write_block(str(path), 7, blocks=3, lines=2)
    assert path.read_text(encoding="utf-8").splitlines() == [
        f"worker 7 block {b} line {n} of 2" for b in (1, 2, 3) for n in (1, 2)]


# --- 04: the counter ----------------------------------------------------------------------


@pytest.mark.per_start_method
def test_count_without_lock_returns_a_loss(start_method):
    got, runs = locks.count_without_lock()
    assert 0 < got < locks.PROCESSES * locks.TIMES
    assert 1 <= runs <= locks.MAX_RUNS


def test_count_without_lock_stops_after_max_runs_when_nothing_is_lost():
    # One process cannot lose an update: every run is exact, so it runs max_runs times.
    assert locks.count_without_lock(processes=1, times=100, max_runs=2) == (100, 2)


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"processes": 0}, ValueError, "processes"),
    ({"times": -1}, ValueError, "times"),
    ({"max_runs": 0}, ValueError, "max_runs"),
    ({"max_runs": 2.5}, TypeError, "max_runs"),
])
def test_count_without_lock_checks_its_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        locks.count_without_lock(**kwargs)


def _runs(no_lock_exact: bool) -> list[CountRun]:
    got = 8 if no_lock_exact else 5
    return [CountRun("no lock", 8, got, 0.1), CountRun("with lock: (one per +1)", 8, 8, 0.3),
            CountRun("with counter.get_lock():", 8, 8, 0.2),
            CountRun("count locally, add once", 8, 8, 0.01)]


def test_compare_designs_runs_again_while_the_unlocked_design_is_exact(monkeypatch):
    answers = iter([_runs(True), _runs(True), _runs(False)])
    calls = []

    def fake_time_designs(designs, processes, times):
        calls.append(designs)
        return next(answers)

    monkeypatch.setattr(counting, "time_designs", fake_time_designs)
    runs = counting.compare_designs(max_runs=5)
    assert len(calls) == 3 and not runs[0].exact


def test_compare_designs_gives_up_after_max_runs(monkeypatch):
    monkeypatch.setattr(counting, "time_designs", lambda *args: _runs(True))
    assert counting.compare_designs(max_runs=2)[0].exact


def test_print_comparison_says_which_locked_design_was_faster(capsys):
    counting.print_comparison(_runs(False))
    out = capsys.readouterr().out
    assert re.search(r"(?m)^no lock +WRONG  0\.100 s$", out)
    assert "fastest exact design: count locally, add once" in out
    assert "counter.get_lock() was faster than a separate lock this time (0.67x its time)" in out
    assert "a lock per +1 takes 30x as long as counting locally" in out


# --- 03 and 05: one process, a queue, and its feeder thread --------------------------------


class _ScriptedQueue:
    """A stand-in for a Queue whose race shows only on the ``show_on``-th try, if at all."""

    made = 0
    show_on = 0

    def __init__(self, *args, **kwargs):
        type(self).made += 1
        self.race = type(self).made == type(self).show_on
        self.item = None

    def put(self, item):
        self.item = item

    def empty(self):
        return self.race

    def get_nowait(self):
        if self.race:
            raise queue.Empty
        return self.item

    def get(self, block=True, timeout=None):
        return self.item

    def close(self):
        pass

    def join_thread(self):
        pass


def _scripted(monkeypatch, show_on):
    class Scripted(_ScriptedQueue):
        made = 0

    Scripted.show_on = show_on
    monkeypatch.setattr(races.multiprocessing, "Queue", Scripted)
    return Scripted


class _Context:
    """A context whose queues are scripted (``helpers`` accepts any object with a
    ``Process`` and a ``get_start_method``)."""

    Process = multiprocessing.Process

    def __init__(self, queue_class):
        self.Queue = queue_class

    def get_start_method(self):
        return "fork"


@pytest.mark.parametrize(("show_on", "expected"), [
    (5, races.EmptyRace(trials=20, said_empty=1, got_back=20)),    # in the first round
    (45, races.EmptyRace(trials=60, said_empty=1, got_back=60)),   # in the third round
    (0, races.EmptyRace(trials=200, said_empty=0, got_back=200)),  # never: stops at 10 rounds
])
def test_empty_after_put_goes_on_until_the_race_shows(monkeypatch, show_on, expected):
    _scripted(monkeypatch, show_on)
    assert races.empty_after_put(20) == expected


def test_empty_after_put_stops_at_most(monkeypatch):
    _scripted(monkeypatch, 0)
    assert races.empty_after_put(20, most=30).trials == 30
    with pytest.raises(ValueError, match="most"):
        races.empty_after_put(20, most=10)


@pytest.mark.parametrize(("show_on", "expected"), [
    (3, races.NowaitRace(tries=10, misses=1)),
    (25, races.NowaitRace(tries=30, misses=1)),
    (0, races.NowaitRace(tries=100, misses=0)),
])
def test_get_nowait_misses_goes_on_until_the_race_shows(show_on, expected):
    class Scripted(_ScriptedQueue):
        made = 0

    Scripted.show_on = show_on
    assert races.get_nowait_misses(10, ctx=_Context(Scripted)) == expected


def test_get_nowait_misses_in_a_real_queue_finds_every_item():
    race = races.get_nowait_misses(20)
    assert race.tries >= 20 and 0 <= race.misses <= race.tries


def test_empty_right_after_put_still_counts_exactly_its_tries():
    class Scripted(_ScriptedQueue):
        made = 0

    Scripted.show_on = 0
    assert races.empty_right_after_put(7, ctx=_Context(Scripted)) == 0


# --- 05: lost tasks, counted until a run has lost one ------------------------------------


def _loses_on(run_numbers, lost=4):
    calls = {"n": 0}

    def program(ctx, n_tasks, n_processes):
        calls["n"] += 1
        tasks = make_tasks(n_tasks)
        if calls["n"] in run_numbers:
            tasks = tasks[lost:]
        return [t + " is done by X" for t in tasks]

    return program


def test_count_losses_goes_on_until_a_run_loses():
    report = races.count_losses(_loses_on({7}), runs=5, at_most=50)
    assert (report.runs, report.runs_with_loss, report.tasks_lost) == (7, 1, 4)
    assert report.lost_per_run == (4,)
    assert report.runs_lost_all == 0


def test_count_losses_does_not_go_on_once_a_run_has_lost():
    report = races.count_losses(_loses_on({2, 4}, lost=10), runs=5, at_most=50)
    assert (report.runs, report.lost_per_run, report.runs_lost_all) == (5, (10, 10), 2)


def test_count_losses_without_at_most_makes_exactly_its_runs():
    report = races.count_losses(_loses_on(set()), runs=3)
    assert (report.runs, report.runs_with_loss, report.lost_per_run) == (3, 0, ())


def test_count_losses_stops_at_at_most():
    report = races.count_losses(_loses_on(set()), runs=3, at_most=8)
    assert (report.runs, report.runs_with_loss) == (8, 0)
    with pytest.raises(ValueError, match="at_most"):
        races.count_losses(_loses_on(set()), runs=3, at_most=2)


@pytest.mark.per_start_method
def test_count_losses_in_fresh_process_goes_on_to_at_most_for_the_fix(start_method):
    report = races.count_losses_in_fresh_process(sentinel_main, runs=2, at_most=3,
                                                 method=start_method, n_tasks=3,
                                                 n_processes=2)
    assert (report.runs, report.runs_with_loss, report.lost_per_run) == (3, 0, ())


def test_count_losses_in_fresh_process_checks_at_most_before_starting():
    with pytest.raises(ValueError, match="at_most"):
        races.count_losses_in_fresh_process(sentinel_main, runs=5, at_most=4)


# --- The checks that go with them ---------------------------------------------------------


def test_check_safe_loop_hint_b_names_both_reasons_for_empty(capsys):
    with pytest.raises(NotYet):
        check_safe_loop("b")
    out = capsys.readouterr().out
    assert "feeder thread" in out and "another consumer is reading" in out


_queues = []  # alive until every worker has unpickled them (spawn, forkserver)


def _corrected_run():
    todo, done = multiprocessing.Queue(), multiprocessing.Queue()
    _queues.append((todo, done))
    for task in make_tasks(7):
        todo.put(task)
    for _ in range(3):
        todo.put(None)
    workers = [multiprocessing.Process(target=do_job_until_sentinel, args=(todo, done))
               for _ in range(3)]
    for p in workers:
        p.start()
    messages = [done.get(timeout=TIMEOUT) for _ in range(7)]
    for p in workers:
        p.join(TIMEOUT)
    return messages, workers


@pytest.mark.per_start_method
def test_check_corrected_run_refuses_the_task_names_themselves(start_method, capsys):
    # Issue 14: make_tasks(7) has the right tasks, but no worker said it had done them.
    _, workers = _corrected_run()
    with pytest.raises(NotYet):
        check_corrected_run(make_tasks(7), workers)
    out = capsys.readouterr().out
    assert "not the task names" in out and "Correct!" not in out


@pytest.mark.per_start_method
def test_check_corrected_run_refuses_messages_from_other_workers(start_method, capsys):
    messages, workers = _corrected_run()
    others = [m.replace(" is done by ", " is done by Someone-Else ") for m in messages]
    with pytest.raises(NotYet):
        check_corrected_run(others, workers)
    assert "your own workers" in capsys.readouterr().out


@pytest.mark.per_start_method
def test_check_corrected_run_accepts_its_own_workers_messages(start_method, capsys):
    check_corrected_run(*_corrected_run())
    assert capsys.readouterr().out.startswith("Correct!")
