"""Reading the IT staff registry, reports and incidents: an agency's registry with what falls short
of 004 Đ4; the Department's view of every agency (a fixed number of queries, whatever the number of
agencies); a round's compiled table; incident statistics by agency and kind."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import kinds
from qlvb.itstaff import rules
from qlvb.itstaff.models import Certificate, Incident, Report, ReportTemplate, Staff, Training
from qlvb.org.models import Agency, Person, Position, Post, Unit


def manager_ids(agency_id: int) -> set[int]:
    """The agency's leaders and office (who manage its IT registry, reports and incidents)."""
    return set(Post.objects.filter(
        Q(position__kind__in=[Position.Kind.AGENCY_HEAD, Position.Kind.AGENCY_DEPUTY]) | Q(unit__kind=Unit.Kind.OFFICE),
        agency_id=agency_id, end_date__isnull=True, person__is_active=True).values_list("person_id", flat=True))


def own_agency(person: Person) -> Agency | None:
    """The agency whose registry the person manages (his own first)."""
    managed = rules.managed_agency_ids(person)
    if not managed:
        return None
    pk = person.agency_id if person.agency_id in managed else min(managed)
    return Agency.objects.filter(pk=pk).first()


def visible_agency_ids(person: Person) -> frozenset[int] | None:
    """The agencies the person may see (None: every one, for the Department's people)."""
    if rules.is_department(person):
        return None
    return rules.managed_agency_ids(person)


def agency_or_404(person: Person, agency_id: int) -> Agency:
    if not rules.may_see(person, agency_id):
        raise Http404()
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        raise Http404()
    return agency


def shortfalls(staff: list[Staff]) -> list[str]:
    """Why an agency falls below 004 Đ4–Đ5, Đ10.2.a (empty: it meets the standard)."""
    current = [s for s in staff if s.ended_on is None]
    if not current:
        return [_("No IT staff registered (Đ5).")]
    reasons = []
    for s in current:
        if not s.meets_standard:
            missing = []
            if s.degree not in ("postgraduate", "university"):
                missing.append(_("no university degree"))
            if not s.field_is_it:
                missing.append(_("field not IT"))
            if not s.full_time_study:
                missing.append(_("not full-time study"))
            reasons.append(_("%(name)s: %(missing)s (Article 4).") % {"name": s.person.full_name,
                                                                 "missing": ", ".join(missing)})
    if not any(s.decision_id for s in current):
        reasons.append(_("No assignment decision linked (Đ10.2.a)."))
    return reasons


def staff_rows(agency_ids: list[int] | None = None, *, current: bool = True) -> QuerySet[Staff]:
    """The staff with the person's name and their certificates (only what the registry shows: a
    whole Person row is wide, and the Department's view reads every agency's staff)."""
    rows = (Staff.objects.select_related("person")
            .only(*[f.attname for f in Staff._meta.concrete_fields if f.name not in ("notes", "decision_label",
                                                                                     "created_at")],
                  "person__id", "person__full_name")
            .prefetch_related(Prefetch("certificates", queryset=Certificate.objects.only(
                "id", "staff_id", "name", "issued_on", "expires_on"))))
    if agency_ids is not None:
        rows = rows.filter(agency_id__in=agency_ids)
    if current:
        rows = rows.filter(ended_on__isnull=True)
    return rows.order_by("agency_id", "id")


@dataclass
class AgencyRow:
    agency: Agency
    staff: list[Staff] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    meetings_missed: int = 0
    open_incidents: int = 0
    reports_overdue: int = 0  # rounds past their deadline without the agency's report submitted

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)


def department_view(person: Person) -> list[AgencyRow]:
    """Every active agency with its IT staff and why it falls short of the standard, meetings of
    the Department missed, open incidents and reports overdue: seven queries, whatever the number
    of agencies."""
    if not rules.is_department(person):
        raise Http404()
    rows = {a.pk: AgencyRow(agency=a) for a in Agency.objects.filter(is_active=True).order_by("name")}
    for s in staff_rows():
        if s.agency_id in rows:
            s.agency = rows[s.agency_id].agency
            rows[s.agency_id].staff.append(s)
    missed = dict(Training.objects.filter(kind=Training.Kind.MEETING, attended=False, staff__ended_on__isnull=True)
                  .values_list("staff__agency_id").annotate(n=Count("id")).order_by())
    open_ = dict(Incident.objects.filter(closed_at__isnull=True).values_list("agency_id")
                 .annotate(n=Count("id")).order_by())
    past = list(ReportTemplate.objects.filter(deadline__lt=timezone.localdate()).values_list("pk", flat=True))
    sent = dict(Report.objects.filter(template_id__in=past, submitted_at__isnull=False).values_list("agency_id")
                .annotate(n=Count("id")).order_by()) if past else {}
    for row in rows.values():
        row.reasons = shortfalls(row.staff)
        row.meetings_missed = missed.get(row.agency.pk, 0)
        row.open_incidents = open_.get(row.agency.pk, 0)
        row.reports_overdue = len(past) - sent.get(row.agency.pk, 0)
    return list(rows.values())


def registry(person: Person, agency: Agency, *, history: bool = False) -> AgencyRow:
    """One agency's registry (its IT staff; with those who left when `history`)."""
    if not rules.may_see(person, agency.pk):
        raise Http404()
    staff = list(staff_rows([agency.pk], current=not history))
    for s in staff:
        s.agency = agency
    return AgencyRow(agency=agency, staff=staff, reasons=shortfalls(staff))


