"""One vocabulary for checking arguments, shared by ``helpers`` and ``helpers.checks``.

Every checker returns the cleaned value, so a worker validates an argument in one line::

    seconds = positive_number(seconds, "seconds", allow_zero=True)

and raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind, wrong
size) with a message that names the parameter, says what it got, and what to pass
instead. The predicates (:func:`is_whole_number`, :func:`is_number`) answer the same
questions without raising, for the exercise checks.

**Limits.** Counts that start processes, and sizes that would take hours or fill the
memory, have an upper bound in :data:`LIMITS`. A learner who really wants more raises
it on purpose, as every such message says::

    from helpers.instruments.validate import LIMITS
    LIMITS["processes"] = 200
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Mapping
from numbers import Integral, Real
from pathlib import Path
from typing import Any

from helpers.cpus import usable_cpus

START_METHODS: tuple[str, ...] = ("fork", "spawn", "forkserver")
"""Every start method, in the one fixed order the course lists them in (not the order
of ``multiprocessing.get_all_start_methods()``, which puts the platform's default first)."""

LIMITS: dict[str, float] = {
    "processes": 0,        # 0 means: computed from the usable CPUs (see process_limit)
    "seconds": 600,        # one wait or one task's planned duration
    "bytes": 1_000_000_000,  # one payload or one array
    "repeats": 10_000,     # trials, runs, repeats
    "items": 1_000_000,    # tasks or items in one call
}
"""Upper bounds that protect a learner's machine. Raise one on purpose if you need to."""


def describe(value: Any) -> str:
    """A short description of ``value`` for messages: its repr (cut) and its type."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} (a {type(value).__name__})"


def _raise_hint(key: str, wanted: float) -> str:
    return (f"To go higher on purpose, first run: from helpers.instruments.validate import "
            f"LIMITS; LIMITS[{key!r}] = {int(wanted) if wanted == int(wanted) else wanted}")


# --- Predicates -------------------------------------------------------------------------


def is_whole_number(value: Any) -> bool:
    """An ``int`` (or NumPy integer), but not ``True``/``False``."""
    return isinstance(value, Integral) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    """A finite real number (not NaN, not infinite), but not ``True``/``False``."""
    return (isinstance(value, Real) and not isinstance(value, bool)
            and math.isfinite(float(value)))


# --- Numbers ----------------------------------------------------------------------------


def whole_number(value: Any, name: str, *, least: int = 0, most: int | None = None) -> int:
    """``value`` as an ``int`` from ``least`` to ``most`` (no upper bound if ``None``)."""
    span = f"from {least} to {most}" if most is not None else f"of at least {least}"
    if not is_whole_number(value):
        raise TypeError(f"{name} must be a whole number {span}, not {describe(value)}.")
    if value < least or (most is not None and value > most):
        raise ValueError(f"{name} must be a whole number {span}, not {value}.")
    return int(value)


def number(value: Any, name: str, *, least: float | None = None, most: float | None = None,
           above: float | None = None, unit: str = "") -> float:
    """``value`` as a finite ``float`` within the bounds given (``above`` is exclusive)."""
    unit_text = f" of {unit}" if unit else ""
    if not is_number(value):
        if isinstance(value, Real) and not isinstance(value, bool):
            raise ValueError(f"{name} must be a finite number{unit_text}, not {value!r}.")
        raise TypeError(f"{name} must be a number{unit_text}, not {describe(value)}.")
    value = float(value)
    if above is not None and not value > above:
        raise ValueError(f"{name} must be a number{unit_text} above {above:g}, not {value:g}.")
    if least is not None and value < least:
        raise ValueError(f"{name} must be a number{unit_text} of at least {least:g}, "
                         f"not {value:g}.")
    if most is not None and value > most:
        raise ValueError(f"{name} must be a number{unit_text} of at most {most:g}, "
                         f"not {value:g}.")
    return value


def real(value: Any, name: str) -> Any:
    """A finite real number, returned as it is (an ``int`` stays an ``int``)."""
    number(value, name)
    return value


def positive_number(value: Any, name: str, *, allow_zero: bool = False,
                    most: float | None = None, unit: str = "") -> float:
    """A finite number above 0 (or at least 0 with ``allow_zero``), at most ``most``."""
    if allow_zero:
        return number(value, name, least=0.0, most=most, unit=unit)
    return number(value, name, above=0.0, most=most, unit=unit)


def seconds(value: Any, name: str = "seconds", *, allow_zero: bool = True) -> float:
    """A duration: a finite number of seconds, at most ``LIMITS["seconds"]``."""
    top = LIMITS["seconds"]
    checked = positive_number(value, name, allow_zero=allow_zero, unit="seconds")
    if checked > top:
        raise ValueError(f"{name}={checked:g} seconds is more than {top:g} s, the most this "
                         f"allows. {_raise_hint('seconds', checked)}")
    return checked


def fraction(value: Any, name: str) -> float:
    """A number from 0 to 1 (5 % is 0.05)."""
    if is_number(value) and not 0 <= value <= 1:
        raise ValueError(f"{name} must be a number from 0 to 1 (5 % is 0.05), not {value!r}.")
    return number(value, name, least=0.0, most=1.0)


# --- Counts that start processes --------------------------------------------------------


def process_limit() -> int:
    """The most processes one call may start: ``LIMITS["processes"]``, or if that is 0,
    8 per usable CPU and at least 32."""
    limit = int(LIMITS["processes"])
    return limit if limit > 0 else max(32, 8 * usable_cpus())


def process_count(value: Any, name: str, *, least: int = 1) -> int:
    """A number of processes (or workers) to start: a whole number, not far above the CPUs.

    The bound is :func:`process_limit`. Beyond it, a learner's laptop would grind to a
    halt starting processes that can only take turns on its CPUs.
    """
    top = process_limit()
    if is_whole_number(value) and value > top:
        raise ValueError(
            f"{name}={value} would start {value} processes, far more than the "
            f"{usable_cpus()} CPUs this process may use; the most allowed is {top}. Use a "
            f"number from {least} to {top}. {_raise_hint('processes', value)}")
    return whole_number(value, name, least=least)


def bounded(value: Any, name: str, limit: str, *, least: int = 0) -> int:
    """A whole number from ``least`` up to ``LIMITS[limit]`` (bytes, repeats, items)."""
    top = int(LIMITS[limit])
    if is_whole_number(value) and value > top:
        raise ValueError(f"{name}={value} is more than {top}, the most this allows (it "
                         f"would take very long or fill the memory). {_raise_hint(limit, value)}")
    return whole_number(value, name, least=least)


# --- Collections, choices, functions and files ------------------------------------------


def list_of(value: Any, name: str, *, item: Callable[[Any, str], Any] | None = None,
            least: int = 0, most: str | None = "items", what: str = "values",
            example: str | None = None) -> list[Any]:
    """``value`` as a list: a list, tuple, range or other iterable, but not a string,
    bytes, a mapping or a single record. Each element goes through ``item(element,
    "name[i]")`` if given. ``example`` is shown in the message (``[1, 2, 3]`` for values)."""
    if isinstance(value, (str, bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        example = example or ("[1, 2, 3]" if what == "values" else None)
        such_as = f", such as {example}," if example else ","
        raise TypeError(f"{name} must be a list of {what}{such_as} not {describe(value)}. "
                        f"Put a single one in a list: [{value!r}].")
    items = list(value)
    if len(items) < least:
        raise ValueError(f"{name} must hold at least {least} of its {what}, but it "
                         f"{'is empty' if not items else f'holds {len(items)}'}: {items!r}.")
    if most is not None and len(items) > LIMITS[most]:
        raise ValueError(f"{name} holds {len(items)} {what}, more than {int(LIMITS[most])}, "
                         f"the most this allows. {_raise_hint(most, len(items))}")
    if item is not None:
        items = [item(element, f"{name}[{i}]") for i, element in enumerate(items)]
    return items


def choice(value: Any, name: str, options: Iterable[str]) -> str:
    """One of ``options`` (strings), exactly."""
    options = tuple(options)
    shown = ", ".join(repr(o) for o in options)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {shown}, not {describe(value)}.")
    if value not in options:
        raise ValueError(f"{name} must be one of {shown}, not {value!r}.")
    return value


def start_method(value: Any, name: str = "start_method", *, allow_none: bool = True) -> str | None:
    """A start method's name available here, or ``None`` for the default."""
    import multiprocessing

    available = [m for m in START_METHODS if m in multiprocessing.get_all_start_methods()]
    if value is None and allow_none:
        return None
    if hasattr(value, "get_start_method") and hasattr(value, "Process"):
        raise TypeError(f"{name} must be a start method's name such as {available[-1]!r}, not "
                        f"a context object: pass ctx.get_start_method() instead.")
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {available}, not {describe(value)}.")
    if value not in available:
        raise ValueError(f"{name} must be one of {available} (those this system has), "
                         f"not {value!r}.")
    return value


def context(value: Any, name: str = "ctx") -> Any:
    """A multiprocessing context: ``None`` (the default), a start method's name, or a context."""
    import multiprocessing

    if value is None:
        return multiprocessing.get_context()
    if isinstance(value, str):
        return multiprocessing.get_context(start_method(value, name))
    if hasattr(value, "get_start_method") and hasattr(value, "Process"):
        return value
    raise TypeError(f"{name} must be a multiprocessing context, such as "
                    f"multiprocessing.get_context('spawn'), a start method's name, or None; "
                    f"not {describe(value)}.")


def function(value: Any, name: str) -> Callable[..., Any]:
    """Something callable: the function itself, not a call's result."""
    if not callable(value):
        raise TypeError(f"{name} must be a function, not {describe(value)}: pass the function "
                        f"itself, without calling it (f, not f()).")
    return value


def existing_file(value: Any, name: str) -> Path:
    """The path of a file that exists."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path (a str or Path), not {describe(value)}.")
    path = Path(value)
    if path.is_dir():
        raise ValueError(f"{name} must be a file, but {str(path)!r} is a folder: add the "
                         "file's name.")
    if not path.is_file():
        raise FileNotFoundError(f"{name}: there is no file {str(path)!r}. Check the path "
                                "(relative paths start from the notebook's folder).")
    return path


def file_path(value: Any, name: str) -> Path:
    """A path to write a file at: not a folder, and in a folder that exists."""
    if not isinstance(value, (str, os.PathLike)) or not os.fspath(value):
        raise TypeError(f"{name} must be a file path (a str or Path), not {describe(value)}.")
    path = Path(value)
    if path.is_dir():
        raise ValueError(f"{name} must be a file, but {str(path)!r} is a folder.")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"{name}: there is no folder {str(path.parent)!r} to write "
                                f"{path.name!r} in. Create it first, or pick another path.")
    return path


def path(value: Any, name: str) -> Path:
    """A file or folder path (a ``str`` or ``Path``), whether or not it exists."""
    if not isinstance(value, (str, os.PathLike)) or not os.fspath(value):
        raise TypeError(f"{name} must be a path (a str or Path), not {describe(value)}.")
    return Path(value)


def text(value: Any, name: str, *, example: str = "'red'") -> str:
    """A string."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string such as {example}, not {describe(value)}.")
    return value


