"""The learner's workspace: their own copies of the course's notebooks, and their progress.

    python3 course.py lab            # make or update workspace/, then open JupyterLab there
    python3 course.py reset 05       # a fresh copy of notebook 05; the old one is kept beside it
    python3 course.py progress       # how many exercises each saved notebook has solved

``notebooks/`` stays the course's source of truth: solved, with stored outputs, for nbval
and nbgrader. ``workspace/`` (git-ignored) holds the learner's copies, made from the same
cell metadata that nbgrader reads (see tools/authoring.py):

* an answer cell (``nbgrader.solution``) keeps only its stub, the lines outside
  ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` (``n_sentinels = ...``), un-collapsed
  and without outputs. A markdown cell under it, *Show our solution*, holds our solution:
  one click away, and never run;
* a check cell (``nbgrader.grade``) has no output. It is tagged ``raises-exception``, so
  that Run All goes on past "Not attempted yet", and it cannot be edited or deleted;
* every other cell is the course's, stored outputs included, so a copy reads like the
  course before it is run (a cell tagged ``workspace-clear-output`` starts empty instead).

``workspace/.course.json`` records which course version each copy was made from, so that
:func:`sync` can add new notebooks, refresh the copies that the learner never changed, and
name the changed ones that have a newer course version, without ever overwriting them.

Standard library only: ``course.py`` loads this file before any virtual environment
exists. Runs with Python 3.11+ on Linux, macOS and Windows.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Notebook = dict[str, Any]
Cell = dict[str, Any]

COURSE_FOLDER = "notebooks"
WORKSPACE_FOLDER = "workspace"
MANIFEST = ".course.json"
START = "00_start_here.ipynb"
NOTEBOOK_NAME = re.compile(r"^\d\d_\w+\.ipynb$")
"""A course notebook's file name: ``05_full_example.ipynb`` (not a backup such as
``05_full_example.before-reset-2026-12-02T1012.ipynb``)."""

BEGIN_SOLUTION, END_SOLUTION = "BEGIN SOLUTION", "END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
NBGRADER_CODE_STUB = "# YOUR CODE HERE"
"""What nbgrader puts where a solution was (``ClearSolutions.code_stub``): a comment, so
that the ``...`` placeholder above it still gives "Not attempted yet"."""
SHOW_SOLUTION = "Show our solution"
CLEAR_OUTPUT_TAG = "workspace-clear-output"
RAISES = "raises-exception"
CORRECT = "Correct!"
PLACEHOLDER = re.compile(r"^\s*[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*\.\.\.\s*(#.*)?$")
"""A stub line such as ``n_sentinels = ...``: left out of the solution we show."""

SOLUTION_PROSE = re.compile(
    r"holds our solution,\s+collapsed:\s+click\s+(?:the\s+)?`⋯`\s+to\s+reveal\s+it,\s+"
    r"but\s+try\s+first\.")
SOLUTION_PROSE_IN_COPY = ("has our solution just below it, behind *Show our solution*: "
                          "one click reveals it, but try first.")
"""The course notebooks say where the collapsed solution is; a copy says where it is there."""


# --- errors -------------------------------------------------------------------------------


class WorkspaceError(Exception):
    """Something the learner can fix; ``str()`` is one line that says what to do."""


class NotWritable(WorkspaceError):
    """The workspace folder, or a file in it, cannot be written."""

    def __init__(self, path: Path, error: OSError, *, create: bool = False) -> None:
        reason = error.strerror or type(error).__name__
        folder = path.parent if create else path if path.is_dir() else path.parent
        if isinstance(error, IsADirectoryError) or (create and isinstance(error, FileExistsError)):
            reason = (f"{reason}: a {'file' if create else 'folder'} of that name is in the "
                      "way; move or rename it")
            folder = path.parent
        super().__init__(
            f"Cannot {'create' if create else 'write'} {path} ({reason}). Make {folder} "
            "writable for you, or copy the course to a folder you own, then run the "
            "command again.")
        self.path = path


class UnknownNotebook(WorkspaceError):
    """A notebook name that matches no course notebook, or several."""


class Unreadable(WorkspaceError):
    """A file that is not a notebook (not JSON, or JSON without cells)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name}: {reason}. Check that it is a notebook (an .ipynb file "
                         "that Jupyter saved), or pass another file.")
        self.path, self.reason = path, reason


# --- checking arguments -------------------------------------------------------------------
# The same messages as helpers/instruments/validate.py (name the parameter, say what it
# got and what to pass), which this standard-library-only file cannot import.


