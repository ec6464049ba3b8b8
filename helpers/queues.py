"""Producer and consumer workers for notebook 03, "Queue".

Every worker here is a module-level function, so a child process started with
*spawn* or *forkserver* can import it by name. The workers never decide when to
stop by asking the queue whether it is empty (``empty()`` and ``qsize()`` are
unreliable for ``multiprocessing.Queue``): a consumer blocks on ``get()`` and
stops at the sentinel ``None``, and the producer (or the parent) puts one
``None`` per consumer after the real items.
"""

from __future__ import annotations

import queue
from collections.abc import Iterable
from multiprocessing import Queue
from multiprocessing.connection import Connection
from typing import Any, NamedTuple

COLORS: tuple[str, ...] = ("red", "green", "blue", "black")
"""The article's colours, in the article's order."""

SENTINEL = None
"""What tells a consumer to stop. ``None`` is never a real item in this course."""


def shout(item: Any) -> str:
    """The consumers' "work": ``str(item).upper()``, e.g. ``shout("red") == "RED"``."""
    return str(item).upper()


def producer(tasks: Any, items: Iterable[Any], n_consumers: int) -> None:
    """Put every item on ``tasks``, then one sentinel ``None`` per consumer.

    Args:
        tasks: the queue the consumers read.
        items: the real items, put in order.
        n_consumers: how many consumers read ``tasks``; each needs its own ``None``.
    """
    if not isinstance(n_consumers, int) or isinstance(n_consumers, bool) or n_consumers < 1:
        raise ValueError(f"n_consumers must be a whole number >= 1, not {n_consumers!r}: "
                         "pass how many consumer processes read the queue.")
    for item in items:
        tasks.put(item)
    for _ in range(n_consumers):
        tasks.put(SENTINEL)


def consumer(tasks: Any, results: Any) -> None:
    """Take items from ``tasks`` until the sentinel ``None``; put ``shout(item)`` on ``results``.

    ``iter(tasks.get, None)`` calls ``tasks.get()`` again and again, blocking until
    each item arrives, and stops when it returns ``None``.
    """
    for item in iter(tasks.get, SENTINEL):
        results.put(shout(item))


def joinable_consumer(tasks: Any, results: Any) -> None:
    """Like :func:`consumer`, for a ``JoinableQueue``: call ``task_done()`` after every item.

    ``task_done()`` is called once per ``get()``, the sentinel included, so that
    ``tasks.join()`` in the parent returns once everything put has been handled.
    """
    while True:
        item = tasks.get()
        try:
            if item is SENTINEL:
                return
            results.put(shout(item))
        finally:
            tasks.task_done()


def pipe_shouter(conn: Connection) -> None:
    """Receive items on ``conn`` until ``None``; send back ``shout(item)`` for each. Then close."""
    try:
        for item in iter(conn.recv, SENTINEL):
            conn.send(shout(item))
    finally:
        conn.close()


class EmptyRace(NamedTuple):
    """What :func:`empty_after_put` saw."""

    trials: int
    """How many queues got an item and were asked ``empty()`` at once."""
    said_empty: int
    """How many times ``empty()`` answered ``True`` although an item had just been put."""
    got_back: int
    """How many items a blocking ``get(timeout=...)`` then returned (all of them)."""


def empty_after_put(trials: int = 200, timeout: float = 5.0) -> EmptyRace:
    """Make a queue, put one item, ask ``empty()`` straight away, then ``get()`` it back; repeat.

    Each trial is the article's situation: a new queue, a ``put()``, then ``empty()``.
    Everything happens in this process: no child is started. ``put()`` hands the item
    to the queue's feeder thread, which pickles it and writes it into a pipe a moment
    later, while ``empty()`` looks only at the pipe. So ``empty()`` often says ``True``
    about a queue that holds an item, and the blocking ``get(timeout=...)`` still finds it.

    Args:
        trials: how many queues to try (a whole number >= 1).
        timeout: seconds each ``get()`` may wait for its item.
    """
    if not isinstance(trials, int) or isinstance(trials, bool) or trials < 1:
        raise ValueError(f"trials must be a whole number >= 1, not {trials!r}.")
    said_empty = got_back = 0
    for i in range(trials):
        q: Queue = Queue()
        try:
            q.put(i)
            said_empty += q.empty()
            got_back += q.get(timeout=timeout) == i
        except queue.Empty:
            pass
        finally:
            q.close()
            q.join_thread()
    return EmptyRace(trials, said_empty, got_back)
