"""Each person's compliance figures (003 Đ18): documents, reviews and tasks on time, and log-ins on
working days (weekends, holidays and Tết are not), for the person and their leaders only; a
leader's table of their people in a flat number of queries, each row equal to the person's page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_person
from qlvb.core import workdays
from qlvb.core.actor import Actor
from qlvb.incoming import services as incoming
from qlvb.org import services as org_services
from qlvb.statistics import periods, selectors
from qlvb.statistics.models import LoginDay
from qlvb.statistics.periods import Period
from qlvb.tasks import services as tasks
from qlvb.tasks.services import Owner

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """Set the clock to nine in the morning of a given day."""
    def set_day(day: date) -> None:
        moment = timezone.make_aware(datetime.combine(day, time(9)))
        monkeypatch.setattr(timezone, "now", lambda: moment)
    return set_day


def test_working_days_across_new_year_and_tet(org):
    new_year = Period("range", date(2026, 12, 28), date(2027, 1, 8))
    days = selectors.working_days(new_year, date(2027, 6, 1), org.agency.pk)
    # 28–31 December, then 4–8 January: New Year's day is off.
    assert days == [date(2026, 12, d) for d in (28, 29, 30, 31)] + [date(2027, 1, d) for d in range(4, 9)]
    tet = selectors.working_days(periods.of("month", date(2027, 2, 1)), date(2027, 6, 1), org.agency.pk)
    # February 2027: 20 weekdays, of which Tết (29 Tết to mùng 5: 4–10 February) takes five.
    assert len(tet) == 15 and not {date(2027, 2, d) for d in (4, 5, 8, 9, 10)} & set(tet)
    assert date(2027, 2, 11) in tet
    # The same count as the deadlines' own arithmetic, whatever the period.
    for period in (new_year, periods.of("year", date(2027, 3, 1)), Period("range", date(2026, 1, 1),
                                                                           date(2027, 12, 31))):
        assert len(selectors.working_days(period, date(2028, 1, 1), org.agency.pk)) == \
            workdays.working_days_between(period.start - timedelta(days=1), period.end, org.agency.pk)
    # Only the days until today count; a period still to come has none.
    assert len(selectors.working_days(new_year, date(2026, 12, 30), org.agency.pk)) == 3
    assert selectors.working_days(new_year, date(2026, 12, 1), org.agency.pk) == []


def test_an_agency_day_off_is_not_a_working_day(org):
    from qlvb.core.models import CalendarDay

    CalendarDay.objects.create(agency=org.agency, date=date(2027, 3, 3), kind=CalendarDay.Kind.DAY_OFF)
    days = selectors.working_days(periods.of("week", date(2027, 3, 3)), date(2027, 6, 1), org.agency.pk)
    assert date(2027, 3, 3) not in days and len(days) == 4


def test_log_ins_count_on_working_days_only(org, login, clock):
    for day in (date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 4),  # holiday, Saturday
                date(2027, 2, 3), date(2027, 2, 5), date(2027, 2, 9), date(2027, 2, 11)):  # 5 and 9: Tết
        clock(day)
        login(org.specialist)
        login(org.specialist)  # twice the same day: one day
    assert LoginDay.objects.filter(person=org.specialist).count() == 8
    clock(date(2027, 3, 1))
    from django.http import QueryDict

    from qlvb.statistics import scopes

    scope = scopes.resolve(org.specialist, QueryDict())
    february = selectors.compliance(org.specialist, scope, periods.of("month", date(2027, 2, 1)))
    assert (february.login_days, february.working_days, february.login_rate) == (2, 15, 13.3)
    new_year = selectors.compliance(org.specialist, scope, Period("range", date(2026, 12, 28), date(2027, 1, 8)))
    assert (new_year.login_days, new_year.working_days) == (2, 9)


def test_a_persons_figures(org, routed, later, login):
    on_time, late, _waiting = routed(days=2), routed(days=2), routed(days=2)
    incoming.complete(by=Actor(org.specialist), document=on_time, note="Đã xử lý")
    task = tasks.assign(by=Actor(org.head), agency=org.agency, owner=Owner(person=org.specialist),
                        title="Rà soát hạ tầng mạng", deadline=timezone.localdate() + timedelta(days=20))
    tasks.complete(by=Actor(org.specialist), task=task, result="Đã rà soát")
    later(10)
    incoming.complete(by=Actor(org.specialist), document=late, note="Đã xử lý, muộn")
    response = login(org.specialist).get("/statistics/compliance/")
    assert response.status_code == 200 and response.context["scope"].person_id == org.specialist.pk
    figures = response.context["figures"]
    assert figures.handled == {"total": 3, "done_on_time": 1, "done_late": 1, "pending": 0, "overdue": 1}
    assert figures.handled_rate == 33.3 and figures.task_rate == 100.0 and figures.review_rate is None
    assert response.context["period"].kind == "year"
    assert "33,3%" in response.content.decode() or "33.3%" in response.content.decode()


def test_only_the_person_and_their_leaders(org, other_org, login):
    mine = {"scope": "person", "person": org.specialist.pk}
    assert login(org.specialist).get("/statistics/compliance/", mine).status_code == 200
    for leader in (org.unit_head, org.head, org.deputy):
        assert login(leader).get("/statistics/compliance/", mine).status_code == 200, leader
    for other in (org.admin, org.clerk):  # a colleague of the unit; the clerk of the office
        assert login(other).get("/statistics/compliance/", mine).status_code == 404, other
    assert login(other_org.head).get("/statistics/compliance/", {**mine, "agency": org.agency.pk}
                                     ).status_code == 404
    assert login(org.specialist).get("/statistics/compliance/", {"scope": "person", "person": org.unit_head.pk}
                                     ).status_code == 404
    # The office oversees the registers, not the people: no table for it.
    assert login(org.clerk).get("/statistics/compliance/", {"scope": "agency"}).status_code == 404
    assert login(org.clerk).get("/statistics/compliance/").context["scope"].person_id == org.clerk.pk
    assert login(org.specialist).get("/statistics/compliance/", {"scope": "unit", "unit": org.unit.pk}
                                     ).status_code == 404


def test_the_table_of_a_leaders_people_equals_their_pages(org, routed, login):
    document = routed(days=3)
    incoming.complete(by=Actor(org.specialist), document=document, note="Đã xử lý")
    unit = login(org.unit_head).get("/statistics/compliance/")
    assert unit.context["scope"].level == "unit"
    names = [row["person"].full_name for row in unit.context["table"]]
    assert sorted(names) == sorted([org.unit_head.full_name, org.specialist.full_name, org.admin.full_name])
    agency = login(org.head).get("/statistics/compliance/")
    assert agency.context["scope"].level == "agency" and len(agency.context["table"]) == 6
    for client, table in ((login(org.unit_head), unit.context["table"]), (login(org.head), agency.context["table"])):
        for row in table:
            page = client.get(row["url"])
            assert page.status_code == 200 and page.context["figures"] == row["figures"], row["person"]
    row = next(r for r in unit.context["table"] if r["person"] == org.specialist)
    assert row["figures"].handled["done_on_time"] == 1


def _people(org, n: int) -> None:  # noqa: ANN001
    for index in range(n):
        person = make_person(org.agency, f"stttt.cv{index}", f"Chuyên viên số {index}")
        org_services.assign_post(by=Actor(org.admin), person=person, unit=org.unit, position=org.positions["cv"])


def test_the_table_reads_a_flat_number_of_queries(org, routed, login):
    routed()

    def count(client) -> tuple[int, int]:  # noqa: ANN001
        client.get("/statistics/compliance/")  # the caches of the person and the calendar filled
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/statistics/compliance/")
        return len(ctx.captured_queries), len(response.context["table"])

    few, rows = count(login(org.unit_head))
    assert rows == 3
    _people(org, 8)
    many, rows = count(login(org.unit_head))
    assert rows == 11 and many == few, connection.vendor
    assert few <= 22, few
