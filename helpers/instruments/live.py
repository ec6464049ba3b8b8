"""A live view of the cores and the tasks while a pool runs: the course's own dashboard.

    from multiprocessing import Pool
    from helpers.instruments.live import live_view

    with Pool(2) as pool, live_view(pool) as view:
        image = pool.map(row, range(48))

While the block runs, two panels update a few times a second under the cell:

* **Cores**: one bar per CPU of the machine with its busy share (psutil); the CPUs this
  process may use (its affinity mask) are blue, the others grey.
* **Tasks**: which worker ran which task, and when, growing as tasks finish.

When the block ends, the panels are replaced in place by one static picture of the run
(each CPU's mean busy share, and the timeline), which stays in the saved notebook, and
one line of text such as ``<live view: 8 tasks on 2 workers, 2 of 2 CPUs usable>``:
counts, never times, so the notebook's stored output compares strictly. Without a
Jupyter kernel (plain Python, pytest) nothing is drawn; the view still records, and
``view.records``, ``view.cpu_samples`` and ``view.figure()`` are there afterwards.

How it works. Inside the block, the pool's methods (``map``, ``imap``,
``imap_unordered``, ``starmap``, ``apply_async`` and their ``_async`` forms; an
executor's ``submit`` and ``map``) are wrapped on that one pool object. Each task runs
in :func:`_run_tagged` or :func:`_run_call` (module-level functions in a
``functools.partial``, so they pickle under every start method), which times it with
:func:`helpers.instruments.timeline.timed`, the timelines' own code, and appends one
short line to a file of its own in a temporary folder. A daemon thread in this process
reads the new lines and samples the CPUs. The worker returns exactly what the function
returned. On the way out, however the block ends (normally, an exception, the kernel's
interrupt), the methods are restored, the thread is stopped and joined, and the folder
is removed.

A task appears when it finishes. Tasks that finish after the block (an ``apply_async``
whose result is fetched later) are not recorded.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import io
import itertools
import math
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from helpers.instruments.timeline import TaskRecord, task_records, timed, worker_labels
from helpers.instruments.validate import (
    describe,
    fraction,
    function,
    instance,
    is_whole_number,
    list_of,
    number,
    text,
    whole_number,
)

MIN_INTERVAL = 0.1
"""Seconds: the shortest update interval allowed (faster costs CPU and shows nothing more)."""
MAX_INTERVAL = 10.0
"""Seconds: the longest update interval allowed."""
DEFAULT_INTERVAL = 0.25
"""Seconds between two updates of the panels: four a second."""
THREAD_NAME = "live-view"
"""The name of the thread that reads the records and samples the CPUs."""
FOLDER_PREFIX = "live-view-"
"""Prefix of the temporary folder the workers write their records to."""

_POOL_METHODS = ("map", "map_async", "starmap", "starmap_async", "imap", "imap_unordered",
                 "apply_async")
_EXECUTOR_METHODS = ("submit", "map")
_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
_OPEN_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
_USABLE_COLOR, _OTHER_COLOR, _TASK_COLORS = "#1f77b4", "#b0b0b0", ("#1f77b4", "#6baed6")


# --- In the worker: run the task with timed(), report one line, return its result --------


@dataclass(frozen=True)
class _Channel:
    """Where a worker reports its records: a folder, and the pid of the process watching."""

    folder: str
    parent_pid: int


def _report(channel: _Channel, seq: int, record: TaskRecord) -> None:
    """Append ``seq start end worker`` to this worker's own file; never raise.

    A thread pool's tasks run in the watching process itself: they are named after
    their thread instead. If the view has closed (its folder is gone), nothing is written.
    """
    worker = record.worker
    if os.getpid() == channel.parent_pid:
        worker = threading.current_thread().name
    worker = worker.replace("\t", " ").replace("\n", " ")
    line = f"{seq}\t{record.start!r}\t{record.end!r}\t{worker}\n".encode()
    path = os.path.join(channel.folder, f"{os.getpid()}-{threading.get_ident()}.log")
    try:
        fd = os.open(path, _OPEN_FLAGS, 0o600)
    except OSError:
        return
    try:
        os.write(fd, line)
    except OSError:
        pass
    finally:
        os.close(fd)


def _star(func: Callable[..., Any], args: Sequence[Any]) -> Any:
    return func(*args)


def _call(func: Callable[..., Any], kwargs: dict[str, Any], args: tuple[Any, ...]) -> Any:
    return func(*args, **kwargs)


def _run_tagged(channel: _Channel, func: Callable[..., Any], star: bool,
                tagged: tuple[int, Any]) -> Any:
    """Run one task of a map-like call, ``tagged = (seq, item)``; return what func returned."""
    seq, item = tagged
    record = timed(functools.partial(_star, func) if star else func, item)
    _report(channel, seq, record)
    return record.result


def _run_call(channel: _Channel, func: Callable[..., Any], seq: int, *args: Any,
              **kwargs: Any) -> Any:
    """Run one ``apply_async``/``submit`` call; return what func returned."""
    record = timed(functools.partial(_call, func, kwargs), args)
    _report(channel, seq, record)
    return record.result


_WRAPPERS = (_run_tagged, _run_call)


def _is_recorded(fn: Any) -> bool:
    """Whether ``fn`` is already one of ours (an executor's ``map`` calls ``submit``)."""
    if not isinstance(fn, functools.partial):
        return False
    return fn.func in _WRAPPERS or any(
        isinstance(arg, functools.partial) and arg.func in _WRAPPERS for arg in fn.args)


# --- Checking what live_view() was given -------------------------------------------------


def _check_pool(pool: Any) -> str | None:
    """The start method of the pool's workers (``None``: threads); TypeError if no pool."""
    from helpers.instruments.pools import pool_start_method

    if callable(pool) and getattr(pool, "__name__", "").endswith(("Pool", "Executor")):
        raise TypeError(f"pool must be a pool, not the {pool.__name__} that makes one: call it "
                        f"first (with {pool.__name__}(2) as pool, live_view(pool): ...).")
    method = pool_start_method(pool)
    state = getattr(pool, "_state", "RUN")  # Pool and ThreadPool: "CLOSE", "TERMINATE"
    if state != "RUN" or getattr(pool, "_shutdown_thread", False) or getattr(
            pool, "_shutdown", False) is True:  # executors, after shutdown()
        raise ValueError(f"pool must be running, but this {type(pool).__name__} was "
                         f"{'closed' if state == 'CLOSE' else 'shut down'}: use live_view(pool) "
                         "inside the pool's own with block, or start a new pool.")
    return method


def _pool_size(pool: Any) -> int | None:
    """How many workers the pool has (``None`` if it does not say)."""
    size = getattr(pool, "_processes", None) or getattr(pool, "_max_workers", None)
    return size if isinstance(size, int) else None


# --- CPU load -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CpuSample:
    """Each CPU's busy share (0 to 1) over one interval, which ended ``at`` seconds in."""

    at: float
    busy: tuple[float, ...]


def _busy_shares(before: Sequence[Any], after: Sequence[Any]) -> tuple[float, ...]:
    """Each CPU's busy share between two ``psutil.cpu_times(percpu=True)`` readings.

    The same arithmetic as ``psutil.cpu_percent``, without its module-wide state:
    busy = total - idle - iowait, where total leaves out guest time (already in user).
    """
    shares = []
    for old, new in zip(before, after, strict=False):
        total = _total_time(new) - _total_time(old)
        idle = _idle_time(new) - _idle_time(old)
        shares.append(min(1.0, max(0.0, (total - idle) / total)) if total > 0 else 0.0)
    return tuple(shares)


def _total_time(times: Any) -> float:
    return sum(times) - getattr(times, "guest", 0.0) - getattr(times, "guest_nice", 0.0)


def _idle_time(times: Any) -> float:
    return times.idle + getattr(times, "iowait", 0.0)


def usable_cpu_ids(count: int) -> frozenset[int]:
    """The CPUs (0 to ``count - 1``) this process may run on: its affinity mask, or all."""
    count = whole_number(count, "count", least=1)
    if hasattr(os, "sched_getaffinity"):
        return frozenset(cpu for cpu in os.sched_getaffinity(0) if cpu < count)
    return frozenset(range(count))


# --- Text ---------------------------------------------------------------------------------


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary_text(tasks: int, workers: int | None, usable: int, cpus: int,
                 stopped_by: str | None = None) -> str:
    """The view's one-line text form: counts only, never times, so it compares strictly.

    ``<live view: 8 tasks on 2 workers, 2 of 2 CPUs usable>``, or, when the block
    ended with an exception (how many tasks finished by then varies from run to run),
    ``<live view: stopped by ZeroDivisionError, 2 workers, 2 of 2 CPUs usable>``.
    """
    tasks = whole_number(tasks, "tasks")
    if workers is not None:
        workers = whole_number(workers, "workers", least=1)
    cpus = whole_number(cpus, "cpus", least=1)
    usable = whole_number(usable, "usable", most=cpus)
    if stopped_by is not None:
        stopped_by = text(stopped_by, "stopped_by", example="'KeyboardInterrupt'")
    cores = f"{usable} of {_plural(cpus, 'CPU')} usable"
    pool = _plural(workers, "worker") if workers is not None else "a pool"
    if stopped_by:
        return f"<live view: stopped by {stopped_by}, {pool}, {cores}>"
    return f"<live view: {_plural(tasks, 'task')} on {pool}, {cores}>"


# --- The live panels (SVG in one ipywidgets.HTML) -----------------------------------------


def _nice_step(span: float, ticks: int = 5) -> float:
    """A 1-2-5 step that cuts ``span`` into about ``ticks`` parts."""
    raw = max(span, 1e-9) / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def cores_svg(busy: Sequence[float], usable: frozenset[int], height: int = 150) -> str:
    """One bar per CPU, its height the busy share; usable CPUs blue, the others grey."""
    busy = list_of(busy, "busy", item=fraction, what="busy shares (from 0 to 1)",
                   example="[0.5, 1.0]")
    cpus = list_of(usable, "usable", what="CPU numbers", example="{0, 1}")
    if not all(is_whole_number(cpu) and cpu >= 0 for cpu in cpus):
        error = ValueError if all(is_whole_number(cpu) for cpu in cpus) else TypeError
        raise error(f"usable must hold CPU numbers, whole numbers from 0 such as {{0, 1}}, not "
                    f"{describe(usable)}.")
    usable = frozenset(cpus)
    height = whole_number(height, "height", least=40)
    count = max(1, len(busy))
    bar = max(3.0, min(22.0, 520 / count))
    width, top, base = int(36 + count * bar * 1.3), 16, height - 20
    parts = [f'<svg width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg" '
             'font-family="sans-serif" font-size="10">',
             f'<text x="0" y="{top + 4}">100%</text><text x="0" y="{base}">0%</text>']
    for cpu, share in enumerate(busy):
        x, color = 32 + cpu * bar * 1.3, _USABLE_COLOR if cpu in usable else _OTHER_COLOR
        filled = (base - top) * share
        parts.append(f'<rect x="{x:.1f}" y="{top}" width="{bar:.1f}" height="{base - top}" '
                     f'fill="#eeeeee"/><rect x="{x:.1f}" y="{base - filled:.1f}" '
                     f'width="{bar:.1f}" height="{filled:.1f}" fill="{color}">'
                     f'<title>CPU {cpu}: {share:.0%}</title></rect>')
        if count <= 32 or cpu % math.ceil(count / 16) == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 6}" '
                         f'text-anchor="middle">{cpu}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _spans(records: Sequence[TaskRecord], origin: float, scale: float,
           ) -> dict[str, list[tuple[float, float, Any]]]:
    """Each worker's task bars in pixels. A bar under 2 pixels wide that starts within a
    pixel of the one before joins it: thousands of tiny tasks make a few wide bars."""
    spans: dict[str, list[tuple[float, float, Any]]] = {}
    for record in sorted(records, key=lambda r: r.start):
        x0, x1 = (record.start - origin) * scale, (record.end - origin) * scale
        row = spans.setdefault(record.worker, [])
        if row and x1 - x0 < 2.0 and x0 - row[-1][1] < 1.0:
            row[-1] = (row[-1][0], max(row[-1][1], x1), None)
        else:
            row.append((x0, x1, record.task))
    return spans


