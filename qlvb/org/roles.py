"""A person's roles, derived from the posts they hold (and the authority they act with)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser

from qlvb.core import personcache
from qlvb.core import rows as core_rows
from qlvb.org.models import Person, Position, Post, Unit

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
    roles = _roles_from(rows)
    person._roles = roles
    return roles


def _roles_from(rows: list[tuple[str, int, int]]) -> Roles:
    """Roles from a person's open posts: (position kind, unit id, agency id) each."""
    leader_kinds = {Position.Kind.AGENCY_HEAD, Position.Kind.AGENCY_DEPUTY}
    return Roles(
        kinds=frozenset(kind for kind, _, _ in rows),
        unit_ids=frozenset(unit for _, unit, _ in rows),
        headed_unit_ids=frozenset(unit for kind, unit, _ in rows if kind in HEAD_KINDS),
        leader_agency_ids=frozenset(agency for kind, _, agency in rows if kind in leader_kinds),
        clerk_agency_ids=frozenset(agency for kind, _, agency in rows if kind == Position.Kind.CLERK),
    )


# Asked for the recipients of every notification: compiled once (core.rows.Read).
_OPEN_POSTS = core_rows.Read(lambda people: Post.objects.filter(person_id__in=people, end_date__isnull=True)
                             .order_by().values_list("person_id", "position__kind", "unit_id", "agency_id"), list)


def prime(people: list[Person]) -> None:
    """Read the open posts of many people in one query, so that roles_of() and
    permissions.member_agency_ids() of each ask nothing more: who a notification goes to is
    checked for each of 50 or 700 people at once."""
    waiting = [p for p in people if p.pk and getattr(p, "_roles", None) is None]
    if not waiting:
        return
    rows: dict[int, list[tuple[str, int, int]]] = {p.pk: [] for p in waiting}
    for person_id, kind, unit_id, agency_id in _OPEN_POSTS.rows(sorted(rows)):
        rows[person_id].append((kind, unit_id, agency_id))
    for person in waiting:
        mine = rows[person.pk]
        person._roles = _roles_from(mine)
        person._member_agency_ids = ({person.agency_id} if person.agency_id else set()) | {a for _, _, a in mine}


def office_agency_ids(person: Person) -> frozenset[int]:
    """The agencies whose office (Văn phòng) the person is posted in: the office prepares the
    meetings, keeps the notices and disclosures, runs the consultations. Read once per request
    (kept on the person object) and kept between requests until the next event (core.personcache):
    the menus of every page ask it."""
    cached = getattr(person, "_office_agencies", None)
    if cached is not None:
        return cached
    unit_ids = sorted(roles_of(person).unit_ids)
    found = frozenset(personcache.cached("office-agencies", person.pk, lambda: list(
        Unit.objects.filter(pk__in=unit_ids, kind=Unit.Kind.OFFICE).values_list("agency_id", flat=True)))
    ) if unit_ids else frozenset()
    person._office_agencies = found  # type: ignore[attr-defined]
    return found
