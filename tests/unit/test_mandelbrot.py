"""helpers.mandelbrot: known pixels, parallel equals serial, bad sizes refused."""

import multiprocessing
from functools import partial

import matplotlib
import pytest

matplotlib.use("Agg")

from helpers import mandelbrot  # noqa: E402


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


@pytest.mark.parametrize("kwargs", [{"width": 0}, {"height": -1}, {"max_iter": 2.5},
                                    {"width": True}])
def test_bad_sizes(kwargs):
    with pytest.raises(ValueError, match="whole number"):
        mandelbrot.mandelbrot_serial(**kwargs)


@pytest.mark.parametrize("y", [-1, 120, 1.0])
def test_bad_row(y):
    with pytest.raises(ValueError, match="row number"):
        mandelbrot.mandelbrot_row(y)


def test_plot_image():
    ax = mandelbrot.plot_image(mandelbrot.mandelbrot_serial(20, 10, 20))
    assert len(ax.images) == 1
    with pytest.raises(ValueError, match="empty"):
        mandelbrot.plot_image([])
    matplotlib.pyplot.close("all")
