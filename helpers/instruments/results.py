"""Save speedup measurements with a description of the machine; read them back; the
reference runs shipped with the course.

A CSV file holds one machine's measurements, every row repeating the machine's columns
so any spreadsheet can read it. The reference runs are package data
(``helpers/instruments/reference/*.csv``), found with ``importlib.resources`` the same
way from an editable install, a wheel, or Binder.
"""

from __future__ import annotations

import csv
import glob
import multiprocessing
import os
import platform
import re
import subprocess
import sys
import sysconfig
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from helpers.cpus import usable_cpus
from helpers.instruments.measure import Measurement, measurements
from helpers.instruments.validate import describe, instance, list_of, text
from helpers.instruments.validate import path as a_path
from helpers.instruments.validate import start_method as method_name

REFERENCE_FOLDER = "reference"
"""Where the shipped reference runs live: a folder inside ``helpers.instruments``."""


def cpu_model() -> str:
    """The CPU's name: /proc/cpuinfo on Linux, ``sysctl`` on macOS, else ``platform``'s."""
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        try:
            name = subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"],
                                  capture_output=True, text=True, timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            name = ""
        if name:
            return name
    return platform.processor() or platform.machine() or "unknown CPU"


def gil_status() -> str:
    """Whether this Python runs with the GIL, and which build it is:
    ``"on, standard build"``, ``"off, free-threaded build"`` or ``"on, free-threaded build"``
    (a free-threaded build turns the GIL back on for an extension that needs it)."""
    free_threaded = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    enabled = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
    return f"{'on' if enabled else 'off'}, {'free-threaded' if free_threaded else 'standard'} build"


def _gil_before(python: str) -> str:
    """What a file without a ``gil`` column implies: before 3.13 every build had the GIL."""
    try:
        major, minor = (int(part) for part in python.split(".")[:2])
    except ValueError:
        return "unknown"
    return "on, standard build" if (major, minor) < (3, 13) else "unknown"


@dataclass(frozen=True)
class Machine:
    """What was measured on: enough to compare CSV files from different computers."""

    label: str
    cpu_model: str
    usable_cpus: int
    logical_cpus: int
    python: str
    start_method: str
    platform: str
    date: str
    source: str = "notebook 07"
    gil: str = "unknown"
    """``gil_status()`` where it was measured; files written before it existed say nothing."""


def machine_summary(machine: Machine) -> str:
    """What a machine is, never where it stands: CPU model, usable CPUs, Python (and its
    GIL), start method."""
    machine = instance(machine, "machine", Machine, "a Machine, as describe_machine() returns")
    return (f"{machine.cpu_model}, {machine.usable_cpus} usable CPUs, Python {machine.python} "
            f"(GIL {machine.gil}), start method {machine.start_method}")


def describe_machine(label: str | None = None, start_method: str | None = None,
                     source: str = "notebook 07") -> Machine:
    """This machine, now. ``label`` names it in plots (default: CPU model and CPUs)."""
    label = None if label is None else text(label, "label", example="'my laptop'")
    start_method, source = method_name(start_method), text(source, "source")
    model, usable = cpu_model(), usable_cpus()
    return Machine(
        label=label or f"{model} ({usable} CPUs)",
        cpu_model=model,
        usable_cpus=usable,
        logical_cpus=os.cpu_count() or usable,
        python=platform.python_version(),
        start_method=start_method or multiprocessing.get_start_method(),
        platform=platform.platform(terse=True),
        date=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        source=source,
        gil=gil_status(),
    )


@dataclass(frozen=True)
class SavedRun:
    """One CSV file: the machine it came from and its measurements."""

    machine: Machine
    results: tuple[Measurement, ...]
    path: Path | None = field(default=None, compare=False)


MACHINE_COLUMNS = tuple(f.name for f in fields(Machine))
OPTIONAL_COLUMNS = ("gil",)
"""Machine columns that older files lack; :func:`load_results` fills them in."""
RESULT_COLUMNS = ("workload", "description", "kind", "workers", "seconds", "serial_seconds",
                  "repeats", "speedup", "efficiency")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "machine"


def save_results(results: Sequence[Measurement], folder: str | os.PathLike[str] = "results",
                 machine: Machine | None = None, name: str | None = None) -> Path:
    """Write ``results`` and the machine's description to a CSV file; return its path.

    The default name comes from the machine's label and start method, so running
    again on the same machine replaces the file (its ``date`` column says when). A
    ``name`` of your own gets ``.csv`` added if it lacks it, so that
    ``load_runs("results/*.csv")`` finds it.
    """
    results = measurements(results)
    machine = machine or describe_machine()
    if not isinstance(machine, Machine):
        raise TypeError(f"machine must be a Machine from describe_machine(), not "
                        f"{describe(machine)}.")
    if name is not None:
        if not isinstance(name, str) or not name.strip() or Path(name).name != name:
            raise ValueError(f"name must be a file name such as 'my-laptop.csv' (no folder: "
                             f"use folder=...), not {name!r}.")
        name = name if name.endswith(".csv") else name + ".csv"
    folder = a_path(folder, "folder")
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"folder must be a folder, but {str(folder)!r} is a file: pass the "
                         "folder to save in (name= names the file).")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"speedup-{_slug(machine.label)}-{machine.start_method}.csv")
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=MACHINE_COLUMNS + RESULT_COLUMNS)
        writer.writeheader()
        for r in results:
            writer.writerow({**asdict(machine), **{k: getattr(r, k) for k in RESULT_COLUMNS}})
    return path


