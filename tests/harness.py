"""Test plumbing shared by conftest.py and refresh_notebooks.py.

* Kernel specs that set the default start method, so every notebook runs unchanged
  under fork, spawn and forkserver.
* A check that a kernel left no child process behind.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SANITIZERS = Path(__file__).resolve().parent / "sanitize.cfg"
KERNEL_PREFIX = "mp-course-"


def kernel_name(method: str) -> str:
    """The name of the test kernel whose default start method is ``method``."""
    return KERNEL_PREFIX + method


def install_kernelspecs(jupyter_dir: Path) -> list[str]:
    """Write one kernel spec per available start method under ``jupyter_dir/kernels``.

    Each is this interpreter's ipykernel, with the default start method set before
    the first cell runs (without adding any name to the notebook's namespace).
    Point ``JUPYTER_PATH`` at ``jupyter_dir`` to use them.
    """
    names = []
    for method in multiprocessing.get_all_start_methods():
        set_method = f"__import__('multiprocessing').set_start_method({method!r}, force=True)"
        spec = {
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                     f"--IPKernelApp.exec_lines={set_method}"],
            "display_name": f"Python 3 ({method})",
            "language": "python",
        }
        folder = jupyter_dir / "kernels" / kernel_name(method)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "kernel.json").write_text(json.dumps(spec, indent=1))
        names.append(kernel_name(method))
    return names


def _is_infrastructure(proc: psutil.Process, kernel_pid: int) -> bool:
    """multiprocessing's own long-lived helpers: the resource tracker and forkserver."""
    try:
        cmdline = " ".join(proc.cmdline())
        parent = proc.ppid()
    except psutil.Error:
        return False
    if "resource_tracker" in cmdline:
        return True
    # The forkserver process itself, but not the workers it forks (their parent is it).
    return "forkserver" in cmdline and parent == kernel_pid


def leftover_children(kernel_pid: int) -> list[psutil.Process]:
    """Descendants of ``kernel_pid`` that are not multiprocessing infrastructure.

    Zombies count: a child that ended but was never joined is still left behind.
    """
    try:
        children = psutil.Process(kernel_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [p for p in children if p.is_running() and not _is_infrastructure(p, kernel_pid)]


def wait_for_no_leftovers(kernel_pid: int, timeout: float = 5.0) -> list[psutil.Process]:
    """Poll until no leftover child remains (pools take a moment to exit); return the rest."""
    deadline = time.monotonic() + timeout
    while True:
        left = leftover_children(kernel_pid)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def describe(procs: list[psutil.Process]) -> str:
    """One line per process: pid, status and command line."""
    lines = []
    for p in procs:
        try:
            lines.append(f"pid {p.pid} ({p.status()}): {' '.join(p.cmdline())[:120]}")
        except psutil.Error:
            lines.append(f"pid {p.pid} (zombie or gone)")
    return "\n".join(lines)