def _describe(value: Any) -> str:
    """A short description of ``value`` for messages: its repr (cut) and its type."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} (a {type(value).__name__})"


def _text(value: Any, name: str, example: str = "'x = 1'") -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string such as {example}, not {_describe(value)}.")
    return value


def _path(value: Any, name: str) -> Path:
    """A file or folder path (a ``str`` or ``Path``), whether or not it exists."""
    if not isinstance(value, (str, os.PathLike)) or not os.fspath(value):
        raise TypeError(f"{name} must be a path (a str or Path), not {_describe(value)}.")
    return Path(value)


def _folder(value: Any, name: str, *, must_exist: bool = True) -> Path:
    """The path of a folder: not a file, and (if ``must_exist``) there."""
    folder = _path(value, name)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{name} must be a folder, but {str(folder)!r} is a file: pass the "
                         "folder itself.")
    if must_exist and not folder.is_dir():
        raise FileNotFoundError(f"{name}: there is no folder {str(folder)!r}. Check the path "
                                "(a relative path starts from the current folder).")
    return folder


def _course_root(value: Any, name: str = "repo_root") -> Path:
    """The course's own folder: the one that holds ``notebooks/``."""
    root = _folder(value, name)
    if not (root / COURSE_FOLDER).is_dir():
        raise FileNotFoundError(f"{name}: {str(root)!r} has no {COURSE_FOLDER}/ folder, so it is "
                                f"not the course's folder: pass the folder that holds course.py "
                                f"and {COURSE_FOLDER}/.")
    return root


def _strings(value: Any, name: str, example: str) -> list[str]:
    """A list of strings (not a single string)."""
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
        hint = f" Put a single one in a list: [{value!r}]." if isinstance(value, str) else ""
        raise TypeError(f"{name} must be a list of strings such as {example}, not "
                        f"{_describe(value)}.{hint}")
    items = list(value)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise TypeError(f"{name}[{i}] must be a string, not {_describe(item)}: pass a list "
                            f"of strings such as {example}.")
    return items


def _cell(value: Any, name: str = "cell") -> Cell:
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a notebook cell, a dict such as {{'cell_type': 'code', "
                        f"'source': 'x = 1', 'metadata': {{}}}}, not {_describe(value)}.")
    return value


def _notebook(value: Any, name: str = "nb", *, check_cells: bool = True) -> Notebook:
    """A notebook as :func:`read_notebook` gives it; with ``check_cells``, each cell's
    parts that a copy changes are checked too."""
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a notebook as a dict (read_notebook(path) gives one), "
                        f"not {_describe(value)}.")
    if not isinstance(value.get("cells"), list):
        raise ValueError(f"{name} must be a notebook, a dict with a list of cells under "
                         f"'cells', but {name}['cells'] is {_describe(value.get('cells'))}: pass "
                         "what read_notebook(path) returns.")
    for i, cell in enumerate(value["cells"] if check_cells else ()):
        where = f"{name}['cells'][{i}]"
        _cell(cell, where)
        source, metadata = cell.get("source", ""), cell.get("metadata", {})
        if not isinstance(source, str) and not (
                isinstance(source, list) and all(isinstance(line, str) for line in source)):
            raise TypeError(f"{where}['source'] must be a string or a list of strings, not "
                            f"{_describe(source)}: check that the notebook is one Jupyter saved.")
        if not isinstance(metadata, dict) or not isinstance(metadata.get("tags", []), list):
            raise TypeError(f"{where}['metadata'] must be a dict (with a list of 'tags', if "
                            f"any), not {_describe(metadata)}: check that the notebook is one "
                            "Jupyter saved.")
    return value


# --- reading and writing ------------------------------------------------------------------


def read_notebook(path: Path) -> Notebook:
    """A notebook as plain JSON; :class:`Unreadable` if it is not one."""
    path = _path(path, "path")
    if not path.exists():
        raise FileNotFoundError(f"path: there is no file {str(path)!r}. Check the path (a "
                                "relative path starts from the current folder).")
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise Unreadable(path, f"not valid JSON (line {error.lineno}, column {error.colno}: "
                               f"{error.msg})") from error
    except UnicodeDecodeError as error:
        raise Unreadable(path, "not UTF-8 text") from error
    except OSError as error:
        raise Unreadable(path, f"cannot be read ({error.strerror or error})") from error
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise Unreadable(path, "valid JSON, but not a notebook (it has no list of cells)")
    return nb


