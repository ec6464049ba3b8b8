"""helpers.locks: the counter and printing workers, in real child processes."""

import multiprocessing

import pytest

from helpers import locks
from helpers.instruments.counting import blocks_intact, broken_blocks

pytestmark = pytest.mark.per_start_method

BARRIER_TIMEOUT = 30


def _run(target, args_list, timeout=60):
    """Start one process per args tuple, join them (bounded), and check they all succeeded."""
    procs = [multiprocessing.Process(target=target, args=args) for args in args_list]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout)
    for p in procs:
        if p.is_alive():
            p.terminate()
            p.join()
    assert [p.exitcode for p in procs] == [0] * len(procs)


# --- the counter workers -----------------------------------------------------------------


def test_add_one_counts_exactly_in_one_process():
    counter = multiprocessing.Value("i", 0)
    locks.add_one(counter, 1000)
    assert counter.value == 1000


def test_add_one_works_on_a_raw_value():
    raw = multiprocessing.RawValue("i", 5)
    locks.add_one(raw, 10)
    assert raw.value == 15


class ReadThenWait:
    """A shared counter whose every read of ``value`` waits until every worker has read.

    It forces the interleaving that loses an update, instead of hoping for it: each
    worker reads the same number, then each writes that number plus one. (The workers
    run the same code, so they read equally often and stay in step.)
    """

    def __init__(self, workers):
        self._value = multiprocessing.RawValue("i", 0)
        self._everyone_read = multiprocessing.Barrier(workers)

    @property
    def value(self):
        seen = self._value.value
        self._everyone_read.wait(BARRIER_TIMEOUT)
        return seen

    @value.setter
    def value(self, new):
        self._value.value = new


def test_add_one_loses_updates_when_reads_and_writes_interleave():
    # The notebook's claim, with the interleaving forced: two workers, three += 1 each.
    counter = ReadThenWait(2)
    _run(locks.add_one, [(counter, 3)] * 2)
    assert counter._value.value == 3  # every second update was lost, not 6


def test_count_without_lock_reports_a_loss_or_that_it_gave_up():
    # Whether a run loses updates depends on the timing; what it reports holds for all.
    value, runs = locks.count_without_lock(processes=2, times=20_000, max_runs=3)
    assert 0 < value <= 2 * 20_000
    assert 1 <= runs <= 3
    assert value < 2 * 20_000 or runs == 3
    assert not multiprocessing.active_children()


def test_count_without_lock_refuses_bad_arguments():
    with pytest.raises(ValueError, match="processes"):
        locks.count_without_lock(processes=0)
    with pytest.raises(ValueError, match="max_runs"):
        locks.count_without_lock(max_runs=0)
    with pytest.raises(TypeError, match="times"):
        locks.count_without_lock(times="10")


def test_add_one_locked_is_exact_across_processes():
    counter = multiprocessing.Value("i", 0)
    lock = multiprocessing.Lock()
    start = multiprocessing.Barrier(3)
    _run(locks.add_one_locked, [(counter, lock, 5000, start)] * 3)
    assert counter.value == 15_000


def test_add_one_locked_is_exact_on_a_raw_value():
    raw = multiprocessing.RawValue("i", 0)
    lock = multiprocessing.Lock()
    _run(locks.add_one_locked, [(raw, lock, 5000)] * 3)
    assert raw.value == 15_000


def test_add_one_own_lock_is_exact_across_processes():
    counter = multiprocessing.Value("i", 0)
    _run(locks.add_one_own_lock, [(counter, 5000)] * 3)
    assert counter.value == 15_000


def test_add_locally_is_exact_across_processes():
    counter = multiprocessing.Value("i", 7)
    _run(locks.add_locally, [(counter, 5000)] * 3)
    assert counter.value == 15_007


@pytest.mark.parametrize(("times", "error"), [(-1, ValueError), (10**8, ValueError),
                                              (2.5, TypeError), ("10", TypeError),
                                              (True, TypeError), (None, TypeError)])
