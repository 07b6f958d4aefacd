"""Who may do what with an outgoing document."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qlvb.org.models import SigningAuthority
from qlvb.org.roles import roles_of

if TYPE_CHECKING:
    from qlvb.org.models import Agency, Person
    from qlvb.outgoing.models import OutgoingDocument, ReviewStep


def is_clerk(person: Person | None, agency_id: int) -> bool:
    return person is not None and agency_id in roles_of(person).clerk_agency_ids


def holds_draft(person: Person | None, document: OutgoingDocument) -> bool:
    from qlvb.outgoing.models import OutgoingDocument

    return person is not None and document.drafter_id == person.pk and document.status in (
        OutgoingDocument.Status.DRAFT, OutgoingDocument.Status.RETURNED)


def may_cancel(person: Person | None, document: OutgoingDocument) -> bool:
    """Before issuing: the drafter, or a leader of the agency. Once issued, only the agency's
    administrator, on the instruction the regulation requires (003 Đ14.5: the clerk reports an
    error to the IT unit's leader, who has the system administrator correct it)."""
    from qlvb.org.permissions import can_manage_agency
    from qlvb.org.roles import roles_of
    from qlvb.outgoing.models import OutgoingDocument

    if person is None or document.status == OutgoingDocument.Status.CANCELLED:
        return False
    if document.status == OutgoingDocument.Status.ISSUED:
        return can_manage_agency(person, document.agency_id)
    return document.drafter_id == person.pk or document.agency_id in roles_of(person).leader_agency_ids


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


def pending_step(document: OutgoingDocument, person: Person | None) -> ReviewStep | None:
    """The person's step waiting for him (several signers of one group may each have one)."""
    from qlvb.outgoing.models import ReviewStep

    if person is None:
        return None
    return document.steps.filter(state=ReviewStep.State.PENDING, reviewer=person).select_related("reviewer").first()


def can_sign_for(person: Person, agency: Agency) -> str | None:
    """For a joint document: the capacity in which the person signs for a co-issuing agency ("" as
    its head or with its authority over every document), or None. The co-issuer's authority is
    not bound to the lead agency's fields or units."""
    from qlvb.org.models import Position, Post

    if not person.is_active:
        return None
    if Post.objects.filter(person=person, agency=agency, end_date__isnull=True,
                           position__kind=Position.Kind.AGENCY_HEAD).exists():
        return ""
    authority = (SigningAuthority.objects.filter(person=person, agency=agency, scope=SigningAuthority.Scope.AGENCY,
                                                 fields__isnull=True).order_by("pk").first())
    return authority.capacity if authority is not None else None
