"""The installation administrator's page of the national axis in a real browser, on a desktop
and on a phone: the connection entered and saved, a poll from the page, the axis's refusal shown
in Vietnamese; anyone else gets 404."""

from __future__ import annotations

import pytest

from qlvb.exchange.models import AxisConnection
from qlvb.exchange.tests.conftest import axis  # noqa: F401  (fixture)

from .helpers import path_of, sign_in

pytestmark = pytest.mark.browser


def test_administrator_connects_polls_and_reads_the_refusal(org, other_org, root, session, shot, axis):  # noqa: F811
    axis.add_system("vn.stttt.sonla", "secret-of-the-system", [org.agency.code])
    page = session.new_page()
    sign_in(page, root)
    page.goto("/administration/")
    with page.expect_navigation():
        page.click("[data-admin-page=axis]")
    assert path_of(page) == "/exchange/axis/"
    page.fill("#id_endpoint", axis.url)
    page.fill("#id_system_id", "vn.stttt.sonla")
    page.fill("#id_secret", "secret-of-the-system")
    page.fill("#id_agency_codes", other_org.agency.code)
    with page.expect_navigation():
        page.click("#axis-form button.btn-primary")
    assert page.locator(".alert-success").count() == 1
    connection = AxisConnection.objects.get()
    assert connection.system_id == "vn.stttt.sonla" and b"secret-of-the-system" not in bytes(connection.secret)
    assert page.input_value("#id_secret") == ""
    with page.expect_navigation():
        page.click("text=Lấy văn bản ngay")
    assert "Chưa lần nào" not in page.inner_text("#last-poll") and "nhận 0 gói tin" in page.inner_text("#last-poll")
    axis.fail_next("getReceivedEdocList", "fail", code="12", desc="Hệ thống chưa được cấp quyền")
    with page.expect_navigation():
        page.click("text=Lấy văn bản ngay")
    assert "Trục liên thông từ chối getReceivedEdocList (mã lỗi 12)" in page.inner_text("#poll-error")
    shot(page, "axis-desktop")

    phone = session.new_page(phone=True)
    sign_in(phone, root)
    phone.goto("/exchange/axis/")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    shot(phone, "axis-phone")

    other = session.new_page()
    sign_in(other, org.admin)
    assert other.goto("/exchange/axis/").status == 404
