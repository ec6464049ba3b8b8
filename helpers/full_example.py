"""Notebook 05, "The full example": the article's program, its worker, and the fix.

The article's program fills a queue with tasks, starts four workers that loop on
``get_nowait()`` until ``queue.Empty``, joins them, then reads the results:
:func:`article_main` runs it and returns the done messages instead of printing them.
:func:`sentinel_main` is the corrected program: one ``None`` per worker, read the
results, then join. ``helpers.instruments.races`` runs either many times and counts
the tasks that went missing.
"""

from __future__ import annotations

import queue
import time
from multiprocessing import current_process
from typing import Any

from helpers.instruments.validate import bounded, context, process_count, seconds, text
from helpers.instruments.validate import queue as a_queue

DONE_SEPARATOR = " is done by "
"""What the workers put between a task and the worker's name."""

RESULT_TIMEOUT = 10.0
"""Seconds :func:`sentinel_main` waits for one result before giving up (never hang)."""


def do_job(tasks_to_accomplish: Any, tasks_that_are_done: Any, pause: float = 0.5,
           verbose: bool = True) -> bool:
    """The article's worker, unchanged in logic: loop on ``get_nowait()`` until Empty.

    **It has a bug.** ``get_nowait()`` can raise ``queue.Empty`` while tasks are still
    on their way through the queue's pipe, or while another worker holds the queue's
    read lock, so a worker may quit with work left to do. See
    :func:`do_job_until_sentinel` for the fix.

    Args:
        tasks_to_accomplish: queue of task strings.
        tasks_that_are_done: queue that receives "<task> is done by <process name>".
        pause: seconds to sleep after each task (the article uses 0.5).
        verbose: print each task as the article does.
    """
    pause = seconds(pause, "pause")
    tasks_to_accomplish = a_queue(tasks_to_accomplish, "tasks_to_accomplish")
    tasks_that_are_done = a_queue(tasks_that_are_done, "tasks_that_are_done")
    while True:
        try:
            task = tasks_to_accomplish.get_nowait()
        except queue.Empty:
            break
        else:
            if verbose:
                print(task, flush=True)
            tasks_that_are_done.put(task + DONE_SEPARATOR + current_process().name)
            time.sleep(pause)
    return True


def do_job_until_sentinel(tasks_to_accomplish: Any, tasks_that_are_done: Any,
                          pause: float = 0.0) -> None:
    """The corrected worker: block on ``get()`` until it receives the sentinel ``None``.

    The parent puts one ``None`` per worker after the real tasks, so every worker
    stops exactly once, and only after all tasks have been taken.
    """
    pause = seconds(pause, "pause")
    tasks_to_accomplish = a_queue(tasks_to_accomplish, "tasks_to_accomplish")
    tasks_that_are_done = a_queue(tasks_that_are_done, "tasks_that_are_done")
    for task in iter(tasks_to_accomplish.get, None):
        tasks_that_are_done.put(task + DONE_SEPARATOR + current_process().name)
        time.sleep(pause)


def finish_task(task: str, pause: float = 0.0) -> str:
    """One task of the full example, for a Pool: return "<task> is done by <worker>"."""
    task, pause = text(task, "task", example="'Task no 3'"), seconds(pause, "pause")
    time.sleep(pause)
    return task + DONE_SEPARATOR + current_process().name


def make_tasks(n_tasks: int = 10) -> list[str]:
    """The article's task names: ``["Task no 0", ..., "Task no <n_tasks - 1>"]``."""
    n_tasks = bounded(n_tasks, "n_tasks", "items")
    return ["Task no " + str(i) for i in range(n_tasks)]


def task_of(message: str) -> str:
    """The task in a done message: ``"Task no 3 is done by Process-2"`` -> ``"Task no 3"``."""
    if not isinstance(message, str):
        raise TypeError(f"each done message must be a string such as 'Task no 3 is done by "
                        f"Process-2', not {message!r}.")
    return message.split(DONE_SEPARATOR, 1)[0]


