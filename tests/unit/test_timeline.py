"""helpers.instruments.timeline: records (here and from real workers), labels, makespan,
busy fraction, and the plots."""

from __future__ import annotations

import multiprocessing
import time
from functools import partial

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers import pools  # noqa: E402
from helpers.instruments import timeline  # noqa: E402
from helpers.instruments.timeline import (  # noqa: E402
    LABELLED_TASKS,
    TaskRecord,
    busy_fraction,
    makespan,
    plot_timeline,
    plot_timelines,
    task_records,
    timed,
    worker_labels,
)

pytestmark = pytest.mark.per_start_method


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _record(worker, start, end=None, task=None):
    return TaskRecord(task=start if task is None else task, worker=worker, start=start,
                      end=end if end is not None else start + 1, result=None)


# --- TaskRecord and timed ---------------------------------------------------------------


def test_task_record_duration_and_equality():
    record = TaskRecord(task="A", worker="W", start=1.5, end=4.0, result=16)
    assert record.duration == 2.5
    assert record == TaskRecord("A", "W", 1.5, 4.0, 16)
    with pytest.raises(AttributeError):
        record.start = 0  # frozen: a record is what happened


def test_timed_records_result_and_worker():
    record = timed(pools.square, 4)
    assert record.task == 4 and record.result == 16
    assert record.worker == "MainProcess"
    assert record.end >= record.start and record.duration >= 0


def test_timed_lets_the_tasks_error_through():
    with pytest.raises(ZeroDivisionError):
        timed(pools.reciprocal, 0)


def test_timed_wants_a_function():
    with pytest.raises(TypeError, match="func must be a function"):
        timed(16, 4)


def test_timed_through_a_pool_shares_one_clock():
    with multiprocessing.Pool(2) as pool:
        before = time.perf_counter()
        records = pool.map(partial(timed, pools.slow_square), [1, 2, 3, 4])
        after = time.perf_counter()
    assert [r.result for r in records] == [1, 4, 9, 16]
    assert all(r.duration >= 0.05 for r in records)  # slow_square sleeps 0.05 s
    # The workers' clock is this process's clock: every task ran while map was running.
    assert all(before <= r.start <= r.end <= after for r in records)
    assert all("PoolWorker" in r.worker for r in records)


# --- labels, makespan, busy fraction -------------------------------------------------------


def test_worker_labels_in_order_of_first_start():
    records = [_record("B", 2), _record("A", 1), _record("B", 0.5)]
    assert worker_labels(records) == {"B": "worker 1", "A": "worker 2"}


def test_makespan():
    records = [TaskRecord(0, "A", 1.0, 2.5, None), TaskRecord(1, "B", 1.5, 4.0, None)]
    assert makespan(records) == 3.0
    assert makespan(records[:1]) == 1.5


def test_busy_fraction_on_known_records():
    records = [_record("A", 0, 1), _record("B", 0, 2), _record("A", 1, 2)]
    assert busy_fraction(records, workers=2) == 1.0
    half = [_record("A", 0, 1), _record("B", 1, 2)]
    assert busy_fraction(half, workers=2) == 0.5
    assert busy_fraction(half, workers=4) == 0.25  # two workers of four never ran a task
    assert busy_fraction([_record("A", 3, 3)], workers=1) == 1.0  # no time at all


def test_busy_fraction_needs_the_pool_size():
    records = [_record("A", 0, 1), _record("B", 0, 2)]
    with pytest.raises(TypeError):
        busy_fraction(records)  # workers is required: the records cannot tell
    with pytest.raises(ValueError, match="workers must be a whole number of at least 1"):
        busy_fraction(records, 0)
    with pytest.raises(ValueError, match="records show 2 different workers"):
        busy_fraction(records, 1)


@pytest.mark.parametrize("func", [makespan, worker_labels, partial(busy_fraction, workers=2),
                                  task_records])
def test_record_functions_refuse_bad_input(func):
    with pytest.raises(ValueError, match="records is empty"):
        func([])
    with pytest.raises(TypeError, match=r"records\[0\] must be a TaskRecord"):
        func([("A", 0, 1)])
    with pytest.raises(TypeError, match="not a single one"):
        func(_record("A", 0))
    with pytest.raises(TypeError, match="records must be a list of TaskRecords"):
        func("records")


