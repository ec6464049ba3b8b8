"""Each notebook, as a learner sees it: real JupyterLab, headless Chromium, Run All.

    .venv/bin/python -m pytest tests/browser -m browser      # only these
    .venv/bin/python -m pytest -m "not browser" ...         # everything else

A JupyterLab server starts on 127.0.0.1 with a random token, serving a temporary
copy of notebooks/ (the repo is never modified). Debian's Chromium, driven by
Playwright, opens each notebook, clicks Run > Run All Cells, waits for the kernel to
go idle, saves, and the test checks what the learner would see:

* every code cell ran, and only cells tagged ``raises-exception`` show an error;
* every widget rendered (no "Error displaying widget" / "model not found");
* every plot shows as an image;
* the kernel is idle at the end.

A screenshot of each notebook's end, and of its first plot and first widget, goes to
artifacts/browser/ (git-ignored), with each notebook's Run All time in
run-all-seconds.txt. The server and the browser are shut down afterwards.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from helpers.instruments.cluster import free_port
from tests.plugin import NOTEBOOKS, ROOT

playwright = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts" / "browser"
PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
VISIBLE = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def _write_settings(folder: Path) -> None:
    """Render every cell (not only those on screen), and fetch no news."""
    for plugin, settings in [("notebook-extension/tracker", {"windowingMode": "none"}),
                             ("apputils-extension/notification", {"fetchNews": "false"})]:
        path = folder / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `apt-get install chromium` (course.py test does it).")


def lab_command(folder: Path, tmp: Path, port: int, token: str) -> list[str]:
    """``jupyter lab`` serving ``folder`` on 127.0.0.1, with its settings under ``tmp``."""
    return [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
            "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={folder}", f"--LabApp.user_settings_dir={tmp / 'settings'}",
            f"--LabApp.workspaces_dir={tmp / 'workspaces'}"]


SERVER_START_ATTEMPTS = 3
"""How often a server may find its port taken before the tests error."""


@contextmanager
def serving(command_for: Callable[[int], list[str]], tmp: Path, token: str,
            cwd: Path | None = None, attempts: int = SERVER_START_ATTEMPTS) -> Iterator[str]:
    """Run the JupyterLab command ``command_for(port)`` on a free port; yield its base URL
    once it answers; stop it after.

    A free port is free when picked, not when the server binds it seconds later: another
    process may take it in between. The server is told not to move to another port
    (``port_retries=0``); if it finds its port taken, it starts again on a new one.
    """
    for attempt in range(1, attempts + 1):
        port = free_port()
        log = tmp / "server.log"
        with log.open("w") as errors:  # the server keeps its own copy of the file
            server = subprocess.Popen([*command_for(port), "--ServerApp.port_retries=0"],
                                      cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        base = f"http://127.0.0.1:{port}"
        try:
            if _answers(server, f"{base}/api/status?token={token}"):
                yield base
                return
            text = log.read_text()
            if "already in use" not in text or attempt == attempts:
                pytest.fail("JupyterLab did not start:\n" + text)
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _answers(server: subprocess.Popen, url: str, timeout: float = 90) -> bool:
    """Whether the server at ``url`` answers within ``timeout`` s (False once it exits)."""
    deadline = time.monotonic() + timeout
    while server.poll() is None and time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return True
        except OSError:
            time.sleep(0.5)
    return False


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    """A JupyterLab server on 127.0.0.1 over a copy of notebooks/: (base URL, token, folder)."""
    require_chromium()
    tmp = tmp_path_factory.mktemp("lab")
    (ARTIFACTS / "run-all-seconds.txt").unlink(missing_ok=True)
    folder = tmp / "notebooks"
    shutil.copytree(NOTEBOOKS, folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    _write_settings(tmp / "settings")
    token = secrets.token_hex(16)
    with serving(lambda port: lab_command(folder, tmp, port, token), tmp, token) as base:
        yield base, token, folder


def open_with_idle_kernel(page, url: str) -> None:
    """Open the notebook at ``url`` and wait until its kernel is idle."""
    page.goto(url)
    page.wait_for_selector(f"{VISIBLE} .jp-Cell", timeout=60_000)
    # Wait for the kernel; JupyterLab sometimes asks which one before its list has loaded.
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    kernel_idle = page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle$"))
    deadline = time.monotonic() + 90
    while not kernel_idle.count():
        if dialog.count():
            dialog.get_by_role("button", name="Select").click()
        if time.monotonic() > deadline:
            pytest.fail("the kernel did not start within 90 s")
        page.wait_for_timeout(250)


def _run_all(page, url: str) -> float:
    """Open ``url``, Run All Cells, wait for idle, save. Returns the Run All seconds."""
    open_with_idle_kernel(page, url)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    start = time.monotonic()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    page.wait_for_function(
        """() => {
            const indicator = document.querySelector('.jp-Notebook-ExecutionIndicator');
            const queued = [...document.querySelectorAll('.jp-InputArea-prompt')]
                .some(p => p.textContent.includes('*'));
            return indicator && indicator.dataset.status === 'idle' && !queued;
        }""", timeout=300_000, polling=250)
    seconds = time.monotonic() - start
    page.locator(f"{VISIBLE} .jp-Notebook").click(
        position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=30_000)
    return seconds


def _screenshot_first(page, selector: str, name: str) -> None:
    """Scroll the first element matching ``selector`` into view and take a screenshot."""
    found = page.locator(selector)
    if found.count():
        found.first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / name))


def _shut_down_kernels(base: str, token: str) -> None:
    """End every kernel session, so each notebook's kernel and children go away."""
    headers = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{base}/api/sessions",
                                                       headers=headers)) as response:
        sessions = json.load(response)
    for session in sessions:
        urllib.request.urlopen(urllib.request.Request(
            f"{base}/api/sessions/{session['id']}", method="DELETE", headers=headers))


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_run_all_in_jupyterlab(lab, page, path: Path) -> None:
    base, token, folder = lab
    try:
        # ?reset opens a fresh workspace holding only this notebook.
        seconds = _run_all(page, f"{base}/lab/tree/{path.name}?reset&token={token}")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{path.stem}.png"))
        _screenshot_first(page, f"{VISIBLE} .jp-RenderedImage img", f"{path.stem}-plot.png")
        _screenshot_first(page, f"{VISIBLE} .jupyter-widgets", f"{path.stem}-widget.png")
        with (ARTIFACTS / "run-all-seconds.txt").open("a") as log:
            log.write(f"{path.name}\t{seconds:.1f}\n")
        widget_errors = (page.get_by_text("Error displaying widget").count()
                         + page.get_by_text("model not found").count())
        widgets_shown = page.locator(f"{VISIBLE} .jupyter-widgets").count()
        images_shown = page.locator(f"{VISIBLE} .jp-RenderedImage img").count()
    finally:
        _shut_down_kernels(base, token)

    saved = json.loads((folder / path.name).read_text(encoding="utf-8"))
    code = [c for c in saved["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] for c in code if "".join(c["source"]).strip()), (
        "some cells did not run")
    for cell in code:
        errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
        if errors and "raises-exception" not in cell["metadata"].get("tags", []):
            pytest.fail(f"unexpected {errors[0]['ename']}: {errors[0]['evalue']}\n"
                        + "".join(cell["source"]))
    assert widget_errors == 0, "a widget failed to render"
    widgets = sum(WIDGET_VIEW in o.get("data", {}) for c in code for o in c["outputs"])
    assert widgets_shown >= widgets, f"{widgets} widget outputs, {widgets_shown} shown"
    images = sum("image/png" in o.get("data", {}) for c in code for o in c["outputs"])
    assert images_shown == images, f"{images} plots, {images_shown} shown as images"


def test_serving_starts_again_on_a_new_port_when_its_port_is_taken(tmp_path, monkeypatch):
    import socket

    with socket.socket() as taken:  # the first port picked is already in use
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        ports = iter([busy, free_port()])
        monkeypatch.setattr(sys.modules[__name__], "free_port", lambda: next(ports))
        token, folder = secrets.token_hex(16), tmp_path / "empty"
        folder.mkdir()
        with serving(lambda port: lab_command(folder, tmp_path, port, token), tmp_path,
                     token) as base:
            status = json.loads(urllib.request.urlopen(f"{base}/api/status?token={token}",
                                                       timeout=10).read())
        assert "started" in status
        assert next(ports, None) is None, "it did not try the taken port first"
        assert base != f"http://127.0.0.1:{busy}"
