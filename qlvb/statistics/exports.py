"""Excel and PDF files of a statistic (003 Đ14.1, R28): the same question a table page asks
(params.read), its rows by a dimension with the five outcomes, a totals row equal to
selectors.totals, and when and by whom it was made.

The periodic report (reports.py) writes its sections with the same sheet writer and the same
PDF stylesheet, so every file of the statistics reads alike.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.org.models import Person
from qlvb.registers.printing import render_pdf
from qlvb.statistics import selectors
from qlvb.statistics.models import Item
from qlvb.statistics.params import Asked
from qlvb.statistics.selectors import OUTCOMES

FORMATS = ("xlsx", "pdf")

# The five outcomes as the columns of a file (the context keeps them apart from the pages' own
# words for the same figures, which may read shorter).
OUTCOME_HEADINGS: dict[str, Any] = {
    "total": pgettext_lazy("statistics column", "Total"),
    "done_on_time": pgettext_lazy("statistics column", "Done on time"),
    "done_late": pgettext_lazy("statistics column", "Done late"),
    "pending": pgettext_lazy("statistics column", "Being handled, within the deadline"),
    "overdue": pgettext_lazy("statistics column", "Overdue, not done"),
}
DIMENSION_HEADINGS: dict[str, Any] = {
    "agency": pgettext_lazy("statistics column", "Agency"),
    "unit": pgettext_lazy("statistics column", "Unit"),
    "person": pgettext_lazy("statistics column", "Person"),
    "field": pgettext_lazy("statistics column", "Field"),
    "doc_type": pgettext_lazy("statistics column", "Document type"),
    "urgency": pgettext_lazy("statistics column", "Urgency"),
    "category": pgettext_lazy("statistics column", "Category"),
    "month": pgettext_lazy("statistics column", "Month"),
}
KIND_TITLES: dict[str, Any] = {
    Item.Kind.INCOMING: pgettext_lazy("statistics title", "Statistics of incoming documents"),
    Item.Kind.OUTGOING: pgettext_lazy("statistics title", "Statistics of outgoing documents"),
    Item.Kind.REVIEW: pgettext_lazy("statistics title", "Statistics of reviews of drafts"),
    Item.Kind.TASK: pgettext_lazy("statistics title", "Statistics of tasks"),
    Item.Kind.LEAVE: pgettext_lazy("statistics title", "Statistics of leave requests"),
    Item.Kind.ITREPORT: pgettext_lazy("statistics title", "Statistics of IT reports"),
    Item.Kind.ITINCIDENT: pgettext_lazy("statistics title", "Statistics of IT incidents"),
}


@dataclass
class Table:
    """One statistic, ready to be written: what it is, its rows and its totals."""

    title: str
    subtitle: str  # the scope and the period
    basis: str  # what the figures count: begun or ended in the period
    dimension_heading: str
    columns: list[str]  # outcome keys, in order
    rows: list[selectors.Row]
    totals: dict[str, int]
    made_at: datetime
    made_by: str

    @property
    def headings(self) -> list[str]:
        return [str(OUTCOME_HEADINGS[c]) for c in self.columns]

    def lines(self) -> list[list[Any]]:
        """The body rows as cells: number, label, then the figures."""
        unset = pgettext("statistics row", "(not set)")
        return [[index, row.label or unset, *(row.counts[c] for c in self.columns)]
                for index, row in enumerate(self.rows, start=1)]

    def total_line(self) -> list[Any]:
        return ["", pgettext("statistics row", "Total"), *(self.totals[c] for c in self.columns)]


def default_by(asked: Asked) -> Asked:
    """A table always has a dimension: the agencies of a province, the units of an agency or of
    fields, the people of a unit for its leaders, otherwise the months."""
    if asked.by:
        return asked
    level = asked.query.scope.level
    by = {"province": "agency", "agency": "unit", "fields": "unit"}.get(level)
    if by is None:
        by = "person" if level == "unit" and asked.leads_people else "month"
    return replace(asked, by=by)


def basis_label(basis: str) -> str:
    return _("Work that began in the period") if basis == "opened" else _("Work that ended in the period")


def made_by_label(person: Person | None) -> str:
    return person.full_name if person is not None else ""


def table(viewer: Person, asked: Asked, *, today: date | None = None, made_by: str = "") -> Table:
    """The statistic `asked` as `viewer` may see it (secret documents only if they may see them)."""
    asked = default_by(asked)
    assert asked.by is not None
    query = asked.query
    today = today or timezone.localdate()
    rows = selectors.by(viewer, query, asked.by, today)
    return Table(
        title=str(KIND_TITLES[query.kind]),
        subtitle=f"{query.scope.label} – {query.period.label}",
        basis=basis_label(query.basis),
        dimension_heading=str(DIMENSION_HEADINGS[asked.by]),
        columns=list(OUTCOMES), rows=rows, totals=sum_rows(rows), made_at=timezone.localtime(),
        made_by=made_by or made_by_label(viewer))


def sum_rows(rows: Sequence[selectors.Row]) -> dict[str, int]:
    """The totals of a statistic: every row it counts is in exactly one group of a dimension (an
    unset value is a group too), so the groups add up to selectors.totals without asking again."""
    return {outcome: sum(row.counts[outcome] for row in rows) for outcome in OUTCOMES}


def made_line(made_at: datetime, made_by: str) -> str:
    when = timezone.localtime(made_at).strftime("%H:%M %d/%m/%Y")
    if made_by:
        return _("Made from the system at %(when)s by %(who)s.") % {"when": when, "who": made_by}
    return _("Made from the system at %(when)s.") % {"when": when}


# --- Excel ------------------------------------------------------------------------------------

class Sheet:
    """One worksheet written from the top down: lines of text, then tables with a header, a
    bordered body and a bold totals row; laid out to print on A4 (landscape when wide)."""

    def __init__(self, title: str) -> None:
        from openpyxl import Workbook
        from openpyxl.worksheet.worksheet import Worksheet

        self.workbook = Workbook()
        sheet = self.workbook.active
        assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
        self.sheet = sheet
        self.sheet.title = title[:31] or "Sheet"
        self.row = 1
        self.width = 2
        self._styles()

    def _styles(self) -> None:
        """Named once in the workbook: a cell then takes a style by name, where giving each cell
        its own font and border objects made openpyxl compare them all (half the file's time)."""
        from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

        thin = Side(style="thin", color="808080")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        for name, font, alignment, fill in (
                ("stat_head", Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True),
                 PatternFill("solid", fgColor="E8E8E8")),
                ("stat_cell", Font(), Alignment(vertical="top", wrap_text=True), None),
                ("stat_total", Font(bold=True), Alignment(vertical="top", wrap_text=True), None)):
            style = NamedStyle(name=name, font=font, alignment=alignment, border=border)
            if fill is not None:
                style.fill = fill
            self.workbook.add_named_style(style)

    def text(self, value: str, *, bold: bool = False, italic: bool = False, size: int = 11,
             center: bool = False, span: int | None = None) -> None:
        from openpyxl.styles import Alignment, Font

        cell = self.sheet.cell(row=self.row, column=1, value=value)
        cell.font = Font(bold=bold, italic=italic, size=size)
        if center:
            cell.alignment = Alignment(horizontal="center")
            last = max(span or self.width, 1)
            if last > 1:
                self.sheet.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=last)
        self.row += 1

    def pair(self, left: Sequence[tuple[str, bool]], right: Sequence[tuple[str, bool]], split: int) -> None:
        """Two blocks side by side (the agency's heading and the national motto), centred each."""
        from openpyxl.styles import Alignment, Font

        for index in range(max(len(left), len(right))):
            for (start, end), lines in (((1, split), left), ((split + 1, self.width), right)):
                if index < len(lines):
                    value, bold = lines[index]
                    cell = self.sheet.cell(row=self.row, column=start, value=value)
                    cell.font = Font(bold=bold)
                    cell.alignment = Alignment(horizontal="center")
                    if end > start:
                        self.sheet.merge_cells(start_row=self.row, start_column=start, end_row=self.row,
                                               end_column=end)
            self.row += 1

    def blank(self) -> None:
        self.row += 1

    def table(self, headings: Sequence[str], lines: Sequence[Sequence[Any]], total: Sequence[Any] | None) -> int:
        """Write a table; returns the row of its header (the tests read it back from there)."""
        header_row = self.row
        for column, heading in enumerate(headings, start=1):
            self.sheet.cell(row=self.row, column=column, value=heading).style = "stat_head"
        self.row += 1
        for line in [*lines, *([total] if total is not None else [])]:
            style = "stat_total" if line is total else "stat_cell"
            for column, value in enumerate(line, start=1):
                self.sheet.cell(row=self.row, column=column, value=value).style = style
            self.row += 1
        self.width = max(self.width, len(headings))
        return header_row

    def save(self, widths: Sequence[int]) -> bytes:
        from openpyxl.utils import get_column_letter

        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        setup = self.sheet.page_setup
        setup.orientation = "landscape" if len(widths) > 5 else "portrait"
        setup.paperSize = self.sheet.PAPERSIZE_A4
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        fit, footer = self.sheet.sheet_properties.pageSetUpPr, self.sheet.oddFooter
        assert fit is not None and footer is not None  # a new sheet has them
        fit.fitToPage = True
        footer.center.text = _("Page &P / &N")
        out = io.BytesIO()
        self.workbook.save(out)
        return out.getvalue()


