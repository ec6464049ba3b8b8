"""Python 3.14's third kind of worker: interpreters (``InterpreterPoolExecutor``).

    from helpers.instruments.interpreters import interpreters_available, warm_interpreter_pool

    if interpreters_available():
        with warm_interpreter_pool(2, modules=["helpers.mandelbrot"]) as pool:
            rows = list(pool.map(mandelbrot_row, range(10)))

An ``InterpreterPoolExecutor`` runs each task in a thread of this process, and each of
its threads in its own interpreter, with its own GIL: they compute in parallel like
processes, without a process each. What they can run (checked on CPython 3.14):

* functions importable from a module (a notebook function that uses a global fails
  with ``NotShareableError``, as it cannot be imported in the worker);
* arguments and results are pickled: no ``multiprocessing`` Queue, Lock or Value;
* extension modules must support subinterpreters: NumPy and psutil refuse to load;
* ``os._exit`` in a task ends the whole process, and ``current_process().name`` is
  ``'MainProcess'`` in every worker.

So the worker modules of ``helpers`` import neither NumPy nor psutil at the top. This
module imports only the standard library and ``helpers.instruments.validate``: each
worker imports it for :func:`_ready`. On Python 3.13 and older
:func:`interpreters_available` is False.
"""

from __future__ import annotations

import concurrent.futures
import importlib
import pickle
import statistics
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from helpers.instruments.validate import bounded, function, list_of, process_count, seconds, text

NEEDS = "InterpreterPoolExecutor needs Python 3.14 or newer"
"""Why interpreters are skipped on older Pythons (printed by the notebooks)."""

WARM_PAUSE = 0.02
"""Seconds each warm-up task waits, so that the tasks of one round land on different workers."""


def interpreters_available() -> bool:
    """Has this Python ``concurrent.futures.InterpreterPoolExecutor`` (3.14 and newer)?"""
    return hasattr(concurrent.futures, "InterpreterPoolExecutor")


def require_interpreters() -> None:
    """Raise ``RuntimeError`` saying what to do where interpreters do not exist."""
    if not interpreters_available():
        raise RuntimeError(f"{NEEDS}; this is an older Python. Use processes or threads, "
                           "or check interpreters_available() first.")


def _innermost(func: Any) -> Any:
    while isinstance(func, partial):
        func = func.func
    return func


def module_of(func: Callable[..., Any], name: str = "func") -> str:
    """The module an interpreter must import to run ``func``; refuse notebook functions.

    A function defined in a notebook cell lives in ``__main__``, which a worker
    interpreter cannot import (``NotShareableError``), so it gets a ``TypeError`` with
    the fix, before any interpreter starts.
    """
    function(func, name)
    inner = _innermost(func)
    module = getattr(inner, "__module__", None)
    short = getattr(inner, "__name__", name)
    if module == "__main__" or not module:
        raise TypeError(
            f"{name} ({short!r}) is defined in the notebook, and an interpreter worker "
            "imports the function it runs by name, as a spawned process does: it would "
            "fail with NotShareableError. Put it in a file next to the notebook instead: "
            "start a cell with %%writefile my_workers.py, define the function there, run "
            f"the cell, then `from my_workers import {short}` and pass that.")
    try:  # its arguments and the function itself travel pickled
        pickle.dumps(func)
    except (pickle.PicklingError, AttributeError, TypeError) as error:
        raise TypeError(f"{name} ({short!r}) cannot be sent to an interpreter worker: it "
                        f"cannot be pickled ({error}). Define it with `def` at the top level "
                        "of a module (not as a lambda or inside another function).") from None
    return module


def _ready(modules: tuple[str, ...], pause: float) -> int:
    """Run in a worker: import ``modules``, wait ``pause`` s, say which worker thread ran it."""
    for module in modules:
        importlib.import_module(module)
    time.sleep(pause)
    return threading.get_ident()


@contextmanager
def warm_interpreter_pool(workers: int, modules: Iterable[str] = (),
                          timeout: float = 60.0) -> Iterator[Any]:
    """An ``InterpreterPoolExecutor`` whose every worker has started and imported ``modules``.

    So a timing that follows excludes creating the interpreters and the first imports.
    On leaving the block the executor is shut down; after an error it is shut down
    without waiting (a task that never ends cannot be stopped, only abandoned).
    """
    workers = process_count(workers, "workers")
    timeout = seconds(timeout, "timeout", allow_zero=False)
    modules = tuple(list_of(modules, "modules", what="module names",
                            item=lambda m, name: text(m, name, example="'helpers.mandelbrot'")))
    require_interpreters()
    executor = concurrent.futures.InterpreterPoolExecutor(workers)
    finished = False
    try:
        seen: set[int] = set()
        deadline = time.monotonic() + timeout
        while len(seen) < workers:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"only {len(seen)} of {workers} interpreters started "
                                   f"within {timeout:g} s: is the machine very busy?")
            futures = [executor.submit(_ready, modules, WARM_PAUSE) for _ in range(workers)]
            seen.update(future.result(timeout=left) for future in futures)
        yield executor
        finished = True
    finally:
        executor.shutdown(wait=finished, cancel_futures=True)


def _start_and_run(make: Callable[[int], Any], func: Callable[..., Any]) -> float:
    """Seconds to make an executor of one worker, run ``func`` there once, and shut it down."""
    start = time.perf_counter()
    with make(1) as executor:
        executor.submit(func).result(timeout=60)
    return time.perf_counter() - start


def executor_start_costs(repeats: int = 5) -> dict[str, float | None]:
    """Median seconds to start a pool of one thread, and of one interpreter, and use it once.

    Each sample makes the executor, runs ``helpers.costs.do_nothing`` in it (which an
    interpreter must first import, with everything that module imports) and shuts it
    down. One extra sample comes first and is not counted. ``"interpreter"`` is
    ``None`` where interpreters do not exist (Python 3.13 and older).
    """
    from helpers.costs import do_nothing

    repeats = bounded(repeats, "repeats", "repeats", least=1)
    makers: dict[str, Callable[[int], Any] | None] = {
        "thread": concurrent.futures.ThreadPoolExecutor,
        "interpreter": getattr(concurrent.futures, "InterpreterPoolExecutor", None),
    }
    costs: dict[str, float | None] = {}
    for kind, make in makers.items():
        if make is None:
            costs[kind] = None
            continue
        samples = [_start_and_run(make, do_nothing) for _ in range(repeats + 1)]
        costs[kind] = statistics.median(samples[1:])
    return costs
