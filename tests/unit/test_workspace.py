"""The learner's workspace (helpers/instruments/workspace.py), on the real course notebooks.

Fast: no kernel runs here. The Run All of every fresh copy is the browser tests' job.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from helpers.instruments import workspace as ws

ROOT = Path(__file__).resolve().parents[2]
COURSE = ws.course_notebooks(ROOT)
WITH_EXERCISES = [p for p in COURSE if any(ws.is_check(c) for c in ws.read_notebook(p)["cells"])]
WHEN = datetime.datetime(2026, 12, 2, 10, 12)


def _copy(path: Path) -> dict[str, Any]:
    return ws.student_copy(ws.read_notebook(path))


def _code_lines(cells: list[dict[str, Any]]) -> set[str]:
    return {line.strip() for cell in cells if cell["cell_type"] == "code"
            for line in ws.source_of(cell).splitlines() if line.strip()}


def _by_id(nb: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {ws.nbgrader_meta(c)["grade_id"]: c for c in nb["cells"] if ws.nbgrader_meta(c)}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository root holding a copy of the course's notebooks."""
    shutil.copytree(ROOT / ws.COURSE_FOLDER, tmp_path / ws.COURSE_FOLDER,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "results"))
    return tmp_path


def _edit_answer(path: Path, text: str = "n = 42") -> bytes:
    """Type into the first answer cell of a saved copy, as a learner would; the new bytes."""
    nb = ws.read_notebook(path)
    next(c for c in nb["cells"] if ws.is_answer(c))["source"] = text
    path.write_text(ws.notebook_text(nb), encoding="utf-8")
    return path.read_bytes()


def _edit_course(path: Path, text: str) -> None:
    """A course change: a maintainer appends a markdown cell."""
    nb = ws.read_notebook(path)
    nb["cells"].append({"cell_type": "markdown", "id": "new-cell", "metadata": {},
                        "source": text})
    path.write_text(ws.notebook_text(nb), encoding="utf-8")


# --- the transformation -----------------------------------------------------------------


