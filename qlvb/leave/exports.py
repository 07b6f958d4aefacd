"""The office's leave register (sổ theo dõi nghỉ phép, 001 Đ18.3) as Excel and PDF. Taking the
file is recorded (who took which period), like the other registers' exports."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.leave import selectors
from qlvb.org.models import Agency, Person
from qlvb.registers.printing import render_pdf

FORMATS = ("xlsx", "pdf")
MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}
MAX_ROWS = 20_000


def headings() -> list[str]:
    return [_("No."), _("Full name"), _("Unit"), _("Kind of leave"), _("From"), _("Until"), _("Days"),
            _("Approved by"), _("Note")]


def _day(value: Any, half: str) -> str:
    return value.strftime("%d/%m/%Y") + (f" ({half})" if half else "")


def lines(agency_id: int, year: int, month: int | None) -> list[list[Any]]:
    rows = selectors.register(agency_id, year, month)[:MAX_ROWS]
    out = []
    for index, r in enumerate(rows, start=1):
        note = _("Emergency") if r.emergency else ""
        out.append([index, r.person.full_name, r.unit.name if r.unit else "", r.get_kind_display(),
                    _day(r.start, _("afternoon") if r.start_afternoon else ""),
                    _day(r.end, _("morning") if r.end_morning else ""), float(r.days),
                    r.decided_by.full_name if r.decided_by else r.get_step_display(), note])
    return out


def xlsx(title: str, subtitle: str, body: list[list[Any]], made: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Leave register")[:31]
    sheet.append([title.upper()])
    sheet.append([subtitle])
    sheet.append([])
    sheet.append(headings())
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in sheet[4]:
        cell.font, cell.border = Font(bold=True), border
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    # Cells written one by one at their known row: `sheet.max_row` (and `sheet[row]`) walk every
    # cell written so far, which made a year's register of 3,470 rows take 5.4 s.
    top = Alignment(vertical="top", wrap_text=True)
    for row, line in enumerate(body, start=5):
        for column, value in enumerate(line, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.border, cell.alignment = border, top
    total = sum(line[6] for line in body)
    sheet.append(["", _("Total"), "", "", "", "", total])
    sheet.append([])
    sheet.append([made])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"].font = Font(bold=True)
    for index, width in enumerate((6, 28, 26, 16, 16, 16, 8, 24, 14), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.page_setup.orientation = "landscape"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def register_file(user: Person, viewer: Person, agency_id: int, year: int, month: int | None, fmt: str,
                  actor: Actor) -> tuple[bytes, str, str]:
    """The register of the period as `fmt`: (content, file name, MIME type)."""
    agency = Agency.objects.get(pk=agency_id)
    title = _("Leave register")
    subtitle = f"{agency.name} – {selectors.period_label(year, month)}"
    made = _("Made from the system at %(when)s by %(who)s.") % {
        "when": timezone.localtime().strftime("%H:%M %d/%m/%Y"), "who": user.full_name}
    body = lines(agency_id, year, month)
    if fmt == "xlsx":
        content = xlsx(title, subtitle, body, made)
    else:
        content = render_pdf("leave/register_print.html", {
            "title": title, "subtitle": subtitle, "agency": agency, "headings": headings(), "lines": body,
            "total": sum(line[6] for line in body), "made": made})
    events.record(verb="leave.register_exported", actor=actor, agency=agency_id,
                  data={"year": year, "month": month, "format": fmt, "rows": len(body)})
    return content, f"{title} – {selectors.period_label(year, month)}.{fmt}".replace("/", "-"), MIME[fmt]


def disposition(name: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(True, name) or "attachment"
