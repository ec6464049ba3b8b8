"""helpers.costs: notebook 08's workers and the back-of-the-envelope model; the maths is exact."""

from __future__ import annotations

import multiprocessing
from multiprocessing import shared_memory

import pytest

from helpers import costs

pytestmark = pytest.mark.per_start_method

TIMEOUT = 60


def test_do_nothing_does_nothing():
    assert costs.do_nothing() is None
    assert costs.do_nothing(1, "two", [3]) is None


def test_count_primes():
    assert costs.count_primes(0) == 0
    assert costs.count_primes(2) == 0
    assert costs.count_primes(3) == 1
    assert costs.count_primes(100) == 25
    assert costs.count_primes(100_000) == 9592


@pytest.mark.parametrize("bad", [10.0, "10", True, None])
def test_count_primes_rejects_non_int(bad):
    with pytest.raises(TypeError, match="limit must be a whole number"):
        costs.count_primes(bad)


def test_count_primes_rejects_negative_and_huge_limits():
    with pytest.raises(ValueError, match="limit must be a whole number of at least 0"):
        costs.count_primes(-1)
    with pytest.raises(ValueError, match=r"LIMITS\['items'\]"):
        costs.count_primes(10**9)


def test_count_primes_in_a_pool():
    with multiprocessing.Pool(2) as pool:
        assert pool.map(costs.count_primes, [10, 100, 1000]) == [4, 25, 168]


# --- granularity -----------------------------------------------------------------------------


def test_rising_tasks():
    tasks = costs.rising_tasks(5, low=10, high=50)
    assert tasks == [10, 20, 30, 40, 50]
    assert costs.rising_tasks(4000)[0] == 50 and costs.rising_tasks(4000)[-1] == 450
    assert costs.rising_tasks(2, low=7, high=7) == [7, 7]


def test_rising_tasks_refuses_bad_input():
    with pytest.raises(ValueError, match="n must be a whole number of at least 2"):
        costs.rising_tasks(1)
    with pytest.raises(ValueError, match="high must be a whole number of at least 60"):
        costs.rising_tasks(5, low=60, high=50)
    with pytest.raises(ValueError, match="low must be a whole number of at least 2"):
        costs.rising_tasks(5, low=1)
    with pytest.raises(TypeError, match="n must be a whole number"):
        costs.rising_tasks(5.0)


@pytest.mark.parametrize(("n", "workers", "expected"), [
    (4000, 2, 500), (4001, 2, 501), (10, 4, 1), (0, 2, 0), (100, 3, 9)])
def test_default_chunksize_matches_pool_map(n, workers, expected):
    assert costs.default_chunksize(n, workers) == expected


def test_default_chunksize_refuses_bad_input():
    with pytest.raises(ValueError, match="workers must be a whole number of at least 1"):
        costs.default_chunksize(10, 0)
    with pytest.raises(TypeError, match="n_tasks must be a whole number"):
        costs.default_chunksize(10.0, 2)


# --- round trips, child side ------------------------------------------------------------------


def test_echo_lengths_pipe_answers_lengths_in_this_process():
    here, there = multiprocessing.Pipe()
    for payload in (b"abc", bytes(10)):
        here.send(payload)
    here.send(None)
    costs.echo_lengths_pipe(there)
    assert [here.recv(), here.recv()] == [3, 10]
    here.close()


def test_echo_lengths_queue_in_a_child():
    inbox, outbox = multiprocessing.Queue(), multiprocessing.Queue()
    child = multiprocessing.Process(target=costs.echo_lengths_queue, args=(inbox, outbox))
    child.start()
    for payload in (b"abc", bytes(1000)):
        inbox.put(payload)
    inbox.put(None)
    assert [outbox.get(timeout=TIMEOUT), outbox.get(timeout=TIMEOUT)] == [3, 1000]
    child.join(TIMEOUT)
    assert child.exitcode == 0


# --- shared memory -----------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "parts", "expected"), [
    (10, 2, [(0, 5), (5, 10)]), (10, 3, [(0, 3), (3, 6), (6, 10)]), (0, 2, [(0, 0), (0, 0)])])
def test_split_range(n, parts, expected):
    assert costs.split_range(n, parts) == expected


def test_split_range_refuses_bad_input():
    with pytest.raises(ValueError, match="parts must be a whole number of at least 1"):
        costs.split_range(10, 0)
    with pytest.raises(ValueError, match="n must be a whole number of at least 0"):
        costs.split_range(-1, 2)


def test_array_sum_is_a_python_number():
    import numpy as np

    total = costs.array_sum(np.arange(10, dtype=np.int64))
    assert total == 45 and type(total) is int


def test_shared_sum_in_workers_then_clean_up():
    import numpy as np

    from helpers.instruments.transfer import segment_exists

    data = np.arange(100_000, dtype=np.int64)
    shm = shared_memory.SharedMemory(create=True, size=data.nbytes)
    try:
        shared = np.ndarray(data.shape, dtype=data.dtype, buffer=shm.buf)
        shared[:] = data
        jobs = [(shm.name, data.shape, data.dtype.str, a, b)
                for a, b in costs.split_range(len(data), 2)]
        with multiprocessing.Pool(2) as pool:
            parts = pool.starmap_async(costs.shared_sum, jobs).get(TIMEOUT)
        assert sum(parts) == int(data.sum())
        assert all(isinstance(part, int) for part in parts)
        del shared
        assert segment_exists(shm.name)  # the workers closed their mappings, and no more
    finally:
        shm.close()
        shm.unlink()
    assert not segment_exists(shm.name)


def test_attach_opens_an_existing_block_without_owning_it():
    block = shared_memory.SharedMemory(create=True, size=16)
    try:
        block.buf[:3] = b"abc"
        other = costs.attach(block.name)
        assert bytes(other.buf[:3]) == b"abc"
        other.close()
    finally:
        block.close()
        block.unlink()


# --- the model -----------------------------------------------------------------------------------


def test_pool_time_model():
    serial, pooled = costs.pool_time_model(items=10, compute=1.0, send=0.5, workers=4, start=2)
    assert serial == 10.0
    assert pooled == 2 + 10 * 0.5 + 3 * 1.0  # ceil(10 / 4) = 3 rounds of compute
    assert costs.pool_time_model(items=1, compute=0, send=0, start=0) == (0.0, 0.0)
    assert costs.worth_it(items=100, compute=0.05, send=1e-5)
    assert not costs.worth_it(items=1, compute=10, send=1e-3)


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"items": 0}, ValueError, "items must be a whole number of at least 1"),
    ({"items": 1.5}, TypeError, "items must be a whole number"),
    ({"compute": -1}, ValueError, "compute must be a number of seconds of at least 0"),
    ({"send": "1"}, TypeError, "send must be a number of seconds"),
    ({"send": float("inf")}, ValueError, "send must be a finite number of seconds"),
    ({"workers": 0}, ValueError, "workers must be a whole number of at least 1"),
    ({"start": -0.1}, ValueError, "start must be a number of seconds of at least 0"),
])
def test_pool_time_model_refuses_bad_input(kwargs, error, words):
    args = {"items": 10, "compute": 1.0, "send": 0.5, **kwargs}
    with pytest.raises(error, match=words):
        costs.pool_time_model(**args)
    with pytest.raises(error, match=words):
        costs.worth_it(**args)
