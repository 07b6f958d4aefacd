"""Report writes (001 Đ15). Each is one transaction that records its event. A sent report never
changes: assembling, editing, sending again and deleting all refuse it (the snapshot and the text
are what the leadership received). Bad input raises ValidationError with a Vietnamese message and
saves nothing; a person without the right gets NotAllowed (a 404 at the edge)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.text import clean
from qlvb.org.models import Person, Unit
from qlvb.reports import assembly, periods, rules, selectors
from qlvb.reports.models import PeriodicReport, Recipient

SECTIONS = ("results", "shortcomings", "proposals", "next_plan")
MAX_SECTION = 20000


def _effective(by: Actor) -> Person:
    if by.effective is None or by.person is None:
        raise NotAllowed()
    return by.effective


def _period(kind: str, day: date | None) -> tuple[date, date]:
    if kind not in PeriodicReport.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of report.")})
    if day is None:
        raise ValidationError({"day": _("Choose a day of the period.")})
    start, end = periods.period_of(kind, day)
    if start > timezone.localdate():
        raise ValidationError({"day": _("A report cannot be made for a period that has not begun.")})
    return start, end


def _snapshot(report: PeriodicReport) -> dict[str, Any]:
    if report.scope == PeriodicReport.Scope.UNIT:
        assert report.unit is not None
        return assembly.assemble_unit(report.unit, report.period_start, report.period_end)
    fields = list(report.fields.order_by("name"))
    units = [u.pk for u in assembly.field_units(fields)]
    return assembly.assemble_fields(fields, report.period_start, report.period_end,
                                    selectors.sent_unit_reports(units, report.kind, report.period_start))


def _summary(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The figures an event keeps of an assembly (the lists stay in the report)."""
    return {part: snapshot.get(part, {}).get("counts", {}) for part in ("tasks", "incoming", "outgoing")}


def _created(by: Actor, report: PeriodicReport) -> PeriodicReport:
    try:
        with transaction.atomic():
            report.save()
            if report.scope == PeriodicReport.Scope.FIELDS:
                report.fields.set(rules.deputy_fields(_effective(by)))
            report.snapshot = _snapshot(report)
            report.assembled_at = timezone.now()
            report.save(update_fields=["snapshot", "assembled_at"])
            events.record(verb="report.created", actor=by, agency=report.agency_id, target=report, data={
                "scope": report.scope, "unit": report.unit_id, "kind": report.kind,
                "period_start": report.period_start.isoformat(), "period_end": report.period_end.isoformat(),
                "fields": [f.pk for f in report.fields.all()], **_summary(report.snapshot)})
    except IntegrityError:
        raise ValidationError(_("A report for this period already exists: open it from your reports.")) from None
    return report


def create_unit_report(*, by: Actor, unit: Unit, kind: str, day: date | None) -> PeriodicReport:
    """A unit's report for the period holding `day`, assembled at once (a draft). Its head or
    deputy head writes it; one per unit, kind and period."""
    person = _effective(by)
    if unit.pk not in {u.pk for u in rules.editable_units(person)}:
        raise NotAllowed()
    start, end = _period(kind, day)
    if PeriodicReport.objects.filter(scope=PeriodicReport.Scope.UNIT, unit=unit, kind=kind,
                                     period_start=start).exists():
        raise ValidationError(_("A report for this period already exists: open it from your reports."))
    return _created(by, PeriodicReport(agency_id=unit.agency_id, scope=PeriodicReport.Scope.UNIT, unit=unit,
                                       author=person, kind=kind, period_start=start, period_end=end))


def create_deputy_report(*, by: Actor, day: date | None, kind: str = PeriodicReport.Kind.WEEK) -> PeriodicReport:
    """A deputy director's weekly report to the director on the fields he is in charge of
    (001 Đ15.2: "hàng tuần phải báo cáo Giám đốc Sở")."""
    person = _effective(by)
    fields = rules.deputy_fields(person)
    if not fields:
        raise NotAllowed()
    if kind != PeriodicReport.Kind.WEEK:
        raise ValidationError({"kind": _("A deputy director's report by field is weekly.")})
    start, end = _period(kind, day)
    if PeriodicReport.objects.filter(scope=PeriodicReport.Scope.FIELDS, author=person, kind=kind,
                                     period_start=start).exists():
        raise ValidationError(_("A report for this period already exists: open it from your reports."))
    return _created(by, PeriodicReport(agency_id=fields[0].agency_id, scope=PeriodicReport.Scope.FIELDS, unit=None,
                                       author=person, kind=kind, period_start=start, period_end=end))


