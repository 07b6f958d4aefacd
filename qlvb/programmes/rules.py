"""Who may see, write and approve a work programme (001 Đ10, 000 Đ11).

- Approval by the leader in charge: an agency's programme by the agency head (Giám đốc); a unit's
  by the leader in charge of a field (lĩnh vực, org.Field.leader) that supervises the unit, or
  the agency head (001 Đ10.1: "được Giám đốc, Phó Giám đốc Sở phê duyệt"); a person's by the
  head (or deputy head) of his unit — for the unit head himself, as for his unit's programme.
- Writing: the agency's programme is kept by the office (its heads) and the agency's leaders; a
  unit's by its heads and the leaders; a person's by the person.
- Seeing: the agency's programme, once approved, by everyone of the agency, its drafts by the
  office and the leaders; a unit's by the unit's people and the leaders; a person's by the person,
  his unit's heads and the leaders. Nobody outside the agency (a 404, like a missing programme).
"""

from __future__ import annotations

from django.db.models import Q

from qlvb.core import kinds
from qlvb.org import permissions
from qlvb.org.models import Field, Person, Position, Post, Unit
from qlvb.org.roles import HEAD_KINDS, roles_of
from qlvb.programmes.models import Programme


def is_leader(person: Person, agency_id: int) -> bool:
    return agency_id in roles_of(person).leader_agency_ids


def is_agency_head(person: Person, agency_id: int) -> bool:
    return Post.objects.filter(person=person, agency_id=agency_id, end_date__isnull=True,
                               position__kind=Position.Kind.AGENCY_HEAD).exists()


def is_office_head(person: Person, agency_id: int) -> bool:
    """A head of the agency's office (Văn phòng): it keeps the agency's programme."""
    headed = sorted(roles_of(person).headed_unit_ids)
    return bool(headed) and Unit.objects.filter(pk__in=headed, agency_id=agency_id, kind=Unit.Kind.OFFICE).exists()


def may_see(person: Person, programme: Programme) -> bool:
    return kinds.may_see("programme", person, programme)


def may_write(person: Person, programme: Programme) -> bool:
    """Draft its items, submit it, adjust it once approved."""
    return may_create(person, programme.agency_id, programme.scope, programme.owner_unit_id,
                      programme.owner_person_id)


def may_create(person: Person, agency_id: int, scope: str, unit_id: int | None, person_id: int | None) -> bool:
    roles = roles_of(person)
    if agency_id not in permissions.member_agency_ids(person):
        return False
    if scope == Programme.Scope.PERSON:
        return person_id == person.pk
    if is_leader(person, agency_id):
        return True
    if scope == Programme.Scope.UNIT:
        return unit_id in roles.headed_unit_ids
    return scope == Programme.Scope.AGENCY and is_office_head(person, agency_id)


def fields_in_charge(unit_id: int) -> list[Field]:
    """The fields supervising the unit, with their leaders in charge."""
    return list(Field.objects.filter(units__pk=unit_id, leader__isnull=False, leader__is_active=True)
                .select_related("leader").order_by("name"))


def approver_for(programme: Programme) -> Person | None:
    """Whom the programme is submitted to: see the module's docstring."""
    from qlvb.org.selectors import people_posted

    if programme.scope == Programme.Scope.PERSON:
        unit_heads = people_posted(HEAD_KINDS, unit_ids=[programme.owner_unit_id or 0])
        if programme.owner_person_id not in unit_heads:
            heads = people_posted({Position.Kind.UNIT_HEAD}, unit_ids=[programme.owner_unit_id or 0]) or unit_heads
            if heads:
                return Person.objects.filter(pk=heads[0]).first()
        # The unit head's own programme: as his unit's, the leader in charge.
    if programme.scope in (Programme.Scope.UNIT, Programme.Scope.PERSON) and programme.owner_unit_id:
        for field in fields_in_charge(programme.owner_unit_id):
            if field.leader is not None and field.leader.agency_id == programme.agency_id:
                return field.leader
    heads = people_posted({Position.Kind.AGENCY_HEAD}, agency_id=programme.agency_id)
    return Person.objects.filter(pk=heads[0]).first() if heads else None


def approvable(person: Person) -> Q:
    """may_approve() as a condition on programmes, for the "waiting for my approval" list."""
    roles = roles_of(person)
    head_of = sorted(Post.objects.filter(person=person, end_date__isnull=True,
                                         position__kind=Position.Kind.AGENCY_HEAD).values_list("agency_id", flat=True))
    field_units = Field.objects.filter(leader=person).values("units")
    condition = (Q(approver_id=person.pk)
                 | Q(scope__in=[Programme.Scope.AGENCY, Programme.Scope.UNIT], agency_id__in=head_of)
                 | Q(scope=Programme.Scope.UNIT, owner_unit_id__in=field_units)
                 | Q(scope=Programme.Scope.PERSON, owner_unit_id__in=sorted(roles.headed_unit_ids))
                 | Q(scope=Programme.Scope.PERSON, agency_id__in=sorted(roles.leader_agency_ids)))
    return condition & ~Q(owner_person_id=person.pk)


def may_approve(person: Person, programme: Programme) -> bool:
    """The approver, the agency head, or (a unit's) a leader in charge of one of its fields; (a
    person's) a head of his unit."""
    if person.pk == programme.owner_person_id:
        return False
    if programme.approver_id == person.pk:
        return True
    if programme.scope == Programme.Scope.PERSON:
        if is_leader(person, programme.agency_id):
            return True
        if programme.owner_unit_id not in roles_of(person).headed_unit_ids:
            return False
        # A head approves his people's programmes, not another head's of the same unit.
        return not Post.objects.filter(person_id=programme.owner_person_id or 0, unit_id=programme.owner_unit_id,
                                       end_date__isnull=True, position__kind__in=sorted(HEAD_KINDS)).exists()
    if is_agency_head(person, programme.agency_id):
        return True
    if programme.scope == Programme.Scope.UNIT and programme.owner_unit_id:
        return any(f.leader_id == person.pk for f in fields_in_charge(programme.owner_unit_id))
    return False