def test_the_course_has_exercises() -> None:
    assert len(WITH_EXERCISES) >= 6


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_no_solution_code_in_any_runnable_cell(path: Path) -> None:
    course, copy = ws.read_notebook(path), _copy(path)
    code = [c for c in copy["cells"] if c["cell_type"] == "code"]
    assert not any(ws.BEGIN_SOLUTION in ws.source_of(c) or ws.END_SOLUTION in ws.source_of(c)
                   for c in code)
    copied = _code_lines(copy["cells"])
    for answer in (c for c in course["cells"] if ws.is_answer(c)):
        solution = ws.solution_text(ws.source_of(answer))
        others = _code_lines([c for c in course["cells"] if c is not answer])
        only_in_solution = {line.strip() for line in solution.splitlines() if line.strip()}
        assert only_in_solution, "an answer cell with an empty solution"
        assert not (only_in_solution - others) & copied, ws.nbgrader_meta(answer)["grade_id"]
        assert not any(solution.strip() in ws.source_of(c) for c in code)


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_every_exercise_keeps_its_stub_its_solution_and_its_check(path: Path) -> None:
    course, copy = ws.read_notebook(path), _copy(path)
    copied, cells = _by_id(copy), copy["cells"]
    assert copied.keys() == _by_id(course).keys()
    for grade_id, cell in _by_id(course).items():
        mine = copied[grade_id]
        assert mine["metadata"]["nbgrader"] == cell["metadata"]["nbgrader"]
        assert mine["outputs"] == [] and mine["execution_count"] is None
        if ws.is_answer(cell):
            stub = ws.source_of(mine)
            assert stub == ws.stub_source(ws.source_of(cell)) and "= ..." in stub
            assert "source_hidden" not in mine["metadata"].get("jupyter", {})
            shown = cells[cells.index(mine) + 1]
            assert shown["cell_type"] == "markdown"
            assert ws.source_of(shown).startswith(f"<details><summary>{ws.SHOW_SOLUTION}")
            assert ws.solved_source(ws.source_of(cell)) in ws.source_of(shown)
        else:
            assert ws.source_of(mine) == ws.source_of(cell)
            assert "raises-exception" in mine["metadata"]["tags"]
            assert mine["metadata"]["editable"] is False
            assert mine["metadata"]["deletable"] is False
    order = [ws.nbgrader_meta(c).get("solution") for c in cells if ws.nbgrader_meta(c)]
    assert order == [True, False] * (len(order) // 2), "answer, then its check"


@pytest.mark.parametrize("path", COURSE, ids=lambda p: p.stem)
def test_copies_are_valid_nbformat_and_leave_the_course_alone(path: Path) -> None:
    course = ws.read_notebook(path)
    before = json.dumps(course, sort_keys=True)
    text = ws.notebook_text(ws.student_copy(course))
    nbformat.validate(nbformat.reads(text, as_version=4))
    assert json.dumps(course, sort_keys=True) == before


@pytest.mark.parametrize("path", COURSE, ids=lambda p: p.stem)
def test_lesson_cells_keep_their_outputs(path: Path) -> None:
    course, copy = ws.read_notebook(path), _copy(path)
    lessons = [c for c in course["cells"] if c["cell_type"] == "code" and not ws.nbgrader_meta(c)
               and ws.CLEAR_OUTPUT_TAG not in c["metadata"].get("tags", [])]
    kept = {c.get("id"): c for c in copy["cells"]}
    assert all(kept[c.get("id")]["outputs"] == c["outputs"] for c in lessons)


@pytest.mark.parametrize("path", COURSE, ids=lambda p: p.stem)
def test_the_prose_matches_what_a_copy_shows(path: Path) -> None:
    for cell in _copy(path)["cells"]:
        if cell["cell_type"] == "markdown":
            assert "⋯" not in ws.source_of(cell), ws.source_of(cell)


def test_prose_rewrite() -> None:
    text = ("The answer cell holds our solution,\ncollapsed: click the `⋯` to reveal it, "
            "but try first. Replace it.")
    assert ws.rewrite_prose(text) == ("The answer cell " + ws.SOLUTION_PROSE_IN_COPY
                                      + " Replace it.")


def test_stub_for_nbgrader_matches_clear_solutions() -> None:
    source = ('%%writefile my_workers.py\ndef shout(text):\n    shouted = ...\n'
              '    ### BEGIN SOLUTION\n    shouted = text.upper() + "!"\n'
              '    ### END SOLUTION\n    return shouted')
    assert ws.stub_source(source) == ('%%writefile my_workers.py\ndef shout(text):\n'
                                      '    shouted = ...\n    return shouted')
    assert ws.stub_source(source, ws.NBGRADER_CODE_STUB) == (
        '%%writefile my_workers.py\ndef shout(text):\n    shouted = ...\n'
        '    # YOUR CODE HERE\n    return shouted')
    assert ws.solved_source(source) == ('%%writefile my_workers.py\ndef shout(text):\n'
                                        '    shouted = text.upper() + "!"\n    return shouted')
    assert ws.stub_source("x = 1", ws.NBGRADER_CODE_STUB) == ws.NBGRADER_CODE_STUB


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_the_same_stub_as_nbgrader_itself(path: Path) -> None:
    clear = pytest.importorskip("nbgrader.preprocessors").ClearSolutions
    nb = nbformat.read(path, as_version=4)
    released, _ = clear(code_stub={"python": ws.NBGRADER_CODE_STUB}).preprocess(nb, {})
    for cell in (c for c in ws.read_notebook(path)["cells"] if ws.is_answer(c)):
        grade_id = ws.nbgrader_meta(cell)["grade_id"]
        assert ws.source_of(_by_id(released)[grade_id]) == ws.stub_source(
            ws.source_of(cell), ws.NBGRADER_CODE_STUB)


@pytest.mark.parametrize("source", [
    "### BEGIN SOLUTION\nx = 1", "x = 1\n### END SOLUTION",
    "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION"])
def test_unbalanced_markers_are_an_error(source: str) -> None:
    with pytest.raises(ValueError):
        ws.stub_source(source)


def test_hidden_tests_and_tagged_outputs_are_dropped() -> None:
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "id": "a", "execution_count": 3, "source": "show()",
         "metadata": {"tags": [ws.CLEAR_OUTPUT_TAG]},
         "outputs": [{"output_type": "stream", "name": "stdout", "text": "25 of 25"}]},
        {"cell_type": "code", "id": "b", "execution_count": 4, "outputs": [],
         "metadata": {"nbgrader": {"grade": True, "grade_id": "c", "solution": False}},
         "source": "check(x)\n### BEGIN HIDDEN TESTS\nassert x == 3\n### END HIDDEN TESTS"}]}
    first, second = ws.student_copy(nb)["cells"]
    assert first["outputs"] == [] and first["execution_count"] is None
    assert ws.source_of(second) == "check(x)"


