"""Notebook 02, "Process": the workers that child processes run.

Each function is defined at module level, so that a child started with *spawn* or
*forkserver* can import it by name. The article's worker, :func:`print_func`, prints
from the child; the others return or send their results, so the parent can print
them in an order it chooses.
"""

from __future__ import annotations

import time
from typing import Any

from helpers.instruments.validate import queue, whole_number
from helpers.instruments.validate import seconds as _seconds


def print_func(continent: str = "Asia") -> None:
    """The article's first worker: print a continent's name (from the child)."""
    print("The name of continent is : ", continent, flush=True)


def describe_continent(continent: str = "Asia") -> str:
    """Like :func:`print_func`, but *return* the text so the parent can print it."""
    return f"The name of continent is : {continent}"


def describe_to_queue(results: Any, continent: str = "Asia") -> None:
    """Put :func:`describe_continent`'s line on the queue ``results``.

    A ``Process`` cannot return a value to its parent, so the child sends its result
    through a queue and the parent prints it.
    """
    queue(results, "results").put(describe_continent(continent))


def sleep_for(seconds: float) -> float:
    """Sleep ``seconds`` and return it (an I/O-bound stand-in)."""
    time.sleep(_seconds(seconds))
    return seconds


def exit_with(code: int) -> None:
    """End the process with exit status ``code`` (to show ``Process.exitcode``)."""
    raise SystemExit(whole_number(code, "code", most=255))


def raise_error(message: str = "something went wrong in the child") -> None:
    """Raise ``ValueError(message)`` in the child."""
    raise ValueError(message)
