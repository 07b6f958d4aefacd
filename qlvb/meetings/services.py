"""Meeting writes (R22, 001 Đ11, 000 Đ3.1.g). Each change is one transaction that also records its
event (the meeting's timeline; notifications and search follow the events). Bad input raises
ValidationError with a Vietnamese message and saves nothing; a person without the right gets
NotAllowed (a 404 at the edge).

The flow: the office prepares the meeting (chair, invitees, agenda, documents) and sends the
invitations, which puts it on the invitees' schedules (qlvb.schedules); invitees answer; the
secretary records attendance and the minutes, the chair approves them; the chair's conclusions are
published as the conclusions notice and turned, in one step, into tasks (qlvb.tasks)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import events, kinds
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.text import clean
from qlvb.core.workdays import add_working_days
from qlvb.files.services import prepare_uploads, staged_uploads
from qlvb.meetings import rules
from qlvb.meetings.models import AgendaItem, Attendance, Conclusion, Invitee, Meeting, MeetingDocument, Minutes, Series
from qlvb.org import permissions
from qlvb.org.models import Agency, Person, Post, Unit
from qlvb.org.roles import HEAD_KINDS
from qlvb.schedules import services as schedules
from qlvb.schedules.models import Scope
from qlvb.tasks import selectors as task_selectors
from qlvb.tasks import services as tasks
from qlvb.tasks.models import Task

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_LENGTH = timedelta(days=7)
MAX_REPEAT = 12
LINKABLE_KINDS = ("incoming", "outgoing")
TRACKED = ["kind", "title", "starts_at", "ends_at", "place", "chair_id", "secretary_id", "organising_unit_id"]


def _effective(by: Actor) -> Person:
    if by.effective is None:
        raise NotAllowed()
    return by.effective


def _author(by: Actor) -> Person:
    """The person at the keyboard (the system writes nothing here by hand)."""
    if by.person is None:
        raise NotAllowed()
    return by.person


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _member(person: Person | None, agency: Agency) -> bool:
    return person is not None and person.is_active and agency.pk in permissions.member_agency_ids(person)


def _validate(*, agency: Agency, kind: str, title: str, starts_at: datetime | None, ends_at: datetime | None,
              chair: Person | None, secretary: Person | None, organising_unit: Unit | None,
              people: Sequence[Person], units: Sequence[Unit]) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if kind not in Meeting.Kind.values:
        add("kind", _("Choose the kind of meeting."))
    if not clean(title or ""):
        add("title", _("Say what the meeting is about."))
    if starts_at is None:
        add("starts_at", _("Give the start time."))
    if ends_at is None:
        add("ends_at", _("Give the end time."))
    for name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if moment is not None and not FIRST_YEAR <= timezone.localtime(moment).year <= LAST_YEAR:
            add(name, _("Give a date between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR})
    if starts_at is not None and ends_at is not None and "starts_at" not in errors and "ends_at" not in errors:
        if ends_at <= starts_at:
            add("ends_at", _("The meeting must end after it starts."))
        elif ends_at - starts_at > MAX_LENGTH:
            add("ends_at", _("A meeting lasts at most %(days)s days.") % {"days": MAX_LENGTH.days})
    if chair is None:
        add("chair", _("Name the chair of the meeting."))
    elif not _member(chair, agency):
        add("chair", _("The chair must be of this agency."))
    if secretary is not None and not _member(secretary, agency):
        add("secretary", _("The secretary must be of this agency."))
    if organising_unit is not None and (organising_unit.agency_id != agency.pk or organising_unit.deleted_at):
        add("organising_unit", _("The organising unit must be of this agency."))
    outsiders = [p.full_name for p in people if not _member(p, agency)]
    if outsiders:
        add("people", _("Not in the agency: %(names)s.") % {"names": ", ".join(outsiders)})
    if any(u.agency_id != agency.pk or u.deleted_at for u in units):
        add("units", _("Only units of the agency can be invited."))
    if errors:
        raise ValidationError(errors)


def _snapshot(meeting: Meeting) -> dict[str, Any]:
    return {name: getattr(meeting, name) for name in TRACKED}


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def _set_invitees(meeting: Meeting, people: Sequence[Person], units: Sequence[Unit]) -> tuple[list[int], list[int]]:
    """Keep the invitees named (with their answers), add the new ones, drop the others."""
    people_ids = list(dict.fromkeys(p.pk for p in people))
    unit_ids = list(dict.fromkeys(u.pk for u in units))
    Invitee.objects.filter(meeting=meeting, person__isnull=False).exclude(person_id__in=people_ids).delete()
    Invitee.objects.filter(meeting=meeting, unit__isnull=False).exclude(unit_id__in=unit_ids).delete()
    have_p = set(Invitee.objects.filter(meeting=meeting, person__isnull=False).values_list("person_id", flat=True))
    have_u = set(Invitee.objects.filter(meeting=meeting, unit__isnull=False).values_list("unit_id", flat=True))
    Invitee.objects.bulk_create([Invitee(meeting=meeting, person_id=pk) for pk in people_ids if pk not in have_p]
                                + [Invitee(meeting=meeting, unit_id=pk) for pk in unit_ids if pk not in have_u])
    return people_ids, unit_ids


def unit_heads(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    """The heads (and deputies) of these units, by unit: who answers for an invited unit."""
    found: dict[int, list[int]] = {}
    ids = sorted(set(unit_ids))
    if not ids:
        return found
    for unit_id, person_id in (Post.objects.filter(unit_id__in=ids, end_date__isnull=True,
                                                   position__kind__in=sorted(HEAD_KINDS), person__is_active=True)
                               .order_by("unit_id", "position__kind", "id").values_list("unit_id", "person_id")):
        found.setdefault(unit_id, [])
        if person_id not in found[unit_id]:
            found[unit_id].append(person_id)
    return found


def concerned(meeting: Meeting) -> dict[str, list[int]]:
    """Who a change concerns (the notifications' routes and the schedule entry): the people
    invited or sent as substitutes, the heads of the invited units, the chair and the secretary."""
    people: set[int] = {meeting.chair_id}
    if meeting.secretary_id:
        people.add(meeting.secretary_id)
    units: list[int] = []
    for person_id, unit_id, substitute_id in Invitee.objects.filter(meeting=meeting).values_list(
            "person_id", "unit_id", "substitute_id"):
        if person_id:
            people.add(person_id)
        if unit_id:
            units.append(unit_id)
        if substitute_id:
            people.add(substitute_id)
    for heads in unit_heads(units).values():
        people.update(heads)
    return {"people": sorted(people), "units": sorted(units)}


def _sync_schedule(by: Actor, meeting: Meeting) -> None:
    """The meeting's entry on its people's schedules (qlvb.schedules): made at the invitation,
    changed with the meeting (schedules marks an adjustment itself)."""
    who = concerned(meeting)
    people = list(Person.objects.filter(pk__in=[*who["people"], meeting.created_by_id]).order_by("pk"))
    units = list(Unit.objects.filter(pk__in=who["units"]))
    entry = schedules.save_entry(
        by=by, agency=meeting.agency, scope=Scope.PERSONAL, title=meeting.title[:500], starts_at=meeting.starts_at,
        ends_at=meeting.ends_at, entry=meeting.schedule_entry, place=meeting.place, chair=meeting.chair,
        people=people, units=units, preparing_unit=meeting.organising_unit,
        notes=_("Meeting: %(kind)s") % {"kind": meeting.get_kind_display()}, told_elsewhere=True)
    if meeting.schedule_entry_id != entry.pk:
        meeting.schedule_entry = entry
        meeting.save(update_fields=["schedule_entry"])


# --- Preparing ---------------------------------------------------------------------------------

def create(*, by: Actor, agency: Agency, kind: str, title: str, starts_at: datetime | None,
           ends_at: datetime | None, chair: Person | None, secretary: Person | None = None,
           organising_unit: Unit | None = None, place: str = "", people: Sequence[Person] = (),
           units: Sequence[Unit] = (), series: Series | None = None) -> Meeting:
    """Prepare a meeting (a draft only its organisers see until the invitations are sent)."""
    person = _effective(by)
    if not rules.may_create(person, agency.pk) or agency.pk not in permissions.member_agency_ids(person):
        raise NotAllowed()
    _validate(agency=agency, kind=kind, title=title, starts_at=starts_at, ends_at=ends_at, chair=chair,
              secretary=secretary, organising_unit=organising_unit, people=people, units=units)
    assert chair is not None and starts_at is not None and ends_at is not None
    with transaction.atomic():
        meeting = Meeting.objects.create(
            agency=agency, kind=kind, title=clean(title)[:500], starts_at=starts_at, ends_at=ends_at,
            place=clean(place or "")[:300], chair=chair, secretary=secretary, organising_unit=organising_unit,
            series=series, created_by=_author(by))
        people_ids, unit_ids = _set_invitees(meeting, people, units)
        events.record(verb="meeting.created", actor=by, agency=agency, target=meeting, data={
            "kind": kind, "starts_at": starts_at, "chair": chair.pk, "people": people_ids, "units": unit_ids,
            "series": series.pk if series else None})
    return meeting


def update(*, by: Actor, meeting: Meeting, kind: str, title: str, starts_at: datetime | None,
           ends_at: datetime | None, chair: Person | None, secretary: Person | None = None,
           organising_unit: Unit | None = None, place: str = "", people: Sequence[Person] = (),
           units: Sequence[Unit] = ()) -> Meeting:
    """Change a meeting not yet held: its time, place, chair or invitees. Once invited, its
    schedule entry follows and the invitees are told."""
    if not rules.may_manage(_effective(by), meeting):
        raise NotAllowed()
    agency = meeting.agency
    _validate(agency=agency, kind=kind, title=title, starts_at=starts_at, ends_at=ends_at, chair=chair,
              secretary=secretary, organising_unit=organising_unit, people=people, units=units)
    with transaction.atomic():
        meeting = _locked(meeting)
        if not meeting.is_editable:
            raise ValidationError(_("A meeting already held or cancelled cannot be changed."))
        before = _snapshot(meeting)
        before_invitees = concerned(meeting)
        meeting.kind, meeting.title, meeting.place = kind, clean(title)[:500], clean(place or "")[:300]
        meeting.starts_at, meeting.ends_at = starts_at, ends_at  # type: ignore[assignment]
        meeting.chair, meeting.secretary, meeting.organising_unit = chair, secretary, organising_unit  # type: ignore
        meeting.save()
        _set_invitees(meeting, people, units)
        after = _snapshot(meeting)
        after_invitees = concerned(meeting)
        changed = {k: [_jsonable(before[k]), _jsonable(after[k])] for k in after if before[k] != after[k]}
        if before_invitees != after_invitees:
            changed["invitees"] = [before_invitees["people"], after_invitees["people"]]
        if not changed:
            return meeting
        if meeting.status == Meeting.Status.INVITED:
            _sync_schedule(by, meeting)
        events.record(verb="meeting.updated", actor=by, agency=agency, target=meeting, data={
            "changed": changed, "status": meeting.status,
            "people": sorted(set(before_invitees["people"]) | set(after_invitees["people"]))})
    return meeting


def invite(*, by: Actor, meeting: Meeting) -> Meeting:
    """Send the invitations: the invitees see the meeting, it goes onto their schedules and they
    are told (giấy mời)."""
    if not rules.may_manage(_effective(by), meeting):
        raise NotAllowed()
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.status != Meeting.Status.DRAFT:
            raise ValidationError(_("The invitations have already been sent."))
        if not Invitee.objects.filter(meeting=meeting).exists():
            raise ValidationError({"people": [_("Invite at least one person or unit.")]})
        meeting.status = Meeting.Status.INVITED
        meeting.save(update_fields=["status"])
        _sync_schedule(by, meeting)
        events.record(verb="meeting.invited", actor=by, agency=meeting.agency_id, target=meeting,
                      data={**concerned(meeting), "starts_at": meeting.starts_at})
    return meeting


def cancel(*, by: Actor, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a meeting not yet held, with the reason; its schedule entry goes and the invitees
    are told."""
    if not rules.may_manage(_effective(by), meeting):
        raise NotAllowed()
    reason = clean(reason or "")
    if not reason:
        raise ValidationError({"reason": [_("Say why the meeting is cancelled.")]})
    with transaction.atomic():
        meeting = _locked(meeting)
        if not meeting.is_editable:
            raise ValidationError(_("A meeting already held or cancelled cannot be cancelled."))
        was_invited = meeting.status == Meeting.Status.INVITED
        entry = meeting.schedule_entry
        meeting.status, meeting.cancel_reason = Meeting.Status.CANCELLED, reason[:300]
        meeting.schedule_entry = None
        meeting.save(update_fields=["status", "cancel_reason", "schedule_entry"])
        if entry is not None:
            schedules.remove_entry(by=by, entry=entry, reason=reason[:300], told_elsewhere=True)
        events.record(verb="meeting.cancelled", actor=by, agency=meeting.agency_id, target=meeting,
                      data={**concerned(meeting), "reason": reason[:300], "was_invited": was_invited})
    return meeting


def _next_start(start: datetime, frequency: str) -> datetime:
    """The next occurrence, at the same local time: a week later, or the same day of the next
    month (the month's last day when it has fewer days)."""
    local = timezone.localtime(start)
    if frequency == Series.Frequency.WEEKLY:
        day = local.date() + timedelta(days=7)
    else:
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        day = date(year, month, min(local.day, calendar.monthrange(year, month)[1]))
    naive = datetime.combine(day, local.time().replace(tzinfo=None))
    return timezone.make_aware(naive, timezone.get_current_timezone())


def repeat(*, by: Actor, meeting: Meeting, frequency: str, count: int) -> list[Meeting]:
    """Periodic meetings (the Friday briefing every week, 001 Đ11.1; the unit's meeting every
    month, Đ11.4): prepare the next `count` occurrences after the last one of the series, with
    the same time of day, place, chair, secretary and invitees. Each is a draft to send."""
    person = _effective(by)
    if not rules.may_manage(person, meeting):
        raise NotAllowed()
    if frequency not in Series.Frequency.values:
        raise ValidationError({"frequency": [_("Choose how often the meeting repeats.")]})
    if not 1 <= count <= MAX_REPEAT:
        raise ValidationError({"count": [_("Prepare from 1 to %(n)s meetings at a time.") % {"n": MAX_REPEAT}]})
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("A cancelled meeting is not repeated."))
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.series is None:
            meeting.series = Series.objects.create(agency=meeting.agency, frequency=frequency, created_by=_author(by))
            meeting.save(update_fields=["series"])
        elif meeting.series.frequency != frequency:
            raise ValidationError({"frequency": [_("This series repeats %(how)s.")
                                                 % {"how": meeting.series.get_frequency_display().lower()}]})
        series = meeting.series
        last = Meeting.objects.filter(series=series).order_by("-starts_at", "-id").first() or meeting
        invitees = list(Invitee.objects.filter(meeting=meeting).select_related("person", "unit"))
        people = [i.person for i in invitees if i.person is not None]
        units = [i.unit for i in invitees if i.unit is not None]
        length = meeting.ends_at - meeting.starts_at
        made: list[Meeting] = []
        start = last.starts_at
        for _n in range(count):
            start = _next_start(start, frequency)
            made.append(create(by=by, agency=meeting.agency, kind=meeting.kind, title=meeting.title,
                               starts_at=start, ends_at=start + length, chair=meeting.chair,
                               secretary=meeting.secretary, organising_unit=meeting.organising_unit,
                               place=meeting.place, people=people, units=units, series=series))
        events.record(verb="meeting.repeated", actor=by, agency=meeting.agency_id, target=meeting,
                      data={"series": series.pk, "frequency": frequency, "made": [m.pk for m in made]})
    return made