def article_main(ctx: Any = None, n_tasks: int = 10, n_processes: int = 4,
                 pause: float = 0.0) -> list[str]:
    """The article's ``main()``, returning the done messages instead of printing them.

    The article's steps, straight after one another as in a script: put the tasks,
    start ``n_processes`` workers running :func:`do_job` (``get_nowait()`` until
    ``queue.Empty``), join them, then read the results while ``not empty()`` (safe
    here: every worker has exited, so everything it put is in the pipe). Tasks that no
    worker took are missing from the returned list. A worker that crashed is no lost
    task: then this raises ``RuntimeError``.

    Args:
        ctx: a multiprocessing context or a start method's name (``None``: the default).
        n_tasks: how many tasks (the article uses 10).
        n_processes: how many workers (the article uses 4).
        pause: seconds each worker sleeps after a task (the article uses 0.5).
    """
    ctx, tasks = context(ctx), make_tasks(n_tasks)
    n_processes, pause = process_count(n_processes, "n_processes"), seconds(pause, "pause")
    tasks_to_accomplish = ctx.Queue()
    tasks_that_are_done = ctx.Queue()
    for task in tasks:
        tasks_to_accomplish.put(task)
    processes = [ctx.Process(target=do_job,
                             args=(tasks_to_accomplish, tasks_that_are_done, pause, False))
                 for _ in range(n_processes)]
    queues = (tasks_to_accomplish, tasks_that_are_done)
    try:
        for p in processes:
            p.start()
        for p in processes:
            p.join()
    except BaseException:  # an error or an interrupt: leave nothing running
        _stop(processes, queues)
        raise
    if any(p.exitcode != 0 for p in processes):
        _stop(processes, queues)
        raise RuntimeError(f"workers crashed (exit codes {[p.exitcode for p in processes]}): "
                           "their tasks are not lost to the race. See the error above.")
    done = []
    while not tasks_that_are_done.empty():
        done.append(tasks_that_are_done.get())
    return done


def sentinel_main(ctx: Any = None, n_tasks: int = 10, n_processes: int = 4,
                  pause: float = 0.0, timeout: float = RESULT_TIMEOUT) -> list[str]:
    """The corrected program: one sentinel per worker, drain the results, then join.

    Workers run :func:`do_job_until_sentinel`, which blocks on ``get()`` until it
    receives ``None``. The parent reads exactly ``n_tasks`` results *before* joining, so
    no child waits on a full pipe. Each result gets ``timeout`` seconds to arrive; if
    one does not, the workers are terminated and ``queue.Empty`` propagates: the
    program can fail, but it never hangs.

    Args: as :func:`article_main`, plus ``timeout``: seconds to wait for each result.
    """
    ctx, tasks = context(ctx), make_tasks(n_tasks)
    n_processes, pause = process_count(n_processes, "n_processes"), seconds(pause, "pause")
    timeout = seconds(timeout, "timeout", allow_zero=False)
    tasks_to_accomplish = ctx.Queue()
    tasks_that_are_done = ctx.Queue()
    for task in tasks:
        tasks_to_accomplish.put(task)
    for _ in range(n_processes):
        tasks_to_accomplish.put(None)  # one sentinel per worker
    processes = [ctx.Process(target=do_job_until_sentinel,
                             args=(tasks_to_accomplish, tasks_that_are_done, pause))
                 for _ in range(n_processes)]
    try:
        for p in processes:
            p.start()
        done = [tasks_that_are_done.get(timeout=timeout) for _ in tasks]
    except BaseException:  # an error or an interrupt: leave nothing running
        _stop(processes, (tasks_to_accomplish, tasks_that_are_done))
        raise
    finally:
        for p in processes:
            if p.pid is not None:
                p.join()
    return done


def _stop(processes: list[Any], queues: tuple[Any, ...] = ()) -> None:
    """Terminate the started processes that are still running, join them, and close the
    queues (so that their feeder threads end, whatever is left unread)."""
    for p in processes:
        if p.pid is not None and p.exitcode is None:
            p.terminate()
    for p in processes:
        if p.pid is not None:
            p.join()
    for q in queues:
        q.cancel_join_thread()
        q.close()


def put_payload(results: Any, nbytes: int) -> None:
    """Child for the join-before-drain demo: put ``nbytes`` bytes on ``results``, return.

    ``put()`` returns at once: a feeder thread writes the data into the queue's pipe
    in the background. The child cannot exit before that thread has written it all,
    and a pipe holds only about 64 KiB until someone reads it.
    """
    a_queue(results, "results").put(b"x" * bounded(nbytes, "nbytes", "bytes"))