def test_runs_with_the_standard_library_only(tmp_path: Path) -> None:
    script = (
        "import importlib.util, sys, pathlib\n"
        f"spec = importlib.util.spec_from_file_location('w', {str(ws.__file__)!r})\n"
        "w = importlib.util.module_from_spec(spec); sys.modules['w'] = w\n"
        "spec.loader.exec_module(w)\n"
        f"print(w.sync(pathlib.Path({str(tmp_path)!r})).lines()[0])\n")
    shutil.copytree(ROOT / ws.COURSE_FOLDER, tmp_path / ws.COURSE_FOLDER,
                    ignore=shutil.ignore_patterns("*.csv", ".ipynb_checkpoints"))
    done = subprocess.run([sys.executable, "-S", "-I", "-c", script], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Made your workspace" in done.stdout


# --- sync and reset -----------------------------------------------------------------------


def test_sync_makes_the_workspace_then_finds_it_up_to_date(repo: Path) -> None:
    report = ws.sync(repo)
    folder = ws.workspace_folder(repo)
    assert report.created and report.added == [p.name for p in COURSE]
    assert "Made your workspace" in report.lines()[0]
    assert (folder / ws.MANIFEST).exists()
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    again = ws.sync(repo)
    assert again.lines() == [f"Your workspace is up to date: {folder}"]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_sync_twice_keeps_a_changed_copy(repo: Path) -> None:
    ws.sync(repo)
    mine = ws.workspace_folder(repo) / WITH_EXERCISES[0].name
    typed = _edit_answer(mine)
    ws.sync(repo)
    ws.sync(repo)
    assert mine.read_bytes() == typed


def test_a_course_change_refreshes_untouched_copies_and_reports_changed_ones(repo: Path) -> None:
    ws.sync(repo)
    folder = ws.workspace_folder(repo)
    changed, untouched = WITH_EXERCISES[0].name, WITH_EXERCISES[1].name
    typed = _edit_answer(folder / changed)
    for name in (changed, untouched):
        _edit_course(repo / ws.COURSE_FOLDER / name, "A paragraph added to the course.")
    report = ws.sync(repo)
    assert (folder / changed).read_bytes() == typed
    assert report.outdated == [changed] and report.refreshed == [untouched]
    assert f"python3 course.py reset {changed[:2]}" in "\n".join(report.lines())
    assert "A paragraph added" in (folder / untouched).read_text(encoding="utf-8")
    assert ws.sync(repo).outdated == [changed], "said again until the learner resets"


def test_an_output_only_course_change_is_not_news_for_a_changed_copy(repo: Path) -> None:
    ws.sync(repo)
    folder = ws.workspace_folder(repo)
    changed, untouched = WITH_EXERCISES[0].name, WITH_EXERCISES[1].name
    _edit_answer(folder / changed)
    for name in (changed, untouched):
        path = repo / ws.COURSE_FOLDER / name
        nb = ws.read_notebook(path)
        lesson = next(c for c in nb["cells"] if c["cell_type"] == "code" and c["outputs"]
                      and not ws.nbgrader_meta(c))
        lesson["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "new run\n"}]
        path.write_text(ws.notebook_text(nb), encoding="utf-8")
    report = ws.sync(repo)
    assert report.outdated == [] and report.refreshed == [untouched]
    assert "new run" in (folder / untouched).read_text(encoding="utf-8")


def test_running_a_copy_does_not_make_it_changed(repo: Path) -> None:
    ws.sync(repo)
    path = ws.workspace_folder(repo) / WITH_EXERCISES[0].name
    nb = ws.read_notebook(path)
    nb["metadata"]["language_info"] = {"name": "python", "version": "3.99"}
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["execution_count"] = 1
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "ran"}]
    path.write_text(ws.notebook_text(nb), encoding="utf-8")
    _edit_course(repo / ws.COURSE_FOLDER / path.name, "Changed.")
    assert ws.sync(repo).refreshed == [path.name]


def test_new_missing_and_retired_notebooks(repo: Path) -> None:
    ws.sync(repo)
    folder, course = ws.workspace_folder(repo), repo / ws.COURSE_FOLDER
    shutil.copy(course / WITH_EXERCISES[0].name, course / "10_new_lesson.ipynb")
    (folder / WITH_EXERCISES[1].name).unlink()
    (course / WITH_EXERCISES[2].name).unlink()
    (folder / "my_workers.py").write_text("def mine(): ...\n")
    report = ws.sync(repo)
    assert report.added == ["10_new_lesson.ipynb"]
    assert report.restored == [WITH_EXERCISES[1].name]
    assert report.retired == [WITH_EXERCISES[2].name]
    assert (folder / WITH_EXERCISES[2].name).exists(), "a retired copy is kept"
    assert (folder / "my_workers.py").read_text() == "def mine(): ...\n"
    assert ws.sync(repo).retired == [], "said once"


