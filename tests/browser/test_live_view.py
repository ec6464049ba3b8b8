"""The live view in a real browser (issue 13): it updates during a run, and leaves a picture.

    .venv/bin/python -m pytest tests/browser/test_live_view.py -m browser

JupyterLab serves a temporary folder holding one small notebook. Its second cell runs
``helpers.pools.quiet_work_log`` over 40 tasks of 0.4 s on 2 workers (about 8 s, all
waiting, so a busy machine does not shorten it) inside ``live_view``. Headless Chromium
clicks Run All, and while that cell runs it takes two screenshots of the view's panel,
the second once the panel shows more finished tasks than the first: their bytes must
differ. After the run, the panel must have become a static picture (an ``<img>`` in the
cell's output) with the view's text line under it, and the saved notebook must hold that
picture and no widget. Screenshots: artifacts/browser/live-view-*.png.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from tests.browser.test_jupyterlab import (
    ARTIFACTS,
    VISIBLE,
    WIDGET_VIEW,
    _shut_down_kernels,
    _write_settings,
    lab_command,
    open_with_idle_kernel,
    require_chromium,
    serving,
)

playwright = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser
NOTEBOOK = "live_view_check.ipynb"
TASKS, UNITS = 40, 4  # 40 tasks of 4 x 0.1 s on 2 workers: about 8 s
SETUP = """\
from multiprocessing import Pool

from helpers.instruments.live import live_view
from helpers.pools import quiet_work_log"""
RUN = f"""\
with Pool(2) as pool, live_view(pool, title="live view in a browser",
                                label=None) as view:
    results = pool.map(quiet_work_log, [(f"t{{i}}", {UNITS}) for i in range({TASKS})], chunksize=1)
print(len(results), "results")"""
PANEL = f"{VISIBLE} .jp-OutputArea-output .widget-html"
DONE = re.compile(r"(\d+) tasks? done")


def _write_notebook(folder: Path) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SETUP),
                                         nbformat.v4.new_code_cell(RUN)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nbformat.write(nb, folder / NOTEBOOK)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    """JupyterLab on 127.0.0.1 over a folder with the small notebook: (base URL, token, folder)."""
    require_chromium()
    tmp = tmp_path_factory.mktemp("live-lab")
    folder = tmp / "notebooks"
    folder.mkdir()
    _write_notebook(folder)
    _write_settings(tmp / "settings")
    token = secrets.token_hex(16)
    with serving(lambda port: lab_command(folder, tmp, port, token), tmp, token) as base:
        yield base, token, folder


def _tasks_done(text: str) -> int:
    found = DONE.search(text)
    assert found, f"the panel has no 'N tasks done' status line: {text!r}"
    return int(found.group(1))


def test_the_view_updates_during_the_run_and_leaves_a_picture(lab, page) -> None:
    base, token, folder = lab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        open_with_idle_kernel(page, f"{base}/lab/tree/{NOTEBOOK}?reset&token={token}")
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()

        # During the run: the panel, once it shows a finished task, then once it shows more.
        panel = page.locator(PANEL).first
        panel.filter(has_text=DONE).wait_for(timeout=180_000)
        panel.scroll_into_view_if_needed()
        first_text = panel.inner_text()
        first = panel.screenshot(path=str(ARTIFACTS / "live-view-running-1.png"))
        page.screenshot(path=str(ARTIFACTS / "live-view-page-running.png"))
        done_first = _tasks_done(first_text)
        page.wait_for_function(
            """([selector, before]) => {
                const panel = document.querySelector(selector);
                const found = panel && panel.innerText.match(/(\\d+) tasks? done/);
                return found && Number(found[1]) > before;
            }""", arg=[PANEL, done_first], timeout=60_000, polling=100)
        second_text = panel.inner_text()
        second = panel.screenshot(path=str(ARTIFACTS / "live-view-running-2.png"))
        assert done_first < _tasks_done(second_text) < TASKS, (first_text, second_text)
        assert first != second, "two screenshots taken during the run are the same"

        # After the run: the picture replaced the panel, with the text line below it.
        page.wait_for_function(
            """() => {
                const indicator = document.querySelector('.jp-Notebook-ExecutionIndicator');
                const queued = [...document.querySelectorAll('.jp-InputArea-prompt')]
                    .some(p => p.textContent.includes('*'));
                return indicator && indicator.dataset.status === 'idle' && !queued;
            }""", timeout=300_000, polling=250)
        cell = page.locator(f"{VISIBLE} .jp-CodeCell").nth(1)
        cell.scroll_into_view_if_needed()
        cell.screenshot(path=str(ARTIFACTS / "live-view-final.png"))
        output = cell.locator(".jp-OutputArea-output")
        assert output.locator("img").count() == 1, "no final picture in the cell's output"
        assert output.locator(".widget-html").count() == 0, "the live panel is still there"
        text = cell.locator(".jp-OutputArea").inner_text()
        assert re.search(rf"<live view: {TASKS} tasks on 2 workers, \d+ of \d+ CPUs? usable>",
                         text), text
        assert f"{TASKS} results" in text, text
        page.locator(f"{VISIBLE} .jp-Notebook").click(position={"x": 5, "y": 5})
        page.keyboard.press("Control+s")
        page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')",
                               timeout=30_000)
    finally:
        _shut_down_kernels(base, token)

    saved = json.loads((folder / NOTEBOOK).read_text(encoding="utf-8"))
    outputs = saved["cells"][1]["outputs"]
    assert not [o for o in outputs if o["output_type"] == "error"], outputs
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 1
    assert not any(WIDGET_VIEW in o.get("data", {}) for o in outputs)
