"""Who approves a leave request, who sees it (001 Đ18; docs/leave.md).

- The director's own leave needs no approval: he announces it to the leadership and the office
  (001 Đ18.1).
- The deputies and the unit heads: the director (001 Đ18.1).
- Everyone else: the head of his unit up to `unit_head_max_days` (half a day), the deputy in
  charge of the unit's field (org Field.leader) up to `field_leader_max_days` (one day), the
  director beyond (001 Đ18.2); the thresholds are the agency's (`Rules`).
- Someone whose approver would be missing or himself goes one step up.
- A request, its reason and its kind are seen by the person, the approver and the agency's office
  (Văn phòng, who keeps the register, 001 Đ18.3); nobody else (404). The same people name the
  colleague who holds the person's tasks meanwhile (the cover); the colleague does not see it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from qlvb.leave.models import LeaveRequest, Rules
from qlvb.org.models import Field, Person, Position, Post
from qlvb.org.permissions import can_manage_agency
from qlvb.org.roles import office_agency_ids, roles_of

Step = LeaveRequest.Step
LEADER_KINDS = frozenset({Position.Kind.AGENCY_HEAD, Position.Kind.AGENCY_DEPUTY, Position.Kind.UNIT_HEAD})


def rules_for(agency_id: int) -> Rules:
    return Rules.objects.filter(agency_id=agency_id).first() or Rules.defaults(agency_id)


def home_post(person: Person, agency_id: int) -> Post | None:
    """The person's main open post in the agency (a concurrent one only if he has no other)."""
    return (Post.objects.filter(person=person, agency_id=agency_id, end_date__isnull=True)
            .select_related("position", "unit").order_by("is_concurrent", "id").first())


def director(agency_id: int) -> Person | None:
    post = (Post.objects.filter(agency_id=agency_id, end_date__isnull=True, position__kind=Position.Kind.AGENCY_HEAD,
                                person__is_active=True).select_related("person").order_by("is_concurrent", "id")
            .first())
    return post.person if post else None


def unit_head(unit_id: int, agency_id: int) -> Person | None:
    post = (Post.objects.filter(agency_id=agency_id, unit_id=unit_id, end_date__isnull=True,
                                position__kind=Position.Kind.UNIT_HEAD, person__is_active=True)
            .select_related("person").order_by("is_concurrent", "id").first())
    return post.person if post else None


def field_leader(unit_id: int, agency_id: int) -> Person | None:
    field = (Field.objects.filter(agency_id=agency_id, units__id=unit_id, leader__isnull=False,
                                  leader__is_active=True).select_related("leader").order_by("id").first())
    return field.leader if field else None


@dataclass(frozen=True)
class Route:
    step: str
    approver: Person | None  # None: no approval needed (Step.NONE) or nobody holds the post


def route(person: Person, agency_id: int, days: Decimal, unit_id: int | None) -> Route:
    """Who approves `days` of leave of `person` (see the module)."""
    kinds = roles_of(person).kinds
    if Position.Kind.AGENCY_HEAD in kinds:
        return Route(Step.NONE, None)
    boss = director(agency_id)
    if kinds & {Position.Kind.AGENCY_DEPUTY, Position.Kind.UNIT_HEAD} or unit_id is None:
        return Route(Step.DIRECTOR, boss)
    rules = rules_for(agency_id)
    if days <= rules.unit_head_max_days:
        head = unit_head(unit_id, agency_id)
        if head is not None and head.pk != person.pk:
            return Route(Step.UNIT_HEAD, head)
    if days <= rules.field_leader_max_days:
        leader = field_leader(unit_id, agency_id)
        if leader is not None and leader.pk != person.pk:
            return Route(Step.FIELD_LEADER, leader)
    return Route(Step.DIRECTOR, boss)


def is_leader(person: Person) -> bool:
    """A leader going away must hand his authority over first (R5)."""
    return bool(roles_of(person).kinds & LEADER_KINDS)


def is_office(person: Person, agency_id: int) -> bool:
    return agency_id in office_agency_ids(person)


def may_set_rules(person: Person, agency_id: int) -> bool:
    """The agency's leave rules: its leaders and its administrators (the installation's too)."""
    return agency_id in roles_of(person).leader_agency_ids or can_manage_agency(person, agency_id)


def may_keep(person: Person, agency_id: int) -> bool:
    """The register, the carry-overs, the overtime list: the office and the agency's leaders."""
    return is_office(person, agency_id) or agency_id in roles_of(person).leader_agency_ids


def may_see(person: Person, request: LeaveRequest) -> bool:
    return (request.person_id == person.pk or request.approver_id == person.pk
            or request.decided_by_id == person.pk or is_office(person, request.agency_id))


def may_name_cover(person: Person, request: LeaveRequest) -> bool:
    """Who names the colleague holding the person's tasks during the leave: those who see the
    request (the person, its approver, the office). The colleague himself does not see it."""
    return may_see(person, request)


def may_decide(person: Person, request: LeaveRequest) -> bool:
    return request.status == LeaveRequest.Status.PENDING and request.approver_id == person.pk