def instance(value: Any, name: str, kind: type | tuple[type, ...], what: str) -> Any:
    """An instance of ``kind``; ``what`` says what that is and where one comes from."""
    if not isinstance(value, kind):
        raise TypeError(f"{name} must be {what}, not {describe(value)}.")
    return value


def has_methods(value: Any, name: str, methods: tuple[str, ...], what: str) -> Any:
    """Something with all of ``methods`` (a queue, a lock...); ``what`` names one."""
    missing = [m for m in methods if not callable(getattr(value, m, None))]
    if missing:
        raise TypeError(f"{name} must be {what}, not {describe(value)}: it has no "
                        f"{missing[0]}(). Pass the object itself, the same one to every "
                        "process.")
    return value


def queue(value: Any, name: str, *, joinable: bool = False) -> Any:
    """A queue to ``put()`` on and ``get()`` from (with ``task_done()`` if ``joinable``)."""
    if joinable:
        return has_methods(value, name, ("put", "get", "task_done"),
                           "a JoinableQueue, such as multiprocessing.JoinableQueue()")
    return has_methods(value, name, ("put", "get"), "a queue, such as multiprocessing.Queue()")


def connection(value: Any, name: str) -> Any:
    """One end of a ``multiprocessing.Pipe()``."""
    return has_methods(value, name, ("send", "recv"),
                       "one end of a pipe, such as `here, there = multiprocessing.Pipe()`")


