"""Meetings as a document kind (core.kinds): who may open them, their files and what search finds
of them. Registered in MeetingsConfig.ready(); the meeting pages, the API, search and the
notifications ask the same rule (rules.py says who, from the regulation)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core import kinds
from qlvb.core.kinds import Grant, Rule
from qlvb.meetings.models import AgendaItem, Conclusion, Meeting, MeetingDocument, Minutes
from qlvb.meetings.rules import office_agency_ids
from qlvb.org import permissions
from qlvb.org.roles import roles_of


def _as_access(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.order_by().annotate(document_id=F("pk"))


def _invited(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    # An invitation is seen once it is sent: a meeting being prepared is its organisers' alone.
    return _as_access(meetings.exclude(status=Meeting.Status.DRAFT))


def rule(person: Any) -> Rule:
    """Leaders and the office see every meeting of their agency; the chair, the secretary and
    whoever prepared it theirs; the invitees (people, substitutes, everyone posted in an invited
    unit) once invited; a unit head the meetings his unit organises. Meetings have no secrecy."""
    if person is None or not getattr(person, "pk", None):
        return Rule(agencies=frozenset())
    roles = roles_of(person)
    access: list[QuerySet[Any]] = [
        _as_access(Meeting.objects.filter(chair_id=person.pk)),
        _as_access(Meeting.objects.filter(secretary_id=person.pk)),
        _as_access(Meeting.objects.filter(created_by_id=person.pk)),
        _invited(Meeting.objects.filter(invitees__person_id=person.pk)),
        _invited(Meeting.objects.filter(invitees__substitute_id=person.pk)),
    ]
    if roles.unit_ids:
        access.append(_invited(Meeting.objects.filter(invitees__unit_id__in=sorted(roles.unit_ids))))
    if roles.headed_unit_ids:
        access.append(_as_access(Meeting.objects.filter(organising_unit_id__in=sorted(roles.headed_unit_ids))))
    grants = frozenset(roles.leader_agency_ids) | office_agency_ids(person)
    return Rule(agencies=frozenset(permissions.member_agency_ids(person)),
                grants=(Grant(grants, secret=True),) if grants else (), access=tuple(access))


def load(meeting_id: int) -> Meeting | None:
    return Meeting.objects.filter(pk=meeting_id).first()


def files(meeting: Meeting) -> dict[int, str]:
    return {d.stored_id: d.name for d in MeetingDocument.objects.filter(meeting=meeting, stored__isnull=False)
            if d.stored_id is not None}


def holding(stored_file_id: int) -> set[int]:
    return set(MeetingDocument.objects.filter(stored_id=stored_file_id).values_list("meeting_id", flat=True))


def index_values(meeting: Meeting, texts: Callable[[Iterable[int]], dict[int, str]]) -> dict[str, Any]:
    """Its title, place, agenda, approved minutes, conclusions and the text read from its files."""
    stored = [s for s in MeetingDocument.objects.filter(meeting_id=meeting.pk, stored__isnull=False)
              .values_list("stored_id", flat=True) if s is not None]
    read = texts(stored)
    agenda = list(AgendaItem.objects.filter(meeting_id=meeting.pk).values_list("title", flat=True))
    minutes = list(Minutes.objects.filter(meeting_id=meeting.pk, status=Minutes.Status.APPROVED)
                   .values_list("body", flat=True))
    conclusions = list(Conclusion.objects.filter(meeting_id=meeting.pk).values_list("text", flat=True))
    return {
        "agency_id": meeting.agency_id, "doc_type": "", "issuer": "", "register_id": None,
        "date": timezone.localdate(meeting.starts_at), "urgency": "", "secrecy": "", "status": meeting.status,
        "unit_id": meeting.organising_unit_id, "reference": "", "title": meeting.title[:600],
        "body": [meeting.place, *agenda, *minutes, *conclusions, *read.values()],
    }


def url(meeting_id: int) -> str:
    return reverse("meetings:detail", args=[meeting_id])


KIND = kinds.DocumentKind(
    name="meeting", model="meetings.Meeting", label=_("Meeting"), rule=rule, files=files, holding=holding,
    index_values=index_values, load=load, url=url, quiet_verbs=frozenset(),
)
