"""The installation administrator finds the health page in the menu and reads every check in Vietnamese."""

from __future__ import annotations

import pytest

from qlvb.ops.tasks import heartbeat
from qlvb.ops.tests.test_endpoints import verified_backup

from .helpers import path_of, sign_in

pytestmark = pytest.mark.browser


def test_the_administrator_reads_every_check_and_sees_a_broken_storage(root, org, session, shot, settings, tmp_path):
    settings.QLVB_MIN_FREE_DISK_MB = 0
    heartbeat.call_local()
    verified_backup()
    page = session.new_page()
    sign_in(page, root)
    link = page.locator("#sidebar a[href='/ops/health/']")
    assert link.inner_text().strip() == "Tình trạng hệ thống"
    with page.expect_navigation():
        link.click()
    assert path_of(page) == "/ops/health/"
    assert page.locator("h1").inner_text() == "Tình trạng hệ thống"
    assert page.locator("#health-summary").get_attribute("data-status") == "ok"
    rows = page.locator("#checks tbody tr")
    states = {rows.nth(i).get_attribute("data-check"): rows.nth(i).get_attribute("data-state")
              for i in range(rows.count())}
    assert states == {"database": "ok", "cache": "ok", "worker": "ok", "storage": "ok", "disk": "ok", "jobs": "ok",
                      "exchange_outbox": "ok", "ocr_queue": "ok", "backup": "ok"}
    database = page.locator("tr[data-check='database']")
    assert "Cơ sở dữ liệu" in database.inner_text() and "trả lời trong" in database.inner_text()
    assert "Bình thường" in database.inner_text() and " ms" in database.locator("td").last.inner_text()
    shot(page, "all-ok")

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "files"
    with page.expect_navigation():
        page.click("#check-again")
    assert page.locator("#health-summary").get_attribute("data-status") == "unavailable"
    storage = page.locator("tr[data-check='storage']")
    assert storage.get_attribute("data-state") == "failed" and "Lỗi" in storage.inner_text()
    assert page.locator("tr[data-check='database']").get_attribute("data-state") == "ok"
    shot(page, "storage-broken")


def test_an_agency_administrator_has_no_health_page(org, session):
    page = session.new_page()
    sign_in(page, org.admin)
    assert page.locator("#sidebar a[href='/ops/health/']").count() == 0
    response = page.goto("/ops/health/")
    assert response is not None and response.status == 404
