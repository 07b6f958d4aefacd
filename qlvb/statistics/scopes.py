"""Whose work a statistic covers, and who may ask for it (R29; 003 Đ13–Đ15, Đ18):

- a person: their own figures, always; another's only for that person's leaders (the leaders of
  an agency where the person holds a post, the heads of the person's units), never for colleagues
  — the office and the clerks included;
- a unit: its heads, and the agency's overseers;
- fields: the deputy in charge of them, and the agency's overseers;
- an agency: its overseers: its leaders (head and deputies), the heads of its office (Văn phòng)
  and its clerks, who keep the registers and compile the reports (003 Đ14.1). Only leaders see
  the figures broken down by person (`leads_people`);
- the province: the same people of an agency that has agencies under it (the UBND tỉnh and its
  office), over that agency and every agency below it;
- the Department (Sở TT&TT, itstaff.rules): its people, over every agency, for the IT reports and
  incidents only (DEPARTMENT_KINDS; params.read refuses any other kind there).

A scope someone may not open is answered as not found (Http404), like a document they may not see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from qlvb.org.models import Agency, Field, Person, Post, Unit
from qlvb.org.permissions import member_agency_ids
from qlvb.org.roles import office_agency_ids, roles_of

LEVELS = ("province", "department", "agency", "fields", "unit", "person")
# What the Department's scope counts: the work reported to it by every agency (seed 004 Đ7).
DEPARTMENT_KINDS = ("itincident", "itreport")


@dataclass(frozen=True)
class Scope:
    level: str
    agency_ids: frozenset[int]
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    field_ids: frozenset[int] = field(default_factory=frozenset)
    person_id: int | None = None
    label: str = ""
    agency_id: int | None = None  # the agency the scope was opened from (the root of a province)

    def q(self) -> Q:
        """The condition on statistics rows."""
        condition = Q(agency_id__in=sorted(self.agency_ids))
        if self.unit_ids:
            condition &= Q(unit_id__in=sorted(self.unit_ids))
        if self.field_ids:
            condition &= Q(field_id__in=sorted(self.field_ids))
        if self.person_id is not None:
            condition &= Q(person_id=self.person_id)
        return condition

    def params(self) -> dict[str, str]:
        """The page parameters that give this scope back."""
        params = {"scope": self.level}
        if self.agency_id:
            params["agency"] = str(self.agency_id)
        if self.level == "unit":
            params["unit"] = ",".join(str(u) for u in sorted(self.unit_ids))
        if self.level == "fields":
            params["field"] = ",".join(str(f) for f in sorted(self.field_ids))
        if self.level == "person" and self.person_id is not None:
            params["person"] = str(self.person_id)
        return params


def overseen_agency_ids(person: Person) -> frozenset[int]:
    """The agencies whose whole statistics the person may read: where they lead, head the office
    or keep the registers."""
    roles = roles_of(person)
    offices = office_agency_ids(person)
    headed_offices: frozenset[int] = frozenset()
    if offices and roles.headed_unit_ids:
        headed_offices = frozenset(Unit.objects.filter(pk__in=roles.headed_unit_ids, agency_id__in=offices)
                                   .values_list("agency_id", flat=True))
    return roles.leader_agency_ids | roles.clerk_agency_ids | headed_offices


def leads_people(viewer: Person, scope: Scope) -> bool:
    """Whether the viewer may see this scope's figures person by person (003 Đ18: the person and
    their leaders, never colleagues)."""
    roles = roles_of(viewer)
    if scope.agency_ids & roles.leader_agency_ids and scope.level not in ("province", "department"):
        return True
    if scope.level == "unit":
        return scope.unit_ids <= roles.headed_unit_ids
    if scope.level == "person" and scope.person_id is not None:
        return may_read_person(viewer, scope.person_id, scope.agency_id or 0)
    return False


def agencies_of(person: Person) -> list[Agency]:
    """The agencies the person can open statistics in (two posts: two agencies), home first."""
    roles = roles_of(person)
    ids = set(overseen_agency_ids(person))
    if roles.headed_unit_ids:
        ids |= set(Unit.objects.filter(pk__in=roles.headed_unit_ids).values_list("agency_id", flat=True))
    # Their own figures in every agency where they hold a post (a second post: a second agency).
    ids |= member_agency_ids(person)
    return sorted(Agency.objects.filter(pk__in=ids), key=lambda a: (a.pk != person.agency_id, a.name))


def province_agency_ids(root_id: int) -> frozenset[int]:
    """The agency and every agency below it."""
    found, frontier = {root_id}, [root_id]
    while frontier:
        frontier = list(Agency.objects.filter(parent_id__in=frontier, is_active=True).exclude(pk__in=found)
                        .values_list("pk", flat=True))
        found.update(frontier)
    return frozenset(found)


def is_department(person: Person, agency_id: int) -> bool:
    """The agency is the Department (IT oversight) and the person works there."""
    from qlvb.itstaff import rules as itstaff_rules

    return agency_id == itstaff_rules.department_id() and itstaff_rules.is_department(person, agency_id)


def led_field_ids(person: Person, agency_id: int) -> frozenset[int]:
    return frozenset(Field.objects.filter(agency_id=agency_id, leader=person).values_list("pk", flat=True))


def default_level(person: Person, agency_id: int) -> str:
    """The dashboard a person lands on: the agency's for its head and office, a deputy's fields,
    a unit head's units, otherwise their own figures."""
    roles = roles_of(person)
    if agency_id in overseen_agency_ids(person):
        if agency_id in roles.leader_agency_ids and not roles.is_agency_head and led_field_ids(person, agency_id):
            return "fields"
        return "agency"
    if _headed_here(person, agency_id):
        return "unit"
    return "person"


