"""The periodic report of document handling (001 Đ15, 003 Đ14.1): for an agency and a week, a
month, a quarter, six months or a year — incoming documents received and how they were handled,
by unit; outgoing documents issued, by type; reviews of drafts, by month; tasks, by category —
each section a statistic of selectors, so the report's figures are the dashboards' figures.

The province asks for its own layout: the agency's administrator (or the installation's) sets
the title, the heading lines, the sections and their order, the columns, the signature block and
a closing note (models.ReportLayout; `save_layout`). The national motto is NĐ30's and fixed.
The office (whoever may open the agency's statistics: scopes.overseen_agency_ids) makes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.org import permissions
from qlvb.org.models import Agency, Person
from qlvb.registers.printing import long_date, render_pdf
from qlvb.statistics import exports, periods, scopes, selectors
from qlvb.statistics.models import Item, ReportLayout
from qlvb.statistics.periods import Period
from qlvb.statistics.selectors import OUTCOMES, Query

KINDS = ("week", "month", "quarter", "half_year", "year")
NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")


@dataclass(frozen=True)
class SectionSpec:
    heading: Any
    kind: str
    basis: str
    by: str


SECTIONS: dict[str, SectionSpec] = {
    "incoming": SectionSpec(gettext_lazy("Incoming documents received and their handling, by unit"),
                            Item.Kind.INCOMING, "opened", "unit"),
    "outgoing": SectionSpec(gettext_lazy("Outgoing documents issued, by document type"),
                            Item.Kind.OUTGOING, "closed", "doc_type"),
    "reviews": SectionSpec(gettext_lazy("Reviews of drafts, by month"), Item.Kind.REVIEW, "opened", "month"),
    "tasks": SectionSpec(gettext_lazy("Tasks, by category"), Item.Kind.TASK, "opened", "category"),
}


@dataclass
class Layout:
    """What a ReportLayout holds, with the defaults of an agency that has not set one."""

    title: str
    governing_body: str
    reporting_body: str
    sections: list[str]
    columns: list[str]
    signer_title: str
    signer_name: str
    closing_note: str
    saved: bool = False


def default_layout(agency: Agency) -> Layout:
    return Layout(title=_("Report on the receipt, handling and issuing of documents"),
                  governing_body=agency.parent.name if agency.parent_id and agency.parent else "",
                  reporting_body=agency.name, sections=list(SECTIONS), columns=list(OUTCOMES),
                  signer_title=_("Head of the agency"), signer_name="", closing_note="")


def layout_of(agency: Agency) -> Layout:
    row = ReportLayout.objects.filter(agency=agency).first()
    if row is None:
        return default_layout(agency)
    return Layout(title=row.title, governing_body=row.governing_body, reporting_body=row.reporting_body,
                  sections=[s for s in row.sections if s in SECTIONS],
                  columns=[c for c in row.columns if c in OUTCOMES], signer_title=row.signer_title,
                  signer_name=row.signer_name, closing_note=row.closing_note, saved=True)


def may_edit_layout(person: Person | None, agency: Agency | int) -> bool:
    """The agency's administrator, or the installation's (org.permissions)."""
    return permissions.can_manage_agency(person, agency)


LAYOUT_FIELDS = ("title", "governing_body", "reporting_body", "sections", "columns", "signer_title", "signer_name",
                 "closing_note")


def check_layout(data: Mapping[str, Any]) -> dict[str, Any]:
    """The values of a layout, cleaned; a ValidationError worded for the administrator."""
    errors: dict[str, str] = {}
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = _("Enter the report's title.")
    sections = list(data.get("sections") or [])
    if not sections:
        errors["sections"] = _("Keep at least one section in the report.")
    elif any(s not in SECTIONS for s in sections) or len(set(sections)) != len(sections):
        errors["sections"] = _("Each section may appear once, in one place.")
    columns = list(data.get("columns") or [])
    if not columns:
        errors["columns"] = _("Keep at least one column of figures.")
    elif any(c not in OUTCOMES for c in columns) or len(set(columns)) != len(columns):
        errors["columns"] = _("Choose the columns from the list.")
    if errors:
        raise ValidationError(errors)
    return {"title": title[:200], "governing_body": str(data.get("governing_body") or "").strip()[:200],
            "reporting_body": str(data.get("reporting_body") or "").strip()[:200], "sections": sections,
            "columns": columns, "signer_title": str(data.get("signer_title") or "").strip()[:200],
            "signer_name": str(data.get("signer_name") or "").strip()[:200],
            "closing_note": str(data.get("closing_note") or "").strip()}


@transaction.atomic
def save_layout(*, by: Actor, agency: Agency, data: Mapping[str, Any]) -> ReportLayout:
    """Change the agency's layout; the event keeps each value changed, from what to what."""
    if not may_edit_layout(by.person, agency):
        raise PermissionDenied()
    values = check_layout(data)
    row = ReportLayout.objects.select_for_update().filter(agency=agency).first()
    before = layout_of(agency) if row is None else None
    if row is None:
        row = ReportLayout(agency=agency)
    old = {name: getattr(before, name) if before is not None else getattr(row, name) for name in LAYOUT_FIELDS}
    changed = {name: [old[name], values[name]] for name in LAYOUT_FIELDS if old[name] != values[name]}
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at, row.updated_by = timezone.now(), by.person
    row.save()
    events.record(verb="statistics.layout_saved", actor=by, agency=agency, target=row, data={"changed": changed})
    return row