def notebook_text(nb: Notebook) -> str:
    """``nb`` as Jupyter writes it: sorted keys, one-space indent, UTF-8, final newline."""
    nb = _notebook(nb, check_cells=False)
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (through a temporary file beside it).

    Any failure to write is a :class:`NotWritable`.
    """
    path, text = _path(path, "path"), _text(text, "text")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"path: there is no folder {str(path.parent)!r} to write "
                                f"{path.name!r} in. Create it first, or pick another path.")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(text.encode("utf-8"))
        os.replace(temporary, path)
    except OSError as error:
        _remove_quietly(temporary)
        raise NotWritable(path, error) from error


def _remove_quietly(path: Path) -> None:
    """Remove a temporary file of ours if it is there (never a learner's file)."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def make_folder(folder: Path) -> bool:
    """Create ``folder`` if it is missing; True if it was created. :class:`NotWritable`."""
    folder = _path(folder, "folder")
    if folder.is_dir():
        return False
    try:
        folder.mkdir(parents=True)
    except OSError as error:
        raise NotWritable(folder, error, create=True) from error
    return True


# --- cells --------------------------------------------------------------------------------


def source_of(cell: Cell) -> str:
    """A cell's source as one string (it may be stored as a list of lines)."""
    source = _cell(cell).get("source", "")
    return "".join(map(str, source)) if isinstance(source, list) else str(source)


def as_lines(text: str) -> list[str]:
    """``text`` as Jupyter stores a source: a list of lines, each but the last with ``\\n``."""
    return _text(text, "text").splitlines(keepends=True)


def nbgrader_meta(cell: Cell) -> dict[str, Any]:
    """The cell's nbgrader metadata, or an empty dict."""
    metadata = _cell(cell).get("metadata", {})
    meta = metadata.get("nbgrader", {}) if isinstance(metadata, dict) else {}
    return meta if isinstance(meta, dict) else {}


def is_answer(cell: Cell) -> bool:
    """An exercise's answer cell: an nbgrader solution code cell."""
    return _cell(cell).get("cell_type") == "code" and bool(nbgrader_meta(cell).get("solution"))


def is_check(cell: Cell) -> bool:
    """An exercise's check cell: an nbgrader grade code cell."""
    return _cell(cell).get("cell_type") == "code" and bool(nbgrader_meta(cell).get("grade"))


def _regions(source: str, begin: str, end: str, name: str = "source",
             ) -> Iterator[tuple[str, bool]]:
    """Each line of ``source`` (marker lines included) and whether it is inside a region.

    Markers are found as nbgrader finds them: anywhere in a line. A nested or unclosed
    region raises :class:`ValueError` (its message calls ``source`` ``name``).
    """
    inside, opened = False, (0, "")
    for number, line in enumerate(_text(source, name).split("\n"), 1):
        if begin in line:
            if inside:
                raise ValueError(f"{name} has a second {begin!r} on line {number} "
                                 f"({line.strip()!r}) before {end!r} closes the one on line "
                                 f"{opened[0]}: add a ### {end} line to close that one first.")
            inside, opened = True, (number, line.strip())
            yield line, True
        elif end in line:
            if not inside:
                raise ValueError(f"{name} has {end!r} on line {number} ({line.strip()!r}) with "
                                 f"no {begin!r} before it: add a ### {begin} line above, or "
                                 "remove this one.")
            inside = False
            yield line, True
        else:
            yield line, inside
    if inside:
        raise ValueError(f"{name} has {begin!r} on line {opened[0]} ({opened[1]!r}) but no "
                         f"{end!r} after it: add a ### {end} line where the region ends.")


def solution_text(source: str) -> str:
    """The lines between the solution markers (markers left out)."""
    source = _text(source, "source")
    return "\n".join(line for line, inside in _regions(source, BEGIN_SOLUTION, END_SOLUTION)
                     if inside and BEGIN_SOLUTION not in line and END_SOLUTION not in line)


def stub_source(source: str, stub: str | None = None) -> str:
    """An answer cell's source without its solution: what a learner starts from.

    Without ``stub``, the workspace's version: the lines before ``### BEGIN SOLUTION`` and
    after ``### END SOLUTION``. With ``stub``, nbgrader's ``ClearSolutions``: each solution
    region becomes ``stub``, indented like its BEGIN line (tools/classroom.py passes
    :data:`NBGRADER_CODE_STUB`). A cell without markers is all solution, as for nbgrader.
    """
    source = _text(source, "source")
    if stub is not None:
        stub = _text(stub, "stub", example=repr(NBGRADER_CODE_STUB))
    if BEGIN_SOLUTION not in source and END_SOLUTION not in source:
        return stub or ""
    kept = []
    for line, inside in _regions(source, BEGIN_SOLUTION, END_SOLUTION):
        if not inside:
            kept.append(line)
        elif BEGIN_SOLUTION in line and stub is not None:
            indent = line[:len(line) - len(line.lstrip())]
            kept += [indent + stub_line for stub_line in stub.split("\n")]
    return "\n".join(kept)


def without_hidden_tests(source: str) -> str:
    """A check cell's source without nbgrader's hidden tests (the course has none yet)."""
    source = _text(source, "source")
    if BEGIN_HIDDEN not in source:
        return source
    return "\n".join(line for line, inside in _regions(source, BEGIN_HIDDEN, END_HIDDEN)
                     if not inside)


def solved_source(source: str) -> str:
    """The answer cell as we would write it: placeholders and markers left out."""
    source = _text(source, "source")
    lines = [line for line, inside in _regions(source, BEGIN_SOLUTION, END_SOLUTION)
             if (inside and BEGIN_SOLUTION not in line and END_SOLUTION not in line)
             or (not inside and not PLACEHOLDER.match(line))]
    return "\n".join(lines).strip("\n")


def solution_markdown(source: str) -> str:
    """The *Show our solution* cell's markdown: a closed ``<details>`` with the code."""
    code = solved_source(source)
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return (f"<details><summary>{SHOW_SOLUTION}</summary>\n\n"
            f"{fence}python\n{code}\n{fence}\n\n</details>")


def _cell_id(base: str, taken: set[str]) -> str:
    """A cell id (nbformat 4.5: letters, digits, - and _, at most 64) not in ``taken``."""
    stem = re.sub(r"[^A-Za-z0-9_-]", "-", base)[:52] or "cell"
    candidate, number = f"{stem}-solution", 1
    while candidate in taken:
        number += 1
        candidate = f"{stem}-solution-{number}"
    taken.add(candidate)
    return candidate


def solution_cell(answer: Cell, nb: Notebook, taken: set[str]) -> Cell:
    """The markdown cell that follows an answer cell in a copy."""
    if not is_answer(_cell(answer, "answer")):
        raise ValueError(f"answer must be an answer cell (a code cell whose metadata has "
                         f"nbgrader.solution true), not {_describe(answer)}: pass a cell for "
                         "which is_answer(cell) is True.")
    _notebook(nb, check_cells=False)
    if not isinstance(taken, set):
        raise TypeError(f"taken must be a set of the cell ids already used in nb, such as "
                        f"set(), not {_describe(taken)}.")
    cell: Cell = {"cell_type": "markdown",
                  "metadata": {"editable": False, "tags": ["our-solution"]},
                  "source": as_lines(solution_markdown(source_of(answer)))}
    version = (nb.get("nbformat"), nb.get("nbformat_minor", 0))
    if all(isinstance(part, int) for part in version) and version >= (4, 5):
        cell["id"] = _cell_id(str(nbgrader_meta(answer).get("grade_id", "answer")), taken)
    return cell


def _clear_outputs(cell: Cell) -> None:
    cell["outputs"] = []
    cell["execution_count"] = None


def _answer_in_copy(cell: Cell) -> None:
    """Stub only, un-collapsed, no outputs."""
    cell["source"] = as_lines(stub_source(source_of(cell)))
    _clear_outputs(cell)
    metadata = cell.setdefault("metadata", {})
    metadata.pop("execution", None)
    metadata.pop("editable", None)
    jupyter = metadata.get("jupyter", {})
    jupyter.pop("source_hidden", None)
    if not jupyter:
        metadata.pop("jupyter", None)


def _check_in_copy(cell: Cell) -> None:
    """No output, no hidden tests; Run All goes on past it; cannot be edited or deleted."""
    cell["source"] = as_lines(without_hidden_tests(source_of(cell)))
    _clear_outputs(cell)
    metadata = cell.setdefault("metadata", {})
    metadata.pop("execution", None)
    tags = metadata.setdefault("tags", [])
    if RAISES not in tags:
        tags.append(RAISES)
    metadata["editable"] = False
    metadata["deletable"] = False


def rewrite_prose(text: str) -> str:
    """Course prose about the collapsed solution, made true for a copy."""
    return SOLUTION_PROSE.sub(SOLUTION_PROSE_IN_COPY, _text(text, "text"))


def student_copy(nb: Notebook) -> Notebook:
    """The learner's copy of a course notebook (a new dict; ``nb`` is left as it is).

    Answer cells keep only their stub, un-collapsed and without outputs, each followed
    by a *Show our solution* markdown cell; check cells have no outputs, are tagged
    ``raises-exception`` and locked; other cells are kept, stored outputs included
    (``workspace-clear-output`` cells lose theirs). Markdown that points at the
    collapsed solution is reworded.
    """
    nb = copy.deepcopy(_notebook(nb))
    for i, cell in enumerate(nb["cells"]):  # unbalanced markers: say which cell, up front
        where = f"nb['cells'][{i}]['source']"
        if is_answer(cell):
            for _ in _regions(source_of(cell), BEGIN_SOLUTION, END_SOLUTION, where):
                pass
        elif is_check(cell):
            for _ in _regions(source_of(cell), BEGIN_HIDDEN, END_HIDDEN, where):
                pass
    taken = {str(cell["id"]) for cell in nb["cells"] if "id" in cell}
    cells: list[Cell] = []
    for cell in nb["cells"]:
        cells.append(cell)
        if is_answer(cell):
            cells.append(solution_cell(cell, nb, taken))
            _answer_in_copy(cell)
        elif is_check(cell):
            _check_in_copy(cell)
        elif cell.get("cell_type") == "markdown":
            cell["source"] = as_lines(rewrite_prose(source_of(cell)))
        elif CLEAR_OUTPUT_TAG in cell.get("metadata", {}).get("tags", []):
            _clear_outputs(cell)
    nb["cells"] = cells
    return nb


def content_digest(nb: Notebook) -> str:
    """What the learner can change by typing: each cell's type and source, in order.

    Outputs, execution counts, cell ids and metadata do not count, so running a copy, or
    JupyterLab filling in the kernel's version, does not make it "changed".
    """
    typed = [[cell.get("cell_type"), source_of(cell)] if isinstance(cell, dict) else repr(cell)
             for cell in _notebook(nb, check_cells=False)["cells"]]
    return hashlib.sha256(json.dumps(typed, ensure_ascii=False).encode("utf-8")).hexdigest()


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    path = _path(path, "path")
    if path.is_dir():
        raise ValueError(f"path must be a file, but {str(path)!r} is a folder: add the file's "
                         "name.")
    if not path.is_file():
        raise FileNotFoundError(f"path: there is no file {str(path)!r}. Check the path (a "
                                "relative path starts from the current folder).")
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the workspace ------------------------------------------------------------------------


def course_notebooks(repo_root: Path) -> list[Path]:
    """The course's notebooks, in order: ``notebooks/NN_name.ipynb``."""
    folder = _course_root(repo_root) / COURSE_FOLDER
    return sorted(p for p in folder.glob("*.ipynb") if NOTEBOOK_NAME.match(p.name))


def workspace_folder(repo_root: Path) -> Path:
    """``workspace/`` at the repository's root."""
    return _path(repo_root, "repo_root") / WORKSPACE_FOLDER


def read_manifest(folder: Path) -> tuple[dict[str, dict[str, Any]], str | None]:
    """The manifest's records by notebook name, and a problem with it (or None)."""
    path = _folder(folder, "folder", must_exist=False) / MANIFEST
    if not path.exists():
        return {}, None
    try:
        records = json.loads(path.read_text(encoding="utf-8"))["notebooks"]
        if not isinstance(records, dict):
            raise TypeError("notebooks is not a mapping")
    except (OSError, ValueError, KeyError, TypeError) as error:
        return {}, (f"{MANIFEST} could not be read ({type(error).__name__}); "
                    "every copy that differs from the course is treated as yours")
    return records, None


def write_manifest(folder: Path, records: dict[str, dict[str, Any]]) -> None:
    """Write ``workspace/.course.json``."""
    folder = _folder(folder, "folder")
    if not isinstance(records, dict) or not all(
            isinstance(name, str) and isinstance(record, dict) for name, record in records.items()):
        raise TypeError(f"records must be a dict from notebook file names to their records "
                        f"(dicts), as read_manifest(folder)[0] gives, not {_describe(records)}.")
    manifest = {
        "about": "Written by course.py: the course version each copy in this folder was made "
                 "from. Deleting it loses no work: copies that differ from the course are "
                 "then treated as yours.",
        "format": 1,
        "notebooks": dict(sorted(records.items())),
    }
    write_file(folder / MANIFEST, json.dumps(manifest, indent=1) + "\n")


def _now() -> str:
    return datetime.datetime.now().replace(microsecond=0).isoformat()


def _record(course: Path, fresh: Notebook) -> dict[str, Any]:
    """The manifest entry for a copy made now from ``course``."""
    return {"course": file_digest(course), "copy": content_digest(fresh), "made": _now()}


@dataclass
class Report:
    """What :func:`sync` did and found; :meth:`lines` says it to the learner."""

    folder: Path
    created: bool = False
    added: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)
    outdated: list[str] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """One line for each thing worth telling, or one that says all is up to date."""
        said = []
        if self.created:
            said.append(f"Made your workspace, {self.folder}: your own copies of the "
                        f"{len(self.added)} notebooks, with blank exercises.")
        elif self.added:
            said.append(f"New in the course, added to your workspace: {_names(self.added)}.")
        if self.restored:
            said.append(f"Made a fresh copy of {_names(self.restored)} (it was missing).")
        if self.refreshed:
            said.append(f"Updated to the course's latest version (you had not changed it): "
                        f"{_names(self.refreshed)}.")
        said += [outdated_line(name) for name in self.outdated]
        said += [f"{name} differs from the course's version: kept as it is (as yours). "
                 f"`python3 course.py reset {name[:2]}` gives the course's version."
                 for name in self.adopted]
        said += [f"{name} is no longer part of the course: your copy is kept as it is."
                 for name in self.retired]
        said += [f"Problem: {problem}" for problem in self.problems]
        return said or [f"Your workspace is up to date: {self.folder}"]


