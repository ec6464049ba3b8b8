"""Checks for notebook 05, "The full example"."""

from __future__ import annotations

import time
from collections import Counter
from multiprocessing.process import BaseProcess
from typing import Any

from helpers.checks.core import correct, expect, require_attempt
from helpers.full_example import DONE_SEPARATOR, make_tasks, task_of
from helpers.instruments.validate import is_whole_number

SENTINEL_WORKERS = 6
"""Exercise 1: workers sharing one task queue."""
SENTINEL_TASKS = 20
"""Exercise 1: tasks in that queue."""

EXERCISE_TASKS = 7
"""Exercise 3: tasks the corrected program must finish."""
EXERCISE_WORKERS = 3
"""Exercise 3: workers it must start."""

GRACE = 2.0
"""Seconds the check gives the learner's workers to finish before it stops them."""
STOP_TIMEOUT = 5.0
"""Seconds the check waits for a worker it had to stop."""


def check_sentinel_count(n_sentinels: Any) -> None:
    """Exercise 1: how many ``None`` sentinels for 6 workers and 20 tasks."""
    __tracebackhide__ = True
    require_attempt(n_sentinels, "set n_sentinels to a whole number")
    expect(is_whole_number(n_sentinels),
           f"n_sentinels should be a whole number (an int), not {type(n_sentinels).__name__}.")
    expect(n_sentinels != SENTINEL_TASKS,
           "A sentinel tells a *worker* to stop, not that a task is done. What do you "
           "need to count?")
    expect(n_sentinels >= 1,
           "With no sentinel at all, every worker waits on get() forever once the tasks "
           "run out.")
    expect(n_sentinels != 1,
           "One None stops only the worker that reads it; the others would wait on get() "
           "forever.")
    expect(n_sentinels >= SENTINEL_WORKERS,
           "Each None stops exactly one worker, so with that many some workers never get "
           "one and wait forever.")
    expect(n_sentinels <= SENTINEL_WORKERS,
           "A worker stops at the first None it reads, so the extra ones are never read. "
           "Harmless, but how many are actually needed?")
    correct("One sentinel per worker: each worker reads exactly one None, after all the "
            "tasks (the queue is first in, first out), and stops.")


def check_drain_or_join(choice: Any) -> None:
    """Exercise 2: a child put 5 MB on a queue; join first or read first? ("a", "b", "c")."""
    __tracebackhide__ = True
    require_attempt(choice, 'set choice to "a", "b" or "c"')
    expect(isinstance(choice, str) and choice.strip().lower() in {"a", "b", "c"},
           f'choice should be one of the strings "a", "b" or "c", not {choice!r}.')
    picked = choice.strip().lower()
    expect(picked != "a",
           "join() waits for the child to exit, but the child cannot exit until its 5 MB "
           "have gone through the pipe, and while the parent sits in join() nobody reads "
           "them. Each waits for the other.")
    expect(picked != "c",
           "The order only stops mattering while the data fits in the pipe (about 64 KiB "
           "on Linux). 5 MB does not: try the join(timeout=1) demonstration above again.")
    correct("Read first, then join: the child's feeder thread can finish writing, the child "
            "exits, and join() returns at once.")


def _stop(workers: list[BaseProcess]) -> None:
    for p in workers:
        p.terminate()
    for p in workers:
        p.join(STOP_TIMEOUT)


def check_corrected_run(done_messages: Any, workers: Any) -> None:
    """Exercise 3: the corrected program with 3 workers and 7 tasks.

    Args:
        done_messages: the results the learner read from the done queue.
        workers: the learner's ``Process`` objects. Any still running are stopped.
    """
    __tracebackhide__ = True
    require_attempt(done_messages, "set done_messages to the list of results you read")
    require_attempt(workers, "set workers to the list of your Process objects")
    expect(isinstance(workers, (list, tuple))
           and all(isinstance(p, BaseProcess) for p in workers),
           "workers should be the list of Process objects you started.")
    expect(len(workers) == EXERCISE_WORKERS,
           f"Start {EXERCISE_WORKERS} workers; your list has {len(workers)}.")
    expect(all(p.pid is not None for p in workers),
           "Some workers were never started: call p.start() on each one.")
    deadline = time.monotonic() + GRACE
    for p in workers:  # workers that got their sentinel end within moments
        p.join(max(0.0, deadline - time.monotonic()))
    running = [p for p in workers if p.is_alive()]
    if running:
        _stop(running)
    expect(not running,
           f"{len(running)} of your workers were still running (this check stopped them). "
           "A worker stops only when it reads a None: put one for each worker after the "
           "tasks, and join the workers after reading the results.")
    failed = [p.exitcode for p in workers if p.exitcode != 0]
    expect(not failed,
           f"A worker failed (exit code {failed[0] if failed else ''}). Start each one "
           "with target=do_job_until_sentinel (do_job cannot handle None) and "
           "args=(tasks, done), and put only task strings and None on the task queue.")
    expect(isinstance(done_messages, (list, tuple))
           and all(isinstance(m, str) for m in done_messages),
           "done_messages should be a list of the strings you read from the done queue.")
    names = {p.name for p in workers}
    expect(all(m.partition(DONE_SEPARATOR)[2] in names for m in done_messages),
           "done_messages should hold what your own workers put on the done queue, such as "
           "'Task no 0 is done by Process-3', each read back with get(): not the task names, "
           "and not results from another run.")
    tasks = make_tasks(EXERCISE_TASKS)
    counts = Counter(task_of(m) for m in done_messages)
    expect(all(task in tasks for task in counts),
           f"Some results are for tasks you were not asked for: put exactly the "
           f"{EXERCISE_TASKS} tasks made by make_tasks({EXERCISE_TASKS}).")
    expect(all(n == 1 for n in counts.values()),
           "Some tasks were done more than once: put each task once, and keep each result "
           "once.")
    missing = sum(1 for task in tasks if task not in counts)
    expect(missing == 0,
           f"{missing} of the {EXERCISE_TASKS} tasks have no result. Read one result per "
           "task with get(timeout=...) before you join, not while the queue looks "
           "non-empty.")
    correct("Every task was done exactly once, and every worker stopped at its own "
            "sentinel.")
