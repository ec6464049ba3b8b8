"""The course's CPU-bound workload: a Mandelbrot image, computed one row per task.

Pure Python on purpose: it holds the GIL, so threads cannot speed it up and processes
can. Rows cost different amounts (rows through the set's middle iterate up to
``max_iter`` times per pixel, rows near the edge stop at once), which makes it a
good example for load balancing. The result is checkable: the parallel image must
equal the serial one.

    from functools import partial
    row = partial(mandelbrot_row, width=200, height=120)
    with Pool(2) as pool:
        image = pool.map(row, range(120))
"""

from __future__ import annotations

from collections.abc import Sequence

X_RANGE = (-2.2, 0.8)
Y_RANGE = (-1.2, 1.2)


def _check_size(width: int, height: int, max_iter: int) -> None:
    for name, value in (("width", width), ("height", height), ("max_iter", max_iter)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}.")


def mandelbrot_row(y: int, width: int = 200, height: int = 120, max_iter: int = 100) -> list[int]:
    """Iteration counts for the pixels of row ``y`` (0 = top) of a ``width`` x ``height`` image.

    A pixel that never escapes gets ``max_iter``.
    """
    _check_size(width, height, max_iter)
    if not isinstance(y, int) or not 0 <= y < height:
        raise ValueError(f"y must be a row number from 0 to {height - 1}, not {y!r}.")
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
    return [sum(row) for row in image]


def plot_image(image: Sequence[Sequence[int]], ax=None):
    """Show the image (iteration counts as colours). Returns the matplotlib Axes."""
    import matplotlib.pyplot as plt

    if not image or not image[0]:
        raise ValueError("image is empty: compute some rows first.")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 6 * len(image) / len(image[0])))
    ax.imshow(image, cmap="magma", extent=(*X_RANGE, *Y_RANGE))
    ax.set_xlabel("real part")
    ax.set_ylabel("imaginary part")
    return ax
