"""Children's error output, shown in order; and what the OS says about a child (notebook 02).

* :func:`call_with_stderr_to` (runs in the child) and :func:`child_stderr_to` (runs
  in the parent) send a child's traceback to a file, so a notebook can show it in
  order instead of letting it arrive in red under whatever cell runs next.
* :func:`traceback_summary` -- the first and last lines of such a traceback.
* :func:`os_status` -- what the operating system says about a child (e.g.
  ``"zombie"``), without reaping it the way ``is_alive()`` or ``exitcode`` would.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from multiprocessing import connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from helpers.instruments.validate import describe, existing_file, file_path, function, seconds


def call_with_stderr_to(path: str | os.PathLike[str], func: Callable[..., Any],
                        *args: Any, **kwargs: Any) -> Any:
    """Run in the child: point ``sys.stderr`` at the file ``path``, then call ``func``.

    The file is not restored afterwards on purpose: if ``func`` raises,
    ``multiprocessing`` writes ``Process <name>:`` and the traceback to
    ``sys.stderr`` *after* ``func`` has returned control, and that must land in
    the file too. Use it as the target: ``Process(target=call_with_stderr_to,
    args=(path, func, *args))``. Called in a main process (the notebook's kernel, say),
    it refuses: it would leave that process's ``sys.stderr`` pointing at the file.
    """
    import multiprocessing

    path, func = file_path(path, "path"), function(func, "func")
    if multiprocessing.parent_process() is None:
        raise RuntimeError("call_with_stderr_to runs in a child: pass it as the target, "
                           "Process(target=call_with_stderr_to, args=(path, func, ...)), "
                           "instead of calling it here.")
    sys.stderr = open(path, "w", encoding="utf-8", buffering=1)  # noqa: SIM115 (kept open)
    return func(*args, **kwargs)


@contextlib.contextmanager
def child_stderr_to(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Run in the parent: children *started* inside the block write stderr to ``path``.

    File descriptor 2 (and ``sys.stderr``) point at the file only while the block
    runs, so start the process inside it and join it outside. It works for
    children started with *spawn* (a new interpreter inherits descriptor 2) and
    *fork* (a copy of the parent inherits ``sys.stderr``), even when they fail
    before running any of your code. Children of the *forkserver* inherit the
    server's stderr instead, so this cannot redirect them.
    """
    path = file_path(path, "path")
    sys.stderr.flush()
    with open(path, "w", encoding="utf-8") as file:  # fails before anything is changed
        saved_fd, saved_stream = os.dup(2), sys.stderr
        try:
            os.dup2(file.fileno(), 2)
            sys.stderr = file
            yield path
        finally:
            file.flush()
            sys.stderr = saved_stream
            os.dup2(saved_fd, 2)
            os.close(saved_fd)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_MAIN_REPR = re.compile(r"<module '__main__' \((?:built-in|<class '[\w.]+'>)\)>")


def traceback_summary(path: str | os.PathLike[str]) -> str:
    """The first lines of the traceback in file ``path``, ``...``, and the error line.

    Everything before ``Traceback (most recent call last):`` is kept (for a
    ``Process``, the line ``Process <name>:``), then the line itself, then the final
    line naming the exception. The file paths in between depend on the machine.
    Colour codes (Python 3.13+ colours tracebacks) are removed, and so is the
    version-specific part of ``<module '__main__' (...)>``. The error line is otherwise
    CPython's own, so a learner can search for it; where its wording changed between
    versions (3.14: ``module '__main__' has no attribute 'f'``), tests/sanitize.cfg
    covers each wording.
    """
    path = existing_file(path, "path")
    try:
        text = _ANSI.sub("", path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ValueError(f"path: {path.name} is not a text file, so no traceback: pass the "
                         "file that call_with_stderr_to or child_stderr_to wrote.") from None
    text = _MAIN_REPR.sub("<module '__main__'>", text)
    lines = text.rstrip("\n").splitlines()
    if not lines:
        return "(nothing was written to stderr)"
    marker = "Traceback (most recent call last):"
    if marker not in lines:
        return "\n".join(lines)
    head = lines[: lines.index(marker) + 1]
    return "\n".join([*head, "  ...", lines[-1]])


def os_status(process: BaseProcess, settle: float = 2.0) -> str:
    """Ask the operating system about ``process``'s child, without reaping it.

    Returns psutil's status (``"running"``, ``"sleeping"``, ``"zombie"``, ...) or
    ``"gone"`` once nobody holds its entry in the process table any more. If the
    child has already ended (its ``sentinel`` is ready), waits up to ``settle``
    seconds for it to become a zombie or go: the sentinel fires a moment before the
    exit completes. ``is_alive()``, ``exitcode`` and ``join()`` would all reap the
    child; this does not.
    """
    if not isinstance(process, BaseProcess):
        raise TypeError(f"process must be a multiprocessing Process, not {describe(process)}.")
    pid, settle = process.pid, seconds(settle, "settle")
    if pid is None:
        raise ValueError("This process has not been started: call start() first.")
    import psutil

    if os.name == "nt":
        return "not shown on Windows (it keeps no zombies)"
    ended = bool(connection.wait([process.sentinel], timeout=0))
    deadline = time.monotonic() + settle
    while True:
        try:
            status = psutil.Process(pid).status()
        except psutil.NoSuchProcess:
            return "gone"
        if not ended or status == psutil.STATUS_ZOMBIE or time.monotonic() > deadline:
            return status
        time.sleep(0.01)
