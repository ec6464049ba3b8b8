"""helpers.speedup: the laws (known values, inverses, properties) and how a pool shares out
uneven work. Pure functions: no process is started."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import speedup as sp
from helpers.mandelbrot import NOTEBOOK_IMAGE, mandelbrot_serial, row_costs

TINY = {"width": 30, "height": 12, "max_iter": 20}
PROPERTY = settings(max_examples=100, deadline=None)  # no deadline: a busy machine is no bug


# --- The laws -----------------------------------------------------------------------------


def test_speedup_and_efficiency():
    assert sp.speedup(12.0, 4.0) == 3.0
    assert sp.efficiency(12.0, 4.0, 4) == 0.75


@pytest.mark.parametrize(("args", "error"), [((0, 1), ValueError), ((1, 0), ValueError),
                                             ((-1, 1), ValueError),
                                             ((float("inf"), 1), ValueError),
                                             (("1", 1), TypeError), ((True, 1), TypeError),
                                             ((1, None), TypeError)])
def test_speedup_rejects_bad_times(args, error):
    with pytest.raises(error, match="seconds"):
        sp.speedup(*args)


def test_efficiency_rejects_bad_workers():
    with pytest.raises(ValueError, match="workers must be a whole number of at least 1"):
        sp.efficiency(1, 1, 0)
    with pytest.raises(TypeError, match="workers must be a whole number"):
        sp.efficiency(1, 1, 2.0)


def test_amdahl_known_values():
    assert sp.amdahl(1, 0.3) == pytest.approx(1.0)
    assert sp.amdahl(8, 0.0) == pytest.approx(8.0)
    assert sp.amdahl(16, 0.05) == pytest.approx(1 / (0.05 + 0.95 / 16))
    assert sp.amdahl(10**9, 0.05) == pytest.approx(20.0, rel=1e-6)
    assert sp.amdahl_limit(0.05) == pytest.approx(20.0)
    assert sp.amdahl_limit(0.0) == math.inf
    assert sp.amdahl_limit(1.0) == 1.0


def test_gustafson_known_values():
    assert sp.gustafson(1, 0.3) == pytest.approx(1.0)
    assert sp.gustafson(16, 0.05) == pytest.approx(0.05 + 0.95 * 16)
    assert sp.gustafson(16, 1.0) == pytest.approx(1.0)


@pytest.mark.parametrize("fraction", [-0.1, 1.5, 5])
def test_laws_reject_fractions_out_of_range_with_an_example(fraction):
    for law in (sp.amdahl, sp.gustafson):
        with pytest.raises(ValueError, match=r"serial_fraction must be a number from 0 to 1 "
                                             r"\(5 % is 0.05\)"):
            law(4, fraction)
    with pytest.raises(ValueError, match="0.05"):
        sp.amdahl_limit(fraction)


@pytest.mark.parametrize("fraction", ["0.1", None, True])
def test_laws_reject_fractions_of_the_wrong_kind(fraction):
    for law in (sp.amdahl, sp.gustafson):
        with pytest.raises(TypeError, match="serial_fraction must be a number"):
            law(4, fraction)


def test_laws_reject_a_nan_fraction():
    with pytest.raises(ValueError, match="serial_fraction must be a finite number"):
        sp.amdahl(4, float("nan"))


def test_laws_reject_fewer_than_one_worker():
    with pytest.raises(ValueError, match="workers must be a number of at least 1"):
        sp.amdahl(0, 0.1)
    with pytest.raises(ValueError, match="workers must be a number of at least 1"):
        sp.gustafson(0.5, 0.1)


@pytest.mark.parametrize("f", [0.0, 0.02, 0.1, 0.5, 1.0])
@pytest.mark.parametrize("n", [2, 4, 16])
def test_karp_flatt_inverts_amdahl(f, n):
    assert sp.karp_flatt(sp.amdahl(n, f), n) == pytest.approx(f, abs=1e-12)


@PROPERTY
@given(f=st.floats(0, 1), n=st.integers(1, 10_000))
def test_amdahl_lies_between_one_and_its_limit_and_below_gustafson(f, n):
    s = sp.amdahl(n, f)
    assert 1 - 1e-9 <= s <= min(n, sp.amdahl_limit(f)) * (1 + 1e-9)
    assert s <= sp.gustafson(n, f) * (1 + 1e-9)


def test_karp_flatt_needs_two_workers_and_a_speedup():
    with pytest.raises(ValueError, match="workers must be a whole number of at least 2"):
        sp.karp_flatt(1.0, 1)
    with pytest.raises(ValueError, match="measured_speedup must be a number above 0"):
        sp.karp_flatt(0.0, 2)


# --- Load balancing ---------------------------------------------------------------------------


def test_split_loads_models_pool_chunks():
    costs = [1, 1, 1, 1, 10, 10, 10, 10]
    assert sp.split_loads(costs, 2, 4) == [4.0, 40.0]           # static: one chunk each
    assert sp.split_loads(costs, 2, 1) == [22.0, 22.0]          # dynamic
    assert sp.split_loads(costs, 3, 8) == [44.0, 0.0, 0.0]
    assert sum(sp.split_loads(costs, 3, 3)) == sum(costs)
    assert sp.split_loads([], 2, 1) == [0.0, 0.0]


@PROPERTY
@given(costs=st.lists(st.integers(0, 1000), max_size=50), workers=st.integers(1, 8),
       chunksize=st.integers(1, 20))
def test_split_loads_shares_out_all_the_work(costs, workers, chunksize):
    loads = sp.split_loads(costs, workers, chunksize)
    assert len(loads) == workers and sum(loads) == sum(costs)


@pytest.mark.parametrize(("args", "error", "words"), [
    (([1, -1], 2, 1), ValueError, r"costs\[1\] must be a number of at least 0"),
    (("12", 2, 1), TypeError, "costs must be a list of costs"),
    (([1], 0, 1), ValueError, "workers must be a whole number from 1 to 10000"),
    (([1], 2, 0), ValueError, "chunksize must be a whole number of at least 1"),
])
def test_split_loads_refuses_bad_input(args, error, words):
    with pytest.raises(error, match=words):
        sp.split_loads(*args)


def test_imbalance_and_describe_loads():
    assert sp.imbalance([1, 1]) == 1.0
    assert sp.imbalance([0, 2]) == 2.0
    assert sp.describe_loads([1, 3]) == "worker 1: 25 %, worker 2: 75 %"
    for func in (sp.imbalance, sp.describe_loads):
        with pytest.raises(ValueError, match="add up to more than 0"):
            func([0, 0])
        with pytest.raises(ValueError, match="loads must hold at least 1"):
            func([])


def test_top_half_costs_match_the_image():
    image = mandelbrot_serial(**TINY)
    assert sp.top_half_costs(**TINY) == row_costs(image)[:6]
    costs = sp.top_half_costs()
    assert len(costs) == NOTEBOOK_IMAGE["height"] // 2
    assert costs[-1] > 5 * costs[0]           # dearer towards the middle


def test_top_half_costs_is_a_new_list_each_time():
    first = sp.top_half_costs(**TINY)
    first.append(-1)
    assert sp.top_half_costs(**TINY) == row_costs(mandelbrot_serial(**TINY))[:6]


def test_top_half_costs_refuses_bad_sizes():
    with pytest.raises(ValueError, match="width"):
        sp.top_half_costs(width=0)
    with pytest.raises(TypeError, match="height"):
        sp.top_half_costs(height=2.5)
