"""Checks for notebook 03, "Queue".

:func:`check_feed` runs the learner's parent code against real consumer processes
from :mod:`helpers.queues`, and is bounded in time: a missing sentinel gives a
"Not yet" hint after a few seconds, never a hang, and every consumer it started is
joined (or stopped and joined) before it returns.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from helpers.checks.core import correct, expect, require_attempt
from helpers.instruments.pools import kill_tree
from helpers.instruments.validate import (
    function,
    is_whole_number,
    list_of,
    process_count,
    seconds,
)
from helpers.queues import SENTINEL, consumer, shout

FEED_CASES: tuple[tuple[tuple[str, ...], int], ...] = (
    (("red", "green", "blue", "black"), 2),
    (("cyan", "magenta", "yellow", "white", "grey"), 3),
)
"""(items, number of consumers) that :func:`check_feed` tries."""

FEED_TIMEOUT = 5.0
"""Seconds the learner's ``feed`` may take to return."""

IDLE_TIMEOUT = 3.0
"""Stop waiting for results after this many seconds without a new one."""

JOIN_TIMEOUT = 3.0
"""Seconds all consumers together get to stop once the results are in."""


@dataclass
class FeedReport:
    """What happened when :func:`run_feed` ran a learner's ``feed``."""

    returned: bool = True
    """``feed`` returned (or raised) within the time allowed."""
    error: BaseException | None = None
    """The exception ``feed`` raised, if any."""
    results: list[Any] = field(default_factory=list)
    """Everything the consumers put on the results queue."""
    still_waiting: int = 0
    """Consumers that had not stopped in time (they were terminated and joined)."""
    leftover: list[Any] = field(default_factory=list)
    """What was still on the task queue once every consumer had stopped."""
    still_running: bool = False
    """``feed`` did not return and could not be stopped: it runs on in a thread of this
    process (only where the OS has no *fork*)."""


def _drain(q: Any, timeout: float) -> list[Any]:
    """Get items from ``q`` until none arrives within ``timeout`` seconds."""
    items = []
    while True:
        try:
            items.append(q.get(timeout=timeout))
        except (queue.Empty, OSError, ValueError):
            return items


def _collect(results: Any, expected: int, procs: Sequence[Any], idle: float) -> list[Any]:
    """Get up to ``expected`` results; stop early once all ``procs`` ended or none comes."""
    collected: list[Any] = []
    last = time.monotonic()
    while len(collected) < expected and time.monotonic() - last < idle:
        try:
            collected.append(results.get(timeout=0.1))
            last = time.monotonic()
        except queue.Empty:
            if not any(p.is_alive() for p in procs):
                # A process flushes its queue data before it ends: what is left is in the pipe.
                return collected + _drain(results, 0.2)
    return collected


def run_feed(feed: Callable[..., Any], items: Sequence[Any], n_consumers: int,
             feed_timeout: float | None = None, idle_timeout: float | None = None,
             join_timeout: float | None = None) -> FeedReport:
    """Start ``n_consumers`` :func:`~helpers.queues.consumer` processes, call
    ``feed(tasks, items, n_consumers)`` as the parent, and report what happened.

    Bounded in time: ``feed`` gets ``feed_timeout`` seconds (see :func:`_call_feed`: one
    that never returns is stopped); consumers still running at the end are terminated.
    Every process started here is joined before this returns. Timeouts left as ``None``
    take the module's ``FEED_TIMEOUT``, ``IDLE_TIMEOUT`` and ``JOIN_TIMEOUT``.
    """
    feed, items = function(feed, "feed"), list_of(items, "items")
    n_consumers = process_count(n_consumers, "n_consumers")
    feed_timeout = seconds(FEED_TIMEOUT if feed_timeout is None else feed_timeout,
                           "feed_timeout", allow_zero=False)
    idle_timeout = seconds(IDLE_TIMEOUT if idle_timeout is None else idle_timeout,
                           "idle_timeout", allow_zero=False)
    join_timeout = seconds(JOIN_TIMEOUT if join_timeout is None else join_timeout,
                           "join_timeout", allow_zero=False)
    tasks: Any = multiprocessing.Queue()
    results: Any = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=consumer, args=(tasks, results))
             for _ in range(n_consumers)]
    report = FeedReport()
    try:
        for p in procs:
            p.start()
        report.returned, report.error, report.still_running = _call_feed(
            feed, tasks, items, n_consumers, feed_timeout, join_timeout)
        if report.returned and report.error is None:
            report.results = _collect(results, len(items), procs, idle_timeout)
            deadline = time.monotonic() + join_timeout
            for p in procs:
                p.join(max(0.0, deadline - time.monotonic()))
            report.results += _drain(results, 0.2)  # items processed more than once
    finally:
        report.still_waiting = sum(p.is_alive() for p in procs)
        for p in procs:
            if p.is_alive():
                p.terminate()
            p.join()
    if report.returned and report.error is None and report.still_waiting == 0:
        report.leftover = _drain(tasks, 0.2)
    for q in (tasks, results):
        q.cancel_join_thread()  # never block on data that nobody will read
        q.close()
    return report