def _draft(by: Actor, report: PeriodicReport) -> PeriodicReport:
    """The report, locked, if the person may edit it and it is still a draft."""
    if not rules.may_edit(_effective(by), report):
        raise NotAllowed()
    locked = PeriodicReport.objects.select_for_update(of=("self",)).select_related("unit").get(pk=report.pk)
    if locked.status != PeriodicReport.Status.DRAFT:
        raise ValidationError(_("The report has been sent: it can no longer be changed."))
    return locked


def assemble(*, by: Actor, report: PeriodicReport) -> PeriodicReport:
    """Read the figures and lists again (a draft only): the text sections are kept."""
    with transaction.atomic():
        report = _draft(by, report)
        report.snapshot = _snapshot(report)
        report.assembled_at = report.updated_at = timezone.now()
        report.save(update_fields=["snapshot", "assembled_at", "updated_at"])
        events.record(verb="report.assembled", actor=by, agency=report.agency_id, target=report,
                      data=_summary(report.snapshot))
    return report


def edit(*, by: Actor, report: PeriodicReport, **sections: str) -> PeriodicReport:
    """Write the sections (results, shortcomings, proposals, next_plan) of a draft."""
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise ValidationError(_("Unknown section."))
    values = {name: clean(value or "") for name, value in sections.items()}
    for name, value in values.items():
        if len(value) > MAX_SECTION:
            raise ValidationError({name: _("At most %(n)s characters.") % {"n": MAX_SECTION}})
    with transaction.atomic():
        report = _draft(by, report)
        changed = [name for name, value in values.items() if getattr(report, name) != value]
        if not changed:
            return report
        for name in changed:
            setattr(report, name, values[name])
        report.updated_at = timezone.now()
        report.save(update_fields=[*changed, "updated_at"])
        events.record(verb="report.edited", actor=by, agency=report.agency_id, target=report,
                      data={"sections": changed})
    return report


def send(*, by: Actor, report: PeriodicReport) -> PeriodicReport:
    """Send the draft to the leadership (001 Đ15.2–3): from then on it never changes."""
    with transaction.atomic():
        report = _draft(by, report)
        if not report.results.strip():
            raise ValidationError({"results": _("Write the results achieved before sending the report.")})
        to = selectors.addressees(report)
        if not to:
            raise ValidationError(_("The agency has no director to send the report to."))
        report.status = PeriodicReport.Status.SENT
        report.sent_at = report.updated_at = timezone.now()
        report.sent_by = by.person
        report.save(update_fields=["status", "sent_at", "sent_by", "updated_at"])
        Recipient.objects.bulk_create([Recipient(report=report, person=person, role=role) for person, role in to])
        events.record(verb="report.sent", actor=by, agency=report.agency_id, target=report, data={
            "scope": report.scope, "unit": report.unit_id, "kind": report.kind,
            "period_start": report.period_start.isoformat(), "recipients": [p.pk for p, _role in to],
            "title": selectors.title(report)[:250]})
    return report


def mark_read(*, by: Actor, report: PeriodicReport) -> bool:
    """A recipient opened the sent report: kept once (the sender sees it was read)."""
    person = by.person
    if person is None:
        return False
    with transaction.atomic():
        updated = Recipient.objects.filter(report=report, person=person, read_at__isnull=True,
                                           report__status=PeriodicReport.Status.SENT).update(read_at=timezone.now())
        if updated:
            events.record(verb="report.read", actor=by, agency=report.agency_id, target=report, data={})
    return bool(updated)


def delete_draft(*, by: Actor, report: PeriodicReport) -> None:
    """Delete a draft (a sent report stays for good)."""
    with transaction.atomic():
        report = _draft(by, report)
        events.record(verb="report.deleted", actor=by, agency=report.agency_id, target=report, data={
            "scope": report.scope, "unit": report.unit_id, "kind": report.kind,
            "period_start": report.period_start.isoformat()})
        report.delete()
