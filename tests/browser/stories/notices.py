"""The quarterly work plan disclosed (002 Đ20.2, Đ21) through the pages: the Chánh Văn phòng
records it in the disclosure register the working day after it was issued, as a notice to all
staff posted 30 days; the record shows the deadline met (3 working days on the calendar); a
specialist sees the notice on his home page (desktop and phone) and in his notices list, opens it;
the office sees who has read it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from conftest import make_person
from qlvb.core.actor import Actor
from qlvb.core.workdays import add_working_days
from qlvb.disclosures.models import Disclosure
from qlvb.disclosures.tests.conftest import issued
from qlvb.notices.models import Receipt
from qlvb.org import services as org_services
from qlvb.org.models import Position

from ..helpers import path_of, sign_in


def work_plan_disclosed(org: Any, session: Any, shot: Callable[..., Any]) -> Disclosure:
    chief = make_person(org.agency, "stttt.cvp", "Hoàng Văn Tuấn")
    position = org_services.create_position(by=Actor(org.admin), agency=org.agency, name="Chánh Văn phòng",
                                            kind=Position.Kind.UNIT_HEAD)
    org_services.assign_post(by=Actor(org.admin), person=chief, unit=org.office, position=position)
    today = timezone.localdate()
    issued_on = add_working_days(today, -1, org.agency)
    plan = issued(org, chief, summary="Kế hoạch công tác quý I năm 2027 của Sở", on=issued_on)

    office = session.new_page()
    sign_in(office, chief)
    office.goto("/disclosures/")
    with office.expect_navigation():
        office.click("#new-disclosure")
    office.select_option("#id_category", "work_plan")
    office.fill("#id_title", "Công khai: kế hoạch công tác")
    office.select_option("#id_source", f"outgoing:{plan.pk}")
    office.fill("#id_disclosed_on", today.strftime("%d/%m/%Y"))
    office.check("#id_by_notice")
    office.check("#id_at_premises")
    office.fill("#id_posting_days", "30")
    with office.expect_navigation():
        office.click("#disclosure-form button.btn-primary")
    disclosure = Disclosure.objects.get()
    assert path_of(office) == f"/disclosures/{disclosure.pk}/"
    record = office.inner_text("#disclosure-record")
    assert disclosure.due_on.strftime("%d/%m/%Y") in record and "đúng hạn" in record
    assert "3 ngày làm việc" in record and "30 ngày" in record
    assert office.get_attribute("#disclosure-state [data-state]", "data-state") == "on_time"
    shot(office, "disclosure-record-desktop")

    staff = session.new_page()
    sign_in(staff, org.specialist)
    staff.goto("/")
    box = staff.locator("#home-notices")
    assert "Công khai: kế hoạch công tác" in box.inner_text() and "Mới" in box.inner_text()
    shot(staff, "home-notices-box-desktop")
    phone = session.new_page(phone=True)
    sign_in(phone, org.unit_head)
    phone.goto("/")
    assert "Công khai: kế hoạch công tác" in phone.inner_text("#home-notices")
    shot(phone, "home-notices-box-phone")

    staff.goto("/notices/")
    item = staff.locator(f"#notice-list [data-notice='{disclosure.notice_id}']")
    assert item.get_attribute("data-read") == "0"
    with staff.expect_navigation():
        item.click()
    assert "Văn bản: " in staff.inner_text("#notice-body")
    assert staff.locator("#read-at").count() == 1 and staff.locator("#receipts").count() == 0
    staff.goto("/notices/")
    assert staff.locator(f"#notice-list [data-notice='{disclosure.notice_id}']").get_attribute("data-read") == "1"

    with office.expect_navigation():
        office.click("#disclosure-notice")
    assert org.specialist.full_name in office.inner_text("#receipts-read")
    assert org.unit_head.full_name in office.inner_text("#receipts-unread")
    read = Receipt.objects.filter(notice_id=disclosure.notice_id).count()  # the specialist and the office
    assert read == 2 and f"{read}/" in office.inner_text("#receipt-counts")
    shot(office, "notice-receipts-desktop")
    return disclosure