def _call_feed(feed: Callable[..., Any], tasks: Any, items: list[Any], n_consumers: int,
               timeout: float, join_timeout: float
               ) -> tuple[bool, BaseException | None, bool]:
    """Call ``feed(tasks, items, n_consumers)`` where it can be stopped.

    Returns (it returned or raised in time, what it raised, it still runs). Where the OS
    has *fork*, ``feed`` runs in a forked child process: the child has the notebook's own
    copy of the function (whatever the default start method), and one that never returns
    is killed after ``timeout`` seconds. Elsewhere (Windows) it runs in a daemon thread of
    this process, which nothing can stop.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        outcome: list[BaseException | None] = []

        def call() -> None:
            try:
                feed(tasks, items, n_consumers)
                outcome.append(None)
            except BaseException as error:  # reported to the learner as a hint
                outcome.append(error)

        thread = threading.Thread(target=call, name="learner-feed", daemon=True)
        thread.start()
        thread.join(timeout)
        return bool(outcome), outcome[0] if outcome else None, thread.is_alive()
    here, there = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(
        target=_feed_in_child, args=(feed, tasks, items, n_consumers, there),
        name="learner-feed")
    child.start()
    there.close()
    try:
        if not here.poll(timeout):
            return False, None, False
        try:
            kind, message = here.recv() or (None, None)
        except EOFError:  # it died without a word
            child.join(join_timeout)
            kind, message = "SystemExit", f"feed ended its process (exit code {child.exitcode})"
        error = None if kind is None else type(kind, (Exception,), {})(message)
        child.join(join_timeout)  # it exits once its puts have gone into the pipe
        return True, error, False
    finally:
        if child.is_alive():
            kill_tree(child)
        here.close()


def _feed_in_child(feed: Callable[..., Any], tasks: Any, items: list[Any], n_consumers: int,
                   conn: Any) -> None:
    """In a forked child: call ``feed``; send back ``None``, or the error's type and text."""
    try:
        feed(tasks, items, n_consumers)
        outcome = None
    except BaseException as error:  # noqa: BLE001 - the learner's error, reported as a hint
        outcome = (type(error).__name__, str(error))
    conn.send(outcome)
    conn.close()


def check_sentinel_count(n_sentinels: Any) -> None:
    """Exercise 1: two producers, three consumers: how many ``None`` must the parent put?"""
    __tracebackhide__ = True
    require_attempt(n_sentinels, "set n_sentinels to a whole number")
    expect(is_whole_number(n_sentinels),
           f"n_sentinels should be a whole number (an int), not {type(n_sentinels).__name__}.")
    expect(n_sentinels > 0, "With no None at all, every consumer blocks in get() forever "
                            "once the colours run out.")
    expect(n_sentinels != 2, "That is one per producer. Producers never read the task queue: "
                             "count the processes that must stop *reading* it.")
    expect(n_sentinels >= 3, "Too few. Each None is taken by exactly one consumer, and stops "
                             "only that one: the others block in get() forever.")
    expect(n_sentinels <= 3, "Too many. Extra Nones stay on the queue, and the next "
                             "consumer that reads it stops at once, before any real item.")
    correct("One None per consumer: each consumer takes exactly one and stops. The parent puts "
            "them after joining the producers, so they come after every colour.")


