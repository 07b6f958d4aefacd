"""Steps shared by the browser tests: signing in and out through the real pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page

from conftest import PASSWORD
from qlvb.org.models import Person


def sign_in(page: Page, person: Person | str, password: str = PASSWORD) -> None:
    """Fill the real login form and wait for whatever page it leads to."""
    username = person if isinstance(person, str) else person.username
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def sign_out(page: Page) -> None:
    """Open the account menu in the top bar and press Sign out."""
    page.click("nav.navbar .dropdown > button.dropdown-toggle")
    with page.expect_navigation():
        page.click("form[action='/accounts/logout/'] button")
    assert page.url.endswith("/accounts/login/"), page.url


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def role_badge(page: Page) -> str | None:
    return page.get_attribute("[data-role]", "data-role")


ACTING_BANNER = "div.alert-warning[role=status]"


# Phone-first pages (issue 16): what a 390 px page must be.
THUMB = 44  # px: the smallest a button may be for a thumb (WCAG 2.5.5, Apple's HIG)
PHONE_WIDTH = 390


def sideways(page: Page) -> int:
    """How far the page scrolls sideways (0 when it fits the screen)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def tall_enough(button: Locator) -> None:
    """The button is on the screen, within its width, and tall enough for a thumb."""
    button.scroll_into_view_if_needed()
    assert button.is_visible()
    box = button.bounding_box()
    assert box is not None and box["height"] >= THUMB - 0.5, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH + 0.5, box
