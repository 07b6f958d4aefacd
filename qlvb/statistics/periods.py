"""The period a statistic covers: a week, a month, a quarter, six months, a year, or any range of
days; the one before it (the trend); and how it reads from and into a page's parameters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from qlvb.reports import periods as report_periods

KINDS = ("week", "month", "quarter", "half_year", "year", "range")
LONGEST_RANGE = timedelta(days=366 * 5)
# Days far outside any agency's records would only overflow the date arithmetic (a week ending
# after year 9999, the period before year 1).
FIRST_YEAR, LAST_YEAR = 1900, 2100


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("Month %(month)s/%(year)s") % {"month": self.start.month, "year": self.start.year}
        if self.kind == "range":
            return _("From %(start)s to %(end)s") % {"start": self.start.strftime("%d/%m/%Y"),
                                                      "end": self.end.strftime("%d/%m/%Y")}
        return report_periods.label(self.kind, self.start, self.end)

    def previous(self) -> Period:
        if self.kind == "range":
            length = self.end - self.start
            end = self.start - timedelta(days=1)
            return Period("range", end - length, end)
        return of(self.kind, self.start - timedelta(days=1))

    def params(self) -> dict[str, str]:
        """The page parameters that give this period back (links to the lists behind figures)."""
        if self.kind == "range":
            return {"period": "range", "start": self.start.isoformat(), "end": self.end.isoformat()}
        return {"period": self.kind, "day": self.start.isoformat()}


def of(kind: str, day: date) -> Period:
    """The period of this kind that holds `day`."""
    if kind == "month":
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return Period("month", start, following - timedelta(days=1))
    start, end = report_periods.period_of(kind, day)
    return Period(kind, start, end)


def months_back(n: int, today: date) -> list[Period]:
    """The last n months, oldest first, this month included (the trend charts)."""
    months = [of("month", today)]
    while len(months) < n:
        months.insert(0, months[0].previous())
    return months


def from_params(params: Mapping[str, str], today: date, default: str = "month") -> Period:
    """`period` (a kind), with `day` (any day inside it, default today) or, for a range, `start`
    and `end`. Bad input raises a ValidationError worded for the user."""
    get = params.get
    kind = get("period") or default
    if kind not in KINDS:
        raise ValidationError(_("Choose a week, a month, a quarter, six months, a year or a range of days."))
    if kind == "range":
        start, end = parse_day(get("start")), parse_day(get("end"))
        if start is None or end is None:
            raise ValidationError(_("Enter the first and the last day of the range (dd/mm/yyyy)."))
        if end < start:
            raise ValidationError(_("The range ends before it starts."))
        if end - start > LONGEST_RANGE:
            raise ValidationError(_("A range covers at most five years."))
        _within_years(start, end)
        return Period("range", start, end)
    day = parse_day(get("day")) if get("day") else today
    if day is None:
        raise ValidationError(_("Enter the day as dd/mm/yyyy."))
    _within_years(day)
    return of(kind, day)


def _within_years(*days: date) -> None:
    if any(not FIRST_YEAR <= day.year <= LAST_YEAR for day in days):
        raise ValidationError(_("Choose a day between the years %(first)s and %(last)s.")
                              % {"first": FIRST_YEAR, "last": LAST_YEAR})


def parse_day(text: str | None) -> date | None:
    if not text:
        return None
    text = text.strip()
    try:
        parsed = parse_date(text)
    except ValueError:
        return None
    if parsed is not None:
        return parsed
    try:
        day, month, year = (int(part) for part in text.split("/"))
        return date(year, month, day)
    except ValueError:
        return None
