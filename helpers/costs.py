"""Notebook 08, "What parallelism costs": the workers, and the back-of-the-envelope model.

The measurements themselves (start cost, round trips, chunksizes, copies against shared
memory) are in ``helpers.instruments``; what runs in the children is here, short
enough to read: a worker that does nothing, a tiny CPU-bound task, the child side of a
round trip, and a sum over shared memory.
"""

from __future__ import annotations

from multiprocessing import shared_memory
from typing import Any

from helpers.instruments.validate import (
    bounded,
    connection,
    has_methods,
    list_of,
    number,
    numpy_dtype,
    queue,
    text,
    whole_number,
)

WORKERS = 2
"""Pool size used throughout notebook 08, so that its numbers compare between machines."""


def do_nothing(*args: Any) -> None:
    """A worker that does nothing, so that timing it measures only the process around it."""


def count_primes(limit: int) -> int:
    """The CPU-bound demo task: count primes below ``limit`` by trial division.

    Deliberately plain Python. On a standard build (with the GIL) it holds the GIL,
    so threads cannot run it in parallel and processes can; on a free-threaded build
    (3.13t, 3.14t) threads can too. ``count_primes(100_000)`` is 9592.
    """
    limit = bounded(limit, "limit", "items")
    count = 0
    for n in range(2, limit):
        if n % 2 == 0:
            count += n == 2
            continue
        d = 3
        while d * d <= n:
            if n % d == 0:
                break
            d += 2
        else:
            count += 1
    return count


def rising_tasks(n: int, low: int = 50, high: int = 450) -> list[int]:
    """``n`` task sizes for :func:`count_primes`, rising from ``low`` to ``high``.

    Each task is tiny (tens of microseconds), and later tasks cost more than earlier
    ones, as often happens with real data (files that grow, rows of a picture...).
    """
    n = bounded(n, "n", "items", least=2)
    low = whole_number(low, "low", least=2)
    high = whole_number(high, "high", least=low)
    return [low + (high - low) * i // (n - 1) for i in range(n)]


def default_chunksize(n_tasks: int, workers: int) -> int:
    """The chunksize ``Pool.map`` picks when given none: ``n_tasks / (4 × workers)``, rounded up."""
    n_tasks = whole_number(n_tasks, "n_tasks")
    workers = whole_number(workers, "workers", least=1)
    chunksize, extra = divmod(n_tasks, workers * 4)
    return chunksize + 1 if extra else chunksize


# --- The child side of a round trip ----------------------------------------------------


def echo_lengths_pipe(conn: Any) -> None:
    """Child side: receive payloads from ``conn`` and answer each with its length.

    Stops at ``None``.
    """
    with connection(conn, "conn"):
        for payload in iter(conn.recv, None):
            conn.send(len(payload))


def echo_lengths_queue(inbox: Any, outbox: Any) -> None:
    """Child side: take payloads from ``inbox``, put each one's length on ``outbox``.

    Stops at ``None``.
    """
    inbox, outbox = queue(inbox, "inbox"), queue(outbox, "outbox")
    for payload in iter(inbox.get, None):
        outbox.put(len(payload))


# --- Sharing data without copying ------------------------------------------------------


def split_range(n: int, parts: int) -> list[tuple[int, int]]:
    """Split ``range(n)`` into ``parts`` contiguous ``(start, stop)`` pairs of near-equal size."""
    n, parts = whole_number(n, "n"), whole_number(parts, "parts", least=1)
    bounds = [n * i // parts for i in range(parts + 1)]
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def attach(name: str) -> shared_memory.SharedMemory:
    """Open the existing shared memory block ``name`` (in a child, say).

    From Python 3.13 this passes ``track=False``: only the process that created a block
    should have it cleaned up. Before 3.13 the child registers it with the resource
    tracker too, which is harmless when the child uses its parent's tracker, as children
    started by ``multiprocessing`` do.
    """
    name = text(name, "name", example="shm.name")
    try:
        try:
            return shared_memory.SharedMemory(name=name, track=False)  # Python 3.13+
        except TypeError:
            return shared_memory.SharedMemory(name=name)
    except FileNotFoundError:
        raise FileNotFoundError(f"name: there is no shared memory block {name!r}. Pass the "
                                "name of a block that exists (shm.name).") from None


def shared_sum(name: str, shape: tuple[int, ...], dtype: str, start: int, stop: int) -> Any:
    """Child side: sum ``array[start:stop]`` of the NumPy array in shared memory ``name``.

    Nothing is copied: the child maps the same memory as the parent. It closes its
    mapping before returning (first dropping its NumPy view, without which ``close``
    fails), and never unlinks: the block belongs to the parent.
    """
    import numpy as np

    shape = tuple(list_of(shape, "shape", least=1, item=whole_number, what="sizes"))
    dtype = numpy_dtype(dtype, "dtype")
    start, stop = whole_number(start, "start"), whole_number(stop, "stop")
    shm = attach(name)
    try:
        array = np.ndarray(shape, dtype=dtype, buffer=shm.buf)
        total = array[start:stop].sum().item()
        del array
    finally:
        shm.close()
    return total


def array_sum(array: Any) -> Any:
    """Sum a NumPy array (or anything with ``.sum()``) as a plain Python number."""
    return has_methods(array, "array", ("sum",), "a NumPy array").sum().item()


# --- The model ---------------------------------------------------------------------------


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def pool_time_model(items: int, compute: float, send: float, workers: int = WORKERS,
                    start: float = 0.1) -> tuple[float, float]:
    """The back-of-the-envelope model of notebook 08: ``(serial seconds, pool seconds)``.

    * serial = items × compute
    * pool = start + items × send + ceil(items / workers) × compute

    ``send`` is what one item costs to pickle, send, unpickle, and send its result back:
    the parent does that for every item, one after the other. The model adds sending
    and computing as if they never overlapped; a real pool sends the next items while
    the workers compute, so its time lies between this and
    ``start + max(items × send, ceil(items / workers) × compute)``: the model is an
    upper bound.
    """
    items = bounded(items, "items", "items", least=1)
    workers = whole_number(workers, "workers", least=1)
    compute = number(compute, "compute", least=0.0, unit="seconds")
    send = number(send, "send", least=0.0, unit="seconds")
    start = number(start, "start", least=0.0, unit="seconds")
    return items * compute, start + items * send + _ceil_div(items, workers) * compute


def pool_time_range(items: int, compute: float, send: float, workers: int = WORKERS,
                    start: float = 0.1) -> tuple[float, float, float]:
    """``(serial seconds, pool seconds at least, pool seconds at most)``.

    *At most* is :func:`pool_time_model`'s pool time: sending and computing take turns.
    *At least* lets them overlap fully, as a pool's background thread sends the next
    items while the workers compute:
    ``start + max(items × send, ceil(items / workers) × compute)``.
    """
    serial, most = pool_time_model(items, compute, send, workers, start)
    least = start + max(items * send, _ceil_div(items, workers) * compute)
    return serial, least, most


def worth_it(items: int, compute: float, send: float, workers: int = WORKERS,
             start: float = 0.1) -> bool:
    """Does :func:`pool_time_model` say the pool beats the serial loop, even at its upper
    bound (sending and computing taking turns)?"""
    serial, pooled = pool_time_model(items, compute, send, workers, start)
    return pooled < serial

