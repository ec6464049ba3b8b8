"""Record which worker ran which task, and when; then draw it as a timeline.

Wrap any worker with :func:`timed` (through ``functools.partial``, which pickles
under every start method) and collect the :class:`TaskRecord` objects it returns::

    from functools import partial
    with Pool(2) as pool:
        records = pool.map(partial(timed, quiet_work_log), WORK)
    plot_timeline(records)

Times come from :mod:`helpers.instruments.timing`'s clock, ``time.perf_counter()``,
which is system-wide on Linux, macOS and Windows, so records from different processes
share one time axis. The notebooks, the benchmark and the live view all record and
draw tasks with this module.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing import current_process
from typing import Any

from helpers.instruments.validate import describe, function, list_of, whole_number

LABELLED_TASKS = 40
"""Up to this many tasks, each bar gets its own colour and a label."""


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
    function(func, "func")
    start = time.perf_counter()
    result = func(task)
    end = time.perf_counter()
    return TaskRecord(task=task, worker=current_process().name, start=start, end=end,
                      result=result)


def _record(value: Any, name: str) -> TaskRecord:
    if not isinstance(value, TaskRecord):
        raise TypeError(f"{name} must be a TaskRecord, as timed() returns, not "
                        f"{describe(value)}.")
    return value


def task_records(records: Any, name: str = "records") -> list[TaskRecord]:
    """``records`` checked: a non-empty list of :class:`TaskRecord`."""
    if isinstance(records, TaskRecord):
        raise TypeError(f"{name} must be a list of TaskRecords, not a single one: "
                        "pass [record], or the whole list that pool.map returned.")
    checked = list_of(records, name, item=_record, what="TaskRecords")
    if not checked:
        raise ValueError(f"{name} is empty: run some tasks through timed() first.")
    return checked


def worker_labels(records: Sequence[TaskRecord]) -> dict[str, str]:
    """Map raw process names to "worker 1", "worker 2", ... in order of first start."""
    labels: dict[str, str] = {}
    for record in sorted(task_records(records), key=lambda r: r.start):
        labels.setdefault(record.worker, f"worker {len(labels) + 1}")
    return labels


def makespan(records: Sequence[TaskRecord]) -> float:
    """Seconds from the first task's start to the last task's end."""
    records = task_records(records)
    return max(r.end for r in records) - min(r.start for r in records)


def busy_fraction(records: Sequence[TaskRecord], workers: int) -> float:
    """The share of ``workers``' time spent inside tasks, from first start to last end.

    1.0 means every worker computed all the time; the rest went to messages, pickling
    and waiting.
    """
    records, workers = task_records(records), whole_number(workers, "workers", least=1)
    seen = len({r.worker for r in records})
    if workers < seen:
        raise ValueError(f"workers={workers}, but the records show {seen} different workers: "
                         "pass the number of workers in the pool that ran them.")
    span = makespan(records)
    return sum(r.duration for r in records) / (workers * span) if span > 0 else 1.0


def plot_timeline(records: Sequence[TaskRecord], ax: Any = None, title: str = "",
                  label: Callable[[Any], str] | None = str) -> Any:
    """Draw one horizontal bar per task, one row per worker, on a shared time axis.

    Args:
        records: the records returned by :func:`timed`.
        ax: a matplotlib Axes to draw on; a new figure is made if omitted.
        title: the chart's title.
        label: turns a task into the text written on its bar; ``None`` for no text.
            With more than :data:`LABELLED_TASKS` tasks, bars are unlabelled and take
            their worker's colour.

    Returns:
        The matplotlib Axes.
    """
    records = task_records(records)
    if label is not None:
        function(label, "label")
    import matplotlib.pyplot as plt

    labels = worker_labels(records)
    rows = list(dict.fromkeys(labels.values()))
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.6 + 0.5 * len(rows)))
    elif not callable(getattr(ax, "barh", None)):
        raise TypeError(f"ax must be a matplotlib Axes (fig, ax = plt.subplots()), or None "
                        f"for a new figure, not {describe(ax)}.")
    origin = min(r.start for r in records)
    few = len(records) <= LABELLED_TASKS
    for row, name in enumerate(rows):
        mine = [r for r in records if labels[r.worker] == name]
        if few:
            for record in mine:
                ax.barh(row, record.duration, left=record.start - origin, height=0.6,
                        edgecolor="black", alpha=0.8)
                if label is not None:
                    ax.text(record.start - origin + record.duration / 2, row,
                            label(record.task), ha="center", va="center", fontsize=9)
        else:
            ax.broken_barh([(r.start - origin, r.duration) for r in mine], (row - 0.3, 0.6),
                           facecolors=f"C{row % 10}", edgecolor="white", linewidth=0.5)
    ax.set_yticks(range(len(rows)), rows)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlabel("seconds since the first task started")
    if title:
        ax.set_title(title, fontsize=10, loc="left")
    return ax


def plot_timelines(runs: Mapping[Any, Sequence[TaskRecord]],
                   label: Callable[[Any], str] | None = None) -> Any:
    """Several timelines one above the other, on one time axis. Returns the Figure.

    ``runs`` maps a title (any value; shown with ``str``) to the records of one run.
    """
    if not isinstance(runs, Mapping):
        raise TypeError("runs must be a non-empty dict {title: records}, for example "
                        "{'static': static_records, 'dynamic': dynamic_records}, not "
                        f"{describe(runs)}.")
    if not runs:
        raise ValueError("runs is empty: give it at least one {title: records} pair.")
    import matplotlib.pyplot as plt

    heights = [len({r.worker for r in task_records(records, f"runs[{key!r}]")})
               for key, records in runs.items()]
    fig, axes = plt.subplots(len(runs), 1, sharex=True, squeeze=False,
                             figsize=(7, 0.4 + sum(0.35 + 0.4 * h for h in heights)),
                             height_ratios=[0.5 + h for h in heights])
    for ax, (key, records) in zip(axes[:, 0], runs.items(), strict=True):
        plot_timeline(records, ax=ax, title=str(key), label=label)
        ax.set_xlabel("")
    axes[-1, 0].set_xlabel("seconds since the first task started")
    fig.tight_layout()
    return fig
