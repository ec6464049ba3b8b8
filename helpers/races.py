"""Run the article's full example many times and count the tasks it loses.

The article's program (section 5) fills a queue with tasks, starts four workers
that loop on ``get_nowait()`` until ``queue.Empty``, joins them, then reads the
results. Two things in it are fragile:

* ``get_nowait()`` raises ``queue.Empty`` whenever nothing can be read *right
  now*: when the parent's feeder thread has not yet written the tasks into the
  queue's pipe, or when another worker holds the queue's read lock. If every
  worker gives up at such a moment, tasks are left undone.
* It joins the workers before it reads their results. A child that has put data
  on a queue does not exit until that data is flushed into the pipe, so with
  large results the parent waits for a child that waits for the parent.

:func:`article_main` is the article's program and :func:`sentinel_main` the
corrected one. :func:`count_losses` runs either many times and reports how many
tasks went missing; :func:`count_losses_in_fresh_process` does the same in a new,
small Python process, the way a script runs. :func:`empty_right_after_put` shows
the race in a single process, and :func:`put_payload` is the child for the
join-before-drain demonstration. All of them return data; the notebook prints it.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psutil

from helpers.workers import do_job, do_job_until_sentinel

DONE_SEPARATOR = " is done by "
"""What the workers put between a task and the worker's name."""

RESULT_TIMEOUT = 10.0
"""Seconds to wait for one result before giving up (never hang)."""

Program = Callable[..., list[str]]
"""``main(ctx, n_tasks, n_processes) -> done messages``, like :func:`article_main`."""


# --- Tasks and done messages ----------------------------------------------------------


def _require_count(name: str, value: Any, minimum: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, "
                         f"not {value!r}.")


def make_tasks(n_tasks: int = 10) -> list[str]:
    """The article's task names: ``["Task no 0", ..., "Task no <n_tasks - 1>"]``."""
    _require_count("n_tasks", n_tasks, minimum=0)
    return ["Task no " + str(i) for i in range(n_tasks)]


def task_of(message: str) -> str:
    """The task in a done message: ``"Task no 3 is done by Process-2"`` -> ``"Task no 3"``."""
    return message.split(DONE_SEPARATOR, 1)[0]


def count_missing(done: Sequence[str], tasks: Sequence[str]) -> tuple[int, int]:
    """Compare done messages with the tasks: ``(missing, repeated)``.

    ``missing`` counts the tasks with no done message, ``repeated`` the extra
    messages for tasks that were done more than once.
    """
    counts = Counter(task_of(message) for message in done)
    missing = sum(1 for task in tasks if counts[task] == 0)
    repeated = sum(n - 1 for n in counts.values() if n > 1)
    return missing, repeated


# --- The two programs -------------------------------------------------------------------


def _context(ctx: Any) -> Any:
    """``ctx`` itself, or the default context when it is ``None``."""
    if ctx is None:
        return multiprocessing.get_context()
    if not hasattr(ctx, "Process") or not hasattr(ctx, "Queue"):
        raise TypeError("ctx must be a multiprocessing context, for example "
                        f"multiprocessing.get_context('fork'), or None; not {ctx!r}.")
    return ctx


def article_main(ctx: Any = None, n_tasks: int = 10, n_processes: int = 4,
                 pause: float = 0.0) -> list[str]:
    """The article's ``main()``, returning the done messages instead of printing them.

    The article's steps, straight after one another as in a script: put the tasks,
    start ``n_processes`` workers running :func:`helpers.workers.do_job`
    (``get_nowait()`` until ``queue.Empty``), join them, then read the results while
    ``not empty()``. Tasks that no worker took are missing from the returned list.

    Args:
        ctx: a multiprocessing context (``None``: the default start method).
        n_tasks: how many tasks (the article uses 10).
        n_processes: how many workers (the article uses 4).
        pause: seconds each worker sleeps after a task (the article uses 0.5).
    """
    ctx = _context(ctx)
    _require_count("n_processes", n_processes, minimum=1)
    tasks_to_accomplish = ctx.Queue()
    tasks_that_are_done = ctx.Queue()
    for task in make_tasks(n_tasks):
        tasks_to_accomplish.put(task)
    processes = [ctx.Process(target=do_job,
                             args=(tasks_to_accomplish, tasks_that_are_done, pause, False))
                 for _ in range(n_processes)]
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    done = []
    while not tasks_that_are_done.empty():
        done.append(tasks_that_are_done.get())
    return done


