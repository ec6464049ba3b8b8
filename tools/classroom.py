#!/usr/bin/env python3
"""Lay out an nbgrader course directory from the course's notebooks, and check a release.

    python3 -m tools.classroom init ~/mp-classroom                 # every notebook
    python3 -m tools.classroom init ~/mp-classroom notebooks/01_cpu_count.ipynb
    python3 -m tools.classroom verify ~/mp-classroom               # after generate_assignment

``init`` writes ``nbgrader_config.py`` and one nbgrader *assignment* per notebook with
exercises: ``notebooks/01_cpu_count.ipynb`` becomes
``source/01_cpu_count/01_cpu_count.ipynb``.
Answer cells are un-collapsed in the copies (in the repo they are collapsed so that
self-paced learners can peek), so students see where to type. Everything else,
generating the student version, collecting, grading and feedback, is nbgrader's own
commands: see docs/teaching.md.

``verify`` checks what nbgrader generated under ``release/``: no solution code and no
hidden tests left, a check with points after every answer, no grade_id used twice.

Standard library only (it also uses helpers/instruments/workspace.py, which is too); runs
with any Python 3.11+, on Linux, macOS and Windows, from the repository: python -m tools.classroom.
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
from pathlib import Path
from typing import Any

from helpers.instruments.workspace import (
    NBGRADER_CODE_STUB,
    is_answer,
    nbgrader_meta,
    solution_text,
    source_of,
    stub_source,
)
from tools import kernels

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
COURSE_ID = "mp-course"
START_METHODS = ("spawn", "forkserver", "fork", "default")
SOLUTION_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS",
                    "END HIDDEN TESTS")
WORKER_FILE = "my_workers.py"
"""The file that exercises write with ``%%writefile``: never released, never copied over."""

CONFIG = '''\
"""nbgrader configuration for the course "Python multiprocessing by example".

Written by tools/classroom.py; edit freely. Run nbgrader from this folder.
"""

c = get_config()  # noqa: F821 (nbgrader provides get_config)

c.CourseDirectory.course_id = {course_id!r}

# The student version keeps each answer's `...` placeholder and only loses the
# solution, so an untouched exercise gets the check's "Not attempted yet" message
# (nbgrader's default stub would raise NotImplementedError instead).
c.ClearSolutions.code_stub = {{"python": {code_stub!r}}}

# A check cell that a student deleted is put back, and run, by autograde. (Locked
# cells that were edited are always restored from the source version.)
c.OverwriteCells.add_missing_cells = True

# A cell still running after this many seconds is interrupted and shows a
# CellTimeoutError: that exercise scores zero, the rest of the notebook is graded.
# This is what bounds a Pool that hangs, an infinite loop or a join before drain.
c.Execute.timeout = {timeout}
# After that interrupt, wait this long for the kernel to finish (a Pool that is being
# terminated can take seconds on a busy grading machine), then go on with the next
# cell even if it has not: the default (raise after 4 s) gives up on the whole
# submission instead. A cell that times out always gets an error, so never a score.
c.Execute.iopub_timeout = 20
c.Execute.raise_on_iopub_timeout = False

# Never release or copy over the worker module that exercises write with
# %%writefile: run in the source folder it would hold the solution. Each notebook
# writes it again when it runs.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                            {worker_file!r}]
{start_method_block}'''

START_METHOD_BLOCK = '''
# Grade with the {method!r} start method on every grading machine, whatever its OS
# and Python version; the course's notebooks and checks work under each of them.
c.Execute.extra_arguments = [{exec_lines!r}]
'''


def read_notebook(path: Path) -> dict[str, Any]:
    """A notebook as plain JSON (nbformat 4)."""
    return json.loads(path.read_text(encoding="utf-8"))


def write_notebook(path: Path, nb: dict[str, Any]) -> None:
    """Write ``nb`` the way Jupyter does (one-space indent, UTF-8, final newline)."""
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def has_exercises(path: Path) -> bool:
    """Whether the notebook has at least one graded check cell."""
    return any(nbgrader_meta(cell).get("grade") for cell in read_notebook(path)["cells"])


def course_notebooks() -> list[Path]:
    """The course's notebooks with exercises, in order: ``notebooks/NN_name.ipynb``."""
    return [p for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) if has_exercises(p)]


def config_text(timeout: int, start_method: str, course_id: str = COURSE_ID) -> str:
    """The contents of the course directory's ``nbgrader_config.py``."""
    block = "" if start_method == "default" else START_METHOD_BLOCK.format(
        method=start_method,
        exec_lines=f"--IPKernelApp.exec_lines={kernels.set_start_method_line(start_method)}")
    return CONFIG.format(course_id=course_id, timeout=timeout, worker_file=WORKER_FILE,
                         code_stub=NBGRADER_CODE_STUB, start_method_block=block)


