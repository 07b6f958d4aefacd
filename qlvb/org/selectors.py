"""Organisation reads. Every list is scoped to what the viewer may see, with a fixed number of
queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from qlvb.core import personcache
from qlvb.core.text import fold
from qlvb.org import permissions
from qlvb.org.models import Agency, Delegation, Field, Person, Position, Post, SigningAuthority, Unit


def visible_agencies(viewer: Person) -> QuerySet[Agency]:
    if permissions.is_installation_admin(viewer):
        return Agency.objects.all()
    return Agency.objects.filter(pk__in=permissions.member_agency_ids(viewer))


def get_agency(viewer: Person, pk: int) -> Agency:
    agency = Agency.objects.filter(pk=pk).select_related("parent").first()
    if agency is None or not permissions.can_view_agency(viewer, agency):
        raise Http404()
    return agency


def _open_posts() -> Prefetch:
    return Prefetch(
        "posts",
        queryset=Post.objects.filter(end_date__isnull=True).select_related("unit", "position"),
        to_attr="open_posts",
    )


def people_list(*, viewer: Person, agency: Agency, query: str = "", unit: Unit | None = None,
                include_inactive: bool = False) -> QuerySet[Person]:
    if not permissions.can_view_agency(viewer, agency):
        raise Http404()
    # Subqueries on the posts' index rather than a join + DISTINCT, which would scan every person
    # of the installation (measured in bench/: the smallest agency cost as much as the largest).
    holders = Post.objects.filter(agency=agency, end_date__isnull=True).values("person_id")
    people = Person.objects.filter(Q(agency=agency) | Q(pk__in=holders), deleted_at__isnull=True)
    if unit is not None:
        people = people.filter(pk__in=Post.objects.filter(unit=unit, end_date__isnull=True).values("person_id"))
    if not include_inactive:
        people = people.filter(is_active=True)
    if query:
        # Accent-insensitive: the folded query against the folded name ("nguyen van" finds
        # "Nguyễn Văn"), and the username and e-mail as typed.
        q = query.strip()
        people = people.filter(
            Q(name_folded__contains=fold(q)) | Q(username__icontains=fold(q).replace(" ", ""))
            | Q(email__icontains=q)
        )
    return people.order_by("full_name", "pk").prefetch_related(_open_posts())


def get_person(viewer: Person, pk: int) -> Person:
    person = (
        Person.objects.filter(pk=pk, is_superuser=False, deleted_at__isnull=True).select_related("agency")
        .prefetch_related(_open_posts())
        .first()
    )
    if person is None or not permissions.can_view_agency(viewer, person.agency_id):
        raise Http404()
    return person


@dataclass
class UnitNode:
    unit: Unit
    depth: int
    children: list[UnitNode] = field(default_factory=list)
    people: list[Post] = field(default_factory=list)


def unit_tree(agency: Agency, *, with_people: bool = False) -> list[UnitNode]:
    """The agency's units as a tree, built from one query (two with people)."""
    units = list(Unit.objects.filter(agency=agency, deleted_at__isnull=True).order_by("order", "name"))
    nodes = {unit.pk: UnitNode(unit=unit, depth=0) for unit in units}
    roots: list[UnitNode] = []
    for unit in units:
        node = nodes[unit.pk]
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent else roots).append(node)
    if with_people:
        posts = (Post.objects.filter(agency=agency, end_date__isnull=True, person__is_active=True)
                 .select_related("person", "position").order_by("position__order", "person__full_name"))
        for post in posts:
            if post.unit_id in nodes:
                nodes[post.unit_id].people.append(post)

    def set_depth(items: list[UnitNode], depth: int) -> None:
        for item in items:
            item.depth = depth
            set_depth(item.children, depth + 1)

    set_depth(roots, 0)
    return roots


def flatten(nodes: list[UnitNode]) -> list[UnitNode]:
    result: list[UnitNode] = []
    for node in nodes:
        result.append(node)
        result.extend(flatten(node.children))
    return result


def positions(agency: Agency) -> QuerySet[Position]:
    return Position.objects.filter(agency=agency).order_by("order", "name")


def fields_of(agency: Agency) -> QuerySet[Field]:
    return (Field.objects.filter(agency=agency).select_related("leader")
            .prefetch_related("units").order_by("name"))


def signing_authorities(agency: Agency) -> QuerySet[SigningAuthority]:
    return (SigningAuthority.objects.filter(agency=agency).select_related("person", "unit")
            .prefetch_related("fields").order_by("person__full_name"))


def field_leader_for(field_id: int) -> Person | None:
    """The leader an incoming document of this field is proposed to first (R2)."""
    return Person.objects.filter(led_fields__pk=field_id, is_active=True).first()


def delegations_in_force(agency_id: int, at: datetime | None = None) -> QuerySet[Delegation]:
    at = at or timezone.now()
    return (Delegation.objects.filter(agency_id=agency_id, status=Delegation.Status.APPROVED,
                                      starts_at__lte=at, ends_at__gt=at)
            .select_related("delegator", "delegate").order_by("ends_at"))


def delegations_for_delegate(person: Person, at: datetime | None = None) -> list[Delegation]:
    """In force now, read afresh on every request (not kept: acting for someone is decided by it)."""
    at = at or timezone.now()
    return list(Delegation.objects.filter(delegate=person, status=Delegation.Status.APPROVED,
                                          starts_at__lte=at, ends_at__gt=at).select_related("delegator"))


def delegations_involving(person: Person) -> QuerySet[Delegation]:
    return (Delegation.objects.filter(Q(delegator=person) | Q(delegate=person) | Q(approver=person))
            .select_related("delegator", "delegate", "approver").order_by("-starts_at"))


def delegations_to_approve(person: Person) -> list[Delegation]:
    from qlvb.org.roles import roles_of

    if not roles_of(person).is_agency_leader:
        return []
    return personcache.cached("delegations-to-approve", person.pk, lambda: list(
        Delegation.objects.filter(status=Delegation.Status.PENDING, agency_id__in=permissions.member_agency_ids(person))
        .exclude(delegate=person).exclude(delegator=person)
        .select_related("delegator", "delegate").order_by("starts_at")))


def get_delegation(viewer: Person, pk: int) -> Delegation:
    delegation = Delegation.objects.filter(pk=pk).select_related("delegator", "delegate", "approver").first()
    if delegation is None or not permissions.can_view_agency(viewer, delegation.agency_id):
        raise Http404()
    return delegation


def people_posted(kinds: frozenset[str] | set[str], *, agency_id: int | None = None,
                  unit_ids: list[int] | None = None) -> list[int]:
    """The active people holding an open post of these kinds (in this agency, or in these units):
    who a unit's assignment or an agency's reception queue is for."""
    posts = Post.objects.filter(end_date__isnull=True, position__kind__in=sorted(kinds), person__is_active=True,
                                person__locked_at__isnull=True)
    if agency_id is not None:
        posts = posts.filter(agency_id=agency_id)
    if unit_ids is not None:
        posts = posts.filter(unit_id__in=unit_ids)
    return sorted(set(posts.values_list("person_id", flat=True)))
