"""The leaders' week in a browser: the Chánh Văn phòng adds an entry through the form and submits
the week, the Giám đốc approves and publishes it on his phone, a specialist reads it on a desktop
and on a phone, with the double booking and the "đã điều chỉnh" mark shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.schedules import selectors, services
from qlvb.schedules.models import Entry, Period, Scope
from qlvb.schedules.tests.conftest import at, office  # noqa: F401 - fixture

from .helpers import sign_in

pytestmark = pytest.mark.browser


def test_the_leaders_week_drafted_published_and_read(org, office, session, shot):  # noqa: F811
    monday = selectors.week_start(timezone.localdate())
    services.save_entry(by=Actor(office.chief), agency=org.agency, scope=Scope.AGENCY,
                        title="Giao ban Lãnh đạo Sở đầu tuần", place="Phòng họp tầng 2", starts_at=at(monday, 8),
                        ends_at=at(monday, 10), chair=org.head, people=[org.head, org.deputy],
                        preparing_unit=org.office)
    services.save_entry(by=Actor(office.chief), agency=org.agency, scope=Scope.AGENCY,
                        title="Dự Hội nghị trực tuyến của Bộ về chuyển đổi số", place="Điểm cầu UBND tỉnh",
                        starts_at=at(monday + timedelta(days=2), 14), ends_at=at(monday + timedelta(days=2), 17),
                        chair=org.deputy, people=[org.deputy, org.unit_head], units=[org.unit])
    services.save_entry(by=Actor(org.deputy), agency=org.agency, scope=Scope.PERSONAL, title="Khám sức khỏe định kỳ",
                        starts_at=at(monday, 9), ends_at=at(monday, 11))

    # The Chánh Văn phòng adds Thursday's entry through the form and submits the week.
    chief = session.new_page()
    sign_in(chief, office.chief)
    chief.goto(f"/schedules/week/?s=agency&d={monday.isoformat()}")
    chief.click("text=Thêm lịch")
    thursday = monday + timedelta(days=3)
    chief.fill("#id_title", "Làm việc với Sở Tài chính về dự toán năm 2027")
    chief.fill("#id_starts_at", f"{thursday:%d/%m/%Y} 14:00")
    chief.fill("#id_ends_at", f"{thursday:%d/%m/%Y} 13:00")  # ends before it starts
    chief.click("#entry-form button")
    assert "Thời điểm kết thúc phải sau thời điểm bắt đầu." in chief.inner_text("main")
    assert Entry.objects.count() == 3
    chief.fill("#id_ends_at", f"{thursday:%d/%m/%Y} 16:30")
    chief.fill("#id_place", "Sở Tài chính")
    chief.select_option("#id_chair", str(org.head.pk))
    with chief.expect_navigation():
        chief.click("#entry-form button")
    table = chief.locator("#schedule-week")
    assert "Làm việc với Sở Tài chính" in table.inner_text()
    assert "Trùng lịch" in table.inner_text()  # the deputy at the briefing and at his check-up
    shot(chief, "office-draft-desktop")
    with chief.expect_navigation():
        chief.click("text=Trình duyệt")
    assert Period.objects.get().status == Period.Status.SUBMITTED

    # The Giám đốc approves and publishes on his phone.
    head = session.new_page(phone=True)
    sign_in(head, org.head)
    head.goto(f"/schedules/week/?s=agency&d={monday.isoformat()}")
    cards = head.locator("#schedule-week-list")
    assert cards.is_visible() and not head.locator("#schedule-week").is_visible()
    assert "Giao ban Lãnh đạo Sở đầu tuần" in cards.inner_text()
    with head.expect_navigation():
        head.click("text=Duyệt và công bố")
    assert Period.objects.get().is_published
    width = head.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing sideways on a phone
    shot(head, "published-phone")

    # The office moves a published entry: it is marked, and the specialist sees the mark.
    entry = Entry.objects.get(title__startswith="Làm việc với Sở Tài chính")
    services.save_entry(by=Actor(office.chief), agency=org.agency, scope=Scope.AGENCY, entry=entry,
                        title=entry.title, place="Phòng họp tầng 2", starts_at=entry.starts_at, ends_at=entry.ends_at,
                        chair=org.head)
    reader = session.new_page()
    sign_in(reader, org.specialist)
    reader.goto(f"/schedules/week/?s=agency&d={monday.isoformat()}")
    text = reader.inner_text("#schedule-week")
    assert "Làm việc với Sở Tài chính" in text and "đã điều chỉnh" in text and "Thứ Năm" in text
    assert "Trùng lịch" not in text  # when a colleague is busy elsewhere is for the planners
    shot(reader, "published-desktop")
    phone = session.new_page(phone=True)
    sign_in(phone, org.specialist)
    phone.goto(f"/schedules/week/?s=agency&d={monday.isoformat()}")
    assert "đã điều chỉnh" in phone.inner_text("#schedule-week-list")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    shot(phone, "published-phone-specialist")
    phone.goto(f"/schedules/month/?s=agency&d={monday.isoformat()}")
    assert "Làm việc với Sở Tài chính" in phone.inner_text("#schedule-month-list")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    shot(phone, "month-phone")
    phone.goto("/schedules/entries/new/?s=me")
    assert phone.locator("#id_starts_at").is_visible()
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    shot(phone, "new-entry-phone")
