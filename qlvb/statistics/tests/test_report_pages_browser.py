"""The report, its layout and the subscriptions in a real browser, desktop and phone (screenshots
in test-artifacts/ to look at)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import Session
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session(browser, live_server, request):
    opened = Session(browser, live_server.url, request.node.name)
    yield opened
    opened.close()
    assert not opened.problems, opened.problems


def test_the_report_pages_render(org, routed, session):
    routed(), routed()
    for phone in (False, True):
        page = session.new_page(phone=phone)
        sign_in(page, org.admin)
        page.goto("/statistics/report/layout/")
        page.fill("#id_title", "Báo cáo công tác văn thư quý")
        page.select_option("#id_section_tasks", "1")
        with page.expect_navigation():
            page.click("#layout-form button.btn-primary")
        session.shot(page, f"layout-{'phone' if phone else 'desktop'}")
        clerk = session.new_page(phone=phone)
        sign_in(clerk, org.clerk)
        clerk.goto("/statistics/report/?period=quarter")
        assert "BÁO CÁO CÔNG TÁC VĂN THƯ QUÝ" in clerk.inner_text("#report-title").upper()
        session.shot(clerk, f"report-{'phone' if phone else 'desktop'}")
        clerk.goto("/statistics/subscriptions/?what=report")
        session.shot(clerk, f"subscriptions-{'phone' if phone else 'desktop'}")
    assert Path(session.shot(clerk, "last")).exists()
