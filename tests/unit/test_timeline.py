"""helpers.timeline: records from real workers, labels, and the plot."""

import multiprocessing
from functools import partial

import matplotlib
import pytest

matplotlib.use("Agg")

from helpers import timeline, workers  # noqa: E402


def test_timed_records_result_and_worker():
    record = timeline.timed(workers.square, 4)
    assert record.task == 4 and record.result == 16
    assert record.worker == "MainProcess"
    assert record.end >= record.start and record.duration >= 0


def test_timed_through_a_pool_shares_one_clock():
    with multiprocessing.Pool(2) as pool:
        records = pool.map(partial(timeline.timed, workers.slow_square), [1, 2, 3, 4])
    assert [r.result for r in records] == [1, 4, 9, 16]
    assert all(r.duration >= 0.04 for r in records)
    # Times from different processes are comparable: all tasks ran within a few seconds.
    assert max(r.end for r in records) - min(r.start for r in records) < 10
    assert all("PoolWorker" in r.worker for r in records)


def _record(worker, start, end=None):
    return timeline.TaskRecord(task=start, worker=worker, start=start,
                               end=end if end is not None else start + 1, result=None)


def test_worker_labels_in_order_of_first_start():
    records = [_record("B", 2), _record("A", 1), _record("B", 0.5)]
    assert timeline.worker_labels(records) == {"B": "worker 1", "A": "worker 2"}


def test_plot_timeline_draws_one_bar_per_task():
    records = [_record("A", 0, 2), _record("B", 0, 1), _record("B", 1, 3)]
    ax = timeline.plot_timeline(records, title="demo")
    assert len(ax.patches) == 3
    assert [t.get_text() for t in ax.get_yticklabels()] == ["worker 1", "worker 2"]
    assert ax.get_title() == "demo"
    matplotlib.pyplot.close("all")


def test_plot_timeline_rejects_bad_input():
    with pytest.raises(ValueError, match="empty"):
        timeline.plot_timeline([])
    with pytest.raises(TypeError, match="TaskRecord"):
        timeline.plot_timeline([("A", 0, 1)])
