"""Record which worker ran which task, and when; then draw it as a timeline.

Wrap any worker with :func:`timed` (through ``functools.partial``, which pickles
under every start method) and collect the :class:`TaskRecord` objects it returns::

    from functools import partial
    with Pool(2) as pool:
        records = pool.map(partial(timed, work_log), WORK)
    plot_timeline(records)

Times come from ``time.perf_counter()``, a system-wide monotonic clock on Linux,
macOS and Windows, so records from different processes share one time axis.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing import current_process
from typing import Any


@dataclass(frozen=True)
class TaskRecord:
    """One task as it ran: what it was, where it ran, when, and what it returned."""

    task: Any
    worker: str
    start: float
    end: float
    result: Any

    @property
    def duration(self) -> float:
        """Seconds the task took."""
        return self.end - self.start


def timed(func: Callable[[Any], Any], task: Any) -> TaskRecord:
    """Run ``func(task)`` and return a :class:`TaskRecord` with its timing and result."""
    start = time.perf_counter()
    result = func(task)
    end = time.perf_counter()
    return TaskRecord(task=task, worker=current_process().name, start=start, end=end,
                      result=result)


def worker_labels(records: Sequence[TaskRecord]) -> dict[str, str]:
    """Map raw process names to "worker 1", "worker 2", ... in order of first start."""
    labels: dict[str, str] = {}
    for record in sorted(records, key=lambda r: r.start):
        labels.setdefault(record.worker, f"worker {len(labels) + 1}")
    return labels


def plot_timeline(records: Sequence[TaskRecord], ax: Any = None, title: str = "",
                  label: Callable[[Any], str] = str) -> Any:
    """Draw one horizontal bar per task, one row per worker, on a shared time axis.

    Args:
        records: the records returned by :func:`timed`.
        ax: a matplotlib Axes to draw on; a new figure is made if omitted.
        title: the chart's title.
        label: turns a task into the text written on its bar.

    Returns:
        The matplotlib Axes.
    """
    if not records:
        raise ValueError("records is empty: run some tasks through timed() first.")
    if not all(isinstance(r, TaskRecord) for r in records):
        raise TypeError("records must be TaskRecord objects, as returned by timed().")
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.6 + 0.5 * len({r.worker for r in records})))
    origin = min(r.start for r in records)
    labels = worker_labels(records)
    rows = sorted(labels.values(), key=lambda s: int(s.split()[-1]))
    for record in records:
        row = rows.index(labels[record.worker])
        ax.barh(row, record.duration, left=record.start - origin, height=0.6,
                edgecolor="black", alpha=0.8)
        ax.text(record.start - origin + record.duration / 2, row, label(record.task),
                ha="center", va="center", fontsize=9)
    ax.set_yticks(range(len(rows)), rows)
    ax.invert_yaxis()
    ax.set_xlabel("seconds since the first task started")
    if title:
        ax.set_title(title)
    return ax
