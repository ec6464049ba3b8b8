"""Kernel specs whose default start method is chosen, so every notebook runs unchanged
under fork, spawn and forkserver: the one home of that recipe, used by the nbval
plugin (tests/plugin.py), ``tools/refresh.py`` and the grading tests.

    with kernelspecs() as names:       # JUPYTER_PATH points at them inside the block
        ... kernel_name("spawn") ...
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
KERNEL_PREFIX = "mp-course-"


def kernel_name(method: str) -> str:
    """The name of the test kernel whose default start method is ``method``."""
    return KERNEL_PREFIX + method


def set_start_method_line(method: str) -> str:
    """One line of Python that makes ``method`` the default start method, without adding
    a name to the namespace it runs in (for ``IPKernelApp.exec_lines``)."""
    return f"__import__('multiprocessing').set_start_method({method!r}, force=True)"


def kernel_argv(method: str, python: str = sys.executable) -> list[str]:
    """The command line of an ipykernel whose default start method is ``method``."""
    return [python, "-m", "ipykernel_launcher", "-f", "{connection_file}",
            f"--IPKernelApp.exec_lines={set_start_method_line(method)}"]


def install_kernelspecs(jupyter_dir: Path, python: str = sys.executable) -> list[str]:
    """Write one kernel spec per available start method under ``jupyter_dir/kernels``.

    Each is ``python``'s ipykernel, with the default start method set before the first
    cell runs. Point ``JUPYTER_PATH`` at ``jupyter_dir`` to use them.
    """
    names = []
    for method in multiprocessing.get_all_start_methods():
        spec = {"argv": kernel_argv(method, python), "display_name": f"Python 3 ({method})",
                "language": "python"}
        folder = jupyter_dir / "kernels" / kernel_name(method)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "kernel.json").write_text(json.dumps(spec, indent=1))
        names.append(kernel_name(method))
    return names


@contextmanager
def kernelspecs(python: str = sys.executable) -> Iterator[list[str]]:
    """Install the kernel specs in a temporary folder and put it first on JUPYTER_PATH."""
    saved = os.environ.get("JUPYTER_PATH")
    with tempfile.TemporaryDirectory(prefix="mp-course-kernels-") as folder:
        names = install_kernelspecs(Path(folder), python)
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [folder, saved]))
        try:
            yield names
        finally:
            if saved is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = saved
