"""What parallelism costs: measure it, fit a simple model to it, plot it.

Four costs that a serial program never pays:

* **starting a process** (:func:`measure_start_costs`), which depends on the start method;
* **sending data** to it and back: pickling, the pipe, unpickling
  (:func:`pickle_costs`, :func:`measure_transfer`, :func:`fit_transfer`);
* **handing out many small tasks** one message at a time (:func:`time_chunksizes`,
  :func:`timelines_by_chunksize`);
* **copying large data** into every worker, which ``multiprocessing.shared_memory`` avoids
  (:func:`shared_sum`, :func:`time_copies_vs_shared`).

:func:`pool_time_model` puts them together in a back-of-the-envelope estimate.

Timings are noisy, above all on a busy machine: every function measures a few times and
keeps the median or the best. NumPy and matplotlib are imported only inside the functions
that need them, so that a child process importing this module starts quickly.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from multiprocessing import shared_memory
from typing import Any

from helpers.timeline import TaskRecord, timed, worker_labels

TIMEOUT = 60.0
"""Seconds any single wait in this module may last before it gives up with an error."""

WORKERS = 2
"""Pool size used throughout notebook 08, so that its numbers compare between machines."""

# --- Formatting -----------------------------------------------------------------------


def format_seconds(seconds: float) -> str:
    """A duration with a sensible unit: ``"45 µs"``, ``"3.2 ms"``, ``"1.25 s"``."""
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
        raise ValueError(f"seconds must be a number of at least 0, not {seconds!r}.")
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("\u00b5s", 1e-6)):
        if seconds >= scale or unit == "\u00b5s":
            value = seconds / scale
            return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def format_bytes(nbytes: int) -> str:
    """A size in decimal units: ``"100 B"``, ``"10 kB"``, ``"9.0 MB"``."""
    if not isinstance(nbytes, int) or isinstance(nbytes, bool) or nbytes < 0:
        raise ValueError(f"nbytes must be a whole number of at least 0, not {nbytes!r}.")
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if nbytes >= scale:
            if nbytes % scale == 0:
                return f"{nbytes // scale} {unit}"
            return f"{nbytes / scale:.1f} {unit}"
    return f"{nbytes} B"


def _check_repeats(repeats: int) -> None:
    if not isinstance(repeats, int) or isinstance(repeats, bool) or repeats < 1:
        raise ValueError(f"repeats must be a whole number of at least 1, not {repeats!r}.")


# --- 1. Starting a process -------------------------------------------------------------


def do_nothing(*args: Any) -> None:
    """A worker that does nothing, so that timing it measures only the process around it."""


def time_start(method: str, repeats: int = 5) -> float:
    """Median seconds to start and join one ``Process`` that does nothing, with ``method``.

    One extra start comes first and is not counted: the first *forkserver* start also
    starts the server, and the first *spawn* start warms the disk cache.
    """
    if method not in multiprocessing.get_all_start_methods():
        raise ValueError(f"start method {method!r} is not available here: choose one of "
                         f"{multiprocessing.get_all_start_methods()}.")
    _check_repeats(repeats)
    context = multiprocessing.get_context(method)
    times = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        process = context.Process(target=do_nothing)
        process.start()
        process.join(TIMEOUT)
        times.append(time.perf_counter() - start)
        if process.exitcode is None:
            process.terminate()
            process.join()
            raise RuntimeError(f"a {method} child did not end within {TIMEOUT:g} s.")
    return statistics.median(times[1:])


def measure_start_costs(methods: Iterable[str] | None = None,
                        repeats: int = 5) -> dict[str, float]:
    """Median start + join time of a do-nothing ``Process`` per start method.

    Args:
        methods: the start methods to measure; every one this OS has if omitted (Linux:
            fork, spawn and forkserver; macOS the same; Windows only spawn).
        repeats: starts per method (after one uncounted warm-up start).
    """
    methods = multiprocessing.get_all_start_methods() if methods is None else list(methods)
    return {method: time_start(method, repeats) for method in methods}


def plot_start_costs(costs: dict[str, float], ax: Any = None) -> Any:
    """Bar chart of :func:`measure_start_costs`, in milliseconds. Returns the Axes."""
    if not costs:
        raise ValueError("costs is empty: measure some start methods first.")
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3))
    names = list(costs)
    millis = [costs[name] * 1e3 for name in names]
    bars = ax.bar(names, millis, color="tab:blue", edgecolor="black")
    ax.bar_label(bars, labels=[format_seconds(costs[name]) for name in names])
    ax.set_ylabel("start + join (ms)")
    ax.set_title("What one Process start costs")
    ax.margins(y=0.15)
    return ax


# --- 2. Pickling and sending data ------------------------------------------------------


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
    _check_repeats(repeats)
    dumps, loads = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        data = pickle.dumps(obj)
        middle = time.perf_counter()
        pickle.loads(data)
        loads.append(time.perf_counter() - middle)
        dumps.append(middle - start)
    return PickleCost(nbytes=len(data), dumps=min(dumps), loads=min(loads))


TRANSFER_SIZES: tuple[int, ...] = (100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000)
"""Payload sizes in bytes for :func:`measure_transfer`: from a short message to 10 MB."""

CHANNELS = ("Pipe", "Queue")


def echo_lengths_pipe(conn: Any) -> None:
    """Child side: receive payloads from ``conn`` and answer each with its length.

    Stops at ``None``.
    """
    with conn:
        for payload in iter(conn.recv, None):
            conn.send(len(payload))


def echo_lengths_queue(inbox: Any, outbox: Any) -> None:
    """Child side: take payloads from ``inbox``, put each one's length on ``outbox``.

    Stops at ``None``.
    """
    for payload in iter(inbox.get, None):
        outbox.put(len(payload))


def _time_pipe(sizes: Sequence[int], repeats: int) -> dict[int, float]:
    here, there = multiprocessing.Pipe()
    child = multiprocessing.Process(target=echo_lengths_pipe, args=(there,))
    child.start()
    there.close()
    finished = False
    try:
        times = {}
        for size in sizes:
            payload, runs = bytes(size), []
            for _ in range(repeats):
                start = time.perf_counter()
                here.send(payload)
                if not here.poll(TIMEOUT):
                    raise RuntimeError(f"no answer from the child within {TIMEOUT:g} s.")
                here.recv()
                runs.append(time.perf_counter() - start)
            times[size] = statistics.median(runs)
        here.send(None)
        finished = True
    finally:
        child.join(TIMEOUT if finished else 1.0)
        if child.exitcode is None:
            child.terminate()
            child.join()
        here.close()
    return times


def _time_queue(sizes: Sequence[int], repeats: int) -> dict[int, float]:
    inbox, outbox = multiprocessing.Queue(), multiprocessing.Queue()
    child = multiprocessing.Process(target=echo_lengths_queue, args=(inbox, outbox))
    child.start()
    finished = False
    try:
        times = {}
        for size in sizes:
            payload, runs = bytes(size), []
            for _ in range(repeats):
                start = time.perf_counter()
                inbox.put(payload)
                outbox.get(timeout=TIMEOUT)
                runs.append(time.perf_counter() - start)
            times[size] = statistics.median(runs)
        inbox.put(None)
        finished = True
    finally:
        child.join(TIMEOUT if finished else 1.0)
        if child.exitcode is None:
            child.terminate()
            child.join()
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
    if channel not in CHANNELS:
        raise ValueError(f"channel must be 'Pipe' or 'Queue', not {channel!r}.")
    _check_repeats(repeats)
    if not sizes or not all(isinstance(s, int) and s >= 1 for s in sizes):
        raise ValueError(f"sizes must be whole numbers of bytes, at least 1: not {sizes!r}.")
    return (_time_pipe if channel == "Pipe" else _time_queue)(list(sizes), repeats)


@dataclass(frozen=True)
class TransferFit:
    """The model ``seconds = latency + size × seconds_per_byte`` for one channel."""

    latency: float
    """Seconds per message, whatever its size."""
    seconds_per_byte: float
    """Extra seconds per byte of payload."""

    def predict(self, nbytes: float) -> float:
        """Seconds the model expects a round trip with ``nbytes`` of payload to take."""
        return self.latency + nbytes * self.seconds_per_byte

    def __str__(self) -> str:
        return (f"about {format_seconds(self.latency)} per message "
                f"+ {format_seconds(self.seconds_per_byte * 1e6)} per MB")


def fit_transfer(times: dict[int, float]) -> TransferFit:
    """Fit ``latency + size × seconds_per_byte`` to :func:`measure_transfer`'s result.

    Least squares on *relative* errors, so that the 100-byte and the 10 MB payloads count
    alike. Neither number is allowed below zero.
    """
    if len(times) < 2:
        raise ValueError("times needs at least two payload sizes to fit a line through.")
    if any(t <= 0 for t in times.values()):
        raise ValueError("every time must be above zero.")
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


def plot_transfer(results: dict[str, dict[int, float]], ax: Any = None) -> Any:
    """Log-log plot of round-trip time against payload size, one line per channel.

    ``results`` maps a channel name to :func:`measure_transfer`'s result; the fitted
    model of each is drawn dashed. Returns the Axes.
    """
    if not results:
        raise ValueError("results is empty: measure a channel with measure_transfer first.")
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for name, times in results.items():
        sizes = sorted(times)
        line, = ax.plot(sizes, [times[s] for s in sizes], "o", label=f"{name} (measured)")
        fit = fit_transfer(times)
        ax.plot(sizes, [fit.predict(s) for s in sizes], "--", color=line.get_color(),
                label=f"{name} (model)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("payload (bytes)")
    ax.set_ylabel("round trip (s)")
    ax.set_title("Sending data to a process and hearing back")
    ax.legend()
    return ax


def time_here_and_in_a_worker(func: Callable[[Any], Any], payload: Any,
                              repeats: int = 3) -> tuple[float, float]:
    """Best-of-``repeats`` seconds of ``func(payload)`` here, and through a 1-worker pool.

    The pool is started (and warmed up) before the clock runs, so the second number is
    what sending ``payload`` to a worker, computing there and sending the result back
    costs, without the process start. ``func`` must be importable by the worker.
    """
    _check_repeats(repeats)
    here = []
    for _ in range(repeats):
        start = time.perf_counter()
        func(payload)
        here.append(time.perf_counter() - start)
    there = []
    with multiprocessing.Pool(1) as pool:
        pool.apply(do_nothing)
        for _ in range(repeats):
            start = time.perf_counter()
            pool.apply_async(func, (payload,)).get(TIMEOUT)
            there.append(time.perf_counter() - start)
    return min(here), min(there)


# --- 3. Task granularity ---------------------------------------------------------------


def rising_tasks(n: int, low: int = 50, high: int = 450) -> list[int]:
    """``n`` task sizes for :func:`helpers.workers.count_primes`, rising from ``low`` to ``high``.

    Each task is tiny (tens of microseconds), and later tasks cost more than earlier
    ones, as often happens with real data (files that grow, rows of a picture...).
    """
    if not isinstance(n, int) or n < 2:
        raise ValueError(f"n must be a whole number of at least 2, not {n!r}.")
    if not 2 <= low <= high:
        raise ValueError(f"need 2 <= low <= high, not low={low!r}, high={high!r}.")
    return [low + (high - low) * i // (n - 1) for i in range(n)]


def default_chunksize(n_tasks: int, workers: int) -> int:
    """The chunksize ``Pool.map`` picks when given none: ``n_tasks / (4 × workers)``, rounded up."""
    if n_tasks < 0 or workers < 1:
        raise ValueError("n_tasks must be at least 0 and workers at least 1.")
    chunksize, extra = divmod(n_tasks, workers * 4)
    return chunksize + 1 if extra else chunksize


def time_serial(func: Callable[[Any], Any], tasks: Sequence[Any], repeats: int = 2) -> float:
    """Best-of-``repeats`` seconds for ``[func(t) for t in tasks]`` in this process."""
    _check_repeats(repeats)
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for task in tasks:
            func(task)
        runs.append(time.perf_counter() - start)
    return min(runs)


def time_chunksizes(func: Callable[[Any], Any], tasks: Sequence[Any],
                    chunksizes: Sequence[int], workers: int = WORKERS,
                    repeats: int = 2) -> dict[int, float]:
    """Best-of-``repeats`` seconds for ``pool.map(func, tasks, chunksize=c)``, per ``c``.

    One pool serves every run, and it is warmed up first, so no process start is timed.

    Returns:
        ``{chunksize: seconds}``, in the order of ``chunksizes``.
    """
    _check_repeats(repeats)
    if not chunksizes or not all(isinstance(c, int) and c >= 1 for c in chunksizes):
        raise ValueError(f"chunksizes must be whole numbers of at least 1, not {chunksizes!r}.")
    times = {}
    with multiprocessing.Pool(workers) as pool:
        pool.map(do_nothing, range(workers * 4), chunksize=1)
        for chunksize in chunksizes:
            runs = []
            for _ in range(repeats):
                start = time.perf_counter()
                pool.map_async(func, tasks, chunksize=chunksize).get(TIMEOUT)
                runs.append(time.perf_counter() - start)
            times[chunksize] = min(runs)
    return times


def plot_chunksizes(times: dict[int, float], serial: float | None = None, ax: Any = None) -> Any:
    """Time against chunksize (log scale), with the serial time as a line. Returns the Axes."""
    if not times:
        raise ValueError("times is empty: run time_chunksizes first.")
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    sizes = sorted(times)
    ax.plot(sizes, [times[c] for c in sizes], "o-", label=f"Pool({WORKERS}).map")
    if serial is not None:
        ax.axhline(serial, color="black", linestyle="--", label="serial, no pool")
    ax.set_xscale("log")
    ax.set_xticks(sizes, [str(c) for c in sizes])
    ax.minorticks_off()
    ax.set_ylim(bottom=0)
    ax.set_xlabel("chunksize (tasks per message)")
    ax.set_ylabel("seconds")
    ax.set_title("The same tasks, handed out in chunks of different sizes")
    ax.legend()
    return ax


def timelines_by_chunksize(func: Callable[[Any], Any], tasks: Sequence[Any],
                           chunksizes: Sequence[int],
                           workers: int = WORKERS) -> dict[int, list[TaskRecord]]:
    """Run ``pool.map(timed(func), tasks, chunksize=c)`` for each ``c``; keep the records.

    Each record says which worker ran the task and when (see :mod:`helpers.timeline`).
    """
    runs = {}
    with multiprocessing.Pool(workers) as pool:
        pool.map(do_nothing, range(workers * 4), chunksize=1)
        for chunksize in chunksizes:
            runs[chunksize] = pool.map_async(partial(timed, func), tasks,
                                             chunksize=chunksize).get(TIMEOUT)
    return runs


def elapsed(records: Sequence[TaskRecord]) -> float:
    """Seconds from the first task's start to the last task's end."""
    if not records:
        raise ValueError("records is empty.")
    return max(r.end for r in records) - min(r.start for r in records)


def busy_fraction(records: Sequence[TaskRecord], workers: int = WORKERS) -> float:
    """The share of the workers' time spent inside tasks, from first start to last end.

    1.0 means every worker computed all the time; the rest went to messages, pickling
    and waiting.
    """
    span = elapsed(records)
    return sum(r.duration for r in records) / (workers * span) if span > 0 else 1.0


def plot_timelines(runs: dict[int, Sequence[TaskRecord]]) -> Any:
    """One timeline per chunksize, stacked, on a shared time axis. Returns the Figure.

    Each task is a bar in its worker's row; consecutive tasks of one chunk touch.
    """
    if not runs:
        raise ValueError("runs is empty: run timelines_by_chunksize first.")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(runs), 1, sharex=True, squeeze=False,
                             figsize=(7, 0.3 + 1.1 * len(runs)))
    for ax, (chunksize, records) in zip(axes[:, 0], runs.items(), strict=True):
        origin = min(r.start for r in records)
        labels = worker_labels(records)
        rows = sorted(set(labels.values()), key=lambda s: int(s.split()[-1]))
        for row, name in enumerate(rows):
            bars = [(r.start - origin, r.duration) for r in records if labels[r.worker] == name]
            ax.broken_barh(bars, (row - 0.3, 0.6), facecolors=f"C{row}")
        ax.set_yticks(range(len(rows)), rows)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_title(f"chunksize={chunksize}", fontsize=10, loc="left")
    axes[-1, 0].set_xlabel("seconds since the first task started")
    fig.tight_layout()
    return fig


# --- 4. Sharing data without copying ----------------------------------------------------


def split_range(n: int, parts: int) -> list[tuple[int, int]]:
    """Split ``range(n)`` into ``parts`` contiguous ``(start, stop)`` pairs of near-equal size."""
    if not isinstance(n, int) or n < 0 or not isinstance(parts, int) or parts < 1:
        raise ValueError(f"need n >= 0 and parts >= 1, not n={n!r}, parts={parts!r}.")
    bounds = [n * i // parts for i in range(parts + 1)]
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def attach(name: str) -> shared_memory.SharedMemory:
    """Open the existing shared memory block ``name`` (in a child, say).

    From Python 3.13 this passes ``track=False``: only the process that created a block
    should have it cleaned up. Before 3.13 the child registers it with the resource
    tracker too, which is harmless when the child uses its parent's tracker, as children
    started by ``multiprocessing`` do.
    """
    try:
        return shared_memory.SharedMemory(name=name, track=False)  # Python 3.13+
    except TypeError:
        return shared_memory.SharedMemory(name=name)


def shared_sum(name: str, shape: tuple[int, ...], dtype: str, start: int, stop: int) -> Any:
    """Child side: sum ``array[start:stop]`` of the NumPy array in shared memory ``name``.

    Nothing is copied: the child maps the same memory as the parent. It closes its
    mapping before returning (first dropping its NumPy view, without which ``close``
    fails), and never unlinks: the block belongs to the parent.
    """
    import numpy as np

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
    return array.sum().item()


def _import_numpy() -> None:
    import numpy  # noqa: F401


def segment_exists(name: str) -> bool:
    """Does a shared memory block called ``name`` still exist? (Opens nothing that lasts.)"""
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
       only its name and the bounds of its part (:func:`shared_sum`).

    The block is created before the pool (so pool workers share the parent's resource
    tracker), and closed and unlinked before returning, whatever happens.
    """
    import numpy as np

    _check_repeats(repeats)
    expected = n * (n - 1) // 2
    data = np.arange(n, dtype=np.int64)
    shm = shared_memory.SharedMemory(create=True, size=max(data.nbytes, 1))
    try:
        shared = np.ndarray(data.shape, dtype=data.dtype, buffer=shm.buf)
        shared[:] = data
        del shared
        jobs = [(shm.name, data.shape, data.dtype.str, a, b) for a, b in split_range(n, workers)]
        copies, sharing = [], []
        with multiprocessing.Pool(workers, initializer=_import_numpy) as pool:
            pool.map(do_nothing, range(workers * 4), chunksize=1)
            for _ in range(repeats):
                start = time.perf_counter()
                total = sum(pool.map_async(array_sum, np.array_split(data, workers)).get(TIMEOUT))
                copies.append(time.perf_counter() - start)
                start = time.perf_counter()
                total_shared = sum(pool.starmap_async(shared_sum, jobs).get(TIMEOUT))
                sharing.append(time.perf_counter() - start)
                if total != expected or total_shared != expected:
                    raise RuntimeError("a sum came out wrong: the workers saw different data.")
    finally:
        shm.close()
        shm.unlink()
    return min(copies), min(sharing)


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def pool_time_model(items: int, compute: float, send: float, workers: int = WORKERS,
                    start: float = 0.1) -> tuple[float, float]:
    """The back-of-the-envelope model of notebook 08: ``(serial seconds, pool seconds)``.

    * serial = items × compute
    * pool = start + items × send + ceil(items / workers) × compute

    ``send`` is what one item costs to pickle, send, unpickle, and send its result back:
    the parent does that for every item, one after the other.
    """
    if items < 1 or workers < 1 or min(compute, send, start) < 0:
        raise ValueError("need items >= 1, workers >= 1, and times of at least 0.")
    return items * compute, start + items * send + _ceil_div(items, workers) * compute


def worth_it(items: int, compute: float, send: float, workers: int = WORKERS,
             start: float = 0.1) -> bool:
    """Does :func:`pool_time_model` say the pool beats the serial loop?"""
    serial, pooled = pool_time_model(items, compute, send, workers, start)
    return pooled < serial

