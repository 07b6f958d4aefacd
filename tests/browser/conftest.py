"""Real-browser fixtures: Debian's chromium driven by Playwright against pytest-django's live server.

The browser is started once per session (the `browser` fixture, in the root conftest.py); every
test gets a fresh context (cookies, storage), so two people can be signed in at once by asking for
`new_page()` twice.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse ORM calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, BrowserContext, Page  # noqa: E402

from conftest import watch_csp  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 10_000
PHONE = {"width": 390, "height": 844}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:120]


class Session:
    """Opens browser contexts for one test, watches them for broken pages and saves screenshots."""

    def __init__(self, browser: Browser, base_url: str, test_name: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.test_name = _slug(test_name)
        self.contexts: list[BrowserContext] = []
        self.pages: list[Page] = []
        self.problems: list[str] = []

    def new_page(self, *, phone: bool = False, plugin_certificate_accepted: bool = False) -> Page:
        """``plugin_certificate_accepted``: the person once accepted the loopback certificate of the
        signing plugin on her computer (the VGCA plugin's, or the test agent's)."""
        options: dict = {"base_url": self.base_url, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh",
                         "reduced_motion": "reduce", "ignore_https_errors": plugin_certificate_accepted}
        if phone:
            options.update(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        else:
            options.update(viewport={"width": 1280, "height": 900})
        context = self.browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))
        page.on("response", self._check_response)
        watch_csp(page, self.problems)
        self.contexts.append(context)
        self.pages.append(page)
        return page

    def _check_response(self, response) -> None:  # noqa: ANN001
        # A missing style sheet or script leaves the page unstyled or dead: always a failure.
        if "/static/" in response.url and response.status >= 400:
            self.problems.append(f"{response.status} for {response.url}")

    def shot(self, page: Page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{self.test_name}--{_slug(name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        for index, page in enumerate(self.pages):
            if not page.is_closed():
                # A screenshot must never hide the test's own result.
                with contextlib.suppress(Exception):
                    self.shot(page, f"final-{index}")
        for context in self.contexts:
            context.close()


@pytest.fixture
def session(browser: Browser, live_server, request: pytest.FixtureRequest) -> Iterator[Session]:
    opened = Session(browser, live_server.url, request.node.name)
    yield opened
    opened.close()
    assert not opened.problems, opened.problems


@pytest.fixture
def page(session: Session) -> Page:
    """A desktop-size page in a fresh context."""
    return session.new_page()


@pytest.fixture
def shot(session: Session) -> Callable[[Page, str], Path]:
    """shot(page, "name") saves a full-page screenshot to test-artifacts/<test>--<name>.png."""
    return session.shot


@pytest.fixture
def context(page: Page) -> BrowserContext:
    """The browser context (cookies, storage) of `page`."""
    return page.context
