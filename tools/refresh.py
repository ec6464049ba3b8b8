"""Re-execute notebooks and store their outputs: the project's way to update them.

    python -m tools.refresh                                      # every notebook
    python -m tools.refresh notebooks/02_process.ipynb --start-method spawn

(``python3 course.py refresh ...`` runs this with the course's environment.) Each
notebook runs top to bottom in a fresh kernel from its own folder, exactly as "Run
All" does in JupyterLab, with the chosen default start method (the platform's default
if omitted). A cell that raises fails the refresh unless it is tagged
``raises-exception``. Prints each notebook's wall time.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tools import kernels

DEFAULT_KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                      "language": "python"}


def refresh(path: Path, method: str, timeout: int = 300) -> float:
    """Execute ``path`` in place; return its wall time in seconds."""
    nb = nbformat.read(path, as_version=4)
    kernelspec = nb.metadata.get("kernelspec")
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernels.kernel_name(method),
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    nb.metadata["kernelspec"] = kernelspec or DEFAULT_KERNELSPEC
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.refresh",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--start-method", choices=multiprocessing.get_all_start_methods(),
                        default=multiprocessing.get_start_method())
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(kernels.NOTEBOOKS.glob("[0-9]*.ipynb"))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    with kernels.kernelspecs():
        for path in paths:
            seconds = refresh(path.resolve(), args.start_method)
            print(f"{path.name}: executed under {args.start_method} in {seconds:.1f} s",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
