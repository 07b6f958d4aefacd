"""Vietnamese working days: Monday to Friday, minus public holidays (lunar New Year included),
with the installation's and each agency's own days off and make-up working days on top.

Deadlines ("5 working days") everywhere in the product go through add_working_days().
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.db.models import Model, Q

from qlvb.core import personcache
from qlvb.core.models import CalendarDay


@lru_cache(maxsize=64)
def _national(year: int) -> tuple[dict[date, str], frozenset[date]]:
    calendar = holidays.Vietnam(years=year, language="vi")
    days_off = dict(calendar.items())
    # Saturdays the Government turns into working days to bridge a holiday.
    make_up = frozenset(d for d in getattr(calendar, "weekend_workdays", ()) if d.year == year)
    return days_off, make_up


def national_holidays(year: int) -> dict[date, str]:
    return dict(_national(year)[0])


def _overrides(agency_id: int | None, start: date, end: date) -> dict[date, str]:
    """Day → 'off' or 'work' for the period; an agency's rows win over the installation's.
    Every page with a deadline and every registration asks; kept until the calendar's next event
    (saving or removing a day), not every event's: registrations would otherwise read it each time."""
    return personcache.cached("calendar", agency_id or 0, lambda: _read_overrides(agency_id, start, end), start, end,
                              of=personcache.CALENDAR)


def _read_overrides(agency_id: int | None, start: date, end: date) -> dict[date, str]:
    rows = CalendarDay.objects.filter(date__range=(start, end)).filter(
        Q(agency__isnull=True) | Q(agency_id=agency_id) if agency_id else Q(agency__isnull=True)
    )
    result: dict[date, str] = {}
    for row in sorted(rows.values("date", "kind", "agency_id"), key=lambda r: r["agency_id"] is not None):
        result[row["date"]] = row["kind"]
    return result


def _agency_id(agency: Model | int | None) -> int | None:
    """The agency's id, given the agency or its id."""
    return agency.pk if isinstance(agency, Model) else agency


def _is_working(day: date, overrides: dict[date, str]) -> bool:
    kind = overrides.get(day)
    if kind == CalendarDay.Kind.DAY_OFF:
        return False
    if kind == CalendarDay.Kind.WORKING_DAY:
        return True
    days_off, make_up = _national(day.year)
    if day in make_up:
        return True
    return day.weekday() < 5 and day not in days_off


def is_working_day(day: date, agency: Model | int | None = None) -> bool:
    agency_id = _agency_id(agency)
    return _is_working(day, _overrides(agency_id, day, day))


def add_working_days(start: date, n: int, agency: Model | int | None = None) -> date:
    """The date n working days after start (start itself is not counted; n=0 gives the first
    working day on or after start). Negative n counts backwards."""
    agency_id = _agency_id(agency)
    # Long Tết breaks are about 9 days; a window of 2n + 30 days always holds the answer.
    span = timedelta(days=2 * abs(n) + 30)
    window = (start, start + span) if n >= 0 else (start - span, start)
    return _add(start, n, _overrides(agency_id, *window))


def _add(start: date, n: int, overrides: dict[date, str]) -> date:
    step = 1 if n >= 0 else -1
    day, remaining = start, abs(n)
    if remaining == 0:
        while not _is_working(day, overrides):
            day += timedelta(days=1)
        return day
    while remaining:
        day += timedelta(days=step)
        if _is_working(day, overrides):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, agency: Model | int | None = None) -> int:
    """How many working days lie after start up to and including end (0 if end <= start)."""
    if end <= start:
        return 0
    return _between(start, end, _overrides(_agency_id(agency), start, end))


def _between(start: date, end: date, overrides: dict[date, str]) -> int:
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += _is_working(day, overrides)
    return count


class Calendar:
    """The working days of the installation or of one agency over a period, read beforehand: for a
    job asking many questions of the same days (calendars())."""

    def __init__(self, start: date, end: date, overrides: dict[date, str]) -> None:
        self.start, self.end, self.overrides = start, end, overrides

    def _check(self, *days: date) -> None:
        if any(not self.start <= day <= self.end for day in days):
            raise ValueError(f"{days} is outside the calendar read ({self.start} to {self.end})")

    def is_working_day(self, day: date) -> bool:
        self._check(day)
        return _is_working(day, self.overrides)

    def add_working_days(self, start: date, n: int) -> date:
        """As add_working_days(); n >= 0 only, and the answer must lie in the period."""
        answer = _add(start, n, self.overrides)
        self._check(start, answer)
        return answer

    def working_days_between(self, start: date, end: date) -> int:
        self._check(start, max(start, end))
        return _between(start, end, self.overrides)


def calendars(start: date, end: date) -> tuple[Calendar, dict[int, Calendar]]:
    """In one query: the installation's calendar over the period (for every agency without days of
    its own in it) and that of each agency with days of its own (its rows over the installation's)."""
    rows = list(CalendarDay.objects.filter(date__range=(start, end)).order_by().values_list("agency_id", "date",
                                                                                          "kind"))
    installation = {day: kind for agency_id, day, kind in rows if agency_id is None}
    own: dict[int, dict[date, str]] = {}
    for agency_id, day, kind in rows:
        if agency_id is not None:
            own.setdefault(agency_id, dict(installation))[day] = kind
    return (Calendar(start, end, installation),
            {agency_id: Calendar(start, end, overrides) for agency_id, overrides in own.items()})


def year_days(year: int, agency: Model | int | None = None) -> dict[date, tuple[bool, str]]:
    """Every day of the year → (working day?, why: "holiday", "make_up", "off", "work", "weekend" or
    ""), by the same rules the deadlines use: what the calendar page shows is what counts."""
    agency_id = _agency_id(agency)
    start, end = date(year, 1, 1), date(year, 12, 31)
    overrides = _overrides(agency_id, start, end)
    days_off, make_up = _national(year)
    result: dict[date, tuple[bool, str]] = {}
    day = start
    while day <= end:
        kind = overrides.get(day)
        if kind == CalendarDay.Kind.DAY_OFF:
            why = "off"
        elif kind == CalendarDay.Kind.WORKING_DAY:
            why = "work"
        elif day in make_up:
            why = "make_up"
        elif day in days_off:
            why = "holiday"
        elif day.weekday() >= 5:
            why = "weekend"
        else:
            why = ""
        result[day] = (_is_working(day, overrides), why)
        day += timedelta(days=1)
    return result
