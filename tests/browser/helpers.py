"""Steps shared by the browser tests: signing in and out through the real pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page

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
