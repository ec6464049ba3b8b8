"""Grading integrity: an exercise's answer names are bound by its answer cell only.

A check judges whatever its answer names hold when it runs. If the lesson bound the same
name earlier, an answer cell that fails before it assigns (or times out, or is never
run) leaves the lesson's value in place, and the check grades that instead (issue 14:
notebook 02's ``proc``). So for every nbgrader solution cell, no name it binds may be
bound by an earlier code cell of the same notebook, and no file its ``%%writefile``
writes may be written earlier.

Answer names are every name the solution cell binds at the top level, found with
``ast``: assignments (also augmented, annotated, unpacking, walrus), ``for`` and
``with ... as`` targets, ``except ... as``, ``def`` and ``class``, ``import``; for a
``%%writefile`` cell, the file it writes. ``_`` is a throwaway and does not count.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
WRITEFILE = ("%%writefile", "%%file")


def _code_of(source: str) -> tuple[str | None, str | None]:
    """(Python code the cell runs, file a ``%%writefile`` cell writes)."""
    lines = source.splitlines()
    if lines and lines[0].startswith(WRITEFILE):
        return None, lines[0].split()[-1]
    if lines and lines[0].startswith("%%"):
        lines = lines[1:]  # %%time and friends run the rest as Python
    # Line magics and shell escapes are not Python: blank them, keeping line numbers.
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in lines), None


def _targets(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, (ast.Tuple, ast.List)):
        for element in node.elts:
            yield from _targets(element)
    elif isinstance(node, ast.Starred):
        yield from _targets(node.value)


def bound_names(code: str) -> set[str]:
    """Names that ``code`` binds in the namespace it runs in (function bodies and
    comprehensions have their own scope and do not count)."""
    names: set[str] = set()

    def statements(body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(stmt.name)
                continue
            if isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    names.update(_targets(target))
            elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
                names.update(_targets(stmt.target))
            elif isinstance(stmt, (ast.For, ast.AsyncFor)):
                names.update(_targets(stmt.target))
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                for item in stmt.items:
                    if item.optional_vars is not None:
                        names.update(_targets(item.optional_vars))
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for alias in stmt.names:
                    if alias.name != "*":
                        names.add((alias.asname or alias.name).split(".")[0])
            elif isinstance(stmt, ast.Try):
                for handler in stmt.handlers:
                    if handler.name:
                        names.add(handler.name)
                    statements(handler.body)
            for node in ast.walk(stmt):
                if isinstance(node, ast.NamedExpr):
                    names.update(_targets(node.target))
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list):
                    statements(inner)

    statements(ast.parse(code).body)
    return names


def _bindings(cell: dict) -> set[str]:
    """What a code cell binds: names, and ``file:<name>`` for a file it writes."""
    code, written = _code_of("".join(cell["source"]))
    if written is not None:
        return {f"file:{written}"}
    return bound_names(code) - {"_"}


def exercises() -> Iterator[tuple[str, int, set[str], dict[str, list[int]]]]:
    """(notebook, cell index, answer names, {name: earlier cells binding it}) per
    solution cell."""
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        earlier: dict[str, list[int]] = {}
        for index, cell in enumerate(cells):
            if cell["cell_type"] != "code":
                continue
            names = _bindings(cell)
            if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
                yield path.name, index, names, {n: list(earlier[n]) for n in sorted(names)
                                                if n in earlier}
            for name in names:
                earlier.setdefault(name, []).append(index)


EXERCISES = list(exercises())


def test_every_notebook_with_exercises_is_seen():
    assert {notebook for notebook, *_ in EXERCISES} >= {
        f"{n:02d}_{t}.ipynb" for n, t in [(1, "cpu_count"), (2, "process"), (3, "queue")]}


@pytest.mark.parametrize(("notebook", "cell", "answers", "collisions"), EXERCISES,
                         ids=[f"{nb[:2]}-cell{cell}" for nb, cell, *_ in EXERCISES])
def test_answer_names_are_not_bound_earlier(notebook, cell, answers, collisions):
    assert answers, f"{notebook} cell {cell}: a solution cell that binds nothing"
    assert not collisions, (
        f"{notebook} cell {cell}: the answer cell binds "
        + ", ".join(f"{name!r} (also bound by cell {', '.join(map(str, cells))})"
                    for name, cells in collisions.items())
        + ". A check would grade the earlier value when the answer cell fails before it "
          "assigns: give the exercise its own names.")


@pytest.mark.parametrize(("code", "names"), [
    ("x = 1\na, (b, *c) = 1, (2, 3)\nd += 1\ne: int = 2", {"x", "a", "b", "c", "d", "e"}),
    ("for i in range(3):\n    j = i\nelse:\n    k = 0", {"i", "j", "k"}),
    ("with open('f') as f, open('g') as (g, h):\n    pass", {"f", "g", "h"}),
    ("import os.path\nfrom a import b as c\nfrom d import *", {"os", "c"}),
    ("def f(x):\n    y = x\nclass C:\n    z = 1", {"f", "C"}),
    ("try:\n    t = 1\nexcept E as err:\n    u = 2\nfinally:\n    v = 3", {"t", "err", "u", "v"}),
    ("if (w := 3):\n    pass\n[q for q in range(2)]", {"w"}),
])
def test_bound_names(code, names):
    assert bound_names(code) == names


def test_writefile_cells_bind_their_file_and_magics_are_skipped():
    assert _bindings({"source": ["%%writefile my_workers.py\n", "x = 1\n"]}) \
        == {"file:my_workers.py"}
    assert _bindings({"source": ["%%time\n", "x = 1\n", "%matplotlib inline\n", "!ls\n"]}) \
        == {"x"}