def tasks_svg(records: Sequence[TaskRecord], now: float, width: int = 560) -> str:
    """The timeline so far: one row per worker, one bar per finished task."""
    if not (isinstance(records, (list, tuple)) and not records):  # none yet: waiting
        records = task_records(records)
    now = number(now, "now", unit="seconds")
    width = whole_number(width, "width", least=100)
    if not records:
        return (f'<svg width="{width}" height="40" xmlns="http://www.w3.org/2000/svg" '
                'font-family="sans-serif" font-size="11"><text x="0" y="24" fill="#555">'
                'waiting for the first task to finish...</text></svg>')
    labels = worker_labels(records)
    rows = sorted(labels, key=lambda w: int(labels[w].split()[-1]))
    origin = min(r.start for r in records)
    span = max(now, max(r.end for r in records)) - origin
    plot, left = width - 70, 62
    row_height = 22 if len(rows) <= 16 else max(6, 352 // len(rows))
    height = 30 + row_height * len(rows)
    scale = plot / max(span, 1e-6)
    parts = [f'<svg width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg" '
             'font-family="sans-serif" font-size="11">']
    step = _nice_step(span)
    for i in range(int(span / step) + 1):
        x = left + i * step * scale
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="0" y2="{height - 18}" '
                     f'stroke="#dddddd"/><text x="{x:.1f}" y="{height - 5}" '
                     f'text-anchor="middle">{i * step:g} s</text>')
    spans = _spans(records, origin, scale)
    for r, worker in enumerate(rows):
        bars = spans[worker]
        y = 4 + r * row_height
        parts.append(f'<text x="0" y="{y + 14}">{html.escape(labels[worker])}</text>')
        for k, (x0, x1, task) in enumerate(bars):
            tip = "" if task is None else f"<title>{html.escape(repr(task)[:60])}</title>"
            parts.append(f'<rect x="{left + x0:.1f}" y="{y}" width="{max(x1 - x0, 1.0):.1f}" '
                         f'height="{row_height - 6}" fill="{_TASK_COLORS[k % 2]}">{tip}</rect>')
    parts.append("</svg>")
    return "".join(parts)