def _names(names: Iterable[str]) -> str:
    return ", ".join(names)


def backup_name(name: str, when: datetime.datetime) -> str:
    """``05_full_example.before-reset-2026-12-02T1012.ipynb`` for ``05_full_example.ipynb``."""
    name, when = _file_name(name, "name"), _when(when, "when")
    return f"{Path(name).stem}.before-reset-{when:%Y-%m-%dT%H%M}.ipynb"


def outdated_line(name: str) -> str:
    """What to tell a learner whose changed copy has a newer course version."""
    name = _file_name(name, "name")
    return (f"{name} has a newer course version: run `python3 course.py reset {name[:2]}` "
            f"to take it (your copy is kept beside it, as "
            f"{Path(name).stem}.before-reset-<date and time>.ipynb).")


def _file_name(value: Any, name: str) -> str:
    """A notebook's file name, such as ``05_full_example.ipynb``."""
    if not _text(value, name, example="'05_full_example.ipynb'").strip():
        raise ValueError(f"{name} must be a notebook's file name such as "
                         f"'05_full_example.ipynb', not {value!r}.")
    return value


def _when(value: Any, name: str) -> datetime.datetime:
    if not isinstance(value, datetime.datetime):
        raise TypeError(f"{name} must be a datetime.datetime, such as datetime.datetime.now(), "
                        f"not {_describe(value)}.")
    return value


