"""A phone-size screen, and one agency's people hidden from another's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from qlvb.core.actor import Actor
from qlvb.org import services
from qlvb.org.models import Delegation

from .helpers import ACTING_BANNER, path_of, role_badge, sign_in

pytestmark = pytest.mark.browser


def _overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the screen (0 = no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_phone_menu_opens_from_the_navbar_and_people_list_is_usable(org, session, shot):
    page = session.new_page(phone=True)
    sign_in(page, org.admin)
    assert path_of(page) == "/"
    assert role_badge(page) == "specialist"
    sidebar = page.locator("#sidebar")
    people_link = sidebar.locator("a[href='/org/people/']")
    assert not people_link.is_visible()  # the menu is folded away on a phone
    toggler = page.locator("nav.navbar .navbar-toggler")
    assert toggler.is_visible()
    assert _overflow(page) <= 0
    shot(page, "home-phone")

    toggler.click()
    page.wait_for_selector("#sidebar.show", state="visible")
    people_link.wait_for(state="visible")
    assert toggler.get_attribute("aria-controls") == "sidebar"
    shot(page, "menu-open")
    with page.expect_navigation():
        people_link.click()
    assert path_of(page) == "/org/people/"
    assert not people_link.is_visible()  # the new page starts with the menu closed

    table = page.locator("#people-table")
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 6
    assert _overflow(page) <= 0
    # The name column is on screen, not hidden behind a sideways scroll.
    box = table.locator("tbody tr a", has_text="Lò Văn Hùng").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    shot(page, "people-phone")

    page.fill("#q", "Lò Văn")
    with page.expect_navigation():
        page.click("main form[role=search] button")
    rows = page.locator("#people-table tbody tr")
    assert rows.count() == 1
    with page.expect_navigation():
        rows.first.locator("a", has_text="Lò Văn Hùng").click()
    assert path_of(page) == f"/org/people/{org.head.pk}/"
    assert "Lò Văn Hùng" in page.inner_text("main h1")
    assert _overflow(page) <= 0
    shot(page, "person-phone")

    # The menu can be closed again without choosing anything.
    toggler.click()
    page.wait_for_selector("#sidebar.show", state="visible")
    page.click("#sidebar .btn-close")
    page.wait_for_selector("#sidebar.show", state="detached")
    assert not people_link.is_visible()


def test_phone_navbar_with_the_acting_selector_fits(org, session, shot):
    now = timezone.now()
    services.request_delegation(by=Actor(org.head), delegate=org.deputy, starts_at=now - timedelta(minutes=5),
                                ends_at=now + timedelta(days=2), reason="Đi công tác")
    delegation = Delegation.objects.get(delegator=org.head)
    page = session.new_page(phone=True)
    sign_in(page, org.deputy)
    selector = page.locator("#acting-select")
    assert selector.is_visible()
    with page.expect_navigation():
        selector.select_option(str(delegation.pk))
    assert page.locator(ACTING_BANNER).is_visible()
    shot(page, "acting-phone")
    assert page.locator("nav.navbar .navbar-toggler").is_visible()
    assert page.locator("nav.navbar .dropdown-toggle").is_visible()
    assert _overflow(page) <= 0


def test_a_person_of_another_agency_gets_404(org, other_org, session, shot):
    now = timezone.now()
    services.request_delegation(by=Actor(org.head), delegate=org.deputy, starts_at=now,
                                ends_at=now + timedelta(days=1), reason="Đi công tác")
    delegation = Delegation.objects.get(delegator=org.head)
    page = session.new_page()
    sign_in(page, other_org.specialist)
    assert path_of(page) == "/"

    # Their own colleague's page opens...
    response = page.goto(f"/org/people/{other_org.head.pk}/")
    assert response is not None and response.status == 200
    # ...but nobody of the other agency can be looked at, nor its delegations.
    for url in [f"/org/people/{org.head.pk}/", f"/org/people/{org.specialist.pk}/",
                f"/org/delegations/{delegation.pk}/"]:
        response = page.goto(url)
        assert response is not None and response.status == 404, url
        assert "Lò Văn Hùng" not in page.content()
    shot(page, "not-found")

    # The people list shows only their own agency, whatever unit is asked for.
    page.goto(f"/org/people/?unit={org.unit.pk}")
    usernames = page.locator("#people-table tbody tr .small").all_inner_texts()
    assert other_org.head.username in usernames
    assert not any(name.startswith("stttt.") for name in usernames)

    # The other agency's administrator cannot manage this agency's people either.
    page.context.clear_cookies()
    sign_in(page, other_org.admin)
    response = page.goto(f"/org/people/{org.specialist.pk}/")
    assert response is not None and response.status == 404
    response = page.goto("/audit/?verb=delegation.approved")
    assert response is not None and response.status == 200
    assert page.locator("main table tbody td.hash").count() == 0  # org's delegation is not in their log
    response = page.goto("/audit/")
    assert page.locator("main table tbody td.hash").count() > 0
    assert "stttt." not in page.content()