# --- plot_timeline --------------------------------------------------------------------------


def test_plot_timeline_few_tasks_one_labelled_bar_each():
    records = [_record("A", 0, 2), _record("B", 0, 1), _record("B", 1, 3)]
    ax = plot_timeline(records, title="demo")
    assert len(ax.patches) == 3
    assert [t.get_text() for t in ax.texts] == ["0", "0", "1"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["worker 1", "worker 2"]
    assert ax.get_title(loc="left") == "demo"
    assert ax.get_xlabel() == "seconds since the first task started"
    # Bars start at 0 (the first task's start), one row per worker.
    assert sorted((p.get_x(), p.get_width()) for p in ax.patches) == [(0, 1), (0, 2), (1, 2)]


def test_plot_timeline_without_labels_and_with_a_label_function():
    records = [_record("A", 0, 1, task=("row", 7))]
    assert len(plot_timeline(records, label=None).texts) == 0
    ax = plot_timeline(records, label=lambda task: f"{task[0]} {task[1]}")
    assert [t.get_text() for t in ax.texts] == ["row 7"]


def test_plot_timeline_many_tasks_one_coloured_row_per_worker():
    n = LABELLED_TASKS + 10
    records = [_record(f"W{i % 3}", i * 0.1, i * 0.1 + 0.1) for i in range(n)]
    ax = plot_timeline(records)
    assert len(ax.texts) == 0  # too many to label
    assert len(ax.collections) == 3  # one broken bar per worker
    assert sum(len(c.get_paths()) for c in ax.collections) == n
    colours = {tuple(c.get_facecolor()[0]) for c in ax.collections}
    assert len(colours) == 3


def test_plot_timeline_draws_on_the_axes_given():
    fig, ax = plt.subplots()
    assert plot_timeline([_record("A", 0)], ax=ax) is ax
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plot_timeline([_record("A", 0)], ax=fig)


def test_plot_timeline_rejects_bad_input():
    with pytest.raises(ValueError, match="empty"):
        plot_timeline([])
    with pytest.raises(TypeError, match="TaskRecord"):
        plot_timeline([("A", 0, 1)])
    with pytest.raises(TypeError, match="label must be a function"):
        plot_timeline([_record("A", 0)], label="task")


# --- plot_timelines -----------------------------------------------------------------------


def test_plot_timelines_one_axes_per_run_on_one_time_axis():
    runs = {1: [_record("A", 0, 1), _record("B", 0, 2)], 5: [_record("A", 0, 3)],
            "dynamic": [_record("C", 10, 11)]}
    fig = plot_timelines(runs)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["1", "5", "dynamic"]
    assert [len(ax.patches) for ax in fig.axes] == [2, 1, 1]
    assert fig.axes[0].get_shared_x_axes().joined(fig.axes[0], fig.axes[2])
    assert [ax.get_xlabel() for ax in fig.axes] == ["", "", "seconds since the first task "
                                                            "started"]


def test_plot_timelines_passes_the_label_function():
    fig = plot_timelines({"a": [_record("A", 0, 1, task=3)]}, label=lambda t: f"task {t}")
    assert [t.get_text() for t in fig.axes[0].texts] == ["task 3"]


def test_plot_timelines_rejects_bad_input():
    with pytest.raises(ValueError, match="runs is empty"):
        plot_timelines({})
    with pytest.raises(TypeError, match="runs must be a non-empty dict"):
        plot_timelines([[_record("A", 0)]])
    with pytest.raises(ValueError, match=r"runs\['static'\] is empty"):
        plot_timelines({"static": []})
    with pytest.raises(TypeError, match=r"runs\['static'\]\[0\] must be a TaskRecord"):
        plot_timelines({"static": [None]})
    assert plt.get_fignums() == []  # nothing drawn before the input was checked


def test_the_module_names_its_label_threshold():
    assert timeline.LABELLED_TASKS == 40