def test_a_lost_manifest_loses_no_work(repo: Path) -> None:
    ws.sync(repo)
    folder = ws.workspace_folder(repo)
    changed, untouched = WITH_EXERCISES[0].name, WITH_EXERCISES[1].name
    typed = _edit_answer(folder / changed)
    (folder / ws.MANIFEST).write_text("{ half written")
    report = ws.sync(repo)
    assert report.adopted == [changed] and report.problems
    for name in (changed, untouched):
        _edit_course(repo / ws.COURSE_FOLDER / name, "Later.")
    report = ws.sync(repo)
    assert (folder / changed).read_bytes() == typed
    assert report.outdated == [changed] and report.refreshed == [untouched]


def test_reset_keeps_the_old_copy_beside_the_fresh_one(repo: Path) -> None:
    ws.sync(repo)
    folder = ws.workspace_folder(repo)
    name = WITH_EXERCISES[0].name
    typed = _edit_answer(folder / name)
    result = ws.reset(repo, name[:2], now=WHEN)
    assert result.kept == folder / f"{Path(name).stem}.before-reset-2026-12-02T1012.ipynb"
    assert result.kept.read_bytes() == typed
    assert ws.content_digest(ws.read_notebook(folder / name)) == ws.content_digest(
        _copy(WITH_EXERCISES[0]))
    _edit_answer(folder / name, "second try")
    second = ws.reset(repo, Path(name).stem, now=WHEN)
    assert second.kept.name.endswith("-2.ipynb") and result.kept.read_bytes() == typed
    assert ws.sync(repo).lines() == [f"Your workspace is up to date: {folder}"]
    assert [r.name for r in ws.progress(folder)] == [p.name for p in COURSE]


