"""helpers.mandelbrot: known pixels, parallel equals serial, bad sizes refused."""

import multiprocessing
from functools import partial

import pytest

from helpers import mandelbrot

pytestmark = pytest.mark.per_start_method


def test_known_pixels():
    # The middle row passes through the origin's neighbourhood (inside the set) ...
    row = mandelbrot.mandelbrot_row(50, width=31, height=101, max_iter=50)
    assert row[22] == 50          # x = -0.0 + ... inside the main cardioid
    assert row[0] < 5             # x = -2.2 escapes at once
    # ... and the top row (imaginary part 1.2) escapes quickly everywhere.
    assert max(mandelbrot.mandelbrot_row(0, width=31, height=101, max_iter=50)) < 50


def test_rows_cost_different_amounts():
    costs = mandelbrot.row_costs(mandelbrot.mandelbrot_serial(60, 40, 50))
    assert max(costs) > 5 * min(costs)


def test_parallel_image_equals_serial():
    serial = mandelbrot.mandelbrot_serial(40, 24, 60)
    row = partial(mandelbrot.mandelbrot_row, width=40, height=24, max_iter=60)
    with multiprocessing.Pool(2) as pool:
        assert pool.map(row, range(24)) == serial


@pytest.mark.parametrize(("kwargs", "error"), [({"width": 0}, ValueError),
                                               ({"height": -1}, ValueError),
                                               ({"max_iter": 10**7}, ValueError),
                                               ({"max_iter": 2.5}, TypeError),
                                               ({"width": True}, TypeError)])
def test_bad_sizes(kwargs, error):
    name = next(iter(kwargs))
    with pytest.raises(error, match=f"{name} must be a whole number"):
        mandelbrot.mandelbrot_serial(**kwargs)
    with pytest.raises(error, match=f"{name} must be a whole number"):
        mandelbrot.mandelbrot_row(0, **kwargs)


@pytest.mark.parametrize(("y", "error"), [(-1, ValueError), (120, ValueError),
                                          (1.0, TypeError)])
def test_bad_row(y, error):
    with pytest.raises(error, match=r"y \(the row\) must be a whole number from 0 to 119"):
        mandelbrot.mandelbrot_row(y)


def test_row_costs():
    assert mandelbrot.row_costs([[1, 2], [3, 4, 5]]) == [3, 12]
    with pytest.raises(TypeError, match="image must be a list of rows"):
        mandelbrot.row_costs(5)
    with pytest.raises(TypeError, match=r"image\[0\] must be a list of counts"):
        mandelbrot.row_costs([5])