def _sync_one(course: Path, folder: Path, records: dict[str, dict[str, Any]],
              report: Report) -> None:
    """Bring one notebook's copy up to date, never overwriting a learner's change."""
    name, target = course.name, folder / course.name
    try:
        fresh = student_copy(read_notebook(course))
    except Unreadable as error:
        report.problems.append(f"the course notebook {course}: {error.path.name}: {error.reason}")
        return
    except ValueError as error:
        report.problems.append(f"the course notebook {course}: {error}")
        return
    record = records.get(name)
    if not target.exists():
        write_file(target, notebook_text(fresh))
        records[name] = _record(course, fresh)
        (report.added if record is None or record.get("retired") else report.restored).append(
            name)
        return
    try:
        current = content_digest(read_notebook(target))
    except Unreadable as error:
        report.problems.append(f"{error.path.name}: {error.reason}. Left as it is; `python3 "
                               f"course.py reset {name[:2]}` gives a fresh copy and keeps this "
                               "file beside it.")
        return
    fresh_digest = content_digest(fresh)
    if record is None:
        records[name] = _record(course, fresh)  # treat the file as based on this version
        if current != fresh_digest:
            report.adopted.append(name)
    elif current == record.get("copy"):  # the learner has not changed it
        if record.get("course") != file_digest(course) or current != fresh_digest:
            write_file(target, notebook_text(fresh))
            records[name] = _record(course, fresh)
            report.refreshed.append(name)
    elif fresh_digest != record.get("copy"):  # changed, and the course has changed since
        report.outdated.append(name)
    records[name].pop("retired", None)


