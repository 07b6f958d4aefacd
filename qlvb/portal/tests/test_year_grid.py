"""The working-day page shows the whole year as the deadlines count it."""

from __future__ import annotations

import re
from datetime import date

from qlvb.core import workdays
from qlvb.core.actor import Actor
from qlvb.core.services import save_calendar_day


def _cell(body: str, day: date) -> str:
    match = re.search(rf'<td class="([^"]*)" data-day="{day.isoformat()}" data-working="(\d)"', body)
    assert match, day
    return f"{match.group(1)}|{match.group(2)}"


def test_grid_marks_tet_weekends_and_the_administrators_days_as_deadlines_count_them(org, root, login):
    tet = next(d for d, name in workdays.national_holidays(2026).items() if "Tết Nguyên Đán" in name)
    save_calendar_day(by=Actor(org.admin), agency_id=org.agency.pk, day=date(2026, 11, 10), kind="off",
                      name="Nghỉ bù Quốc khánh")
    save_calendar_day(by=Actor(root), agency_id=None, day=date(2026, 11, 14), kind="work", name="Làm bù")
    body = login(org.admin).get("/calendar/?year=2026").content.decode()
    assert "bg-danger-subtle|0" in _cell(body, tet)
    assert "bg-body-secondary|0" in _cell(body, date(2026, 11, 15))  # a Sunday
    assert "bg-warning-subtle|0" in _cell(body, date(2026, 11, 10))
    assert "bg-success-subtle|1" in _cell(body, date(2026, 11, 14))  # a Saturday worked
    assert _cell(body, date(2026, 11, 11)).endswith("|1")
    assert 'title="Nghỉ bù Quốc khánh"' in body
    # What the grid says is what a deadline counts: Monday 9 + 1 working day skips the 10th.
    assert workdays.add_working_days(date(2026, 11, 9), 1, org.agency) == date(2026, 11, 11)
    for day, (working, _why) in workdays.year_days(2026, org.agency).items():
        assert working == workdays.is_working_day(day, org.agency), day


def test_a_day_chosen_in_the_grid_fills_the_form(org, login):
    body = login(org.admin).get("/calendar/?year=2026&date=10/11/2026").content.decode()
    assert 'value="10/11/2026"' in body
    assert 'href="?year=2026&amp;date=10/11/2026#add-day"' in body
    assert "#add-day" not in login(org.specialist).get("/calendar/?year=2026").content.decode()
