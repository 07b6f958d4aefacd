"""The exchange between agencies in the browser, as in the issue: Sở TT&TT issues a document to
UBND tỉnh and to Sở Nội vụ; it is at once in both clerks' reception queues (with a count in the
menu). UBND tỉnh's clerk opens it, sees the signature check, accepts it: the registration form
is filled from the package, she only registers it. Sở Nội vụ's clerk rejects it with a reason.
Back at Sở TT&TT the outgoing document's page shows, per recipient, arrived, accepted with the
arrival number, rejected with the reason; then routed and completed as UBND tỉnh works."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from conftest import build_org
from qlvb.core.actor import Actor
from qlvb.exchange.models import ReceptionItem
from qlvb.exchange.tests.conftest import issue_to
from qlvb.incoming import services as incoming
from qlvb.incoming.models import IncomingDocument
from qlvb.registers.services import ensure_default_registers

from .helpers import path_of, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}


def _statuses(page: Page, code: str) -> str:
    return page.get_attribute(f"#exchange-statuses [data-recipient='{code}'] [data-latest]", "data-latest")


def test_issue_accept_reject_and_the_sender_sees_every_status(org, other_org, root, session, shot):
    ubnd = build_org(root, "000.00.00.H51", "UBND", "Ủy ban nhân dân tỉnh Sơn La")
    ensure_default_registers(ubnd.agency)
    document = issue_to(org, ubnd, other_org, summary="V/v triển khai nền tảng chữ ký số trong toàn tỉnh năm 2026")

    # UBND tỉnh's clerk: the package is waiting, with a count in the menu.
    clerk = session.new_page()
    sign_in(clerk, ubnd.clerk)
    assert clerk.inner_text("#nav-reception [data-waiting]") == "1"
    clerk.click("#nav-reception")
    clerk.click(f"#reception-list a:has-text('{document.summary[:30]}')")
    assert "Sở Thông tin và Truyền thông" in clerk.inner_text("main")
    assert clerk.locator("main .list-group-item:has-text('.pdf')").count() == 1
    shot(clerk, "reception-item")
    with clerk.expect_navigation():
        clerk.click("#accept")
    assert path_of(clerk).startswith("/incoming/register/")
    assert clerk.input_value("#id_summary") == document.summary
    assert clerk.input_value("#id_notation") == document.notation
    assert clerk.input_value("#id_source") == "electronic"
    shot(clerk, "registration-prefilled")
    with clerk.expect_navigation():
        clerk.click("button[name=do_register]")
    registered = IncomingDocument.objects.get(agency=ubnd.agency)
    assert registered.arrival_number == 1 and registered.files.count() == 1

    # Sở Nội vụ's clerk rejects it with a reason.
    snv = session.new_page()
    sign_in(snv, other_org.clerk)
    snv.goto("/exchange/")
    snv.click(f"#reception-list a:has-text('{document.summary[:30]}')")
    snv.fill("#id_reason", "Văn bản không thuộc thẩm quyền xử lý của Sở Nội vụ")
    with snv.expect_navigation():
        snv.click("#reject")
    assert snv.get_attribute("[data-state]", "data-state") == "rejected"

    # Sở TT&TT: per recipient, accepted with the arrival number, rejected with the reason.
    sender = session.new_page()
    sign_in(sender, org.clerk)
    sender.goto(f"/outgoing/{document.pk}/")
    assert _statuses(sender, ubnd.agency.code) == "03"
    assert _statuses(sender, other_org.agency.code) == "02"
    panel = sender.inner_text("#exchange-statuses")
    assert "số đến 1" in panel and "không thuộc thẩm quyền" in panel
    shot(sender, "sender-statuses")

    # UBND tỉnh routes and completes: the sender sees 04 then 06.
    incoming.route(by=Actor(ubnd.head), document=registered, main=incoming.Target(unit=ubnd.unit))
    sender.reload()
    assert _statuses(sender, ubnd.agency.code) == "04"
    incoming.complete(by=Actor(ubnd.unit_head), document=registered, note="Đã triển khai")
    sender.reload()
    assert _statuses(sender, ubnd.agency.code) == "06"
    history = sender.inner_text(f"#exchange-statuses [data-recipient='{ubnd.agency.code}'] ol")
    assert history.count("\n") >= 3  # arrived, accepted, assigned, completed
    assert ReceptionItem.objects.filter(state="accepted").count() == 1
