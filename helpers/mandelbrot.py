"""The course's CPU-bound workload (notebooks 07 and 09): a Mandelbrot image, one row per task.

Pure Python on purpose: on a standard build of Python it holds the GIL, so threads
cannot speed it up and processes can (a free-threaded build, 3.13t or 3.14t, runs
threads in parallel too, and so do Python 3.14's interpreters: this module imports
nothing that they cannot load). Rows cost different amounts (rows through the set's
middle iterate up to ``max_iter`` times per pixel, rows near the edge stop at once),
which makes it a good example for load balancing. The result is checkable: the parallel image must
equal the serial one.

    from functools import partial
    row = partial(mandelbrot_row, width=200, height=120)
    with Pool(2) as pool:
        image = pool.map(row, range(120))
"""

from __future__ import annotations

from collections.abc import Sequence

from helpers.instruments.validate import list_of, whole_number

X_RANGE = (-2.2, 0.8)
Y_RANGE = (-1.2, 1.2)

NOTEBOOK_IMAGE = {"width": 240, "height": 144, "max_iter": 120}
"""The image that notebook 07 measures (about 0.3 s serially on a laptop)."""

REFERENCE_IMAGE = {"width": 400, "height": 240, "max_iter": 200}
"""The reference machine's image (``python -m benchmarks.speedup``'s default), which notebook
07 also uses for load balancing: its rows cost milliseconds, more than their messages."""


def _check_size(width: int, height: int, max_iter: int) -> None:
    whole_number(width, "width", least=1, most=100_000)
    whole_number(height, "height", least=1, most=100_000)
    whole_number(max_iter, "max_iter", least=1, most=1_000_000)


def mandelbrot_row(y: int, width: int = 200, height: int = 120, max_iter: int = 100) -> list[int]:
    """Iteration counts for the pixels of row ``y`` (0 = top) of a ``width`` x ``height`` image.

    A pixel that never escapes gets ``max_iter``.
    """
    _check_size(width, height, max_iter)
    whole_number(y, "y (the row)", least=0, most=height - 1)
    (x0, x1), (y0, y1) = X_RANGE, Y_RANGE
    ci = y1 - (y1 - y0) * y / max(height - 1, 1)
    row = []
    for x in range(width):
        cr = x0 + (x1 - x0) * x / max(width - 1, 1)
        zr = zi = 0.0
        n = 0
        while n < max_iter and zr * zr + zi * zi <= 4.0:
            zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
            n += 1
        row.append(n)
    return row


def mandelbrot_serial(width: int = 200, height: int = 120, max_iter: int = 100) -> list[list[int]]:
    """The whole image, row by row, in this process: the baseline for speedups."""
    _check_size(width, height, max_iter)
    return [mandelbrot_row(y, width, height, max_iter) for y in range(height)]


def row_costs(image: Sequence[Sequence[int]]) -> list[int]:
    """Total iterations per row: a proxy for how long each row took."""
    return [sum(row) for row in list_of(image, "image", what="rows", item=_counts)]


def _counts(row: object, name: str) -> list[int]:
    return list_of(row, name, what="counts", item=whole_number)