def check_feed(feed: Any) -> None:
    """Exercise 2: ``feed(tasks, items, n_consumers)`` puts the items, then the sentinels."""
    __tracebackhide__ = True
    require_attempt(feed, "define feed(tasks, items, n_consumers) in the answer cell")
    expect(callable(feed), f"feed should be a function, not {type(feed).__name__}: define it "
                           "with `def feed(tasks, items, n_consumers):`.")
    for items, n_consumers in FEED_CASES:
        report = run_feed(feed, items, n_consumers)
        expect(report.returned,
               f"feed did not return within {FEED_TIMEOUT:g} s. It only has to put things on "
               "tasks: does it wait for something, such as tasks.get() or a join()?"
               + (" It is still running in this kernel: fix it, then restart the kernel "
                  "(Kernel > Restart Kernel)." if report.still_running else ""))
        expect(report.error is None,
               f"feed raised {type(report.error).__name__}: {report.error}. Keep the "
               "signature feed(tasks, items, n_consumers) and use tasks.put(...).")
        expect(report.still_waiting == 0,
               f"With {n_consumers} consumers, {report.still_waiting} were still waiting in "
               f"get() after {JOIN_TIMEOUT:g} s (the check stopped them). A consumer stops "
               "only when it gets a None, and each None stops just one consumer.")
        wanted = sorted(shout(item) for item in items)
        got = sorted(report.results)
        if len(got) < len(wanted):
            expect(not any(x is not SENTINEL for x in report.leftover),
                   "Some items were still on the queue after every consumer had stopped: a "
                   "consumer stops at the first None it gets, so put the Nones after all the "
                   "items.")
            expect(False, "Some items never reached a consumer. Put every element of items "
                          "on tasks, one tasks.put(item) per element.")
        expect(len(got) == len(wanted),
               "Some items were processed more than once: put each item exactly once.")
        expect(got == wanted, "The consumers received something other than the items: put "
                              "each element of items by itself, as it is.")
        expect(not report.leftover,
               "Every item was processed, but Nones were left over on the queue after every "
               "consumer had stopped. The next reader would stop at once: put exactly one "
               "None per consumer.")
    correct("Every item was processed once and every consumer stopped: items first, then one "
            "None per consumer.")


LOOP_LETTERS = {"a", "b", "c", "d"}
"""The letters of the four consumer loops that exercise 3 offers."""


def check_safe_loop(choice: Any) -> None:
    """Exercise 3: which consumer loop never stops with work left ("a", "b", "c" or "d")?"""
    __tracebackhide__ = True
    require_attempt(choice, 'set choice to "a", "b", "c" or "d"')
    expect(isinstance(choice, str) and choice.strip().lower() in LOOP_LETTERS,
           f'choice should be one of the strings "a", "b", "c" or "d", not {choice!r}.')
    picked = choice.strip().lower()
    expect(picked != "a", "empty() can say True while an item is still on its way through the "
                          "feeder thread (you counted it above), or before the producer has put "
                          "the next one, so this loop can stop with work left.")
    expect(picked != "b", "get_nowait() raises Empty whenever it cannot read an item at that "
                          "instant: when the item is still with the feeder thread (as when "
                          "empty() says True), or when another consumer is reading. This is "
                          "the article's full example, and notebook 05 shows it losing tasks.")
    expect(picked != "d", "qsize() only counts what is there now: if the producer has not "
                          "put the next item yet, this loop quits early, and if another consumer "
                          "takes the last item between qsize() and get(), it blocks. On macOS "
                          "qsize() even raises NotImplementedError.")
    correct("A blocking get() waits for items that are on their way, and the sentinel says "
            "when there will be no more.")