def sync(repo_root: Path) -> Report:
    """Create or update ``workspace/`` from ``notebooks/``; never overwrites a learner's work.

    New course notebooks are added; a copy the learner never changed is refreshed when
    the course changes; a changed copy with a newer course version is only reported.
    Unreadable copies are reported and skipped. :class:`NotWritable` if the folder or a
    file in it cannot be written.
    """
    repo_root = _course_root(repo_root)
    folder = workspace_folder(repo_root)
    report = Report(folder=folder, created=make_folder(folder))
    records, problem = read_manifest(folder)
    if problem:
        report.problems.append(problem)
    before = json.dumps(records, sort_keys=True)
    courses = course_notebooks(repo_root)
    for course in courses:
        _sync_one(course, folder, records, report)
    in_course = {p.name for p in courses}
    for name, record in sorted(records.items()):
        if name not in in_course and not record.get("retired"):
            record["retired"] = True
            if (folder / name).exists():
                report.retired.append(name)
    if json.dumps(records, sort_keys=True) != before or not (folder / MANIFEST).exists():
        write_manifest(folder, records)
    return report


def find_course_notebook(repo_root: Path, which: str) -> Path:
    """The course notebook named by ``05``, ``05_full_example`` or a file name or path."""
    courses = course_notebooks(repo_root)
    if not isinstance(which, (str, os.PathLike)):
        raise TypeError(f"which must name a course notebook: a string such as '05' or "
                        f"'05_full_example', not {_describe(which)}.")
    wanted = Path(which).name
    matches = [p for p in courses if p.name == wanted or p.stem == wanted]
    matches = matches or [p for p in courses if p.name.startswith(wanted)]
    if len(matches) != 1:
        known = ", ".join(p.stem for p in courses)
        raise UnknownNotebook(f"{'No' if not matches else 'More than one'} course notebook "
                              f"matches {which!r}: name one of {known} (or give just its "
                              "number, such as 05).")
    return matches[0]


@dataclass
class ResetResult:
    """The fresh copy, and where the learner's previous copy was kept (None if none)."""

    notebook: Path
    kept: Path | None

    def lines(self) -> list[str]:
        """What to tell the learner."""
        said = [f"Fresh copy: {self.notebook}"]
        if self.kept:
            said.append(f"Your previous copy is kept beside it: {self.kept.name}")
        return said


def _keep_aside(target: Path, when: datetime.datetime) -> Path:
    """Copy ``target`` to a backup name that is not taken yet; the backup's path."""
    try:
        data = target.read_bytes()
    except OSError as error:  # a folder in the way, or a file we may not read
        raise NotWritable(target, error) from error
    first = target.with_name(backup_name(target.name, when))
    for number in range(1, 1000):
        candidate = first if number == 1 else first.with_name(
            f"{first.name.removesuffix('.ipynb')}-{number}.ipynb")
        try:
            with candidate.open("xb") as out:
                out.write(data)
            return candidate
        except FileExistsError:
            continue
        except OSError as error:
            raise NotWritable(candidate, error) from error
    raise NotWritable(first, FileExistsError("too many backups with this name"))