def sentinel_main(ctx: Any = None, n_tasks: int = 10, n_processes: int = 4,
                  pause: float = 0.0, timeout: float = RESULT_TIMEOUT) -> list[str]:
    """The corrected program: one sentinel per worker, drain the results, then join.

    Workers run :func:`helpers.workers.do_job_until_sentinel`, which blocks on
    ``get()`` until it receives ``None``. The parent reads exactly ``n_tasks``
    results *before* joining, so no child waits on a full pipe. Each result gets
    ``timeout`` seconds to arrive; if one does not, the workers are terminated and
    ``queue.Empty`` propagates: the program can fail, but it never hangs.

    Args: as :func:`article_main`, plus ``timeout``: seconds to wait for each result.
    """
    ctx = _context(ctx)
    _require_count("n_processes", n_processes, minimum=1)
    tasks_to_accomplish = ctx.Queue()
    tasks_that_are_done = ctx.Queue()
    for task in make_tasks(n_tasks):
        tasks_to_accomplish.put(task)
    for _ in range(n_processes):
        tasks_to_accomplish.put(None)  # one sentinel per worker
    processes = [ctx.Process(target=do_job_until_sentinel,
                             args=(tasks_to_accomplish, tasks_that_are_done, pause))
                 for _ in range(n_processes)]
    for p in processes:
        p.start()
    try:
        done = [tasks_that_are_done.get(timeout=timeout) for _ in range(n_tasks)]
    except BaseException:
        for p in processes:
            p.terminate()
        raise
    finally:
        for p in processes:
            p.join()
    return done


# --- Counting lost tasks ----------------------------------------------------------------


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

    @property
    def tasks_total(self) -> int:
        """Tasks given to all runs together."""
        return self.runs * self.tasks_per_run

    def __str__(self) -> str:
        return (f"{self.program}: runs with lost tasks: {self.runs_with_loss} of {self.runs}, "
                f"tasks lost: {self.tasks_lost} of {self.tasks_total}")


def count_losses(main: Program, runs: int = 100, ctx: Any = None, n_tasks: int = 10,
                 n_processes: int = 4) -> LossReport:
    """Run ``main(ctx, n_tasks, n_processes)`` ``runs`` times in this process; count losses.

    ``main`` is :func:`article_main`, :func:`sentinel_main` or any function with the
    same signature that returns the done messages. It runs in *this* process (only
    the workers it starts are children).

    Args:
        main: the program to run.
        runs: how many times to run it.
        ctx: the workers' multiprocessing context (``None``: the default).
        n_tasks: tasks per run.
        n_processes: workers per run.
    """
    if not callable(main):
        raise TypeError(f"main must be a function such as article_main, not {main!r}.")
    _require_count("runs", runs, minimum=1)
    ctx = _context(ctx)
    tasks = make_tasks(n_tasks)
    runs_with_loss = tasks_lost = tasks_repeated = 0
    for _ in range(runs):
        missing, repeated = count_missing(main(ctx, n_tasks, n_processes), tasks)
        runs_with_loss += missing > 0
        tasks_lost += missing
        tasks_repeated += repeated
    return LossReport(program=getattr(main, "__name__", repr(main)),
                      method=ctx.get_start_method(), runs=runs, tasks_per_run=n_tasks,
                      runs_with_loss=runs_with_loss, tasks_lost=tasks_lost,
                      tasks_repeated=tasks_repeated)