def get_staff(person: Person, pk: int) -> Staff:
    staff = Staff.objects.select_related("person", "agency", "unit").filter(pk=pk).first()
    if staff is None or not rules.may_see(person, staff.agency_id):
        raise Http404()
    return staff


def decision_link(person: Person, staff: Staff) -> tuple[str, str] | None:
    """The assignment decision's (label, address), only for a viewer who may open it."""
    if not staff.decision_kind or not staff.decision_id:
        return None
    try:
        kind = kinds.get(staff.decision_kind)
    except KeyError:
        return None
    document = kind.load(staff.decision_id)
    if document is None or not kind.rule(person).allows(document):
        return None
    return staff.decision_label, kind.url(staff.decision_id)


# --- Reports -------------------------------------------------------------------------------------

def templates() -> QuerySet[ReportTemplate]:
    return ReportTemplate.objects.all()


def get_template(person: Person, pk: int) -> ReportTemplate:
    template = ReportTemplate.objects.filter(pk=pk).first()
    if template is None or not (rules.is_department(person) or rules.managed_agency_ids(person)):
        raise Http404()
    return template


def reports_of(person: Person) -> QuerySet[Report]:
    rows = Report.objects.select_related("template", "agency")
    agencies = visible_agency_ids(person)
    if agencies is not None:
        rows = rows.filter(agency_id__in=sorted(agencies))
    return rows.order_by("-template__year", "-template__deadline", "agency__name")


def get_report(person: Person, pk: int) -> Report:
    report = Report.objects.select_related("template", "agency").filter(pk=pk).first()
    if report is None or not rules.may_see(person, report.agency_id):
        raise Http404()
    return report


@dataclass
class RoundRow:
    agency: Agency
    report: Report | None
    state: str  # "accepted", "submitted", "returned", "draft", "missing"
    late: bool


def compiled(person: Person, template: ReportTemplate, today: date | None = None) -> list[RoundRow]:
    """The Department's table of a round: every agency, submitted (late or not), returned or
    missing (two queries)."""
    if not rules.is_department(person):
        raise Http404()
    today = today or timezone.localdate()
    reports = {r.agency_id: r for r in Report.objects.filter(template=template)}
    result = []
    for agency in Agency.objects.filter(is_active=True).order_by("name"):
        report = reports.get(agency.pk)
        if report is None or (report.status == Report.Status.DRAFT):
            state = "missing"
            late = today > template.deadline
        else:
            state = report.status
            report.template = template
            late = report.late
        result.append(RoundRow(agency=agency, report=report, state=state, late=late))
    return result


STATE_LABELS = {"missing": "Not submitted", "submitted": "Submitted", "returned": "Returned for completion",
                "accepted": "Accepted"}


def compiled_xlsx(rows: list[RoundRow], template: ReportTemplate) -> bytes:
    """The compiled round as an Excel workbook: one row per agency with its answers."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Font

    def safe(value: Any) -> Any:
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
            return "'" + value
        return value

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Reports")[:31]
    sheet.append([template.title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("Deadline"), template.deadline.strftime("%d/%m/%Y")])
    sheet.append([])
    sheet.append([_("Agency"), _("State"), _("Late"), _("Submitted at"),
                  *[s["label"] for s in template.sections]])
    for row in rows:
        submitted = timezone.localtime(row.report.submitted_at).strftime("%H:%M %d/%m/%Y") \
            if row.report and row.report.submitted_at else ""
        answers = row.report.answers if row.report and row.state != "missing" else {}
        sheet.append([safe(v) for v in (row.agency.name, _(STATE_LABELS[row.state]), _("Yes") if row.late else "",
                                        submitted, *[answers.get(s["key"], "") for s in template.sections])])
    sheet.column_dimensions["A"].width = 50
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# --- Incidents -----------------------------------------------------------------------------------

def incidents_of(person: Person) -> QuerySet[Incident]:
    rows = Incident.objects.select_related("agency", "reported_by")
    agencies = visible_agency_ids(person)
    if agencies is not None:
        rows = rows.filter(agency_id__in=sorted(agencies))
    return rows.order_by("-occurred_at", "-id")


def get_incident(person: Person, pk: int) -> Incident:
    incident = Incident.objects.select_related("agency", "reported_by").filter(pk=pk).first()
    if incident is None or not rules.may_see(person, incident.agency_id):
        raise Http404()
    return incident


@dataclass
class IncidentStats:
    start: datetime
    end: datetime
    by_agency: list[tuple[str, dict[str, int], int]]  # agency name, {kind: n}, total
    by_kind: dict[str, int]
    total: int


def incident_stats(person: Person, start: datetime, end: datetime) -> IncidentStats:
    """Incidents that occurred in [start, end) by agency and kind (one query)."""
    rows = (incidents_of(person).filter(occurred_at__gte=start, occurred_at__lt=end)
            .values_list("agency__name", "kind").annotate(n=Count("id")).order_by())
    table: dict[str, Counter[str]] = defaultdict(Counter)
    by_kind: Counter[str] = Counter()
    for name, kind, n in rows:
        table[name][kind] += n
        by_kind[kind] += n
    return IncidentStats(start=start, end=end, by_kind=dict(by_kind), total=sum(by_kind.values()),
                         by_agency=[(name, dict(c), sum(c.values())) for name, c in sorted(table.items())])


def department_people() -> set[int]:
    """Who in the Department is told of an incident at once: its leaders and office."""
    department = rules.department_id()
    return manager_ids(department) if department else set()
