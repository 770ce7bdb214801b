"""Debian's headless Chromium, driven by Playwright, for the tests that use the product in a real browser.

The ``chromium`` fixture skips on a laptop without Playwright or Chromium and fails under CI=true.
"""

import os
import shutil

import pytest

from tests.conftest import require_service

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = os.environ.get("CONSOLE_SCREENSHOTS")  # a directory: keep a picture of each page there


@pytest.fixture
def chromium(monkeypatch):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require_service(sync_playwright is not None and shutil.which(CHROMIUM) is not None, "Playwright with Chromium")
    # Playwright's sync API runs an event loop in this thread; the test reads the database only around it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def screenshot(page, name: str) -> None:
    """Keep a picture of the page when CONSOLE_SCREENSHOTS names a directory (for a person to look at)."""
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)