def _count_losses_and_report(results: Any, main: Program, runs: int, method: str,
                             n_tasks: int, n_processes: int) -> None:
    """Runner for :func:`count_losses_in_fresh_process`: put a report, or the error's text."""
    try:
        report: Any = count_losses(main, runs, multiprocessing.get_context(method),
                                   n_tasks, n_processes)
    except Exception as error:  # sent back as text: the exception may not pickle
        report = f"{type(error).__name__}: {error}"
    results.put(report)


def _kill_tree(process: Any) -> None:
    """Kill ``process`` and everything it started, then reap it."""
    try:
        family = psutil.Process(process.pid).children(recursive=True)
    except psutil.Error:
        family = []
    for member in family:
        try:
            member.kill()
        except psutil.Error:
            pass
    process.kill()
    process.join()


def count_losses_in_fresh_process(main: Program, runs: int = 100, method: str = "fork",
                                  n_tasks: int = 10, n_processes: int = 4,
                                  timeout: float = 120.0) -> LossReport:
    """Like :func:`count_losses`, but in a new, small Python process, as a script runs.

    A notebook kernel is a big process: forking it takes long enough that the
    parent's feeder thread has usually written the tasks before any worker asks,
    which hides the article's race. So this starts one fresh interpreter (with
    *spawn*), which runs ``main`` ``runs`` times with workers started by ``method``
    and sends back the :class:`LossReport`.

    ``main`` must be importable (a function from ``helpers``), since a spawned
    process imports it by name. After ``timeout`` seconds the runner and its
    workers are killed and ``TimeoutError`` is raised.
    """
    if method not in multiprocessing.get_all_start_methods():
        raise ValueError(f"method must be one of {multiprocessing.get_all_start_methods()}, "
                         f"not {method!r}.")
    _require_count("runs", runs, minimum=1)
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    runner = spawn.Process(target=_count_losses_and_report,
                           args=(results, main, runs, method, n_tasks, n_processes))
    runner.start()
    deadline = time.monotonic() + timeout
    while True:
        try:
            report = results.get(timeout=0.2)
            break
        except queue.Empty:
            if not runner.is_alive():  # it died without reporting: read its last word
                try:
                    report = results.get(timeout=1.0)
                    break
                except queue.Empty:
                    runner.join()
                    raise RuntimeError(
                        f"The fresh process ended (exit code {runner.exitcode}) without a "
                        "report. Is main a function from an importable module?") from None
            if time.monotonic() > deadline:
                _kill_tree(runner)
                raise TimeoutError(f"{runs} runs did not finish within {timeout:g} s; "
                                   "try fewer runs.") from None
    runner.join()
    if isinstance(report, str):
        raise RuntimeError(f"The fresh process failed: {report}")
    return report


# --- The race and the deadlock, one at a time --------------------------------------------


def empty_right_after_put(tries: int = 100, ctx: Any = None) -> int:
    """Put an item on a new queue, then at once ``get_nowait()``: count the Empty errors.

    All in this one process, no worker involved. ``put()`` hands the item to the
    queue's feeder thread and returns; until that thread has written it into the
    pipe, ``get_nowait()`` sees nothing. Each item that was "missing" is then read
    with a blocking ``get()``, which finds it: it was there all along.
    """
    _require_count("tries", tries, minimum=1)
    ctx = _context(ctx)
    misses = 0
    for i in range(tries):
        q = ctx.Queue()
        q.put("Task no " + str(i))
        try:
            q.get_nowait()
        except queue.Empty:
            misses += 1
            q.get(timeout=RESULT_TIMEOUT)
        q.close()
        q.join_thread()
    return misses


def put_payload(results: Any, nbytes: int) -> None:
    """Child for the join-before-drain demo: put ``nbytes`` bytes on ``results``, return.

    ``put()`` returns at once: a feeder thread writes the data into the queue's pipe
    in the background. The child cannot exit before that thread has written it all,
    and a pipe holds only about 64 KiB until someone reads it.
    """
    results.put(b"x" * nbytes)
