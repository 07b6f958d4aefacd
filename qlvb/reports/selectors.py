"""Report reads: one report (404 unless the person may open it), the person's own reports, the
reports sent to him, and the leaders' overview of a period: which units (and deputies) have sent
their report and which have not yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from qlvb.core.selectors import timeline
from qlvb.org.models import Agency, Field, Person, Position, Post, Unit
from qlvb.reports import periods, rules
from qlvb.reports.models import PeriodicReport, Recipient

# A work programme item's status (programmes.selectors.STATUSES), as the programmes' pages name it.
PROGRAMME_LABELS = {"done": _lazy("Done"), "in_progress": _lazy("In progress"), "late": _lazy("Late"),
                    "pending": _lazy("Not started"), "proposed": _lazy("Proposed")}


def programme_counts(snapshot: dict[str, Any]) -> list[tuple[Any, int]]:
    """The snapshot's programme items by status, named, in the statuses' order."""
    counts = (snapshot.get("programme") or {}).get("counts") or {}
    return [(label, int(counts.get(key, 0))) for key, label in PROGRAMME_LABELS.items() if key in counts]


# The units expected to report (001 Đ15.3: "Trưởng các phòng"): the offices, the inspectorate,
# departments and centres; not the leadership, not a centre's sections (they report to the centre).
REPORTING_KINDS = (Unit.Kind.OFFICE, Unit.Kind.INSPECTORATE, Unit.Kind.DEPARTMENT, Unit.Kind.CENTRE)


def with_list_data(reports: QuerySet[PeriodicReport]) -> QuerySet[PeriodicReport]:
    return reports.select_related("unit", "author", "sent_by").prefetch_related(
        Prefetch("fields", queryset=Field.objects.order_by("name")))


def get_report(person: Person, pk: int) -> PeriodicReport:
    report = (PeriodicReport.objects.filter(pk=pk).select_related("agency", "unit", "author", "sent_by")
              .prefetch_related(Prefetch("fields", queryset=Field.objects.order_by("name"))).first())
    if report is None or not rules.may_read(person, report):
        raise Http404()
    return report


def visible(person: Person) -> QuerySet[PeriodicReport]:
    ids = PeriodicReport.objects.filter(rules.readable(person)).values("pk")
    return PeriodicReport.objects.filter(pk__in=ids)


def mine(person: Person, status: str | None = None) -> QuerySet[PeriodicReport]:
    """The reports the person writes: his units' and, for a deputy, his own; newest period first."""
    units = [u.pk for u in rules.editable_units(person)]
    reports = PeriodicReport.objects.filter(scope=PeriodicReport.Scope.FIELDS, author_id=person.pk)
    if units:
        reports = reports | PeriodicReport.objects.filter(scope=PeriodicReport.Scope.UNIT, unit_id__in=units)
    if status:
        reports = reports.filter(status=status)
    return with_list_data(reports.order_by("-period_start", "kind", "id"))


def received(person: Person) -> QuerySet[Recipient]:
    """The reports sent to the person, newest first, unread ones marked by read_at."""
    return (Recipient.objects.filter(person=person, report__status=PeriodicReport.Status.SENT)
            .select_related("report", "report__unit", "report__author")
            .order_by("-report__sent_at", "-id"))


def unread_count(person: Person) -> int:
    return Recipient.objects.filter(person=person, read_at__isnull=True,
                                    report__status=PeriodicReport.Status.SENT).count()


def recipients_of(report: PeriodicReport) -> list[Recipient]:
    return list(Recipient.objects.filter(report=report).select_related("person"))


def history(report: PeriodicReport) -> list[Any]:
    return list(timeline(report))


# --- Who the report goes to ---------------------------------------------------------------------

def agency_heads(agency_id: int) -> list[Person]:
    return list(Person.objects.filter(posts__agency_id=agency_id, posts__end_date__isnull=True,
                                      posts__position__kind=Position.Kind.AGENCY_HEAD, is_active=True).distinct())


def leaders_in_charge(unit: Unit) -> list[Person]:
    """The leaders of the fields that supervise the unit (R2: a field's leader follows its units)."""
    return list(Person.objects.filter(led_fields__units=unit, is_active=True).distinct().order_by("full_name"))


