"""Writes of the IT staff registry, reports and incidents (seed 004). Each is one transaction with
its event; bad input raises ValidationError with a Vietnamese message and saves nothing; someone
who may not act gets NotAllowed (a 404 at the edge)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import events, kinds
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.text import clean
from qlvb.itstaff import rules
from qlvb.itstaff.models import Certificate, Degree, Incident, Report, ReportTemplate, Staff, Training
from qlvb.org import permissions
from qlvb.org.models import Agency, Person, Post

MAX_TEXT = 20_000


def _author(by: Actor) -> Person:
    if by.effective is None:
        raise NotAllowed()
    return by.effective


def _managing(by: Actor, agency_id: int) -> Person:
    author = _author(by)
    if not rules.may_manage(author, agency_id):
        raise NotAllowed()
    return author


class _Errors(dict[str, list[str]]):
    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)

    def check(self) -> None:
        if self:
            raise ValidationError(dict(self))


def _decision(author: Person, agency_id: int, decision: tuple[str, int] | None,
              errors: _Errors) -> tuple[str, int | None, str]:
    """The assignment decision (kind, id) if the author may open it and it is the agency's."""
    if decision is None:
        return "", None, ""
    kind_name, document_id = decision
    try:
        kind = kinds.get(kind_name)
    except KeyError:
        errors.add("decision", _("Unknown kind of document."))
        return "", None, ""
    document = kind.load(int(document_id)) if kind_name in ("incoming", "outgoing") else None
    if document is None or document.agency_id != agency_id or not kind.rule(author).allows(document):
        errors.add("decision", _("Link the decision as a document of the agency you may open."))
        return "", None, ""
    reference = getattr(document, "reference", "") or ""
    summary = "" if getattr(document, "secrecy", "") else (getattr(document, "summary", "") or "")
    return kind_name, int(document_id), " – ".join(x for x in (reference, summary) if x)[:300]


def register_staff(*, by: Actor, agency: Agency, person: Person, degree: str, field_of_study: str,
                   field_is_it: bool = False, full_time_study: bool = False, decision: tuple[str, int] | None = None,
                   assigned_on: date | None = None, notes: str = "") -> Staff:
    """Register one of the agency's people as its IT staff, with his degree (004 Đ4) and the
    decision assigning him (004 Đ10.2.a). His unit and post are read from his current post."""
    author = _managing(by, agency.pk)
    errors = _Errors()
    field_of_study = clean(field_of_study or "")
    if degree not in Degree.values:
        errors.add("degree", _("Choose the degree."))
    if not field_of_study:
        errors.add("field_of_study", _("Give the field of study."))
    elif len(field_of_study) > 200:
        errors.add("field_of_study", _("At most %(n)s characters.") % {"n": 200})
    if not person.is_active or agency.pk not in permissions.member_agency_ids(person):
        errors.add("person", _("Choose a person of the agency."))
    elif Staff.objects.filter(agency=agency, person=person, ended_on__isnull=True).exists():
        errors.add("person", _("This person is already registered as IT staff."))
    if assigned_on is not None and assigned_on > timezone.localdate():
        errors.add("assigned_on", _("The date cannot be in the future."))
    if len(notes or "") > MAX_TEXT:
        errors.add("notes", _("At most %(n)s characters.") % {"n": MAX_TEXT})
    kind_name, document_id, label = _decision(author, agency.pk, decision, errors)
    errors.check()
    post = (Post.objects.filter(person=person, agency_id=agency.pk, end_date__isnull=True)
            .select_related("unit", "position").order_by("is_concurrent", "id").first())
    with transaction.atomic():
        staff = Staff.objects.create(
            agency=agency, person=person, unit=post.unit if post else None,
            post_title=(f"{post.position.name}, {post.unit.name}" if post else "")[:200], degree=degree,
            field_of_study=field_of_study, field_is_it=field_is_it, full_time_study=full_time_study,
            decision_kind=kind_name, decision_id=document_id, decision_label=label, assigned_on=assigned_on,
            notes=(notes or "").strip())
        events.record(verb="itstaff.staff_registered", actor=by, agency=agency, target=staff, data={
            "person": person.pk, "degree": degree, "field_of_study": field_of_study, "field_is_it": field_is_it,
            "full_time_study": full_time_study, "decision": [kind_name, document_id] if kind_name else None})
    return staff