def source_version(nb: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``nb`` for nbgrader's ``source/`` folder: answer cells un-collapsed.

    Cell timings from the last run in the repo are dropped too.
    """
    nb = json.loads(json.dumps(nb))
    for cell in nb["cells"]:
        cell.get("metadata", {}).pop("execution", None)
        if nbgrader_meta(cell).get("solution"):
            jupyter = cell["metadata"].get("jupyter", {})
            jupyter.pop("source_hidden", None)
            if not jupyter:
                cell["metadata"].pop("jupyter", None)
    return nb


def init(course_dir: Path, notebooks: list[Path], *, timeout: int = 60,
         start_method: str = "spawn", force: bool = False) -> list[Path]:
    """Create the course directory: ``nbgrader_config.py`` and ``source/<assignment>/``.

    Existing files are kept unless ``force``. Returns the notebooks written.
    """
    course_dir.mkdir(parents=True, exist_ok=True)
    config = course_dir / "nbgrader_config.py"
    if force or not config.exists():
        config.write_text(config_text(timeout, start_method), encoding="utf-8")
        print(f"wrote {config}")
    else:
        print(f"kept  {config} (use --force to overwrite)")
    written = []
    for notebook in notebooks:
        target = course_dir / "source" / notebook.stem / notebook.name
        if target.exists() and not force:
            print(f"kept  {target} (use --force to overwrite)")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        write_notebook(target, source_version(read_notebook(notebook)))
        print(f"wrote {target}")
        written.append(target)
    return written


def solution_lines(source: str) -> list[str]:
    """The non-blank lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, stripped."""
    return [line.strip() for line in solution_text(source).splitlines() if line.strip()]


def release_problems(course_dir: Path, assignment: str) -> list[str]:
    """What is wrong with ``release/<assignment>``; an empty list if it is fit to hand out.

    Checks that no solution code and no hidden test is left (in notebooks or other
    files), that every answer cell has a check cell after it, that every check is worth
    points, and that no grade_id is used twice.
    """
    release = course_dir / "release" / assignment
    source = course_dir / "source" / assignment
    if not release.is_dir():
        return [f"{release} does not exist: run `nbgrader generate_assignment {assignment}`"]
    problems = []
    for path in sorted(p for p in release.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8", errors="replace")
        problems += [f"{path}: contains '{marker}'" for marker in SOLUTION_MARKERS
                     if marker in text]
    for path in sorted(release.glob("*.ipynb")):
        released = read_notebook(path)
        original = source / path.name
        stubs = {}  # grade_id: the answer cell as nbgrader should release it
        if original.exists():
            stubs = {nbgrader_meta(c)["grade_id"]: stub_source(source_of(c), NBGRADER_CODE_STUB)
                     for c in read_notebook(original)["cells"] if is_answer(c)}
        ids = [nbgrader_meta(c)["grade_id"] for c in released["cells"] if nbgrader_meta(c)]
        problems += [f"{path}: grade_id {i!r} is used {ids.count(i)} times"
                     for i in sorted(set(ids)) if ids.count(i) > 1]
        checks, unchecked = 0, None
        for cell in released["cells"]:
            meta = nbgrader_meta(cell)
            if meta.get("grade"):
                checks, unchecked = checks + 1, None
                if not meta.get("points", 0) > 0:
                    problems.append(f"{path}: check {meta['grade_id']!r} is worth no points")
            if meta.get("solution"):
                if unchecked:
                    problems.append(f"{path}: answer {unchecked!r} has no check after it")
                unchecked = meta["grade_id"]
                expected = stubs.get(meta["grade_id"])
                if expected is not None and source_of(cell) != expected:
                    problems.append(f"{path}: answer {meta['grade_id']!r} still has solution "
                                    "code (it differs from nbgrader's stub of the source)")
        if unchecked:
            problems.append(f"{path}: answer {unchecked!r} has no check after it")
        if not checks:
            problems.append(f"{path}: no check cell, so nothing to grade")
    return problems


def verify(course_dir: Path, assignments: list[str]) -> int:
    """Print the problems of each released assignment; 0 if there are none."""
    release = course_dir / "release"
    names = list(assignments)
    if not names and release.is_dir():
        names = sorted(p.name for p in release.iterdir() if p.is_dir())
    if not names:
        print(f"Nothing released under {release}: run `nbgrader generate_assignment` first.")
        return 1
    failed = False
    for name in names:
        problems = release_problems(course_dir, name)
        print(f"{name}: " + ("ready to hand out" if not problems else "NOT ready"))
        for problem in problems:
            print("  -", problem)
        failed = failed or bool(problems)
    return 1 if failed else 0


def _notebook_path(text: str) -> Path:
    """Accept ``notebooks/01_cpu_count.ipynb``, ``01_cpu_count`` or just ``01``."""
    path = Path(text)
    if path.is_file():
        return path.resolve()
    matches = sorted(NOTEBOOKS.glob(f"{glob.escape(text)}*.ipynb"))
    if len(matches) != 1:
        raise argparse.ArgumentTypeError(f"no single notebook matches {text!r}")
    return matches[0]


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog="See docs/teaching.md.")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("init", help="lay out (or update) an nbgrader course directory")
    make.add_argument("course_dir", type=Path)
    make.add_argument("notebooks", nargs="*", type=_notebook_path,
                      help="notebooks to turn into assignments (default: all)")
    make.add_argument("--timeout", type=int, default=60,
                      help="seconds a cell may run under autograde (default: 60)")
    make.add_argument("--start-method", choices=START_METHODS, default="spawn",
                      help="start method for grading kernels (default: spawn; 'default' "
                           "leaves the platform's)")
    make.add_argument("--force", action="store_true",
                      help="overwrite nbgrader_config.py and source notebooks")
    check = commands.add_parser("verify", help="check released assignments before handing out")
    check.add_argument("course_dir", type=Path)
    check.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    args = parser.parse_args(argv)
    if args.command == "init":
        init(args.course_dir, args.notebooks or course_notebooks(), timeout=args.timeout,
             start_method=args.start_method, force=args.force)
        print(f"\nNext, in {args.course_dir}: nbgrader generate_assignment "
              f"{args.notebooks[0].stem if args.notebooks else '01_cpu_count'}"
              "\n(with nbgrader's environment active; see docs/teaching.md)")
        return 0
    return verify(args.course_dir, args.assignments)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
