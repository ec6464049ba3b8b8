"""Call every public callable in ``helpers`` with bad inputs, each call in a fresh process.

    python -m tools.bad_inputs [--timeout 10] [--json out.json] [--jobs 3] [--only TEXT]
                               [--method spawn] [--controls]

A maintainers' tool (issue 14: "safe under any input"). For every public callable of
every module in ``helpers``, ``helpers.instruments`` and ``helpers.checks`` (public: no
leading underscore, defined in that module), and a few methods learners call
(``RunControl.run``, ``Workload.run_in``, ``TransferFit.predict``, ``CliCluster.log``),
:data:`SPECS` gives a valid call and, per parameter, a *kind* (a whole number, a process
count, seconds, a fraction, a list of numbers, a function, a start method, a file to
read, a queue, a checker's answer...). Each kind has a battery of bad values
(:data:`BATTERIES`): ``None``, a string where a number or list is expected, a single
record where a list is expected, NaN, inf, -1, 0, huge counts, floats for whole
numbers, wrong containers, a function defined in ``__main__`` (as a notebook defines
it) under *spawn*, a lambda, a context object where a start method's name is expected,
malformed CSV files (a truncated row, a BOM, ';' separators, a binary file), missing
paths. Specs add special cases (``extra``), such as the issue's.

Each call runs in a new Python process (``python -c``, so its ``__main__`` is as bare
as a notebook kernel's), whose default start method is ``--method`` (spawn). That
process builds the values itself (pools, queues, files), calls the target once with
one bad value and valid values for the rest, then checks what it left behind, and
writes its findings as JSON. The parent classifies every call:

``clear``
    It raised, and the error is the course's own, well phrased:

    1. its type is one the course raises on purpose (``TypeError``, ``ValueError``,
       ``FileNotFoundError``, ``RuntimeError``, ``TimeoutError``,
       ``NotImplementedError``, and the workspace's ``WorkspaceError`` family; for
       checkers only ``NotYet`` / ``NotAttempted``);
    2. a ``raise`` statement in ``helpers/`` raised it: the innermost traceback frame is
       in ``helpers/`` (not numpy, matplotlib, the standard library), at a line that
       starts with ``raise`` (not a C function called from a line of ours);
    3. the message names the parameter (as a word: ``workers``, ``work_data[1]``);
    4. the message says what it got: the bad value's repr (its first 12 characters),
       str, type name, ``:g`` form, a path's file name, or a function's name;
    5. the message says what to do: it has a directive word (must, should, pass, use,
       give, put, run, set, try, check, call, define, start, write, ...).

    For a *situation* case (all arguments valid, the call is wrong where it is made,
    e.g. ``pinned_counts(1)`` in the kernel) rules 3 and 4 do not apply. For a checker
    (``check_*``) rules 3-5 are replaced by: every printed line starts with "Correct!",
    "Not yet" or "Not attempted yet", and nothing printed or raised contains the
    expected answer (the spec's ``secrets``).
``accepted``
    It returned, for a value the function may accept (marked ``~`` in a battery, or
    listed in the spec's ``accept``), and the result passed the sanity rules. Fine.
``unclear``
    It raised anything else: ``AttributeError``, ``KeyError``, ``ZeroDivisionError``, an
    error from inside numpy or matplotlib, a message missing 3, 4 or 5, a checker raising
    anything but its own ``AssertionError`` subclasses, or the process died.
``wrong``
    It returned for a value it must refuse, or its result broke the sanity rules (NaN or
    inf anywhere in it, the spec's own rule), or a checker printed "Correct!" for a wrong
    answer, or the call changed the process for good (``sys.stderr``, fd 2, the CPU
    affinity, the default start method, the working folder), or it tried to start more
    than :data:`PROCESS_GUARD` processes.
``hang``
    The call had not returned after ``--timeout`` seconds (times the spec's ``slow``).
``leftover``
    After the call (and the harness's own clean-up) the process still had a child
    process (``helpers.instruments.pools.leftover_children``), an extra thread, an extra
    open file descriptor, a new temporary file, a shared memory block the call created,
    or the resource tracker reported a leak.

The report prints the counts per class, examples of clear messages, and every case
that is not clear or accepted; ``--json`` saves every case.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("helpers", "helpers.instruments", "helpers.checks")

PROCESS_GUARD = 64
"""A call that starts more processes than this is stopped and counted as ``wrong``."""

MEMORY_GUARD = 8 * 2**30
"""Address-space limit of each calling process, so a huge size fails instead of swapping."""

SETUP_TIMEOUT = 90.0
"""Seconds a calling process may take to import and build its values."""

CHECK_TIMEOUT = 30.0
"""Seconds it may take, after the call, to look for leftovers and exit."""

ALLOWED = {"TypeError", "ValueError", "FileNotFoundError", "RuntimeError", "TimeoutError",
           "NotImplementedError",
           # helpers.instruments.workspace's own (course.py prints them as one line):
           "WorkspaceError", "NotWritable", "UnknownNotebook", "Unreadable"}
CHECK_ERRORS = {"NotYet", "NotAttempted"}
CHECK_PREFIXES = ("Correct!", "Not yet", "Not attempted yet")
DIRECTIVE = re.compile(
    r"\b(must|should|pass|use|give|put|run|set|try|check|call|define|start|write|leave|"
    r"wrap|create|save|import|measure|raise|choose|pick|restart|say|keep|make|read|"
    r"rerun|add|take|compare|divide|count|look|need|needs|only|expects?)\b", re.I)


# =========================================================================================
# The values: built inside the calling process, by name
# =========================================================================================

NOTEBOOK_SOURCES = {
    "NB_FUNC": "def notebook_square(x):\n    return x * x\n",
    "NB_MAIN": "def notebook_main(ctx, n_tasks, n_processes):\n    return []\n",
    "NB_FEED_FOREVER": "def feed_forever(tasks, items, n_consumers):\n    while True:\n"
                       "        pass\n",
    "NB_FEED_BLOCKS": "def feed_blocks(tasks, items, n_consumers):\n    tasks.get()\n",
    "NB_FEED_RAISES": "def feed_raises(tasks, items, n_consumers):\n    return 1 / 0\n",
    "NB_FEED_GOOD": "def feed_good(tasks, items, n_consumers):\n    for item in items:\n"
                    "        tasks.put(item)\n    for _ in range(n_consumers):\n"
                    "        tasks.put(None)\n",
}
"""Functions defined in ``__main__``, as a notebook cell defines them."""

SHOUT_OK = "def shout(text):\n    return text.upper() + '!'\n"
MODULE_BREAKS = {
    "MODULE_NAMEERROR": "shout = undefined_name\n",
    "MODULE_ZERODIV": "ratio = 1 / 0\n",
    "MODULE_SYNTAX": "def shout(:\n",
    "MODULE_NO_SHOUT": "def shut(text):\n    return text\n",
}
"""Learner modules that imported fine once, then were rewritten (check_shout reloads)."""


class Fixtures:
    """The names a case's expressions may use; each value is built on first use.

    Everything that starts a process or opens a resource registers its clean-up, run
    by :meth:`cleanup` before the harness looks for leftovers.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.cleanups: list[Callable[[], None]] = []
        self.values: dict[str, Any] = {"NAN": math.nan, "INF": math.inf}

    # --- eval() looks names up here ---
    def __getitem__(self, name: str) -> Any:
        if name not in self.values:
            if name in NOTEBOOK_SOURCES:
                self.values[name] = self._in_main(name)
            elif name in MODULE_BREAKS:
                self.values[name] = self._learner_module(name, MODULE_BREAKS[name])
            else:
                maker = getattr(self, "make_" + name.lower(), None)
                if maker is None:
                    import builtins

                    if hasattr(builtins, name):
                        return getattr(builtins, name)
                    raise KeyError(name)
                self.values[name] = maker()
        return self.values[name]

    def eval(self, expr: str) -> Any:
        return eval(expr, {"__builtins__": __builtins__}, self)  # noqa: S307

    def cleanup(self) -> None:
        for step in reversed(self.cleanups):
            try:
                step()
            except Exception:  # noqa: S112 - best effort, the leftover check reports the rest
                continue
        self.cleanups.clear()

    # --- helpers ---
    def _in_main(self, name: str) -> Any:
        main = sys.modules["__main__"]
        source = NOTEBOOK_SOURCES[name]
        exec(source, main.__dict__)  # noqa: S102 - a notebook cell does the same
        return main.__dict__[re.match(r"def (\w+)", source).group(1)]

    def _learner_module(self, name: str, broken: str | None) -> Any:
        import importlib

        sys.dont_write_bytecode = True
        module_name = "learner_" + name.lower()
        path = self.folder / f"{module_name}.py"
        path.write_text(SHOUT_OK)
        if str(self.folder) not in sys.path:
            sys.path.insert(0, str(self.folder))
        importlib.invalidate_caches()
        module = importlib.import_module(module_name)
        if broken is not None:
            path.write_text(broken)
            importlib.invalidate_caches()
        return module

    def _file(self, name: str, data: str | bytes) -> str:
        path = self.folder / name
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        return str(path)

    def _queue(self, items: list[Any], joinable: bool = False) -> Any:
        import multiprocessing

        q = multiprocessing.JoinableQueue() if joinable else multiprocessing.Queue()
        for item in items:
            q.put(item)
        if items:
            time.sleep(0.1)  # let the feeder thread write them

        def close() -> None:
            q.cancel_join_thread()
            q.close()

        self.cleanups.append(close)
        return q

    def _pipe_with(self, items: list[Any]) -> Any:
        import multiprocessing

        here, there = multiprocessing.Pipe()
        for item in items:
            here.send(item)
        self.cleanups.append(here.close)
        self.cleanups.append(there.close)
        self.values.setdefault("_pipes", []).append(here)
        return there

    # --- plain values ---
    def make_lambda(self) -> Any:
        return lambda x: x * x

    def make_square(self) -> Any:
        from helpers.pools import square

        return square

    def make_article_main(self) -> Any:
        from helpers.full_example import article_main

        return article_main

    def make_ctx(self) -> Any:
        import multiprocessing

        return multiprocessing.get_context("spawn")

    def make_folder(self) -> str:
        folder = self.folder / "a-folder"
        folder.mkdir(exist_ok=True)
        return str(folder)

    def make_empty_folder(self) -> str:
        folder = self.folder / "empty-folder"
        folder.mkdir(exist_ok=True)
        return str(folder)

    def make_missing(self) -> str:
        return str(self.folder / "missing.csv")

    def make_no_folder(self) -> str:
        return str(self.folder / "no" / "such" / "folder" / "out.txt")

    def make_marker(self) -> str:
        return str(self.folder / "died-marker")

    def make_text_file(self) -> str:
        return self._file("notes.txt", "some notes\nnot a table\n")

    def make_binary(self) -> str:
        return self._file("binary.csv", bytes(range(256)) * 8)

    # --- CSV files ---
    def make_csv_good(self) -> str:
        from helpers.instruments.results import save_results

        return str(save_results(self["MEASUREMENTS"], self.folder / "good", self["MACHINE"],
                                name="good.csv"))

    def _good_text(self) -> str:
        return Path(self["CSV_GOOD"]).read_text(encoding="utf-8")

    def make_csv_truncated(self) -> str:
        text = self._good_text().rstrip("\n")
        return self._file("truncated.csv", text[: len(text) - len(text.splitlines()[-1]) // 2])

    def make_csv_bom(self) -> str:
        return self._file("bom.csv", "\ufeff" + self._good_text())

    def make_csv_semicolon(self) -> str:
        return self._file("semicolon.csv", self._good_text().replace(",", ";"))

    def make_csv_binary(self) -> str:
        return self["BINARY"]

    def make_csv_empty(self) -> str:
        return self._file("empty.csv", "")

    def make_csv_other(self) -> str:
        return self._file("other.csv", "name,score\nada,3\n")

    def make_csv_nan(self) -> str:
        lines = self._good_text().splitlines()
        header = lines[0].split(",")
        row = lines[1].split(",")
        row[header.index("seconds")] = "nan"
        return self._file("nan.csv", "\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n")

    # --- write_block output ---
    def make_block_file(self) -> str:
        from helpers.locks import write_block

        path = str(self.folder / "blocks.txt")
        write_block(path, 1, blocks=2)
        return path

    def make_block_text(self) -> str:
        return Path(self["BLOCK_FILE"]).read_text(encoding="utf-8")

    def make_block_out(self) -> str:
        return str(self.folder / "blocks-out.txt")

    # --- queues, pipes, shared values ---
    def make_queue(self) -> Any:
        return self._queue([])

    def make_queue_red(self) -> Any:
        return self._queue(["red", None])

    def make_jqueue_red(self) -> Any:
        return self._queue(["red", None], joinable=True)

    def make_queue_tasks(self) -> Any:
        return self._queue(["Task no 0", "Task no 1"])

    def make_queue_tasks_sentinel(self) -> Any:
        return self._queue(["Task no 0", None])

    def make_queue_payloads(self) -> Any:
        return self._queue([b"ab", None])

    def make_pipe_red(self) -> Any:
        return self._pipe_with(["red", None])

    def make_pipe_payloads(self) -> Any:
        return self._pipe_with([b"ab", None])

    def make_value(self) -> Any:
        import multiprocessing

        return multiprocessing.Value("i", 0)

    def make_raw_value(self) -> Any:
        import multiprocessing

        return multiprocessing.RawValue("i", 0)

    def make_lock(self) -> Any:
        import multiprocessing

        return multiprocessing.Lock()

    def make_shm_name(self) -> str:
        from multiprocessing import shared_memory

        import numpy as np

        block = shared_memory.SharedMemory(create=True, size=64)
        np.ndarray((8,), dtype="<i8", buffer=block.buf)[:] = range(8)

        def close() -> None:
            block.close()
            block.unlink()

        self.cleanups.append(close)
        return block.name

    def make_array(self) -> Any:
        import numpy as np

        return np.arange(4)

    # --- pools and processes ---
    def make_pool(self) -> Any:
        import multiprocessing

        pool = multiprocessing.Pool(2)

        def stop() -> None:
            pool.terminate()
            pool.join()

        self.cleanups.append(stop)
        return pool

    def make_process_executor(self) -> Any:
        from concurrent.futures import ProcessPoolExecutor

        from helpers.pools import square

        executor = ProcessPoolExecutor(1)
        executor.submit(square, 2).result(timeout=60)  # its worker is up
        self.cleanups.append(lambda: executor.shutdown(wait=True, cancel_futures=True))
        return executor

    def make_closed_pool(self) -> Any:
        import multiprocessing

        pool = multiprocessing.Pool(1)
        pool.close()
        pool.join()
        return pool

    def make_thread_pool(self) -> Any:
        from multiprocessing.pool import ThreadPool

        pool = ThreadPool(2)

        def stop() -> None:
            pool.terminate()
            pool.join()

        self.cleanups.append(stop)
        return pool

    def _process(self, start: bool) -> Any:
        import multiprocessing

        from helpers.processes import sleep_for

        proc = multiprocessing.Process(target=sleep_for, args=(0,))
        if start:
            proc.start()
            proc.join()
        return proc

    def make_proc_unstarted(self) -> Any:
        return self._process(False)

    def make_proc_done(self) -> Any:
        return self._process(True)

    def make_procs_done3(self) -> list[Any]:
        return [self._process(True) for _ in range(3)]

    def make_psutil_proc(self) -> Any:
        import psutil

        return psutil.Process()

    # --- records and results ---
    def make_record(self) -> Any:
        from helpers.instruments.timeline import TaskRecord

        return TaskRecord("a", "ForkPoolWorker-1", 1.0, 2.0, None)

    def make_records(self) -> list[Any]:
        from helpers.instruments.timeline import TaskRecord

        return [self["RECORD"], TaskRecord("b", "ForkPoolWorker-2", 1.5, 3.0, None)]

    def make_measurement(self) -> Any:
        from helpers.instruments.measure import Measurement

        return Measurement("mandelbrot", "processes", 2, 1.0, 1.8, 3, "test")

    def make_measurements(self) -> list[Any]:
        from helpers.instruments.measure import Measurement

        return [Measurement("mandelbrot", kind, n, 1.8 / (0.9 * n) if n > 1 else 1.8, 1.8, 3,
                            "test") for kind in ("processes", "threads") for n in (1, 2, 4)]

    def make_machine(self) -> Any:
        from helpers.instruments.results import describe_machine

        return describe_machine("test machine")

    def make_saved_runs(self) -> list[Any]:
        from helpers.instruments.results import load_reference

        return load_reference()

    def make_saved_run(self) -> Any:
        return self["SAVED_RUNS"][0]

    def make_count_run(self) -> Any:
        from helpers.instruments.counting import CountRun

        return CountRun("no lock", 200, 180, 0.01)

    def make_workload(self) -> Any:
        from helpers.instruments.measure import sleep_workload

        return sleep_workload(4, 0.005)

    def make_workload_nb(self) -> Any:
        from helpers.instruments.measure import Workload

        return Workload("nb", self["NB_FUNC"], (1, 2, 3, 4))

    def make_workload_lambda(self) -> Any:
        from helpers.instruments.measure import Workload

        return Workload("lambda", self["LAMBDA"], (1, 2, 3, 4))

    def make_runcontrol(self) -> Any:
        from helpers.instruments.widgets import RunControl

        return RunControl(self["WORKLOAD"], usable=2)

    def make_runcontrol_nb(self) -> Any:
        from helpers.instruments.widgets import RunControl

        return RunControl(self["WORKLOAD_NB"], usable=2)

    def make_fit(self) -> Any:
        from helpers.instruments.transfer import TransferFit

        return TransferFit(50e-6, 1e-9)

    def make_fit_small_latency(self) -> Any:
        from helpers.instruments.transfer import TransferFit

        return TransferFit(1e-6, 1e-9)

    def make_fit_high_latency(self) -> Any:
        from helpers.instruments.transfer import TransferFit

        return TransferFit(0.05, 1e-9)

    def make_times(self) -> dict[int, float]:
        return {100: 50e-6, 10_000: 60e-6, 1_000_000: 1.05e-3}

    def make_task_stream(self) -> list[dict[str, Any]]:
        return [{"key": f"square-{i:016x}{i:016x}", "worker": f"tcp://127.0.0.1:{4000 + i % 2}",
                 "startstops": [{"action": "compute", "start": 1.0 + i, "stop": 1.5 + i}]}
                for i in range(3)]

    def make_image(self) -> list[list[int]]:
        from helpers.mandelbrot import mandelbrot_serial

        return mandelbrot_serial(8, 6, 20)

    def make_fig(self) -> Any:
        import matplotlib.pyplot as plt

        fig, _ = plt.subplots()
        return fig

    def make_image_widget(self) -> Any:
        import ipywidgets

        return ipywidgets.Image(format="png")

    def make_bar(self) -> Any:
        from ipywidgets import IntProgress

        return IntProgress()

    def make_fake_client(self) -> Any:
        class FakeClient:
            """Enough of dask's Client for gather_map: map, then gather, in this process."""

            def map(self, func: Callable, items: list, pure: bool = True) -> list:
                return [func(item) for item in items]

            def gather(self, futures: list) -> list:
                return list(futures)

        return FakeClient()

    def make_cli_fake(self) -> Any:
        from helpers.instruments.cluster import CliCluster

        folder = self.folder / "cli"
        folder.mkdir(exist_ok=True)
        (folder / "scheduler.log").write_text("line 1\nline 2\n")
        return CliCluster(address="tcp://127.0.0.1:9", dashboard_link="", commands=[],
                          folder=folder)

    def make_module_ok(self) -> Any:
        return self._learner_module("MODULE_OK", None)

    def make_module_main(self) -> Any:
        return sys.modules["__main__"]

    def make_task_names(self) -> list[str]:
        from helpers.full_example import make_tasks

        return make_tasks(7)

    def make_no_latency_answer(self) -> float:
        fit = self["FIT_SMALL_LATENCY"]
        return 0.020 / fit.seconds_per_byte

    # --- the live view ---
    def make_pool_maker(self) -> Any:
        import multiprocessing

        return multiprocessing.Pool  # not called: a learner's slip

    def make_shut_executor(self) -> Any:
        from concurrent.futures import ProcessPoolExecutor

        executor = ProcessPoolExecutor(1)
        executor.shutdown(wait=True)
        return executor

    def make_live_view(self) -> Any:
        from helpers.instruments.live import live_view

        return live_view

    # --- the learner's workspace: temporary copies of notebooks/, never the real ones ---
    def _repo(self, name: str, synced: bool = False) -> Path:
        root = self.folder / name
        shutil.copytree(ROOT / "notebooks", root / "notebooks",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "results"))
        if synced:
            from helpers.instruments.workspace import sync

            sync(root)
        return root

    def make_repo(self) -> str:
        return str(self._repo("repo"))

    def make_workspace(self) -> str:
        return str(self._repo("repo-synced", synced=True) / "workspace")

    def make_repo_ws_file(self) -> str:
        root = self._repo("repo-ws-file")
        (root / "workspace").write_text("a file where the workspace folder goes\n")
        return str(root)

    def make_repo_bad_copy(self) -> str:
        root = self._repo("repo-bad-copy", synced=True)
        (root / "workspace" / "03_queue.ipynb").write_text('{"cells": [', encoding="utf-8")
        return str(root)

    def make_repo_bad_manifest(self) -> str:
        root = self._repo("repo-bad-manifest", synced=True)
        (root / "workspace" / ".course.json").write_text("{", encoding="utf-8")
        return str(root)

    def make_repo_bad_course(self) -> str:
        root = self._repo("repo-bad-course")
        (root / "notebooks" / "05_full_example.ipynb").write_text('{"cells": [',
                                                                 encoding="utf-8")
        return str(root)

    def make_repo_nb_dir(self) -> str:
        root = self._repo("repo-nb-dir", synced=True)
        copy = root / "workspace" / "05_full_example.ipynb"
        copy.unlink()
        copy.mkdir()
        return str(root)

    def make_nb(self) -> Any:
        from helpers.instruments.workspace import read_notebook

        return read_notebook(Path(self["REPO"]) / "notebooks" / "05_full_example.ipynb")

    def make_answer_cell(self) -> Any:
        from helpers.instruments.workspace import is_answer

        return next(cell for cell in self["NB"]["cells"] if is_answer(cell))

    def _nb_with_answer(self, source: Any, **cell: Any) -> dict[str, Any]:
        import copy

        nb = copy.deepcopy(self["NB"])
        answer = next(c for c in nb["cells"] if c is not None and c.get("metadata", {}).get(
            "nbgrader", {}).get("solution"))
        answer["source"] = source
        answer.update(cell)
        return nb

    def make_nb_unclosed(self) -> Any:
        return self._nb_with_answer("n = ...\n### BEGIN SOLUTION\nn = 4\n")

    def make_nb_stray_end(self) -> Any:
        return self._nb_with_answer("n = 4\n### END SOLUTION\n")

    def make_nb_bad_source(self) -> Any:
        return self._nb_with_answer(None)

    def make_nb_bad_meta(self) -> Any:
        nb = self._nb_with_answer("n = 4")
        nb["cells"][0]["metadata"] = ["not", "a", "dict"]
        return nb

    def make_nb_no_version(self) -> Any:
        nb = dict(self["NB"])
        nb.pop("nbformat", None)
        nb.pop("nbformat_minor", None)
        return nb

    def make_nb_bad_json(self) -> str:
        return self._file("broken.ipynb", '{"cells": [')

    def make_nb_no_cells(self) -> str:
        return self._file("no-cells.ipynb", '{"metadata": {}}')

    def make_progress_row(self) -> Any:
        from helpers.instruments.workspace import progress

        return progress(self["WORKSPACE"])[0]

    def make_when(self) -> Any:
        import datetime

        return datetime.datetime(2026, 12, 2, 10, 12)


# =========================================================================================
# The specs: what a valid call looks like, and what each parameter is
# =========================================================================================

BATTERIES: dict[str, list[str]] = {
    # numbers
    "count": ["'3'", "2.5", "-1"],
    "procs": ["'4'", "0", "10_000"],
    "items": ["None", "2.5", "10**9"],
    "bytes": ["'100'", "-1", "10**13"],
    "seconds": ["'5'", "NAN", "-1"],
    "number": ["'3'", "NAN", "-1"],
    "real": ["None", "'3'", "NAN"],
    "fraction": ["'0.5'", "NAN", "90"],
    # choices
    "method": ["CTX", "'Spawn'", "3"],
    "ctx": ["'Spawn'", "3"],
    "choice": ["None", "'nonsense'"],
    "text": ["None", "3"],
    # functions
    "func": ["None", "LAMBDA", "NB_FUNC", "9"],
    "func_here": ["None", "9"],
    # collections
    "numbers": ["None", "'abc'", "5", "[NAN]"],
    "list": ["None", "'abc'", "5"],
    "records": ["None", "RECORD", "[1, 2]"],
    "measurements": ["None", "MEASUREMENT", "[1, 2]"],
    "saved_runs": ["SAVED_RUN", "[1, 2]"],
    "saved_run": ["None", "SAVED_RUNS", "3"],
    "times_map": ["None", "[1.0, 2.0]", "{100: NAN}", "{'a': 1.0}"],
    "task_stream": ["None", "TASK_STREAM[0]",
                    "[{'key': 'a', 'worker': 'w', 'startstops': [{'action': 'compute'}]}]"],
    # files
    "path_in": ["None", "MISSING", "BINARY"],
    "csv": ["None", "3", "MISSING", "FOLDER", "CSV_TRUNCATED", "~CSV_BOM", "CSV_SEMICOLON",
            "CSV_BINARY", "CSV_EMPTY", "CSV_OTHER", "CSV_NAN"],
    "path_out": ["None", "FOLDER", "NO_FOLDER"],
    # machinery
    "queue": ["None", "'tasks'"],
    "conn": ["None", "'conn'"],
    "pool": ["None", "CLOSED_POOL"],
    "process": ["None", "'proc'"],
    "counter": ["None", "'counter'"],
    "lock": ["'lock'"],
    "barrier": ["'go'"],
    "ax": ["'ax'"],
    # exercise answers
    "answer": ["Ellipsis", "None", "'abc'", "NAN", "[1, 2]"],
    # flags
    "flag": ["None", "'False'", "2"],
    # the learner's workspace
    "notebook": ["None", "'05_full_example.ipynb'", "{}", "{'cells': 'abc'}", "{'cells': [3]}"],
    "cell": ["None", "'x = 1'", "[1]"],
    "repo": ["None", "3", "MISSING", "FOLDER", "TEXT_FILE"],
    "folder": ["None", "3", "MISSING", "TEXT_FILE"],
    "when": ["None", "'2026-12-02 10:12'", "3"],
    "rows": ["None", "PROGRESS_ROW", "[1, 2]", "'abc'"],
}
"""Bad values per kind, as expressions over :class:`Fixtures`. A leading ``~`` marks a
value the function may accept (its result must then be sane)."""


@dataclass
class Spec:
    """One callable: its valid call, its parameters' kinds, and its special cases."""

    target: str
    """``module:name`` or ``module:Class.method``."""
    kinds: dict[str, str] = field(default_factory=dict)
    """Parameter -> key of :data:`BATTERIES`."""
    valid: dict[str, str] = field(default_factory=dict)
    """Parameter -> expression of a valid value (for required parameters, ``self``)."""
    more: dict[str, list[str]] = field(default_factory=dict)
    """Parameter -> extra bad values, beyond its kind's battery."""
    accept: dict[str, set[str]] = field(default_factory=dict)
    """Parameter -> battery values this function may accept."""
    extra: list[tuple[dict[str, str], str]] = field(default_factory=list)
    """Special cases: (arguments that replace the valid ones, what must happen): "reject"
    (a bad call), "accept" (a tricky but valid call), or "situation" (valid arguments,
    wrong place)."""
    slow: float = 1.0
    """Multiplies ``--timeout``."""
    enter: bool = False
    """The result is a context manager: enter it and leave it, as a ``with`` block does. A
    case's ``_inside`` argument (an expression; ``VIEW`` is what ``__enter__`` returned) is
    the block's body."""
    names: dict[str, str] = field(default_factory=dict)
    """Parameter -> the name its messages use instead (a validator's ``name`` argument)."""
    sane: Callable[[Any], str] | None = None
    """Result -> '' if sane, else what is wrong with it."""
    secrets: Callable[[Fixtures], list[str]] | None = None
    """(Checkers) texts that must never be printed: the expected answer."""
    allow_inf: bool = False


def S(target: str, **kinds: str) -> Spec:  # noqa: N802 - reads as a table
    return Spec(target, kinds=dict(kinds))


def _with(spec: Spec, **changes: Any) -> Spec:
    for key, value in changes.items():
        setattr(spec, key, value)
    return spec


def _is(kind: type | tuple[type, ...]) -> Callable[[Any], str]:
    return lambda r: "" if isinstance(r, kind) else f"returned {type(r).__name__}"


def _between(low: float, high: float) -> Callable[[Any], str]:
    return lambda r: "" if low <= r <= high else f"returned {r!r}, not from {low} to {high}"


def _checker(target: str, *params: str, **options: Any) -> Spec:
    spec = Spec(target, kinds={p: "answer" for p in params})
    return _with(spec, **options) if options else spec


def _usable() -> int:
    from helpers.cpus import usable_cpus

    return usable_cpus()


def _break_even_secrets(fx: Fixtures) -> list[str]:
    fit = fx["FIT"]
    expected = (0.020 - fit.latency) / fit.seconds_per_byte
    return [f"{expected:.0f}", f"{expected:g}", f"{expected:,.0f}", "to 0"]


def _split_secrets(fx: Fixtures) -> list[str]:
    from helpers.speedup import split_loads, top_half_costs

    costs = top_half_costs()
    loads = split_loads(costs, 2, -(-len(costs) // 2))
    best = sum(loads) / max(loads)
    return [f"{best:.2f}", f"{best:.3f}", f"{best:g}"]


V = dict  # valid values, shorter in the table
WS = "helpers.instruments.workspace:"
UNCLOSED_SOLUTION = "'### BEGIN SOLUTION\\nn = 4'"
STRAY_END = "'### END SOLUTION\\nn = 4'"

SPECS: list[Spec] = [
    # --- helpers.cluster (09) ---
    _with(S("helpers.cluster:die_once", marker="text"), valid=V(x="1", marker="MARKER"),
          more={"marker": ["''"]},
          extra=[(V(x="3", marker="MARKER"), "situation")]),
    _with(S("helpers.cluster:map_chunk", func="func_here", items="list"),
          valid=V(func="SQUARE", items="[1, 2]")),
    _with(S("helpers.cluster:chunked", items="list", size="count"),
          valid=V(items="[1, 2, 3]", size="2"), more={"size": ["0"]}),
    _with(S("helpers.cluster:gather_map", client="text", func="func_here", items="list"),
          valid=V(client="FAKE_CLIENT", func="SQUARE", items="[1, 2]")),
    # --- helpers.costs (08) ---
    S("helpers.costs:count_primes", limit="items"),
    _with(S("helpers.costs:rising_tasks", n="items", low="count", high="count"),
          valid=V(n="5"), more={"n": ["1"]}, extra=[(V(n="5", high="10"), "reject")]),
    _with(S("helpers.costs:default_chunksize", n_tasks="count", workers="count"),
          valid=V(n_tasks="100", workers="2"), more={"workers": ["0"]},
          extra=[(V(n_tasks="100.0", workers="2"), "reject")]),
    _with(S("helpers.costs:echo_lengths_pipe", conn="conn"), valid=V(conn="PIPE_PAYLOADS")),
    _with(S("helpers.costs:echo_lengths_queue", inbox="queue", outbox="queue"),
          valid=V(inbox="QUEUE_PAYLOADS", outbox="QUEUE")),
    _with(S("helpers.costs:split_range", n="count", parts="count"),
          valid=V(n="10", parts="3"), more={"parts": ["0"]}),
    _with(S("helpers.costs:attach", name="text"), valid=V(name="SHM_NAME"),
          more={"name": ["'no-such-block'"]}, sane=lambda r: r.close() or ""),
    _with(S("helpers.costs:shared_sum", name="text", shape="list", dtype="text", start="count",
            stop="count"),
          valid=V(name="SHM_NAME", shape="(8,)", dtype="'<i8'", start="0", stop="8"),
          more={"name": ["'no-such-block'"], "shape": ["(-1,)"], "dtype": ["'banana'"]}),
    _with(S("helpers.costs:array_sum", array="list"), valid=V(array="ARRAY")),
    _with(S("helpers.costs:pool_time_model", items="items", compute="number", send="number",
            workers="count", start="number"),
          valid=V(items="100", compute="0.01", send="0.001"),
          more={"items": ["0"], "workers": ["0"]}),
    _with(S("helpers.costs:pool_time_range", items="items", compute="number", send="number",
            workers="count"),
          valid=V(items="100", compute="0.01", send="0.001"), more={"workers": ["0"]}),
    _with(S("helpers.costs:worth_it", items="items", compute="number", send="number",
            workers="count", start="number"),
          valid=V(items="100", compute="0.01", send="0.001"),
          more={"items": ["0"], "workers": ["0"]}),
    # --- helpers.cpus (01) ---
    _with(S("helpers.cpus:cgroup_cpu_quota", path="path_in"),
          accept={"path": {"MISSING", "FOLDER", "BINARY"}},
          more={"path": ["~TEXT_FILE"]},
          sane=lambda r: "" if r is None or r > 0 else f"returned {r!r}"),
    _with(S("helpers.cpus:suggest_pool_size", kind="choice"), more={"kind": ["'CPU'"]}),
    _with(S("helpers.cpus:pinned_counts", cpus="count"), more={"cpus": ["0"]},
          extra=[(V(cpus="1"), "situation")]),
    # --- helpers.full_example (05) ---
    _with(S("helpers.full_example:do_job", tasks_to_accomplish="queue",
            tasks_that_are_done="queue", pause="seconds"),
          valid=V(tasks_to_accomplish="QUEUE_TASKS", tasks_that_are_done="QUEUE",
                  pause="0")),
    _with(S("helpers.full_example:do_job_until_sentinel", tasks_to_accomplish="queue",
            tasks_that_are_done="queue", pause="seconds"),
          valid=V(tasks_to_accomplish="QUEUE_TASKS_SENTINEL", tasks_that_are_done="QUEUE")),
    _with(S("helpers.full_example:finish_task", task="text", pause="seconds"),
          valid=V(task="'Task no 0'")),
    S("helpers.full_example:make_tasks", n_tasks="items"),
    _with(S("helpers.full_example:task_of", message="text"),
          valid=V(message="'Task no 3 is done by Process-2'")),
    _with(S("helpers.full_example:article_main", ctx="ctx", n_tasks="items",
            n_processes="procs", pause="seconds"),
          valid=V(n_tasks="4", n_processes="2"), slow=2),
    _with(S("helpers.full_example:sentinel_main", ctx="ctx", n_tasks="items",
            n_processes="procs", pause="seconds", timeout="seconds"),
          valid=V(n_tasks="4", n_processes="2"), more={"timeout": ["0"]}, slow=2),
    _with(S("helpers.full_example:put_payload", results="queue", nbytes="bytes"),
          valid=V(results="QUEUE", nbytes="10")),
    # --- helpers.locks (04) ---
    _with(S("helpers.locks:add_one", counter="counter", times="count", start="barrier"),
          valid=V(counter="VALUE", times="100"), more={"times": ["10**9"]}),
    _with(S("helpers.locks:add_one_locked", counter="counter", lock="lock", times="count",
            start="barrier"),
          valid=V(counter="VALUE", lock="LOCK", times="100"), more={"lock": ["None"]}),
    _with(S("helpers.locks:add_one_own_lock", counter="counter", times="count"),
          valid=V(counter="VALUE", times="100"), more={"counter": ["RAW_VALUE"]}),
    _with(S("helpers.locks:add_locally", counter="counter", times="count"),
          valid=V(counter="VALUE", times="100"), more={"counter": ["RAW_VALUE"]}),
    _with(S("helpers.locks:count_without_lock", processes="procs", times="count",
            max_runs="count"),
          valid=V(processes="2", times="100", max_runs="1"), more={"max_runs": ["0"]},
          slow=2),
    _with(S("helpers.locks:write_block", path="path_out", worker="count", lock="lock",
            start="barrier", blocks="count", lines="count"),
          valid=V(path="BLOCK_OUT", worker="1", blocks="2"),
          more={"blocks": ["0", "10**9"], "lines": ["0"]}),
    # --- helpers.mandelbrot (07, 09) ---
    _with(S("helpers.mandelbrot:mandelbrot_row", y="count", width="count", height="count",
            max_iter="count"),
          valid=V(y="0", width="8", height="6", max_iter="10"),
          more={"y": ["6"], "width": ["0", "10**9"]}),
    _with(S("helpers.mandelbrot:mandelbrot_serial", width="count", height="count",
            max_iter="count"),
          valid=V(width="8", height="6", max_iter="10"), more={"max_iter": ["0", "10**9"]}),
    _with(S("helpers.mandelbrot:row_costs", image="list"), valid=V(image="IMAGE"),
          more={"image": ["[1, 2]", "[[1, 'a']]"]}),
    # --- helpers.pools (06) ---
    _with(S("helpers.pools:work_log"), valid=V(work_data="('A', 0)"),
          kinds={"work_data": "list"},
          more={"work_data": ["'A5'", "('A', 2.7)", "('A', -1)", "('A',)", "{'A': 5}",
                              "('A', 10**6)"]}),
    _with(S("helpers.pools:quiet_work_log"), valid=V(work_data="('A', 0)"),
          kinds={"work_data": "list"},
          more={"work_data": ["'A5'", "('A', 2.7)", "('A', -1)", "('A',)"]}),
    _with(S("helpers.pools:square", x="real"), valid=V(x="3")),
    _with(S("helpers.pools:add", x="real", y="real"), valid=V(x="1", y="2")),
    _with(S("helpers.pools:slow_square", x="real", delay="seconds"), valid=V(x="3")),
    _with(S("helpers.pools:reciprocal", x="real"), valid=V(x="4")),
    _with(S("helpers.pools:stop_workers", executor="pool", how="choice"),
          valid=V(executor="PROCESS_EXECUTOR"), more={"how": ["'Kill'"]}, slow=2),
    _with(S("helpers.pools:die_on"), valid=V(x="1"),
          extra=[(V(x="3"), "situation")]),
    # --- helpers.processes (02) ---
    _with(S("helpers.processes:describe_to_queue", results="queue"), valid=V(results="QUEUE")),
    S("helpers.processes:sleep_for", seconds="seconds"),
    _with(S("helpers.processes:exit_with", code="count"), more={"code": ["300"]}),
    # --- helpers.queues (03) ---
    _with(S("helpers.queues:producer", tasks="queue", items="list", n_consumers="procs"),
          valid=V(tasks="QUEUE", items="['red']", n_consumers="1"),
          more={"items": ["'red'", "['red', None]"]}),
    _with(S("helpers.queues:consumer", tasks="queue", results="queue"),
          valid=V(tasks="QUEUE_RED", results="QUEUE")),
    _with(S("helpers.queues:joinable_consumer", tasks="queue", results="queue"),
          valid=V(tasks="JQUEUE_RED", results="QUEUE"), more={"tasks": ["QUEUE_RED"]}),
    _with(S("helpers.queues:pipe_shouter", conn="conn"), valid=V(conn="PIPE_RED")),
    # --- helpers.speedup (07) ---
    _with(S("helpers.speedup:speedup", serial_seconds="number", parallel_seconds="number"),
          valid=V(serial_seconds="12", parallel_seconds="4"),
          more={"parallel_seconds": ["0"]}),
    _with(S("helpers.speedup:efficiency", serial_seconds="number", parallel_seconds="number",
            workers="count"),
          valid=V(serial_seconds="12", parallel_seconds="4", workers="4"),
          more={"workers": ["0"]}),
    _with(S("helpers.speedup:amdahl", workers="number", serial_fraction="fraction"),
          valid=V(workers="16", serial_fraction="0.05"), more={"workers": ["0.5"]}),
    _with(S("helpers.speedup:amdahl_limit", serial_fraction="fraction"),
          valid=V(serial_fraction="0.05")),
    _with(S("helpers.speedup:gustafson", workers="number", serial_fraction="fraction"),
          valid=V(workers="16", serial_fraction="0.05")),
    _with(S("helpers.speedup:karp_flatt", measured_speedup="number", workers="count"),
          valid=V(measured_speedup="3", workers="4"), more={"workers": ["1"]}),
    _with(S("helpers.speedup:top_half_costs", width="count", height="count", max_iter="count"),
          valid=V(width="8", height="6", max_iter="10")),
    _with(S("helpers.speedup:split_loads", costs="numbers", workers="count", chunksize="count"),
          valid=V(costs="[1, 2, 3]", workers="2", chunksize="1"),
          more={"workers": ["0", "10**9"], "chunksize": ["0"]}),
    _with(S("helpers.speedup:imbalance", loads="numbers"), more={"loads": ["[]", "[0, 0]"]}),
    _with(S("helpers.speedup:describe_loads", loads="numbers"),
          more={"loads": ["[]", "[0, 0]"]}),
    # --- helpers.instruments.child_output (02) ---
    _with(S("helpers.instruments.child_output:call_with_stderr_to", path="path_out",
            func="func_here"),
          valid=V(path="BLOCK_OUT", func="SQUARE"),
          extra=[(V(path="BLOCK_OUT", func="SQUARE"), "situation")]),
    _with(S("helpers.instruments.child_output:child_stderr_to", path="path_out"), enter=True),
    S("helpers.instruments.child_output:traceback_summary", path="path_in"),
    _with(S("helpers.instruments.child_output:os_status", process="process", settle="seconds"),
          valid=V(process="PROC_DONE"), more={"process": ["PROC_UNSTARTED"]}),
    # --- helpers.instruments.cluster (09) ---
    _with(S("helpers.instruments.cluster:start_cli_cluster", n_workers="procs",
            nthreads="count", port="count", timeout="seconds"),
          accept={"n_workers": {"0"}}, more={"nthreads": ["0", "10_000"], "port": ["70_000"],
                                             "timeout": ["0"]}, slow=3),
    S("helpers.instruments.cluster:task_records", task_stream="task_stream"),
    S("helpers.instruments.cluster:leftover_processes", timeout="seconds"),
    _with(S("helpers.instruments.cluster:wait_for_file", file="text", timeout="seconds"),
          valid=V(file="TEXT_FILE")),
    _with(S("helpers.instruments.cluster:plot_task_stream", task_stream="task_stream",
            ax="ax"),
          valid=V(task_stream="TASK_STREAM"), more={"task_stream": ["[]"]}),
    S("helpers.instruments.cluster:summarize_task_stream", task_stream="task_stream"),
    _with(S("helpers.instruments.cluster:CliCluster.log", which="count", lines="count"),
          valid=V(self="CLI_FAKE")),
    # --- helpers.instruments.counting (04) ---
    _with(S("helpers.instruments.counting:block_rows", text_or_path="path_in"),
          more={"text_or_path": ["~BLOCK_FILE", "~BLOCK_TEXT", "TEXT_FILE"]}),
    _with(S("helpers.instruments.counting:broken_blocks", text="path_in", lines="count"),
          valid=V(text="BLOCK_TEXT"), more={"lines": ["0"]},
          extra=[(V(text="BLOCK_FILE"), "accept")],
          sane=lambda r: "" if r == 0 else f"counted {r!r} broken blocks in a clean file"),
    _with(S("helpers.instruments.counting:blocks_intact", text="path_in"),
          valid=V(text="BLOCK_TEXT"),
          extra=[(V(text="BLOCK_FILE"), "accept"), (V(text="'Path(BLOCK_FILE)'"), "reject")],
          sane=lambda r: "" if r is True else f"says {r!r} about a clean file"),
    _with(S("helpers.instruments.counting:first_break", text="path_in", lines="count"),
          valid=V(text="BLOCK_TEXT")),
    _with(S("helpers.instruments.counting:time_designs", designs="list", processes="procs",
            times="count"),
          valid=V(designs="['no lock']", processes="2", times="100"),
          more={"designs": ["'no lock'", "['nope']", "[]"], "times": ["10**9"]}, slow=2),
    _with(S("helpers.instruments.counting:compare_designs", processes="procs", times="count"),
          valid=V(processes="2", times="100"), slow=2),
    _with(S("helpers.instruments.counting:print_comparison", runs="records"),
          more={"runs": ["COUNT_RUN"]}),
    # --- helpers.instruments.measure (07) ---
    _with(S("helpers.instruments.measure:mandelbrot_workload", width="count", height="count",
            max_iter="count", chunksize="count"),
          valid=V(width="8", height="6", max_iter="10"), more={"chunksize": ["0"]}),
    _with(S("helpers.instruments.measure:sleep_workload", tasks="items", wait="seconds"),
          more={"tasks": ["0"], "wait": ["0"]}),
    _with(S("helpers.instruments.measure:worker_counts", usable="count", most="count"),
          more={"usable": ["0"], "most": ["2"]}),
    _with(S("helpers.instruments.measure:measure", counts="list", kinds="list",
            repeats="items", start_method="method"),
          valid=V(workload="WORKLOAD", counts="[1]", kinds="('processes',)", repeats="1"),
          kinds={"workload": "text", "counts": "list", "kinds": "list", "repeats": "items",
                 "start_method": "method"},
          more={"workload": ["'mandelbrot'", "WORKLOAD_NB", "WORKLOAD_LAMBDA", "SQUARE"],
                "counts": ["[0]", "[10_000]", "[2.5]"],
                "kinds": ["'processes'", "['gpu']", "[]"], "repeats": ["0"]}, slow=3),
    _with(S("helpers.instruments.measure:summarize_kind", results="measurements",
            kind="choice", usable="count"),
          valid=V(results="MEASUREMENTS", kind="'processes'"),
          more={"kind": ["'Processes'"]}),
    _with(S("helpers.instruments.measure:karp_flatt_table", results="measurements",
            usable="count", label="text"),
          valid=V(results="MEASUREMENTS"), accept={"label": {"None"}}),
    _with(S("helpers.instruments.measure:measurements", results="measurements"),
          valid=V(results="MEASUREMENTS")),
    _with(S("helpers.instruments.measure:karp_flatt_series", results="measurements",
            kind="choice", usable="count"),
          valid=V(results="MEASUREMENTS"), more={"kind": ["'Processes'"], "usable": ["0"]}),
    _with(S("helpers.instruments.measure:summarize", results="measurements", usable="count"),
          valid=V(results="MEASUREMENTS"), more={"usable": ["0"]}),
    _with(S("helpers.instruments.measure:fit_amdahl", workers="numbers", speedups="numbers"),
          valid=V(workers="[1, 2, 4]", speedups="[1.0, 1.9, 3.5]"),
          more={"workers": ["[0, 2, 4]", "[1, 2.5, 4]"]},
          extra=[(V(workers="[1, 2]"), "reject")]),
    _with(S("helpers.instruments.measure:serial_fraction", results="measurements",
            kind="choice", usable="count"),
          valid=V(results="MEASUREMENTS"), more={"kind": ["'Processes'"]}),
    _with(S("helpers.instruments.measure:timeline_overhead", workload="text", workers="procs",
            repeats="items", start_method="method"),
          valid=V(workload="WORKLOAD", repeats="1"),
          more={"workload": ["WORKLOAD_NB", "WORKLOAD_LAMBDA"]}, slow=3),
    _with(S("helpers.instruments.measure:Workload.run_in", pool="pool", func="func"),
          valid=V(self="WORKLOAD", pool="POOL"), slow=2),
    # --- helpers.instruments.plots ---
    _with(S("helpers.instruments.plots:plot_image", image="list", ax="ax"),
          valid=V(image="IMAGE"),
          more={"image": ["[1, 2]", "[[1, 'a']]", "[[1, 2], [3]]", "[]"]}),
    _with(S("helpers.instruments.plots:plot_row_costs", costs="numbers", ax="ax"),
          valid=V(costs="[1, 2, 3]"), more={"costs": ["[]"]}),
    _with(S("helpers.instruments.plots:plot_speedup", results="measurements", usable="count",
            reference="saved_runs"),
          valid=V(results="MEASUREMENTS"), more={"usable": ["0"]}),
    S("helpers.instruments.plots:reference_label", run="saved_run"),
    _with(S("helpers.instruments.plots:plot_karp_flatt", results="measurements",
            usable="count", reference="saved_runs", ax="ax"),
          valid=V(results="MEASUREMENTS")),
    _with(S("helpers.instruments.plots:plot_saved", runs="saved_runs", workload="choice",
            kind="choice", ax="ax"),
          valid=V(runs="SAVED_RUNS"),
          more={"workload": ["'Mandelbrot'"], "kind": ["'Processes'"]}),
    _with(S("helpers.instruments.plots:plot_start_costs", costs="times_map", ax="ax"),
          valid=V(costs="{'fork': 0.001, 'spawn': 0.05}"), accept={"costs": {"{'a': 1.0}"}}),
    _with(S("helpers.instruments.plots:plot_transfer", results="times_map", ax="ax"),
          valid=V(results="{'Pipe': TIMES}"),
          more={"results": ["TIMES", "{'Pipe': None}", "{'Pipe': {100: NAN}}"]}),
    _with(S("helpers.instruments.plots:plot_chunksizes", times="times_map", serial="number",
            ax="ax", workers="count"),
          valid=V(times="{1: 0.5, 10: 0.1}"), accept={"serial": {"None"}},
          more={"workers": ["0"]}),
    _with(S("helpers.instruments.plots:plot_wall_times", times="times_map", ax="ax"),
          valid=V(times="{'serial': 1.0, 'pool': 0.5}"), accept={"times": {"{'a': 1.0}"}}),
    # --- helpers.instruments.pools ---
    _with(S("helpers.instruments.pools:ensure_sendable", func="func", method="method"),
          valid=V(func="SQUARE"), accept={"method": set()}),
    _with(S("helpers.instruments.pools:pool_start_method", pool="pool"),
          accept={"pool": {"CLOSED_POOL"}}),
    _with(S("helpers.instruments.pools:ensure_sendable_to", pool="pool", func="func"),
          valid=V(pool="POOL", func="SQUARE"), more={"pool": ["THREAD_POOL"]},
          accept={"pool": {"THREAD_POOL"}}, slow=2),
    _with(S("helpers.instruments.pools:make_pool", kind="choice", workers="procs",
            start_method_name="method", initializer="func"),
          valid=V(kind="'threads'", workers="2"), accept={"initializer": {"None"}},
          more={"kind": ["'Processes'"]}, names={"start_method_name": "start_method"}),
    _with(S("helpers.instruments.pools:warm_pool", kind="choice", workers="procs",
            start_method="method", timeout="seconds", initializer="func"),
          valid=V(kind="'threads'", workers="2"), accept={"initializer": {"None"}},
          more={"kind": ["'Processes'"], "timeout": ["0"]}, enter=True),
    _with(S("helpers.instruments.pools:start_cost", method="method", repeats="items"),
          valid=V(repeats="1"), more={"repeats": ["0"]}, slow=2),
    _with(S("helpers.instruments.pools:measure_start_costs", methods="list", repeats="items"),
          valid=V(methods="['spawn']", repeats="1"),
          accept={"methods": {"None"}},
          more={"methods": ["'spawn'", "[CTX]", "['Spawn']"], "repeats": ["0"]}, slow=2),
    _with(S("helpers.instruments.pools:kill_tree", process="process", timeout="seconds"),
          valid=V(process="PROC_DONE"), more={"process": ["~PROC_UNSTARTED"]}),
    _with(S("helpers.instruments.pools:leftover_children", pid="count"),
          accept={"pid": {"None"}}, more={"pid": ["0"]}),
    _with(S("helpers.instruments.pools:wait_for_no_leftovers", pid="count",
            timeout="seconds"),
          accept={"pid": {"None"}}, valid=V(timeout="0.5")),
    _with(S("helpers.instruments.pools:describe_processes", procs="list"),
          valid=V(procs="[PSUTIL_PROC]"), more={"procs": ["PSUTIL_PROC"]}),
    # --- helpers.instruments.races (03, 05) ---
    _with(S("helpers.instruments.races:count_missing", done="list", tasks="list"),
          valid=V(done="['Task no 0 is done by P-1']", tasks="['Task no 0']"),
          more={"done": ["'a string'", "['x', 3]"], "tasks": ["[1, 2]"]}),
    _with(S("helpers.instruments.races:count_losses", main="func_here", runs="items",
            ctx="ctx", n_tasks="items", n_processes="procs"),
          valid=V(main="ARTICLE_MAIN", runs="1", n_tasks="4", n_processes="2"),
          more={"main": ["SQUARE", "NB_FUNC"], "runs": ["0"]}, slow=2),
    _with(S("helpers.instruments.races:count_losses_in_fresh_process", main="func",
            runs="items", method="method", n_tasks="items", n_processes="procs",
            timeout="seconds"),
          valid=V(main="ARTICLE_MAIN", runs="1", n_tasks="4", n_processes="2",
                  timeout="60"),
          more={"main": ["SQUARE", "NB_MAIN"], "timeout": ["0"]}, slow=3),
    _with(S("helpers.instruments.races:empty_after_put", trials="items", timeout="seconds"),
          valid=V(trials="3"), more={"trials": ["0"], "timeout": ["0"]}),
    _with(S("helpers.instruments.races:get_nowait_misses", tries="items", ctx="ctx",
            most="count"),
          valid=V(tries="3"), more={"tries": ["0"], "most": ["1"]}),
    _with(S("helpers.instruments.races:empty_right_after_put", tries="items", ctx="ctx"),
          valid=V(tries="3"), more={"tries": ["0"]}),
    # --- helpers.instruments.results (07) ---
    _with(S("helpers.instruments.results:describe_machine", label="text",
            start_method="method", source="text"),
          accept={"label": {"None"}}),
    _with(S("helpers.instruments.results:save_results", results="measurements",
            folder="text", machine="text", name="text"),
          valid=V(results="MEASUREMENTS", folder="FOLDER", machine="MACHINE"),
          accept={"machine": {"None"}, "name": {"None"}},
          more={"name": ["~'mine'", "'a/b.csv'", "''"], "folder": ["TEXT_FILE"]},
          sane=lambda r: "" if str(r).endswith(".csv") else f"wrote {r}, not a .csv file"),
    S("helpers.instruments.results:load_results", path="csv"),
    _with(S("helpers.instruments.results:load_runs", paths="csv"),
          more={"paths": ["[MISSING]", "'nowhere/*.csv'", "[CSV_TRUNCATED]"]}),
    _with(S("helpers.instruments.results:load_reference", folder="path_in"),
          accept={"folder": set()}, more={"folder": ["EMPTY_FOLDER", "TEXT_FILE"]}),
    S("helpers.instruments.results:machine_summary", machine="text"),
    S("helpers.instruments.results:reference_karp_flatt", runs="saved_runs"),
    _with(S("helpers.instruments.results:describe_reference", runs="saved_runs"),
          accept={"runs": set()}),
    # --- helpers.instruments.interpreters (07, 08; Python 3.14+) ---
    _with(S("helpers.instruments.interpreters:module_of", func="func"), valid=V(func="SQUARE")),
    _with(S("helpers.instruments.interpreters:warm_interpreter_pool", workers="procs",
            modules="list", timeout="seconds"),
          valid=V(workers="1"), enter=True),
    _with(S("helpers.instruments.interpreters:executor_start_costs", repeats="items"),
          valid=V(repeats="1"), more={"repeats": ["0"]}, slow=3),
    # --- helpers.instruments.timeline (06, 07, 08) ---
    _with(S("helpers.instruments.timeline:timed", func="func_here"),
          valid=V(func="SQUARE", task="3")),
    S("helpers.instruments.timeline:task_records", records="records"),
    S("helpers.instruments.timeline:worker_labels", records="records"),
    S("helpers.instruments.timeline:makespan", records="records"),
    _with(S("helpers.instruments.timeline:busy_fraction", records="records", workers="count"),
          valid=V(records="RECORDS", workers="2"), more={"workers": ["0", "1"]},
          sane=_between(0, 1)),
    _with(S("helpers.instruments.timeline:plot_timeline", records="records", ax="ax",
            label="func_here"),
          valid=V(records="RECORDS"), accept={"label": {"None"}}),
    _with(S("helpers.instruments.timeline:plot_timelines", runs="records", label="func_here"),
          valid=V(runs="{'one': RECORDS}"), accept={"label": {"None"}},
          more={"runs": ["RECORDS", "{}", "{'a': 3}"]}),
    # --- helpers.instruments.timing ---
    _with(S("helpers.instruments.timing:time_call", func="func_here", repeats="items",
            keep="choice"),
          valid=V(func="SQUARE"), more={"repeats": ["0"], "keep": ["'Best'"]}),
    S("helpers.instruments.timing:format_seconds", seconds="number"),
    _with(S("helpers.instruments.timing:median_interval", values="numbers",
            confidence="fraction"),
          valid=V(values="[1, 2, 3, 4, 5, 6]"),
          more={"values": ["[]", "[1, None]"], "confidence": ["0.2", "1.0"]}),
    # --- helpers.instruments.transfer (08) ---
    _with(S("helpers.instruments.transfer:format_bytes", nbytes="bytes"),
          accept={"nbytes": {"10**13"}}),
    _with(S("helpers.instruments.transfer:pickle_costs", repeats="items"), valid=V(obj="[1]"),
          more={"repeats": ["0"]}),
    _with(S("helpers.instruments.transfer:measure_transfer", channel="choice", sizes="list",
            repeats="items"),
          valid=V(sizes="[100]", repeats="1"),
          more={"channel": ["'pipe'"], "sizes": ["100", "[0]", "[10**13]", "['a']"],
                "repeats": ["0"]}, slow=2),
    _with(S("helpers.instruments.transfer:transfer_times", times="times_map"),
          valid=V(times="TIMES")),
    _with(S("helpers.instruments.transfer:fit_transfer", times="times_map"),
          valid=V(times="TIMES"), more={"times": ["{100: 1e-4}"]},
          sane=lambda r: "" if r.latency >= 0 and r.seconds_per_byte >= 0 else repr(r)),
    _with(S("helpers.instruments.transfer:time_here_and_in_a_worker", func="func",
            repeats="items"),
          valid=V(func="SQUARE", payload="3"), more={"repeats": ["0"]}, slow=2),
    _with(S("helpers.instruments.transfer:time_chunksizes", func="func", tasks="list",
            chunksizes="numbers", workers="procs", repeats="items"),
          valid=V(func="SQUARE", tasks="[1, 2, 3]", chunksizes="[1]", repeats="1"),
          more={"chunksizes": ["[0]", "['a']"]}, slow=2),
    _with(S("helpers.instruments.transfer:timelines_by_chunksize", func="func", tasks="list",
            chunksizes="numbers", workers="procs"),
          valid=V(func="SQUARE", tasks="[1, 2, 3]", chunksizes="[1]"),
          more={"chunksizes": ["[0]"], "tasks": ["[]"]}, slow=2),
    _with(S("helpers.instruments.transfer:segment_exists", name="text"),
          valid=V(name="'no-such-block'")),
    _with(S("helpers.instruments.transfer:time_copies_vs_shared", n="bytes", workers="procs",
            repeats="items"),
          valid=V(n="1000", repeats="1"), more={"n": ["0"]}, slow=2),
    _with(S("helpers.instruments.transfer:TransferFit.predict", nbytes="number"),
          valid=V(self="FIT")),
    # --- helpers.instruments.validate: the vocabulary itself, with name="workers" ---
    _with(S("helpers.instruments.validate:whole_number", value="count"),
          valid=V(name="'workers'"), more={"value": ["True"]}, names={"value": "workers"}),
    _with(S("helpers.instruments.validate:number", value="number"), valid=V(name="'workers'"),
          accept={"value": {"-1"}}, names={"value": "workers"}),
    _with(S("helpers.instruments.validate:positive_number", value="number"),
          valid=V(name="'workers'"), more={"value": ["0"]}, names={"value": "workers"}),
    _with(S("helpers.instruments.validate:seconds", value="seconds"),
          valid=V(name="'pause'"), names={"value": "pause"}),
    _with(S("helpers.instruments.validate:fraction", value="fraction"),
          valid=V(name="'serial_fraction'"), names={"value": "serial_fraction"}),
    _with(S("helpers.instruments.validate:real", value="real"), valid=V(name="'x'"),
          names={"value": "x"}),
    _with(S("helpers.instruments.validate:path", value="text"), valid=V(name="'folder'"),
          more={"value": ["''"]}, names={"value": "folder"}),
    _with(S("helpers.instruments.validate:text", value="text"), valid=V(name="'task'"),
          names={"value": "task"}),
    _with(S("helpers.instruments.validate:instance", value="text"),
          valid=V(name="'run'", kind="str", what="'a string'"), names={"value": "run"}),
    _with(S("helpers.instruments.validate:has_methods", value="text"),
          valid=V(name="'tasks'", methods="('put',)", what="'a queue'"),
          names={"value": "tasks"}),
    _with(S("helpers.instruments.validate:queue", value="queue"), valid=V(name="'tasks'"),
          names={"value": "tasks"}),
    _with(S("helpers.instruments.validate:connection", value="conn"), valid=V(name="'conn'"),
          names={"value": "conn"}),
    _with(S("helpers.instruments.validate:shared_value", value="counter"),
          valid=V(name="'counter'"), names={"value": "counter"}),
    _with(S("helpers.instruments.validate:lock", value="lock"), valid=V(name="'lock'"),
          names={"value": "lock"}),
    _with(S("helpers.instruments.validate:mapping", value="text"),
          valid=V(name="'times'"), more={"value": ["[1.0, 2.0]", "'abc'"]},
          names={"value": "times"}),
    _with(S("helpers.instruments.validate:numpy_dtype", value="text"),
          valid=V(name="'dtype'"), more={"value": ["'banana'"]}, names={"value": "dtype"}),
    _with(S("helpers.instruments.validate:process_count", value="procs"),
          valid=V(name="'workers'"), names={"value": "workers"}),
    _with(S("helpers.instruments.validate:bounded", value="items"),
          valid=V(name="'n_tasks'", limit="'items'"), names={"value": "n_tasks"}),
    _with(S("helpers.instruments.validate:list_of", value="list"), valid=V(name="'costs'"),
          names={"value": "costs"}),
    _with(S("helpers.instruments.validate:choice", value="choice"),
          valid=V(name="'kind'", options="('processes', 'threads')"),
          names={"value": "kind"}),
    _with(S("helpers.instruments.validate:start_method", value="method"),
          valid=V(name="'method'"), names={"value": "method"}),
    _with(S("helpers.instruments.validate:context", value="ctx"), valid=V(name="'ctx'"),
          names={"value": "ctx"}),
    _with(S("helpers.instruments.validate:function", value="func_here"),
          valid=V(name="'func'"), names={"value": "func"}),
    _with(S("helpers.instruments.validate:existing_file", value="path_in"),
          valid=V(name="'path'"), accept={"value": {"BINARY"}}, names={"value": "path"}),
    _with(S("helpers.instruments.validate:file_path", value="path_out"),
          valid=V(name="'path'"), names={"value": "path"}),
    # --- helpers.instruments.widgets (06, 07) ---
    _with(S("helpers.instruments.widgets:show_figure_in", image="text", fig="text"),
          valid=V(image="IMAGE_WIDGET", fig="FIG")),
    _with(S("helpers.instruments.widgets:explain_laws", parallel_fraction="fraction",
            cores="count"),
          valid=V(parallel_fraction="0.9", cores="8"), more={"cores": ["0"]}),
    _with(S("helpers.instruments.widgets:plot_laws", parallel_fraction="fraction",
            cores="count", max_cores="count"),
          valid=V(parallel_fraction="0.9", cores="8"),
          more={"max_cores": ["1", "10**9"], "cores": ["100"]}),
    _with(S("helpers.instruments.widgets:amdahl_explorer", parallel_fraction="fraction",
            cores="count", max_cores="count"),
          more={"max_cores": ["1"], "cores": ["100"]}),
    _with(S("helpers.instruments.widgets:RunControl", workload="text",
            results="measurements", usable="count", start_method="method"),
          valid=V(workload="WORKLOAD"),
          accept={"results": {"[]"}, "usable": {"None"}, "workload": {"WORKLOAD_NB"}},
          more={"workload": ["WORKLOAD_NB"], "usable": ["0"]}),
    _with(S("helpers.instruments.widgets:RunControl.run", workers="procs", kind="choice"),
          valid=V(self="RUNCONTROL", workers="1", kind="'threads'"),
          more={"kind": ["'Processes'"]},
          extra=[(V(self="RUNCONTROL_NB", kind="'processes'"), "situation")], slow=2),
    _with(S("helpers.instruments.widgets:make_bar", total="items", description="text"),
          valid=V(total="3")),
    _with(S("helpers.instruments.widgets:imap_unordered_with_progress", pool="pool",
            func="func", items="list", description="text", chunksize="count", bar="text"),
          valid=V(pool="POOL", func="SQUARE", items="[1, 2, 3]", bar="BAR"),
          accept={"pool": {"THREAD_POOL"}},
          more={"chunksize": ["0"], "pool": ["THREAD_POOL"]}, slow=2),
    # --- helpers.instruments.live (06, 07, 08): the live view ---
    _with(S("helpers.instruments.live:live_view", pool="pool", interval="seconds",
            title="text", label="func_here", live="flag"),
          valid=V(pool="POOL"),
          accept={"pool": {"THREAD_POOL", "PROCESS_EXECUTOR"}, "label": {"None"}},
          more={"pool": ["'pool'", "POOL_MAKER", "THREAD_POOL", "PROCESS_EXECUTOR",
                         "SHUT_EXECUTOR"],
                "interval": ["0", "0.01", "100"], "label": ["'x'"]},
          extra=[(V(pool="POOL", _inside="POOL.map(NB_FUNC, [1, 2])"), "reject"),
                 (V(pool="POOL", _inside="POOL.imap_unordered(LAMBDA, [1, 2])"), "reject"),
                 (V(pool="PROCESS_EXECUTOR", _inside="PROCESS_EXECUTOR.submit(NB_FUNC, 2)"),
                  "reject"),
                 (V(pool="POOL", _inside="LIVE_VIEW(POOL).__enter__()"), "reject"),
                 (V(pool="POOL", _inside="VIEW.__enter__()"), "reject"),
                 (V(pool="POOL", _inside="POOL.map(SQUARE, [1, 2])"), "accept"),
                 (V(pool="THREAD_POOL", _inside="THREAD_POOL.map(NB_FUNC, [1, 2])"), "accept")],
          enter=True, slow=2),
    _with(S("helpers.instruments.live:LiveView", pool="pool", interval="seconds", live="flag"),
          valid=V(pool="THREAD_POOL"), more={"pool": ["'pool'"]}, enter=True),
    _with(S("helpers.instruments.live:usable_cpu_ids", count="count"), valid=V(count="4"),
          more={"count": ["0"]}),
    _with(S("helpers.instruments.live:summary_text", tasks="count", workers="count",
            usable="count", cpus="count", stopped_by="text"),
          valid=V(tasks="8", workers="2", usable="2", cpus="2"),
          more={"workers": ["~None", "0"], "usable": ["3"], "cpus": ["0"]}),
    _with(S("helpers.instruments.live:cores_svg", busy="numbers", usable="list",
            height="count"),
          valid=V(busy="[0.5, 1.0]", usable="{0}"),
          more={"busy": ["[1.5]", "[-0.5]"], "usable": ["{-1}", "{'a'}"], "height": ["0"]}),
    _with(S("helpers.instruments.live:tasks_svg", records="records", now="number",
            width="count"),
          valid=V(records="RECORDS", now="5.0"), accept={"now": {"-1"}},
          more={"records": ["~[]"], "width": ["0"]}),
    _with(S("helpers.instruments.live:panel_html", title="text", cores="text", tasks="text",
            status="text"),
          valid=V(title="'Squares'", cores="'<svg/>'", tasks="'<svg/>'", status="'2 tasks'")),
    # --- helpers.instruments.workspace (course.py lab, reset, progress; 00) ---
    _with(S(WS + "read_notebook", path="path_in"),
          more={"path": ["3", "FOLDER", "TEXT_FILE", "NB_BAD_JSON", "NB_NO_CELLS"]}),
    _with(S(WS + "notebook_text", nb="notebook"), accept={"nb": {"{'cells': [3]}"}}),
    _with(S(WS + "write_file", path="path_out", text="text"),
          valid=V(path="BLOCK_OUT", text="'{}'")),
    _with(S(WS + "make_folder", folder="folder"), accept={"folder": {"MISSING"}}),
    S(WS + "source_of", cell="cell"),
    S(WS + "as_lines", text="text"),
    S(WS + "nbgrader_meta", cell="cell"),
    S(WS + "is_answer", cell="cell"),
    S(WS + "is_check", cell="cell"),
    _with(S(WS + "solution_text", source="text"),
          more={"source": [UNCLOSED_SOLUTION, STRAY_END]}),
    _with(S(WS + "stub_source", source="text", stub="text"),
          valid=V(source="'n = ...\\n### BEGIN SOLUTION\\nn = 4\\n### END SOLUTION'"),
          more={"source": [UNCLOSED_SOLUTION, STRAY_END,
                           "'### BEGIN SOLUTION\\n### BEGIN SOLUTION\\n### END SOLUTION'"]}),
    _with(S(WS + "without_hidden_tests", source="text"),
          more={"source": ["'### BEGIN HIDDEN TESTS\\nassert x == 3'"]}),
    _with(S(WS + "solved_source", source="text"), more={"source": [UNCLOSED_SOLUTION]}),
    _with(S(WS + "solution_markdown", source="text"), more={"source": [STRAY_END]}),
    S(WS + "rewrite_prose", text="text"),
    _with(S(WS + "solution_cell", answer="cell", nb="notebook", taken="list"),
          valid=V(answer="ANSWER_CELL", nb="NB", taken="set()"),
          accept={"nb": {"{'cells': [3]}"}},
          more={"answer": ["{'cell_type': 'markdown', 'source': 'x'}"], "taken": ["[]"]}),
    _with(S(WS + "student_copy", nb="notebook"),
          more={"nb": ["NB_UNCLOSED", "NB_STRAY_END", "NB_BAD_SOURCE", "NB_BAD_META",
                       "~NB_NO_VERSION"]},
          sane=lambda r: "" if isinstance(r, dict) and r.get("cells") else "no cells"),
    _with(S(WS + "content_digest", nb="notebook"), accept={"nb": {"{'cells': [3]}"}}),
    _with(S(WS + "file_digest", path="path_in"), accept={"path": {"BINARY"}},
          more={"path": ["FOLDER"]}),
    S(WS + "course_notebooks", repo_root="repo"),
    S(WS + "workspace_folder", repo_root="text"),
    _with(S(WS + "read_manifest", folder="folder"), accept={"folder": {"MISSING"}},
          more={"folder": ["~WORKSPACE"]}),
    _with(S(WS + "write_manifest", folder="folder", records="list"),
          valid=V(folder="FOLDER", records="{}"), more={"records": ["{'a': 3}", "[1, 2]"]}),
    _with(S(WS + "backup_name", name="text", when="when"),
          valid=V(name="'05_full_example.ipynb'", when="WHEN"), more={"name": ["''"]}),
    _with(S(WS + "outdated_line", name="text"), more={"name": ["''"]}),
    _with(S(WS + "sync", repo_root="repo"),
          extra=[(V(repo_root="REPO_WS_FILE"), "reject"),
                 (V(repo_root="REPO_BAD_COPY"), "accept"),
                 (V(repo_root="REPO_BAD_MANIFEST"), "accept"),
                 (V(repo_root="REPO_BAD_COURSE"), "accept"),
                 (V(repo_root="REPO_NB_DIR"), "accept")],
          sane=lambda r: "" if r.problems else "reported no problem"),
    _with(S(WS + "find_course_notebook", repo_root="repo", which="text"),
          valid=V(repo_root="REPO", which="'05'"), names={"which": "notebook"},
          more={"which": ["'99'", "'0'", "''"]}),
    _with(S(WS + "reset", repo_root="repo", which="text", now="when"),
          valid=V(repo_root="REPO", which="'05'"), names={"which": "notebook"},
          more={"which": ["'99'"]},
          extra=[(V(repo_root="REPO_WS_FILE", which="'05'"), "reject"),
                 (V(repo_root="REPO_NB_DIR", which="'05'"), "reject"),
                 (V(repo_root="REPO_BAD_COURSE", which="'05'"), "reject")]),
    S(WS + "output_text", output="cell"),
    _with(S(WS + "notebook_progress", path="path_in"),
          accept={"path": {"BINARY", "FOLDER", "NB_BAD_JSON", "NB_NO_CELLS"}},
          more={"path": ["FOLDER", "NB_BAD_JSON", "NB_NO_CELLS"]},
          sane=lambda r: "" if r.problem else "reported no problem"),
    S(WS + "progress_names", folder="folder"),
    _with(S(WS + "progress", folder="folder", names="list"), valid=V(folder="WORKSPACE"),
          more={"names": ["['99_nope.ipynb']", "[3]", "['']"]}),
    S(WS + "format_progress", rows="rows"),
    S(WS + "show_progress", folder="folder"),
    _with(S(WS + "lab_command", python="text", folder="folder", extra="list"),
          valid=V(python="'python'", folder="FOLDER", extra="[]"),
          more={"python": ["''"], "extra": ["[3]"]}),
    _with(S(WS + "lab", repo_root="repo", python="text", extra="list"),
          valid=V(repo_root="REPO", python="'/bin/true'", extra="[]"),
          more={"python": ["'/no/such/python'"]}, slow=2),
    _with(S(WS + "main", argv="list", python="text"),
          valid=V(argv="['--root', REPO, 'progress']"), more={"argv": ["[3]"]},
          extra=[(V(argv="['--root', MISSING, 'sync']"), "accept"),
                 (V(argv="['--root', REPO_WS_FILE, 'sync']"), "accept"),
                 (V(argv="['--root', REPO, 'reset', '99']"), "accept")],
          sane=lambda r: "" if r == 1 else f"returned {r!r}, not 1 (after a one-line message)"),
    # --- helpers.checks.core ---
    _with(S("helpers.checks.core:run_learner_worker", func="func", inputs="list",
            timeout="seconds"),
          valid=V(func="SQUARE", inputs="[1, 2]"), slow=2),
    _with(S("helpers.checks.core:check_choice", choice="answer"),
          valid=V(right="'c'", hints="{'a': 'think about a', 'b': 'think about b'}",
                  success="'well done'")),
    # --- helpers.checks.* (one per exercise) ---
    _checker("helpers.checks.cpus:check_pool_size", "pool_size",
             more={"pool_size": ["10_000", "0", "2.0"]}),
    _checker("helpers.checks.cpus:check_scheduler_call", "choice"),
    _checker("helpers.checks.processes:check_joined_process", "proc",
             more={"proc": ["PROC_UNSTARTED"]}),
    _checker("helpers.checks.processes:check_exit_codes", "codes",
             more={"codes": ["(1, 4, 15)", "(1, 4)", "('1', 4, -15)"]}),
    _checker("helpers.checks.processes:check_shout", "module",
             more={"module": ["MODULE_NAMEERROR", "MODULE_ZERODIV", "MODULE_SYNTAX",
                              "MODULE_NO_SHOUT", "MODULE_MAIN"]}, slow=2),
    _checker("helpers.checks.queues:check_sentinel_count", "n_sentinels",
             more={"n_sentinels": ["2", "4"]}),
    _checker("helpers.checks.queues:check_feed", "feed",
             more={"feed": ["NB_FEED_FOREVER", "NB_FEED_BLOCKS", "NB_FEED_RAISES",
                            "SQUARE"]}, slow=3),
    _checker("helpers.checks.queues:check_safe_loop", "choice"),
    _with(S("helpers.checks.queues:run_feed", feed="func_here", items="list",
            n_consumers="procs", feed_timeout="seconds"),
          valid=V(feed="NB_FEED_GOOD", items="['red']", n_consumers="1"),
          accept={"feed_timeout": {"None"}}, slow=2),
    _checker("helpers.checks.locks:check_locked_count", "counter", more={"counter": ["VALUE"]}),
    _checker("helpers.checks.locks:check_plus_equals", "is_safe", more={"is_safe": ["True"]}),
    _checker("helpers.checks.locks:check_error_count_design", "choice"),
    _checker("helpers.checks.full_example:check_sentinel_count", "n_sentinels",
             more={"n_sentinels": ["20", "1"]}),
    _checker("helpers.checks.full_example:check_drain_or_join", "choice"),
    _checker("helpers.checks.full_example:check_corrected_run", "done_messages", "workers",
             valid=V(done_messages="[]", workers="PROCS_DONE3"),
             extra=[(V(done_messages="TASK_NAMES", workers="PROCS_DONE3"), "reject")]),
    _checker("helpers.checks.pools:check_squares", "squares"),
    _checker("helpers.checks.pools:check_safe_reciprocals", "results"),
    _checker("helpers.checks.pools:check_chunk_picture", "choice"),
    _checker("helpers.checks.pools:check_describe_task", "func",
             more={"func": ["NB_FUNC", "SQUARE"]}, slow=2),
    _checker("helpers.checks.speedup:check_speedup_efficiency", "speedup", "efficiency",
             valid=V(speedup="3.0", efficiency="0.5"),
             secrets=lambda fx: ["0.75", "3.0", "3.00"]),
    _checker("helpers.checks.speedup:check_amdahl", "limit", "with_cores",
             valid=V(limit="20.0", with_cores="1.0"),
             secrets=lambda fx: ["20.0", " 20 ", "9.14"]),
    _checker("helpers.checks.speedup:check_split_speedup", "best_speedup", "costs",
             valid=V(best_speedup="1.0", costs="__import__('helpers.speedup').speedup."
                                           "top_half_costs()"),
             secrets=_split_secrets),
    _checker("helpers.checks.costs:check_chunksize", "choice", "times",
             valid=V(choice="1", times="{1: 1.0, 10: 0.5}")),
    _checker("helpers.checks.costs:check_worth_parallelising", "answer",
             more={"answer": ["{'z'}", "'abcdef'"]}),
    _checker("helpers.checks.costs:check_break_even", "nbytes", "fit", "compute_seconds",
             valid=V(nbytes="1", fit="FIT"),
             extra=[(V(nbytes="NO_LATENCY_ANSWER", fit="FIT_SMALL_LATENCY"), "reject"),
                    (V(nbytes="1000", fit="FIT_HIGH_LATENCY"), "reject")],
             secrets=_break_even_secrets),
    _checker("helpers.checks.cluster:check_prime_counts", "counts"),
    _checker("helpers.checks.cluster:check_chunked_counts", "futures"),
    _with(S("helpers.checks.cluster:primes_below", limits="numbers"),
          more={"limits": ["[2.5]", "[10**12]"]}),
]
"""Every callable tried, with what a valid call looks like."""

NOT_TRIED: dict[str, str] = {}
"""Modules left out on purpose, and why."""

ANY_VALUE = {
    "print_func": "prints any value", "describe_continent": "formats any value",
    "raise_error": "raises ValueError(message) on purpose", "do_nothing": "takes anything",
    "shout": "str(item).upper() of any value", "key_label": "labels any Dask key",
    "describe": "describes any value", "is_whole_number": "a predicate: True or False",
    "is_number": "a predicate: True or False",
    "require_attempt": "the checkers' own primitive (answer is anything)",
    "expect": "the checkers' own primitive", "correct": "the checkers' own primitive",
}
"""Public callables with no parameter that a value could be wrong for, and why."""

RECORD_TYPES = {
    "CpuCounts", "CountRun", "Measurement", "LossReport", "EmptyRace", "Machine", "SavedRun",
    "PickleCost", "TaskRecord", "TransferFit", "FeedReport", "CliCluster", "Workload",
    "Stopwatch", "NotYet", "NotAttempted", "NowaitRace", "CpuSample", "Report", "ResetResult",
    "NotebookProgress",
}
"""Classes whose constructor only stores its fields: the helpers build them, learners read
them. Their methods that take arguments are in :data:`SPECS` (``Class.method``)."""


# =========================================================================================
# Cases
# =========================================================================================


@dataclass(frozen=True)
class Case:
    """One call: the spec, the bad argument, and what must happen."""

    target: str
    param: str | None
    """The parameter given the bad value (``None``: a special case)."""
    args: tuple[tuple[str, str], ...]
    """The arguments that replace the valid ones, as (name, expression)."""
    must: str
    """"reject", "accept" or "situation"."""

    def call_text(self) -> str:
        module, name = self.target.split(":")
        shown = ", ".join(f"{k}={v}" for k, v in self.args if k != "self")
        self_expr = dict(self.args).get("self")
        prefix = f"{self_expr}." + name.split(".")[-1] if self_expr else name
        return f"{prefix}({shown})"


GONE: list[str] = []
"""Targets in :data:`SPECS` that no longer exist (filled by :func:`cases`)."""


def spec_for(target: str) -> Spec:
    for spec in SPECS:
        if spec.target == target:
            return spec
    raise KeyError(target)


def cases(only: str = "") -> list[Case]:
    """Every case of every spec, in the table's order."""
    import inspect

    found = []
    for spec in SPECS:
        if only and only not in spec.target:
            continue
        try:
            params = _parameters(spec)
        except (AttributeError, ImportError):
            GONE.append(spec.target)  # removed or renamed since the spec was written
            continue
        kinds_seen: set[str] = set()
        for param, kind in spec.kinds.items():
            if param not in params:  # the signature changed since the spec was written
                GONE.append(f"{spec.target}({param}=...)")
                continue
            # The first parameter of a kind gets the whole battery, the next ones two values.
            battery = BATTERIES[kind] if kind not in kinds_seen else BATTERIES[kind][:2]
            kinds_seen.add(kind)
            values = list(battery) + spec.more.get(param, [])
            for value in dict.fromkeys(values):
                acceptable = value.startswith("~") or value in spec.accept.get(param, ())
                value = value.lstrip("~")
                default = params[param].default
                if default is not inspect.Parameter.empty and _same(value, default):
                    continue  # the default itself is no bad value
                found.append(Case(spec.target, param, ((param, value),),
                                  "accept" if acceptable else "reject"))
        for args, must in spec.extra:
            found.append(Case(spec.target, None, tuple(args.items()), must))
    return found


def _same(expr: str, default: Any) -> bool:
    try:
        return repr(eval(expr, {}, {})) == repr(default)  # noqa: S307 - literals only
    except Exception:
        return False


def _parameters(spec: Spec) -> dict[str, Any]:
    import inspect

    obj = _resolve(spec.target)
    params = dict(inspect.signature(obj).parameters)
    params.pop("self", None)
    return params


def _resolve(target: str) -> Any:
    import importlib

    module_name, _, qualname = target.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def public_callables() -> tuple[list[str], dict[str, str]]:
    """``module:name`` of every public callable in the helpers, and the modules that fail
    to import (with the error)."""
    import importlib
    import inspect
    import pkgutil

    names, broken = [], {}
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.iter_modules(package.__path__):
            if info.ispkg:
                continue
            module_name = f"{package_name}.{info.name}"
            if module_name in NOT_TRIED:
                broken[module_name] = "left out"
                continue
            try:
                module = importlib.import_module(module_name)
            except Exception as error:
                broken[module_name] = f"{type(error).__name__}: {error}"
                continue
            for name, obj in vars(module).items():
                if name.startswith("_") or not callable(obj):
                    continue
                if getattr(obj, "__module__", None) != module_name:
                    continue
                if inspect.isclass(obj) and issubclass(obj, BaseException):
                    continue
                names.append(f"{module_name}:{name}")
    return names, broken


# =========================================================================================
# The calling process
# =========================================================================================


class _TooManyProcesses(BaseException):
    """Raised by the harness's guard (not an Exception, so helpers cannot swallow it)."""


def _guard_process_starts() -> Callable[[], int]:
    import multiprocessing.process
    import subprocess as sp

    started = [0]

    def counted(original: Callable) -> Callable:
        def start(self: Any, *args: Any, **kwargs: Any) -> Any:
            started[0] += 1
            if started[0] > PROCESS_GUARD:
                raise _TooManyProcesses(f"more than {PROCESS_GUARD} processes started")
            return original(self, *args, **kwargs)

        return start

    multiprocessing.process.BaseProcess.start = counted(multiprocessing.process.BaseProcess.start)
    sp.Popen.__init__ = counted(sp.Popen.__init__)
    return lambda: started[0]


def _track_shared_memory() -> list[str]:
    from multiprocessing import shared_memory

    created: list[str] = []
    original = shared_memory.SharedMemory.__init__

    def init(self: Any, name: str | None = None, create: bool = False, size: int = 0,
             **kwargs: Any) -> None:
        original(self, name, create, size, **kwargs)
        if create:
            created.append(self.name)

    shared_memory.SharedMemory.__init__ = init
    return created


def _fds() -> dict[str, str]:
    found = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            found[fd] = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
    return found


def _walk_numbers(value: Any, depth: int = 0) -> Iterator[float]:
    import dataclasses

    if depth > 4:
        return
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        yield float(value)
    elif isinstance(value, dict):
        for item in list(value.values())[:1000]:
            yield from _walk_numbers(item, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value[:1000]:
            yield from _walk_numbers(item, depth + 1)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _walk_numbers(getattr(value, f.name), depth + 1)


def _got_tokens(value: Any, depth: int = 0) -> list[str]:
    """Ways a message may show the value it got."""
    tokens = [repr(value)[:12], type(value).__name__, str(value)[:12]]
    if isinstance(value, float):
        tokens.append(f"{value:g}")
    if isinstance(value, int) and not isinstance(value, bool):
        tokens += [f"{value:,}", f"{value:_}", f"{value:g}" if abs(value) < 1e300 else ""]
    if isinstance(value, str) and value:
        tokens.append(os.path.basename(value.rstrip("/")) or value)
        tokens.append(value[-12:])
    if isinstance(value, (list, tuple, dict, set)) and not value:
        tokens.append("empty")
    if callable(value):
        tokens += [getattr(value, "__name__", ""), "lambda", "function"]
    if hasattr(value, "get_start_method"):
        tokens.append("context")
    if isinstance(value, (list, tuple)) and value and depth < 2:
        for element in value[:5]:
            tokens += _got_tokens(element, depth + 1)
    if isinstance(value, dict) and value and depth < 2:
        key, element = next(iter(value.items()))
        tokens += _got_tokens(key, depth + 1) + _got_tokens(element, depth + 1)
    return [t for t in tokens if t]


def _phase(path: Path, phase: str) -> None:
    path.write_text(json.dumps({"phase": phase, "at": time.time()}))


def child_main(case_json: str, out_path: str) -> None:
    """Run one case (this is the fresh process); write what happened to ``out_path``."""
    import contextlib
    import io
    import multiprocessing
    import resource
    import threading
    import traceback

    case = Case(**{**json.loads(case_json), "args": tuple(map(tuple,
                                                             json.loads(case_json)["args"]))})
    out = Path(out_path)
    phase_file = out.with_suffix(".phase")
    _phase(phase_file, "setup")
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_GUARD, MEMORY_GUARD))
    multiprocessing.set_start_method(os.environ.get("BAD_INPUTS_METHOD", "spawn"), force=True)
    import matplotlib

    matplotlib.use("Agg")
    from helpers.instruments.pools import leftover_children
    from helpers.instruments.transfer import segment_exists

    result: dict[str, Any] = {"case": case_json}
    fixtures = Fixtures(Path(os.environ["BAD_INPUTS_FIXTURES"]))
    spec = spec_for(case.target)
    obj = _resolve(case.target)
    try:
        # the resource tracker is started once per process and then stays: start it first
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
        params = _parameters(spec)
        given = dict(spec.valid)
        given.update(dict(case.args))
        kwargs = {}
        for name, expr in given.items():
            if name == "self" or (name not in params and name != "self"):
                continue
            kwargs[name] = fixtures.eval(expr)
        if "self" in given:
            obj = getattr(fixtures.eval(given["self"]), case.target.rsplit(".", 1)[-1])
        bad_value = fixtures.eval(case.args[0][1]) if case.param else None
        secrets = spec.secrets(fixtures) if spec.secrets else []
        inside = given.get("_inside")
    except Exception:
        result.update(outcome="harness-error", error=traceback.format_exc()[-2000:])
        out.write_text(json.dumps(result))
        fixtures.cleanup()
        return

    started = _guard_process_starts()
    shm_created = _track_shared_memory()
    tmp = Path(tempfile.gettempdir())
    before = {
        "threads": set(threading.enumerate()), "fds": _fds(),
        "stderr": sys.stderr, "fd2": os.readlink("/proc/self/fd/2"),
        "affinity": sorted(os.sched_getaffinity(0)),
        "method": multiprocessing.get_start_method(), "cwd": os.getcwd(),
        "tmp": set(os.listdir(tmp)),
    }
    printed = io.StringIO()
    _phase(phase_file, "calling")
    began = time.monotonic()
    value: Any = None
    try:
        with contextlib.redirect_stdout(printed):
            value = obj(**kwargs)
            if spec.enter and hasattr(value, "__enter__"):
                with value as entered:
                    if inside:  # the block's body: what a learner writes in the with block
                        fixtures.values["VIEW"] = entered
                        fixtures.eval(inside)
            stdout_ok = sys.stdout is printed
        result.update(outcome="returned", stdout_replaced=not stdout_ok)
    except _TooManyProcesses as error:
        result.update(outcome="guard", error=str(error))
    except BaseException as error:  # noqa: BLE001 - every outcome is recorded
        frames = traceback.extract_tb(error.__traceback__)
        innermost = frames[-1].filename if frames else ""
        # Ours: raised by a `raise` statement in helpers/, not by a C function (numpy's, a
        # built-in's) called from a line of ours.
        ours = _is_ours(innermost) and (frames[-1].line or "").lstrip().startswith("raise")
        result.update(outcome="raised", type=type(error).__name__, message=str(error)[:1500],
                      where=f"{innermost}:{frames[-1].lineno if frames else 0}", ours=ours,
                      base=not isinstance(error, Exception))
    result["seconds"] = round(time.monotonic() - began, 3)
    _phase(phase_file, "checking")
    result["printed"] = printed.getvalue()[-3000:]
    if result["outcome"] == "returned":
        result["result"] = repr(value)[:300]
        result["insane"] = _insanity(spec, value)
    # What the caller would clean up: a pool or a cluster it was handed.
    if result["outcome"] == "returned":
        with contextlib.suppress(Exception):
            if callable(getattr(value, "terminate", None)):
                value.terminate()
                value.join()
            elif type(value).__name__ == "CliCluster":
                value.close()
    value = None
    fixtures.cleanup()
    import gc

    gc.collect()
    changed = []
    if sys.stderr is not before["stderr"]:
        changed.append("sys.stderr points elsewhere")
    if os.readlink("/proc/self/fd/2") != before["fd2"]:
        changed.append("fd 2 points elsewhere")
    if sorted(os.sched_getaffinity(0)) != before["affinity"]:
        changed.append(f"CPU affinity is now {sorted(os.sched_getaffinity(0))}")
    if multiprocessing.get_start_method() != before["method"]:
        changed.append(f"default start method is now {multiprocessing.get_start_method()}")
    if os.getcwd() != before["cwd"]:
        changed.append("working folder changed")
    if result.get("stdout_replaced"):
        changed.append("sys.stdout replaced")
    if started() > PROCESS_GUARD:
        changed.append(f"started {started()} processes")
    result["changed"] = changed
    left = []
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        extra = [t for t in threading.enumerate() if t not in before["threads"] and t.is_alive()]
        kids = leftover_children()
        if not extra and not kids:
            break
        time.sleep(0.1)
    extra = [t for t in threading.enumerate() if t not in before["threads"] and t.is_alive()]
    if extra:
        left.append("threads: " + ", ".join(t.name for t in extra))
    kids = leftover_children()
    if kids:
        left.append(f"{len(kids)} child process(es): " + "; ".join(
            _cmdline(k) for k in kids[:3]))
    fds_now = _fds()
    # matplotlib keeps the font files it has read open, in a cache: not a leak.
    new_fds = {fd: target for fd, target in fds_now.items() if fd not in before["fds"]
               and not target.startswith("/proc/")
               and not target.endswith((".ttf", ".otf", ".afm", ".pfb"))}
    if new_fds:
        left.append("open fds: " + ", ".join(f"{fd}->{t}" for fd, t in new_fds.items()))
    new_tmp = [n for n in set(os.listdir(tmp)) - before["tmp"] if not n.startswith("pymp-")]
    if new_tmp:
        left.append("temporary files: " + ", ".join(sorted(new_tmp)[:5]))
    shm_left = [n for n in shm_created if segment_exists(n)]
    if shm_left:
        left.append("shared memory: " + ", ".join(shm_left))
    result["left"] = left
    if case.param:
        result["got"] = _got_tokens(bad_value)
        result["param_name"] = spec.names.get(case.param, case.param)
        first = bad_value[0] if isinstance(bad_value, list) and bad_value else bad_value
        if isinstance(first, str) and os.path.exists(first):
            result["file_name"] = os.path.basename(first)
    result["secrets"] = [s for s in secrets if s]
    _phase(phase_file, "done")
    out.write_text(json.dumps(result))
    for kid in kids:  # the harness stops what the call left, now that it is recorded
        with contextlib.suppress(Exception):
            kid.kill()


def _cmdline(proc: Any) -> str:
    try:
        return " ".join(proc.cmdline())[:100]
    except Exception:
        return f"pid {proc.pid}"


def _is_ours(filename: str) -> bool:
    path = Path(filename).resolve()
    return (ROOT / "helpers") in path.parents


def _insanity(spec: Spec, value: Any) -> str:
    for number in _walk_numbers(value):
        if math.isnan(number):
            return "NaN in the result"
        if math.isinf(number) and not spec.allow_inf:
            return "inf in the result"
    if spec.sane is not None:
        try:
            return spec.sane(value)
        except Exception as error:
            return f"sanity rule failed: {type(error).__name__}: {error}"
    return ""


# =========================================================================================
# The parent: run every case, classify, report
# =========================================================================================


@dataclass
class Outcome:
    case: Case
    verdict: str
    why: str
    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def _word(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])")


def classify(case: Case, data: dict[str, Any]) -> tuple[str, str]:
    """(verdict, why) for one case's findings."""
    outcome = data.get("outcome")
    is_check = case.target.split(":")[1].startswith("check_")
    if outcome == "hang":
        return "hang", data.get("why", "did not return in time")
    if outcome in ("died", "harness-error"):
        return ("unclear" if outcome == "died" else "harness-error"), data.get("why", "")
    if outcome == "guard":
        return "wrong", data["error"]
    if data.get("left"):
        return "leftover", "; ".join(data["left"])
    if data.get("changed"):
        return "wrong", "; ".join(data["changed"])
    printed = data.get("printed", "")
    message = data.get("message", "")
    secrets = [s for s in data.get("secrets", []) if s in printed or s in message]
    if is_check:
        lines = [line for line in printed.splitlines() if line.strip()]
        if any(line.startswith("Correct!") for line in lines):
            return "wrong", "printed Correct! for a wrong answer"
        if secrets:
            return "wrong", f"gives the answer away: {secrets[0]!r}"
        if outcome == "returned":
            return "wrong", "returned quietly for a wrong answer"
        if data.get("type") not in CHECK_ERRORS:
            return "unclear", f"a checker raised {data.get('type')}"
        odd = [line for line in lines if not line.startswith(CHECK_PREFIXES)]
        if odd or not lines:
            return "unclear", f"printed {odd[0]!r}" if odd else "printed nothing"
        return "clear", ""
    if outcome == "returned":
        if data.get("insane"):
            return "wrong", data["insane"]
        if case.must == "reject":
            return "wrong", f"accepted it and returned {data.get('result', '')[:80]}"
        if case.must == "situation":
            return "wrong", "went ahead where it must refuse"
        return "accepted", ""
    # raised
    kind = data.get("type", "")
    if kind in CHECK_ERRORS and case.must != "accept":  # the checkers' own hint: as above
        lines = [line for line in printed.splitlines() if line.strip()]
        odd = [line for line in lines if not line.startswith(CHECK_PREFIXES)]
        if odd or not lines:
            return "unclear", f"printed {odd[0]!r}" if odd else "printed nothing"
        return "clear", ""
    if kind not in ALLOWED:
        return "unclear", f"raw {kind}"
    if not data.get("ours"):
        return "unclear", f"{kind} not raised by helpers' own code (from " \
                          f"{_short(data.get('where', ''))})"
    if case.must == "accept":
        return "unclear", f"refused a valid input with {kind}"
    if not DIRECTIVE.search(message):
        return "unclear", "the message does not say what to do"
    if case.param:
        name = data.get("param_name", case.param)
        shown_file = data.get("file_name") and data["file_name"] in message
        if not _word(name).search(message) and not shown_file:
            return "unclear", f"the message does not name {name!r}"
        if not any(token.lower() in message.lower() for token in data.get("got", [])):
            return "unclear", "the message does not say what it got"
    return "clear", ""


def _short(path: str) -> str:
    parts = Path(path).parts
    for marker in ("site-packages", "lib", "helpers"):
        if marker in parts:
            return "/".join(parts[parts.index(marker):])[-70:]
    return path[-70:]


def run_case(case: Case, timeout: float, method: str, work: Path) -> Outcome:
    """Run ``case`` in a fresh process; classify what it reports."""
    spec = spec_for(case.target)
    limit = timeout * spec.slow
    folder = Path(tempfile.mkdtemp(prefix="case-", dir=work))
    fixtures, tmp = folder / "fixtures", folder / "tmp"
    fixtures.mkdir()
    tmp.mkdir()
    out = folder / "out.json"
    phase_file = out.with_suffix(".phase")
    env = {**os.environ, "TMPDIR": str(tmp), "BAD_INPUTS_FIXTURES": str(fixtures),
           "BAD_INPUTS_METHOD": method, "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONWARNINGS": "ignore"}
    payload = json.dumps({"target": case.target, "param": case.param,
                          "args": [list(a) for a in case.args], "must": case.must})
    code = ("import sys; from tools.bad_inputs import child_main; "
            "child_main(sys.argv[1], sys.argv[2])")
    proc = subprocess.Popen([sys.executable, "-c", code, payload, str(out)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    hung = None
    started = time.monotonic()
    while proc.poll() is None:
        time.sleep(0.1)
        phase = _read_json(phase_file)
        now = time.time()
        if phase.get("phase") == "calling" and now - phase["at"] > limit:
            hung = f"still running after {limit:g} s"
            break
        if phase.get("phase") in (None, "setup") and time.monotonic() - started > SETUP_TIMEOUT:
            hung = "harness: setup took too long"
            break
        if phase.get("phase") in ("checking", "done") and now - phase["at"] > CHECK_TIMEOUT:
            break  # recorded; its exit is stuck (a leftover it waits for): stop it below
    _kill_group(proc)
    _, stderr = proc.communicate()
    stderr_text = stderr.decode(errors="replace")
    data = _read_json(out)
    if hung and not data:
        data = {"outcome": "hang" if "harness" not in hung else "harness-error", "why": hung}
    elif not data:
        data = {"outcome": "died", "why": f"the calling process died (exit code "
                                          f"{proc.returncode}): {stderr_text[-300:]}"}
    leaks = re.findall(r"leaked (\w+) objects", stderr_text)
    if leaks and data.get("outcome") not in ("hang",):
        data.setdefault("left", []).append("resource tracker: leaked " + ", ".join(leaks))
    data["stderr_tail"] = stderr_text[-600:]
    shutil.rmtree(folder, ignore_errors=True)
    verdict, why = classify(case, data)
    return Outcome(case, verdict, why, data.get("message", "") or data.get("printed", ""), data)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _kill_group(proc: subprocess.Popen) -> None:
    """Stop the calling process and everything it started (its own process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


VERDICTS = ("clear", "accepted", "unclear", "wrong", "hang", "leftover", "harness-error")


def report(outcomes: list[Outcome], broken: dict[str, str], uncovered: list[str],
           seconds: float) -> str:
    counts = Counter(o.verdict for o in outcomes)
    targets = {o.case.target for o in outcomes}
    lines = [f"bad inputs: {len(outcomes)} calls to {len(targets)} callables in "
             f"{seconds:.0f} s",
             "  " + ", ".join(f"{v} {counts.get(v, 0)}" for v in VERDICTS)]
    lines.append("  (clear: raised a message naming the parameter, what it got and what to "
                 "do; accepted: a value it may take, with a sane result)")
    for module, error in sorted(broken.items()):
        if module in NOT_TRIED:
            lines.append(f"  left out: {module}: {NOT_TRIED[module]}")
        else:
            lines.append(f"  not importable: {module}: {error}")
    if uncovered:
        lines.append(f"  public callables with no spec ({len(uncovered)}): "
                     + ", ".join(uncovered))
    if GONE:
        lines.append(f"  specs whose callable no longer exists: {', '.join(GONE)}")
    lines.append(f"  not tried: {len(RECORD_TYPES)} record types (their fields only) and "
                 f"{len(ANY_VALUE)} callables that take any value by design")
    lines.append("")
    lines.append("Examples of clear messages:")
    seen: set[str] = set()
    for outcome in outcomes:
        target = outcome.case.target
        if outcome.verdict != "clear" or not outcome.case.param or target in seen \
                or ":check_" in target or len(seen) >= 14:
            continue
        seen.add(target)
        lines.append(f"  {outcome.case.call_text()}")
        lines.append(textwrap.indent(textwrap.fill(
            f"{outcome.data.get('type')}: {outcome.message}", 96), "      "))
    lines.append("")
    bad = [o for o in outcomes if o.verdict not in ("clear", "accepted")]
    lines.append(f"Not clear ({len(bad)}):")
    for verdict in VERDICTS[2:]:
        group = [o for o in bad if o.verdict == verdict]
        if not group:
            continue
        lines.append(f"  {verdict.upper()} ({len(group)})")
        for outcome in group:
            lines.append(f"    {outcome.case.target.split(':')[0]}: {outcome.case.call_text()}")
            detail = outcome.why
            if outcome.data.get("type"):
                detail += f" -- {outcome.data['type']}: {outcome.message}"
            lines.append(textwrap.indent(textwrap.fill(detail[:400], 92), "        "))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds a call may take before it counts as a hang")
    parser.add_argument("--json", type=Path, help="save every case here")
    parser.add_argument("--jobs", type=int, default=max(2, min(6, (os.cpu_count() or 2) + 1)),
                        help="calls run at the same time")
    parser.add_argument("--only", default="", help="only targets containing this text")
    parser.add_argument("--method", default="spawn", help="default start method of the calls")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    names, broken = public_callables()
    covered = {spec.target for spec in SPECS}
    covered |= {s.target.rsplit(".", 1)[0] for s in SPECS if "." in s.target.split(":")[1]}
    uncovered = [n for n in names if n not in covered and n.split(":")[1] not in RECORD_TYPES
                 and n.split(":")[1] not in ANY_VALUE and not _no_parameters(n)]
    all_cases = cases(args.only)
    work = Path(tempfile.mkdtemp(prefix="bad-inputs-"))
    began = time.monotonic()
    outcomes: list[Outcome] = []
    try:
        with ThreadPoolExecutor(args.jobs) as executor:
            futures = [executor.submit(run_case, case, args.timeout, args.method, work)
                       for case in all_cases]
            for i, future in enumerate(futures, 1):
                outcomes.append(future.result())
                if i % 50 == 0:
                    print(f"  {i}/{len(futures)}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = report(outcomes, {m: e for m, e in broken.items()}, uncovered,
                  time.monotonic() - began)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    if args.json:
        args.json.write_text(json.dumps(
            [{"target": o.case.target, "call": o.case.call_text(), "param": o.case.param,
              "must": o.case.must, "verdict": o.verdict, "why": o.why,
              "type": o.data.get("type"), "message": o.message,
              "seconds": o.data.get("seconds")} for o in outcomes], indent=1))
    return 0 if all(o.verdict in ("clear", "accepted") for o in outcomes) else 1


def _no_parameters(target: str) -> bool:
    import inspect

    try:
        return not inspect.signature(_resolve(target)).parameters
    except (TypeError, ValueError):
        return False


if __name__ == "__main__":
    sys.exit(main())
