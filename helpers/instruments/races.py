"""Races measured: the article's full example run many times, its lost tasks counted.

:func:`count_losses` runs a program such as :func:`helpers.full_example.article_main`
many times and reports how many tasks went missing;
:func:`count_losses_in_fresh_process` does the same in a new, small Python process,
the way a script runs. :func:`empty_after_put` (notebook 03) and
:func:`get_nowait_misses` (notebook 05) show the queue's feeder-thread race in a
single process. All of them return data; the notebook prints it.

A race shows only when the timing is right, so none of them relies on one try: each
keeps going, up to a bound, until the race has shown at least once (``at_most``,
``most``), and reports how many tries that took.
"""

from __future__ import annotations

import inspect
import multiprocessing
import queue
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from helpers.full_example import RESULT_TIMEOUT, make_tasks, task_of
from helpers.instruments.pools import ensure_sendable, kill_tree
from helpers.instruments.validate import (
    bounded,
    context,
    describe,
    function,
    list_of,
    process_count,
    seconds,
    start_method,
    text,
)

Program = Callable[..., list[str]]
"""``main(ctx, n_tasks, n_processes) -> done messages``, like ``article_main``."""


def count_missing(done: Sequence[str], tasks: Sequence[str]) -> tuple[int, int]:
    """Compare done messages with the tasks: ``(missing, repeated)``.

    ``missing`` counts the tasks with no done message, ``repeated`` the extra
    messages for tasks that were done more than once.
    """
    done = list_of(done, "done", what="done messages", item=_message)
    tasks = list_of(tasks, "tasks", what="task names", item=_message)
    counts = Counter(task_of(message) for message in done)
    missing = sum(1 for task in tasks if counts[task] == 0)
    repeated = sum(n - 1 for n in counts.values() if n > 1)
    return missing, repeated


def _message(value: Any, name: str) -> str:
    return text(value, name, example="'Task no 3 is done by Process-2'")


def _program(main: Any) -> Program:
    """``main`` checked: a function that takes ``(ctx, n_tasks, n_processes)``."""
    function(main, "main")
    try:
        inspect.signature(main).bind(None, 1, 1)
    except TypeError:
        raise TypeError(f"main must take (ctx, n_tasks, n_processes), as article_main does, "
                        f"but {getattr(main, '__name__', 'it')!r} takes "
                        f"{inspect.signature(main)}: pass article_main, sentinel_main or a "
                        "function like them.") from None
    except ValueError:  # no signature to read (some built-ins): find out when it runs
        pass
    return main


@dataclass(frozen=True)
class LossReport:
    """What :func:`count_losses` measured: how often, and how much, work went missing."""

    program: str
    """Name of the program that was run (its function's name)."""
    method: str
    """Start method of the workers."""
    runs: int
    """How many times the program ran."""
    tasks_per_run: int
    """Tasks given to each run."""
    runs_with_loss: int
    """Runs in which at least one task was not done."""
    tasks_lost: int
    """Tasks not done, summed over all runs."""
    tasks_repeated: int
    """Tasks done more than once, summed over all runs."""
    lost_per_run: tuple[int, ...] = ()
    """How many tasks each run that lost tasks lost, in the order of the runs."""

    @property
    def runs_lost_all(self) -> int:
        """Runs in which every task was lost."""
        return sum(1 for lost in self.lost_per_run if lost == self.tasks_per_run)

    @property
    def tasks_total(self) -> int:
        """Tasks given to all runs together."""
        return self.runs * self.tasks_per_run

    def __str__(self) -> str:
        return (f"{self.program}: runs with lost tasks: {self.runs_with_loss} of {self.runs}, "
                f"tasks lost: {self.tasks_lost} of {self.tasks_total}")


