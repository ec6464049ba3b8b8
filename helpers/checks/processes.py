"""Checks for notebook 02, "Process"."""

from __future__ import annotations

import importlib
import os
import signal
import types
from multiprocessing.process import BaseProcess
from typing import Any

import psutil

from helpers.checks.core import correct, expect, require_attempt, run_learner_worker
from helpers.instruments.validate import is_whole_number


def _is_unreaped_child(proc: BaseProcess) -> bool:
    """True if ``proc`` has ended but is still a zombie child of this process.

    Looks at the operating system only, so it does not reap the child (``is_alive()``
    and ``exitcode`` would). Children of the forkserver are never zombies here.
    """
    try:
        child = psutil.Process(proc.pid)
        return child.ppid() == os.getpid() and child.status() == psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def check_joined_process(proc: Any) -> None:
    """Exercise 1: a Process that was started, joined, and ended with exit code 0.

    ``start()`` deletes the process's target and arguments in the parent, so which
    function it ran cannot be checked afterwards; its exit code can.
    """
    __tracebackhide__ = True
    require_attempt(proc, "set proc to your Process object")
    expect(isinstance(proc, BaseProcess),
           f"proc should be the Process object itself (proc = Process(...)), "
           f"not {type(proc).__name__}.")
    try:
        pid = proc.pid
    except ValueError:
        expect(False, "You called proc.close(), which throws its exit code away. Run your "
                      "cell again without close().")
    expect(pid is not None, "The process was created but never started: call proc.start().")
    expect(not _is_unreaped_child(proc),
           "The child has finished, but nobody waited for it: it is a zombie until you "
           "call proc.join().")
    expect(not proc.is_alive(),
           "The child is still running. proc.join() makes your cell wait until it ends.")
    expect(proc.exitcode == 0,
           f"The child ended with exit code {proc.exitcode}, so its function did not return "
           "normally. Did you pass the seconds as a number, in a tuple: args=(seconds,)?")
    correct("start() launched the child, join() waited for it, and exit code 0 says "
            "sleep_for returned normally.")


def check_exit_codes(codes: Any) -> None:
    """Exercise 2: exit codes of (raise_error, exit_with(4), terminate() while sleeping)."""
    __tracebackhide__ = True
    require_attempt(codes, "set codes to a tuple of three whole numbers")
    expect(isinstance(codes, (tuple, list)) and len(codes) == 3,
           f"codes should be a tuple of three exit codes, like (a, b, c), not {codes!r}.")
    expect(all(is_whole_number(c) for c in codes),
           "Each exit code is a whole number (an int), as Process.exitcode gives.")
    raised, exited, terminated = codes
    expect(raised != 0,
           "(a) An exception nobody catches does not count as a normal end, so not 0.")
    expect(raised == 1,
           "(a) multiprocessing catches the exception in the child, prints its traceback "
           "and exits with the code Python itself uses for an uncaught exception. Try it: "
           "run raise_error in a Process and look at exitcode.")
    expect(exited >= 0,
           "(b) A negative exit code means a signal killed the child, but exit_with only "
           "raises SystemExit.")
    expect(exited == 4,
           "(b) exit_with(code) raises SystemExit(code). What becomes of that code?")
    sigterm = int(signal.SIGTERM)
    expect(terminated != sigterm,
           "(c) Right signal, wrong sign: exitcode reports a signal as a negative number.")
    expect(terminated == -sigterm,
           "(c) terminate() sends the signal SIGTERM, and exitcode reports a signal as "
           "minus its number (import signal; signal.SIGTERM).")
    correct("0 is a normal end, n comes from sys.exit(n), 1 from an uncaught exception, "
            "and -N from signal N.")


SHOUT_INPUTS = ("asia", "Europe", "multiprocessing")


def check_shout(module: Any) -> None:
    """Exercise 3: ``shout`` in the learner's ``my_workers.py``, run in child processes.

    The module is reloaded first, so the check sees the file as it is now, not the
    version the kernel imported earlier.
    """
    __tracebackhide__ = True
    require_attempt(module, "write shout into my_workers.py, then run this check again")
    expect(isinstance(module, types.ModuleType),
           f"Pass the module my_workers itself (import my_workers), not "
           f"{type(module).__name__}.")
    expect(module.__name__ != "__main__",
           "That is the notebook's own namespace. Pass my_workers, the module you wrote.")
    try:
        module = importlib.reload(module)
    except (ImportError, OSError) as error:
        expect(False, f"{module.__name__} could not be loaded again ({error}). Run your "
                      "%%writefile cell to write the file.")
    except SyntaxError as error:
        expect(False, f"Your file has a syntax error on line {error.lineno}: {error.msg}.")
    func = getattr(module, "shout", None)
    expect(func is not None,
           f"{module.__name__} has no function named shout. Check the name in your "
           "%%writefile cell, and run that cell.")
    expect(callable(func), f"shout should be a function, not {type(func).__name__}.")
    results = run_learner_worker(func, SHOUT_INPUTS)
    if all(result is ... for result in results):
        require_attempt(..., "replace shouted = ... with your code in the %%writefile "
                             "cell and run it")
    for text, result in zip(SHOUT_INPUTS, results, strict=True):
        expect(isinstance(result, str),
               f"shout({text!r}) returned {result!r}. It should return a string.")
        expect(result == text.upper() + "!",
               f"shout({text!r}) returned {result!r}: every letter in capitals, then "
               "one '!' at the end.")
    correct("Your function lives in a real file, so every child process could import it "
            "by name, whatever the start method.")