def answer(*, by: Actor, invitee: Invitee, answer: str, note: str = "", substitute: Person | None = None) -> Invitee:
    """An invitee answers: will attend, cannot (with the reason), or sends a substitute (a unit's
    head names who goes for the unit; a person names who goes in his place)."""
    person = _effective(by)
    meeting = invitee.meeting
    if invitee.pk not in {i.pk for i in rules.invitees_to_answer(person, meeting)}:
        raise NotAllowed()
    note = clean(note or "")[:300]
    if answer not in (Invitee.Answer.ACCEPTED, Invitee.Answer.DECLINED, Invitee.Answer.DELEGATED):
        raise ValidationError({"answer": [_("Choose an answer.")]})
    if answer == Invitee.Answer.DECLINED and not note:
        raise ValidationError({"note": [_("Say why you cannot attend.")]})
    if answer == Invitee.Answer.DELEGATED:
        if substitute is None:
            raise ValidationError({"substitute": [_("Name who attends instead.")]})
        if not _member(substitute, meeting.agency) or substitute.pk == invitee.person_id:
            raise ValidationError({"substitute": [_("The substitute must be someone else of this agency.")]})
    else:
        substitute = None
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.status != Meeting.Status.INVITED:
            raise ValidationError(_("This invitation can no longer be answered."))
        invitee = Invitee.objects.select_for_update().get(pk=invitee.pk)
        before = invitee.substitute_id
        invitee.answer, invitee.note, invitee.substitute = answer, note, substitute
        invitee.answered_by, invitee.answered_at = by.person, timezone.now()
        invitee.save(update_fields=["answer", "note", "substitute", "answered_by", "answered_at"])
        if before != invitee.substitute_id:
            _sync_schedule(by, meeting)
        events.record(verb="meeting.answered", actor=by, agency=meeting.agency_id, target=meeting, data={
            "invitee": invitee.pk, "person": invitee.person_id, "unit": invitee.unit_id, "answer": answer,
            "note": note, "substitute": substitute.pk if substitute else None})
    return invitee


