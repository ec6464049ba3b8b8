"""A fresh workspace, as a learner gets it: real JupyterLab, headless Chromium (issue 11).

    .venv/bin/python -m pytest tests/browser/test_workspace.py -m browser

A temporary repository holds a copy of notebooks/; ``workspace.sync`` makes its workspace,
and JupyterLab serves that folder, as ``course.py lab`` does. For every notebook, Run All
in the fresh copy must end without an unexpected error, with every check saying
"Not attempted yet" and none "Correct!". Then one exercise is typed in through the UI,
the notebook saved, and the progress cell of 00_start_here must count it.
Screenshots go to artifacts/browser/workspace-*.png.
"""

from __future__ import annotations

import re
import secrets
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.instruments import workspace as ws
from tests.browser.test_jupyterlab import (
    ARTIFACTS,
    VISIBLE,
    _run_all,
    _shut_down_kernels,
    _write_settings,
    require_chromium,
    serving,
)

playwright = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
COURSE = ws.course_notebooks(ROOT)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    """JupyterLab over a fresh workspace: (base URL, token, workspace folder)."""
    require_chromium()
    tmp = tmp_path_factory.mktemp("workspace-lab")
    shutil.copytree(ROOT / ws.COURSE_FOLDER, tmp / ws.COURSE_FOLDER,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "results"))
    folder = ws.sync(tmp).folder
    _write_settings(tmp / "settings")
    token = secrets.token_hex(16)

    def command(port: int) -> list[str]:
        line = ws.lab_command(sys.executable, folder, [
            "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            f"--IdentityProvider.token={token}", f"--LabApp.user_settings_dir={tmp / 'settings'}",
            f"--LabApp.workspaces_dir={tmp / 'workspaces'}"])
        return line if "--allow-root" in line else [*line, "--allow-root"]

    with serving(command, tmp, token, cwd=folder) as base:
        yield base, token, folder


def _screenshot_first_check(page, name: str) -> None:
    """Centre the first exercise's check cell (its answer and solution above it), and shoot."""
    found = page.locator(f"{VISIBLE} .jp-CodeCell", has_text="from helpers.checks")
    if found.count():
        found.first.evaluate("e => e.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / name))


@pytest.mark.parametrize("path", COURSE, ids=lambda p: p.stem)
def test_run_all_in_a_fresh_copy_solves_nothing(lab, page, path: Path) -> None:
    base, token, folder = lab
    try:
        _run_all(page, f"{base}/lab/tree/{path.name}?reset&token={token}")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        _screenshot_first_check(page, f"workspace-{path.stem}.png")
    finally:
        _shut_down_kernels(base, token)
    saved = ws.read_notebook(folder / path.name)
    code = [c for c in saved["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] for c in code if ws.source_of(c).strip()), (
        "some cells did not run")
    for cell in code:
        errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
        if errors and "raises-exception" not in cell["metadata"].get("tags", []):
            pytest.fail(f"unexpected {errors[0]['ename']}: {errors[0]['evalue']}\n"
                        + ws.source_of(cell))
    for cell in (c for c in code if ws.is_check(c)):
        text = "".join(ws.output_text(o) for o in cell["outputs"])
        assert "Not attempted yet" in text and ws.CORRECT not in text, ws.source_of(cell)
    assert all(r.solved == 0 for r in ws.progress(folder, [path.name]))


def _type_into_answer(page, stub: str, answer: str) -> None:
    """Replace the text of the answer cell that holds ``stub`` with ``answer``."""
    cell = page.locator(f"{VISIBLE} .jp-CodeCell", has_text=stub).first
    cell.scroll_into_view_if_needed()
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(answer)
    page.keyboard.press("Control+s")
    # The tab, not the cell: an edited cell stays marked dirty until it runs again.
    page.wait_for_function("() => !document.querySelector('.lm-TabBar-tab.jp-mod-dirty')",
                           timeout=30_000)


def test_an_exercise_solved_in_the_ui_counts_in_the_progress(lab, page) -> None:
    base, token, folder = lab
    first = next(p for p in COURSE if any(ws.is_check(c) for c in ws.read_notebook(p)["cells"]))
    nb = ws.read_notebook(ROOT / ws.COURSE_FOLDER / first.name)
    answer = next(c for c in nb["cells"] if ws.is_answer(c))
    stub, solved = ws.stub_source(ws.source_of(answer)), ws.solved_source(ws.source_of(answer))
    try:
        _run_all(page, f"{base}/lab/tree/{first.name}?reset&token={token}")  # kernel ready
        _type_into_answer(page, stub.strip(), solved)
        _run_all(page, f"{base}/lab/tree/{first.name}?token={token}")  # saves at the end
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        _screenshot_first_check(page, "workspace-solved-one.png")
    finally:
        _shut_down_kernels(base, token)
    row = next(r for r in ws.progress(folder) if r.name == first.name)
    assert row.solved == 1, "the check's Correct! was not saved"
    total = sum(r.exercises for r in ws.progress(folder))
    try:
        _run_all(page, f"{base}/lab/tree/{ws.START}?reset&token={token}")
        page.screenshot(path=str(ARTIFACTS / "workspace-progress.png"))
    finally:
        _shut_down_kernels(base, token)
    shown = page.locator(f"{VISIBLE} .jp-OutputArea-output", has_text="Exercises solved")
    assert re.search(rf"Exercises solved: 1 of {total}\b", shown.first.inner_text())