def end_staff(*, by: Actor, staff: Staff, ended_on: date | None = None) -> Staff:
    """The person no longer works as IT staff (kept in the history)."""
    _managing(by, staff.agency_id)
    ended_on = ended_on or timezone.localdate()
    if staff.ended_on is not None:
        raise ValidationError({"ended_on": [_("Already ended.")]})
    with transaction.atomic():
        staff.ended_on = ended_on
        staff.save(update_fields=["ended_on"])
        events.record(verb="itstaff.staff_ended", actor=by, agency=staff.agency_id, target=staff,
                      data={"ended_on": ended_on})
    return staff


def add_certificate(*, by: Actor, staff: Staff, name: str, issued_on: date | None,
                    expires_on: date | None = None) -> Certificate:
    _managing(by, staff.agency_id)
    errors = _Errors()
    name = clean(name or "")
    if not name:
        errors.add("name", _("Give the certificate's name."))
    elif len(name) > 200:
        errors.add("name", _("At most %(n)s characters.") % {"n": 200})
    if issued_on is None:
        errors.add("issued_on", _("Give the date of issue."))
    elif issued_on > timezone.localdate():
        errors.add("issued_on", _("The date cannot be in the future."))
    elif expires_on is not None and expires_on < issued_on:
        errors.add("expires_on", _("A certificate cannot expire before it is issued."))
    errors.check()
    assert issued_on is not None
    with transaction.atomic():
        certificate = Certificate.objects.create(staff=staff, name=name, issued_on=issued_on, expires_on=expires_on)
        events.record(verb="itstaff.certificate_added", actor=by, agency=staff.agency_id, target=staff,
                      data={"name": name, "issued_on": issued_on, "expires_on": expires_on})
    return certificate


def add_training(*, by: Actor, staff: Staff, kind: str, title: str, held_on: date | None,
                 attended: bool = True) -> Training:
    """A training course or a meeting of the Department (004 Đ6.1.e), attended or missed."""
    _managing(by, staff.agency_id)
    errors = _Errors()
    title = clean(title or "")
    if kind not in Training.Kind.values:
        errors.add("kind", _("Choose training or meeting."))
    if not title:
        errors.add("title", _("Give the title."))
    elif len(title) > 300:
        errors.add("title", _("At most %(n)s characters.") % {"n": 300})
    if held_on is None:
        errors.add("held_on", _("Give the date."))
    elif held_on > timezone.localdate():
        errors.add("held_on", _("The date cannot be in the future."))
    errors.check()
    assert held_on is not None
    with transaction.atomic():
        training = Training.objects.create(staff=staff, kind=kind, title=title, held_on=held_on, attended=attended)
        events.record(verb="itstaff.training_added", actor=by, agency=staff.agency_id, target=staff,
                      data={"kind": kind, "title": title, "held_on": held_on, "attended": attended})
    return training


# --- Reports (004 Đ7.1) ---------------------------------------------------------------------------

def publish_template(*, by: Actor, title: str, period: str, year: int, deadline: date | None,
                     sections: Sequence[str]) -> ReportTemplate:
    """The Department publishes a reporting round: its sections and its deadline."""
    author = _author(by)
    department = rules.department_id()
    if department is None or not rules.manages_department(author):
        raise NotAllowed()
    errors = _Errors()
    title = clean(title or "")
    labels = [clean(s) for s in sections if clean(s or "")]
    if not title:
        errors.add("title", _("Give the report a title."))
    elif len(title) > 300:
        errors.add("title", _("At most %(n)s characters.") % {"n": 300})
    if period not in ReportTemplate.Period.values:
        errors.add("period", _("Choose six months or the whole year."))
    if not 2000 <= int(year or 0) <= 2100:
        errors.add("year", _("Give a year from 2000 to 2100."))
    elif ReportTemplate.objects.filter(period=period, year=year).exists():
        errors.add("period", _("A report of this period is already published."))
    if deadline is None:
        errors.add("deadline", _("Give the deadline."))
    elif deadline < timezone.localdate():
        errors.add("deadline", _("The deadline cannot be in the past."))
    if not labels:
        errors.add("sections", _("Give at least one section."))
    elif len(labels) > 50 or any(len(s) > 300 for s in labels):
        errors.add("sections", _("At most 50 sections of 300 characters."))
    errors.check()
    assert deadline is not None
    with transaction.atomic():
        template = ReportTemplate.objects.create(
            agency_id=department, title=title, period=period, year=year, deadline=deadline, created_by=author,
            sections=[{"key": f"s{i}", "label": label} for i, label in enumerate(labels, 1)])
        events.record(verb="itstaff.template_published", actor=by, agency=department, target=template,
                      data={"title": title, "period": period, "year": year, "deadline": deadline,
                            "sections": labels})
    return template


