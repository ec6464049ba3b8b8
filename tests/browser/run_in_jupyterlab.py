"""Open notebooks in a real JupyterLab with headless Chromium, Run All, and report.

    .venv/bin/python tests/browser/run_in_jupyterlab.py [notebooks/NN_x.ipynb ...]

Starts JupyterLab on 127.0.0.1 with a random token in a temporary copy of the
notebooks (so nothing in the repo is modified), drives Debian's Chromium through
Playwright, clicks Run -> Run All Cells, waits for the kernel to go idle, and prints
per notebook: wall time, cells executed, error outputs, widget errors, images
shown. Screenshots go to artifacts/browser/. Exits non-zero on any problem.
"""

from __future__ import annotations

import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts" / "browser"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(folder: Path, port: int, token: str) -> subprocess.Popen:
    # Render every cell (JupyterLab 4 otherwise renders only those on screen).
    settings = folder.parent / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    news = folder.parent / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        f"--LabApp.user_settings_dir={folder.parent / 'settings'}",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--notebook-dir={folder}",
        "--ServerApp.open_browser=False",
        "--allow-root",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("JupyterLab did not start within 60 s")


def run_notebook(page, base: str, token: str, name: str) -> dict:
    page.goto(f"{base}/lab/tree/{name}?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    try:
        dialog.wait_for(timeout=5_000)
        print(f"{name}: JupyterLab asked to select a kernel; choosing the default")
        dialog.get_by_role("button", name="Select").click()
    except PlaywrightTimeout:
        pass
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    start = time.monotonic()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    page.wait_for_timeout(1000)
    page.wait_for_function(
        """() => {
            const ind = document.querySelector('.jp-Notebook-ExecutionIndicator');
            const busy = [...document.querySelectorAll('.jp-InputArea-prompt')]
                .some(p => p.textContent.includes('*'));
            return ind && ind.dataset.status === 'idle' && !busy;
        }""",
        timeout=300_000,
        polling=500,
    )
    seconds = time.monotonic() - start
    prompts = page.locator(".jp-CodeCell .jp-InputArea-prompt").all_inner_texts()
    report = {
        "notebook": name,
        "seconds": round(seconds, 1),
        "code_cells": len(prompts),
        "unexecuted": sum(not any(ch.isdigit() for ch in p) for p in prompts),
        "errors": page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']"
        ).count(),
        "stderr": page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        ).all_inner_texts(),
        "widget_errors": page.get_by_text("Error displaying widget").count()
        + page.get_by_text("model not found").count(),
        "widgets": page.locator(".jupyter-widgets").count(),
        "images": page.locator(".jp-RenderedImage img").count(),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{Path(name).stem}.png"), full_page=True)
    return report


def main(argv: list[str]) -> int:
    names = [Path(a).name for a in argv] or sorted(
        p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
    )
    token, port = secrets.token_hex(16), free_port()
    with tempfile.TemporaryDirectory(prefix="mp-course-lab-") as tmp:
        folder = Path(tmp) / "notebooks"
        shutil.copytree(ROOT / "notebooks", folder)
        lab = start_lab(folder, port, token)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                reports = [run_notebook(page, f"http://127.0.0.1:{port}", token, n) for n in names]
                browser.close()
        finally:
            subprocess.run(
                [sys.executable, "-m", "jupyter", "server", "stop", str(port)], capture_output=True
            )
            lab.terminate()
            lab.wait(30)
    for r in reports:
        print(r)
    return 0 if all(r["unexecuted"] == 0 and not r["widget_errors"] for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
