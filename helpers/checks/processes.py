"""Checks for notebook 02, "Process"."""

from __future__ import annotations

import ast
import importlib
import os
import signal
import types
from multiprocessing.process import BaseProcess
from pathlib import Path
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
    function it ran cannot be checked afterwards; its exit code can. A missing
    ``join()`` is seen on every start method and OS: until somebody waits for the
    child (``join()``, ``is_alive()``, ``exitcode``; starting another ``Process`` polls
    it too), its ``_popen.returncode`` stays ``None``, so that is read before anything
    here polls the child. (A child of the forkserver, or on Windows, never becomes a
    zombie that could tell instead.)
    """
    __tracebackhide__ = True
    require_attempt(proc, "set sleeper to your Process object")
    expect(isinstance(proc, BaseProcess),
           f"sleeper should be the Process object itself (sleeper = Process(...)), "
           f"not {type(proc).__name__}.")
    try:
        pid = proc.pid
    except ValueError:
        expect(False, "You called sleeper.close(), which throws its exit code away. Run your "
                      "cell again without close().")
    expect(pid is not None, "The process was created but never started: call sleeper.start().")
    expect(not _is_unreaped_child(proc),
           "The child has finished, but nobody waited for it: it is a zombie until you "
           "call sleeper.join().")
    popen = getattr(proc, "_popen", None)
    never_waited = popen is not None and popen.returncode is None
    running = proc.is_alive()  # polls the child: only now, after never_waited was read
    expect(not (never_waited and not running),
           "The child has finished, but nobody waited for it: your cell must call "
           "sleeper.join() after sleeper.start().")
    expect(not running,
           "The child is still running. sleeper.join() makes your cell wait until it ends.")
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
           "(c) Right signal, wrong sign. Look at the exit-code table: how does exitcode "
           "report a signal?")
    expect(terminated == -sigterm,
           "(c) terminate() stops the child with a signal. Which signal, and how does the "
           "exit-code table above write a signal's exit code? (The signal module has the "
           "number.)")
    correct("0 is a normal end, n comes from sys.exit(n), 1 from an uncaught exception, "
            "and -N from signal N.")


SHOUT_INPUTS = ("asia", "Europe", "multiprocessing")


def _defines(module: types.ModuleType, name: str) -> bool:
    """Does the module's file, as it is now, define ``name`` at the top level? (A reload
    keeps the names that the file no longer defines; a child would not find them.)"""
    path = getattr(module, "__file__", None) or ""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return True  # not a source file we can read: let the child tell
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [(a.asname or a.name).split(".")[0] for a in node.names]
        else:
            continue
        if name in names:
            return True
    return False


def check_shout(module: Any) -> None:
    """Exercise 3: ``shout`` in the learner's ``my_workers.py``, run in child processes.

    The module is reloaded first, so the check sees the file as it is now, not the
    version the kernel imported earlier.
    """
    __tracebackhide__ = True
    require_attempt(module, "write shout into my_workers.py with the %%writefile cell")
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
    except Exception as error:  # the learner's module raised while it was loaded again
        expect(False, f"Loading {module.__name__} again raised {type(error).__name__}: "
                      f"{error}. Fix that line in your %%writefile cell, run it, then run "
                      "this check again.")
    func = getattr(module, "shout", None)
    expect(func is not None and _defines(module, "shout"),
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
