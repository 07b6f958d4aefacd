"""The week (a reception month) printed in the usual layout of a lịch công tác tuần: the agency's
heading, the title with the dates, then a table Thứ/ngày | Buổi | Nội dung | Thành phần | Địa
điểm | Chủ trì, with the adjusted entries marked and the cancelled ones struck through."""

from __future__ import annotations

from datetime import date

from qlvb.org.models import Agency
from qlvb.registers.printing import render_pdf
from qlvb.schedules import selectors
from qlvb.schedules.models import Entry, Period, Scope


def week_pdf(*, schedule_label: str, scope: str, agency: Agency | None, start: date, end: date,
             entries: list[Entry], period: Period | None, printed_by: str = "") -> bytes:
    days = (end - start).days + 1
    rows = [row for row in selectors.week_table(entries, start, days=days)
            if scope != Scope.RECEPTION or not row.is_empty]
    return render_pdf("schedules/print/week.html", {
        "agency": agency, "label": schedule_label, "scope": scope, "start": start, "end": end, "rows": rows,
        "period": period, "printed_by": printed_by, "is_reception": scope == Scope.RECEPTION,
        "week_number": start.isocalendar()[1],
    })
