"""A delegation takes effect in the browser: the delegate acts on the delegator's behalf, the
audit log records both names, and the authority disappears when the delegation ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from qlvb.core.models import Event
from qlvb.org.models import Delegation, Person

from .helpers import ACTING_BANNER, path_of, role_badge, sign_in

pytestmark = pytest.mark.browser


def _local(moment) -> str:  # noqa: ANN001
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _request_delegation(page: Page, delegate: Person, reason: str, days: int = 3) -> None:
    """Fill the "Delegate my authority" form on /org/delegations/ for a period starting now."""
    now = timezone.now()
    page.goto("/org/delegations/")
    page.select_option("#id_delegate", str(delegate.pk))
    page.fill("#id_starts_at", _local(now))
    page.fill("#id_ends_at", _local(now + timedelta(days=days)))
    page.fill("#id_reason", reason)
    with page.expect_navigation():
        page.click("main form[method=post] button")
    assert path_of(page) == "/org/delegations/"
    assert page.locator("main .alert-success").count() == 1, page.inner_text("main")


def _posts(page: Page) -> list[str]:
    """The first line of each item on the home page's posts card, e.g. "Giám đốc – Ban Giám đốc"."""
    items = page.locator("#posts-title >> xpath=ancestor::section").locator("li.list-group-item")
    return [text.strip().splitlines()[0].strip() for text in items.all_inner_texts()]


def _act_on_behalf(page: Page, delegation: Delegation) -> None:
    page.goto("/")
    selector = page.locator("#acting-select")
    assert selector.is_visible()
    option = selector.locator(f"option[value='{delegation.pk}']")
    assert delegation.delegator.full_name in option.inner_text()
    with page.expect_navigation():
        selector.select_option(str(delegation.pk))  # the select submits itself on change
    assert path_of(page) == "/"


def test_agency_head_delegates_and_the_deputy_acts_for_him(org, session, shot):
    head_page, deputy_page, admin_page = session.new_page(), session.new_page(), session.new_page()

    # The director's own delegation needs no one else's approval.
    sign_in(head_page, org.head)
    _request_delegation(head_page, org.deputy, "Đi công tác Hà Nội")
    delegation = Delegation.objects.get(delegator=org.head)
    assert delegation.delegate == org.deputy
    assert delegation.status == Delegation.Status.APPROVED and delegation.approver == org.head
    assert "Cầm Thị Lan" in head_page.inner_text("main")
    shot(head_page, "delegations-page")

    # The deputy sees the selector, and the whole agency sees the announcement on the home page.
    sign_in(deputy_page, org.deputy)
    assert role_badge(deputy_page) == "leader"
    assert deputy_page.locator(ACTING_BANNER).count() == 0
    assert _posts(deputy_page) == ["Phó Giám đốc – Ban Giám đốc"]
    assert "Lò Văn Hùng" in deputy_page.inner_text("#ann-title >> xpath=ancestor::section")
    _act_on_behalf(deputy_page, delegation)
    banner = deputy_page.locator(ACTING_BANNER)
    assert banner.is_visible()
    assert "Lò Văn Hùng" in banner.inner_text()
    assert role_badge(deputy_page) == "leader"
    # The posts card now lists the director's posts, whose authority is in use.
    assert _posts(deputy_page) == ["Giám đốc – Ban Giám đốc"]
    assert deputy_page.input_value("#acting-select") == str(delegation.pk)
    shot(deputy_page, "acting-on-behalf")
    # The banner stays on every page while acting.
    deputy_page.goto("/org/")
    assert deputy_page.locator(ACTING_BANNER).is_visible()

    # The log records the deputy at the keyboard, using the director's authority.
    started = Event.objects.get(verb="delegation.acting_started")
    assert started.actor == org.deputy and started.on_behalf_of == org.head
    assert started.agency_id == org.agency.pk and started.target_id == str(delegation.pk)
    sign_in(admin_page, org.admin)
    admin_page.goto("/audit/?verb=delegation.acting_started")
    rows = admin_page.locator("main table tbody tr")
    assert rows.count() == 1
    assert "Cầm Thị Lan" in rows.first.inner_text()
    assert "Lò Văn Hùng" in rows.first.locator(".text-warning-emphasis").inner_text()
    shot(admin_page, "audit-on-behalf")
    admin_page.goto("/audit/")
    assert admin_page.locator("main table tbody tr:has(.text-warning-emphasis)").count() >= 1

    # The director revokes it; the deputy's next page load no longer acts for him.
    head_page.goto(f"/org/delegations/{delegation.pk}/")
    with head_page.expect_navigation():
        head_page.click("button[name=action][value=revoke]")
    delegation.refresh_from_db()
    assert delegation.status == Delegation.Status.REVOKED
    deputy_page.reload()
    assert deputy_page.locator(ACTING_BANNER).count() == 0
    assert deputy_page.locator("#acting-select").count() == 0
    deputy_page.goto("/")
    assert deputy_page.locator(ACTING_BANNER).count() == 0
    assert _posts(deputy_page) == ["Phó Giám đốc – Ban Giám đốc"]
    assert Event.objects.filter(verb="delegation.revoked", actor=org.head).exists()


def test_deputy_request_approved_by_the_head_then_expiry(org, session, shot):
    deputy_page, head_page, unit_head_page = session.new_page(), session.new_page(), session.new_page()

    # A deputy's delegation waits for a leader's approval.
    sign_in(deputy_page, org.deputy)
    _request_delegation(deputy_page, org.unit_head, "Nghỉ phép")
    delegation = Delegation.objects.get(delegator=org.deputy)
    assert delegation.status == Delegation.Status.PENDING

    # The unit head gets no selector while it is pending.
    sign_in(unit_head_page, org.unit_head)
    assert role_badge(unit_head_page) == "unit_head"
    assert unit_head_page.locator("#acting-select").count() == 0

    # The director sees it waiting on his home page and approves it.
    sign_in(head_page, org.head)
    link = head_page.locator(f"main a[href='/org/delegations/{delegation.pk}/']")
    assert link.count() == 1
    with head_page.expect_navigation():
        link.click()
    shot(head_page, "delegation-to-approve")
    with head_page.expect_navigation():
        head_page.click("button[name=action][value=approve]")
    delegation.refresh_from_db()
    assert delegation.status == Delegation.Status.APPROVED and delegation.approver == org.head
    assert Event.objects.filter(verb="delegation.approved", actor=org.head, target_id=str(delegation.pk)).exists()

    # The unit head acts for the deputy director: the home page becomes a leader's.
    _act_on_behalf(unit_head_page, delegation)
    assert unit_head_page.locator(ACTING_BANNER).is_visible()
    assert "Cầm Thị Lan" in unit_head_page.inner_text(ACTING_BANNER)
    assert role_badge(unit_head_page) == "leader"
    shot(unit_head_page, "unit-head-acting-as-leader")
    started = Event.objects.get(verb="delegation.acting_started")
    assert started.actor == org.unit_head and started.on_behalf_of == org.deputy

    # The period ends (as if time had passed): the next page load is back to the person's own role.
    now = timezone.now()
    Delegation.objects.filter(pk=delegation.pk).update(starts_at=now - timedelta(hours=2),
                                                       ends_at=now - timedelta(minutes=1))
    unit_head_page.reload()
    assert unit_head_page.locator(ACTING_BANNER).count() == 0
    assert unit_head_page.locator("#acting-select").count() == 0
    assert role_badge(unit_head_page) == "unit_head"
    shot(unit_head_page, "after-expiry")
