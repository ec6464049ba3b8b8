#!/usr/bin/env python3
"""Set up and run the course. Needs only Python 3.10+; works on Linux, macOS and Windows.

    python3 course.py lab        # set up .venv (first time only), open JupyterLab
    python3 course.py test       # set up .venv, then run every test under every start method
    python3 course.py refresh    # re-execute the notebooks and store their outputs

Set-up creates a virtual environment in .venv and installs requirements.txt into it
(which installs the helpers package in editable mode). It runs again only when
requirements.txt or pyproject.toml change.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".course-installed"
START_METHODS = ("fork", "spawn", "forkserver")


def venv_python() -> Path:
    """The virtual environment's interpreter."""
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(*args: object) -> int:
    """Run a command from the repo root, echoing it first."""
    cmd = [str(a) for a in args]
    print("+", " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=ROOT)


def requirements_digest() -> str:
    files = ("requirements.txt", "pyproject.toml")
    return hashlib.sha256(b"".join((ROOT / f).read_bytes() for f in files)).hexdigest()


def setup() -> None:
    """Create .venv and install requirements.txt into it, unless already up to date."""
    if sys.version_info < (3, 10):  # noqa: UP036 (course.py must explain, not crash)
        sys.exit(f"Python 3.10 or newer is needed; this is {sys.version.split()[0]}.")
    if not venv_python().exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.create(VENV, with_pip=True)
    digest = requirements_digest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    pip = [venv_python(), "-m", "pip", "install", "--disable-pip-version-check"]
    if run(*pip, "--upgrade", "pip") or run(*pip, "-r", ROOT / "requirements.txt"):
        sys.exit("Installing requirements.txt failed; see the messages above.")
    STAMP.write_text(digest)


def lab(extra: list[str]) -> int:
    """Open JupyterLab on the notebooks folder."""
    return run(venv_python(), "-m", "jupyter", "lab", f"--notebook-dir={ROOT / 'notebooks'}",
               *extra)


def test(extra: list[str]) -> int:
    """Lint, then run the unit tests and every notebook (nbval) under each start method."""
    import multiprocessing

    failed = []
    if run(venv_python(), "-m", "ruff", "check", "."):
        failed.append("ruff")
    for method in (m for m in START_METHODS if m in multiprocessing.get_all_start_methods()):
        print(f"\n=== unit tests and notebooks under start method '{method}' ===", flush=True)
        # pytest exits 5 when it ran no test: that counts as a failure too.
        if run(venv_python(), "-m", "pytest", "tests", "notebooks", "--nbval",
               f"--start-method={method}", *extra):
            failed.append(method)
    print("\nAll tests passed." if not failed else f"\nFAILED: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


def refresh(extra: list[str]) -> int:
    """Re-execute notebooks in place (all of them, or the ones named)."""
    return run(venv_python(), ROOT / "tests" / "refresh_notebooks.py", *extra)


def main(argv: list[str]) -> int:
    commands = {"lab": lab, "test": test, "refresh": refresh}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    setup()
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
