"""Notebook 03, "Queue": producer and consumer workers.

Every worker here is a module-level function, so a child process started with
*spawn* or *forkserver* can import it by name. The workers never decide when to
stop by asking the queue whether it is empty (``empty()`` and ``qsize()`` are
unreliable for ``multiprocessing.Queue``): a consumer blocks on ``get()`` and
stops at the sentinel ``None``, and the producer (or the parent) puts one
``None`` per consumer after the real items.
"""

from __future__ import annotations

from collections.abc import Iterable
from multiprocessing.connection import Connection
from typing import Any

from helpers.instruments.validate import connection, list_of, process_count, queue

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
    tasks, items = queue(tasks, "tasks"), list_of(items, "items", item=_real_item)
    n_consumers = process_count(n_consumers, "n_consumers")
    for item in items:
        tasks.put(item)
    for _ in range(n_consumers):
        tasks.put(SENTINEL)


def consumer(tasks: Any, results: Any) -> None:
    """Take items from ``tasks`` until the sentinel ``None``; put ``shout(item)`` on ``results``.

    ``iter(tasks.get, None)`` calls ``tasks.get()`` again and again, blocking until
    each item arrives, and stops when it returns ``None``.
    """
    tasks, results = queue(tasks, "tasks"), queue(results, "results")
    for item in iter(tasks.get, SENTINEL):
        results.put(shout(item))


def joinable_consumer(tasks: Any, results: Any) -> None:
    """Like :func:`consumer`, for a ``JoinableQueue``: call ``task_done()`` after every item.

    ``task_done()`` is called once per ``get()``, the sentinel included, so that
    ``tasks.join()`` in the parent returns once everything put has been handled.
    """
    tasks, results = queue(tasks, "tasks", joinable=True), queue(results, "results")
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
    conn = connection(conn, "conn")
    try:
        for item in iter(conn.recv, SENTINEL):
            conn.send(shout(item))
    finally:
        conn.close()


def _real_item(item: Any, name: str) -> Any:
    """An item that is not the sentinel (a ``None`` would stop a consumer early)."""
    if item is SENTINEL:
        raise ValueError(f"{name} is None, which the consumers read as 'stop': leave it out, "
                         "or wrap it, e.g. ('value', None).")
    return item