def count_losses(main: Program, runs: int = 100, ctx: Any = None, n_tasks: int = 10,
                 n_processes: int = 4, at_most: int | None = None) -> LossReport:
    """Run ``main(ctx, n_tasks, n_processes)`` ``runs`` times in this process; count losses.

    ``main`` is ``article_main``, ``sentinel_main`` or any function with the same
    signature that returns the done messages. It runs in *this* process (only the
    workers it starts are children). A run whose program raises stops the count with
    that error: a crash is not a lost task.

    With ``at_most`` (more than ``runs``), a count that has seen no loss after ``runs``
    runs goes on until a run loses a task or ``at_most`` runs have been made: a race
    that shows rarely on this machine still shows. ``LossReport.runs`` says how many.
    """
    main = _program(main)
    runs = bounded(runs, "runs", "repeats", least=1)
    at_most = runs if at_most is None else bounded(at_most, "at_most", "repeats", least=runs)
    ctx = context(ctx)
    tasks = make_tasks(n_tasks)
    n_processes = process_count(n_processes, "n_processes")
    lost_per_run: list[int] = []
    made = tasks_repeated = 0
    while made < runs or (made < at_most and not lost_per_run):
        done = main(ctx, n_tasks, n_processes)
        if not isinstance(done, (list, tuple)):
            raise TypeError("main must return the list of done messages, as article_main "
                            f"does, but it returned {describe(done)}.")
        missing, repeated = count_missing(done, tasks)
        made += 1
        if missing:
            lost_per_run.append(missing)
        tasks_repeated += repeated
    return LossReport(program=getattr(main, "__name__", repr(main)),
                      method=ctx.get_start_method(), runs=made, tasks_per_run=n_tasks,
                      runs_with_loss=len(lost_per_run), tasks_lost=sum(lost_per_run),
                      tasks_repeated=tasks_repeated, lost_per_run=tuple(lost_per_run))


def _count_losses_and_report(results: Any, main: Program, runs: int, method: str,
                             n_tasks: int, n_processes: int, at_most: int | None = None
                             ) -> None:
    """Runner for :func:`count_losses_in_fresh_process`: put a report, or the error's text."""
    try:
        report: Any = count_losses(main, runs, multiprocessing.get_context(method),
                                   n_tasks, n_processes, at_most)
    except Exception as error:  # sent back as text: the exception may not pickle
        report = f"{type(error).__name__}: {error}"
    results.put(report)


def count_losses_in_fresh_process(main: Program, runs: int = 100, method: str = "fork",
                                  n_tasks: int = 10, n_processes: int = 4,
                                  timeout: float | None = None,
                                  at_most: int | None = None) -> LossReport:
    """Like :func:`count_losses`, but in a new, small Python process, as a script runs.

    A notebook kernel is a big process: forking it takes long enough that the
    parent's feeder thread has usually written the tasks before any worker asks,
    which hides the article's race. So this starts one fresh interpreter (with
    *spawn*), which runs ``main`` ``runs`` times with workers started by ``method``
    and sends back the :class:`LossReport`.

    ``at_most`` works as in :func:`count_losses`. Every argument is checked before
    anything starts. ``main`` must be importable (a function from ``helpers``), since a
    spawned process imports it by name. After ``timeout`` seconds (by default 60, plus
    one per run at most) the runner and its workers are killed and ``TimeoutError`` is
    raised; on any error, whatever was started is stopped.
    """
    main = _program(ensure_sendable(main, "main", method="spawn"))
    runs = bounded(runs, "runs", "repeats", least=1)
    at_most = runs if at_most is None else bounded(at_most, "at_most", "repeats", least=runs)
    method = start_method(method, "method", allow_none=False)
    make_tasks(n_tasks)
    process_count(n_processes, "n_processes")
    timeout = 60.0 + at_most if timeout is None else seconds(timeout, "timeout",
                                                              allow_zero=False)
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    runner = spawn.Process(target=_count_losses_and_report,
                           args=(results, main, runs, method, n_tasks, n_processes, at_most))
    runner.start()
    try:
        report = _wait_for_report(results, runner, runs, timeout)
    except BaseException:
        kill_tree(runner)
        raise
    finally:
        results.cancel_join_thread()
        results.close()
    runner.join()
    if isinstance(report, str):
        raise RuntimeError(f"The fresh process failed: {report}")
    return report


