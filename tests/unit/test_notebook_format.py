"""Every notebook follows the course's format (see tools/authoring.py and style notes)."""

import re
from pathlib import Path

import nbformat
import pytest

from tests.plugin import NOTEBOOKS

INDEX = NOTEBOOKS / "00_start_here.ipynb"
PATHS = sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb") if p != INDEX)
IGNORE = re.compile(r"(?m)^\s*#\s*NBVAL_IGNORE_OUTPUT\s*$")


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_there_are_notebooks():
    assert len(PATHS) >= 6


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_executed_in_order_without_unexpected_errors(path):
    nb = _read(path)
    counts = [c.execution_count for c in _code(nb)]
    assert None not in counts, "run the project's refresh command: some cells were never run"
    assert counts == sorted(counts), "cells were executed out of order"
    for cell in _code(nb):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if errors:
            assert "raises-exception" in cell.metadata.get("tags", []), cell.source


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_no_path_hacks_and_a_python3_kernel(path):
    nb = _read(path)
    assert nb.metadata.kernelspec.name == "python3"
    for cell in _code(nb):
        assert not re.search(r"sys\.path\.(insert|append)|os\.chdir\(", cell.source)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_ignored_outputs_are_explained_and_rare(path):
    nb = _read(path)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and IGNORE.search(cell.source):
            assert i > 0 and nb.cells[i - 1].cell_type == "markdown", (
                f"{path.name}: the markdown just above an NBVAL_IGNORE_OUTPUT cell says why")
    assert not any(re.search(r"NBVAL_(SKIP|RAISES_EXCEPTION)|nbval-lax", c.source)
                   for c in _code(nb))


def test_at_most_15_percent_of_code_cells_ignored():
    cells = [c for p in PATHS for c in _code(_read(p))]
    ignored = sum(bool(IGNORE.search(c.source)) for c in cells)
    assert ignored <= 0.15 * len(cells), f"{ignored} of {len(cells)} code cells ignored"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_exercises(path):
    nb = _read(path)
    graded = [c for c in nb.cells if "nbgrader" in c.metadata]
    answers = [c for c in graded if c.metadata.nbgrader["solution"]]
    checks = [c for c in graded if c.metadata.nbgrader["grade"]]
    assert len(answers) >= 2 and len(checks) >= 2, "each notebook has at least two exercises"
    for cell in answers:
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
        assert cell.metadata.get("jupyter", {}).get("source_hidden") is True
        assert re.search(r"= \.\.\.", cell.source.split("### BEGIN SOLUTION")[0]), (
            "the answer starts as ... so the check can say 'not attempted'")
    for cell in checks:
        meta = cell.metadata.nbgrader
        assert meta["locked"] and meta["points"] > 0
        assert "helpers.checks" in cell.source


def test_grade_ids_are_unique():
    ids = [c.metadata.nbgrader["grade_id"] for p in PATHS for c in _read(p).cells
           if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_opens_with_goals_and_ends_with_key_points_and_next(path):
    nb = _read(path)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert nb.cells[0].source.startswith(f"# {path.name[:2]} · ")
    assert "you will be able to" in nb.cells[0].source
    assert "## Key points" in text
    links = re.findall(r"\]\(([0-9][0-9]_[\w.]+\.ipynb)\)", nb.cells[-1].source)
    assert "**Next:**" in nb.cells[-1].source
    assert all((NOTEBOOKS / link).exists() for link in links)


def test_index_links_every_notebook_in_order():
    text = "\n".join(c.source for c in _read(INDEX).cells if c.cell_type == "markdown")
    table = [line for line in text.splitlines() if line.startswith("| ") and ".ipynb" in line]
    linked = [re.search(r"\]\(([\w.]+\.ipynb)\)", line).group(1) for line in table]
    assert linked == [p.name for p in PATHS]
    assert all(re.search(r"\d+ min \|$", line) for line in table), "each row says how long"