def column_widths(columns: int) -> list[int]:
    return [6, 40, *([16] * columns)]


def table_xlsx(viewer: Person, asked: Asked, *, today: date | None = None, made_by: str = "") -> bytes:
    """The statistic as an Excel file (one sheet: title, scope and period, the table, its totals)."""
    return write_table_xlsx(table(viewer, asked, today=today, made_by=made_by))


def write_table_xlsx(content: Table) -> bytes:
    sheet = Sheet(pgettext("statistics sheet", "Statistics"))
    sheet.width = 2 + len(content.columns)
    sheet.text(content.title.upper(), bold=True, size=13, center=True)
    sheet.text(content.subtitle, bold=True, center=True)
    sheet.text(content.basis, italic=True, center=True)
    sheet.blank()
    sheet.table([pgettext("statistics column", "No."), content.dimension_heading, *content.headings],
                content.lines(), content.total_line())
    sheet.blank()
    sheet.text(made_line(content.made_at, content.made_by), italic=True)
    return sheet.save(column_widths(len(content.columns)))


# --- PDF --------------------------------------------------------------------------------------

def table_pdf(viewer: Person, asked: Asked, *, today: date | None = None, made_by: str = "") -> bytes:
    """The statistic as a PDF (A4, Noto Serif: Vietnamese diacritics as printed by the registers)."""
    content = table(viewer, asked, today=today, made_by=made_by)
    return render_pdf("statistics/report_table_print.html", {
        "table": content, "made": made_line(content.made_at, content.made_by)})


# --- Recording --------------------------------------------------------------------------------

def filename(title: str, period_label: str, fmt: str) -> str:
    return f"{title} – {period_label}.{fmt}".replace("/", "-")


def record_exported(actor: Actor, agency_id: int | None, what: str, fmt: str, params: dict[str, str]) -> Event:
    """An export is a disclosure of figures: who took which file, of what, is in the log."""
    return events.record(verb="statistics.exported", actor=actor, agency=agency_id,
                         data={"what": what, "format": fmt, "params": params})