def _answers(template: ReportTemplate, answers: Mapping[str, Any], errors: _Errors) -> dict[str, str]:
    keys = {s["key"] for s in template.sections}
    unknown = set(answers) - keys
    if unknown:
        errors.add("answers", _("Unknown section."))
    result = {k: str(answers.get(k) or "").strip() for k in sorted(keys)}
    if any(len(v) > MAX_TEXT for v in result.values()):
        errors.add("answers", _("At most %(n)s characters.") % {"n": MAX_TEXT})
    return result


def save_report(*, by: Actor, template: ReportTemplate, agency: Agency, answers: Mapping[str, Any]) -> Report:
    """Write (or rewrite) the agency's report of this round: while drafted or returned."""
    author = _managing(by, agency.pk)
    errors = _Errors()
    values = _answers(template, answers, errors)
    report = Report.objects.filter(template=template, agency=agency).first()
    if report is not None and report.status not in (Report.Status.DRAFT, Report.Status.RETURNED):
        errors.add("status", _("The report is submitted: it can no longer be changed."))
    errors.check()
    with transaction.atomic():
        if report is None:
            report = Report.objects.create(template=template, agency=agency, answers=values, created_by=author)
        else:
            report.answers = values
            report.updated_at = timezone.now()
            report.save(update_fields=["answers", "updated_at"])
        events.record(verb="itstaff.report_saved", actor=by, agency=agency, target=report,
                      data={"template": template.pk, "filled": sum(1 for v in values.values() if v)})
    return report


def submit_report(*, by: Actor, report: Report) -> Report:
    """Send the report to the Department: every section filled. A returned report is resubmitted."""
    _managing(by, report.agency_id)
    if report.status not in (Report.Status.DRAFT, Report.Status.RETURNED):
        raise ValidationError({"status": [_("The report is already submitted.")]})
    empty = [s["label"] for s in report.template.sections if not (report.answers.get(s["key"]) or "").strip()]
    if empty:
        raise ValidationError({"answers": [_("Fill in every section before submitting: %(names)s.")
                                           % {"names": "; ".join(empty)}]})
    again = report.status == Report.Status.RETURNED
    now = timezone.now()
    with transaction.atomic():
        report.status = Report.Status.SUBMITTED
        if again:
            report.resubmitted_at = now
        else:
            report.submitted_at = now
        report.updated_at = now
        report.save(update_fields=["status", "submitted_at", "resubmitted_at", "updated_at"])
        events.record(verb="itstaff.report_resubmitted" if again else "itstaff.report_submitted", actor=by,
                      agency=report.agency_id, target=report,
                      data={"template": report.template_id, "late": report.late})
    return report


def _deciding(by: Actor, report: Report) -> Person:
    author = _author(by)
    if not rules.manages_department(author) or report.template.agency_id != rules.department_id():
        raise NotAllowed()
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError({"status": [_("Only a submitted report can be returned or accepted.")]})
    return author


def return_report(*, by: Actor, report: Report, reason: str) -> Report:
    """The Department returns the report for completion, saying why."""
    _deciding(by, report)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say what must be completed.")]})
    if len(reason) > 2000:
        raise ValidationError({"reason": [_("At most %(n)s characters.") % {"n": 2000}]})
    with transaction.atomic():
        report.status = Report.Status.RETURNED
        report.returned_reason = reason
        report.updated_at = timezone.now()
        report.save(update_fields=["status", "returned_reason", "updated_at"])
        events.record(verb="itstaff.report_returned", actor=by, agency=report.agency_id, target=report,
                      data={"reason": reason})
    return report


def accept_report(*, by: Actor, report: Report) -> Report:
    _deciding(by, report)
    with transaction.atomic():
        report.status = Report.Status.ACCEPTED
        report.accepted_at = report.updated_at = timezone.now()
        report.save(update_fields=["status", "accepted_at", "updated_at"])
        events.record(verb="itstaff.report_accepted", actor=by, agency=report.agency_id, target=report)
    return report