def shared_value(value: Any, name: str, *, own_lock: bool = False) -> Any:
    """A shared number, such as ``multiprocessing.Value("i", 0)`` (which has ``get_lock()``)."""
    what = 'a shared number such as multiprocessing.Value("i", 0)'
    if own_lock:
        return has_methods(value, name, ("get_lock",), what + " (a RawValue has no lock)")
    if not hasattr(value, "value"):
        raise TypeError(f"{name} must be {what}, not {describe(value)}: it has no .value.")
    return value


def lock(value: Any, name: str) -> Any:
    """A lock, such as ``multiprocessing.Lock()``, or ``None`` for no lock."""
    if value is None:
        return None
    return has_methods(value, name, ("acquire", "release", "__enter__"),
                       "a lock such as multiprocessing.Lock(), or None")


def mapping(value: Any, name: str, *, key: Callable[[Any, str], Any] | None = None,
            item: Callable[[Any, str], Any] | None = None, least: int = 0,
            example: str = "{1: 0.5}") -> dict[Any, Any]:
    """A dict, each key through ``key`` and each value through ``item`` (given the name
    ``name[key]``)."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict such as {example}, not {describe(value)}.")
    if len(value) < least:
        raise ValueError(f"{name} must hold at least {least} entries, but it "
                         f"{'is empty' if not value else f'holds {len(value)}'}.")
    checked = {}
    for k, v in value.items():
        label = f"{name}[{k!r}]"
        checked[key(k, f"a key of {name} ({k!r})") if key else k] = item(v, label) if item else v
    return checked


def numpy_dtype(value: Any, name: str) -> Any:
    """A NumPy dtype, or anything ``numpy.dtype()`` turns into one (``"int64"``, ``"<i8"``)."""
    import numpy as np

    try:
        if value is None:  # numpy would take it for float64
            raise TypeError
        return np.dtype(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a NumPy dtype such as 'int64' (array.dtype.str "
                        f"gives one), not {describe(value)}.") from None
