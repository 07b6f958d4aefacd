"""Reporting back after an invitation in a browser (001 Đ16): the Phó Giám đốc the letter was
routed to opens the finished meeting's entry, sees it marked "chưa báo cáo", files his report with
its conclusion attached; the Giám đốc who routed the letter is told (the bell) and reads it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.incoming import services as incoming_services
from qlvb.incoming.services import Target
from qlvb.incoming.tests.conftest import _media, pdf_upload, register_doc, registers  # noqa: F401 - fixtures
from qlvb.schedules import services
from qlvb.schedules.models import EntryReport

from .helpers import sign_in

pytestmark = pytest.mark.browser


def test_an_attendee_reports_back_and_the_leader_reads_it(org, register_doc, session, shot, tmp_path):  # noqa: F811
    letter = register_doc(doc_type="GM", summary="UBND tỉnh mời dự Hội nghị triển khai chuyển đổi số năm 2027")
    incoming_services.route(by=Actor(org.head), document=letter, main=Target(person=org.deputy))
    now = timezone.now()
    entry = services.entry_from_invitation(by=Actor(org.clerk), incoming_id=letter.pk,
                                           starts_at=now - timedelta(hours=4), ends_at=now - timedelta(hours=2),
                                           place="Hội trường UBND tỉnh")
    conclusion = tmp_path / "ket-luan-hoi-nghi.pdf"
    conclusion.write_bytes(pdf_upload("ket-luan-hoi-nghi.pdf", pages=1, salt="ket luan").read())

    deputy = session.new_page()
    sign_in(deputy, org.deputy)
    deputy.goto(f"/schedules/entries/{entry.pk}/")
    assert deputy.inner_text("#not-reported") == "chưa báo cáo"
    deputy.click("#report-form button")  # nothing written: said, nothing saved
    assert not EntryReport.objects.exists()
    deputy.fill("#id_text", "Hội nghị giao Sở chủ trì xây dựng kế hoạch chuyển đổi số năm 2027, trình UBND tỉnh "
                            "trước ngày 30/12.")
    deputy.set_input_files("#id_attachments", str(conclusion))
    with deputy.expect_navigation():
        deputy.click("#report-form button")
    reports = deputy.inner_text("#entry-reports")
    assert "trình UBND tỉnh trước ngày 30/12" in reports and "ket-luan-hoi-nghi.pdf" in reports
    assert deputy.locator("#not-reported").count() == 0
    shot(deputy, "reported-desktop")

    head = session.new_page(phone=True)
    sign_in(head, org.head)
    head.goto("/notifications/")
    assert "Báo cáo kết quả dự họp: UBND tỉnh mời dự Hội nghị" in head.inner_text("main")
    head.goto(f"/schedules/entries/{entry.pk}/")
    assert "trình UBND tỉnh trước ngày 30/12" in head.inner_text("#entry-reports")
    assert head.evaluate("() => document.documentElement.scrollWidth") <= 390
    shot(head, "report-read-phone")
