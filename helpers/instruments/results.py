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
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from helpers.cpus import usable_cpus
from helpers.instruments.measure import Measurement, measurements
from helpers.instruments.validate import describe, list_of

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


def describe_machine(label: str | None = None, start_method: str | None = None,
                     source: str = "notebook 07") -> Machine:
    """This machine, now. ``label`` names it in plots (default: CPU model and CPUs)."""
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
    )


@dataclass(frozen=True)
class SavedRun:
    """One CSV file: the machine it came from and its measurements."""

    machine: Machine
    results: tuple[Measurement, ...]
    path: Path | None = field(default=None, compare=False)


MACHINE_COLUMNS = tuple(f.name for f in fields(Machine))
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
    folder = Path(folder)
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
        raise ValueError(f"{path} holds no measurements.")
    missing = [c for c in MACHINE_COLUMNS + RESULT_COLUMNS if c not in rows[0]]
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
        raise ValueError(f"{path} has a value that is not a valid number: {error}") from None
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
            raise FileNotFoundError(f"no file matches {pattern!r}. Save some results first "
                                    "(save_results), or check the folder and the pattern.")
        paths = found
    return [load_results(path) for path in list_of(paths, "paths", what="file paths")]


def reference_files() -> list[Path]:
    """The shipped reference CSV files (package data), sorted by name."""
    folder = resources.files("helpers.instruments") / REFERENCE_FOLDER
    return sorted((Path(str(entry)) for entry in folder.iterdir()
                   if entry.name.endswith(".csv")), key=lambda p: p.name)


def load_reference(folder: str | os.PathLike[str] | None = None) -> list[SavedRun]:
    """The reference runs shipped with the course (or every ``*.csv`` in ``folder``)."""
    if folder is None:
        return [load_results(path) for path in reference_files()]
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"there is no folder {str(folder)!r}.")
    return [load_results(path) for path in sorted(folder.glob("*.csv"))]


def describe_reference(runs: Sequence[SavedRun]) -> str:
    """What each reference run was measured on: CPU, CPUs, Python, start method, date."""
    if not runs:
        return "No reference data: the plots show your machine only."
    lines = []
    for run in runs:
        m = run.machine
        name = run.path.name if run.path else "?"
        work = run.results[0].description if run.results else ""
        lines.append(f"{name}: {m.cpu_model}, {m.usable_cpus} usable CPUs, Python {m.python}, "
                     f"start method {m.start_method}, recorded {m.date[:10]} with {m.source}"
                     + (f" ({work})" if work else ""))
    return "\n".join(lines)