def panel_html(title: str, cores: str, tasks: str, status: str) -> str:
    """The two panels side by side, a title above and a status line below."""
    title = text(title, "title", example="'Squares'")
    status = text(status, "status", example="'2 tasks done'")
    cores, tasks = text(cores, "cores", example="cores_svg(...)"), text(
        tasks, "tasks", example="tasks_svg(...)")
    head = f"<b>{html.escape(title)}</b><br>" if title else ""
    return (f'<div style="font-family:sans-serif;font-size:12px">{head}'
            '<div style="display:flex;gap:24px;align-items:flex-start">'
            f"<div><b>Cores</b> (busy share)<br>{cores}</div>"
            f"<div><b>Tasks</b> (as they finish)<br>{tasks}</div></div>"
            f'<div style="color:#555">{html.escape(status)}</div></div>')


class _WidgetPanel:
    """The live panels: one ``ipywidgets.HTML`` holding the SVGs, displayed with an id."""

    def __init__(self, show: bool = True) -> None:
        import ipywidgets

        self.widget = ipywidgets.HTML(value="")
        self.handle: Any = None
        if show:
            from IPython.display import display

            # Only the widget's MIME type, no text/plain: nbval skips this one and compares
            # the final text instead (it never sees the update that replaces the widget).
            bundle = {_WIDGET_MIME: {"version_major": 2, "version_minor": 0,
                                     "model_id": self.widget.model_id}}
            self.handle = display(bundle, raw=True, display_id=True)

    def update(self, value: str) -> None:
        self.widget.value = value

    def finish(self, png: bytes | None, summary: str) -> None:
        """Replace the widget in place by the picture; show the summary line below it."""
        if self.handle is not None:
            from IPython.display import display

            data = {"image/png": base64.b64encode(png).decode("ascii")} if png else {}
            self.handle.update(data, raw=True)
            display({"text/plain": summary}, raw=True)
        self.widget.value = ""
        self.widget.close()