# --- The report's content ---------------------------------------------------------------------

def period_from(params: Mapping[str, str], today: date | None = None) -> Period:
    """The report's period from a page's parameters (`period`, `day`); ValidationError if the kind
    is not one a periodic report covers."""
    today = today or timezone.localdate()
    kind = params.get("period") or "quarter"
    if kind not in KINDS:
        raise ValidationError(_("Choose a week, a month, a quarter, six months or a year."))
    return periods.from_params({"period": kind, "day": params.get("day") or ""}, today)


@dataclass
class Section:
    numeral: str
    key: str
    table: exports.Table


@dataclass
class Report:
    agency: Agency
    layout: Layout
    period: Period
    sections: list[Section]
    day: date
    place: str
    made_at: datetime
    made_by: str
    motto: tuple[str, str] = field(default_factory=lambda: (
        _("SOCIALIST REPUBLIC OF VIET NAM"), _("Independence - Freedom - Happiness")))

    @property
    def date_line(self) -> str:
        return f"{self.place}, {long_date(self.day)}" if self.place else long_date(self.day)

    @property
    def made(self) -> str:
        return exports.made_line(self.made_at, self.made_by)

    @property
    def filename_title(self) -> str:
        return self.layout.title


def agency_scope(viewer: Person, agency_id: int) -> scopes.Scope:
    """The agency's whole statistics: Http404 unless the viewer oversees it (scopes.resolve)."""
    return scopes.resolve(viewer, QueryDict("scope=agency"), agency_id)


def build(viewer: Person, agency_id: int, period: Period, *, today: date | None = None,
          made_by: str = "") -> Report:
    """The report as `viewer` may see it (their secret documents only)."""
    today = today or timezone.localdate()
    scope = agency_scope(viewer, agency_id)
    agency = Agency.objects.select_related("parent").get(pk=agency_id)
    layout = layout_of(agency)
    from qlvb.outgoing.models import OutgoingSettings

    place = OutgoingSettings.objects.filter(agency=agency).values_list("place", flat=True).first() or ""
    made_at = timezone.localtime()
    made_by = made_by or exports.made_by_label(viewer)
    sections = []
    for numeral, key in zip(NUMERALS, layout.sections, strict=False):
        spec = SECTIONS[key]
        rows = selectors.by(viewer, Query(spec.kind, scope, period, spec.basis), spec.by, today)
        sections.append(Section(numeral, key, exports.Table(
            title=str(spec.heading), subtitle="", basis=exports.basis_label(spec.basis),
            dimension_heading=str(exports.DIMENSION_HEADINGS[spec.by]), columns=layout.columns, rows=rows,
            totals=exports.sum_rows(rows), made_at=made_at, made_by=made_by)))
    return Report(agency=agency, layout=layout, period=period, sections=sections, day=today, place=place,
                  made_at=made_at, made_by=made_by)


def report_xlsx(viewer: Person, agency_id: int, period: Period, *, today: date | None = None,
                made_by: str = "") -> bytes:
    return write_report_xlsx(build(viewer, agency_id, period, today=today, made_by=made_by))


def write_report_xlsx(report: Report) -> bytes:
    layout = report.layout
    sheet = exports.Sheet(_("Report"))
    sheet.width = 2 + len(layout.columns)
    split = 2
    left = [(line, False) for line in [layout.governing_body.upper()] if line]
    left.append((layout.reporting_body.upper(), True))
    sheet.pair(left, [(report.motto[0], True), (report.motto[1], True)], split)
    sheet.pair([], [(report.date_line, False)], split)
    sheet.blank()
    sheet.text(layout.title.upper(), bold=True, size=13, center=True)
    sheet.text(report.period.label, bold=True, center=True)
    for section in report.sections:
        sheet.blank()
        sheet.text(f"{section.numeral}. {section.table.title}", bold=True)
        sheet.text(section.table.basis, italic=True)
        headings = [pgettext("statistics column", "No."), section.table.dimension_heading, *section.table.headings]
        sheet.table(headings, section.table.lines(), section.table.total_line())
    if layout.closing_note:
        sheet.blank()
        for line in layout.closing_note.splitlines():
            sheet.text(line)
    sheet.blank()
    sheet.pair([], [(layout.signer_title.upper(), True)], split)
    sheet.blank()
    sheet.blank()
    sheet.pair([], [(layout.signer_name, True)], split)
    sheet.blank()
    sheet.text(report.made, italic=True)
    return sheet.save(exports.column_widths(len(layout.columns)))


def report_pdf(viewer: Person, agency_id: int, period: Period, *, today: date | None = None,
               made_by: str = "") -> bytes:
    return render_pdf("statistics/report_print.html",
                      {"report": build(viewer, agency_id, period, today=today, made_by=made_by)})
