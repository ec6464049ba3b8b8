"""Dask machinery for notebook 09: a command-line cluster, and the timings it records.

Start a real scheduler and real workers, each a separate process, with the ``dask``
command-line tools, on this machine only (127.0.0.1, free ports), and stop them
for sure afterwards::

    from dask.distributed import Client
    from helpers.instruments.cluster import start_cli_cluster

    cli = start_cli_cluster(n_workers=2)        # dask scheduler + 2 x dask worker
    client = Client(cli.address, timeout=30)    # connect by address, as on a real cluster
    client.wait_for_workers(2, timeout=30)
    ...
    client.close()
    cli.close()                                 # also runs when the kernel exits

The processes are children of the process that starts them, in its process group,
so interrupting or killing the Jupyter kernel stops them too.

Also here: :func:`task_records` and :func:`plot_task_stream`, which turn the timings
that the cluster recorded (``get_task_stream``) into a timeline; :func:`leftover_processes`
and :func:`wait_for_file`, which wait a bounded time however busy the machine is.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from helpers.instruments.pools import leftover_children
from helpers.instruments.timeline import TaskRecord, plot_timeline
from helpers.instruments.validate import (
    list_of,
    mapping,
    path,
    positive_number,
    process_count,
    whole_number,
)

HOST = "127.0.0.1"
"""Every server here listens on the loopback address only: nothing outside this machine."""

START_TIMEOUT = 60.0
"""Seconds :func:`start_cli_cluster` waits for the scheduler before it gives up."""

IDLE_TIMEOUT = "1h"
"""A safety net: a scheduler with no work for this long closes itself (and its workers
follow within a minute), even if whoever started it died without closing it."""

STOP_TIMEOUT = 10.0
"""Seconds :meth:`CliCluster.close` waits for a process to exit before it kills it."""


# --- A cluster started with the dask command-line tools -------------------------------


def _dask_command(*args: str) -> list[str]:
    """``python -m dask ...`` with this interpreter: the same environment as the kernel."""
    return [sys.executable, "-m", "dask", *args]


def _shown(command: Sequence[str]) -> str:
    """The command as one would type it: ``dask scheduler ...``."""
    return shlex.join(["dask", *command[3:]])


@dataclass
class CliCluster:
    """A scheduler and workers, each a separate ``dask`` process. Close it when done.

    Attributes:
        address: the scheduler's address, ``tcp://127.0.0.1:<port>``: pass it to Client.
        dashboard_link: the scheduler's dashboard (served only if bokeh is installed).
        commands: the commands that were run, as you would type them in a terminal.
        folder: the temporary folder with the scheduler file and each process's log.
    """

    address: str
    dashboard_link: str
    commands: list[str]
    folder: Path
    _procs: list[subprocess.Popen] = field(default_factory=list, repr=False)
    _logs: list[Any] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._finalizer = weakref.finalize(self, _stop_all, self._procs, self._logs,
                                           str(self.folder))

    @property
    def pids(self) -> list[int]:
        """Process ids of the scheduler and the ``dask worker`` processes started."""
        return [p.pid for p in self._procs]

    def processes(self) -> list[psutil.Process]:
        """The cluster's processes that are still running, with their children (nannies
        start one worker process each)."""
        found: dict[int, psutil.Process] = {}
        for popen in self._procs:
            try:
                proc = psutil.Process(popen.pid)
                if popen.poll() is None:
                    found[proc.pid] = proc
                for child in proc.children(recursive=True):
                    found[child.pid] = child
            except psutil.NoSuchProcess:
                continue
        return [p for p in found.values() if _alive(p)]

    def log(self, which: int = 0, lines: int = 20) -> str:
        """The last ``lines`` lines of a process's log (0 = scheduler, 1.. = workers)."""
        which, lines = whole_number(which, "which"), whole_number(lines, "lines", least=1)
        path = self.folder / _log_name(which)
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

    def close(self) -> None:
        """Stop the workers and the scheduler: politely, then by force. Idempotent."""
        self._finalizer()

    def __enter__(self) -> CliCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _log_name(which: int) -> str:
    return "scheduler.log" if which == 0 else f"worker-{which}.log"


