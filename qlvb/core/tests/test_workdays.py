from __future__ import annotations

from datetime import date, timedelta

import pytest

from qlvb.core.actor import Actor
from qlvb.core.models import CalendarDay
from qlvb.core.services import save_calendar_day
from qlvb.core.workdays import add_working_days, calendars, is_working_day, working_days_between


def test_weekends_are_skipped(db):
    # Friday 6 Nov 2026 + 1 working day = Monday 9 Nov.
    assert add_working_days(date(2026, 11, 6), 1) == date(2026, 11, 9)
    assert add_working_days(date(2026, 11, 2), 5) == date(2026, 11, 9)


def test_lunar_new_year_is_skipped(db):
    # Tết Bính Ngọ: 16–20 Feb 2026 are days off; Friday 13 Feb + 1 working day = Monday 23 Feb.
    assert not is_working_day(date(2026, 2, 17))
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)


def test_national_day_and_reunification(db):
    assert not is_working_day(date(2026, 9, 2))
    assert not is_working_day(date(2026, 4, 30))
    assert is_working_day(date(2026, 4, 29))


def test_government_make_up_saturday(db):
    # 22 Aug 2026 (Saturday) is worked in exchange for 31 Aug.
    assert is_working_day(date(2026, 8, 22))
    assert not is_working_day(date(2026, 8, 31))


def test_agency_overrides(org, other_org, root):
    save_calendar_day(by=Actor(org.admin), agency_id=org.agency.pk, day=date(2026, 11, 10),
                      kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ bù")
    assert not is_working_day(date(2026, 11, 10), org.agency)
    assert is_working_day(date(2026, 11, 10), other_org.agency)
    assert add_working_days(date(2026, 11, 9), 1, org.agency) == date(2026, 11, 11)
    save_calendar_day(by=Actor(root), agency_id=None, day=date(2026, 11, 14), kind=CalendarDay.Kind.WORKING_DAY,
                      name="Làm bù")
    assert is_working_day(date(2026, 11, 14), other_org.agency)


def test_zero_and_negative(db):
    assert add_working_days(date(2026, 11, 7), 0) == date(2026, 11, 9)  # Saturday → Monday
    assert add_working_days(date(2026, 11, 9), -1) == date(2026, 11, 6)
    assert working_days_between(date(2026, 11, 6), date(2026, 11, 13)) == 5


def test_planner_statistics_job_runs(db):
    from qlvb.core.tasks import refresh_planner_statistics

    refresh_planner_statistics.call_local()


def test_the_calendar_is_read_once_until_a_calendar_event(org, django_assert_num_queries,
                                                          django_capture_on_commit_callbacks):
    """The calendar is kept under a stamp of its own: other events (every registration is one)
    leave it; saving or removing a day moves it, at once and again after commit (other workers)."""
    from qlvb.core import events, personcache
    from qlvb.core.services import remove_calendar_day

    day, agency = date(2026, 11, 10), org.agency
    assert is_working_day(day, agency)
    assert add_working_days(date(2026, 11, 9), 1, agency) == day
    events.record(verb="core.test", agency=agency, data={})  # moves the person stamp only
    with django_assert_num_queries(0):
        assert is_working_day(day, agency)
        assert add_working_days(date(2026, 11, 9), 1, agency) == day
    before = personcache.stamp(personcache.CALENDAR)
    with django_capture_on_commit_callbacks(execute=True):
        row = save_calendar_day(by=Actor(org.admin), agency_id=agency.pk, day=day, kind=CalendarDay.Kind.DAY_OFF,
                                name="Nghỉ bù")
        inside = personcache.stamp(personcache.CALENDAR)
        assert inside != before and not is_working_day(day, agency)  # the transaction sees its own change
    assert personcache.stamp(personcache.CALENDAR) != inside
    assert add_working_days(date(2026, 11, 9), 1, agency) == date(2026, 11, 11)
    remove_calendar_day(by=Actor(org.admin), row=row)
    assert is_working_day(day, agency)


def test_calendars_read_at_once_answer_as_the_functions_do(org, other_org, root, django_assert_num_queries):
    save_calendar_day(by=Actor(org.admin), agency_id=org.agency.pk, day=date(2027, 2, 3),
                      kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ trước Tết")
    save_calendar_day(by=Actor(root), agency_id=None, day=date(2027, 2, 13), kind=CalendarDay.Kind.WORKING_DAY,
                      name="Làm bù")
    start, end = date(2027, 1, 25), date(2027, 3, 10)
    with django_assert_num_queries(1):
        installation, own = calendars(start, end)
    assert set(own) == {org.agency.pk}
    for agency, calendar in ((other_org.agency, installation), (org.agency, own[org.agency.pk])):
        day = start
        while day <= date(2027, 2, 20):
            assert calendar.is_working_day(day) == is_working_day(day, agency), (agency, day)
            assert calendar.add_working_days(day, 2) == add_working_days(day, 2, agency), (agency, day)
            assert calendar.working_days_between(day, day + timedelta(days=12)) == working_days_between(
                day, day + timedelta(days=12), agency)
            day += timedelta(days=1)
    with pytest.raises(ValueError):
        installation.add_working_days(date(2027, 3, 8), 5)  # beyond what was read
