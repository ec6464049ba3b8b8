"""A live progress bar for pool results that arrive in any order.

    from multiprocessing import Pool
    from helpers.progress import imap_unordered_with_progress
    from helpers.workers import slow_square

    with Pool(2) as pool:
        results = imap_unordered_with_progress(pool, slow_square, range(20), "squares")
    sorted(results)

The bar is an ``ipywidgets.IntProgress``. It is displayed once, at zero, before the
first result arrives, and then moves forward by one for each finished task: the
notebook stores only that first, always identical picture as text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ipywidgets import IntProgress


def make_bar(total: int, description: str = "") -> IntProgress:
    """A progress bar that counts from 0 to ``total`` finished tasks."""
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise ValueError(f"total must be a whole number of tasks >= 0, not {total!r}.")
    return IntProgress(value=0, min=0, max=total, description=description)


def imap_unordered_with_progress(pool: Any, func: Callable[[Any], Any], items: Iterable[Any],
                                 description: str = "", chunksize: int = 1,
                                 bar: IntProgress | None = None) -> list[Any]:
    """Run ``func`` on every item with ``pool.imap_unordered``, showing a progress bar.

    Args:
        pool: a running ``multiprocessing.Pool``.
        func: the worker, importable by the children (e.g. from ``helpers.workers``).
        items: the inputs; they are read into a list first, to know how many there are.
        description: the text shown left of the bar.
        chunksize: how many items each worker takes at once (as for ``imap_unordered``).
        bar: an existing bar to drive instead of displaying a new one (used by tests).

    Returns:
        The results **in the order the tasks finished**, which varies from run to run:
        sort them before comparing or printing.

    Raises:
        Whatever ``func`` raised in a worker; the bar turns red first.
    """
    if not callable(getattr(pool, "imap_unordered", None)):
        raise TypeError("pool must be a multiprocessing Pool, e.g. `with Pool(2) as pool:`, "
                        f"not {type(pool).__name__}.")
    if not callable(func):
        raise TypeError(f"func must be a function, not {type(func).__name__}.")
    if not isinstance(chunksize, int) or isinstance(chunksize, bool) or chunksize < 1:
        raise ValueError(f"chunksize must be a whole number >= 1, not {chunksize!r}.")
    items = list(items)
    if bar is None:
        from IPython.display import display

        bar = make_bar(len(items), description)
        display(bar)
    else:
        bar.max, bar.value = len(items), 0
    results = []
    try:
        for result in pool.imap_unordered(func, items, chunksize):
            results.append(result)
            bar.value += 1
    except BaseException:
        bar.bar_style = "danger"
        raise
    bar.bar_style = "success"
    return results