def _in_kernel() -> bool:
    """Whether this runs in a Jupyter kernel (where a frontend may show widgets)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


# --- Reading the workers' records ---------------------------------------------------------


class _Reader:
    """Reads the lines the workers appended since the last read, file by file."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._offsets: dict[str, int] = {}

    def read_new(self) -> list[tuple[int, float, float, str]]:
        rows: list[tuple[int, float, float, str]] = []
        try:
            entries = [e for e in os.scandir(self.folder) if e.name.endswith(".log")]
        except OSError:
            return rows
        for entry in entries:
            rows.extend(self._read_file(entry))
        return rows

    def _read_file(self, entry: os.DirEntry[str]) -> list[tuple[int, float, float, str]]:
        offset = self._offsets.get(entry.name, 0)
        try:
            if entry.stat().st_size <= offset:
                return []
            with open(entry.path, "rb") as file:
                file.seek(offset)
                data = file.read()
        except OSError:
            return []
        complete = data.rfind(b"\n") + 1  # a line still being written waits for next time
        self._offsets[entry.name] = offset + complete
        return [row for line in data[:complete].splitlines() if (row := _parse(line))]


def _parse(line: bytes) -> tuple[int, float, float, str] | None:
    try:
        seq, start, end, worker = line.decode().split("\t", 3)
        return int(seq), float(start), float(end), worker
    except ValueError:
        return None


