"""Writes of the schedules. Each records its event in the same transaction as its change.

A published schedule (an agency week or a reception month whose period is published) is never
rewritten silently: an entry added, changed or cancelled in it gets `adjusted_at` (the visible
"đã điều chỉnh" mark) and the event `schedules.entry_adjusted` naming what changed, before and
after, and who is concerned; a cancelled entry stays, struck through.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.text import clean
from qlvb.files.services import prepare_uploads, staged_uploads
from qlvb.org import permissions
from qlvb.org.models import Agency, Person, Unit
from qlvb.schedules import selectors
from qlvb.schedules.models import (
    PUBLISHED_SCOPES,
    Attendee,
    Entry,
    EntryReport,
    FeedToken,
    Period,
    ReportFile,
    Scope,
)

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_LENGTH = selectors.MAX_LENGTH
# What a change compares (and the event names, before and after).
TRACKED = ["title", "place", "starts_at", "ends_at", "chair_id", "chair_text", "guests", "preparing_unit_id",
           "documents", "notes"]


def _person(by: Actor) -> Person:
    person = by.effective
    if person is None:
        raise NotAllowed()
    return person


def _validate(*, agency: Agency, title: str, starts_at: datetime | None, ends_at: datetime | None,
              people: list[Person], units: list[Unit], chair: Person | None, preparing_unit: Unit | None,
              scope_unit: Unit | None) -> None:
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors.setdefault("title", []).append(_("Say what the entry is about."))
    if starts_at is None:
        errors.setdefault("starts_at", []).append(_("Give the start time."))
    if ends_at is None:
        errors.setdefault("ends_at", []).append(_("Give the end time."))
    for name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if moment is not None and not FIRST_YEAR <= timezone.localtime(moment).year <= LAST_YEAR:
            errors.setdefault(name, []).append(_("Give a date between %(first)s and %(last)s.")
                                               % {"first": FIRST_YEAR, "last": LAST_YEAR})
    if starts_at is not None and ends_at is not None and not errors:
        if ends_at <= starts_at:
            errors.setdefault("ends_at", []).append(_("The entry must end after it starts."))
        elif ends_at - starts_at > MAX_LENGTH:
            errors.setdefault("ends_at", []).append(_("An entry lasts at most %(days)s days.")
                                                    % {"days": MAX_LENGTH.days})
    outsiders = [p.full_name for p in [*people, *([chair] if chair else [])]
                 if agency.pk not in permissions.member_agency_ids(p)]
    if outsiders:
        errors.setdefault("people", []).append(
            _("Not in the agency: %(names)s. Name outside guests in “Outside guests”.")
            % {"names": ", ".join(outsiders)})
    if any(u.agency_id != agency.pk for u in [*units, *([preparing_unit] if preparing_unit else []),
                                              *([scope_unit] if scope_unit else [])]):
        errors.setdefault("units", []).append(_("Only units of the agency can take part or prepare."))
    if errors:
        raise ValidationError(errors)


def _check_may_write(person: Person, agency: Agency, scope: str, unit: Unit | None) -> None:
    if agency.pk not in permissions.member_agency_ids(person):
        raise NotAllowed()
    if scope in PUBLISHED_SCOPES:
        if not selectors.can_draft(person, agency.pk, scope):
            raise NotAllowed()
    elif scope == Scope.UNIT:
        if unit is None or not selectors.can_edit_unit(person, unit):
            raise NotAllowed()
    elif scope != Scope.PERSONAL:
        raise NotAllowed()


def _period_for(agency: Agency, scope: str, starts_at: datetime) -> Period:
    """The week (month) of the entry, created on its first entry, locked for the change."""
    starts, ends = selectors.period_bounds(scope, selectors.local_day(starts_at))
    period, _created = Period.objects.get_or_create(agency=agency, scope=scope, starts=starts,
                                                    defaults={"ends": ends})
    return Period.objects.select_for_update().get(pk=period.pk)


def _snapshot(entry: Entry, attendee_ids: Iterable[int], unit_ids: Iterable[int]) -> dict[str, Any]:
    data = {name: getattr(entry, name) for name in TRACKED}
    data["people"] = sorted(attendee_ids)
    data["units"] = sorted(unit_ids)
    return data


def _concerned(entry: Entry, *snapshots: dict[str, Any]) -> dict[str, list[int]]:
    """Who a change concerns (for the notifications' routes): the people and units in it, before
    and after, its chair and its preparing unit."""
    people: set[int] = set()
    units: set[int] = set()
    for snap in snapshots:
        people |= set(snap.get("people", []))
        units |= set(snap.get("units", []))
        if snap.get("chair_id"):
            people.add(snap["chair_id"])
        if snap.get("preparing_unit_id"):
            units.add(snap["preparing_unit_id"])
    if entry.unit_id:
        units.add(entry.unit_id)
    return {"people": sorted(people), "units": sorted(units)}


@transaction.atomic
def save_entry(*, by: Actor, agency: Agency, scope: str, title: str, starts_at: datetime | None,
               ends_at: datetime | None, entry: Entry | None = None, unit: Unit | None = None, place: str = "",
               chair: Person | None = None, chair_text: str = "", people: Iterable[Person] = (),
               units: Iterable[Unit] = (), guests: str = "", preparing_unit: Unit | None = None,
               documents: str = "", notes: str = "", source_incoming_id: int | None = None,
               told_elsewhere: bool = False) -> Entry:
    """Add an entry to a schedule, or change one (`entry`). Bad input raises ValidationError with
    Vietnamese messages and saves nothing; a schedule the person may not write is NotAllowed.
    `told_elsewhere`: the calling app tells the people itself (a meeting's invitation), so the
    event says the notifications need not tell them of the entry too."""
    person = _person(by)
    people, units = list(dict.fromkeys(people)), list(dict.fromkeys(units))
    if entry is not None:
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if not selectors.can_edit(person, entry):
            raise NotAllowed()
        agency, scope, unit = entry.agency, entry.scope, entry.unit
    _check_may_write(person, agency, scope, unit)
    if scope == Scope.PERSONAL and person not in people:
        people.insert(0, person)  # one's own entry is in one's own schedule
    if chair is not None and chair not in people:
        people.insert(0, chair)  # the chair takes part: in his own schedule, and his double bookings seen
    _validate(agency=agency, title=title, starts_at=starts_at, ends_at=ends_at, people=people, units=units,
              chair=chair, preparing_unit=preparing_unit, scope_unit=unit)
    assert starts_at is not None and ends_at is not None  # _validate said so
    before = (_snapshot(entry, entry.attendees.values_list("person_id", flat=True),
                        entry.units.values_list("pk", flat=True)) if entry is not None else None)
    old_period = entry.period if entry is not None else None
    period = _period_for(agency, scope, starts_at) if scope in PUBLISHED_SCOPES else None
    is_new = entry is None
    if entry is None:
        entry = Entry(agency=agency, scope=scope, unit=unit if scope == Scope.UNIT else None, created_by=person,
                      source_incoming_id=source_incoming_id)
    entry.period = period
    for name, value in (("title", title.strip()), ("place", place.strip()), ("starts_at", starts_at),
                        ("ends_at", ends_at), ("chair", chair), ("chair_text", chair_text.strip()),
                        ("guests", guests.strip()), ("preparing_unit", preparing_unit),
                        ("documents", documents.strip()), ("notes", notes.strip())):
        setattr(entry, name, value)
    after = _snapshot(entry, [p.pk for p in people], [u.pk for u in units])
    changed = {} if before is None else {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not is_new and not changed:
        return entry
    published = any(p is not None and p.is_published for p in (period, old_period))
    if published:
        entry.adjusted_at = timezone.now()
    if not is_new:
        entry.sequence += 1
    entry.save()
    if is_new or "people" in changed:
        Attendee.objects.filter(entry=entry).exclude(person__in=people).delete()
        have = set(Attendee.objects.filter(entry=entry).values_list("person_id", flat=True))
        Attendee.objects.bulk_create([Attendee(entry=entry, person=p, starts_at=starts_at, ends_at=ends_at)
                                      for p in people if p.pk not in have])
    if not is_new and ("starts_at" in changed or "ends_at" in changed):
        Attendee.objects.filter(entry=entry).update(starts_at=starts_at, ends_at=ends_at)
    if is_new or "units" in changed:
        entry.units.set(units)
    verb = ("schedules.entry_adjusted" if published else
            "schedules.entry_created" if is_new else "schedules.entry_updated")
    data: dict[str, Any] = {"scope": scope, "starts_at": starts_at, "ends_at": ends_at,
                            "period_id": period.pk if period else None,
                            **_concerned(entry, after, *([before] if before else []))}
    if published:
        data["change"] = "added" if is_new else "changed"
    if changed:
        data["changed"] = changed
    if source_incoming_id and is_new:
        data["source_incoming_id"] = source_incoming_id
    if told_elsewhere:
        data["told_elsewhere"] = True
    events.record(verb=verb, actor=by, agency=agency, target=entry, data=data)
    return entry


@transaction.atomic
def remove_entry(*, by: Actor, entry: Entry, reason: str = "", told_elsewhere: bool = False) -> Entry | None:
    """Take an entry out of its schedule. In a published week (month) it is cancelled, kept and
    marked (never deleted: the published schedule keeps its history); elsewhere it is deleted.
    Returns the cancelled entry, or None when it was deleted."""
    person = _person(by)
    entry = Entry.objects.select_for_update(of=("self",)).select_related("period").get(pk=entry.pk)
    if not selectors.can_edit(person, entry):
        raise NotAllowed()
    snap = _snapshot(entry, entry.attendees.values_list("person_id", flat=True),
                     entry.units.values_list("pk", flat=True))
    data: dict[str, Any] = {"scope": entry.scope, "title": entry.title, "starts_at": entry.starts_at,
                            "ends_at": entry.ends_at, "reason": reason.strip()[:300], **_concerned(entry, snap)}
    if told_elsewhere:
        data["told_elsewhere"] = True
    if entry.period is not None and entry.period.is_published:
        if not reason.strip():
            raise ValidationError({"reason": [_("Say why the published entry is cancelled.")]})
        entry.cancelled_at = entry.adjusted_at = timezone.now()
        entry.sequence += 1
        entry.notes = (entry.notes + " " if entry.notes else "")[:200] + _("Cancelled: %(reason)s") % {
            "reason": reason.strip()[:250]}
        entry.save(update_fields=["cancelled_at", "adjusted_at", "sequence", "notes", "updated_at"])
        events.record(verb="schedules.entry_cancelled", actor=by, agency=entry.agency_id, target=entry,
                      data={**data, "change": "cancelled", "period_id": entry.period_id})
        return entry
    events.record(verb="schedules.entry_deleted", actor=by, agency=entry.agency_id, target=entry, data=data)
    entry.delete()
    return None


@transaction.atomic
def submit_period(*, by: Actor, period: Period) -> Period:
    """The office sends the week's draft to the agency head for approval."""
    person = _person(by)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if not selectors.can_draft(person, period.agency_id, period.scope):
        raise NotAllowed()
    if period.status != Period.Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."))
    if not period.entries.exists():
        raise ValidationError(_("The schedule has no entry yet."))
    period.status, period.submitted_by, period.submitted_at = Period.Status.SUBMITTED, person, timezone.now()
    period.save(update_fields=["status", "submitted_by", "submitted_at"])
    events.record(verb="schedules.period_submitted", actor=by, agency=period.agency_id, target=period,
                  data={"scope": period.scope, "starts": period.starts, "ends": period.ends})
    return period


@transaction.atomic
def publish_period(*, by: Actor, period: Period) -> Period:
    """The agency head approves the week (month) and publishes it to the whole agency."""
    person = _person(by)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if not selectors.can_publish(person, period.agency_id):
        raise NotAllowed()
    if period.is_published:
        raise ValidationError(_("This schedule is already published."))
    if not period.entries.exists():
        raise ValidationError(_("The schedule has no entry yet."))
    period.status, period.published_by, period.published_at = Period.Status.PUBLISHED, person, timezone.now()
    period.save(update_fields=["status", "published_by", "published_at"])
    events.record(verb="schedules.period_published", actor=by, agency=period.agency_id, target=period,
                  data={"scope": period.scope, "starts": period.starts, "ends": period.ends,
                        "entries": period.entries.count()})
    return period


@transaction.atomic
def return_period(*, by: Actor, period: Period, note: str) -> Period:
    """The agency head sends a submitted draft back to the office with a note."""
    person = _person(by)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if not selectors.can_publish(person, period.agency_id):
        raise NotAllowed()
    if period.status != Period.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted schedule can be returned."))
    if not note.strip():
        raise ValidationError({"note": [_("Say what to change.")]})
    period.status = Period.Status.DRAFT
    period.save(update_fields=["status"])
    events.record(verb="schedules.period_returned", actor=by, agency=period.agency_id, target=period,
                  data={"scope": period.scope, "starts": period.starts, "note": note.strip()[:500],
                        "submitted_by": period.submitted_by_id})
    return period


@transaction.atomic
def propose_entry(*, by: Actor, entry: Entry) -> Entry:
    """Put a personal or unit entry forward for the leaders' week (đăng ký lịch tuần): the office
    sees it beside the week's draft and takes it in with one click (adopt_proposal)."""
    person = _person(by)
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if not selectors.can_edit(person, entry):
        raise NotAllowed()
    if entry.scope not in (Scope.PERSONAL, Scope.UNIT):
        raise ValidationError(_("Only a personal or unit entry is put forward for the agency's schedule."))
    if entry.is_cancelled:
        raise ValidationError(_("A cancelled entry cannot be put forward."))
    if entry.proposed_at is not None:
        raise ValidationError(_("This entry is already put forward for the agency's schedule."))
    entry.proposed_at = timezone.now()
    entry.save(update_fields=["proposed_at", "updated_at"])
    events.record(verb="schedules.entry_proposed", actor=by, agency=entry.agency_id, target=entry,
                  data={"scope": entry.scope, "starts_at": entry.starts_at, "title": entry.title})
    return entry


@transaction.atomic
def adopt_proposal(*, by: Actor, entry: Entry) -> Entry:
    """The office takes a proposed entry into the leaders' week: a new agency entry with the same
    content, time, chair, people and units (the proposal stays in its own schedule). Once only."""
    person = _person(by)
    proposal = Entry.objects.select_for_update().get(pk=entry.pk)
    if not selectors.can_draft(person, proposal.agency_id, Scope.AGENCY):
        raise NotAllowed()
    if proposal.proposed_at is None:
        raise NotAllowed()  # not put forward: the office may not even see it
    if proposal.is_cancelled:
        raise ValidationError(_("A cancelled entry cannot be put forward."))
    if Entry.objects.filter(source_entry=proposal).exists():
        raise ValidationError(_("This entry is already in the agency's schedule."))
    adopted = save_entry(
        by=by, agency=proposal.agency, scope=Scope.AGENCY, title=proposal.title, starts_at=proposal.starts_at,
        ends_at=proposal.ends_at, place=proposal.place, chair=proposal.chair, chair_text=proposal.chair_text,
        people=[a.person for a in proposal.attendees.select_related("person")], units=list(proposal.units.all()),
        guests=proposal.guests, preparing_unit=proposal.preparing_unit or proposal.unit,
        documents=proposal.documents, notes=proposal.notes)
    Entry.objects.filter(pk=adopted.pk).update(source_entry=proposal)
    adopted.source_entry = proposal
    return adopted


def entry_from_invitation(*, by: Actor, incoming_id: int, starts_at: datetime | None, ends_at: datetime | None,
                          place: str = "", title: str = "", scope: str = Scope.PERSONAL,
                          people: Iterable[Person] | None = None) -> Entry:
    """An invitation letter (giấy mời) registered as an incoming document becomes, in one step, an
    entry in the schedule of the people sent to it (001 Đ16): by default the people it was routed
    to and the heads of the units it was routed to (to handle or coordinate; not those told for
    information); the units routed to take part. Read through
    incoming.selectors (the person must be able to open the document; else NotAllowed, a 404)."""
    from django.http import Http404

    from qlvb.incoming import selectors as incoming

    person = _person(by)
    try:
        document = incoming.get_document(person, incoming_id)
    except Http404:
        raise NotAllowed() from None
    if document.doc_type != "GM":
        raise ValidationError(_("Only an invitation letter (giấy mời) becomes a schedule entry this way."))
    if Entry.objects.filter(source_incoming_id=document.pk, agency_id=document.agency_id).exists():
        raise ValidationError(_("This invitation is already in the schedule."))
    sent_people: list[Person] = []
    sent_units: list[Unit] = []
    stack = list(incoming.routing_tree(document))
    while stack:
        node = stack.pop(0)
        stack.extend(node.children)
        assignment = node.assignment
        # Those told "for information" (nhận để biết) — often the office, to arrange the
        # schedule — are not sent to the meeting.
        if assignment.state == "withdrawn" or assignment.role == "info":
            continue
        if assignment.assignee_person is not None:
            sent_people.append(assignment.assignee_person)
        if assignment.assignee_unit is not None:
            sent_units.append(assignment.assignee_unit)
    if people is None:
        from qlvb.org.roles import HEAD_KINDS
        from qlvb.org.selectors import people_posted

        chosen = list(sent_people)
        if sent_units:
            head_ids = people_posted(HEAD_KINDS, unit_ids=[u.pk for u in sent_units])
            chosen += list(Person.objects.filter(pk__in=head_ids))
    else:
        chosen = list(people)
    if not chosen and scope == Scope.PERSONAL:
        raise ValidationError(_("The invitation has not been routed to anyone yet: route it first, "
                                "or name the people who go."))
    issuer = document.issuer_name
    return save_entry(
        by=by, agency=document.agency, scope=scope, title=title.strip() or document.summary,
        starts_at=starts_at, ends_at=ends_at, place=place, chair_text=issuer[:200], people=chosen,
        units=sent_units, documents=f"{document.number}/{document.notation}".strip("/") or "",
        notes=_("From the invitation letter registered as incoming no. %(number)s") % {
            "number": document.arrival_number or "—"},
        source_incoming_id=document.pk)


# --- Reports back after an invitation (001 Đ16) -----------------------------------------------------


def file_report(*, by: Actor, entry: Entry, text: str, uploads: Sequence[Any] = ()) -> EntryReport:
    """The report back of someone sent to a meeting by an invitation letter (001 Đ16: "báo cáo lại
    sau khi dự họp"): an attendee of the entry, once the meeting has started (acting for an
    attendee under a delegation counts as the attendee). Its files are stored by qlvb.files; the
    event names who reads it (the leaders who routed the invitation and who made the entry)."""
    person = _person(by)
    entry = Entry.objects.select_related("source_incoming").prefetch_related("attendees").get(pk=entry.pk)
    if not selectors.may_see(person, entry) or not any(a.person_id == person.pk for a in entry.attendees.all()):
        raise NotAllowed()
    if entry.source_incoming_id is None:
        raise ValidationError(_("Only the entry of an invitation letter takes a report back."))
    if entry.is_cancelled:
        raise ValidationError(_("The entry is cancelled."))
    if entry.starts_at > timezone.now():
        raise ValidationError(_("The meeting has not started yet: report once you have attended it."))
    text = clean(text or "")
    if not text:
        raise ValidationError({"text": _("Say what the meeting concluded and what falls to the agency.")})
    prepared = prepare_uploads(uploads, combine_images=False, field="files")
    with transaction.atomic(), staged_uploads(prepared, savepoint=False) as staged:
        report = EntryReport.objects.create(entry=entry, person=person, text=text,
                                            filed_by=by.person if by.person != person else None)
        ReportFile.objects.bulk_create([ReportFile(report=report, stored=s.stored, name=s.name,
                                                   added_by=by.person) for s in staged])
        events.record(verb="schedules.entry_reported", actor=by, agency=entry.agency_id, target=entry, data={
            "report": report.pk, "person": person.pk, "stored_files": [s.stored.pk for s in staged],
            "source_incoming_id": entry.source_incoming_id, "told": sorted(selectors.report_readers(entry))})
    return report


# --- Feeds ----------------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def reset_feed_token(*, by: Actor, feed: str, unit: Unit | None = None) -> str:
    """A new private address for one of the person's calendar feeds; the former one stops working
    at once. Returns the token (shown once: only its hash is kept)."""
    person = by.person
    if person is None or feed not in FeedToken.Feed.values:
        raise NotAllowed()
    if feed == FeedToken.Feed.UNIT:
        if unit is None or unit.pk not in selectors.roles_of(person).unit_ids:
            raise NotAllowed()
    else:
        unit = None
    if feed == FeedToken.Feed.AGENCY and person.agency_id is None:
        raise NotAllowed()
    FeedToken.objects.filter(person=person, feed=feed, unit=unit).delete()
    token = secrets.token_urlsafe(32)
    FeedToken.objects.create(person=person, feed=feed, unit=unit, token_hash=hash_token(token))
    events.record(verb="schedules.feed_token_reset", actor=by, agency=person.agency_id, target=person,
                  data={"feed": feed, "unit": unit.pk if unit else None})
    return token


def find_feed_token(token: str) -> FeedToken | None:
    if not token or len(token) > 100:
        return None
    return FeedToken.objects.select_related("person", "unit").filter(token_hash=hash_token(token)).first()


# --- Hand-over (000 Đ4.1.d; core.handover) ----------------------------------------------------

def open_entries(person: Person, agency_id: int) -> Any:
    """The agency's entries still to come, not cancelled, that the person chairs or attends."""
    return (Entry.objects.filter(agency_id=agency_id, starts_at__gte=timezone.now(), cancelled_at__isnull=True)
            .filter(Q(chair=person) | Q(attendees__person=person)).distinct())


def hand_over(*, by: Actor, person: Person, successor: Person, agency_id: int, note: str = "") -> int:
    """The successor takes the person's place in the entries to come: as their chair, and as an
    attendee (dropped where the successor already attends); each entry records
    `schedules.entry_handed_over`. The caller checks who may and holds the transaction."""
    with transaction.atomic():
        ids = sorted(set(open_entries(person, agency_id).values_list("pk", flat=True)))
        if not ids:
            return 0
        list(Entry.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
        Entry.objects.filter(pk__in=ids, chair=person).update(chair=successor)
        already = set(Attendee.objects.filter(entry_id__in=ids, person=successor).values_list("entry_id", flat=True))
        Attendee.objects.filter(entry_id__in=sorted(already), person=person).delete()
        Attendee.objects.filter(entry_id__in=ids, person=person).update(person=successor)
        data = {"from": person.pk, "from_name": str(person), "to": successor.pk, "to_name": str(successor),
                "note": note[:500]}
        for entry in Entry.objects.filter(pk__in=ids).order_by("pk"):
            events.record(verb="schedules.entry_handed_over", actor=by, agency=entry.agency_id, target=entry,
                          data=data)
    return len(ids)