def add_agenda_item(*, by: Actor, meeting: Meeting, title: str, presenter: Person | None = None) -> AgendaItem:
    if not rules.may_manage(_effective(by), meeting):
        raise NotAllowed()
    title = clean(title or "")
    if not title:
        raise ValidationError({"title": [_("Say what the agenda item is.")]})
    if presenter is not None and not _member(presenter, meeting.agency):
        raise ValidationError({"presenter": [_("The presenter must be of this agency.")]})
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.status not in Meeting.EDITABLE:
            raise ValidationError(_("The agenda of a meeting already held or cancelled is closed."))
        order = AgendaItem.objects.filter(meeting=meeting).count() + 1
        item = AgendaItem.objects.create(meeting=meeting, order=order, title=title[:500], presenter=presenter)
        events.record(verb="meeting.agenda_added", actor=by, agency=meeting.agency_id, target=meeting,
                      data={"item": item.pk, "title": item.title, "presenter": presenter.pk if presenter else None})
    return item


def remove_agenda_item(*, by: Actor, meeting: Meeting, item: AgendaItem) -> None:
    """Take an item off the agenda of a meeting not yet held (its documents stay, unlinked); the
    items after it move up."""
    if not rules.may_manage(_effective(by), meeting) or item.meeting_id != meeting.pk:
        raise NotAllowed()
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.status not in Meeting.EDITABLE:
            raise ValidationError(_("The agenda of a meeting already held or cancelled is closed."))
        item.delete()
        _renumber(AgendaItem.objects.filter(meeting=meeting))
        events.record(verb="meeting.agenda_removed", actor=by, agency=meeting.agency_id, target=meeting,
                      data={"item": item.pk, "title": item.title})


