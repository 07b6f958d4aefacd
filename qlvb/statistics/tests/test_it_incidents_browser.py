"""The Department's statistics of IT incidents by agency in a real browser, desktop and phone: from
the IT staff page of every agency to the table, its figure's list, and the incident itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.itstaff import services as it
from tests.browser.conftest import Session
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session(browser, live_server, request):
    opened = Session(browser, live_server.url, request.node.name)
    yield opened
    opened.close()
    assert not opened.problems, opened.problems


def test_the_department_opens_the_incidents_by_agency(org, other_org, department, session):
    incident = it.report_incident(by=Actor(other_org.head), agency=other_org.agency, kind="security",
                                  title="Phát hiện mã độc trên máy chủ tệp", occurred_at=timezone.now())
    it.report_incident(by=Actor(other_org.clerk), agency=other_org.agency, kind="wan",
                       title="Thiết bị định tuyến mất kết nối", occurred_at=timezone.now() - timedelta(hours=1))
    for phone in (False, True):
        page = session.new_page(phone=phone)
        sign_in(page, org.specialist)  # anyone of the Department
        page.goto("/itstaff/")
        with page.expect_navigation():
            page.click("#incident-statistics")
        assert "Sự cố CNTT" in page.inner_text("h1")
        row = page.locator("#stat-table tbody tr", has_text=other_org.agency.name)
        assert row.locator("[data-count=total]").inner_text() == "2"
        session.shot(page, f"incidents-by-agency-{'phone' if phone else 'desktop'}")
        page.select_option("#table-by", "category")
        page.wait_for_url("**by=category**")
        security = page.locator("#stat-table tbody tr", has_text="An toàn, an ninh thông tin")
        with page.expect_navigation():
            security.locator("[data-count=total]").click()
        assert page.inner_text("#items-count") == "1"
        with page.expect_navigation():
            page.click(f'#items-list a[href="/itstaff/incidents/{incident.pk}/"]')
        assert incident.title in page.inner_text("main")
        session.shot(page, f"incident-{'phone' if phone else 'desktop'}")
