"""Pools and processes, handled safely: the machinery around the lessons' workers.

* :func:`ensure_sendable` -- refuse, before any pool starts, a function that a child
  process could not receive (defined in the notebook, a lambda), with the fix.
* :func:`warm_pool` -- a pool whose workers have all started, so timings exclude start-up.
* :func:`start_cost` / :func:`measure_start_costs` -- what starting one process costs.
* :func:`kill_tree`, :func:`leftover_children` -- stop a process and all it started;
  list what a finished notebook should not have left running.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import statistics
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from multiprocessing.pool import ThreadPool
from typing import Any

from helpers.costs import do_nothing
from helpers.instruments.timing import Stopwatch
from helpers.instruments.validate import (
    START_METHODS,
    bounded,
    choice,
    function,
    has_methods,
    list_of,
    positive_number,
    process_count,
    start_method,
    whole_number,
)

KINDS = ("processes", "threads")
"""The two kinds of pool: ``multiprocessing.Pool`` and ``multiprocessing.pool.ThreadPool``."""

SENDABLE_HELP = (
    "{name} is defined in the notebook, so it lives in __main__, and a child started with "
    "{method!r} cannot import it: the pool would wait forever for workers that die at once "
    "(\"Can't get attribute\" or \"module '__main__' has no attribute\"). Put it in a file "
    "next to the notebook instead: start a cell with %%writefile my_workers.py, define the "
    "function there, run the cell, then `from my_workers import {short}` and pass that."
)


# --- Can a child receive this function? --------------------------------------------------


def _innermost(func: Any) -> Any:
    while isinstance(func, partial):
        func = func.func
    return func


def _main_is_importable(func: Any = None) -> bool:
    """Can a spawned child import ``__main__`` again, and find ``func`` there? Yes for a
    script (it has a file or a module spec, as ``multiprocessing.spawn.get_preparation_data``
    uses) that defines ``func`` in its file; no in a notebook's kernel or an interactive
    interpreter, nor for a function that only a running program put into ``__main__``."""
    import sys

    main = sys.modules.get("__main__")
    spec_name = getattr(getattr(main, "__spec__", None), "name", None)
    main_file = getattr(main, "__file__", "") or ""
    if not (spec_name or os.path.isfile(main_file)):
        return False
    code_file = getattr(getattr(func, "__code__", None), "co_filename", None)
    return code_file is None or os.path.abspath(code_file) == os.path.abspath(main_file)


def ensure_sendable(func: Any, name: str = "func", method: str | None = None) -> Callable:
    """Return ``func`` if a pool's child can receive it; otherwise raise ``TypeError`` with
    the fix. Call it *before* starting a pool.

    Under *spawn* and *forkserver* a child imports the function by name, so one defined
    in a notebook cell (module ``__main__``, which a child cannot import) cannot reach it;
    one defined in a script can, since the child imports the script's file again. Under
    every start method a pool pickles the function it sends, so a lambda or a nested
    function fails too.
    """
    function(func, name)
    method = start_method(method, "method") or multiprocessing.get_start_method()
    inner = _innermost(func)
    short = getattr(inner, "__name__", name)
    in_main = getattr(inner, "__module__", None) == "__main__"
    if in_main and method != "fork" and not _main_is_importable(inner):
        raise TypeError(SENDABLE_HELP.format(name=f"{name} ({short!r})", method=method,
                                             short=short))
    try:
        pickle.dumps(func)
    except (pickle.PicklingError, AttributeError, TypeError) as error:
        raise TypeError(f"{name} ({short!r}) cannot be sent to a child process: it cannot be "
                        f"pickled ({error}). Define it with `def` at the top level of a "
                        "module (not as a lambda or inside another function).") from None
    return func


def pool_start_method(pool: Any) -> str | None:
    """The start method of a process pool's workers; ``None`` for a thread pool.

    Accepts a ``multiprocessing.Pool``, a ``ThreadPool`` or a
    ``concurrent.futures.ProcessPoolExecutor``/``ThreadPoolExecutor``; anything else
    gets a ``TypeError`` saying what is accepted.
    """
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
    from multiprocessing.pool import Pool

    if isinstance(pool, (ThreadPool, ThreadPoolExecutor)):
        return None
    if isinstance(pool, Pool):
        return pool._ctx.get_start_method()
    if isinstance(pool, ProcessPoolExecutor):
        context = getattr(pool, "_mp_context", None)
        return context.get_start_method() if context else multiprocessing.get_start_method()
    raise TypeError("pool must be a running pool: a multiprocessing Pool (with Pool(2) as "
                    "pool:), a ThreadPool, or a concurrent.futures ProcessPoolExecutor or "
                    f"ThreadPoolExecutor; not {type(pool).__name__}.")


def ensure_sendable_to(pool: Any, func: Any, name: str = "func") -> Callable:
    """:func:`ensure_sendable` for ``pool``'s workers (threads need no check); also
    refuses a ``multiprocessing`` pool that was closed or terminated."""
    method = pool_start_method(pool)
    if getattr(pool, "_state", "RUN") != "RUN":  # Pool and ThreadPool say "CLOSE", "TERMINATE"
        raise ValueError(f"pool is no longer running (its state is {pool._state}): use it "
                         "inside its `with Pool(...) as pool:` block, or start a new one.")
    return function(func, name) if method is None else ensure_sendable(func, name, method)


# --- Warm pools ------------------------------------------------------------------------


def _whoami(pause: float) -> tuple[int, int]:
    """Wait ``pause`` seconds, then say which process and thread ran this."""
    time.sleep(pause)
    return os.getpid(), threading.get_ident()


def _ignore_interrupts(initializer: Callable[[], Any] | None = None) -> None:
    """Run in each pool worker as it starts: ignore Ctrl-C / ■, then run ``initializer``.

    On Linux and macOS, JupyterLab's ■ (and Ctrl-C in a terminal) sends SIGINT to the
    kernel's whole process group, and so to every worker too. A worker that gets it just
    after taking a queue's lock can die holding it; ``Pool.terminate()`` then waits for
    that lock forever and the kernel hangs. With this, only the parent gets the
    interrupt, and it stops the workers (``terminate()``, SIGTERM).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer()