def reset(repo_root: Path, which: str, now: datetime.datetime | None = None) -> ResetResult:
    """A fresh copy of one notebook; the learner's copy is kept beside it, never overwritten."""
    course = find_course_notebook(repo_root, which)
    if now is not None:
        _when(now, "now")
    folder = workspace_folder(repo_root)
    make_folder(folder)
    records, _ = read_manifest(folder)
    fresh = student_copy(read_notebook(course))
    target = folder / course.name
    kept = _keep_aside(target, now or datetime.datetime.now()) if target.exists() else None
    write_file(target, notebook_text(fresh))
    records[course.name] = _record(course, fresh)
    write_manifest(folder, records)
    return ResetResult(target, kept)


# --- progress -----------------------------------------------------------------------------


@dataclass
class NotebookProgress:
    """One saved notebook's exercises: how many, how many solved, or why it was skipped."""

    name: str
    exercises: int = 0
    solved: int = 0
    holds_solutions: bool = False
    problem: str | None = None


def output_text(output: dict[str, Any]) -> str:
    """The text of one stored output (stream, or a result's text/plain)."""
    if not isinstance(output, dict):
        raise TypeError(f"output must be one of a code cell's outputs, a dict such as "
                        f"{{'output_type': 'stream', 'text': 'Correct!'}}, not "
                        f"{_describe(output)}.")
    if output.get("output_type") == "stream":
        text = output.get("text", "")
    else:
        data = output.get("data", {})
        text = data.get("text/plain", "") if isinstance(data, dict) else ""
    return "".join(text) if isinstance(text, list) else str(text)


def notebook_progress(path: Path) -> NotebookProgress:
    """Count the check cells of a saved notebook, and those whose output says Correct!."""
    path = _path(path, "path")
    try:
        nb = read_notebook(path)
    except Unreadable as error:
        return NotebookProgress(path.name, problem=error.reason)
    checks = [cell for cell in nb["cells"] if isinstance(cell, dict) and is_check(cell)]
    solved = sum(any(CORRECT in output_text(o) for o in _outputs(cell) if isinstance(o, dict))
                 for cell in checks)
    holds = any(is_answer(cell) and BEGIN_SOLUTION in source_of(cell)
                for cell in nb["cells"] if isinstance(cell, dict))
    return NotebookProgress(path.name, len(checks), solved, holds)


def _outputs(cell: Cell) -> list[Any]:
    outputs = cell.get("outputs", [])
    return outputs if isinstance(outputs, list) else []


def progress_names(folder: Path) -> list[str]:
    """The notebooks to count: the course's, by the manifest, or else every NN_name.ipynb."""
    folder = _folder(folder, "folder")
    records, problem = read_manifest(folder)
    if records and not problem:
        return sorted(name for name, record in records.items()
                      if not record.get("retired") and (folder / name).exists())
    return sorted(p.name for p in folder.glob("*.ipynb") if NOTEBOOK_NAME.match(p.name))


def progress(folder: Path, names: Iterable[str] | None = None) -> list[NotebookProgress]:
    """Each saved notebook's exercises and solved checks. Reads JSON only; runs nothing."""
    folder = _folder(folder, "folder")
    chosen = progress_names(folder) if names is None else _strings(
        names, "names", example="['05_full_example.ipynb']")
    for i, name in enumerate(chosen if names is not None else ()):
        if not name or not (folder / name).is_file():
            known = ", ".join(progress_names(folder)) or "none: it holds no course notebooks"
            raise FileNotFoundError(f"names[{i}]: there is no notebook {name!r} in "
                                    f"{str(folder)!r}: pass one of those there ({known}).")
    return [notebook_progress(folder / name) for name in chosen]


def format_progress(rows: list[NotebookProgress]) -> str:
    """A short text: the total, a table per notebook, and any notebook that was skipped."""
    if isinstance(rows, NotebookProgress):
        raise TypeError("rows must be a list of NotebookProgress rows, not a single one: pass "
                        "[row], or the whole list that progress(folder) returns.")
    if isinstance(rows, (str, bytes, dict)) or not isinstance(rows, Iterable):
        raise TypeError(f"rows must be a list of NotebookProgress rows, as progress(folder) "
                        f"returns, not {_describe(rows)}.")
    rows = list(rows)
    for i, row in enumerate(rows):
        if not all(hasattr(row, part) for part in ("name", "exercises", "solved",
                                                   "holds_solutions", "problem")):
            raise TypeError(f"rows[{i}] must be a NotebookProgress, one of the rows that "
                            f"progress(folder) returns, not {_describe(row)}.")
    counted = [row for row in rows if row.problem is None and row.exercises]
    total, solved = sum(r.exercises for r in counted), sum(r.solved for r in counted)
    if counted and all(row.holds_solutions for row in counted):
        return (f"This folder holds the course's own solved notebooks: {solved} of {total} "
                "exercises solved.\nYour own copies are in workspace/: "
                "`python3 course.py lab` opens them.")
    lines = [f"Exercises solved: {solved} of {total}, from the checks' outputs in your "
             "saved notebooks.", ""] if counted else ["No exercises found here."]
    width = max((len(Path(r.name).stem) for r in counted), default=0)
    lines += [f"  {Path(r.name).stem:<{width}}  {r.solved} of {r.exercises}"
              + ("  done" if r.solved == r.exercises else "") for r in counted]
    lines += [f"Skipped {r.name}: {r.problem}" for r in rows if r.problem]
    return "\n".join(lines)


