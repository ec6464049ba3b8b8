#!/usr/bin/env python3
"""Set up and run the course. Needs only Python 3.11+; works on Linux, macOS and Windows.

    python3 course.py lab        # set up (first time only), open your workspace in JupyterLab
    python3 course.py progress   # how many exercises you have solved, per notebook
    python3 course.py reset NN   # a fresh copy of notebook NN (your old copy is kept beside it)
    python3 course.py test       # maintainers: set up and run every test (tools/ci.py)
    python3 course.py refresh [NOTEBOOK ...]   # maintainers: re-execute notebooks, store outputs
    python3 course.py instructor DIR           # instructors: lay out an nbgrader course in DIR

Set-up creates a virtual environment in .venv and installs requirements.txt into it
(which installs the helpers package in editable mode). It runs again only when
requirements.txt or pyproject.toml change. Your workspace is the folder workspace/: your
own copies of the notebooks, which updates of the course never overwrite.
"""

from __future__ import annotations

import sys

MINIMUM = (3, 11)

if sys.version_info < MINIMUM:  # noqa: UP036 - this file must explain, not crash
    sys.exit(f"This course needs Python 3.11 or newer; this is Python "
             f"{sys.version.split()[0]}. Install a current Python (3.14 is a good choice) from "
             "python.org or your package manager, then run: python3 course.py lab")

import hashlib  # noqa: E402 - after the version check, on purpose
import importlib.util  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
INSTRUCTOR_VENV = ROOT / ".venv-instructor"
STAMP_NAME = ".course-installed"


def venv_python(venv_dir: Path = VENV) -> Path:
    """The virtual environment's interpreter."""
    return venv_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(*args: object, cwd: Path = ROOT, log: Path | None = None) -> int:
    """Run a command from the repo root, echoing it first (to ``log``, if given)."""
    cmd = [str(a) for a in args]
    if log is None:
        print("+", " ".join(cmd), flush=True)
        return subprocess.call(cmd, cwd=cwd)
    with log.open("a") as out:
        out.write("+ " + " ".join(cmd) + "\n")
        out.flush()
        return subprocess.call(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)


def requirements_digest(files: tuple[str, ...]) -> str:
    """A digest of the files that decide what an environment holds."""
    return hashlib.sha256(b"".join((ROOT / f).read_bytes() for f in files)).hexdigest()


def setup(venv_dir: Path = VENV, requirements: str = "requirements.txt",
          log: Path | None = None) -> None:
    """Create ``venv_dir`` with this Python and install ``requirements`` into it, unless it
    is already up to date. ``log``: a file for pip's output instead of the screen."""
    digest = requirements_digest(tuple(dict.fromkeys(
        ("requirements.txt", requirements, "pyproject.toml"))))
    stamp = venv_dir / STAMP_NAME
    if venv_python(venv_dir).exists() and stamp.exists() and stamp.read_text() == digest:
        return
    if not has_pip(venv_dir):  # new, or left broken (an interrupted set-up, a removed Python)
        again = venv_dir.exists()
        print(f"{'Making again' if again else 'Creating'} the virtual environment in "
              f"{venv_dir} ...", flush=True)
        # In a child process, as tools/pythons.py does: environments made at once from
        # several threads (tools/ci.py) share no state of this interpreter.
        if run(sys.executable, "-m", "venv", *(["--clear"] if again else []), venv_dir,
               log=log) or not has_pip(venv_dir):
            sys.exit(f"Could not create a virtual environment in {venv_dir}"
                     f"{'' if log is None else f' (see {log})'}. On Debian and Ubuntu, "
                     f"install the python3-venv package; then run this command again.")
    ignore = venv_dir / ".gitignore"  # keep it out of git, whatever .gitignore says
    if not ignore.exists():
        ignore.write_text("# created by course.py\n*\n")
    pip = [venv_python(venv_dir), "-m", "pip", "install", "--disable-pip-version-check"]
    for attempt in (1, 2):  # once more after a failure: a download can fail once
        if not (run(*pip, "--upgrade", "pip", log=log)
                or run(*pip, "-r", ROOT / requirements, log=log)):
            stamp.write_text(digest)
            return
        if attempt == 1:
            print(f"Installing {requirements} failed; trying once more ...", flush=True)
    sys.exit(f"Installing {requirements} failed; see the messages "
             f"{'above' if log is None else f'in {log}'}.")


def has_pip(venv_dir: Path) -> bool:
    """Whether ``venv_dir`` has an interpreter that runs, with pip in it."""
    python = venv_python(venv_dir)
    try:
        return python.exists() and subprocess.call(
            [python, "-m", "pip", "--version"], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL) == 0
    except OSError:  # there, but it does not run
        return False


def workspace():
    """helpers/instruments/workspace.py, loaded by path: it needs only the standard library,
    so ``reset`` and ``progress`` work before .venv exists."""
    spec = importlib.util.spec_from_file_location(
        "course_workspace", ROOT / "helpers" / "instruments" / "workspace.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look up their module here
    spec.loader.exec_module(module)
    return module


def lab(extra: list[str]) -> int:
    """Make or update workspace/ (your copies), then open JupyterLab there."""
    setup()
    return workspace().main(["--root", str(ROOT), "lab", *extra], python=venv_python())


def progress(extra: list[str]) -> int:
    """The exercises solved in each saved notebook of workspace/ (reads them, runs nothing)."""
    return workspace().main(["--root", str(ROOT), "progress", *extra])


def reset(extra: list[str]) -> int:
    """A fresh copy of one notebook in workspace/; your copy is kept beside it."""
    if len(extra) != 1 or extra[0].startswith("-"):
        print("usage: python3 course.py reset NN   (for example: python3 course.py reset 05)")
        return 2
    return workspace().main(["--root", str(ROOT), "reset", extra[0]])


def test(extra: list[str]) -> int:
    """Everything a maintainer needs green, with a timing table (tools/ci.py)."""
    return run(sys.executable, "-m", "tools.ci", *extra)


def refresh(extra: list[str]) -> int:
    """Re-execute notebooks in place (all of them, or the ones named)."""
    setup()
    return run(venv_python(), "-m", "tools.refresh", *extra)


def instructor(extra: list[str]) -> int:
    """Set up .venv-instructor, then lay out an nbgrader course directory (tools/classroom.py)."""
    if not extra or extra[0].startswith("-"):
        print("usage: python3 course.py instructor COURSE_DIR [NOTEBOOK ...] [options]\n"
              "(options: python3 -m tools.classroom init --help; guide: docs/teaching.md)")
        return 2
    setup(INSTRUCTOR_VENV, "requirements-instructor.txt")
    code = run(venv_python(INSTRUCTOR_VENV), "-m", "tools.classroom", "init",
               Path(extra[0]).resolve(), *extra[1:])
    if not code:
        activate = (INSTRUCTOR_VENV / "Scripts" / "activate" if os.name == "nt"
                    else f"source {INSTRUCTOR_VENV / 'bin' / 'activate'}")
        print(f"Activate the instructor environment first: {activate}")
    return code


COMMANDS = {"lab": lab, "progress": progress, "reset": reset, "test": test,
            "refresh": refresh, "instructor": instructor}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
