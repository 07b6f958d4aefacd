"""Who may do what with the organisation. One place, used by views, the API and services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qlvb.core import personcache

if TYPE_CHECKING:
    from qlvb.org.models import Agency, Person


def _agency_id(agency: Agency | int | None) -> int | None:
    return agency if agency is None or isinstance(agency, int) else agency.pk


def is_installation_admin(person: Person | None) -> bool:
    return bool(person and person.is_active and person.is_superuser)


def can_manage_agency(person: Person | None, agency: Agency | int | None) -> bool:
    """Installation administrators manage every agency; an agency administrator manages their own."""
    if person is None or not person.is_active:
        return False
    if person.is_superuser:
        return True
    return person.is_agency_admin and person.agency_id is not None and person.agency_id == _agency_id(agency)


def can_manage_person(manager: Person | None, person: Person) -> bool:
    if person.is_superuser and not is_installation_admin(manager):
        return False
    return can_manage_agency(manager, person.agency_id)


def can_view_agency(person: Person | None, agency: Agency | int | None) -> bool:
    """Staff see their own agency's organisation, including agencies where they hold a post."""
    if person is None or not person.is_active:
        return False
    if person.is_superuser:
        return True
    agency_id = _agency_id(agency)
    return agency_id is not None and agency_id in member_agency_ids(person)


def member_agency_ids(person: Person) -> set[int]:
    cached = getattr(person, "_member_agency_ids", None)
    if cached is None:
        from qlvb.org.models import Post

        cached = {person.agency_id} if person.agency_id else set()
        cached |= personcache.cached("post-agencies", person.pk, lambda: set(
            Post.objects.filter(person=person, end_date__isnull=True).values_list("agency_id", flat=True)))
        person._member_agency_ids = cached
    return cached


def can_view_audit_log(person: Person | None, agency: Agency | int | None) -> bool:
    return can_manage_agency(person, agency)