def addressees(report: PeriodicReport) -> list[tuple[Person, str]]:
    """Who the report is sent to (001 Đ15.2–3): the director; for a unit's report also the
    leaders in charge of its fields. Never its author."""
    found: dict[int, tuple[Person, str]] = {}
    for person in agency_heads(report.agency_id):
        found.setdefault(person.pk, (person, Recipient.Role.HEAD))
    if report.scope == PeriodicReport.Scope.UNIT and report.unit is not None:
        for person in leaders_in_charge(report.unit):
            found.setdefault(person.pk, (person, Recipient.Role.FIELD_LEADER))
    found.pop(report.author_id, None)
    return list(found.values())


# --- The leaders' overview of a period ------------------------------------------------------------

@dataclass
class OverviewRow:
    label: str
    report: PeriodicReport | None
    unit: Unit | None = None
    deputy: Person | None = None

    @property
    def sent(self) -> bool:
        return self.report is not None and self.report.status == PeriodicReport.Status.SENT


@dataclass
class Overview:
    agency: Agency
    kind: str
    start: date
    end: date
    label: str
    units: list[OverviewRow]
    deputies: list[OverviewRow]

    @property
    def missing(self) -> int:
        return sum(1 for row in self.units + self.deputies if not row.sent)


def reporting_units(agency_id: int) -> list[Unit]:
    return list(Unit.objects.filter(agency_id=agency_id, kind__in=REPORTING_KINDS, deleted_at__isnull=True,
                                    is_active=True).order_by("order", "name"))


def reporting_deputies(agency_id: int) -> list[Person]:
    """The deputy directors in charge of at least one field: each sends a weekly report."""
    deputies = Post.objects.filter(agency_id=agency_id, end_date__isnull=True,
                                   position__kind=Position.Kind.AGENCY_DEPUTY).values("person_id")
    return list(Person.objects.filter(pk__in=deputies, led_fields__agency_id=agency_id, is_active=True)
                .distinct().order_by("full_name"))


def overview(person: Person, agency: Agency, kind: str, day: date) -> Overview:
    """For the leaders and the office: each reporting unit's report of the period (sent, a draft,
    or none yet) and, for a week, each deputy's. Four queries whatever the number of units."""
    if agency.pk not in rules.overseer_agency_ids(person):
        raise Http404()
    start, end = periods.period_of(kind, day)
    reports = list(PeriodicReport.objects.filter(agency=agency, kind=kind, period_start=start)
                   .select_related("author"))
    by_unit = {r.unit_id: r for r in reports if r.scope == PeriodicReport.Scope.UNIT}
    by_author = {r.author_id: r for r in reports if r.scope == PeriodicReport.Scope.FIELDS}
    units = [OverviewRow(label=u.name, report=by_unit.get(u.pk), unit=u) for u in reporting_units(agency.pk)]
    deputies = ([OverviewRow(label=p.full_name, report=by_author.get(p.pk), deputy=p)
                 for p in reporting_deputies(agency.pk)] if kind == PeriodicReport.Kind.WEEK else [])
    return Overview(agency=agency, kind=kind, start=start, end=end, label=periods.label(kind, start, end),
                    units=units, deputies=deputies)


def sent_unit_reports(unit_ids: list[int], kind: str, start: date) -> dict[int, int]:
    """The sent reports of these units for the period: unit id → report id."""
    return dict(PeriodicReport.objects.filter(scope=PeriodicReport.Scope.UNIT, unit_id__in=sorted(unit_ids),
                                              kind=kind, period_start=start, status=PeriodicReport.Status.SENT)
                .values_list("unit_id", "pk"))


def title(report: PeriodicReport) -> str:
    """"Báo cáo: Tuần 49/2026 (30/11–06/12/2026) – Phòng Công nghệ thông tin"."""
    who = report.unit.name if report.unit is not None else report.author.full_name
    return _("Report: %(period)s – %(who)s") % {
        "period": periods.label(report.kind, report.period_start, report.period_end), "who": who}


def url(report: PeriodicReport) -> str:
    return reverse("reports:detail", args=[report.pk])


def default_day(kind: str) -> date:
    """The period a new report is most likely for: the current week (reported on Friday's
    briefing, Đ11.1), otherwise the period just ended if it ended within a month, else the current one."""
    today = timezone.localdate()
    if kind == PeriodicReport.Kind.WEEK:
        return today
    start, _end = periods.period_of(kind, today)
    return periods.previous(kind, start)[0] if (today - start).days < 31 else today