def make_pool(kind: str, workers: int, start_method_name: str | None = None,
              initializer: Callable[[], Any] | None = None) -> Any:
    """A new ``multiprocessing.Pool`` (``kind="processes"``), whose workers leave an
    interrupt to the parent (:func:`_ignore_interrupts`), or a ``ThreadPool``."""
    choice(kind, "kind", KINDS)
    workers = process_count(workers, "workers")
    method = start_method(start_method_name)
    if initializer is not None:
        _takes_no_arguments(function(initializer, "initializer"), "initializer")
    if kind == "processes":
        if initializer is not None:
            ensure_sendable(initializer, "initializer", method)
        return multiprocessing.get_context(method).Pool(
            workers, initializer=_ignore_interrupts, initargs=(initializer,))
    return ThreadPool(workers, initializer=initializer)


def _takes_no_arguments(func: Callable[..., Any], name: str) -> None:
    """Refuse a function that cannot be called with no arguments (every worker would fail)."""
    import inspect

    try:
        inspect.signature(func).bind()
    except TypeError:
        raise TypeError(f"{name} must be a function that takes no arguments, called once in "
                        f"each worker as it starts; {getattr(func, '__name__', func)!r} takes "
                        f"{inspect.signature(func)}.") from None
    except ValueError:  # no signature to read (some built-ins)
        pass


@contextmanager
def warm_pool(kind: str, workers: int, start_method: str | None = None,
              timeout: float = 60.0, initializer: Callable[[], Any] | None = None
              ) -> Iterator[Any]:
    """A pool whose every worker has started and run a task, so timings exclude start-up.

    Args:
        kind: ``"processes"`` (``multiprocessing.Pool``) or ``"threads"`` (``ThreadPool``).
        workers: how many workers.
        start_method: for processes; the default start method if omitted.
        timeout: give up (``TimeoutError``) if the workers are not all up by then.
        initializer: run once in each worker as it starts (e.g. to import NumPy).

    On leaving the block normally the pool is closed and joined (its tasks are all
    done); after an error or an interrupt it is terminated. No worker is left behind.
    """
    timeout = positive_number(timeout, "timeout", unit="seconds")
    pool = make_pool(kind, workers, start_method, initializer)
    try:
        seen: set[tuple[int, int]] = set()
        deadline = time.monotonic() + timeout
        while len(seen) < workers:
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise multiprocessing.TimeoutError
                seen.update(pool.map_async(_whoami, [0.002] * workers, 1).get(left))
            except multiprocessing.TimeoutError:  # not the builtin TimeoutError: say why
                raise TimeoutError(f"only {len(seen)} of {workers} workers started within "
                                   f"{timeout:g} s: is the machine very busy?") from None
        yield pool
        pool.close()
        pool.join()
    finally:
        pool.terminate()
        pool.join()


# --- What starting a process costs ------------------------------------------------------


def start_cost(method: str | None = None, repeats: int = 5) -> float:
    """Median seconds to start one ``Process`` that does nothing, and join it.

    One extra start comes first and is not counted: the first *forkserver* start also
    starts the server, and the first *spawn* start warms the disk cache. The notebooks
    and the benchmark both measure start cost with this function.
    """
    context = multiprocessing.get_context(start_method(method, "method"))
    repeats = bounded(repeats, "repeats", "repeats", least=1)
    samples = []
    for i in range(repeats + 1):
        process = context.Process(target=do_nothing)
        try:
            with Stopwatch() as clock:
                process.start()
                process.join(60)
        except BaseException:  # an interrupt while it started: leave no child behind
            if process.pid is not None:
                kill_tree(process)
            raise
        if process.exitcode is None:
            kill_tree(process)
            raise RuntimeError(f"a {context.get_start_method()} child did not end within "
                               "60 s: is the machine very busy?")
        if i:
            samples.append(clock.seconds)
    return statistics.median(samples)


