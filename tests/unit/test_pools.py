"""helpers.pools: notebook 06's workers, here and in real pools."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import pytest

from helpers import pools

pytestmark = pytest.mark.per_start_method


def test_article_work_list():
    assert pools.WORK == (("A", 5), ("B", 2), ("C", 1), ("D", 3))


def test_work_log_returns_finish_line(capsys, monkeypatch):
    monkeypatch.setattr(pools, "SECONDS_PER_UNIT", 0)
    assert pools.work_log(["A", 5]) == " Process A Finished."
    assert capsys.readouterr().out == " Process A waiting 5 seconds\n Process A Finished.\n"


def test_quiet_work_log_prints_nothing(capsys, monkeypatch):
    monkeypatch.setattr(pools, "SECONDS_PER_UNIT", 0)
    assert pools.quiet_work_log(("B", 2)) == " Process B Finished."
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("bad", ["A5", ("A",), ("A", 5, 6), 5, None])
def test_work_log_wants_a_pair(bad):
    with pytest.raises(TypeError, match=r"work_data must be a pair \(name, units\)"):
        pools.quiet_work_log(bad)


@pytest.mark.parametrize(("units", "error"), [(-1, ValueError), (1.5, TypeError),
                                              ("5", TypeError)])
def test_work_log_wants_whole_units(units, error):
    with pytest.raises(error, match=r"units \(work_data\[1\]\) must be a whole number"):
        pools.quiet_work_log(("A", units))


def test_small_workers_here():
    assert pools.square(3) == 9
    assert pools.add(1, 2) == 3
    assert pools.slow_square(3, 0) == 9
    assert pools.reciprocal(4) == 0.25
    assert pools.die_on(1) == 1


def test_reciprocal_wants_a_number():
    with pytest.raises(TypeError, match="x must be a number"):
        pools.reciprocal("2")


def test_slow_square_refuses_a_negative_delay():
    with pytest.raises(ValueError, match="delay"):
        pools.slow_square(2, -1)


def test_small_workers_in_a_pool():
    with multiprocessing.Pool(2) as pool:
        assert pool.map(pools.square, range(5)) == [0, 1, 4, 9, 16]
        assert pool.starmap(pools.add, [(1, 2), (3, 4)]) == [3, 7]
        assert pool.apply(pools.slow_square, (3, 0)) == 9
        assert pool.map(pools.quiet_work_log, [("C", 0)]) == [" Process C Finished."]
        with pytest.raises(ZeroDivisionError):
            pool.apply(pools.reciprocal, (0,))


def test_die_on_breaks_an_executor():
    with ProcessPoolExecutor(1) as pool:
        assert pool.submit(pools.die_on, 1).result(timeout=10) == 1
        with pytest.raises(BrokenProcessPool):
            pool.submit(pools.die_on, 3).result(timeout=10)
