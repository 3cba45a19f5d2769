"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

The live server serves static files through Django's StaticFilesHandler (finders), and
tests/web/conftest.py makes the pages link assets by their plain names to match.
"""

import os
import shutil
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

if CHROMIUM is None:
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium): browser tests skipped",
        allow_module_level=True,
    )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Problems(list):
    """Console errors, page errors and CSP violations seen by a page."""

    def watch(self, page) -> None:
        page.on("console", lambda message: message.type == "error" and self.append(message.text))
        page.on("pageerror", lambda error: self.append(f"page error: {error}"))
        page.on("dialog", lambda dialog: (self.append(f"dialog: {dialog.message}"), dialog.dismiss()))


@pytest.fixture
def server(live_server, catalogue):
    return live_server.url


@pytest.fixture
def context(browser, server):
    context = browser.new_context(viewport=DESKTOP, base_url=server)
    yield context
    context.close()


@pytest.fixture
def problems():
    return Problems()


@pytest.fixture
def page(context, problems):
    """A desktop page; the test fails if any console error or CSP violation shows up."""
    page = context.new_page()
    problems.watch(page)
    yield page
    assert list(problems) == [], f"console errors or CSP violations: {list(problems)}"


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
