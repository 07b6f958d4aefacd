"""The agency's week, as the issue tells it, in one browser story: the Chánh Văn phòng drafts the
leaders' schedule for next week from what the leaders put forward and the invitations received,
the Giám đốc approves it, it is published to the whole agency, printed in the usual weekly table
and subscribed to from a phone calendar; the Friday briefing is prepared, held, minuted and
concluded, its conclusions become the units' tasks and the briefing shows which are done; the
Trưởng phòng breaks the unit's quarterly programme into tasks, the specialist reports progress and
the Phó Giám đốc sees his fields' programme with what is done, late and pending."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.incoming import services as incoming_services
from qlvb.incoming.services import Target
from qlvb.incoming.tests.conftest import _media, register_doc, registers  # noqa: F401 - fixtures
from qlvb.schedules import ical
from qlvb.schedules import selectors as schedule_selectors
from qlvb.schedules import services as schedule_services
from qlvb.schedules.models import Entry, Period, Scope
from qlvb.schedules.tests.conftest import at, office  # noqa: F401 - fixture

from .helpers import sign_in
from .stories.meetings import friday_briefing
from .stories.programmes import quarterly_programme

pytestmark = pytest.mark.browser


def test_the_agency_week_as_one_story(org, office, root, register_doc, session, shot, local_storage):  # noqa: F811
    monday = schedule_selectors.week_start(timezone.localdate()) + timedelta(days=7)
    tuesday, thursday = monday + timedelta(days=1), monday + timedelta(days=3)
    visit = schedule_services.save_entry(
        by=Actor(org.deputy), agency=org.agency, scope=Scope.PERSONAL, chair=org.deputy, people=[org.unit_head],
        title="Làm việc với Viettel Sơn La về hạ tầng 5G", place="Trụ sở Viettel Sơn La",
        starts_at=at(tuesday, 14), ends_at=at(tuesday, 16, 30))
    letter = register_doc(doc_type="GM", summary="UBND tỉnh mời dự Hội nghị triển khai nền tảng dữ liệu dùng chung")
    # The Giám đốc sends his deputy, and tells the office so that it goes into the leaders' week.
    incoming_services.route(by=Actor(org.head), document=letter, main=Target(person=org.deputy),
                            informed=[Target(unit=org.office)])
    week = f"/schedules/week/?s=agency&d={monday.isoformat()}"

    # The Phó Giám đốc puts his visit forward for the leaders' week.
    deputy = session.new_page()
    sign_in(deputy, org.deputy)
    deputy.goto(f"/schedules/entries/{visit.pk}/")
    with deputy.expect_navigation():
        deputy.click("#entry-proposal button")
    assert "Đề xuất đưa vào lịch tuần của lãnh đạo" in deputy.inner_text("#entry-proposal")

    # The Chánh Văn phòng drafts the week from it and from the invitation received.
    chief = session.new_page()
    sign_in(chief, office.chief)
    chief.goto(week)
    assert "Làm việc với Viettel Sơn La" in chief.inner_text("#schedule-proposals")
    assert "UBND tỉnh mời dự Hội nghị" in chief.inner_text("#schedule-invitations")
    shot(chief, "office-sees-proposals")
    with chief.expect_navigation():
        chief.click("#schedule-proposals button:has-text('Đưa vào lịch tuần')")
    assert "Làm việc với Viettel Sơn La" in chief.inner_text("#schedule-week")
    with chief.expect_navigation():
        chief.click("#schedule-invitations a:has-text('Đưa vào lịch')")
    assert chief.is_checked("#to-agency")  # from the leaders' week: into the leaders' week
    chief.fill("#id_title", "Dự Hội nghị triển khai nền tảng dữ liệu dùng chung của tỉnh")
    chief.fill("#id_starts_at", f"{thursday:%d/%m/%Y} 08:00")
    chief.fill("#id_ends_at", f"{thursday:%d/%m/%Y} 11:30")
    chief.fill("#id_place", "Hội trường UBND tỉnh")
    with chief.expect_navigation():
        chief.click("#invitation-form button")
    chief.goto(week)
    table = chief.inner_text("#schedule-week")
    assert "Làm việc với Viettel Sơn La" in table and "Dự Hội nghị triển khai" in table
    assert not chief.locator("#schedule-proposals").count()  # everything put forward is taken in
    with chief.expect_navigation():
        chief.click("text=Trình duyệt")
    period = Period.objects.get(agency=org.agency, scope=Scope.AGENCY, starts=monday)
    assert period.status == Period.Status.SUBMITTED

    # The Giám đốc approves and publishes it.
    head = session.new_page()
    sign_in(head, org.head)
    head.goto(week)
    with head.expect_navigation():
        head.click("text=Duyệt và công bố")
    period.refresh_from_db()
    assert period.is_published

    # Everyone in the agency reads it, prints it, and subscribes from a phone calendar.
    reader = session.new_page()
    sign_in(reader, org.specialist)
    reader.goto(week)
    text = reader.inner_text("#schedule-week")
    assert "Làm việc với Viettel Sơn La" in text and "Hội trường UBND tỉnh" in text and "Thứ Năm" in text
    shot(reader, "published-week")
    pdf = reader.request.get(f"/schedules/print/week.pdf?s=agency&d={monday.isoformat()}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    reader.goto("/schedules/subscriptions/")
    reader.select_option("#feed", "agency")
    with reader.expect_navigation():
        reader.click("button:has-text('Tạo')")
    address = reader.input_value("#feed-url")
    calendar = session.new_page(phone=True).request.get(address)  # no session: the token is the key
    body = calendar.text()
    assert calendar.status == 200 and body.startswith("BEGIN:VCALENDAR")
    assert "Làm việc với Viettel Sơn La" in body.replace("\r\n ", "")
    adopted = Entry.objects.get(scope=Scope.AGENCY, source_entry=visit)
    assert f"UID:{ical.uid(adopted)}" in body

    # The Friday briefing, to its conclusions done a week later; the unit's quarterly programme,
    # to the Phó Giám đốc's view of his fields.
    briefing = friday_briefing(org, session, shot)
    assert briefing.conclusions.count() == 1
    programme = quarterly_programme(org, root, session, shot)
    assert programme.items.count() == 3

    # After the conference (the test moves its time into the past; the apps never do), the Phó
    # Giám đốc the invitation sent reports back on its entry; the Giám đốc who sent him reads it.
    conference = Entry.objects.get(source_incoming=letter)
    now = timezone.now()
    Entry.objects.filter(pk=conference.pk).update(starts_at=now - timedelta(hours=5), ends_at=now - timedelta(hours=2))
    deputy.goto(f"/schedules/entries/{conference.pk}/")
    assert deputy.inner_text("#not-reported") == "chưa báo cáo"
    deputy.fill("#id_text", "Hội nghị giao Sở chủ trì kết nối dữ liệu dùng chung với 12 huyện, xong trước 30/6.")
    with deputy.expect_navigation():
        deputy.click("#report-form button")
    assert deputy.locator("#not-reported").count() == 0
    head.goto(f"/schedules/entries/{conference.pk}/")
    assert "kết nối dữ liệu dùng chung với 12 huyện" in head.inner_text("#entry-reports")
    shot(head, "report-back-read")
