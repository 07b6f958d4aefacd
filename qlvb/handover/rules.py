"""Who may hand over a person's work in an agency (000 Đ4.1.d): the head (or deputy) of a unit the
person is or was posted in, the agency's leaders and its administrators. Anyone else: 404."""

from __future__ import annotations

from qlvb.org import permissions
from qlvb.org.models import Person, Post
from qlvb.org.roles import roles_of


def belongs(person: Person, agency_id: int) -> bool:
    """The person works or worked in the agency (an ended post still counts: that is the case)."""
    return person.agency_id == agency_id or Post.objects.filter(person=person, agency_id=agency_id).exists()


def may_manage(viewer: Person | None, agency_id: int) -> bool:
    """The agency's leaders and administrators: every person of the agency."""
    if viewer is None or not viewer.is_active:
        return False
    return permissions.can_manage_agency(viewer, agency_id) or agency_id in roles_of(viewer).leader_agency_ids


def may_hand_over(viewer: Person | None, person: Person, agency_id: int) -> bool:
    if viewer is None or not viewer.is_active or not belongs(person, agency_id):
        return False
    if may_manage(viewer, agency_id):
        return True
    headed = roles_of(viewer).headed_unit_ids
    return bool(headed) and Post.objects.filter(person=person, agency_id=agency_id,
                                                unit_id__in=sorted(headed)).exists()


def may_list(viewer: Person | None, agency_id: int) -> bool:
    """The list of past hand-overs: the leaders, the administrators and the unit heads."""
    return may_manage(viewer, agency_id) or bool(viewer and roles_of(viewer).headed_unit_ids
                                                 and agency_id in permissions.member_agency_ids(viewer))