def _read_rows(path: Path) -> list[dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM from a spreadsheet is fine
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not a text CSV file (it is not UTF-8 text). Write it "
                         "with save_results().") from None
    rows = list(csv.DictReader(text.splitlines()))
    if not rows:
        raise ValueError(f"{path} holds no measurements. Write it with save_results().")
    missing = [c for c in MACHINE_COLUMNS + RESULT_COLUMNS
               if c not in rows[0] and c not in OPTIONAL_COLUMNS]
    if missing:
        separator = " (it looks separated by ';': save it with commas)" if ";" in text else ""
        raise ValueError(f"{path} is not a speedup CSV: it has no column {missing[0]!r}"
                         f"{separator}. Write it with save_results().")
    short = next((i for i, row in enumerate(rows, start=2) if None in row.values()), None)
    if short is not None:
        raise ValueError(f"{path}, line {short}: the row is cut short. Write the file again "
                         "with save_results().")
    return rows


def load_results(path: str | os.PathLike[str]) -> SavedRun:
    """Read a CSV written by :func:`save_results` (or ``python -m benchmarks.speedup``)."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path (str or Path), not {describe(path)}.")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"there is no file {str(path)!r}: check the path (relative "
                                "paths start from the notebook's folder).")
    rows = _read_rows(path)
    for row in rows:
        row.setdefault("gil", _gil_before(row["python"]))
    machines = {tuple(row[c] for c in MACHINE_COLUMNS) for row in rows}
    if len(machines) != 1:
        raise ValueError(f"{path} mixes several machines: keep one machine per file.")
    try:
        row = rows[0]
        machine = Machine(**{**{c: row[c] for c in MACHINE_COLUMNS},
                             "usable_cpus": int(row["usable_cpus"]),
                             "logical_cpus": int(row["logical_cpus"])})
        results = tuple(Measurement(row["workload"], row["kind"], int(row["workers"]),
                                    float(row["seconds"]), float(row["serial_seconds"]),
                                    int(row["repeats"]), row["description"])
                        for row in rows)
        for result in results:
            result.speedup  # noqa: B018 - checks the times are positive numbers
    except (TypeError, ValueError) as error:
        raise ValueError(f"{path} has a value that is not a valid number ({error}). Write "
                         "the file again with save_results().") from None
    return SavedRun(machine, results, path)


def load_runs(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[SavedRun]:
    """Read several CSV files: a glob pattern such as ``"results/*.csv"``, or a list.

    A pattern that matches no file raises ``FileNotFoundError`` (say where to look);
    a list is read as it is.
    """
    if isinstance(paths, (str, os.PathLike)):
        pattern = os.fspath(paths)
        found = sorted(glob.glob(pattern))
        if not found:
            raise FileNotFoundError(f"paths: no file matches {pattern!r}. Save some results "
                                    "first (save_results), or check the folder and the "
                                    "pattern.")
        paths = found
    return [load_results(path) for path in list_of(paths, "paths", what="file paths")]


def reference_files() -> list[Path]:
    """The shipped reference CSV files (package data), sorted by name."""
    folder = resources.files("helpers.instruments") / REFERENCE_FOLDER
    return sorted((Path(str(entry)) for entry in folder.iterdir()
                   if entry.name.endswith(".csv")), key=lambda p: p.name)


def load_reference(folder: str | os.PathLike[str] | None = None) -> list[SavedRun]:
    """The reference runs shipped with the course (or every ``*.csv`` in ``folder``).

    Each run's label is its machine's CPU model and CPUs, whatever the file says, so
    that plots name the machine, not where it stood.
    """
    if folder is None:
        paths = reference_files()
    else:
        folder = a_path(folder, "folder")
        if not folder.is_dir():
            raise FileNotFoundError(f"folder: there is no folder {str(folder)!r}. Check the "
                                    "path (relative paths start from the notebook's folder).")
        paths = sorted(folder.glob("*.csv"))
        if not paths:
            raise FileNotFoundError(f"folder: there is no .csv file in {str(folder)!r}. Save "
                                    "some results there first (save_results).")
    runs = [load_results(path) for path in paths]
    return [replace(run, machine=replace(
        run.machine, label=f"{run.machine.cpu_model} ({run.machine.usable_cpus} CPUs)"))
        for run in runs]


def describe_reference(runs: Sequence[SavedRun]) -> str:
    """What each reference run was measured on (CPU, CPUs, Python, start method) and
    with which workload; nothing about where or when."""
    runs = list_of(runs, "runs", what="saved runs", item=lambda run, name: instance(
        run, name, SavedRun, "a SavedRun, as load_reference() returns"))
    if not runs:
        return "No reference data: the plots show your machine only."
    lines = []
    for run in runs:
        work = run.results[0].description if run.results else ""
        lines.append(machine_summary(run.machine) + (f" ({work})" if work else ""))
    return "\n".join(lines)


def reference_karp_flatt(runs: Sequence[SavedRun]) -> str:
    """For each reference run: its machine, then the Karp-Flatt table of its processes."""
    from helpers.instruments.measure import karp_flatt_table

    runs = list_of(runs, "runs", what="saved runs", item=lambda run, name: instance(
        run, name, SavedRun, "a SavedRun, as load_reference() returns"))
    if not runs:
        return "No reference data: only your own measurements."
    blocks = []
    for run in runs:
        rows = [r for r in run.results if r.kind == "processes"]
        blocks.append(f"reference machine: {run.machine.cpu_model}, "
                      f"{run.machine.usable_cpus} CPUs\n"
                      + karp_flatt_table(rows, usable=run.machine.usable_cpus,
                                         label="reference"))
    return "\n\n".join(blocks)