def _wait_for_report(results: Any, runner: Any, runs: int, timeout: float) -> Any:
    """The runner's report, polling so that a dead runner or the deadline is noticed."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return results.get(timeout=0.2)
        except queue.Empty:
            if not runner.is_alive():  # it died without reporting: read its last word
                try:
                    return results.get(timeout=1.0)
                except queue.Empty:
                    raise RuntimeError(
                        f"The fresh process ended (exit code {runner.exitcode}) without a "
                        "report. Is main a function from an importable module?") from None
            if time.monotonic() > deadline:
                raise TimeoutError(f"{runs} runs did not finish within {timeout:g} s; "
                                   "try fewer runs.") from None


# --- The feeder-thread race, in one process -------------------------------------------------


class EmptyRace(NamedTuple):
    """What :func:`empty_after_put` saw."""

    trials: int
    """How many queues got an item and were asked ``empty()`` at once."""
    said_empty: int
    """How many times ``empty()`` answered ``True`` although an item had just been put."""
    got_back: int
    """How many items a blocking ``get(timeout=...)`` then returned (all of them)."""


def empty_after_put(trials: int = 200, timeout: float = 5.0,
                    most: int | None = None) -> EmptyRace:
    """Make a queue, put one item, ask ``empty()`` straight away, then ``get()`` it back; repeat.

    Each trial is the article's situation: a new queue, a ``put()``, then ``empty()``.
    Everything happens in this process: no child is started. ``put()`` hands the item
    to the queue's feeder thread, which pickles it and writes it into a pipe a moment
    later, while ``empty()`` looks only at the pipe. So ``empty()`` often says ``True``
    about a queue that holds an item, and the blocking ``get(timeout=...)`` still finds it.

    If ``empty()`` has not been wrong once after ``trials`` trials, this goes on, in
    rounds of ``trials``, until it has been, or ``most`` trials (by default ten times
    ``trials``) have run. ``EmptyRace.trials`` says how many ran.
    """
    trials = bounded(trials, "trials", "repeats", least=1)
    timeout = seconds(timeout, "timeout", allow_zero=False)
    most = 10 * trials if most is None else bounded(most, "most", "repeats", least=trials)
    made = said_empty = got_back = 0
    while made < trials or (said_empty == 0 and made < most):
        for i in range(min(trials, most - made)):
            q: Any = multiprocessing.Queue()
            try:
                q.put(i)
                said_empty += q.empty()
                got_back += q.get(timeout=timeout) == i
            except queue.Empty:
                pass
            finally:
                q.close()
                q.join_thread()
            made += 1
    return EmptyRace(made, said_empty, got_back)


class NowaitRace(NamedTuple):
    """What :func:`get_nowait_misses` saw."""

    tries: int
    """How many queues got an item and were asked ``get_nowait()`` at once."""
    misses: int
    """How many times ``get_nowait()`` raised ``Empty`` although an item had just been put."""


def get_nowait_misses(tries: int = 100, ctx: Any = None, most: int | None = None) -> NowaitRace:
    """Put an item on a new queue, then at once ``get_nowait()``: count the Empty errors.

    All in this one process, no worker involved. ``put()`` hands the item to the
    queue's feeder thread and returns; until that thread has written it into the
    pipe, ``get_nowait()`` sees nothing. Each item that was "missing" is then read
    with a blocking ``get()``, which finds it: it was there all along.

    If no try has missed after ``tries`` tries, this goes on, in rounds of ``tries``,
    until one has, or ``most`` tries (by default ten times ``tries``) have run.
    """
    tries = bounded(tries, "tries", "repeats", least=1)
    ctx = context(ctx)
    most = 10 * tries if most is None else bounded(most, "most", "repeats", least=tries)
    made = misses = 0
    while made < tries or (misses == 0 and made < most):
        for _ in range(min(tries, most - made)):
            misses += _get_nowait_misses_once(ctx, "Task no " + str(made))
            made += 1
    return NowaitRace(made, misses)


def _get_nowait_misses_once(ctx: Any, item: str) -> bool:
    """One try of :func:`get_nowait_misses`: True if ``get_nowait()`` raised Empty."""
    q = ctx.Queue()
    try:
        q.put(item)
        try:
            q.get_nowait()
        except queue.Empty:
            q.get(timeout=RESULT_TIMEOUT)  # it was there all along
            return True
        return False
    finally:
        q.close()
        q.join_thread()


def empty_right_after_put(tries: int = 100, ctx: Any = None) -> int:
    """The number of misses in exactly ``tries`` tries of :func:`get_nowait_misses`
    (an older name, kept for code written before it)."""
    tries = bounded(tries, "tries", "repeats", least=1)
    ctx = context(ctx)
    return sum(_get_nowait_misses_once(ctx, "Task no " + str(i)) for i in range(tries))