# --- Incidents (004 Đ7.2) -------------------------------------------------------------------------

EARLIEST_YEAR = 2000


def report_incident(*, by: Actor, agency: Agency, kind: str, title: str, occurred_at: datetime | None,
                    impact: str = "", handling: str = "") -> Incident:
    """An IT incident, told to the Department at once (the event's notification route)."""
    author = _managing(by, agency.pk)
    errors = _Errors()
    title = clean(title or "")
    if kind not in Incident.Kind.values:
        errors.add("kind", _("Choose the kind of incident."))
    if not title:
        errors.add("title", _("Say what happened."))
    elif len(title) > 300:
        errors.add("title", _("At most %(n)s characters.") % {"n": 300})
    if occurred_at is None:
        errors.add("occurred_at", _("Give the time the incident occurred."))
    elif occurred_at > timezone.now() + timedelta(minutes=5):
        errors.add("occurred_at", _("The time of the incident cannot be in the future."))
    elif occurred_at.year < EARLIEST_YEAR:  # a typing slip (0026 for 2026), or a date no office keeps
        errors.add("occurred_at", _("The time of the incident is too long ago: give a year from %(year)s.")
                   % {"year": EARLIEST_YEAR})
    if len(impact or "") > MAX_TEXT or len(handling or "") > MAX_TEXT:
        errors.add("impact", _("At most %(n)s characters.") % {"n": MAX_TEXT})
    errors.check()
    assert occurred_at is not None
    with transaction.atomic():
        incident = Incident.objects.create(agency=agency, kind=kind, title=title, occurred_at=occurred_at,
                                           impact=(impact or "").strip(), handling=(handling or "").strip(),
                                           reported_by=author)
        events.record(verb="itstaff.incident_reported", actor=by, agency=agency, target=incident, data={
            "kind": kind, "title": title, "occurred_at": occurred_at, "department": rules.department_id()})
    return incident


def close_incident(*, by: Actor, incident: Incident, handling: str, closed_at: datetime | None = None) -> Incident:
    """The incident is over: how it was handled, and when."""
    _managing(by, incident.agency_id)
    handling = (handling or "").strip()
    closed_at = closed_at or timezone.now()
    errors = _Errors()
    if incident.closed_at is not None:
        errors.add("closed_at", _("The incident is already closed."))
    if not handling:
        errors.add("handling", _("Say how the incident was handled."))
    elif len(handling) > MAX_TEXT:
        errors.add("handling", _("At most %(n)s characters.") % {"n": MAX_TEXT})
    if closed_at < incident.occurred_at:
        errors.add("closed_at", _("An incident cannot close before it occurred."))
    errors.check()
    with transaction.atomic():
        incident.handling = handling
        incident.closed_at = closed_at
        incident.save(update_fields=["handling", "closed_at"])
        events.record(verb="itstaff.incident_closed", actor=by, agency=incident.agency_id, target=incident,
                      data={"closed_at": closed_at})
    return incident


def remind_reports(today: date | None = None, *, days_before: int = 3) -> int:
    """Remind the leaders and office of every agency whose report of an open round is not yet
    submitted, when the deadline is `days_before` working days away or has passed (each agency
    once per round and day; the notification route tells them)."""
    from qlvb.core import workdays
    from qlvb.itstaff.selectors import manager_ids

    today = today or timezone.localdate()
    department = rules.department_id()
    if department is None or not workdays.is_working_day(today, department):
        return 0
    told = 0
    for template in ReportTemplate.objects.filter(deadline__gte=today.replace(month=1, day=1)):
        left = workdays.working_days_between(today, template.deadline, department) if template.deadline >= today \
            else -1
        if left != days_before and left > 0:
            continue
        done = set(Report.objects.filter(template=template).exclude(status=Report.Status.DRAFT)
                   .values_list("agency_id", flat=True))
        for agency_id in Agency.objects.filter(is_active=True).exclude(pk__in=done).values_list("pk", flat=True):
            people = sorted(manager_ids(agency_id))
            with transaction.atomic():
                events.record(verb="itstaff.report_reminder", agency=agency_id, target=template, data={
                    "day": today, "deadline": template.deadline, "overdue": left < 0, "days": max(left, 0),
                    "title": template.title, "people": people})
            told += 1
    return told