def test_bad_times_is_refused(times, error):
    counter = multiprocessing.Value("i", 0)
    for worker in (locks.add_one, locks.add_one_own_lock, locks.add_locally):
        with pytest.raises(error, match="times must be a whole number"):
            worker(counter, times)
    with pytest.raises(error, match="times must be a whole number"):
        locks.add_one_locked(counter, multiprocessing.Lock(), times)
    assert counter.value == 0


def test_add_one_locked_refuses_a_missing_lock():
    counter = multiprocessing.Value("i", 0)
    with pytest.raises(TypeError, match="create one with Lock"):
        locks.add_one_locked(counter, None, 10)
    assert counter.value == 0


@pytest.mark.parametrize("worker", [locks.add_one_own_lock, locks.add_locally])
def test_the_own_lock_designs_need_a_synchronized_value(worker):
    with pytest.raises(TypeError, match="a RawValue has no lock"):
        worker(multiprocessing.RawValue("i", 0), 1)


def test_the_counters_refuse_a_plain_number_and_a_bad_barrier():
    with pytest.raises(TypeError, match="counter must be a shared number"):
        locks.add_one(0, 1)
    with pytest.raises(TypeError, match="start must be a multiprocessing.Barrier"):
        locks.add_one(multiprocessing.Value("i", 0), 1, start=3)


# --- printing blocks ---------------------------------------------------------------------


def _block(worker, block, lines=3):
    return [f"worker {worker} block {block} line {n} of {lines}" for n in range(1, lines + 1)]


def test_write_block_in_one_process(tmp_path):
    path = tmp_path / "log.txt"
    locks.write_block(str(path), 5, blocks=2, lines=2)
    assert path.read_text().splitlines() == _block(5, 1, 2) + _block(5, 2, 2)


def test_write_block_with_a_lock_keeps_blocks_whole(tmp_path):
    path = str(tmp_path / "log.txt")
    lock = multiprocessing.Lock()
    start = multiprocessing.Barrier(3)
    _run(locks.write_block, [(path, n, lock, start, 300) for n in (1, 2, 3)])
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert len(text.splitlines()) == 3 * 300 * locks.LINES
    assert blocks_intact(text)
    for n in (1, 2, 3):  # every worker's blocks all arrived, in its own order
        mine = [r for r in text.splitlines() if r.startswith(f"worker {n} ")]
        assert mine == [row for b in range(1, 301) for row in _block(n, b)]


def test_write_block_without_a_lock_cuts_the_first_blocks(tmp_path):
    # Without a lock each writer waits at the barrier after the first line of its first
    # block: whatever the timing, every first block has another writer's line inside it.
    path = str(tmp_path / "log.txt")
    start = multiprocessing.Barrier(3)
    _run(locks.write_block, [(path, n, None, start, 5) for n in (1, 2, 3)])
    with open(path, encoding="utf-8") as f:
        rows = f.read().splitlines()
    assert len(rows) == 3 * 5 * locks.LINES
    assert sorted(rows[:3]) == [f"worker {n} block 1 line 1 of 3" for n in (1, 2, 3)]
    assert broken_blocks("\n".join(rows)) >= 1


@pytest.mark.parametrize(("blocks", "lines", "error"), [(0, 3, ValueError), (2, 0, ValueError),
                                                        (1.5, 3, TypeError), (2, "3", TypeError)])
def test_write_block_refuses_bad_sizes(tmp_path, blocks, lines, error):
    path = tmp_path / "log.txt"
    with pytest.raises(error, match="must be a whole number"):
        locks.write_block(str(path), 1, blocks=blocks, lines=lines)
    assert not path.exists()


def test_write_block_refuses_a_bad_path_or_lock(tmp_path):
    with pytest.raises(ValueError, match="path must be a file, but .* is a folder"):
        locks.write_block(str(tmp_path), 1, blocks=1)
    with pytest.raises(FileNotFoundError, match="there is no folder"):
        locks.write_block(str(tmp_path / "absent" / "log.txt"), 1, blocks=1)
    with pytest.raises(TypeError, match="lock must be a lock"):
        locks.write_block(str(tmp_path / "log.txt"), 1, lock="lock", blocks=1)
    assert list(tmp_path.iterdir()) == []
