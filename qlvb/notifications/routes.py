"""Which events notify whom: subscribers of the event log (core.events), run after the change
commits (a notification must never undo or slow the change it tells about; a failure is logged).

| event | who is told | kind |
| --- | --- | --- |
| incoming.registered | the leader it is presented to | presented |
| incoming.routed | each assignee person; for a unit, its heads and deputies | assigned / informed |
| outgoing.submitted (again after a return), .approved, .format_checked | the reviewers now waiting | review / sign |
| outgoing.back_to_signer | the signer | sign |
| outgoing.signed | the agency's clerks | issue |
| outgoing.signature_requested | the holder of the key asked (signer; the clerk for the agency's token) | sign |
| outgoing.returned | the person it is returned to | returned |
| exchange.arrived | the receiving agency's clerks | reception |
| outgoing.approved, .format_checked, .disagreement (with an opinion) | the drafter | comment |
| outgoing.issued | the persons it is issued to, and everyone posted in a unit it is issued to | issued |
| incoming.cancelled (recalled by its sender) | the leader it was presented to and its assignees | recalled |
| exchange.status_received "02" (refused) | the drafter and the agency's clerks | refused |
| delegation.requested, .approved, .rejected, .revoked | approvers, both, delegator, delegate | delegation |
| task.assigned, .received | the owner (an owner unit: its heads); the coordinators | assigned; task |
| task.reported, .extension_requested, .completed | the assigner (a sub-task's report: the parent's owner too) | task |
| task.extension_approved, _rejected, .evaluated | the owner | task |
| schedules.period_submitted | the agency head | schedule_approval |
| schedules.period_returned | who submitted it | schedule |
| schedules.entry_adjusted, _cancelled, _updated, _created | the people in the entry, its units' heads | schedule |
| meeting.invited, .updated, .cancelled (once invited) | invitees (units: heads), substitutes, chair | meeting |
| meeting.answered | who prepared the meeting and its secretary | meeting |
| meeting.minutes_submitted / .minutes_returned | the chair / the secretary | meeting |
| meeting.conclusions_published | the invitees, substitutes, chair and secretary | meeting |
| programme.submitted | the approver (the leader in charge) | task |
| programme.approved, .returned | who submitted it and who created it | task |
| programme.adjusted | the heads of the item's responsible units, the approver | task |
| report.sent | the report's recipients (the director; the leaders in charge of the unit's fields) | informed |
| schedules.entry_reported | the leaders who routed the invitation, who made the entry | schedule |
| message.sent | the people the internal message was delivered to | message |
| notice.published | the notice's addressees (the agency, units, positions, people), resolved now | notice |
| leave.requested, leave.cancelled | the request's approver | leave |
| leave.approved, leave.refused | the person who asked | leave |
| leave.informed | the agency's leaders and the heads of its office (the director's own leave) | leave |
| overtime.declared | the heads of the agency's office (Chánh Văn phòng) | leave |
| leave.cover_named, .cover_started (tasks given) | the colleague named to hold the person's tasks | leave |
| leave.cover_ended (tasks given back) | the person and the colleague | leave |
| chat.message_posted (with @mentions) | the people mentioned who may enter the room | chat |
| statistics.report_sent | the subscriber the scheduled report was made for | stat_report |
| itstaff.incident_reported | the Department's leaders and office (seed 004 Đ7.2: told at once) | informed |
| itstaff.report_reminder | the late agency's leaders and office | due_soon / overdue |
| itstaff.report_submitted, _resubmitted | the Department's leaders and office | informed |
| itstaff.report_returned | the agency's leaders and office | returned |
| handover.done | the successors named in a hand-over of work | assigned |

Nobody is told of their own act, and nobody is told of a document they may not open (the
document kind's rule, core.kinds). A secret document is named by its number alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from qlvb.core import events, kinds
from qlvb.core.doctypes import Urgency
from qlvb.core.models import Event
from qlvb.notifications import audience, services
from qlvb.notifications.models import Notification
from qlvb.org import roles
from qlvb.org.models import Person, Position
from qlvb.org.roles import HEAD_KINDS

Kind = Notification.Kind
URGENT = {Urgency.HOA_TOC, Urgency.THUONG_KHAN}
ALL_POSTS = frozenset(Position.Kind.values)


def _document_params(document: Any) -> dict[str, Any]:
    """What a notification may say of a document: its number, and its summary unless secret."""
    params: dict[str, Any] = {"reference": getattr(document, "reference", "") or ""}
    if getattr(document, "secrecy", ""):
        params["secret"] = True
    else:
        params["summary"] = (getattr(document, "summary", "") or getattr(document, "title", "") or "")[:200]
    return params


def _tell(event: Event, kind_name: str, document_id: int, people: Iterable[int], what: str, *,
          key: str = "", extra: dict[str, Any] | None = None) -> int:
    """Notify these people (not the actor, only who may open the document) of `what`."""
    document_kind = kinds.get(kind_name)
    document = document_kind.load(document_id)
    if document is None:
        return 0
    actor_ids = {event.actor_id, event.on_behalf_of_id}
    # One document: its rule's grants answer in Python and only the others ask their access rows,
    # one indexed query each — cheaper here than audience.visible's union, made for many documents.
    recipients = audience.may_open(document_kind, document, set(people) - actor_ids)
    return services.notify(
        recipients, kind=what, params={**_document_params(document), **(extra or {})},
        url=document_kind.url(document_id), urgent=getattr(document, "urgency", "") in URGENT,
        target_type=document_kind.target_type, target_id=str(document_id), key=key or f"event:{event.pk}",
        event_id=event.pk)


def on_registered(event: Event) -> None:
    presented = (event.data or {}).get("presented_to")
    if presented:
        _tell(event, "incoming", int(event.target_id), [presented], Kind.PRESENTED)


def on_routed(event: Event) -> None:
    from qlvb.incoming.selectors import assignees
    from qlvb.org.selectors import people_posted

    ids = [a["id"] for a in (event.data or {}).get("assignments", []) if a.get("id")]
    handle: set[int] = set()
    inform: set[int] = set()
    for role, person_id, unit_id in assignees(ids):
        if person_id:
            people = [person_id]
        elif unit_id:  # a unit: its heads, who pass it down
            people = people_posted(HEAD_KINDS, unit_ids=[unit_id])
        else:
            continue
        (inform if role == "info" else handle).update(people)
    _tell(event, "incoming", int(event.target_id), handle, Kind.ASSIGNED)
    _tell(event, "incoming", int(event.target_id), inform - handle, Kind.INFORMED)


def on_review_step(event: Event) -> None:
    from qlvb.outgoing.selectors import pending_reviewers

    waiting = pending_reviewers(int(event.target_id))
    _tell(event, "outgoing", int(event.target_id), [p for p, step in waiting if step != "signer"], Kind.REVIEW)
    _tell(event, "outgoing", int(event.target_id), [p for p, step in waiting if step == "signer"], Kind.SIGN)


def on_back_to_signer(event: Event) -> None:
    document = kinds.get("outgoing").load(int(event.target_id))
    if document is not None and document.signer_id:
        _tell(event, "outgoing", document.pk, [document.signer_id], Kind.SIGN)


def on_signed(event: Event) -> None:
    from qlvb.org.selectors import people_posted

    _tell(event, "outgoing", int(event.target_id),
          people_posted({Position.Kind.CLERK}, agency_id=event.agency_id), Kind.ISSUE)


def on_signature_requested(event: Event) -> None:
    """Issuing waits for a signature its holder makes himself (a USB token at his computer, a
    confirmation on his phone): tell him, unless he is the one who issued (the clerk's own token)."""
    person = (event.data or {}).get("person")
    if person:
        _tell(event, "outgoing", int(event.target_id), [person], Kind.SIGN)


def on_returned(event: Event) -> None:
    returned_to = (event.data or {}).get("to")
    if returned_to:
        _tell(event, "outgoing", int(event.target_id), [returned_to], Kind.RETURNED)


def on_arrived(event: Event) -> None:
    """A package in an agency's reception queue: its clerks (who alone see the queue)."""
    from qlvb.org.selectors import people_posted

    if not event.agency_id:
        return
    clerks = people_posted({Position.Kind.CLERK}, agency_id=event.agency_id)
    item = getattr(event, "target_object", None)  # the reception item record() was given
    sender = getattr(item, "sender_name", "") or (event.data or {}).get("from", "")
    services.notify(Person.objects.filter(pk__in=clerks, is_active=True), kind=Kind.RECEPTION,
                    params={"sender": str(sender)[:200]},
                    url=reverse("exchange:item", args=[int(event.target_id)]), target_type=event.target_type,
                    target_id=event.target_id, key=f"event:{event.pk}", event_id=event.pk)


def on_opinion(event: Event) -> None:
    """A reviewer's opinion (or disagreement) on a draft reaches its drafter."""
    data = event.data or {}
    if not (data.get("opinion") or data.get("text")):
        return
    document = kinds.get("outgoing").load(int(event.target_id))
    if document is not None:
        _tell(event, "outgoing", document.pk, [document.drafter_id], Kind.COMMENT, key=f"event:{event.pk}:comment")


def on_issued(event: Event) -> None:
    """Issued inside the agency: each person named, and everyone posted in each unit named."""
    from qlvb.org.selectors import people_posted
    from qlvb.outgoing.selectors import internal_recipients

    people, units = internal_recipients(int(event.target_id))
    if units:
        people = set(people) | set(people_posted(ALL_POSTS, unit_ids=sorted(units)))
    _tell(event, "outgoing", int(event.target_id), people, Kind.ISSUED)


def on_recalled(event: Event) -> None:
    """The sender recalled a document: whoever it was presented or routed to stops working on it."""
    from qlvb.incoming.selectors import assignees
    from qlvb.org.selectors import people_posted

    document = kinds.get("incoming").load(int(event.target_id))
    if document is None:
        return
    people = {document.presented_to_id} if document.presented_to_id else set()
    for _role, person_id, unit_id in assignees((event.data or {}).get("withdrawn", []), open_only=False):
        if person_id:
            people.add(person_id)
        elif unit_id:
            people.update(people_posted(HEAD_KINDS, unit_ids=[unit_id]))
    _tell(event, "incoming", document.pk, people, Kind.RECALLED)


def on_status(event: Event) -> None:
    """A recipient refused the document (status 02): its drafter and the agency's clerks."""
    from qlvb.org.selectors import people_posted

    data = event.data or {}
    if data.get("code") != "02":
        return
    document = kinds.get("outgoing").load(int(event.target_id))
    if document is None:
        return
    people = {document.drafter_id, *people_posted({Position.Kind.CLERK}, agency_id=event.agency_id)}
    _tell(event, "outgoing", document.pk, people, Kind.REFUSED,
          extra={"sender": str(data.get("name") or data.get("from") or "")[:200]})


DELEGATION_TOLD = {
    # verb: (who is told, what they are told)
    "delegation.requested": ("approvers", "requested"),
    "delegation.approved": ("both", "approved"),
    "delegation.rejected": ("delegator", "rejected"),
    "delegation.revoked": ("delegate", "revoked"),
}


def on_delegation(event: Event) -> None:
    from qlvb.org.models import Delegation
    from qlvb.org.selectors import people_posted

    whom, what = DELEGATION_TOLD[event.verb]
    delegation = Delegation.objects.select_related("delegator", "delegate").filter(pk=event.target_id).first()
    if delegation is None:
        return
    if whom == "approvers":
        if delegation.status != Delegation.Status.PENDING:
            return  # an agency head's own delegation is approved at once: nobody to ask
        people = set(people_posted({Position.Kind.AGENCY_HEAD, Position.Kind.AGENCY_DEPUTY},
                                   agency_id=delegation.agency_id))
        people.discard(delegation.delegator_id)
    elif whom == "both":
        people = {delegation.delegator_id, delegation.delegate_id}
    elif whom == "delegator":
        people = {delegation.delegator_id}
    else:
        people = {delegation.delegate_id}
    people -= {event.actor_id, event.on_behalf_of_id}
    services.notify(
        Person.objects.filter(pk__in=people, is_active=True), kind=Kind.DELEGATION,
        params={"what": what, "delegator": delegation.delegator.get_full_name() or delegation.delegator.username,
                "delegate": delegation.delegate.get_full_name() or delegation.delegate.username,
                "until": delegation.ends_at.date().isoformat()},
        url=reverse("org:delegation", args=[delegation.pk]), target_type=event.target_type,
        target_id=event.target_id, key=f"event:{event.pk}", event_id=event.pk)


def _week_url(data: dict[str, Any]) -> str:
    from qlvb.schedules.selectors import week_url

    return week_url(data.get("scope") or "agency", date.fromisoformat(str(data["starts"])[:10]))


def on_period_submitted(event: Event) -> None:
    """The office submitted the leaders' week (or the reception month): the agency head approves it."""
    from qlvb.org.selectors import people_posted

    data = event.data or {}
    heads = set(people_posted({Position.Kind.AGENCY_HEAD}, agency_id=event.agency_id))
    services.notify(Person.objects.filter(pk__in=heads - {event.actor_id, event.on_behalf_of_id}, is_active=True),
                    kind=Kind.SCHEDULE_APPROVAL, params={"what": "submitted", "scope": data.get("scope", ""),
                                                         "day": str(data.get("starts", ""))[:10]},
                    url=_week_url(data), target_type=event.target_type,
                    target_id=event.target_id, key=f"event:{event.pk}", event_id=event.pk)


def on_period_returned(event: Event) -> None:
    data = event.data or {}
    if data.get("submitted_by"):
        services.notify(Person.objects.filter(pk=data["submitted_by"], is_active=True).exclude(pk=event.actor_id or 0),
                        kind=Kind.SCHEDULE, params={"what": "returned", "scope": data.get("scope", ""),
                                                    "day": str(data.get("starts", ""))[:10]},
                        url=_week_url(data),
                        target_type=event.target_type, target_id=event.target_id, key=f"event:{event.pk}",
                        event_id=event.pk)


def on_entry_changed(event: Event) -> None:
    """A published entry adjusted or cancelled, an invitation put into people's schedules, a
    personal or unit entry changed: the people in it and the heads of its units (who may see it)."""
    from qlvb.org.selectors import people_posted
    from qlvb.schedules.models import Entry
    from qlvb.schedules.selectors import may_see

    data = event.data or {}
    if data.get("told_elsewhere"):
        return  # a meeting's entry: the meeting's own notification tells them
    if event.verb == "schedules.entry_created" and data.get("scope") in ("agency", "reception") \
            and not data.get("source_incoming_id"):
        return  # a draft of the office's: told when the week is published or adjusted
    entry = Entry.objects.select_related("period").filter(pk=event.target_id).first()
    if entry is None:
        return
    people = set(data.get("people", []))
    if data.get("units"):
        people |= set(people_posted(HEAD_KINDS, unit_ids=list(data["units"])))
    candidates = list(Person.objects.filter(pk__in=people - {event.actor_id, event.on_behalf_of_id},
                                            is_active=True))
    roles.prime(candidates)
    recipients = [p for p in candidates if may_see(p, entry)]
    what = {"schedules.entry_adjusted": "adjusted", "schedules.entry_cancelled": "cancelled",
            "schedules.entry_updated": "changed"}.get(event.verb, "invited" if data.get("source_incoming_id")
                                                        else "added")
    soon = timezone.localdate() + timedelta(days=1)
    services.notify(recipients, kind=Kind.SCHEDULE,
                    params={"what": what, "title": entry.title[:200],
                            "at": timezone.localtime(entry.starts_at).strftime("%H:%M %d/%m/%Y")},
                    url=reverse("schedules:entry", args=[entry.pk]),
                    urgent=what in ("adjusted", "cancelled") and timezone.localtime(entry.starts_at).date() <= soon,
                    target_type=event.target_type, target_id=event.target_id, key=f"event:{event.pk}",
                    event_id=event.pk)


def _owners(task: Any) -> set[int]:
    """The task's owner, or the heads of its owner unit."""
    from qlvb.org.selectors import people_posted

    if task.owner_person_id:
        return {task.owner_person_id}
    return set(people_posted(HEAD_KINDS, unit_ids=[task.owner_unit_id])) if task.owner_unit_id else set()


TASK_TOLD = {
    # verb: (whom, what they are told)
    "task.reported": ("assigner", "reported"),
    "task.extension_requested": ("assigner", "extension_requested"),
    "task.extension_approved": ("owner", "extension_approved"),
    "task.extension_rejected": ("owner", "extension_rejected"),
    "task.completed": ("assigner", "completed"),
    "task.evaluated": ("owner", "evaluated"),
}


def on_task_assigned(event: Event) -> None:
    """A task given (by a leader, a unit head, or the provincial committee): its owner (or the
    owner unit's heads) to handle it, its coordinators to take part."""
    from qlvb.org.selectors import people_posted

    task = kinds.get("task").load(int(event.target_id))
    if task is None:
        return
    data = event.data or {}
    owners = _owners(task)
    coordinators = set(data.get("coordinators", []))
    if data.get("coordinating_units"):
        coordinators |= set(people_posted(HEAD_KINDS, unit_ids=list(data["coordinating_units"])))
    _tell(event, "task", task.pk, owners, Kind.ASSIGNED)
    _tell(event, "task", task.pk, coordinators - owners, Kind.TASK, extra={"what": "coordinate"})


def on_task_step(event: Event) -> None:
    whom, what = TASK_TOLD[event.verb]
    task = kinds.get("task").load(int(event.target_id))
    if task is None:
        return
    if whom == "owner":
        people = _owners(task)
    else:
        people = {task.assigned_by_id}
        if task.parent_id and event.verb == "task.reported":
            parent = kinds.get("task").load(task.parent_id)
            people |= _owners(parent) if parent is not None else set()
    _tell(event, "task", task.pk, people, Kind.TASK, extra={"what": what})


def on_task_changed(event: Event) -> None:
    """The assigner changed the task: a new owner is given it; otherwise the owner is told what
    changed (title, instruction, deadline). A former owner no longer opens the task: not told."""
    task = kinds.get("task").load(int(event.target_id))
    if task is None:
        return
    changed = (event.data or {}).get("changed") or {}
    reassigned = "owner_person" in changed or "owner_unit" in changed
    _tell(event, "task", task.pk, _owners(task), Kind.ASSIGNED if reassigned else Kind.TASK,
          extra=None if reassigned else {"what": "changed"})


def on_task_withdrawn(event: Event) -> None:
    """A task withdrawn: its owner and its coordinators stop working on it."""
    from qlvb.org.selectors import people_posted
    from qlvb.tasks.models import Coordinator

    task = kinds.get("task").load(int(event.target_id))
    if task is None:
        return
    people = _owners(task)
    rows = list(Coordinator.objects.filter(task_id=task.pk).values_list("person_id", "unit_id"))
    people |= {person for person, _unit in rows if person}
    units = [unit for _person, unit in rows if unit]
    if units:
        people |= set(people_posted(HEAD_KINDS, unit_ids=units))
    _tell(event, "task", task.pk, people, Kind.TASK, extra={"what": "withdrawn"})


# --- Work programmes (qlvb.programmes) ---------------------------------------------------------

PROGRAMME_TOLD = ("programme.submitted", "programme.approved", "programme.returned", "programme.adjusted")


def on_programme_step(event: Event) -> None:
    """A programme submitted (its approver), approved or returned (who submitted and created it),
    adjusted once approved (the heads of the units responsible for the item, and the approver)."""
    from qlvb.org.selectors import people_posted

    programme = kinds.get("programme").load(int(event.target_id))
    if programme is None:
        return
    data = event.data or {}
    if event.verb == "programme.submitted":
        people = {data.get("approver") or programme.approver_id}
    elif event.verb == "programme.adjusted":
        people = set(people_posted(HEAD_KINDS, unit_ids=list(data.get("responsible_units") or [])))
        people.add(programme.approver_id)
    else:
        people = {data.get("submitted_by") or programme.submitted_by_id, programme.created_by_id}
    what = {"programme.submitted": "programme_submitted", "programme.approved": "programme_approved",
            "programme.returned": "programme_returned", "programme.adjusted": "programme_adjusted"}[event.verb]
    _tell(event, "programme", programme.pk, {p for p in people if p}, Kind.TASK, extra={"what": what})


# --- Meetings (qlvb.meetings) ---------------------------------------------------------------

MEETING_TOLD = {
    # verb: what they are told (whom: see on_meeting)
    "meeting.invited": "invited",
    "meeting.updated": "changed",
    "meeting.cancelled": "cancelled",
    "meeting.answered": "answered",
    "meeting.minutes_submitted": "minutes",
    "meeting.minutes_returned": "minutes_returned",
    "meeting.conclusions_published": "conclusions",
}


def on_meeting(event: Event) -> None:
    """A meeting's invitation, change, cancellation, answer, minutes and conclusions notice: the
    people concerned (the event's data names them), and only those who may open the meeting."""
    meeting = kinds.get("meeting").load(int(event.target_id))
    if meeting is None:
        return
    data = event.data or {}
    what = MEETING_TOLD[event.verb]
    if event.verb in ("meeting.updated", "meeting.cancelled") and not (
            data.get("status") == "invited" or data.get("was_invited")):
        return  # a meeting still being prepared: nobody invited yet
    if event.verb == "meeting.answered":
        people = {meeting.created_by_id, meeting.secretary_id}
    elif event.verb == "meeting.minutes_submitted":
        people = {meeting.chair_id}
    elif event.verb == "meeting.minutes_returned":
        people = {data.get("secretary")}
    else:
        people = set(data.get("people", []))
    people.discard(None)
    at = timezone.localtime(meeting.starts_at)
    _tell(event, "meeting", meeting.pk, people, Kind.MEETING,
          extra={"what": what, "title": meeting.title[:200], "at": at.strftime("%H:%M %d/%m/%Y")})


# --- Periodic reports (qlvb.reports) ------------------------------------------------------------

def on_report_sent(event: Event) -> None:
    """A unit's (or a deputy's) periodic report sent: its recipients, the leadership (001 Đ15.2–3),
    told "sent to you for information" with the report's title and a link to it."""
    data = event.data or {}
    people = set(data.get("recipients", [])) - {event.actor_id, event.on_behalf_of_id}
    services.notify(Person.objects.filter(pk__in=people, is_active=True), kind=Kind.INFORMED,
                    params={"summary": str(data.get("title") or "")[:200]},
                    url=reverse("reports:detail", args=[int(event.target_id)]), target_type=event.target_type,
                    target_id=event.target_id, key=f"event:{event.pk}", event_id=event.pk)


# --- End of periodic reports ----------------------------------------------------------------------


ROUTES: dict[str, Callable[[Event], None]] = {
    "incoming.registered": on_registered,
    "incoming.routed": on_routed,
    "outgoing.submitted": on_review_step,
    "outgoing.approved": on_review_step,
    "outgoing.format_checked": on_review_step,
    "outgoing.back_to_signer": on_back_to_signer,
    "outgoing.signed": on_signed,
    "outgoing.signature_requested": on_signature_requested,
    "outgoing.returned": on_returned,
    "exchange.arrived": on_arrived,
    "outgoing.issued": on_issued,
    "incoming.cancelled": on_recalled,
    "exchange.status_received": on_status,
    **dict.fromkeys(DELEGATION_TOLD, on_delegation),
    "schedules.period_submitted": on_period_submitted,
    "schedules.period_returned": on_period_returned,
    "task.assigned": on_task_assigned,
    "task.received": on_task_assigned,
    **dict.fromkeys(TASK_TOLD, on_task_step),
    "task.changed": on_task_changed,
    "task.withdrawn": on_task_withdrawn,
    **dict.fromkeys(("schedules.entry_created", "schedules.entry_updated", "schedules.entry_adjusted",
                     "schedules.entry_cancelled"), on_entry_changed),
    **dict.fromkeys(MEETING_TOLD, on_meeting),
    **dict.fromkeys(PROGRAMME_TOLD, on_programme_step),
    "report.sent": on_report_sent,
}
# Events that notify more than one way: each handler is called with the event (a key of its own).
ALSO: dict[str, list[Callable[[Event], None]]] = {
    "outgoing.approved": [on_opinion],
    "outgoing.format_checked": [on_opinion],
    "outgoing.disagreement": [on_opinion],
}


# --- Schedules: reports back after an invitation (001 Đ16) ------------------------------------------


def on_entry_reported(event: Event) -> None:
    """Someone sent to a meeting by an invitation letter reported back: the leaders who routed the
    invitation and whoever put it into the schedule (named by the event), if they may open it."""
    from qlvb.schedules.models import Entry
    from qlvb.schedules.selectors import may_see

    data = event.data or {}
    entry = Entry.objects.select_related("period").prefetch_related("attendees").filter(pk=event.target_id).first()
    if entry is None:
        return
    candidates = list(Person.objects.filter(pk__in=set(data.get("told", [])) - {event.actor_id, event.on_behalf_of_id},
                                            is_active=True))
    roles.prime(candidates)
    attendee_ids = {a.person_id for a in entry.attendees.all()}
    recipients = [p for p in candidates if may_see(p, entry, attendee_ids=attendee_ids)]
    services.notify(recipients, kind=Kind.SCHEDULE,
                    params={"what": "reported", "title": entry.title[:200],
                            "at": timezone.localtime(entry.starts_at).strftime("%H:%M %d/%m/%Y")},
                    url=reverse("schedules:entry", args=[entry.pk]), target_type=event.target_type,
                    target_id=event.target_id, key=f"event:{event.pk}", event_id=event.pk)


ROUTES["schedules.entry_reported"] = on_entry_reported
# --- end of the schedules' reports block ------------------------------------------------------------


# --- Internal messages (qlvb.messages) ------------------------------------------------------------

def on_message_sent(event: Event) -> None:
    """An internal message (003 Đ8.2): each person it was delivered to, told who sent it and its
    subject (only who may open it: its participants)."""
    data = event.data or {}
    sender = Person.objects.filter(pk=event.actor_id or 0).values_list("full_name", flat=True).first() or ""
    _tell(event, "message", int(event.target_id), data.get("recipients", []), Kind.MESSAGE,
          extra={"sender": sender, "what": data.get("kind", "message")})


ROUTES["message.sent"] = on_message_sent
# --- end of the internal messages block ------------------------------------------------------------
# --- Consultations (qlvb.consultations) --------------------------------------------------------------


def on_consultation(event: Event) -> None:
    """A consultation opened, or its results published: the people consulted (not who acted).
    A request to meet the director: the agency's leaders and the office's heads; its answer: the
    requester. Never anything about who answered what."""
    from qlvb.consultations import selectors as consultation_selectors
    from qlvb.consultations.models import Consultation, MeetingRequest
    from qlvb.org.models import Unit

    actors = {event.actor_id, event.on_behalf_of_id}
    if event.verb in ("consultation.opened", "consultation.results_published"):
        consultation = Consultation.objects.filter(pk=event.target_id).first()
        if consultation is None:
            return
        people = set(consultation_selectors.participant_ids(consultation)) - actors
        what = "opened" if event.verb == "consultation.opened" else "published"
        url = reverse("consultations:detail" if what == "opened" else "consultations:results", args=[consultation.pk])
        params = {"what": what, "title": consultation.title[:200], "date": consultation.closes_on.isoformat()}
        target_type, target_id = "consultation", str(consultation.pk)
    else:
        request = MeetingRequest.objects.filter(pk=event.target_id).first()
        if request is None:
            return
        if event.verb == "consultation.meeting_requested":
            from qlvb.org.selectors import people_posted

            office = list(Unit.objects.filter(agency_id=request.agency_id, kind=Unit.Kind.OFFICE)
                          .values_list("pk", flat=True))
            people = set(people_posted({Position.Kind.AGENCY_HEAD}, agency_id=request.agency_id))
            people |= set(people_posted(HEAD_KINDS, unit_ids=office)) if office else set()
            params = {"what": "meeting_requested", "title": request.subject[:200],
                      "person": request.requester.full_name[:150]}
        else:
            people = {request.requester_id}
            params = {"what": f"meeting_{request.status}", "title": request.subject[:200],
                      "at": timezone.localtime(request.meets_at).strftime("%H:%M %d/%m/%Y") if request.meets_at else ""}
        people -= actors
        url = reverse("consultations:meeting_request", args=[request.pk])
        target_type, target_id = event.target_type, event.target_id
    services.notify(Person.objects.filter(pk__in=sorted(p for p in people if p), is_active=True),
                    kind=Kind.CONSULTATION, params=params, url=url, target_type=target_type, target_id=target_id,
                    key=f"event:{event.pk}", event_id=event.pk)


CONSULTATION_TOLD = ("consultation.opened", "consultation.results_published", "consultation.meeting_requested",
                     "consultation.meeting_answered")
for _verb in CONSULTATION_TOLD:
    ROUTES[_verb] = on_consultation
# --- end of the consultations block -------------------------------------------------------------------
# --- Internal notices (qlvb.notices) ---------------------------------------------------------------

def on_notice_published(event: Event) -> None:
    """A notice published: its addressees (its audience rules resolved now, one query), in one
    insert — 700 rows for a notice to an agency of 700, after the notice's commit."""
    from qlvb.notices.models import Notice
    from qlvb.notices.selectors import audience_ids

    notice = Notice.objects.filter(pk=event.target_id).first()
    if notice is None:
        return
    people = audience_ids(notice) - {event.actor_id, event.on_behalf_of_id}
    services.notify_batch([services.Notice(
        person_id=pk, kind=Kind.NOTICE, key=f"event:{event.pk}", params={"title": notice.title[:200]},
        url=reverse("notices:detail", args=[notice.pk]), target_type=event.target_type, target_id=event.target_id)
        for pk in sorted(people)])


ROUTES["notice.published"] = on_notice_published
# --- end of internal notices -------------------------------------------------------------------------
# --- Leave and overtime (qlvb.leave) ---------------------------------------------------------------

def on_leave(event: Event) -> None:
    """A leave request sent (its approver), decided (its person), cancelled (its approver); the
    director's own announced (the other leaders and the office's heads, 001 Đ18.1); overtime
    declared (the office's heads, the Chánh Văn phòng, 001 Đ19.1). Never the reason nor the kind
    of leave: only dates, the person's name, and a link the recipient may open."""
    from qlvb.org.models import Post, Unit

    data = event.data or {}
    what = event.verb.split(".", 1)[1]
    agency_id = event.agency_id or 0
    people: set[Any]
    person = Person.objects.filter(pk=data.get("person") or event.on_behalf_of_id or event.actor_id or 0).first()
    office_heads = list(Post.objects.filter(
        agency_id=agency_id, end_date__isnull=True, unit__kind=Unit.Kind.OFFICE,
        position__kind=Position.Kind.UNIT_HEAD).values_list("person_id", flat=True))
    if event.verb == "overtime.declared":
        people, url = set(office_heads), reverse("leave:overtime")
    elif event.verb == "leave.informed":
        leaders = Post.objects.filter(agency_id=agency_id, end_date__isnull=True,
                                      position__kind__in=[Position.Kind.AGENCY_HEAD, Position.Kind.AGENCY_DEPUTY])
        people, url = set(leaders.values_list("person_id", flat=True)) | set(office_heads), str(data.get("url") or "")
    elif event.verb in ("leave.approved", "leave.refused"):
        people, url = {data.get("person")}, str(data.get("url") or "")
    else:  # requested, cancelled
        people, url = {data.get("approver")}, str(data.get("url") or "")
    people = {p for p in people if p} - {event.actor_id, event.on_behalf_of_id}
    params = {"what": what, "person": person.full_name if person else "", "start": str(data.get("start") or ""),
              "end": str(data.get("end") or data.get("day") or "")}
    services.notify_batch([services.Notice(
        person_id=pk, kind=Kind.LEAVE, key=f"event:{event.pk}", params=params, url=url,
        target_type=event.target_type, target_id=event.target_id) for pk in sorted(people)])


for _verb in ("leave.requested", "leave.informed", "leave.approved", "leave.refused", "leave.cancelled",
              "overtime.declared"):
    ROUTES[_verb] = on_leave


def on_leave_cover(event: Event) -> None:
    """The colleague named to hold a person's tasks during the leave: told when named and when he
    is given them (a link to his tasks: the request itself is not his to open); when the leave is
    over, the person is told his tasks are back and the colleague that they went back."""
    data = event.data or {}
    person_id, cover_id = data.get("person"), data.get("cover")
    name = Person.objects.filter(pk=person_id or 0).values_list("full_name", flat=True).first() or ""
    tell: list[tuple[Any, str, str]] = []  # (person id, what, url)
    if event.verb == "leave.cover_named":
        tell.append((cover_id, "cover_named", reverse("tasks:home")))
    elif event.verb == "leave.cover_started" and data.get("count"):
        tell.append((cover_id, "cover_started", reverse("tasks:home")))
    elif event.verb == "leave.cover_ended" and data.get("count") and data.get("reason") != "changed":
        tell += [(person_id, "cover_ended", str(data.get("url") or reverse("tasks:home"))),
                 (cover_id, "cover_released", reverse("tasks:home"))]
    params = {"person": name, "start": str(data.get("start") or ""), "end": str(data.get("end") or ""),
              "count": data.get("count") or 0}
    services.notify_batch([services.Notice(
        person_id=pk, kind=Kind.LEAVE, key=f"event:{event.pk}:{what}", params={**params, "what": what}, url=url,
        target_type=event.target_type, target_id=event.target_id)
        for pk, what, url in tell if pk and pk not in (event.actor_id, event.on_behalf_of_id)])


for _verb in ("leave.cover_named", "leave.cover_started", "leave.cover_ended"):
    ROUTES[_verb] = on_leave_cover
# --- end of leave and overtime ----------------------------------------------------------------------
# --- Chat (qlvb.chat) ------------------------------------------------------------------------------

def on_chat_mention(event: Event) -> None:
    """A chat message naming people (@name): those of them who may enter the room (its kind's rule),
    told who mentioned them and where."""
    mentions = (event.data or {}).get("mentions") or []
    if mentions:
        author = (Person.objects.filter(pk=event.actor_id or 0).values_list("full_name", flat=True).first()
                  or "")
        _tell(event, "chat", int(event.target_id), mentions, Kind.CHAT, extra={"sender": author[:150]})


ROUTES["chat.message_posted"] = on_chat_mention
# --- end of chat ------------------------------------------------------------------------------------
# --- Scheduled reports (qlvb.statistics) -----------------------------------------------------------

def on_statistics_report_sent(event: Event) -> None:
    """A scheduled report made: its subscriber (alone: the file holds what they may see), with a
    link to the file that only they may open."""
    recipient = (event.data or {}).get("recipient")
    if not recipient:
        return
    services.notify(Person.objects.filter(pk=recipient, is_active=True), kind=Kind.STAT_REPORT,
                    params={"summary": str((event.data or {}).get("title") or "")[:200]},
                    url=reverse("statistics:delivery", args=[int(event.target_id)]), target_type=event.target_type,
                    target_id=event.target_id, key=f"event:{event.pk}", event_id=event.pk)


ROUTES["statistics.report_sent"] = on_statistics_report_sent
# --- end of scheduled reports ------------------------------------------------------------------------
# --- IT staff (qlvb.itstaff) -----------------------------------------------------------------------

def on_itstaff_incident(event: Event) -> None:
    """An IT incident reported: the Department's leaders and office, at once (004 Đ7.2)."""
    from qlvb.itstaff.selectors import department_people

    people = department_people() - {event.actor_id, event.on_behalf_of_id}
    services.notify(Person.objects.filter(pk__in=sorted(people), is_active=True), kind=Kind.INFORMED,
                    params={"summary": str((event.data or {}).get("title") or "")[:200]},
                    url=reverse("itstaff:incident", args=[int(event.target_id)]), target_type=event.target_type,
                    target_id=event.target_id, key=f"event:{event.pk}", event_id=event.pk, urgent=True)


def on_itstaff_reminder(event: Event) -> None:
    """An agency's IT report not yet submitted near or past its deadline: its leaders and office."""
    data = event.data or {}
    services.notify(Person.objects.filter(pk__in=data.get("people") or [], is_active=True),
                    kind=Kind.OVERDUE if data.get("overdue") else Kind.DUE_SOON,
                    params={"summary": str(data.get("title") or "")[:200], "days": data.get("days") or 0,
                            "date": data.get("deadline") or ""},
                    url=reverse("itstaff:round", args=[int(event.target_id)]), target_type=event.target_type,
                    target_id=event.target_id, key=f"event:{event.pk}", event_id=event.pk)


def on_itstaff_report(event: Event) -> None:
    """An agency's IT report submitted (the Department's leaders and office) or returned for
    completion (the agency's leaders and office)."""
    from qlvb.itstaff.models import Report
    from qlvb.itstaff.selectors import department_people, manager_ids

    report = Report.objects.select_related("template").filter(pk=event.target_id).first()
    if report is None:
        return
    returned = event.verb == "itstaff.report_returned"
    people = (manager_ids(report.agency_id) if returned else department_people()) - {event.actor_id,
                                                                                      event.on_behalf_of_id}
    services.notify(Person.objects.filter(pk__in=sorted(people), is_active=True),
                    kind=Kind.RETURNED if returned else Kind.INFORMED,
                    params={"summary": report.template.title[:200]}, url=reverse("itstaff:report", args=[report.pk]),
                    target_type=event.target_type, target_id=event.target_id, key=f"event:{event.pk}",
                    event_id=event.pk)


ROUTES["itstaff.incident_reported"] = on_itstaff_incident
ROUTES["itstaff.report_reminder"] = on_itstaff_reminder
for _verb in ("itstaff.report_submitted", "itstaff.report_resubmitted", "itstaff.report_returned"):
    ROUTES[_verb] = on_itstaff_report
# --- end of IT staff ---------------------------------------------------------------------------------
# --- Hand-over of work (qlvb.handover) --------------------------------------------------------------

def on_handover_done(event: Event) -> None:
    """A person's open work handed over (000 Đ4.1.d): each successor, told whose work he now holds
    and how much, with a link to the record."""
    data = event.data or {}
    people = set(data.get("successors") or []) - {event.actor_id, event.on_behalf_of_id}
    if not people:
        return
    services.notify(Person.objects.filter(pk__in=sorted(people), is_active=True), kind=Kind.ASSIGNED,
                    params={"summary": f"{data.get('from_name', '')} ({data.get('total', 0)})"[:200]},
                    url=reverse("handover:detail", args=[int(event.target_id)]), target_type=event.target_type,
                    target_id=event.target_id, key=f"event:{event.pk}", event_id=event.pk)


ROUTES["handover.done"] = on_handover_done
# --- end of hand-over ------------------------------------------------------------------------------


def dispatch(event: Event) -> None:
    route = ROUTES.get(event.verb)
    if route is not None:
        route(event)
    for also in ALSO.get(event.verb, ()):
        also(event)


def register() -> None:
    events.subscribe(*ROUTES, *(verb for verb in ALSO if verb not in ROUTES), after_commit=True)(dispatch)
