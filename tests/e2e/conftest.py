"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against a
real `chatdesk run`. Screenshots land in tests/e2e/screenshots/ (git-ignored).

The browser and the desk live for one module (all the browser tests are in one): Playwright's
sync API keeps an event loop running in this thread while it is open, which would stop the
async tests that run after these."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.harness import RunningDesk, running_desk

CHROMIUM = os.environ.get("CHATDESK_TEST_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def _need_browser() -> None:
    if Path(CHROMIUM).is_file():
        return
    message = f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
    if os.environ.get("CI") or os.environ.get("CHATDESK_TEST_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser(desk: RunningDesk) -> Iterator[Browser]:
    _need_browser()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDesk]:
    _need_browser()
    with running_desk(tmp_path_factory.mktemp("e2e")) as running:
        yield running


@pytest.fixture
def page(browser: Browser, desk: RunningDesk) -> Iterator[Page]:
    context = browser.new_context(
        base_url=desk.url, viewport={"width": 1280, "height": 900}, locale="en-US"
    )
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    context.close()


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot of what the person sees now."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
