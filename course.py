#!/usr/bin/env python3
"""Set up and run the course. Needs only Python 3.10+; works on Linux, macOS and Windows.

    python3 course.py lab        # set up .venv (first time only), open JupyterLab
    python3 course.py test       # set up, then run every test (-m "not browser" skips those)
    python3 course.py refresh    # re-execute the notebooks and store their outputs
    python3 course.py instructor DIR   # set up .venv-instructor, lay out an nbgrader course

Set-up creates a virtual environment in .venv and installs requirements.txt into it
(which installs the helpers package in editable mode). It runs again only when
requirements.txt or pyproject.toml change. Instructors who grade with nbgrader get a
second one, .venv-instructor, from requirements-instructor.txt (docs/teaching.md);
`test` uses it for the grading tests in tests/nbgrader.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".course-installed"
INSTRUCTOR_VENV = ROOT / ".venv-instructor"
START_METHODS = ("fork", "spawn", "forkserver")
SUPPORTED_PYTHONS = ("3.10", "3.13")
"""The oldest and the newest supported Python: `test` runs the suite on each."""


def venv_python(venv_dir: Path = VENV) -> Path:
    """The virtual environment's interpreter."""
    return venv_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(*args: object) -> int:
    """Run a command from the repo root, echoing it first."""
    cmd = [str(a) for a in args]
    print("+", " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=ROOT)


def requirements_digest(files: tuple[str, ...] = ("requirements.txt", "pyproject.toml")) -> str:
    return hashlib.sha256(b"".join((ROOT / f).read_bytes() for f in files)).hexdigest()


def setup(venv_dir: Path = VENV, requirements: str = "requirements.txt",
          python: Path | None = None) -> None:
    """Create .venv and install requirements.txt into it, unless already up to date.

    With other arguments, the same for another environment (the instructor's, or one
    for another Python, made with the interpreter ``python``).
    """
    if sys.version_info < (3, 10):  # noqa: UP036 (course.py must explain, not crash)
        sys.exit(f"Python 3.10 or newer is needed; this is {sys.version.split()[0]}.")
    if not venv_python(venv_dir).exists():
        print(f"Creating a virtual environment in {venv_dir} ...", flush=True)
        if python is None:
            venv.create(venv_dir, with_pip=True)
        elif run(python, "-m", "venv", venv_dir):
            sys.exit(f"Could not create {venv_dir} with {python}.")
    # Keep the environment out of git even where .gitignore does not name it (as
    # Python 3.13's venv does by itself).
    ignore = venv_dir / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# created by course.py\n*\n")
    digest = requirements_digest(("requirements.txt", requirements, "pyproject.toml"))
    stamp = venv_dir / STAMP.name
    if stamp.exists() and stamp.read_text() == digest:
        return
    pip = [venv_python(venv_dir), "-m", "pip", "install", "--disable-pip-version-check"]
    if run(*pip, "--upgrade", "pip") or run(*pip, "-r", ROOT / requirements):
        sys.exit(f"Installing {requirements} failed; see the messages above.")
    stamp.write_text(digest)


def setup_instructor() -> None:
    """Create .venv-instructor (nbgrader and the course) from requirements-instructor.txt."""
    setup(INSTRUCTOR_VENV, "requirements-instructor.txt")


def lab(extra: list[str]) -> int:
    """Open JupyterLab on the notebooks folder."""
    return run(venv_python(), "-m", "jupyter", "lab", f"--notebook-dir={ROOT / 'notebooks'}",
               *extra)


def ensure_chromium() -> bool:
    """Find Chromium for the browser tests; on Debian/Ubuntu as root, install it."""
    if shutil.which("chromium"):
        return True
    if sys.platform.startswith("linux") and shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
            print("+", " ".join(cmd), flush=True)
            subprocess.call(cmd, env=env)
    return shutil.which("chromium") is not None


def find_python(version: str) -> Path | None:
    """An interpreter for ``version`` (e.g. "3.10"): on PATH, or installed by pyenv."""
    ask_version = "import sys; print(*sys.version_info[:2], sep='.')"
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates = [shutil.which(f"python{version}"),
                  *sorted(pyenv.glob(f"versions/{version}.*/bin/python{version}"), reverse=True)]
    for candidate in filter(None, candidates):
        try:
            found = subprocess.run([candidate, "-c", ask_version], capture_output=True,
                                   text=True, timeout=60).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            continue
        if found == version:
            return Path(candidate)
    return None


def pytest_per_start_method(python: Path, extra: list[str]) -> list[str]:
    """Unit tests and strict nbval once per start method; returns the methods that failed."""
    import multiprocessing

    failed = []
    for method in (m for m in START_METHODS if m in multiprocessing.get_all_start_methods()):
        print(f"\n=== unit tests and notebooks under start method '{method}' ===", flush=True)
        # pytest exits 5 when it ran no test: that counts as a failure too.
        if run(python, "-m", "pytest", "tests", "notebooks", "--nbval", "-m", "not browser",
               f"--start-method={method}", *extra):
            failed.append(method)
    return failed


def test(extra: list[str]) -> int:
    """Everything: lint, unit tests and nbval per start method, browser, grading, Pythons."""
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    failed = []
    if run(venv_python(), "-m", "ruff", "check", "."):
        failed.append("ruff")
    failed += pytest_per_start_method(venv_python(), extra)

    print("\n=== every notebook in JupyterLab, in headless Chromium ===", flush=True)
    if "not browser" in " ".join(extra):
        print("skipped, as asked (-m \"not browser\")")
    elif ensure_chromium():
        if run(venv_python(), "-m", "pytest", "tests/browser", "-m", "browser", *extra):
            failed.append("browser")
        times = ROOT / "artifacts" / "browser" / "run-all-seconds.txt"
        if times.exists():
            print("Run All in JupyterLab, seconds:\n" + times.read_text(), flush=True)
    else:
        print("Chromium not found: browser tests skipped (install the 'chromium' package).")
        if in_ci:
            failed.append("browser (no Chromium)")

    print("\n=== grading with nbgrader (instructor environment) ===", flush=True)
    setup_instructor()
    if run(venv_python(INSTRUCTOR_VENV), "-m", "pytest", "tests/nbgrader", *extra):
        failed.append("nbgrader")

    this = f"{sys.version_info[0]}.{sys.version_info[1]}"
    for version in (v for v in SUPPORTED_PYTHONS if v != this):
        print(f"\n=== Python {version} ===", flush=True)
        python = find_python(version)
        if python is None:
            print(f"Python {version} not found: skipped.")
            if in_ci:
                failed.append(f"python{version} (not found)")
            continue
        venv_dir = ROOT / f".venv-py{version}"
        setup(venv_dir, python=python)
        failures = pytest_per_start_method(venv_python(venv_dir), extra)
        failed += [f"python{version} {method}" for method in failures]
    print("\nAll tests passed." if not failed else f"\nFAILED: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


def refresh(extra: list[str]) -> int:
    """Re-execute notebooks in place (all of them, or the ones named)."""
    return run(venv_python(), ROOT / "tests" / "refresh_notebooks.py", *extra)


def instructor(extra: list[str]) -> int:
    """Set up .venv-instructor, then lay out an nbgrader course directory (tools/classroom.py)."""
    if not extra or extra[0].startswith("-"):
        print("usage: python3 course.py instructor COURSE_DIR [NOTEBOOK ...] [options]\n"
              "(options: python3 tools/classroom.py init --help; guide: docs/teaching.md)")
        return 2
    setup_instructor()
    code = run(venv_python(INSTRUCTOR_VENV), ROOT / "tools" / "classroom.py", "init",
               Path(extra[0]).resolve(), *extra[1:])
    if not code:
        activate = (INSTRUCTOR_VENV / "Scripts" / "activate" if os.name == "nt"
                    else f"source {INSTRUCTOR_VENV / 'bin' / 'activate'}")
        print(f"Activate the instructor environment first: {activate}")
    return code


def main(argv: list[str]) -> int:
    commands = {"lab": lab, "test": test, "refresh": refresh, "instructor": instructor}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    if argv[0] != "instructor":  # instructors need only .venv-instructor
        setup()
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
