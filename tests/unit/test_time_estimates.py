"""The start page's time table agrees with each notebook's own "*About N minutes.*"."""

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
INDEX = NOTEBOOKS / "00_start_here.ipynb"
ROW = re.compile(r"(?m)^\| *\d+ *\| *\[[^\]]*\]\(([\w.]+\.ipynb)\) *\|.*\| *(\d+) min *\|$")


def table() -> dict[str, int]:
    """{notebook file: minutes} from the start page's table."""
    text = "\n".join(c.source for c in nbformat.read(INDEX, as_version=4).cells
                     if c.cell_type == "markdown")
    return {name: int(minutes) for name, minutes in ROW.findall(text)}


def own_estimate(path: Path) -> int:
    first = nbformat.read(path, as_version=4).cells[0].source
    found = re.findall(r"\*About (\d+) minutes\.\*", first)
    assert len(found) == 1, f"{path.name}: the first cell says *About N minutes.* once"
    return int(found[0])


def test_the_table_lists_every_notebook():
    assert sorted(table()) == sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")
                                     if p != INDEX)


@pytest.mark.parametrize("name", sorted(table()))
def test_the_start_page_and_the_notebook_agree(name):
    assert table()[name] == own_estimate(NOTEBOOKS / name), (
        f"00_start_here.ipynb says {table()[name]} min for {name}, which says "
        f"{own_estimate(NOTEBOOKS / name)}: use one number in both places")
