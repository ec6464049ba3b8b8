"""The machinery that every exercise check shares."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable
from typing import Any

from helpers.instruments.pools import ensure_sendable, make_pool
from helpers.instruments.validate import list_of, seconds


class CheckFailed(AssertionError):
    """A check that did not pass. nbgrader scores a check cell by whether it raises, so this
    is an ``AssertionError``; in a notebook it shows as one line, not a traceback into the
    course's code (IPython calls ``_render_traceback_``)."""

    pointer = "see the message above"

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[31m{type(self).__name__}\x1b[0m: {self.pointer}."]


class NotYet(CheckFailed):
    """The answer is wrong. The message says what to look at next."""

    pointer = "not yet right: see the hint above"


class NotAttempted(CheckFailed):
    """The answer is still the placeholder ``...``."""

    pointer = "nothing to check yet: see the message above"


def require_attempt(answer: Any, what: str) -> None:
    """Raise :class:`NotAttempted` if ``answer`` is still ``...``.

    Args:
        answer: the learner's value.
        what: what to do, e.g. "set pool_size to a whole number".
    """
    __tracebackhide__ = True
    if answer is ...:
        message = f"Not attempted yet: {what}, then run this check again."
        print(message)
        raise NotAttempted(message)


def expect(condition: bool, hint: str) -> None:
    """Raise :class:`NotYet` with ``hint`` unless ``condition`` holds."""
    __tracebackhide__ = True
    if not condition:
        message = f"Not yet. {hint}"
        print(message)
        raise NotYet(message)


def correct(message: str) -> None:
    """Print the success line."""
    print(f"Correct! {message}")


def check_choice(choice: Any, right: str, hints: dict[str, str], success: str) -> None:
    """Check a multiple-choice answer such as ``"c"``.

    Args:
        choice: the learner's letter (case and surrounding spaces are ignored).
        right: the right letter.
        hints: what to think about next, for every wrong letter.
        success: the explanation printed when the answer is right.
    """
    __tracebackhide__ = True
    letters = sorted({right, *hints})
    spelled = ", ".join(f'"{x}"' for x in letters[:-1]) + f' or "{letters[-1]}"'
    require_attempt(choice, f"set choice to {spelled}")
    expect(isinstance(choice, str) and choice.strip().lower() in letters,
           f"choice should be one of the strings {spelled}, not {choice!r}.")
    picked = choice.strip().lower()
    expect(picked == right, hints.get(picked, ""))
    correct(success)


def run_learner_worker(func: Callable[..., Any], inputs: Iterable[Any],
                       timeout: float = 20.0) -> list[Any]:
    """Run a learner's worker over ``inputs`` in a 2-process pool, without ever hanging.

    A function defined in the notebook cannot be sent to a *spawn* or *forkserver*
    child: instead of the hang that ``Pool.map`` would give, this raises
    :class:`NotYet` with instructions. A worker that crashes, raises or runs past
    ``timeout`` seconds also gives :class:`NotYet`, and the pool is terminated.
    """
    __tracebackhide__ = True
    expect(callable(func), f"Pass the function itself (no brackets), not {type(func).__name__}.")
    name = getattr(func, "__name__", repr(func))
    inputs, timeout = list_of(inputs, "inputs"), seconds(timeout, "timeout", allow_zero=False)
    try:
        ensure_sendable(func, "your function")
    except TypeError as error:
        expect(False, str(error))
    pool = make_pool("processes", 2)
    try:
        return pool.map_async(func, inputs).get(timeout)
    except multiprocessing.TimeoutError:
        expect(False, f"{name!r} did not finish within {timeout:g} s. Does it loop forever, "
                      "or wait on a queue that nobody fills?")
    except Exception as error:  # the learner's own exception, re-raised by the pool
        expect(False, f"{name!r} raised {type(error).__name__}: {error}")
    finally:
        pool.terminate()
        pool.join()
    raise AssertionError("unreachable")  # expect(False, ...) always raises
