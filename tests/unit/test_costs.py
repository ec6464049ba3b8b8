"""helpers.costs: every measurement runs and returns sane values; the maths is exact.

No test asserts a speed: the machine may be busy. Timeouts keep every test bounded.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from helpers import costs  # noqa: E402
from helpers.timeline import TaskRecord  # noqa: E402
from helpers.workers import count_primes  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


# --- formatting ------------------------------------------------------------------------


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0.0 \u00b5s"), (4.5e-6, "4.5 \u00b5s"), (45e-6, "45 \u00b5s"), (3.21e-3, "3.2 ms"),
    (0.075, "75 ms"), (1.25, "1.2 s"), (12.0, "12 s"),
])
def test_format_seconds(seconds, text):
    assert costs.format_seconds(seconds) == text


@pytest.mark.parametrize("bad", [-1, "1", None, True])
def test_format_seconds_refuses_bad_input(bad):
    with pytest.raises(ValueError, match="seconds"):
        costs.format_seconds(bad)


@pytest.mark.parametrize(("nbytes", "text"), [
    (0, "0 B"), (100, "100 B"), (1000, "1 kB"), (10_000, "10 kB"), (1_500, "1.5 kB"),
    (9_003_247, "9.0 MB"), (8_000_163, "8.0 MB"), (40_000_000, "40 MB"), (2 * 10**9, "2 GB"),
])
def test_format_bytes(nbytes, text):
    assert costs.format_bytes(nbytes) == text


def test_format_bytes_refuses_bad_input():
    with pytest.raises(ValueError, match="nbytes"):
        costs.format_bytes(1.5)


# --- 1. starting a process ---------------------------------------------------------------


def test_time_start_with_the_current_method(start_method):
    seconds = costs.time_start(start_method, repeats=1)
    assert 0 < seconds < costs.TIMEOUT
    assert not multiprocessing.active_children()


def test_measure_start_costs_keeps_the_order_given():
    methods = multiprocessing.get_all_start_methods()[:2]
    result = costs.measure_start_costs(methods, repeats=1)
    assert list(result) == methods
    assert all(value > 0 for value in result.values())


def test_time_start_refuses_unknown_method_and_bad_repeats():
    with pytest.raises(ValueError, match="not available"):
        costs.time_start("teleport")
    with pytest.raises(ValueError, match="repeats"):
        costs.time_start(multiprocessing.get_all_start_methods()[0], repeats=0)


def test_plot_start_costs_one_labelled_bar_per_method():
    ax = costs.plot_start_costs({"fork": 0.003, "spawn": 0.08})
    assert len(ax.patches) == 2
    assert [t.get_text() for t in ax.texts] == ["3.0 ms", "80 ms"]
    matplotlib.pyplot.close("all")
    with pytest.raises(ValueError, match="empty"):
        costs.plot_start_costs({})


# --- 2. pickling and sending ---------------------------------------------------------------


def test_pickle_costs_list_against_array():
    import numpy as np

    numbers = [float(i) for i in range(10_000)]
    as_list = costs.pickle_costs(numbers, repeats=1)
    as_array = costs.pickle_costs(np.array(numbers), repeats=1)
    assert 9 * 10_000 <= as_list.nbytes < 9 * 10_000 + 1_000  # 9 bytes per float
    assert 8 * 10_000 <= as_array.nbytes < 8 * 10_000 + 500  # 8 bytes per float + header
    assert as_list.dumps >= 0 and as_list.loads >= 0
    assert str(as_list).startswith("pickled 90.0 kB, dumps ")


@pytest.mark.parametrize("channel", costs.CHANNELS)
def test_measure_transfer_through_each_channel(channel):
    times = costs.measure_transfer(channel, sizes=(100, 100_000), repeats=2)
    assert list(times) == [100, 100_000]
    assert all(0 < t < costs.TIMEOUT for t in times.values())
    assert not multiprocessing.active_children()


def test_echo_lengths_pipe_answers_lengths_in_this_process():
    here, there = multiprocessing.Pipe()
    for payload in (b"abc", bytes(10)):
        here.send(payload)
    here.send(None)
    costs.echo_lengths_pipe(there)
    assert [here.recv(), here.recv()] == [3, 10]


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"channel": "Socket"}, "channel"),
    ({"repeats": 0}, "repeats"),
    ({"sizes": ()}, "sizes"),
    ({"sizes": (0, 10)}, "sizes"),
])
def test_measure_transfer_refuses_bad_input(kwargs, words):
    with pytest.raises(ValueError, match=words):
        costs.measure_transfer(**kwargs)


def test_fit_transfer_recovers_an_exact_line():
    times = {size: 50e-6 + size * 1e-9 for size in costs.TRANSFER_SIZES}
    fit = costs.fit_transfer(times)
    assert fit.latency == pytest.approx(50e-6, rel=1e-6)
    assert fit.seconds_per_byte == pytest.approx(1e-9, rel=1e-6)
    assert fit.predict(1_000_000) == pytest.approx(50e-6 + 1e-3)
    assert str(fit) == "about 50 \u00b5s per message + 1.0 ms per MB"


def test_fit_transfer_never_goes_below_zero():
    falling = costs.fit_transfer({100: 2e-3, 1_000_000: 1e-3})  # a noisy, falling line
    assert falling.seconds_per_byte == 0 and falling.latency > 0
    proportional = costs.fit_transfer({100: 1e-9, 1_000_000: 1e-3, 10_000_000: 1e-2})
    assert proportional.latency >= 0 and proportional.seconds_per_byte > 0


def test_fit_transfer_refuses_too_little_data():
    with pytest.raises(ValueError, match="two"):
        costs.fit_transfer({100: 1e-4})
    with pytest.raises(ValueError, match="above zero"):
        costs.fit_transfer({100: 0.0, 200: 1e-4})


def test_plot_transfer_draws_points_and_model_per_channel():
    times = {size: 50e-6 + size * 1e-9 for size in (100, 10_000, 1_000_000)}
    ax = costs.plot_transfer({"Pipe": times, "Queue": times})
    assert len(ax.lines) == 4
    assert ax.get_xscale() == "log"
    matplotlib.pyplot.close("all")


def test_time_here_and_in_a_worker_runs_both():
    here, there = costs.time_here_and_in_a_worker(sum, list(range(1000)), repeats=1)
    assert here >= 0 and there > 0
    assert not multiprocessing.active_children()


# --- 3. granularity ----------------------------------------------------------------------


def test_rising_tasks():
    tasks = costs.rising_tasks(5, low=10, high=50)
    assert tasks == [10, 20, 30, 40, 50]
    assert costs.rising_tasks(4000)[0] == 50 and costs.rising_tasks(4000)[-1] == 450
    with pytest.raises(ValueError, match="n must"):
        costs.rising_tasks(1)
    with pytest.raises(ValueError, match="low"):
        costs.rising_tasks(5, low=60, high=50)


@pytest.mark.parametrize(("n", "workers", "expected"), [
    (4000, 2, 500), (4001, 2, 501), (10, 4, 1), (0, 2, 0), (100, 3, 9)])
def test_default_chunksize_matches_pool_map(n, workers, expected):
    assert costs.default_chunksize(n, workers) == expected


def test_time_serial_and_chunksizes():
    tasks = costs.rising_tasks(40)
    assert costs.time_serial(count_primes, tasks, repeats=1) > 0
    times = costs.time_chunksizes(count_primes, tasks, chunksizes=[1, 20], repeats=1)
    assert list(times) == [1, 20] and all(t > 0 for t in times.values())
    assert not multiprocessing.active_children()
    with pytest.raises(ValueError, match="chunksizes"):
        costs.time_chunksizes(count_primes, tasks, chunksizes=[0])


def test_timelines_by_chunksize_records_every_task():
    tasks = costs.rising_tasks(20)
    runs = costs.timelines_by_chunksize(count_primes, tasks, chunksizes=[1, 10])
    assert list(runs) == [1, 10]
    for records in runs.values():
        assert [r.task for r in records] == tasks
        assert [r.result for r in records] == [count_primes(t) for t in tasks]
        assert len({r.worker for r in records}) <= costs.WORKERS
        assert 0 < costs.busy_fraction(records) <= 1.0 + 1e-9
    matplotlib.pyplot.close(costs.plot_timelines(runs))


def _record(worker, start, end):
    return TaskRecord(task=start, worker=worker, start=start, end=end, result=None)


def test_busy_fraction_and_elapsed_on_known_records():
    records = [_record("A", 0, 1), _record("B", 0, 2), _record("A", 1, 2)]
    assert costs.elapsed(records) == 2
    assert costs.busy_fraction(records, workers=2) == 1.0
    half = [_record("A", 0, 1), _record("B", 1, 2)]
    assert costs.busy_fraction(half, workers=2) == 0.5
    with pytest.raises(ValueError, match="empty"):
        costs.busy_fraction([])


def test_plot_timelines_one_axes_per_chunksize():
    runs = {1: [_record("A", 0, 1), _record("B", 0, 2)], 5: [_record("A", 0, 3)]}
    fig = costs.plot_timelines(runs)
    assert len(fig.axes) == 2
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["chunksize=1", "chunksize=5"]
    matplotlib.pyplot.close(fig)
    with pytest.raises(ValueError, match="empty"):
        costs.plot_timelines({})


def test_plot_chunksizes_with_serial_line():
    ax = costs.plot_chunksizes({1: 0.4, 10: 0.2, 100: 0.25}, serial=0.3)
    assert len(ax.lines) == 2
    matplotlib.pyplot.close("all")


# --- 4. shared memory ----------------------------------------------------------------------


@pytest.mark.parametrize(("n", "parts", "expected"), [
    (10, 2, [(0, 5), (5, 10)]), (10, 3, [(0, 3), (3, 6), (6, 10)]), (0, 2, [(0, 0), (0, 0)])])
def test_split_range(n, parts, expected):
    assert costs.split_range(n, parts) == expected


def test_split_range_refuses_bad_input():
    with pytest.raises(ValueError, match="parts"):
        costs.split_range(10, 0)


def test_shared_sum_in_workers_then_clean_up():
    from multiprocessing import shared_memory

    import numpy as np

    data = np.arange(100_000, dtype=np.int64)
    shm = shared_memory.SharedMemory(create=True, size=data.nbytes)
    try:
        shared = np.ndarray(data.shape, dtype=data.dtype, buffer=shm.buf)
        shared[:] = data
        jobs = [(shm.name, data.shape, data.dtype.str, a, b)
                for a, b in costs.split_range(len(data), 2)]
        with multiprocessing.Pool(2) as pool:
            parts = pool.starmap_async(costs.shared_sum, jobs).get(costs.TIMEOUT)
        assert sum(parts) == int(data.sum())
        assert all(isinstance(part, int) for part in parts)
        del shared
        assert costs.segment_exists(shm.name)
    finally:
        shm.close()
        shm.unlink()
    assert not costs.segment_exists(shm.name)


def test_segment_exists_for_a_name_never_created():
    assert not costs.segment_exists("psm_no_such_block_for_the_course")


def _psm_blocks() -> set[str]:
    return {name for name in os.listdir("/dev/shm") if name.startswith("psm_")}


@pytest.mark.skipif(not os.path.isdir("/dev/shm"), reason="Linux only")
def test_time_copies_vs_shared_leaves_no_block():
    before = _psm_blocks()
    copies, sharing = costs.time_copies_vs_shared(50_000, repeats=1)
    assert copies > 0 and sharing > 0
    assert not (_psm_blocks() - before)
    assert not multiprocessing.active_children()


SCRIPT = textwrap.dedent("""
    import multiprocessing
    from helpers.costs import time_copies_vs_shared

    if __name__ == "__main__":
        multiprocessing.set_start_method({method!r}, force=True)
        time_copies_vs_shared(50_000, repeats=1)
        print("done")
""")


@pytest.mark.parametrize("method", multiprocessing.get_all_start_methods())
def test_shared_memory_leaves_stderr_clean(method, tmp_path):
    # A missing unlink, or a child that unlinks, makes the resource tracker warn at exit.
    script = tmp_path / "share.py"
    script.write_text(SCRIPT.format(method=method))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    assert result.stdout.strip() == "done"
    assert result.stderr == ""


# --- the model -------------------------------------------------------------------------------


def test_pool_time_model():
    serial, pooled = costs.pool_time_model(items=10, compute=1.0, send=0.5, workers=4, start=2)
    assert serial == 10.0
    assert pooled == 2 + 10 * 0.5 + 3 * 1.0  # ceil(10 / 4) = 3 rounds of compute
    assert costs.worth_it(items=100, compute=0.05, send=1e-5)
    assert not costs.worth_it(items=1, compute=10, send=1e-3)
    with pytest.raises(ValueError):
        costs.pool_time_model(items=0, compute=1, send=1)
