"""Who may send and who sees an internal notice.

- The agency's leaders and its office send to the whole agency (or to any of its units,
  positions and people); a unit head sends to the units he heads, and to nobody else.
- A notice is seen by its addressees (the whole agency; everyone posted in an addressed unit or
  holding an addressed position; the people named), by its sender, and by the agency's leaders and
  office, who keep the notices and see who has read them. Nobody else: 404.
- After its last day (expires_on) it leaves the addressees' lists and pages; its sender, the
  leaders and the office still find it."""

from __future__ import annotations

from django.db.models import Q

from qlvb.core import personcache
from qlvb.notices.models import Audience, Notice
from qlvb.org import permissions, roles
from qlvb.org.models import Person, Post, Unit
from qlvb.org.roles import roles_of


def office_agency_ids(person: Person) -> frozenset[int]:
    """The agencies whose office the person works in (qlvb.org.roles, kept per person)."""
    return roles.office_agency_ids(person)


def keeper_agency_ids(person: Person) -> frozenset[int]:
    """Agencies whose notices the person keeps: he leads it or works in its office."""
    return frozenset(roles_of(person).leader_agency_ids) | office_agency_ids(person)


def may_send_to_agency(person: Person, agency_id: int) -> bool:
    return agency_id in keeper_agency_ids(person)


def may_send(person: Person, agency_id: int) -> bool:
    return may_send_to_agency(person, agency_id) or bool(sendable_unit_ids(person, agency_id))


def sendable_unit_ids(person: Person, agency_id: int) -> frozenset[int]:
    """The units a unit head may address (his own), in this agency."""
    headed = sorted(roles_of(person).headed_unit_ids)
    if not headed:
        return frozenset()
    return frozenset(personcache.cached("headed-units-of", person.pk, lambda: list(
        Unit.objects.filter(pk__in=headed, agency_id=agency_id).values_list("pk", flat=True)), agency_id))


def addressed_q(person: Person) -> Q:
    """The notices addressed to the person (the whole agency, a unit he is posted in, a position
    he holds, himself), as one condition: the agency's notices to everyone, or ids from one UNION
    of index scans of the audience rows of his units, positions and himself; no join, no DISTINCT
    over the notices."""
    roles = roles_of(person)
    agencies = sorted(permissions.member_agency_ids(person))
    parts = [Audience.objects.filter(person_id=person.pk).order_by().values("notice_id")]
    if roles.unit_ids:
        parts.append(Audience.objects.filter(unit_id__in=sorted(roles.unit_ids)).order_by().values("notice_id"))
    positions = Post.objects.filter(person_id=person.pk, end_date__isnull=True).values("position_id")
    parts.append(Audience.objects.filter(position_id__in=positions).order_by().values("notice_id"))
    # The notices to the whole agency as a plain condition, not ids in the union: a list read in
    # its index's order then stops at its page, where a union of every notice to everyone (50,000
    # in the benchmark) had to be built first.
    return Q(agency_id__in=agencies, to_everyone=True) | Q(pk__in=parts[0].union(*parts[1:]))


def visible_q(person: Person, today: object) -> Q:
    """Every notice the person may open today (see the module)."""
    agencies = sorted(permissions.member_agency_ids(person))
    if not agencies:
        return Q(pk__in=[])
    current = Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    condition = (addressed_q(person) & current) | Q(created_by_id=person.pk)
    keeps = sorted(keeper_agency_ids(person))
    if keeps:
        condition |= Q(agency_id__in=keeps)
    return Q(agency_id__in=agencies) & condition


def may_see_receipts(person: Person, notice: Notice) -> bool:
    """The sender and the agency's office (and leaders) see who has read it."""
    return notice.created_by_id == person.pk or notice.agency_id in keeper_agency_ids(person)