def measure_start_costs(methods: Iterable[str] | None = None,
                        repeats: int = 5) -> dict[str, float]:
    """Median start + join time of a do-nothing ``Process`` per start method.

    Args:
        methods: the start methods to measure; if omitted, every one this OS has, in the
            course's fixed order (fork, spawn, forkserver), whatever the default is.
        repeats: starts per method (after one uncounted warm-up start).
    """
    available = multiprocessing.get_all_start_methods()
    if methods is None:
        methods = [m for m in START_METHODS if m in available]
    else:
        methods = list_of(methods, "methods", least=1, what="start methods",
                          item=lambda m, name: start_method(m, name, allow_none=False))
    return {method: start_cost(method, repeats) for method in methods}


# --- Stopping what was started ----------------------------------------------------------


def kill_tree(process: Any, timeout: float = 5.0) -> None:
    """Kill ``process`` (a ``multiprocessing`` Process or a ``subprocess.Popen``) and every
    process it started, then reap it."""
    import psutil

    has_methods(process, "process", ("kill",), "a Process or a subprocess.Popen")
    timeout = positive_number(timeout, "timeout", unit="seconds")
    pid = getattr(process, "pid", None)
    if pid is None:
        return
    try:
        family = _stop_family(psutil.Process(pid))
    except psutil.Error:
        family = []
    for member in family:
        try:
            member.kill()
        except psutil.Error:
            pass
    process.kill()
    if hasattr(process, "join"):
        process.join(timeout)
    else:
        process.wait(timeout)
    psutil.wait_procs(family, timeout=timeout)


def _stop_family(root: Any, settle: float = 1.0) -> list[Any]:
    """Stop ``root`` and then each of its descendants, parents first; return the descendants.

    A stopped process starts no more children, so once a process has stopped its list of
    children is final: nothing it starts can slip out between listing and killing (and be
    left running, orphaned). SIGSTOP takes effect a moment after it is sent, so each one
    is waited for, up to ``settle`` seconds.
    """
    import psutil

    family: list[Any] = []
    parents = [root]
    while parents:
        parent = parents.pop()
        try:
            parent.suspend()
            deadline = time.monotonic() + settle
            while (parent.status() not in (psutil.STATUS_STOPPED, psutil.STATUS_ZOMBIE,
                                           psutil.STATUS_DEAD)
                   and time.monotonic() < deadline):
                time.sleep(0.001)
            children = parent.children()
        except psutil.Error:
            continue
        family += children
        parents += children
    return family


def _is_infrastructure(proc: Any, parent_pid: int) -> bool:
    """multiprocessing's own long-lived helpers: the resource tracker and the forkserver."""
    import psutil

    try:
        cmdline = " ".join(proc.cmdline())
        parent = proc.ppid()
    except psutil.Error:
        return False
    # Matched by the code that starts them (the same from Python 3.8 to 3.15), not by a
    # word: a kernel started with set_start_method('forkserver') in its command line has
    # fork children whose command line says "forkserver" too, and they are not helpers.
    if "from multiprocessing.resource_tracker import main" in cmdline:
        return True
    # The forkserver process itself, but not the workers it forks (their parent is it).
    return "from multiprocessing.forkserver import main" in cmdline and parent == parent_pid


def leftover_children(pid: int | None = None, zombies: bool = True) -> list[Any]:
    """Descendants of process ``pid`` (default: this one) that are not multiprocessing's
    own helpers (the resource tracker and the forkserver).

    With ``zombies=True`` a child that ended but was never joined counts too: it is
    still left behind. This is what a finished notebook should not have.
    """
    import psutil

    pid = os.getpid() if pid is None else whole_number(pid, "pid", least=1)
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    left = []
    for child in children:
        try:
            if not child.is_running() or _is_infrastructure(child, pid):
                continue
            if not zombies and child.status() == psutil.STATUS_ZOMBIE:
                continue
        except psutil.Error:
            continue
        left.append(child)
    return left


def wait_for_no_leftovers(pid: int | None = None, timeout: float = 5.0) -> list[Any]:
    """Poll until ``pid`` has no leftover child (pools take a moment to exit); return the rest."""
    timeout = positive_number(timeout, "timeout", allow_zero=True, unit="seconds")
    deadline = time.monotonic() + timeout
    while True:
        left = leftover_children(pid)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def describe_processes(procs: Iterable[Any]) -> str:
    """One line per process: pid, status and command line (or its name, while a process
    just started has no command line to read yet)."""
    import psutil

    lines = []
    for p in list_of(procs, "procs", what="processes"):
        try:
            command = " ".join(p.cmdline()) or p.name()
            lines.append(f"pid {p.pid} ({p.status()}): {command[:120]}")
        except psutil.Error:
            lines.append(f"pid {p.pid} (zombie or gone)")
    return "\n".join(lines)