# --- The view -----------------------------------------------------------------------------


class LiveView:
    """Records (and, in a notebook, shows live) the cores' load and the tasks of one pool.

    Make it with :func:`live_view`. After the block:

    Attributes:
        records: a :class:`~helpers.instruments.timeline.TaskRecord` per task that
            finished inside the block, by start time. ``task`` is the item (``map``,
            ``imap``...), the argument tuple (``starmap``), or for ``apply_async`` and
            ``submit`` the single argument, or the tuple of them if there are several.
            ``result`` is ``None``: the result went to your code, untouched.
        cpu_samples: a :class:`CpuSample` per update, and one for the whole block last.
        mean_busy: each CPU's busy share over the whole block (0 to 1).
        usable: the CPUs this process may use (numbers from 0).
        cpus: how many CPUs the machine has.
        workers: how many workers the pool has.
        stopped_by: the name of the exception that ended the block, or ``None``.
    """

    def __init__(self, pool: Any, interval: float = DEFAULT_INTERVAL, title: str = "",
                 label: Callable[[Any], str] | None = str, live: bool = True) -> None:
        self.method = _check_pool(pool)
        self.pool = pool
        self.interval = number(interval, "interval", least=MIN_INTERVAL, most=MAX_INTERVAL,
                               unit="seconds")
        self.title = text(title, "title", example="'Squares'")
        self.label = label if label is None else function(label, "label")
        self.live = instance(live, "live", bool, "True or False")
        self.workers = _pool_size(pool)
        self.records: list[TaskRecord] = []
        self.cpu_samples: list[CpuSample] = []
        self.mean_busy: tuple[float, ...] = ()
        self.usable: frozenset[int] = frozenset()
        self.cpus = 0
        self.stopped_by: str | None = None
        self._state = "new"
        self._tasks: dict[int, Any] = {}
        self._seq = itertools.count()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._panel: _WidgetPanel | None = None
        self._saved: dict[str, Any] = {}
        self._folder = ""
        self._png: bytes | None = None

    # -- text and pictures --

    @property
    def summary(self) -> str:
        """The one-line text form (see :func:`summary_text`)."""
        if self._state != "closed":
            return f"<live view: {'running' if self._state == 'open' else 'not started'}>"
        return summary_text(len(self.records), self.workers, len(self.usable), self.cpus,
                            self.stopped_by)

    def __repr__(self) -> str:
        return self.summary

    def figure(self) -> Any:
        """The static picture of the run: mean busy share per CPU, and the timeline."""
        from matplotlib.figure import Figure

        from helpers.instruments.timeline import plot_timeline

        rows = len({r.worker for r in self.records}) or 1
        fig = Figure(figsize=(10, max(2.8, 1.3 + 0.45 * min(rows, 16) + 0.1 * max(rows - 16, 0))),
                     layout="constrained")
        cores_ax, tasks_ax = fig.subplots(1, 2, width_ratios=[1, 3])
        _plot_cores(cores_ax, self.mean_busy, self.usable)
        if self.records:
            plot_timeline(self.records, ax=tasks_ax, title="Tasks", label=self.label)
        else:
            tasks_ax.set_title("Tasks")
            tasks_ax.text(0.5, 0.5, "no task finished inside the block", ha="center",
                          va="center", transform=tasks_ax.transAxes)
            tasks_ax.set_axis_off()
        if self.title:
            fig.suptitle(self.title)
        return fig

    def _repr_png_(self) -> bytes | None:
        if self._state != "closed":
            return None
        if self._png is None:
            self._png = _to_png(self.figure())
        return self._png

    # -- the block --

    def __enter__(self) -> LiveView:
        if self._state != "new":
            raise RuntimeError("a live view watches one block only: make a new one with "
                               "live_view(pool) for the next block.")
        if any(name in vars(self.pool) for name in self._method_names()):
            raise RuntimeError("this pool already has a live view open: use one view per pool, "
                               "and start the next one after that view's with block.")
        import psutil

        self._times0 = self._times = psutil.cpu_times(percpu=True)
        self._cpu_times = psutil.cpu_times
        self.cpus = len(self._times0)
        self.usable = usable_cpu_ids(self.cpus)
        self._t0 = time.perf_counter()
        self._folder = tempfile.mkdtemp(prefix=FOLDER_PREFIX)
        self._channel = _Channel(self._folder, os.getpid())
        self._reader = _Reader(self._folder)
        self._state = "open"
        try:
            self._panel = self._make_panel()
            self._patch()
            self._thread = threading.Thread(target=self._loop, name=THREAD_NAME, daemon=True)
            self._thread.start()
        except BaseException:
            self._close(sys.exc_info()[0])
            if self._panel is not None:
                with contextlib.suppress(Exception):
                    self._panel.finish(None, self.summary)
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: Any) -> None:
        self._close(exc_type)
        try:
            self._show_final()
        except Exception:
            if exc_type is None:
                raise

    def _close(self, exc_type: type[BaseException] | None) -> None:
        """Restore the pool, stop the thread, read the last records, remove the folder."""
        self.stopped_by = exc_type.__name__ if exc_type is not None else None
        try:
            self._unpatch()
        finally:
            try:
                self._stop.set()
                if self._thread is not None:
                    self._thread.join()
            finally:
                try:
                    with self._lock:
                        self._collect()
                        self._sample(final=True)
                finally:
                    _remove_folder(self._folder)
                    self._state = "closed"
        self.records.sort(key=lambda r: (r.start, r.end))

    def _show_final(self) -> None:
        if self._panel is None:
            if self.live and _in_kernel():  # live panels were off: show the result anyway
                from IPython.display import display

                display(self)
            return
        panel, self._panel = self._panel, None
        panel.finish(self._repr_png_() if panel.handle is not None else None, self.summary)

    def _make_panel(self) -> _WidgetPanel | None:
        """The live panels, when running in a Jupyter kernel (overridden by the benchmark)."""
        return _WidgetPanel() if self.live and _in_kernel() else None

    # -- the thread --

    def _loop(self) -> None:
        panel = self._panel
        while not self._stop.wait(self.interval):
            with self._lock:
                self._collect()
                self._sample()
                if panel is not None:
                    try:
                        panel.update(self._html())
                    except Exception:  # the frontend went away: keep recording, stop drawing
                        panel = None

    def _collect(self) -> None:
        for seq, start, end, worker in self._reader.read_new():
            task = self._tasks.pop(seq, seq)
            self.records.append(TaskRecord(task=task, worker=worker, start=start, end=end,
                                           result=None))

    def _sample(self, final: bool = False) -> None:
        now = self._cpu_times(percpu=True)
        at = time.perf_counter() - self._t0
        if final:
            self.mean_busy = _busy_shares(self._times0, now)
            self.cpu_samples.append(CpuSample(at, self.mean_busy))
        else:
            self.cpu_samples.append(CpuSample(at, _busy_shares(self._times, now)))
        self._times = now

    def _html(self) -> str:
        busy = self.cpu_samples[-1].busy if self.cpu_samples else (0.0,) * self.cpus
        now = time.perf_counter()
        status = (f"{_plural(len(self.records), 'task')} done, {now - self._t0:.1f} s; "
                  f"{_plural(self.workers, 'worker') if self.workers else 'a pool'}, "
                  f"{len(self.usable)} of {_plural(self.cpus, 'CPU')} usable")
        return panel_html(self.title, cores_svg(busy, self.usable),
                          tasks_svg(self.records, now), status)

    # -- wrapping the pool's methods --

    def _method_names(self) -> tuple[str, ...]:
        from multiprocessing.pool import Pool

        return _POOL_METHODS if isinstance(self.pool, Pool) else _EXECUTOR_METHODS

    def _patch(self) -> None:
        names = self._method_names()
        originals = {name: getattr(self.pool, name) for name in names}
        wrappers = (self._pool_wrappers(originals) if names is _POOL_METHODS
                    else self._executor_wrappers(originals))
        for name, wrapper in wrappers.items():
            self._saved[name] = originals[name]
            setattr(self.pool, name, wrapper)

    def _unpatch(self) -> None:
        for name in self._saved:
            vars(self.pool).pop(name, None)
        self._saved.clear()

    def _check(self, func: Callable[..., Any]) -> None:
        """Refuse, before anything is sent, a function the workers could not import."""
        from helpers.instruments.pools import ensure_sendable_to

        ensure_sendable_to(self.pool, func)

    def _new_task(self, task: Any) -> int:
        seq = next(self._seq)
        self._tasks[seq] = task
        return seq

    def _tagged(self, items: Iterable[Any], label: Callable[[Any], Any] = lambda x: x,
                ) -> Iterator[tuple[int, Any]]:
        for item in items:
            yield self._new_task(label(item)), item

    def _pool_wrappers(self, originals: dict[str, Callable[..., Any]],
                       ) -> dict[str, Callable[..., Any]]:
        """``map`` and friends, and ``apply_async`` (which ``apply`` calls), wrapped."""
        def mapper(name: str, via: str, star: bool, lazy: bool) -> Callable[..., Any]:
            def method(func: Callable[..., Any], iterable: Iterable[Any], *args: Any,
                       **kwargs: Any) -> Any:
                self._check(func)
                tagged = self._tagged(iterable)
                wrapped = functools.partial(_run_tagged, self._channel, func, star)
                return originals[via](wrapped, tagged if lazy else list(tagged), *args, **kwargs)
            method.__name__ = method.__qualname__ = name
            return method

        def apply_async(func: Callable[..., Any], args: Iterable[Any] = (),
                        kwds: dict[str, Any] | None = None, *more: Any, **kwargs: Any) -> Any:
            self._check(func)
            args = tuple(args)
            seq = self._new_task(args[0] if len(args) == 1 else args)
            wrapped = functools.partial(_run_call, self._channel, func, seq)
            return originals["apply_async"](wrapped, args, kwds or {}, *more, **kwargs)

        return {"map": mapper("map", "map", False, False),
                "map_async": mapper("map_async", "map_async", False, False),
                "starmap": mapper("starmap", "map", True, False),
                "starmap_async": mapper("starmap_async", "map_async", True, False),
                "imap": mapper("imap", "imap", False, True),
                "imap_unordered": mapper("imap_unordered", "imap_unordered", False, True),
                "apply_async": apply_async}

    def _executor_wrappers(self, originals: dict[str, Callable[..., Any]],
                           ) -> dict[str, Callable[..., Any]]:
        """An executor's ``submit`` and ``map`` (whose own ``submit`` calls pass through)."""
        def submit(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
            if _is_recorded(fn):
                return originals["submit"](fn, *args, **kwargs)
            self._check(fn)
            seq = self._new_task(args[0] if len(args) == 1 else args)
            return originals["submit"](functools.partial(_run_call, self._channel, fn, seq),
                                       *args, **kwargs)

        def map(fn: Callable[..., Any], *iterables: Iterable[Any], **kwargs: Any) -> Any:
            self._check(fn)
            label = (lambda args: args[0]) if len(iterables) == 1 else (lambda args: args)
            tagged = self._tagged(zip(*iterables, strict=False), label)
            wrapped = functools.partial(_run_tagged, self._channel, fn, True)
            return originals["map"](wrapped, tagged, **kwargs)

        return {"submit": submit, "map": map}


def live_view(pool: Any, *, interval: float = DEFAULT_INTERVAL, title: str = "",
              label: Callable[[Any], str] | None = str, live: bool = True) -> LiveView:
    """Watch ``pool`` at work inside a ``with`` block: its cores and its tasks, live.

        with Pool(2) as pool, live_view(pool) as view:
            results = pool.map(f, items)
        view.records        # a TaskRecord per task, as helpers.instruments.timeline draws

    Args:
        pool: a ``multiprocessing.Pool`` or ``multiprocessing.pool.ThreadPool``, or a
            ``concurrent.futures.ProcessPoolExecutor`` or ``ThreadPoolExecutor``,
            already started. Its workers may use any start method.
        interval: seconds between two updates of the panels, from ``MIN_INTERVAL``
            (0.1) to ``MAX_INTERVAL`` (10).
        title: shown above the panels and the final picture.
        label: turns a task into the text on its bar in the final picture, as for
            ``plot_timeline`` (``None``: no text; many tasks get none anyway).
        live: ``False`` records and shows only the final picture.

    Returns:
        A :class:`LiveView`, the context manager; its attributes hold the run afterwards.

    Raises:
        TypeError: ``pool`` is not one of the pools above.
        ValueError: ``interval`` is out of range.

    Inside the block, a function the workers could not import (defined in the notebook,
    under spawn or forkserver; a lambda) is refused with a ``TypeError`` before anything
    is sent (``helpers.instruments.pools.ensure_sendable``), instead of a pool that hangs.
    """
    return LiveView(pool, interval=interval, title=title, label=label, live=live)


# --- Drawing the final picture, and cleaning up -------------------------------------------


def _plot_cores(ax: Any, busy: Sequence[float], usable: frozenset[int]) -> None:
    """Bars of each CPU's mean busy share, usable CPUs blue, the others grey."""
    colors = [_USABLE_COLOR if cpu in usable else _OTHER_COLOR for cpu in range(len(busy))]
    bars = ax.bar(range(len(busy)), [100 * share for share in busy], color=colors, width=0.7)
    if len(busy) <= 16:
        ax.bar_label(bars, fmt="%.0f%%", fontsize=8, padding=2)
    ax.set_ylim(0, 112)
    ax.set_yticks(range(0, 101, 25))
    ax.set_ylabel("busy (%)")
    ax.set_xlabel("CPU")
    step = max(1, math.ceil(len(busy) / 16))
    ax.set_xticks(range(0, len(busy), step))
    ax.set_title("Cores (mean busy share over the run)", fontsize=10, loc="left")
    if len(usable) < len(busy):
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(color=_USABLE_COLOR, label="usable"),
                           Patch(color=_OTHER_COLOR, label="not usable")],
                  loc="upper right", fontsize=8)


def _to_png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _remove_folder(folder: str) -> None:
    """Remove the records folder, even if a straggling worker writes into it meanwhile."""
    for _ in range(20):
        if not folder:
            return
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.exists(folder):
            return
        time.sleep(0.005)