def _alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _stop_all(procs: list[subprocess.Popen], logs: list[Any], folder: str) -> None:
    """Stop ``procs``, reap every one, and kill any process they left behind.

    Never waits longer than a few ``STOP_TIMEOUT`` s."""
    family: list[psutil.Process] = []
    for popen in procs:
        try:
            family += psutil.Process(popen.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            pass
    # Workers first, all at once, then the scheduler: a worker whose scheduler has
    # already gone waits for it to come back before it gives up.
    for group in (procs[1:], procs[:1]):
        for popen in group:
            if popen.poll() is None:
                popen.terminate()
        for popen in group:
            try:
                popen.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                popen.kill()
                popen.wait(STOP_TIMEOUT)
    _, alive = psutil.wait_procs(family, timeout=STOP_TIMEOUT)
    for proc in alive:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=STOP_TIMEOUT)
    procs.clear()
    for log in logs:
        log.close()
    logs.clear()
    shutil.rmtree(folder, ignore_errors=True)


def _start_logged(command: list[str], log_path: Path, logs: list[Any],
           procs: list[subprocess.Popen]) -> subprocess.Popen:
    log = open(log_path, "wb")  # noqa: SIM115 - closed by _stop_all
    logs.append(log)
    # Dask's scratch space goes in the cluster's own folder, which close() removes.
    env = {**os.environ, "DASK_TEMPORARY_DIRECTORY": str(log_path.parent)}
    popen = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log,
                             stderr=subprocess.STDOUT, cwd=log_path.parent, env=env)
    procs.append(popen)
    return popen


_PORT_IN_USE = ("address already in use", "only one usage of each socket address")


