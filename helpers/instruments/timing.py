"""The one way the course times things.

    with Stopwatch() as clock:          # one block
        work()
    clock.seconds

    seconds, result = time_call(work, arg, repeats=3)            # best of 3
    seconds, result = time_call(work, arg, repeats=5, keep="median")
    low, high = median_interval(ratios)                          # 95 % interval of a median

Both read ``time.perf_counter()``: a monotonic clock with the best resolution the OS
has. On Linux, macOS and Windows it is system-wide, so times taken in different
processes share one axis (the task timelines rely on that).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from helpers.instruments.validate import bounded, choice, function, list_of, number

KEEP = ("best", "median")


class Stopwatch:
    """Time a ``with`` block: ``with Stopwatch() as clock: ...`` then ``clock.seconds``."""

    def __init__(self) -> None:
        self.seconds = math.nan
        self._start = 0.0

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start

    def __str__(self) -> str:
        return format_seconds(self.seconds) if math.isfinite(self.seconds) else "not timed yet"


def time_call(func: Callable[..., Any], *args: Any, repeats: int = 1, keep: str = "best",
              **kwargs: Any) -> tuple[float, Any]:
    """Call ``func(*args, **kwargs)`` ``repeats`` times; return (seconds, last result).

    ``keep="best"`` returns the shortest time (what the work itself costs, with the least
    interference), ``keep="median"`` the median (what a run typically takes).
    """
    function(func, "func")
    repeats = bounded(repeats, "repeats", "repeats", least=1)
    choice(keep, "keep", KEEP)
    samples, result = [], None
    for _ in range(repeats):
        with Stopwatch() as clock:
            result = func(*args, **kwargs)
        samples.append(clock.seconds)
    return (min(samples) if keep == "best" else statistics.median(samples)), result


def median_interval(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float]:
    """A distribution-free confidence interval for the median of ``values``.

    Two of the sorted values, chosen from the binomial distribution (each value falls
    below the true median with probability 1/2), so that the interval holds the median
    with at least ``confidence``. It needs no assumption about the noise, which on a
    busy machine is far from normal. Too few values for that confidence give
    ``(-inf, inf)``: six are the fewest for 95 %.
    """
    ordered = sorted(list_of(values, "values", item=number, least=1, what="numbers"))
    confidence = number(confidence, "confidence", least=0.5, most=0.999)
    n, tail = len(ordered), (1 - confidence) / 2
    below, k = 0.0, 0  # below = P(fewer than k+1 values fall below the median)
    while True:
        below += math.comb(n, k) / 2**n
        if below > tail:
            break
        k += 1
    if k == 0:
        return -math.inf, math.inf
    return ordered[k - 1], ordered[n - k]


def format_seconds(seconds: float) -> str:
    """A duration with a sensible unit: ``"45 µs"``, ``"3.2 ms"``, ``"1.2 s"``, ``"12 s"``."""
    seconds = number(seconds, "seconds", least=0.0)
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("\u00b5s", 1e-6)):
        if seconds >= scale or unit == "\u00b5s":
            value = seconds / scale
            return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
    raise AssertionError("unreachable")
