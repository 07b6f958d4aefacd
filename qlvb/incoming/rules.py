"""Who may do what with an incoming document. Pure functions of the person's roles and the
document's rows, shared by services, selectors, views and the API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qlvb.org.roles import roles_of

if TYPE_CHECKING:
    from qlvb.incoming.models import Assignment, IncomingDocument
    from qlvb.org.models import Person


def is_clerk(person: Person | None, agency_id: int) -> bool:
    return person is not None and agency_id in roles_of(person).clerk_agency_ids


def is_leader(person: Person | None, agency_id: int) -> bool:
    return person is not None and agency_id in roles_of(person).leader_agency_ids


def holds(person: Person | None, assignment: Assignment) -> bool:
    """The person is the assignee, or heads the unit the assignment went to."""
    if person is None:
        return False
    if assignment.assignee_person_id is not None:
        return assignment.assignee_person_id == person.pk
    return assignment.assignee_unit_id in roles_of(person).headed_unit_ids


def may_route_top(person: Person | None, document: IncomingDocument) -> bool:
    from qlvb.incoming.models import IncomingDocument

    if document.status in (IncomingDocument.Status.DRAFT, IncomingDocument.Status.COMPLETED):
        return False
    return document.presented_to_id == getattr(person, "pk", None) or is_leader(person, document.agency_id)


def may_reopen(person: Person | None, document: IncomingDocument) -> bool:
    from qlvb.incoming.models import IncomingDocument

    return document.status == IncomingDocument.Status.COMPLETED and (
        is_leader(person, document.agency_id) or document.completed_by_id == getattr(person, "pk", None)
    )


def may_change(person: Person | None, assignment: Assignment) -> bool:
    """Whoever made a routing may change or withdraw it (acting for someone counts as them)."""
    if person is None or not assignment.is_open:
        return False
    return person.pk in (assignment.assigned_by_id, assignment.on_behalf_of_id)
