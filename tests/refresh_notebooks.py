"""Re-execute notebooks and store their outputs: the project's way to update them.

    python tests/refresh_notebooks.py                       # every notebook
    python tests/refresh_notebooks.py notebooks/02_process.ipynb --start-method spawn

Each notebook runs top to bottom in a fresh kernel from its own folder, exactly as
"Run All" does in JupyterLab, with the chosen default start method (the platform's
default if omitted). A cell that raises fails the refresh unless it is tagged
``raises-exception``. Prints each notebook's wall time.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests import harness  # noqa: E402


def refresh(path: Path, method: str, timeout: int = 300) -> float:
    """Execute ``path`` in place; return its wall time in seconds."""
    nb = nbformat.read(path, as_version=4)
    kernelspec = nb.metadata.get("kernelspec")
    client = NotebookClient(nb, timeout=timeout, kernel_name=harness.kernel_name(method),
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    nb.metadata["kernelspec"] = kernelspec or {
        "name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, path)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--start-method", choices=multiprocessing.get_all_start_methods(),
                        default=multiprocessing.get_start_method())
    args = parser.parse_args()
    paths = args.notebooks or sorted(harness.NOTEBOOKS.glob("[0-9]*.ipynb"))
    with tempfile.TemporaryDirectory(prefix="mp-course-kernels-") as jupyter_dir:
        harness.install_kernelspecs(Path(jupyter_dir))
        os.environ["JUPYTER_PATH"] = jupyter_dir
        for path in paths:
            seconds = refresh(path.resolve(), args.start_method)
            print(f"{path.name}: executed under {args.start_method} in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
