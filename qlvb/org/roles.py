"""A person's roles, derived from the posts they hold (and the authority they act with)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser

from qlvb.core import personcache
from qlvb.org.models import Person, Position, Post

# Who leads a unit: its head and deputies; the agency head leads the leadership unit.
HEAD_KINDS = frozenset({Position.Kind.UNIT_HEAD, Position.Kind.UNIT_DEPUTY, Position.Kind.AGENCY_HEAD})


@dataclass(frozen=True)
class Roles:
    kinds: frozenset[str] = field(default_factory=frozenset)
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    headed_unit_ids: frozenset[int] = field(default_factory=frozenset)
    # Agencies where the person leads (sees all processing, R29) or keeps the registers.
    leader_agency_ids: frozenset[int] = field(default_factory=frozenset)
    clerk_agency_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_agency_leader(self) -> bool:
        return bool(self.kinds & {Position.Kind.AGENCY_HEAD, Position.Kind.AGENCY_DEPUTY})

    @property
    def is_agency_head(self) -> bool:
        return Position.Kind.AGENCY_HEAD in self.kinds

    @property
    def is_unit_head(self) -> bool:
        return bool(self.headed_unit_ids)

    @property
    def is_clerk(self) -> bool:
        return Position.Kind.CLERK in self.kinds

    @property
    def primary(self) -> str:
        """The role whose home page the person lands on."""
        for kind, role in (
            (Position.Kind.AGENCY_HEAD, "leader"),
            (Position.Kind.AGENCY_DEPUTY, "leader"),
            (Position.Kind.CLERK, "clerk"),
            (Position.Kind.UNIT_HEAD, "unit_head"),
            (Position.Kind.UNIT_DEPUTY, "unit_head"),
        ):
            if kind in self.kinds:
                return role
        return "specialist"


def roles_of(person: Person | AnonymousUser | None) -> Roles:
    if person is None or isinstance(person, AnonymousUser) or not person.pk:
        return Roles()
    cached = getattr(person, "_roles", None)
    if cached is not None:
        return cached
    # Asked by every page and permission check; kept until the next event (a post is an event).
    rows = personcache.cached("posts", person.pk, lambda: list(
        Post.objects.filter(person=person, end_date__isnull=True).values_list("position__kind", "unit_id",
                                                                              "agency_id")))
    roles = _roles(rows)
    person._roles = roles
    return roles


def _roles(rows: list[tuple[str, int, int]]) -> Roles:
    """Roles from the person's open posts, as (position kind, unit, agency)."""
    leader_kinds = {Position.Kind.AGENCY_HEAD, Position.Kind.AGENCY_DEPUTY}
    return Roles(
        kinds=frozenset(kind for kind, _, _ in rows),
        unit_ids=frozenset(unit for _, unit, _ in rows),
        headed_unit_ids=frozenset(unit for kind, unit, _ in rows if kind in HEAD_KINDS),
        leader_agency_ids=frozenset(agency for kind, _, agency in rows if kind in leader_kinds),
        clerk_agency_ids=frozenset(agency for kind, _, agency in rows if kind == Position.Kind.CLERK),
    )


def prime(people: Iterable[Person]) -> None:
    """Read the roles and agencies of many people in one query (a job that checks what each of
    thousands of people may open), instead of one query per person when roles_of() or
    permissions.member_agency_ids() is first asked."""
    people = [p for p in people if p.pk and getattr(p, "_roles", None) is None]
    if not people:
        return
    rows: dict[int, list[tuple[str, int, int]]] = {p.pk: [] for p in people}
    for person_id, kind, unit_id, agency_id in Post.objects.filter(
            person_id__in=sorted(rows), end_date__isnull=True).values_list("person_id", "position__kind", "unit_id",
                                                                            "agency_id"):
        rows[person_id].append((kind, unit_id, agency_id))
    for person in people:
        person._roles = _roles(rows[person.pk])
        agencies = {agency for _, _, agency in rows[person.pk]}
        person._member_agency_ids = agencies | ({person.agency_id} if person.agency_id else set())
