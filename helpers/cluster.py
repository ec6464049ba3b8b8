"""Notebook 09, "From one machine to a cluster": workers for the Dask demonstrations.

The same workers as in the rest of the course run on a Dask cluster unchanged; these
few exist for 09's own demonstrations. The cluster's machinery (starting a scheduler
and workers, task timings) is in ``helpers.instruments.cluster``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from helpers.instruments.validate import function, has_methods, list_of, path, whole_number
from helpers.pools import _refuse_in_main


def die_once(x: int, bad: int = 3, marker: str = "") -> int:
    """Return ``x``, but kill this worker process the *first* time it is given ``bad``.

    ``marker`` is a file path: the first call with ``x == bad`` creates it and then ends
    its process with ``os._exit``, like a crash would. Any later call finds the file and
    returns ``x`` normally. So a system that runs a lost task again gets its result; one
    that does not, never does.
    """
    if not marker:
        raise ValueError(f"marker must be a file path, e.g. str(Path(scratch) / 'died'), not "
                         f"{marker!r}, so that the second attempt knows the first one died.")
    marker = str(path(marker, "marker"))
    if x == bad:
        if not os.path.exists(marker):
            _refuse_in_main("die_once")
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return x
        os.close(fd)
        os._exit(1)
    return x


def map_chunk(func: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
    """``[func(item) for item in items]``, run as *one* task: batches tiny tasks.

    Use it through ``functools.partial(map_chunk, square)`` so that it can be sent to a
    worker like any other function of one argument.
    """
    func, items = function(func, "func"), list_of(items, "items")
    return [func(item) for item in items]


def chunked(items: Iterable[Any], size: int) -> list[list[Any]]:
    """Split ``items`` into lists of ``size`` items (the last one may be shorter)."""
    size = whole_number(size, "size", least=1)
    items = list_of(items, "items")
    return [items[i:i + size] for i in range(0, len(items), size)]


def helpers_version() -> str:
    """The version of the ``helpers`` package where this runs (see ``client.run``).

    If a worker cannot import ``helpers``, calling this there fails with
    ``ModuleNotFoundError: No module named 'helpers'``: a quick test of a new worker.
    """
    import helpers

    return helpers.__version__


def gather_map(client: Any, func: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
    """``client.gather(client.map(func, items, pure=False))``: one Dask task per item.

    ``pure=False`` gives each call a new key, so a repeated run computes again instead
    of reusing results that the cluster may still hold from the last one.
    """
    client = has_methods(client, "client", ("map", "gather"), "a dask Client(...)")
    return client.gather(client.map(function(func, "func"), list_of(items, "items"), pure=False))
