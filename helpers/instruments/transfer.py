"""Notebook 08's measurements: what sending data and handing out tasks cost.

* **sending data** to a process and back: pickling, the pipe, unpickling
  (:func:`pickle_costs`, :func:`measure_transfer`, :func:`fit_transfer`,
  :func:`time_here_and_in_a_worker`);
* **handing out many small tasks** one message at a time (:func:`time_chunksizes`,
  :func:`timelines_by_chunksize`);
* **copying large data** into every worker, which ``multiprocessing.shared_memory`` avoids
  (:func:`time_copies_vs_shared`, :func:`segment_exists`).

Start cost is :func:`helpers.instruments.pools.start_cost`. Timings are noisy, above all
on a busy machine: every function measures a few times and keeps the median or the best.
NumPy is imported only inside the functions that need it.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from multiprocessing import shared_memory
from typing import Any

from helpers.costs import (
    WORKERS,
    array_sum,
    echo_lengths_pipe,
    echo_lengths_queue,
    shared_sum,
    split_range,
)
from helpers.instruments.pools import ensure_sendable, kill_tree, warm_pool
from helpers.instruments.timeline import TaskRecord, timed
from helpers.instruments.timing import Stopwatch, format_seconds, time_call
from helpers.instruments.validate import (
    bounded,
    choice,
    describe,
    is_number,
    list_of,
    number,
    process_count,
    text,
    whole_number,
)

TIMEOUT = 60.0
"""Seconds any single wait in this module may last before it gives up with an error."""

TRANSFER_SIZES: tuple[int, ...] = (100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000)
"""Payload sizes in bytes for :func:`measure_transfer`: from a short message to 10 MB."""

CHANNELS = ("Pipe", "Queue")


def format_bytes(nbytes: int) -> str:
    """A size in decimal units: ``"100 B"``, ``"10 kB"``, ``"9.0 MB"``."""
    nbytes = whole_number(nbytes, "nbytes")
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if nbytes >= scale:
            if nbytes % scale == 0:
                return f"{nbytes // scale} {unit}"
            return f"{nbytes / scale:.1f} {unit}"
    return f"{nbytes} B"


def _repeats(repeats: Any) -> int:
    return bounded(repeats, "repeats", "repeats", least=1)


# --- Pickling and sending data ------------------------------------------------------------


@dataclass(frozen=True)
class PickleCost:
    """How big an object is once pickled, and how long pickling and unpickling take."""

    nbytes: int
    dumps: float
    loads: float

    def __str__(self) -> str:
        return (f"pickled {format_bytes(self.nbytes)}, dumps {format_seconds(self.dumps)}, "
                f"loads {format_seconds(self.loads)}")


def pickle_costs(obj: Any, repeats: int = 3) -> PickleCost:
    """Measure ``pickle.dumps(obj)`` and ``pickle.loads`` of the result (best of ``repeats``).

    This is the work a ``Queue``, a ``Pipe`` or a ``Pool`` does for every object it sends:
    pickle in the sender, unpickle in the receiver (with the default protocol, as they do).
    """
    repeats = _repeats(repeats)
    dumps, data = time_call(pickle.dumps, obj, repeats=repeats)
    loads, _ = time_call(pickle.loads, data, repeats=repeats)
    return PickleCost(nbytes=len(data), dumps=dumps, loads=loads)


def _stop_child(child: Any, finished: bool) -> None:
    child.join(TIMEOUT if finished else 1.0)
    if child.exitcode is None:
        kill_tree(child)


def _median_round_trips(sizes: Sequence[int], repeats: int,
                        round_trip: Callable[[bytes], None]) -> dict[int, float]:
    """``{size: median seconds}`` of ``round_trip(payload)`` for a payload of each size."""
    times = {}
    for size in sizes:
        payload, runs = bytes(size), []
        for _ in range(repeats):
            with Stopwatch() as clock:
                round_trip(payload)
            runs.append(clock.seconds)
        times[size] = statistics.median(runs)
    return times


def _time_pipe(sizes: Sequence[int], repeats: int) -> dict[int, float]:
    here, there = multiprocessing.Pipe()
    child = multiprocessing.Process(target=echo_lengths_pipe, args=(there,))
    child.start()
    there.close()
    finished = False

    def round_trip(payload: bytes) -> None:
        here.send(payload)
        if not here.poll(TIMEOUT):
            raise RuntimeError(f"no answer from the child within {TIMEOUT:g} s.")
        here.recv()

    try:
        times = _median_round_trips(sizes, repeats, round_trip)
        here.send(None)
        finished = True
    finally:
        _stop_child(child, finished)
        here.close()
    return times


def _time_queue(sizes: Sequence[int], repeats: int) -> dict[int, float]:
    inbox, outbox = multiprocessing.Queue(), multiprocessing.Queue()
    child = multiprocessing.Process(target=echo_lengths_queue, args=(inbox, outbox))
    child.start()
    finished = False

    def round_trip(payload: bytes) -> None:
        inbox.put(payload)
        outbox.get(timeout=TIMEOUT)

    try:
        times = _median_round_trips(sizes, repeats, round_trip)
        inbox.put(None)
        finished = True
    finally:
        _stop_child(child, finished)
        for q in (inbox, outbox):
            if not finished:  # unread data must not keep this process waiting
                q.cancel_join_thread()
            q.close()
            q.join_thread()
    return times


def measure_transfer(channel: str = "Pipe", sizes: Sequence[int] = TRANSFER_SIZES,
                     repeats: int = 5) -> dict[int, float]:
    """Median round-trip seconds per payload size through a ``Pipe`` or a ``Queue``.

    One child process, started once (its start is not timed), receives each payload
    (``bytes`` of that size) and answers with its length. A round trip therefore holds
    pickling, the trip through the operating system's pipe, unpickling, and a short answer.

    Returns:
        ``{size in bytes: seconds}``, in the order of ``sizes``.
    """
    choice(channel, "channel", CHANNELS)
    repeats = _repeats(repeats)
    sizes = list_of(sizes, "sizes", least=1, what="sizes in bytes",
                    item=lambda v, n: bounded(v, n, "bytes", least=1))
    return (_time_pipe if channel == "Pipe" else _time_queue)(sizes, repeats)


@dataclass(frozen=True)
class TransferFit:
    """The model ``seconds = latency + size × seconds_per_byte`` for one channel."""

    latency: float
    """Seconds per message, whatever its size."""
    seconds_per_byte: float
    """Extra seconds per byte of payload."""

    def predict(self, nbytes: float) -> float:
        """Seconds the model expects a round trip with ``nbytes`` of payload to take."""
        nbytes = number(nbytes, "nbytes", least=0, unit="bytes")
        return self.latency + nbytes * self.seconds_per_byte

    def __str__(self) -> str:
        return (f"about {format_seconds(self.latency)} per message "
                f"+ {format_seconds(self.seconds_per_byte * 1e6)} per MB")


def transfer_times(times: Any, name: str = "times") -> dict[int, float]:
    """``times`` checked: ``{size in bytes: seconds}`` as :func:`measure_transfer` returns."""
    if not isinstance(times, dict):
        raise TypeError(f"{name} must be the dict {{bytes: seconds}} that measure_transfer "
                        f"returns, not {describe(times)}.")
    for size, seconds in times.items():
        bounded(size, f"a size in {name}", "bytes", least=1)
        if not is_number(seconds) or seconds <= 0:
            raise ValueError(f"{name}[{size}] must be a time in seconds above 0, not "
                             f"{seconds!r}.")
    return times


def fit_transfer(times: dict[int, float]) -> TransferFit:
    """Fit ``latency + size × seconds_per_byte`` to :func:`measure_transfer`'s result.

    Least squares on *relative* errors, so that the 100-byte and the 10 MB payloads count
    alike. Neither number is allowed below zero.
    """
    times = transfer_times(times)
    if len(times) < 2:
        raise ValueError(f"times needs at least two payload sizes to fit a line through, not "
                         f"{times!r}: measure_transfer() gives several.")
    weights = {x: 1 / t**2 for x, t in times.items()}
    s0 = sum(weights.values())
    s1 = sum(w * x for x, w in weights.items())
    s2 = sum(w * x * x for x, w in weights.items())
    t0 = sum(w * times[x] for x, w in weights.items())
    t1 = sum(w * x * times[x] for x, w in weights.items())
    det = s0 * s2 - s1 * s1
    latency = (t0 * s2 - t1 * s1) / det if det else 0.0
    per_byte = (s0 * t1 - s1 * t0) / det if det else 0.0
    if latency < 0:
        latency, per_byte = 0.0, t1 / s2
    if per_byte < 0:
        latency, per_byte = t0 / s0, 0.0
    return TransferFit(latency=latency, seconds_per_byte=per_byte)


def time_here_and_in_a_worker(func: Callable[[Any], Any], payload: Any,
                              repeats: int = 3) -> tuple[float, float]:
    """Best-of-``repeats`` seconds of ``func(payload)`` here, and through a 1-worker pool.

    The pool is started (and warmed up) before the clock runs, so the second number is
    what sending ``payload`` to a worker, computing there and sending the result back
    costs, without the process start. ``func`` must be importable by the worker.
    """
    ensure_sendable(func, "func")
    repeats = _repeats(repeats)
    here, _ = time_call(func, payload, repeats=repeats)
    with warm_pool("processes", 1) as pool:
        there, _ = time_call(lambda: pool.apply_async(func, (payload,)).get(TIMEOUT),
                             repeats=repeats)
    return here, there


# --- Task granularity ---------------------------------------------------------------------


def _chunksizes(chunksizes: Any) -> list[int]:
    return list_of(chunksizes, "chunksizes", least=1, what="chunksizes",
                   item=lambda v, n: bounded(v, n, "items", least=1))


def time_chunksizes(func: Callable[[Any], Any], tasks: Sequence[Any],
                    chunksizes: Sequence[int], workers: int = WORKERS,
                    repeats: int = 2) -> dict[int, float]:
    """Best-of-``repeats`` seconds for ``pool.map(func, tasks, chunksize=c)``, per ``c``.

    One pool serves every run, and it is warmed up first, so no process start is timed.

    Returns:
        ``{chunksize: seconds}``, in the order of ``chunksizes``.
    """
    ensure_sendable(func, "func")
    tasks = list_of(tasks, "tasks", what="tasks")
    chunksizes, repeats = _chunksizes(chunksizes), _repeats(repeats)
    times = {}
    with warm_pool("processes", process_count(workers, "workers")) as pool:
        for chunksize in chunksizes:
            times[chunksize], _ = time_call(
                lambda c=chunksize: pool.map_async(func, tasks, chunksize=c).get(TIMEOUT),
                repeats=repeats)
    return times


def timelines_by_chunksize(func: Callable[[Any], Any], tasks: Sequence[Any],
                           chunksizes: Sequence[int],
                           workers: int = WORKERS) -> dict[int, list[TaskRecord]]:
    """Run ``pool.map(timed(func), tasks, chunksize=c)`` for each ``c``; keep the records.

    Each record says which worker ran the task and when (see
    :mod:`helpers.instruments.timeline`).
    """
    ensure_sendable(func, "func")
    tasks = list_of(tasks, "tasks", least=1, what="tasks")
    chunksizes = _chunksizes(chunksizes)
    runs = {}
    with warm_pool("processes", process_count(workers, "workers")) as pool:
        for chunksize in chunksizes:
            runs[chunksize] = pool.map_async(partial(timed, func), tasks,
                                             chunksize=chunksize).get(TIMEOUT)
    return runs


# --- Sharing data without copying ----------------------------------------------------------


def _import_numpy() -> None:
    import numpy  # noqa: F401


def segment_exists(name: str) -> bool:
    """Does a shared memory block called ``name`` still exist? (Opens nothing that lasts.)"""
    name = text(name, "name", example="shm.name")
    try:
        from _posixshmem import shm_open
    except ImportError:  # Windows: a block lives as long as a handle to it is open
        try:
            block = shared_memory.SharedMemory(name=name)
        except FileNotFoundError:
            return False
        block.close()
        return True
    try:
        fd = shm_open("/" + name.lstrip("/"), os.O_RDONLY)
    except FileNotFoundError:
        return False
    os.close(fd)
    return True


def time_copies_vs_shared(n: int = 5_000_000, workers: int = WORKERS,
                          repeats: int = 3) -> tuple[float, float]:
    """Best-of-``repeats`` seconds to sum ``n`` int64 numbers in ``workers`` processes, two ways.

    1. **Copies**: ``pool.map(array_sum, np.array_split(data, workers))`` pickles each part
       and sends it to a worker.
    2. **Shared memory**: the data sits in one ``SharedMemory`` block, and each worker gets
       only its name and the bounds of its part (:func:`helpers.costs.shared_sum`).

    The block is created before the pool (so pool workers share the parent's resource
    tracker), and closed and unlinked before returning, whatever happens.
    """
    import numpy as np

    n = bounded(n, "n", "bytes", least=1)
    bounded(n * 8, "n x 8 bytes", "bytes")  # the array and its copies must fit in memory
    workers, repeats = process_count(workers, "workers"), _repeats(repeats)
    expected = n * (n - 1) // 2
    data = np.arange(n, dtype=np.int64)
    shm = shared_memory.SharedMemory(create=True, size=max(data.nbytes, 1))
    try:
        shared = np.ndarray(data.shape, dtype=data.dtype, buffer=shm.buf)
        shared[:] = data
        del shared
        jobs = [(shm.name, data.shape, data.dtype.str, a, b) for a, b in split_range(n, workers)]
        parts = np.array_split(data, workers)
        with warm_pool("processes", workers, initializer=_import_numpy) as pool:
            copies, total = time_call(
                lambda: sum(pool.map_async(array_sum, parts).get(TIMEOUT)), repeats=repeats)
            sharing, total_shared = time_call(
                lambda: sum(pool.starmap_async(shared_sum, jobs).get(TIMEOUT)), repeats=repeats)
        if total != expected or total_shared != expected:
            raise RuntimeError("a sum came out wrong: the workers saw different data.")
    finally:
        shm.close()
        shm.unlink()
    return copies, sharing
