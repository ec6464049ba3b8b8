"""Tests for helpers.checks.cluster: right answers pass, wrong ones get a hint, never the answer."""

from __future__ import annotations

import logging
from functools import partial

import pytest
from dask.distributed import Client, LocalCluster

from helpers.checks import cluster as checks
from helpers.checks.core import NotAttempted, NotYet
from helpers.cluster import chunked, map_chunk
from helpers.costs import count_primes
from helpers.pools import square

COUNTS = [count_primes(n) for n in checks.EXERCISE_LIMITS]
CHUNK_COUNTS = [count_primes(n) for n in checks.CHUNK_LIMITS]


def hint_of(check, answer) -> str:
    with pytest.raises(NotYet) as info:
        check(answer)
    return str(info.value)


class FakeFuture:
    """Quacks like a Dask future: ``key`` and ``result(timeout)``."""

    def __init__(self, value=None, error=None, key="task-0"):
        self.value, self.error, self.key = value, error, key

    def result(self, timeout=None):
        if self.error is not None:
            raise self.error
        return self.value


def futures_of(chunks):
    return [FakeFuture(chunk, key=f"chunk-{i}") for i, chunk in enumerate(chunks)]


# --- Exercise 1: prime counts ---------------------------------------------------------


def test_limits_match_the_notebook_text():
    assert checks.EXERCISE_LIMITS == (10_000, 20_000, 30_000, 40_000)


def test_prime_counts_correct(capsys):
    checks.check_prime_counts(list(COUNTS))
    checks.check_prime_counts(tuple(COUNTS))
    assert capsys.readouterr().out.startswith("Correct!")


def test_prime_counts_not_attempted(capsys):
    with pytest.raises(NotAttempted):
        checks.check_prime_counts(...)
    assert "Not attempted" in capsys.readouterr().out


@pytest.mark.parametrize("answer, words", [
    (FakeFuture(COUNTS), "one future"),
    ({n: c for n, c in zip(checks.EXERCISE_LIMITS, COUNTS, strict=True)}, "should be a list"),
    ([FakeFuture(c) for c in COUNTS], "client.gather"),
    (COUNTS[:2], "prime_counts has 2"),
    ([count_primes] * 4, "without calling it"),
    (COUNTS[::-1], "different order"),
    ([c + 1 for c in COUNTS], "not the prime counts"),
])
def test_prime_counts_wrong(answer, words, capsys):
    message = hint_of(checks.check_prime_counts, answer)
    assert words in message
    for count in COUNTS:
        assert str(count) not in message
    assert capsys.readouterr().out.startswith("Not yet.")


# --- Exercise 2: prime counts in chunks -----------------------------------------------


def test_primes_below_agrees_with_count_primes():
    limits = [0, 1, 2, 3, 10, 100, *checks.CHUNK_LIMITS]
    assert checks.primes_below(limits) == [count_primes(n) for n in limits]
    assert checks.primes_below([]) == []


def test_chunked_counts_correct(capsys):
    checks.check_chunked_counts(futures_of(chunked(CHUNK_COUNTS, 20)))
    checks.check_chunked_counts(tuple(futures_of(chunked(CHUNK_COUNTS, 100))))
    checks.check_chunked_counts(futures_of(chunked(CHUNK_COUNTS, 10)))
    assert capsys.readouterr().out.startswith("Correct!")


def test_chunked_counts_not_attempted():
    with pytest.raises(NotAttempted):
        checks.check_chunked_counts(...)


@pytest.mark.parametrize("answer, words", [
    (FakeFuture(CHUNK_COUNTS), "single future"),
    ({"a": FakeFuture([1])}, "not a dict"),
    ([], "empty"),
    (chunked(CHUNK_COUNTS, 20), "hold futures, not results"),
    (futures_of(chunked(CHUNK_COUNTS, 5)), "more than 20"),
    (futures_of([CHUNK_COUNTS]), "at least 2 chunks"),
    (futures_of([5, 6]), "return a list of counts"),
    (futures_of(chunked(CHUNK_COUNTS[:100], 20)), "not one per limit"),
    (futures_of(chunked(CHUNK_COUNTS, 20))[::-1], "wrong order"),
    (futures_of(chunked([c + 1 for c in CHUNK_COUNTS], 20)), "not the prime counts"),
    ([FakeFuture(error=TypeError("'list' object cannot be interpreted"))] * 2,
     "failed with TypeError"),
    ([FakeFuture(error=TimeoutError())] * 2, "did not finish"),
])
def test_chunked_counts_wrong(answer, words, capsys):
    message = hint_of(checks.check_chunked_counts, answer)
    assert words in message
    assert str(CHUNK_COUNTS[-1]) not in message and str(CHUNK_COUNTS[:3])[1:-1] not in message
    assert capsys.readouterr().out.startswith("Not yet.")


# --- Both checks with a real (threaded, quick) Dask cluster ---------------------------


def test_checks_accept_real_dask_futures(capsys):
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None, silence_logs=logging.CRITICAL) as local, \
            Client(local) as client:
        checks.check_prime_counts(client.gather(client.map(count_primes,
                                                           checks.EXERCISE_LIMITS)))
        checks.check_chunked_counts(client.map(partial(map_chunk, count_primes),
                                               chunked(checks.CHUNK_LIMITS, 20)))
        assert "client.gather" in hint_of(checks.check_prime_counts,
                                          client.map(count_primes, checks.EXERCISE_LIMITS))
        assert "failed with TypeError" in hint_of(checks.check_chunked_counts,
                                                  client.map(square, chunked(range(10), 5)))
    assert capsys.readouterr().out.count("Correct!") == 2