def _renumber(rows: Any) -> None:
    for order, row in enumerate(rows.order_by("order", "id"), start=1):
        if row.order != order:
            row.order = order
            row.save(update_fields=["order"])


def attach(*, by: Actor, meeting: Meeting, kind: str = "", document_id: int | None = None,
           uploads: Sequence[Any] = (), agenda_item: AgendaItem | None = None) -> list[MeetingDocument]:
    """Attach documents of the meeting: an incoming or outgoing document the person may see (each
    reader of the meeting sees it only if he may see it too), or uploaded files."""
    person = _effective(by)
    if not rules.may_manage(person, meeting):
        raise NotAllowed()
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": [_("Choose an item of this meeting's agenda.")]})
    linked: Any = None
    if kind or document_id:
        if kind not in LINKABLE_KINDS or not document_id:
            raise ValidationError({"document": [_("Choose an incoming or outgoing document.")]})
        linked = kinds.get(kind).model_class._default_manager.filter(pk=document_id).first()
        if linked is None or linked.agency_id != meeting.agency_id or not kinds.may_see(kind, person, linked):
            raise ValidationError({"document": [_("No such document among those you may see.")]})
    elif not uploads:
        raise ValidationError({"files": [_("Choose a document or upload a file.")]})
    prepared = prepare_uploads(uploads, combine_images=False, field="files") if uploads else []
    with transaction.atomic(), staged_uploads(prepared, savepoint=False) as staged:
        meeting = _locked(meeting)
        if meeting.status == Meeting.Status.CANCELLED:
            raise ValidationError(_("The meeting is cancelled."))
        rows: list[MeetingDocument] = []
        if linked is not None:
            if MeetingDocument.objects.filter(meeting=meeting, kind=kind, document_id=document_id).exists():
                raise ValidationError({"document": [_("This document is already attached.")]})
            label = " – ".join(x for x in (getattr(linked, "reference", "") or "",
                                            getattr(linked, "summary", "") or str(linked)) if x)
            rows.append(MeetingDocument(meeting=meeting, agenda_item=agenda_item, kind=kind, document_id=document_id,
                                        name=label[:300], added_by=by.person))
        rows += [MeetingDocument(meeting=meeting, agenda_item=agenda_item, stored=s.stored, name=s.name[:300],
                                 added_by=by.person) for s in staged]
        MeetingDocument.objects.bulk_create(rows)
        events.record(verb="meeting.document_added", actor=by, agency=meeting.agency_id, target=meeting, data={
            "linked": f"{kind}:{document_id}" if linked is not None else None,
            "stored_files": [s.stored.pk for s in staged], "agenda_item": agenda_item.pk if agenda_item else None})
    return rows


