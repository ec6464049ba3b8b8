"""Write notebook cells in the course's format (for maintainers adding notebooks).

    from tools.authoring import md, code, answer, check, write_notebook
    write_notebook("notebooks/10_new.ipynb", [md("# Title"), code("1 + 1"), ...])

Then run ``python3 course.py refresh notebooks/10_new.ipynb`` to execute it and
store its outputs. Exercise cells carry nbgrader metadata:

* :func:`answer` -- an nbgrader *solution* cell. The solution sits between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION``; in the repo the cell is collapsed
  (``jupyter.source_hidden``). Learners get workspace copies with the stub only, and the
  solution one click away (helpers/instruments/workspace.py).
* :func:`check` -- an nbgrader *grade* cell with points, locked, which calls a
  checker from ``helpers.checks``.

A code cell tagged ``workspace-clear-output`` starts with no output in a learner's fresh
copy (for output that describes the maintainer's machine).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

SCHEMA_VERSION = 3


def md(text: str) -> nbformat.NotebookNode:
    """A markdown cell (leading/trailing blank lines removed)."""
    return new_markdown_cell(text.strip("\n"))


def code(text: str, tags: tuple[str, ...] = ()) -> nbformat.NotebookNode:
    """A code cell, optionally tagged (e.g. ``("raises-exception",)``)."""
    cell = new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def answer(grade_id: str, text: str) -> nbformat.NotebookNode:
    """An exercise's answer cell: nbgrader solution cell, collapsed in the repo."""
    if "### BEGIN SOLUTION" not in text or "### END SOLUTION" not in text:
        raise ValueError(f"{grade_id}: an answer cell needs ### BEGIN/END SOLUTION markers.")
    cell = code(text)
    cell.metadata["jupyter"] = {"source_hidden": True}
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": grade_id, "locked": False,
                                 "schema_version": SCHEMA_VERSION, "solution": True,
                                 "task": False}
    return cell


def check(grade_id: str, text: str, points: int = 1) -> nbformat.NotebookNode:
    """An exercise's check cell: nbgrader grade cell, locked, worth ``points``."""
    cell = code(text)
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "locked": True,
                                 "points": points, "schema_version": SCHEMA_VERSION,
                                 "solution": False, "task": False}
    return cell


def write_notebook(path: str | Path, cells: list[nbformat.NotebookNode]) -> Path:
    """Write ``cells`` as a new, unexecuted notebook with the standard Python 3 kernel."""
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    path = Path(path)
    nbformat.write(nb, path)
    return path
