"""Notebook 07, "Speedup against core count": the laws, and how a pool shares out work.

For a run that takes ``T1`` seconds serially and ``Tn`` with ``n`` workers: speedup
``S = T1 / Tn``, efficiency ``E = S / n``. Amdahl's law for a serial fraction ``f``
(the problem size fixed): ``S(n) = 1 / (f + (1 - f) / n)``, never more than ``1 / f``.
Gustafson's law (the problem grows with the workers): ``S(n) = f + (1 - f) n``.
Karp and Flatt turn a measured speedup back into ``f``: a diagnostic, not a law.

The measurements themselves are in ``helpers.instruments.measure``.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from functools import lru_cache

from helpers.instruments.validate import fraction, list_of, number, positive_number, whole_number
from helpers.mandelbrot import NOTEBOOK_IMAGE, mandelbrot_row


def speedup(serial_seconds: float, parallel_seconds: float) -> float:
    """How many times faster the parallel run was: ``serial / parallel``."""
    return (positive_number(serial_seconds, "serial_seconds")
            / positive_number(parallel_seconds, "parallel_seconds"))


def efficiency(serial_seconds: float, parallel_seconds: float, workers: int) -> float:
    """Speedup per worker: 1.0 means every worker was fully used."""
    return speedup(serial_seconds, parallel_seconds) / whole_number(workers, "workers", least=1)


def amdahl(workers: float, serial_fraction: float) -> float:
    """Amdahl's law: the speedup on ``workers`` CPUs of a job whose serial part is
    ``serial_fraction`` of its serial run time. The problem size stays fixed."""
    f = fraction(serial_fraction, "serial_fraction")
    n = number(workers, "workers", least=1.0)
    return 1.0 / (f + (1.0 - f) / n)


def amdahl_limit(serial_fraction: float) -> float:
    """The most Amdahl's law allows with any number of CPUs: ``1 / serial_fraction``."""
    f = fraction(serial_fraction, "serial_fraction")
    return math.inf if f == 0 else 1.0 / f


def gustafson(workers: float, serial_fraction: float) -> float:
    """Gustafson's law: the *scaled* speedup when the problem grows with the CPUs.

    ``serial_fraction`` is the serial share of the run time *on the parallel machine*;
    the same work on one CPU would take ``f + (1 - f) * workers`` times longer.
    """
    f = fraction(serial_fraction, "serial_fraction")
    n = number(workers, "workers", least=1.0)
    return f + (1.0 - f) * n


def karp_flatt(measured_speedup: float, workers: int) -> float:
    """The experimentally determined serial fraction ``e(n)`` (Karp and Flatt, 1990).

    Solve Amdahl's law for ``f`` given one measured speedup on ``workers`` CPUs:
    ``e = (1/S - 1/n) / (1 - 1/n)``. Undefined for one worker. If ``e`` stays the same
    as ``n`` grows, the run has a fixed serial part; if it rises, overheads that grow
    with ``n`` (starting, sending, waiting for the slowest) are what holds it back.
    """
    n = whole_number(workers, "workers", least=2)
    s = positive_number(measured_speedup, "measured_speedup")
    return (1.0 / s - 1.0 / n) / (1.0 - 1.0 / n)


# --- How a pool shares out uneven work ----------------------------------------------------


def top_half_costs(width: int = NOTEBOOK_IMAGE["width"], height: int = NOTEBOOK_IMAGE["height"],
                   max_iter: int = NOTEBOOK_IMAGE["max_iter"]) -> list[int]:
    """Iterations per row for the top half of the image (rows ``0`` to ``height // 2 - 1``).

    The image is symmetric, so a program can compute the top half and mirror it; its
    rows get dearer towards the middle, which makes a static split uneven. Computed
    once per size (the exercise check asks again), returned as a new list each time.
    """
    sizes = (whole_number(width, "width", least=1, most=100_000),
             whole_number(height, "height", least=1, most=100_000),
             whole_number(max_iter, "max_iter", least=1, most=1_000_000))
    return list(_top_half_costs(*sizes))


@lru_cache(maxsize=8)
def _top_half_costs(width: int, height: int, max_iter: int) -> tuple[int, ...]:
    return tuple(sum(mandelbrot_row(y, width, height, max_iter)) for y in range(height // 2))


def _cost(value: object, name: str) -> float:
    return number(value, name, least=0.0)


def split_loads(costs: Sequence[float], workers: int, chunksize: int) -> list[float]:
    """Each worker's total cost when a pool hands out ``costs`` in chunks.

    Models ``pool.map(f, tasks, chunksize)``: the chunks are queued in order, and the
    worker that is free first takes the next one (ties: the lowest-numbered worker).
    """
    costs = list_of(costs, "costs", item=_cost, what="costs")
    workers = whole_number(workers, "workers", least=1, most=10_000)
    chunksize = whole_number(chunksize, "chunksize", least=1)
    loads = [0.0] * workers
    free = [(0.0, w) for w in range(workers)]
    for start in range(0, len(costs), chunksize):
        at, w = heapq.heappop(free)
        chunk = float(sum(costs[start:start + chunksize]))
        loads[w] += chunk
        heapq.heappush(free, (at + chunk, w))
    return loads


def imbalance(loads: Sequence[float]) -> float:
    """How much longer the busiest worker works than the average: ``max / mean``.

    1.0 is perfect balance; with 2 workers, 2.0 means one did everything.
    """
    loads = list_of(loads, "loads", item=_cost, least=1, what="loads")
    if sum(loads) <= 0:
        raise ValueError("loads must add up to more than 0: give each worker's total work.")
    return max(loads) / (sum(loads) / len(loads))


def describe_loads(loads: Sequence[float]) -> str:
    """Each worker's share of the work, e.g. ``"worker 1: 24 %, worker 2: 76 %"``."""
    loads = list_of(loads, "loads", item=_cost, least=1, what="loads")
    total = sum(loads)
    if total <= 0:
        raise ValueError("loads must add up to more than 0: give each worker's total work.")
    return ", ".join(f"worker {i}: {load / total:.0%}".replace("%", " %")
                     for i, load in enumerate(loads, start=1))