def _wait_for_scheduler_file(path: Path, scheduler: subprocess.Popen, timeout: float,
                             log_path: Path, address: str) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if scheduler.poll() is not None:
            log = log_path.read_text(errors="replace")
            if any(text in log.lower() for text in _PORT_IN_USE):
                raise RuntimeError(
                    f"dask scheduler could not listen on {address}: that port is already in "
                    "use, probably by another scheduler (one started in another notebook, "
                    "or left over). Pass port=0 to use a free port, or stop the other "
                    f"program: `lsof -i :{address.rsplit(':', 1)[-1]}` (Linux, macOS) names it.")
            tail = "\n".join(log.splitlines()[-15:])
            raise RuntimeError(f"dask scheduler exited with status {scheduler.returncode} "
                               f"before it was ready. Its log ends with:\n{tail}")
        try:
            info = json.loads(path.read_text())
            if info.get("address"):
                return info
        except (FileNotFoundError, json.JSONDecodeError):
            pass
        time.sleep(0.05)
    raise TimeoutError(f"dask scheduler did not start within {timeout:g} s. Is the machine "
                       "very busy? Try again, or pass a larger timeout.")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now (the system picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_cli_cluster(n_workers: int = 2, nthreads: int = 1, port: int = 0,
                      nanny: bool = True, timeout: float = START_TIMEOUT) -> CliCluster:
    """Start ``dask scheduler`` and ``n_workers`` x ``dask worker`` as separate processes.

    Everything listens on 127.0.0.1. ``port=0`` picks a free port (give a number to
    choose one, e.g. Dask's usual 8786). The workers start at the same time as the
    scheduler and connect as soon as it listens: this returns once the scheduler is
    ready, and ``client.wait_for_workers(n)`` waits for the workers. With ``nanny=True``
    (Dask's default) each ``dask worker`` is a small *nanny* process that starts the
    real worker process, and starts a new one if it dies.

    If the scheduler fails to start, everything started is stopped and the error says
    why (a port already in use, say). Close the returned :class:`CliCluster` when done:
    it is also closed when it is garbage-collected or when Python exits.
    """
    n_workers = process_count(n_workers, "n_workers", least=0)
    nthreads = whole_number(nthreads, "nthreads", least=1, most=256)
    port = whole_number(port, "port", least=0, most=65535)
    timeout = positive_number(timeout, "timeout", unit="seconds")
    folder = Path(tempfile.mkdtemp(prefix="mp-course-dask-"))
    procs: list[subprocess.Popen] = []
    logs: list[Any] = []
    try:
        address = f"tcp://{HOST}:{port or free_port()}"
        scheduler_file = folder / "scheduler.json"
        command = _dask_command("scheduler", "--host", HOST, "--port", address.rsplit(":", 1)[-1],
                                "--dashboard-address", f"{HOST}:0",
                                "--scheduler-file", scheduler_file.name,
                                "--idle-timeout", IDLE_TIMEOUT)
        commands = [_shown(command)]
        scheduler = _start_logged(command, folder / _log_name(0), logs, procs)
        for i in range(1, n_workers + 1):
            command = _dask_command("worker", address, "--host", HOST,
                                    "--nthreads", str(nthreads), "--no-dashboard",
                                    *([] if nanny else ["--no-nanny"]),
                                    "--death-timeout", "60s")
            commands.append(_shown(command))
            _start_logged(command, folder / _log_name(i), logs, procs)
        info = _wait_for_scheduler_file(scheduler_file, scheduler, float(timeout),
                                        folder / _log_name(0), address)
    except BaseException:
        _stop_all(procs, logs, str(folder))
        raise
    dashboard_port = info.get("services", {}).get("dashboard")
    dashboard = f"http://{HOST}:{dashboard_port}/status" if dashboard_port else ""
    return CliCluster(address=info["address"], dashboard_link=dashboard, commands=commands,
                      folder=folder, _procs=procs, _logs=logs)


def leftover_processes(timeout: float = 10.0) -> list[psutil.Process]:
    """Running descendants of this process, except multiprocessing's own helpers (the
    resource tracker and the forkserver): what a finished notebook should not have.

    Processes that are still exiting (a closed cluster's workers, on a busy machine)
    get up to ``timeout`` seconds to go; whatever still runs then is returned.
    """
    timeout = positive_number(timeout, "timeout", allow_zero=True, unit="seconds")
    deadline = time.monotonic() + timeout
    while (left := leftover_children(zombies=False)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def wait_for_file(file: str | Path, timeout: float = 60.0) -> bool:
    """Wait until ``file`` exists; True if it does within ``timeout`` seconds.

    Notebook 09 uses it to see that :func:`helpers.cluster.die_once` has killed a
    worker (its marker file appears just before), however busy the machine is.
    """
    file = path(file, "file")
    timeout = positive_number(timeout, "timeout", allow_zero=True, unit="seconds")
    deadline = time.monotonic() + timeout
    while not file.exists():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


# --- Timings that the cluster recorded ------------------------------------------------


def task_records(task_stream: Iterable[Mapping[str, Any]]) -> list[TaskRecord]:
    """Turn the records of ``dask.distributed.get_task_stream`` into TaskRecords.

    Each entry has the task's ``key``, the ``worker`` that ran it and ``startstops``:
    one ``{"action": "compute", "start": ..., "stop": ...}`` per computation (plus
    transfers, which are skipped). Times are seconds since 1970 on the scheduler's
    clock: each worker adds its current estimate of how far its clock is from the
    scheduler's, so bars of one worker may overlap slightly.
    """
    records = []
    for i, entry in enumerate(list_of(task_stream, "task_stream", what="task records")):
        entry = mapping(entry, f"task_stream[{i}]", example="{'key': ..., 'startstops': ...}")
        try:
            for span in entry.get("startstops", ()):
                if span.get("action") == "compute":
                    records.append(TaskRecord(task=entry["key"], worker=str(entry["worker"]),
                                              start=float(span["start"]),
                                              end=float(span["stop"]), result=None))
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise ValueError(f"task_stream[{i}] is not a record of get_task_stream ({error!r} "
                             "is wrong or missing): pass stream.data from `with "
                             "get_task_stream(client) as stream:`.") from None
    return sorted(records, key=lambda r: r.start)


_GENERATED = re.compile(r"-(?:[0-9a-f]{16,}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}(?:-\d+)?)$")


def key_label(key: Any) -> str:
    """A short label for a Dask key: ``"row-12"`` stays, ``"square-3f2a..."`` (a hash or a
    uuid that Dask added) gives ``"square"``."""
    text = str(key[0]) if isinstance(key, tuple) and key else str(key)
    return _GENERATED.sub("", text) or text


def plot_task_stream(task_stream: Iterable[Mapping[str, Any]], title: str = "",
                     ax: Any = None) -> Any:
    """Draw what each Dask worker computed, and when (one bar per task).

    Bars are labelled with their key when there are at most 12 of them.
    """
    records = task_records(task_stream)
    if not records:
        raise ValueError(f"task_stream holds no task that computed ({task_stream!r}): run "
                         "some tasks inside `with get_task_stream(client) as stream:` first, "
                         "then pass stream.data.")
    labels = key_label if len(records) <= 12 else (lambda key: "")
    return plot_timeline(records, ax=ax, title=title, label=labels)


def summarize_task_stream(task_stream: Iterable[Mapping[str, Any]]) -> str:
    """``"N tasks on W workers, compute time T s"``: a one-line summary of the stream."""
    records = task_records(task_stream)
    workers = {r.worker for r in records}
    busy = sum(r.duration for r in records)
    return (f"{len(records)} tasks on {len(workers)} worker{'s' * (len(workers) != 1)}, "
            f"compute time {busy:.2f} s")