def test_reset_takes_a_newer_course_version(repo: Path) -> None:
    ws.sync(repo)
    name = WITH_EXERCISES[0].name
    _edit_answer(ws.workspace_folder(repo) / name)
    _edit_course(repo / ws.COURSE_FOLDER / name, "Newer.")
    assert ws.sync(repo).outdated == [name]
    ws.reset(repo, name, now=WHEN)
    assert ws.sync(repo).outdated == []
    assert "Newer." in (ws.workspace_folder(repo) / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("which", ["99", "0"])
def test_reset_names_the_choices_for_an_unknown_notebook(repo: Path, which: str) -> None:
    with pytest.raises(ws.UnknownNotebook, match="name one of 00_start_here"):
        ws.reset(repo, which)


def test_an_invalid_notebook_is_reported_and_skipped(repo: Path) -> None:
    ws.sync(repo)
    folder = ws.workspace_folder(repo)
    broken, other = folder / WITH_EXERCISES[0].name, WITH_EXERCISES[1].name
    broken.write_text('{"cells": [', encoding="utf-8")
    for path in COURSE:
        _edit_course(repo / ws.COURSE_FOLDER / path.name, "Changed.")
    report = ws.sync(repo)
    assert broken.read_text(encoding="utf-8") == '{"cells": ['
    assert any(broken.name in p and "not valid JSON" in p for p in report.problems)
    assert other in report.refreshed
    rows = ws.progress(folder)
    assert [r.name for r in rows if r.problem] == [broken.name]
    text = ws.format_progress(rows)
    assert f"Skipped {broken.name}: not valid JSON" in text and "0 of" in text
    assert ws.reset(repo, broken.name, now=WHEN).kept.read_text() == '{"cells": ['


def test_a_folder_in_the_way_gives_a_one_line_error(repo: Path) -> None:
    ws.workspace_folder(repo).write_text("not a folder")
    with pytest.raises(ws.NotWritable) as caught:
        ws.sync(repo)
    message = str(caught.value)
    assert "\n" not in message and str(ws.workspace_folder(repo)) in message
    assert message.startswith("Cannot create ") and f"Make {repo} writable" in message


def test_a_file_that_cannot_be_written_gives_a_one_line_error(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def refuse(self: Path, data: bytes) -> int:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "write_bytes", refuse)
    assert ws.main(["--root", str(repo), "sync"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("Cannot write ") and "Permission denied" in err
    assert f"Make {ws.workspace_folder(repo)} writable" in err
    assert len(err.splitlines()) == 1


@pytest.mark.skipif(os.name == "nt" or ws.running_as_root(),
                    reason="root (and Windows) can write to a read-only folder")
def test_a_read_only_workspace_gives_a_one_line_error(repo: Path) -> None:
    ws.sync(repo)
    folder = ws.workspace_folder(repo)
    shutil.copy(repo / ws.COURSE_FOLDER / COURSE[1].name,
                repo / ws.COURSE_FOLDER / "10_new_lesson.ipynb")
    folder.chmod(0o555)
    try:
        with pytest.raises(ws.NotWritable, match="10_new_lesson"):
            ws.sync(repo)
    finally:
        folder.chmod(0o755)


# --- progress -----------------------------------------------------------------------------


def test_progress_counts_the_checks_that_said_correct(repo: Path) -> None:
    ws.sync(repo)
    folder = ws.workspace_folder(repo)
    total = sum(r.exercises for r in ws.progress(folder))
    path = folder / WITH_EXERCISES[0].name
    nb = ws.read_notebook(path)
    checks = [c for c in nb["cells"] if ws.is_check(c)]
    checks[0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "Correct! Yes."}]
    checks[1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "Not yet. No."}]
    lesson = next(c for c in nb["cells"] if c["cell_type"] == "code" and not ws.nbgrader_meta(c))
    lesson["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "Correct!"}]
    path.write_text(ws.notebook_text(nb), encoding="utf-8")
    row = next(r for r in ws.progress(folder) if r.name == path.name)
    assert (row.solved, row.exercises) == (1, len(checks))
    text = ws.format_progress(ws.progress(folder))
    assert text.startswith(f"Exercises solved: 1 of {total}")
    assert re.search(rf"(?m)^  {path.stem} +1 of {len(checks)}$", text)


def test_progress_ignores_backups_and_other_files(repo: Path) -> None:
    ws.sync(repo)
    folder = ws.workspace_folder(repo)
    (folder / f"{WITH_EXERCISES[0].stem}.before-reset-2026-12-02T1012.ipynb").write_text("{")
    (folder / "Untitled.ipynb").write_text("{")
    assert [r.name for r in ws.progress(folder)] == [p.name for p in COURSE]


def test_progress_in_the_course_folder_is_deterministic(
        capsys: pytest.CaptureFixture[str]) -> None:
    rows = ws.progress(ROOT / ws.COURSE_FOLDER)
    total = sum(r.exercises for r in rows)
    assert total >= 12 and all(r.solved == r.exercises for r in rows)
    ws.show_progress(ROOT / ws.COURSE_FOLDER)
    assert capsys.readouterr().out == (
        f"This folder holds the course's own solved notebooks: {total} of {total} exercises "
        "solved.\nYour own copies are in workspace/: `python3 course.py lab` opens them.\n")


def test_a_fresh_workspace_has_nothing_solved(repo: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    ws.sync(repo)
    total = sum(r.exercises for r in ws.progress(repo / ws.COURSE_FOLDER))
    assert ws.main(["--root", str(repo), "progress"]) == 0
    assert capsys.readouterr().out.startswith(f"Exercises solved: 0 of {total},")


def test_progress_before_there_is_a_workspace(repo: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert ws.main(["--root", str(repo), "progress"]) == 0
    assert "python3 course.py lab" in capsys.readouterr().out


# --- JupyterLab ---------------------------------------------------------------------------


@pytest.mark.parametrize("root", [True, False])
def test_lab_command_opens_the_start_notebook_and_allows_root(
        repo: Path, monkeypatch: pytest.MonkeyPatch, root: bool) -> None:
    monkeypatch.setattr(ws, "running_as_root", lambda: root)
    folder = ws.sync(repo).folder
    command = ws.lab_command("python", folder, ["--port=9999"])
    assert command[:4] == ["python", "-m", "jupyter", "lab"]
    assert f"--ServerApp.root_dir={folder}" in command and "--port=9999" in command
    assert f"--LabApp.default_url=/lab/tree/{ws.START}" in command
    assert command[-1] == "--port=9999", "the learner's own options come last, and win"
    assert ("--allow-root" in command) is root


def test_running_as_root_without_geteuid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "geteuid", raising=False)
    assert ws.running_as_root() is False
