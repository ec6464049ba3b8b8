"""What every browser test module shares: one headless Chromium page per module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def page(lab: Any) -> Iterator[Any]:
    """One headless Chromium page, shared by the tests of a module (after its ``lab``)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.browser.test_jupyterlab import CHROMIUM

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser.new_page(viewport={"width": 1280, "height": 900})
        browser.close()
