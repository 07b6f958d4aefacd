"""Who may see and do what with a meeting (001 Đ11, 000 Đ3.1.g). The meeting is seen by its
chair, its secretary, whoever prepared it, its invitees (the people invited, their substitutes,
everyone posted in an invited unit), the organising unit's head, the agency's leaders and its
office (which prepares the meetings, 001 Đ11.1.a); nobody else, and nobody outside the agency
(a 404, like a meeting that does not exist)."""

from __future__ import annotations

from django.db.models import Q

from qlvb.core import kinds
from qlvb.meetings.models import Invitee, Meeting
from qlvb.org import roles
from qlvb.org.models import Person
from qlvb.org.roles import HEAD_KINDS, roles_of


def office_agency_ids(person: Person) -> frozenset[int]:
    """The agencies whose office the person works in (qlvb.org.roles, kept per person)."""
    return roles.office_agency_ids(person)


def is_leader(person: Person, agency_id: int) -> bool:
    return agency_id in roles_of(person).leader_agency_ids


def may_see(person: Person, meeting: Meeting) -> bool:
    return kinds.may_see("meeting", person, meeting)


def may_create(person: Person, agency_id: int) -> bool:
    """The office, the leaders and unit heads (a unit's own monthly meeting, 001 Đ11.4) organise."""
    roles = roles_of(person)
    return (agency_id in roles.leader_agency_ids or agency_id in office_agency_ids(person)
            or bool(roles.headed_unit_ids))


def may_manage(person: Person, meeting: Meeting) -> bool:
    """Change, invite, cancel, prepare the agenda and documents: whoever prepared it, its chair,
    its secretary (the office's person who keeps the minutes)."""
    return person.pk in (meeting.created_by_id, meeting.chair_id, meeting.secretary_id)


def may_record(person: Person, meeting: Meeting) -> bool:
    """Attendance and minutes: the secretary, or whoever prepared the meeting when it has none."""
    return person.pk == (meeting.secretary_id or meeting.created_by_id)


def may_conclude(person: Person, meeting: Meeting) -> bool:
    """The conclusions are the chair's (001 Đ11.3); the secretary writes them down for him."""
    return person.pk in (meeting.chair_id, meeting.secretary_id or meeting.created_by_id)


def may_direct(person: Person, meeting: Meeting) -> bool:
    """Approve the minutes, publish the conclusions, turn them into tasks: the chair, or a leader
    of the agency."""
    return person.pk == meeting.chair_id or is_leader(person, meeting.agency_id)


def invitees_to_answer(person: Person, meeting: Meeting) -> list[Invitee]:
    """The invitations the person answers: his own, and those of the units he heads."""
    headed = sorted(roles_of(person).headed_unit_ids)
    condition = Q(person_id=person.pk)
    if headed:
        condition |= Q(unit_id__in=headed)
    return list(Invitee.objects.filter(condition, meeting=meeting).select_related("person", "unit", "substitute"))


HEADS = HEAD_KINDS