# --- The meeting held: attendance and minutes --------------------------------------------------

def expected_people(meeting: Meeting) -> list[Person]:
    """Whose attendance is recorded: the chair, the people invited (or their substitutes), the
    heads of the invited units (or the substitutes they sent), the secretary."""
    ids: list[int] = [meeting.chair_id]
    rows = list(Invitee.objects.filter(meeting=meeting).values_list("person_id", "unit_id", "substitute_id", "answer"))
    heads = unit_heads([u for _p, u, _s, _a in rows if u])
    for person_id, unit_id, substitute_id, given in rows:
        if given == Invitee.Answer.DELEGATED and substitute_id:
            ids.append(substitute_id)
        elif person_id:
            ids.append(person_id)
        elif unit_id:
            ids.extend(heads.get(unit_id, [])[:1])
    if meeting.secretary_id:
        ids.append(meeting.secretary_id)
    order = {pk: n for n, pk in enumerate(dict.fromkeys(ids))}
    return sorted(Person.objects.filter(pk__in=list(order)), key=lambda p: order[p.pk])


def record_attendance(*, by: Actor, meeting: Meeting, statuses: dict[int, str],
                      notes: dict[int, str] | None = None) -> list[Attendance]:
    """The secretary records who came (present, absent, absent with leave) once the meeting has
    started; the meeting is then held."""
    if not rules.may_record(_effective(by), meeting):
        raise NotAllowed()
    meeting = Meeting.objects.get(pk=meeting.pk)  # as it is now, not as the caller read it
    if meeting.status not in (Meeting.Status.INVITED, Meeting.Status.HELD):
        raise ValidationError(_("Attendance is recorded for a meeting the invitations of which were sent."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Attendance is recorded once the meeting has started."))
    expected = {p.pk for p in expected_people(meeting)}
    if not statuses or any(s not in Attendance.Status.values for s in statuses.values()):
        raise ValidationError({"attendance": [_("Say for each person whether he was present.")]})
    if set(statuses) - expected:
        raise ValidationError({"attendance": [_("Only the people expected at the meeting are recorded.")]})
    notes = notes or {}
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.status not in (Meeting.Status.INVITED, Meeting.Status.HELD):
            raise ValidationError(_("Attendance is recorded for a meeting the invitations of which were sent."))
        rows = []
        for person_id, status in statuses.items():
            row, _created = Attendance.objects.update_or_create(
                meeting=meeting, person_id=person_id,
                defaults={"status": status, "note": clean(notes.get(person_id, "") or "")[:300],
                          "recorded_by": _author(by), "recorded_at": timezone.now()})
            rows.append(row)
        if meeting.status == Meeting.Status.INVITED:
            meeting.status = Meeting.Status.HELD
            meeting.save(update_fields=["status"])
        events.record(verb="meeting.attendance_recorded", actor=by, agency=meeting.agency_id, target=meeting,
                      data={"attendance": {str(k): v for k, v in statuses.items()}})
    return rows


def _held(meeting: Meeting) -> None:
    if meeting.status not in (Meeting.Status.HELD, Meeting.Status.CLOSED):
        raise ValidationError(_("Record the attendance first: the minutes are of a meeting held."))


def save_minutes(*, by: Actor, meeting: Meeting, body: str, submit: bool = False) -> Minutes:
    """The secretary drafts the minutes (and, with `submit`, sends them to the chair)."""
    if not rules.may_record(_effective(by), meeting):
        raise NotAllowed()
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write the minutes.")]})
    with transaction.atomic():
        meeting = _locked(meeting)
        _held(meeting)
        minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
        if minutes is not None and minutes.status != Minutes.Status.DRAFT:
            raise ValidationError(_("The minutes are with the chair or approved: they can no longer be changed."))
        if minutes is None:
            minutes = Minutes(meeting=meeting, drafted_by=_author(by))
        minutes.body, minutes.updated_at = body, timezone.now()
        if submit:
            minutes.status, minutes.submitted_at = Minutes.Status.SUBMITTED, timezone.now()
        minutes.save()
        events.record(verb="meeting.minutes_submitted" if submit else "meeting.minutes_saved", actor=by,
                      agency=meeting.agency_id, target=meeting, data={"minutes": minutes.pk, "chair": meeting.chair_id})
    return minutes


def decide_minutes(*, by: Actor, meeting: Meeting, approve: bool, note: str = "") -> Minutes:
    """The chair approves the submitted minutes (they are frozen, the meeting closed) or returns
    them to the secretary with a note."""
    if not rules.may_direct(_effective(by), meeting):
        raise NotAllowed()
    note = clean(note or "")[:500]
    if not approve and not note:
        raise ValidationError({"note": [_("Say what to correct in the minutes.")]})
    with transaction.atomic():
        meeting = _locked(meeting)
        minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
        if minutes is None or minutes.status != Minutes.Status.SUBMITTED:
            raise ValidationError(_("No minutes are waiting for approval."))
        if approve:
            minutes.status, minutes.approved_by, minutes.approved_at = (Minutes.Status.APPROVED, by.person,
                                                                        timezone.now())
            minutes.return_note = ""
            meeting.status = Meeting.Status.CLOSED
            meeting.save(update_fields=["status"])
        else:
            minutes.status, minutes.return_note = Minutes.Status.DRAFT, note
        minutes.save()
        events.record(verb="meeting.minutes_approved" if approve else "meeting.minutes_returned", actor=by,
                      agency=meeting.agency_id, target=meeting,
                      data={"minutes": minutes.pk, "note": note, "secretary": minutes.drafted_by_id})
    return minutes


# --- Conclusions and their tasks ---------------------------------------------------------------

def add_conclusion(*, by: Actor, meeting: Meeting, text: str, owner_person: Person | None = None,
                   owner_unit: Unit | None = None, deadline: date | None = None,
                   working_days: int | None = None) -> Conclusion:
    """One of the chair's conclusions, with who carries it out and by when (a date, or a number of
    working days from today). A conclusion with an owner needs a deadline; one without is a
    general direction, published but not a task."""
    if not rules.may_conclude(_effective(by), meeting):
        raise NotAllowed()
    text = clean(text or "")
    if not text:
        raise ValidationError({"text": [_("Write the conclusion.")]})
    if owner_person is not None and owner_unit is not None:
        raise ValidationError({"owner": [_("Choose one owner: a person or a unit.")]})
    if owner_person is not None and not _member(owner_person, meeting.agency):
        raise ValidationError({"owner": [_("The owner must be of this agency.")]})
    if owner_unit is not None and (owner_unit.agency_id != meeting.agency_id or owner_unit.deleted_at):
        raise ValidationError({"owner": [_("The owner must be of this agency.")]})
    if working_days is not None:
        if working_days < 0:
            raise ValidationError({"deadline": [_("The deadline cannot be before today.")]})
        deadline = add_working_days(timezone.localdate(), working_days, meeting.agency_id)
    if deadline is not None and deadline < timezone.localdate():
        raise ValidationError({"deadline": [_("The deadline cannot be before today.")]})
    if (owner_person or owner_unit) and deadline is None:
        raise ValidationError({"deadline": [_("Give the deadline of a conclusion with an owner.")]})
    with transaction.atomic():
        meeting = _locked(meeting)
        _held(meeting)
        if meeting.conclusions_published:
            raise ValidationError(_("The conclusions are published: they can no longer be changed."))
        order = Conclusion.objects.filter(meeting=meeting).count() + 1
        row = Conclusion.objects.create(meeting=meeting, order=order, text=text, owner_person=owner_person,
                                        owner_unit=owner_unit, deadline=deadline, created_by=_author(by))
        events.record(verb="meeting.conclusion_added", actor=by, agency=meeting.agency_id, target=meeting, data={
            "conclusion": row.pk, "owner_person": owner_person.pk if owner_person else None,
            "owner_unit": owner_unit.pk if owner_unit else None,
            "deadline": deadline.isoformat() if deadline else None})
    return row


def remove_conclusion(*, by: Actor, meeting: Meeting, conclusion: Conclusion) -> None:
    """Take back a conclusion written by mistake, while the conclusions are not published (once
    published they are the notice's and tasks may come from them)."""
    if not rules.may_conclude(_effective(by), meeting) or conclusion.meeting_id != meeting.pk:
        raise NotAllowed()
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.conclusions_published:
            raise ValidationError(_("The conclusions are published: they can no longer be changed."))
        conclusion.delete()
        _renumber(Conclusion.objects.filter(meeting=meeting))
        events.record(verb="meeting.conclusion_removed", actor=by, agency=meeting.agency_id, target=meeting,
                      data={"conclusion": conclusion.pk, "text": conclusion.text[:300]})


def publish_conclusions(*, by: Actor, meeting: Meeting) -> Meeting:
    """The chair publishes the conclusions notice (thông báo kết luận, 001 Đ11.1.a): every invitee
    sees it and is told."""
    if not rules.may_direct(_effective(by), meeting):
        raise NotAllowed()
    with transaction.atomic():
        meeting = _locked(meeting)
        _held(meeting)
        if meeting.conclusions_published:
            raise ValidationError(_("The conclusions are already published."))
        if not Conclusion.objects.filter(meeting=meeting).exists():
            raise ValidationError(_("Add the conclusions first."))
        meeting.conclusions_published_at, meeting.conclusions_published_by = timezone.now(), by.person
        meeting.save(update_fields=["conclusions_published_at", "conclusions_published_by"])
        events.record(verb="meeting.conclusions_published", actor=by, agency=meeting.agency_id, target=meeting,
                      data={**concerned(meeting), "conclusions": list(
                          Conclusion.objects.filter(meeting=meeting).values_list("pk", flat=True))})
    return meeting


def make_tasks(*, by: Actor, meeting: Meeting) -> list[Task]:
    """Turn the published conclusions into tasks in one step (qlvb.tasks.services.create_from,
    source "meeting", reference the conclusion's id): each conclusion with an owner and a deadline
    that has no task yet. All or nothing; a second run makes none twice."""
    person = _effective(by)
    if not rules.may_direct(person, meeting):
        raise NotAllowed()
    made: list[Task] = []
    with transaction.atomic():
        meeting = _locked(meeting)
        if not meeting.conclusions_published:
            raise ValidationError(_("Publish the conclusions first."))
        conclusions = [c for c in Conclusion.objects.filter(meeting=meeting).select_related(
            "owner_person", "owner_unit") if c.makes_task]
        existing = task_selectors.from_sources(meeting.agency_id, Task.Source.MEETING,
                                               [str(c.pk) for c in conclusions])
        waiting = [c for c in conclusions if not existing.get(str(c.pk))]
        if not waiting:
            raise ValidationError(_("Every conclusion with an owner already has its task."))
        for conclusion in waiting:
            if conclusion.deadline is not None and conclusion.deadline < timezone.localdate():
                raise ValidationError(_("The deadline of conclusion %(n)s has passed: it cannot become a task.")
                                      % {"n": conclusion.order})
            try:
                made.append(tasks.create_from(
                    by=by, agency=meeting.agency, source=Task.Source.MEETING, source_ref=str(conclusion.pk),
                    title=conclusion.text[:500], owner=tasks.Owner(person=conclusion.owner_person,
                                                                   unit=conclusion.owner_unit),
                    deadline=conclusion.deadline,
                    description=_("Conclusion of the meeting “%(title)s” of %(day)s.") % {
                        "title": meeting.title[:200],
                        "day": timezone.localtime(meeting.starts_at).strftime("%d/%m/%Y")}))
            except NotAllowed:
                raise ValidationError(_("You may not assign a task to the owner of conclusion %(n)s.")
                                      % {"n": conclusion.order}) from None
        events.record(verb="meeting.tasks_made", actor=by, agency=meeting.agency_id, target=meeting,
                      data={"tasks": [t.pk for t in made], "conclusions": [c.pk for c in waiting]})
    return made


# --- Hand-over (core.handover) ------------------------------------------------------------------

OPEN_STATUSES = (Meeting.Status.DRAFT, Meeting.Status.INVITED, Meeting.Status.HELD)
TO_COME_STATUSES = (Meeting.Status.DRAFT, Meeting.Status.INVITED)


def open_roles(person: Person, agency_id: int) -> QuerySet[Meeting]:
    """The agency's meetings in which the person still has a part: chair or secretary of one not
    closed (the minutes wait for them), invited by name, sent as a substitute or presenting an
    agenda item at one to come."""
    to_come = Q(status__in=TO_COME_STATUSES, ends_at__gte=timezone.now())
    return Meeting.objects.filter(agency_id=agency_id).filter(
        Q(status__in=OPEN_STATUSES) & (Q(chair=person) | Q(secretary=person))
        | to_come & (Q(invitees__person=person) | Q(invitees__substitute=person) | Q(agenda__presenter=person)))


def open_role_ids(person: Person, agency_id: int) -> list[int]:
    return sorted(set(open_roles(person, agency_id).values_list("pk", flat=True)))


def hand_over(*, by: Actor, person: Person, successor: Person, agency_id: int, note: str = "") -> int:
    """Give the successor the person's parts in the agency's open meetings (the caller checks who
    may and holds the transaction): chair, secretary, and at a meeting to come his invitation (left
    out where the successor is invited already), his place as substitute and his agenda items. An
    invited meeting's schedule entry follows; each meeting records `meeting.handed_over`."""
    with transaction.atomic():
        ids = open_role_ids(person, agency_id)
        if not ids:
            return 0
        now = timezone.now()
        data = {"from": person.pk, "from_name": str(person), "to": successor.pk, "to_name": str(successor),
                "note": note[:500]}
        for meeting in Meeting.objects.filter(pk__in=ids).select_for_update().order_by("pk"):
            roles: list[str] = []
            if meeting.status in OPEN_STATUSES and meeting.chair_id == person.pk:
                meeting.chair, roles = successor, [*roles, "chair"]
            if meeting.status in OPEN_STATUSES and meeting.secretary_id == person.pk:
                meeting.secretary, roles = successor, [*roles, "secretary"]
            if meeting.status in TO_COME_STATUSES and meeting.ends_at >= now:
                invited = Invitee.objects.filter(meeting=meeting)
                if invited.filter(person=person).exists():
                    if invited.filter(person=successor).exists():
                        invited.filter(person=person).delete()
                    else:
                        # His own answer is not the successor's: asked again (a substitute he sent
                        # still goes).
                        invited.filter(person=person).exclude(answer=Invitee.Answer.DELEGATED).update(
                            answer=Invitee.Answer.PENDING, note="", answered_by=None, answered_at=None)
                        invited.filter(person=person).update(person=successor)
                    roles.append("invitee")
                if invited.filter(substitute=person).update(substitute=successor):
                    roles.append("substitute")
                if AgendaItem.objects.filter(meeting=meeting, presenter=person).update(presenter=successor):
                    roles.append("presenter")
            meeting.save(update_fields=["chair", "secretary"])
            if meeting.status == Meeting.Status.INVITED and meeting.schedule_entry_id:
                _sync_schedule(by, meeting)
            events.record(verb="meeting.handed_over", actor=by, agency=meeting.agency_id, target=meeting,
                          data={**data, "roles": roles})
    return len(ids)