def _headed_here(person: Person, agency_id: int) -> frozenset[int]:
    headed = roles_of(person).headed_unit_ids
    if not headed:
        return frozenset()
    return frozenset(Unit.objects.filter(pk__in=headed, agency_id=agency_id).values_list("pk", flat=True))


def levels_open_to(person: Person, agency_id: int) -> list[str]:
    """The levels the person may open in this agency (the dashboard's tabs)."""
    oversees = agency_id in overseen_agency_ids(person)
    levels = []
    if oversees and Agency.objects.filter(parent_id=agency_id, is_active=True).exists():
        levels.append("province")
    if is_department(person, agency_id):
        levels.append("department")
    if oversees:
        levels.append("agency")
    if oversees or led_field_ids(person, agency_id):
        levels.append("fields")
    if oversees or _headed_here(person, agency_id):
        levels.append("unit")
    levels.append("person")
    return levels


def _ids(text: str | None) -> frozenset[int]:
    try:
        return frozenset(int(part) for part in (text or "").split(",") if part.strip())
    except ValueError:
        raise Http404() from None


def resolve(person: Person, params: Mapping[str, str], agency_id: int | None = None) -> Scope:
    """The scope asked by a page's parameters (`scope`, `agency`, `unit`, `field`, `person`), or
    the person's default one; Http404 if they may not open it."""
    get = params.get
    if agency_id is None:
        agency_ids = _ids(get("agency"))
        if len(agency_ids) > 1:
            raise Http404()
        agency_id = next(iter(agency_ids), None) or person.agency_id
    if agency_id is None:
        raise Http404()
    if agency_id not in {a.pk for a in agencies_of(person)}:
        raise Http404()
    level = get("scope") or default_level(person, agency_id)
    if level not in LEVELS:
        raise Http404()
    oversees = agency_id in overseen_agency_ids(person)
    agency = Agency.objects.get(pk=agency_id)
    if level == "province":
        if not oversees:
            raise Http404()
        ids = province_agency_ids(agency_id)
        if len(ids) < 2:
            raise Http404()
        return Scope("province", ids, label=_("Province: %(name)s and its agencies") % {"name": agency.name},
                     agency_id=agency_id)
    if level == "department":
        if not is_department(person, agency_id):
            raise Http404()
        return Scope("department", frozenset(Agency.objects.values_list("pk", flat=True)),
                     label=_("%(name)s: every agency") % {"name": agency.name}, agency_id=agency_id)
    if level == "agency":
        if not oversees:
            raise Http404()
        return Scope("agency", frozenset({agency_id}), label=agency.name, agency_id=agency_id)
    if level == "fields":
        fields = _ids(get("field")) or led_field_ids(person, agency_id)
        found = list(Field.objects.filter(pk__in=fields, agency_id=agency_id))
        if not found or len(found) != len(fields):
            raise Http404()
        if not oversees and any(f.leader_id != person.pk for f in found):
            raise Http404()
        return Scope("fields", frozenset({agency_id}), field_ids=frozenset(f.pk for f in found),
                     label=", ".join(f.name for f in found), agency_id=agency_id)
    if level == "unit":
        units = _ids(get("unit")) or _headed_here(person, agency_id)
        found_units = list(Unit.objects.filter(pk__in=units, agency_id=agency_id))
        if not found_units or len(found_units) != len(units):
            raise Http404()
        if not oversees and not {u.pk for u in found_units} <= roles_of(person).headed_unit_ids:
            raise Http404()
        return Scope("unit", frozenset({agency_id}), unit_ids=frozenset(u.pk for u in found_units),
                     label=", ".join(u.name for u in found_units), agency_id=agency_id)
    # One person's figures.
    target_ids = _ids(get("person")) or frozenset({person.pk})
    if len(target_ids) != 1:
        raise Http404()
    target_id = next(iter(target_ids))
    target = Person.objects.filter(pk=target_id).only("pk", "full_name").first()
    if target is None or not may_read_person(person, target_id, agency_id):
        raise Http404()
    return Scope("person", frozenset({agency_id}), person_id=target_id, label=target.full_name, agency_id=agency_id)


def may_read_person(viewer: Person, person_id: int, agency_id: int) -> bool:
    """A person's figures: theirs, their agency's leaders and office, the heads of their units."""
    if viewer.pk == person_id:
        return True
    posts = list(Post.objects.filter(person_id=person_id, agency_id=agency_id, end_date__isnull=True)
                 .values_list("unit_id", flat=True))
    if not posts and not Person.objects.filter(pk=person_id, agency_id=agency_id).exists():
        return False
    roles = roles_of(viewer)
    return agency_id in roles.leader_agency_ids or bool(set(posts) & roles.headed_unit_ids)
