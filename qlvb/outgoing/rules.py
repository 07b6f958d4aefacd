"""Who may do what with an outgoing document."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qlvb.org.models import SigningAuthority
from qlvb.org.roles import roles_of

if TYPE_CHECKING:
    from qlvb.org.models import Person
    from qlvb.outgoing.models import OutgoingDocument, ReviewStep


def is_clerk(person: Person | None, agency_id: int) -> bool:
    return person is not None and agency_id in roles_of(person).clerk_agency_ids


def holds_draft(person: Person | None, document: OutgoingDocument) -> bool:
    from qlvb.outgoing.models import OutgoingDocument

    return person is not None and document.drafter_id == person.pk and document.status in (
        OutgoingDocument.Status.DRAFT, OutgoingDocument.Status.RETURNED)


def current_step(document: OutgoingDocument) -> ReviewStep | None:
    from qlvb.outgoing.models import ReviewStep

    return document.steps.filter(state=ReviewStep.State.PENDING).select_related("reviewer").first()


def can_sign(person: Person, document: OutgoingDocument) -> SigningAuthority | None:
    """The signing authority that lets this person sign this document (R3), if any: the head
    signs everything; a deputy signs in their fields; a unit head signs their unit's documents."""
    authorities = SigningAuthority.objects.filter(person=person, agency_id=document.agency_id).prefetch_related(
        "fields")
    for authority in authorities:
        if authority.document_types and document.doc_type not in authority.document_types:
            continue
        field_ids = {f.pk for f in authority.fields.all()}
        if field_ids and document.field_id not in field_ids:
            continue
        if authority.scope == SigningAuthority.Scope.UNIT and authority.unit_id != document.drafting_unit_id:
            continue
        return authority
    return None
