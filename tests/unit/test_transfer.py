"""helpers.instruments.transfer: every measurement runs and returns sane values; the fit is
exact on exact data. No test asserts a speed: the machine may be busy."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import textwrap

import pytest

from helpers.costs import count_primes, rising_tasks
from helpers.instruments import transfer
from helpers.instruments.timeline import TaskRecord
from tests.plugin import ROOT

pytestmark = pytest.mark.per_start_method


# --- formatting ------------------------------------------------------------------------


@pytest.mark.parametrize(("nbytes", "text"), [
    (0, "0 B"), (100, "100 B"), (1000, "1 kB"), (10_000, "10 kB"), (1_500, "1.5 kB"),
    (9_003_247, "9.0 MB"), (8_000_163, "8.0 MB"), (40_000_000, "40 MB"), (10**9, "1 GB"),
    (2 * 10**9, "2 GB"), (2_500_000_000, "2.5 GB"),
])
def test_format_bytes(nbytes, text):
    assert transfer.format_bytes(nbytes) == text


@pytest.mark.parametrize(("bad", "error"), [(1.5, TypeError), ("10", TypeError),
                                            (True, TypeError), (-1, ValueError)])
def test_format_bytes_refuses_bad_input(bad, error):
    with pytest.raises(error, match="nbytes"):
        transfer.format_bytes(bad)


# --- pickling and sending ---------------------------------------------------------------


def test_pickle_costs_list_against_array():
    import numpy as np

    numbers = [float(i) for i in range(10_000)]
    as_list = transfer.pickle_costs(numbers, repeats=1)
    as_array = transfer.pickle_costs(np.array(numbers), repeats=1)
    assert 9 * 10_000 <= as_list.nbytes < 9 * 10_000 + 1_000  # 9 bytes per float
    assert 8 * 10_000 <= as_array.nbytes < 8 * 10_000 + 500  # 8 bytes per float + header
    assert as_list.dumps >= 0 and as_list.loads >= 0
    assert str(as_list).startswith("pickled 90.0 kB, dumps ")


def test_pickle_costs_refuses_bad_repeats():
    with pytest.raises(ValueError, match="repeats must be a whole number of at least 1"):
        transfer.pickle_costs([], repeats=0)


@pytest.mark.parametrize("channel", transfer.CHANNELS)
def test_measure_transfer_through_each_channel(channel):
    times = transfer.measure_transfer(channel, sizes=(100, 100_000), repeats=2)
    assert list(times) == [100, 100_000]
    assert all(0 < t < transfer.TIMEOUT for t in times.values())
    assert not multiprocessing.active_children()


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"channel": "Socket"}, ValueError, "channel must be one of 'Pipe', 'Queue'"),
    ({"channel": None}, TypeError, "channel must be one of"),
    ({"repeats": 0}, ValueError, "repeats"),
    ({"sizes": ()}, ValueError, "sizes must hold at least 1"),
    ({"sizes": 100}, TypeError, "sizes must be a list of sizes in bytes"),
    ({"sizes": (0, 10)}, ValueError, r"sizes\[0\] must be a whole number of at least 1"),
    ({"sizes": (10, 2.5)}, TypeError, r"sizes\[1\] must be a whole number"),
])
def test_measure_transfer_refuses_bad_input(kwargs, error, words):
    with pytest.raises(error, match=words):
        transfer.measure_transfer(**kwargs)
    assert not multiprocessing.active_children()


def test_fit_transfer_recovers_an_exact_line():
    times = {size: 50e-6 + size * 1e-9 for size in transfer.TRANSFER_SIZES}
    fit = transfer.fit_transfer(times)
    assert fit.latency == pytest.approx(50e-6, rel=1e-6)
    assert fit.seconds_per_byte == pytest.approx(1e-9, rel=1e-6)
    assert fit.predict(1_000_000) == pytest.approx(50e-6 + 1e-3)
    assert str(fit) == "about 50 \u00b5s per message + 1.0 ms per MB"


def test_fit_transfer_never_goes_below_zero():
    falling = transfer.fit_transfer({100: 2e-3, 1_000_000: 1e-3})  # a noisy, falling line
    assert falling.seconds_per_byte == 0 and falling.latency > 0
    proportional = transfer.fit_transfer({100: 1e-9, 1_000_000: 1e-3, 10_000_000: 1e-2})
    assert proportional.latency >= 0 and proportional.seconds_per_byte > 0


def test_fit_transfer_refuses_too_little_or_bad_data():
    with pytest.raises(ValueError, match="two"):
        transfer.fit_transfer({100: 1e-4})
    with pytest.raises(ValueError, match=r"times\[100\] must be a time in seconds above 0"):
        transfer.fit_transfer({100: 0.0, 200: 1e-4})
    with pytest.raises(TypeError, match="times must be the dict"):
        transfer.fit_transfer([(100, 1e-4), (200, 2e-4)])
    with pytest.raises(ValueError, match="a size in times must be a whole number of at least 1"):
        transfer.fit_transfer({0: 1e-4, 200: 2e-4})


def test_time_here_and_in_a_worker_runs_both():
    here, there = transfer.time_here_and_in_a_worker(sum, list(range(1000)), repeats=1)
    assert here >= 0 and there > 0
    assert not multiprocessing.active_children()


def test_time_here_and_in_a_worker_refuses_a_lambda_before_starting():
    with pytest.raises(TypeError, match="cannot be pickled"):
        transfer.time_here_and_in_a_worker(lambda x: x, 1)
    assert not multiprocessing.active_children()


# --- granularity ----------------------------------------------------------------------------


def test_time_chunksizes():
    tasks = rising_tasks(40)
    times = transfer.time_chunksizes(count_primes, tasks, chunksizes=[1, 20], repeats=1)
    assert list(times) == [1, 20] and all(t > 0 for t in times.values())
    assert not multiprocessing.active_children()


@pytest.mark.parametrize(("chunksizes", "error"), [([0], ValueError), ([], ValueError),
                                                   ([1.5], TypeError), (5, TypeError)])
def test_time_chunksizes_refuses_bad_chunksizes(chunksizes, error):
    with pytest.raises(error, match="chunksizes"):
        transfer.time_chunksizes(count_primes, [1, 2], chunksizes=chunksizes)
    assert not multiprocessing.active_children()


def test_timelines_by_chunksize_records_every_task():
    from helpers.instruments.timeline import busy_fraction

    tasks = rising_tasks(20)
    runs = transfer.timelines_by_chunksize(count_primes, tasks, chunksizes=[1, 10])
    assert list(runs) == [1, 10]
    for records in runs.values():
        assert all(isinstance(r, TaskRecord) for r in records)
        assert [r.task for r in records] == tasks
        assert [r.result for r in records] == [count_primes(t) for t in tasks]
        assert len({r.worker for r in records}) <= transfer.WORKERS
        assert 0 < busy_fraction(records, transfer.WORKERS) <= 1.0 + 1e-9
    assert not multiprocessing.active_children()


def test_timelines_by_chunksize_needs_tasks():
    with pytest.raises(ValueError, match="tasks must hold at least 1"):
        transfer.timelines_by_chunksize(count_primes, [], chunksizes=[1])


# --- shared memory ------------------------------------------------------------------------------


def test_segment_exists_for_a_name_never_created():
    assert not transfer.segment_exists("psm_no_such_block_for_the_course")


def test_time_copies_vs_shared_leaves_no_block(monkeypatch):
    # The names of the blocks this call creates (other test runs may make their own).
    created = []
    real = transfer.shared_memory.SharedMemory

    def recording(*args, **kwargs):
        block = real(*args, **kwargs)
        if kwargs.get("create"):
            created.append(block.name)
        return block

    monkeypatch.setattr(transfer.shared_memory, "SharedMemory", recording)
    copies, sharing = transfer.time_copies_vs_shared(50_000, repeats=1)
    monkeypatch.undo()
    assert copies > 0 and sharing > 0
    assert created, "time_copies_vs_shared made no shared block"
    assert not [name for name in created if transfer.segment_exists(name)]
    assert not multiprocessing.active_children()


def test_time_copies_vs_shared_refuses_a_huge_array():
    with pytest.raises(ValueError, match=r"n x 8 bytes=.* is more than .*LIMITS\['bytes'\]"):
        transfer.time_copies_vs_shared(500_000_000)


SCRIPT = textwrap.dedent("""
    import multiprocessing
    from helpers.instruments.transfer import time_copies_vs_shared

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
