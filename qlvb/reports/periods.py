"""The periods a report covers (001 Đ15.3): a week (Monday to Sunday), a quarter, a half year, a
year; and how a period is named to the reader."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KINDS = ("week", "quarter", "half_year", "year")


def period_of(kind: str, day: date) -> tuple[date, date]:
    """The period of this kind that holds `day`."""
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if kind == "quarter":
        first = (day.month - 1) // 3 * 3 + 1
        start = day.replace(month=first, day=1)
        return start, _month_end(day.year, first + 2)
    if kind == "half_year":
        first = 1 if day.month <= 6 else 7
        return day.replace(month=first, day=1), _month_end(day.year, first + 5)
    if kind == "year":
        return day.replace(month=1, day=1), day.replace(month=12, day=31)
    raise ValidationError({"kind": _("Choose the kind of report.")})


def _month_end(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


def previous(kind: str, start: date) -> tuple[date, date]:
    return period_of(kind, start - timedelta(days=1))


def label(kind: str, start: date, end: date) -> str:
    """"Tuần 49/2026 (30/11–06/12/2026)", "Quý IV/2026", "6 tháng đầu năm 2026", "Năm 2026"."""
    if kind == "week":
        year, week, _day = start.isocalendar()
        return _("Week %(week)s/%(year)s (%(start)s–%(end)s)") % {
            "week": week, "year": year, "start": start.strftime("%d/%m"), "end": end.strftime("%d/%m/%Y")}
    if kind == "quarter":
        return _("Quarter %(quarter)s/%(year)s") % {
            "quarter": ("I", "II", "III", "IV")[(start.month - 1) // 3], "year": start.year}
    if kind == "half_year":
        text = _("First half of %(year)s") if start.month == 1 else _("Second half of %(year)s")
        return text % {"year": start.year}
    return _("Year %(year)s") % {"year": start.year}