def show_progress(folder: Path | str | None = None) -> None:
    """Print the progress of the notebooks in ``folder`` (default: the current folder).

    For ``00_start_here``: deterministic, so the course's own (solved) notebooks give the
    same line every time nbval runs it.
    """
    print(format_progress(progress(folder if folder is not None else Path.cwd())))


# --- JupyterLab ---------------------------------------------------------------------------


def running_as_root() -> bool:
    """Whether this process runs as root (never on Windows, which has no geteuid)."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0


def lab_command(python: Path | str, folder: Path, extra: list[str]) -> list[str]:
    """The command that opens JupyterLab on ``folder`` at its 00_start_here notebook.

    The start notebook is the server's default URL, so the address that JupyterLab prints
    (for a browser it cannot open itself, as in a container) opens it too.
    """
    _path(python, "python")
    folder = _folder(folder, "folder")
    extra = _strings(extra, "extra", example="['--port=8889']")
    command = [str(python), "-m", "jupyter", "lab", f"--ServerApp.root_dir={folder}"]
    if (folder / START).exists():
        command.append(f"--LabApp.default_url=/lab/tree/{START}")
    if running_as_root() and "--allow-root" not in extra:
        command.append("--allow-root")
    return command + list(extra)


def lab(repo_root: Path, python: Path | str, extra: list[str]) -> int:
    """Sync the workspace, print what changed, then run JupyterLab there."""
    _course_root(repo_root)
    if shutil.which(str(_path(python, "python"))) is None:
        raise FileNotFoundError(f"python: there is no Python to run at {str(python)!r}: pass "
                                "the path of the course's Python, such as .venv/bin/python "
                                "(python3 course.py lab sets it up).")
    _strings(extra, "extra", example="['--port=8889']")
    report = sync(repo_root)
    for line in report.lines():
        print(line)
    if running_as_root():
        print("Running as root (as in many containers): JupyterLab starts with --allow-root.")
    command = lab_command(python, report.folder, extra)
    print("+", " ".join(command), flush=True)
    try:
        return subprocess.call(command, cwd=report.folder)
    except KeyboardInterrupt:
        return 0


# --- command line -------------------------------------------------------------------------


def default_root() -> Path:
    """The repository this file belongs to, or else the current folder."""
    here = Path(__file__).resolve().parents[2]
    return here if (here / COURSE_FOLDER).is_dir() else Path.cwd()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.instruments.workspace",
        description="The learner's workspace: own copies of the course's notebooks.")
    parser.add_argument("--root", type=Path, default=None, help="the course's repository")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("sync", help="make or update workspace/ (never overwrites your work)")
    commands.add_parser("lab", help="sync, then open JupyterLab in workspace/")
    reset_parser = commands.add_parser("reset", help="a fresh copy of one notebook")
    reset_parser.add_argument("notebook", help="e.g. 05 or 05_full_example")
    commands.add_parser("progress", help="exercises solved in each saved notebook")
    return parser


def main(argv: list[str], python: Path | str | None = None) -> int:
    """Run ``sync``, ``lab``, ``reset NN`` or ``progress``; 1 with a one-line message on a
    problem the learner can fix (folder not writable, unknown notebook)."""
    argv = _strings(argv, "argv", example="['progress']")
    if python is not None:
        _path(python, "python")
    args, extra = _parser().parse_known_args(argv)
    if extra and args.command != "lab":
        _parser().error(f"unrecognised arguments: {' '.join(extra)}")
    try:
        root = _course_root((args.root or default_root()).resolve(), "--root")
    except (FileNotFoundError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    try:
        if args.command == "lab":
            return lab(root, python or sys.executable, extra)
        if args.command == "reset":
            said = reset(root, args.notebook).lines()
        elif args.command == "sync":
            said = sync(root).lines()
        elif workspace_folder(root).is_dir():
            said = [format_progress(progress(workspace_folder(root)))]
        else:
            said = ["No workspace yet: `python3 course.py lab` makes it."]
    except WorkspaceError as error:
        print(error, file=sys.stderr)
        return 1
    print("\n".join(said))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
