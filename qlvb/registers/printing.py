"""Printing the register books (NĐ30 Phụ lục IV), whichever their direction: the period a book
covers, who may print which books, rendering to PDF (weasyprint) and Excel (openpyxl), and the
view plumbing the print pages of incoming and outgoing share. The rows of each book, and its
template, stay with the app whose documents it lists.

The forms are the state's Vietnamese forms, so their wording is Vietnamese whatever the interface
language; both directions read and look alike because they are printed here.
"""

from __future__ import annotations

import calendar
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol, overload
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core.doctypes import DOCUMENT_TYPE_NAMES
from qlvb.org.http import signed_in
from qlvb.org.models import Agency, Person
from qlvb.org.roles import roles_of
from qlvb.registers.models import Register

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Periods -------------------------------------------------------------------------------

class BadPeriod(ValueError):
    """A date of the query string that cannot be read, or a period that ends before it starts."""


def parse_date(value: str) -> date:
    """A date as people type it here (dd/mm/yyyy), or as a date input sends it (yyyy-mm-dd)."""
    value = (value or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            parsed = datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date, not an instant
        except ValueError:
            continue
        if 1900 <= parsed.year <= 2999:  # and the day after the end still exists
            return parsed
    raise BadPeriod(value)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def this_month(cls, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        last = calendar.monthrange(today.year, today.month)[1]
        return cls(today.replace(day=1), today.replace(day=last))

    @classmethod
    def from_query(cls, params: Any, today: date | None = None) -> Period:
        """Read ?from=dd/mm/yyyy&to=dd/mm/yyyy; a missing end defaults to this month's."""
        default = cls.this_month(today)
        raw_from, raw_to = (params.get("from") or "").strip(), (params.get("to") or "").strip()
        start = parse_date(raw_from) if raw_from else default.start
        end = parse_date(raw_to) if raw_to else default.end
        if start > end:
            raise BadPeriod(f"{raw_from} > {raw_to}")
        return cls(start, end)

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start 00:00, day after end 00:00) in local time: an index-friendly range."""
        tz = timezone.get_current_timezone()
        return (timezone.make_aware(datetime.combine(self.start, time.min), tz),
                timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), tz))

    @property
    def label(self) -> str:
        return f"Từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"

    @property
    def years(self) -> str:
        return str(self.start.year) if self.start.year == self.end.year else f"{self.start.year}–{self.end.year}"

    @property
    def slug(self) -> str:
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    def query(self) -> dict[str, str]:
        return {"from": f"{self.start:%d/%m/%Y}", "to": f"{self.end:%d/%m/%Y}"}


def long_date(value: date | datetime | None) -> str:
    """'ngày 05 tháng 02 năm 2026': NĐ30 writes a 0 before days below 10 and months 1 and 2."""
    if value is None:
        return "ngày … tháng … năm …"
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


@overload
def local_date(value: datetime) -> date: ...


@overload
def local_date(value: datetime | None) -> date | None: ...


def local_date(value: datetime | None) -> date | None:
    return timezone.localtime(value).date() if value else None


class Typed(Protocol):
    doc_type: str
    summary: str


def type_and_summary(document: Typed) -> str:
    """'Tên loại và trích yếu nội dung', without repeating the type when the summary starts with it."""
    type_name = DOCUMENT_TYPE_NAMES.get(document.doc_type, document.doc_type)
    summary = document.summary.strip()
    if not type_name or summary.casefold().startswith(type_name.casefold()):
        return summary
    return f"{type_name}: {summary}"


# --- Who may print what --------------------------------------------------------------------

def book_agency_ids(person: Person | None) -> frozenset[int]:
    """Agencies whose books the person may print: where they keep the registers or lead (R29)."""
    roles = roles_of(person)
    return roles.clerk_agency_ids | roles.leader_agency_ids


def printable_registers(person: Person | None, direction: str) -> QuerySet[Register]:
    """The registers of the direction the person may print: the secret one only for its clerks."""
    roles = roles_of(person)
    return (Register.objects.filter(agency_id__in=book_agency_ids(person), direction=direction,
                                    deleted_at__isnull=True)
            .filter(~Q(category=Register.Category.SECRET) | Q(agency_id__in=roles.clerk_agency_ids))
            .select_related("agency", "agency__parent").order_by("agency__name", "order", "name"))


def get_register(person: Person | None, direction: str, register_id: Any) -> Register:
    """A register the person may print, or 404 (unknown, another agency's, the other direction's,
    or secret for a leader)."""
    try:
        pk = int(str(register_id))
    except (TypeError, ValueError):
        raise Http404()
    register = printable_registers(person, direction).filter(pk=pk).first()
    if register is None:
        raise Http404()
    return register


def book_agency(person: Person | None, agency_id: Any = None) -> Agency:
    """The agency whose agency-wide book is printed: the one asked for, else the person's own."""
    allowed = book_agency_ids(person)
    wanted: int | None
    if agency_id not in (None, ""):
        try:
            wanted = int(str(agency_id))
        except (TypeError, ValueError):
            raise Http404()
    elif person is not None and person.agency_id in allowed:
        wanted = person.agency_id
    else:
        wanted = min(allowed, default=None)
    if wanted is None or wanted not in allowed:
        raise Http404()
    return Agency.objects.select_related("parent").get(pk=wanted)


# --- Rendering -----------------------------------------------------------------------------

def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    context = {"printed_at": timezone.localtime(), **context}
    html = render_to_string(template, context)
    return HTML(string=html).write_pdf()


def register_pdf(template: str, register: Register, period: Period, rows: Sequence[Any],
                 numbers: Iterable[int | None], printed_by: str = "") -> bytes:
    """A register's book for the period; `numbers` are the rows' numbers, for 'from number … to …'."""
    known = [n for n in numbers if n is not None]
    return render_pdf(template, {
        "register": register, "agency": register.agency, "period": period, "rows": rows, "printed_by": printed_by,
        "first_number": min(known, default=None), "last_number": max(known, default=None),
    })


def register_heading(register: Register, period: Period) -> str:
    return f"{register.agency.name} – {register.name} – {period.label}"


def book_heading(agency: Agency, book: str, period: Period, register: Register | None = None) -> str:
    """The heading of an agency-wide book, narrowed to one register if one was chosen."""
    heading = f"{agency.name} – {book} – {period.label}"
    if register is not None:
        heading += f" – {register.name}"
    return heading


def write_xlsx(title: str, heading: str, columns: Sequence[tuple[str, int]], rows: Iterable[Sequence[Any]],
               date_columns: Iterable[int], late_rows: Iterable[int] = ()) -> bytes:
    """One sheet laid out to print as the book: a header row repeated on every A4 landscape page,
    `heading` at the top of each page, dates as dd/mm/yyyy (1-based columns), late rows in red."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = title[:31]
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.append([name for name, _width in columns])
    for index, (_name, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="E8E8E8")
        cell.border = border
        sheet.column_dimensions[get_column_letter(index)].width = width
    dates = set(date_columns)
    late = set(late_rows)
    for row_index, row in enumerate(rows, start=2):
        sheet.append(list(row))
        for index in range(1, len(columns) + 1):
            cell = sheet.cell(row=row_index, column=index)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = border
            if index in dates:
                cell.number_format = "dd/mm/yyyy"
            if row_index - 2 in late:
                cell.font = Font(color="B00000")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(sheet.max_row, 1)}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    fit, header, footer = sheet.sheet_properties.pageSetUpPr, sheet.oddHeader, sheet.oddFooter
    assert fit is not None and header is not None and footer is not None  # a new sheet has them all
    fit.fitToPage = True
    header.center.text = heading.replace("&", "&&")
    footer.center.text = "Trang &P / &N"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- The print pages -----------------------------------------------------------------------
# Anything not allowed, or unknown, is a 404; unreadable dates go back to the form with a message.

def printed_by(request: HttpRequest, person: Person) -> str:
    """The name printed at the foot of the book: the user, and whom they act for if anyone."""
    user = signed_in(request.user)  # the print pages are behind login_required
    if person.pk != user.pk:
        return f"{user.full_name} (thay {person.full_name})"
    return user.full_name


def _file(content: bytes, content_type: str, filename: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    return _file(content, "application/pdf", filename, inline=True)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    return _file(content, XLSX_TYPE, filename, inline=False)


def back_to_form(request: HttpRequest, form_url: str, message: str) -> HttpResponse:
    """To the print page (URL name `form_url`) with an error, keeping what was chosen."""
    messages.error(request, message)
    keep = {k: request.GET[k] for k in ("register", "from", "to") if request.GET.get(k)}
    url = reverse(form_url)
    return redirect(f"{url}?{urlencode(keep)}" if keep else url)


def period_error(request: HttpRequest, form_url: str) -> HttpResponse:
    """Back to the form, saying which date could not be read, or that the period runs backwards."""
    for raw in (request.GET.get("from", ""), request.GET.get("to", "")):
        if raw.strip():
            try:
                parse_date(raw)
            except BadPeriod:
                return back_to_form(request, form_url,
                                    _("“%(value)s” is not a date: write it as dd/mm/yyyy, e.g. 05/03/2026.")
                                    % {"value": raw.strip()[:40]})
    return back_to_form(request, form_url, _("The period must start on or before the day it ends."))


def form_context(request: HttpRequest, person: Person, direction: str) -> dict[str, Any]:
    """What every print page offers: the person's open registers of the direction, and the period
    (this month unless the query string says otherwise). 404 for someone who may print no book."""
    if not book_agency_ids(person):
        raise Http404()
    registers = list(printable_registers(person, direction).filter(is_active=True))
    default = Period.this_month().query()
    return {
        "registers": registers,
        "chosen": request.GET.get("register", ""),
        "several_agencies": len({r.agency_id for r in registers}) > 1,
        "date_from": request.GET.get("from") or default["from"],
        "date_to": request.GET.get("to") or default["to"],
    }


def register_and_period(request: HttpRequest, person: Person, direction: str, form_url: str
                        ) -> tuple[Register, Period] | HttpResponse:
    """The register (?register=) and the period of a register's book, or back to the form."""
    if not book_agency_ids(person):
        raise Http404()
    if not request.GET.get("register"):
        return back_to_form(request, form_url, _("Choose a register."))
    register = get_register(person, direction, request.GET["register"])
    try:
        period = Period.from_query(request.GET)
    except BadPeriod:
        return period_error(request, form_url)
    return register, period


def agency_and_period(request: HttpRequest, person: Person, direction: str, form_url: str, *,
                      allow_secret: bool) -> tuple[Agency, Register | None, Period] | HttpResponse:
    """The agency, the register it is narrowed to if any, and the period of an agency-wide book,
    or back to the form. A secret register is a 404 unless the book may list one."""
    register = None
    if request.GET.get("register"):
        register = get_register(person, direction, request.GET["register"])
        if register.is_secret and not allow_secret:
            raise Http404()
        agency = register.agency
    else:
        agency = book_agency(person, request.GET.get("agency"))
    try:
        period = Period.from_query(request.GET)
    except BadPeriod:
        return period_error(request, form_url)
    return agency, register, period
