"""Outgoing reads: what a person may see, their lists and counts."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from qlvb.core import kinds
from qlvb.core.paging import NewestFirst
from qlvb.org.models import Person
from qlvb.org.roles import roles_of
from qlvb.outgoing.models import CoIssuer, DocumentSigner, OutgoingDocument, Recipient, ReviewStep

LISTS = ["mine", "returned", "to_review", "to_sign", "to_issue", "issued", "received", "overdue_reviews"]


def visible_documents(person: Person) -> QuerySet[OutgoingDocument]:
    """Every outgoing document the person may open: the kind's one rule (outgoing/kind.py)."""
    return kinds.visible("outgoing", person)


def get_document(person: Person, pk: int) -> OutgoingDocument:
    document = (visible_documents(person).filter(pk=pk)
                .select_related("drafter", "drafting_unit", "signer", "field", "register", "reply_to", "issued_by",
                                "issued_file", "agency").first())
    if document is None:
        raise Http404()
    return document


def work_list(person: Person, name: str) -> QuerySet[OutgoingDocument]:
    documents = visible_documents(person)
    roles = roles_of(person)
    pending = ReviewStep.objects.filter(document=OuterRef("pk"), reviewer=person, state=ReviewStep.State.PENDING)
    if name == "returned":  # my drafts sent back to me
        return OutgoingDocument.objects.filter(drafter=person, status=OutgoingDocument.Status.RETURNED)
    if name == "mine":  # a drafter always sees their own drafts: no need for the access rows
        unfinished = [s for s in OutgoingDocument.Status.values if s != OutgoingDocument.Status.ISSUED]
        return OutgoingDocument.objects.filter(drafter=person, status__in=unfinished)
    if name == "to_review":
        return documents.filter(Exists(pending.exclude(kind=ReviewStep.Kind.SIGNER)))
    if name == "to_sign":
        several = DocumentSigner.objects.filter(document=OuterRef("pk"), person=person)
        return documents.filter(Q(Exists(pending.filter(kind=ReviewStep.Kind.SIGNER)))
                                | Q(signer=person, status=OutgoingDocument.Status.APPROVED)
                                | Q(Exists(several), status=OutgoingDocument.Status.APPROVED))
    if name == "to_issue":
        return documents.filter(agency_id__in=roles.clerk_agency_ids, status=OutgoingDocument.Status.SIGNED)
    if name == "issued":
        return documents.filter(status=OutgoingDocument.Status.ISSUED)
    if name == "received":
        mine = Recipient.objects.filter(document=OuterRef("pk")).filter(
            Q(kind=Recipient.Kind.PERSON, person=person) | Q(kind=Recipient.Kind.UNIT, unit_id__in=roles.unit_ids))
        return documents.filter(Exists(mine), status=OutgoingDocument.Status.ISSUED)
    if name == "overdue_reviews":
        late = ReviewStep.objects.filter(document=OuterRef("pk"), state=ReviewStep.State.PENDING,
                                         due_date__lt=timezone.localdate())
        return documents.filter(Exists(late)).filter(urgency="")
    raise Http404()


def issued_newest(person: Person, q: str = "") -> NewestFirst:
    """The issued list, newest first, as (document id, issue time) rows: the same documents as
    work_list(person, "issued"), read branch by branch from the kind's one rule — the person's
    access rows and their units' from the access indexes by issue time (OutgoingAccess.issued_at),
    each role's grant from the documents' (agency, issue time) index — so that a page reads a page
    of each branch whatever the person holds. The documents' own agency, status and secrecy are
    still tested on each row read: the access rows' issue time only orders them."""
    rule = kinds.get("outgoing").rule(person)
    agencies = sorted(rule.agencies)
    issued = OutgoingDocument.Status.ISSUED
    newest = ("-issued_at", "-document_id")
    branches = []
    for part in rule.access:
        rows = part.filter(issued_at__isnull=False, document__agency_id__in=agencies, document__status=issued)
        if q:
            rows = rows.filter(document__summary__icontains=q)
        branches.append(rows.order_by(*newest).values_list("document_id", "issued_at"))
    for grant in rule.grants:
        if grant.agencies & rule.agencies:
            documents = OutgoingDocument.objects.filter(grant.q(), agency_id__in=agencies, status=issued)
            if q:
                documents = documents.filter(summary__icontains=q)
            branches.append(documents.order_by("-issued_at", "-id").values_list("id", "issued_at"))
    return NewestFirst(branches if agencies else [])


def documents_in_order(ids: list[int]) -> list[OutgoingDocument]:
    """These documents with what a list row shows, in this order."""
    found = with_list_data(OutgoingDocument.objects.filter(pk__in=ids)).in_bulk()
    return [found[pk] for pk in ids if pk in found]


def counts(person: Person) -> dict[str, int]:
    """Counts for the menu, in two queries."""
    today = timezone.localdate()
    result = ReviewStep.objects.filter(reviewer=person, state=ReviewStep.State.PENDING).aggregate(
        to_review=Count("pk", filter=~Q(kind=ReviewStep.Kind.SIGNER)),
        to_sign=Count("pk", filter=Q(kind=ReviewStep.Kind.SIGNER)),
        late=Count("pk", filter=Q(due_date__lt=today)),
    )
    roles = roles_of(person)
    to_sign_approved = Q(signer=person, status=OutgoingDocument.Status.APPROVED)
    to_issue = Q(agency_id__in=roles.clerk_agency_ids, status=OutgoingDocument.Status.SIGNED)
    returned = Q(drafter=person, status=OutgoingDocument.Status.RETURNED)
    # The rows of each part read from its own index (signer, agency, drafter), then counted: an OR
    # of the three read the whole table on SQLite for a clerk (the agency's million rows).
    parts = [OutgoingDocument.objects.filter(q).order_by().values("pk") for q in (to_sign_approved, to_issue, returned)]
    docs = OutgoingDocument.objects.filter(pk__in=parts[0].union(*parts[1:], all=True)).order_by().aggregate(
        approved=Count("pk", filter=to_sign_approved), to_issue=Count("pk", filter=to_issue),
        returned=Count("pk", filter=returned))
    result["to_sign"] += docs["approved"]
    result["to_issue"] = docs["to_issue"]
    result["returned"] = docs["returned"]
    return result


def late_reviews_for_signer(person: Person, limit: int = 5) -> list[ReviewStep]:
    """Reviews overdue (003 Đ10.7) on drafts the person is to sign, given by others: the signer
    sees who holds them up."""
    return list(ReviewStep.objects.filter(document__signer=person, state=ReviewStep.State.PENDING,
                                          due_date__lt=timezone.localdate())
                .exclude(reviewer=person).exclude(document__urgency__gt="")
                .select_related("document", "reviewer").order_by("due_date", "id")[:limit])


def waiting_for(person: Person, limit: int = 5,
                names: Sequence[str] = ("to_sign", "to_review")) -> dict[str, list[OutgoingDocument]]:
    """The first drafts waiting for the person's signature and for their opinion, oldest first
    (the home page's "waiting for you"), a query per list asked for."""
    return {name: list(with_list_data(work_list(person, name)).order_by("updated_at", "id")[:limit])
            for name in names}


def with_list_data(documents: QuerySet[OutgoingDocument]) -> QuerySet[OutgoingDocument]:
    return documents.select_related("drafter", "drafting_unit", "signer", "register")


def pending_reviewers(document_id: int) -> list[tuple[int, str]]:
    """(person id, step kind) of the review steps waiting on this draft now."""
    return list(ReviewStep.objects.filter(document_id=document_id, state=ReviewStep.State.PENDING)
                .values_list("reviewer_id", "kind"))


def internal_recipients(document_id: int) -> tuple[set[int], set[int]]:
    """The persons and the units of the agency a document is issued to."""
    people: set[int] = set()
    units: set[int] = set()
    for kind, person_id, unit_id in Recipient.objects.filter(
            document_id=document_id, kind__in=[Recipient.Kind.PERSON, Recipient.Kind.UNIT]).values_list(
            "kind", "person_id", "unit_id"):
        if kind == Recipient.Kind.PERSON and person_id:
            people.add(person_id)
        elif unit_id:
            units.add(unit_id)
    return people, units


def by_verification_code(code: str) -> OutgoingDocument | None:
    """The issued (or issued, then cancelled) document holding this code (outgoing.codes), with
    what its public page shows."""
    return (OutgoingDocument.objects.filter(verification_code=code, issued_at__isnull=False)
            .select_related("agency", "issued_file", "signer").first())


def is_internal(document: OutgoingDocument) -> bool:
    """Issued to units and people of the agency only: nobody outside holds a copy (no other
    agency, no paper recipient), so the public page says nothing of it."""
    return not document.recipients.filter(kind__in=[Recipient.Kind.AGENCY, Recipient.Kind.PAPER]).exists()


# --- Joint documents seen from a co-issuing agency (outgoing/cosigning.py) ------------------------

JOINT_LISTS = ["to_seal", "to_sign", "all"]


def joint_documents(person: Person, name: str = "all") -> QuerySet[OutgoingDocument]:
    """Another agency's joint documents that the person works on for his own agency: as its clerk
    (waiting for its seal: "to_seal"), or as its signer ("to_sign": his approval or signature
    awaited). Nothing else of the lead agency's documents is open to them."""
    roles = roles_of(person)
    mine = Q(Exists(CoIssuer.objects.filter(document=OuterRef("pk"), agency_id__in=roles.clerk_agency_ids))) | Q(
        Exists(DocumentSigner.objects.filter(document=OuterRef("pk"), person=person).exclude(
            agency_id=OuterRef("agency_id"))))
    documents = OutgoingDocument.objects.filter(mine).exclude(status=OutgoingDocument.Status.CANCELLED)
    if name == "to_seal":
        waiting = CoIssuer.objects.filter(document=OuterRef("pk"), agency_id__in=roles.clerk_agency_ids,
                                          sealed_at__isnull=True)
        return documents.filter(Exists(waiting), status=OutgoingDocument.Status.SEALING)
    if name == "to_sign":
        pending = ReviewStep.objects.filter(document=OuterRef("pk"), reviewer=person, state=ReviewStep.State.PENDING)
        return documents.filter(Q(Exists(pending)) | Q(status=OutgoingDocument.Status.APPROVED))
    if name == "all":
        return documents
    raise Http404()


def joint_document(person: Person, pk: int) -> OutgoingDocument:
    document = (joint_documents(person).filter(pk=pk)
                .select_related("agency", "signer", "register", "issued_file", "drafting_unit").first())
    if document is None:
        raise Http404()
    return document
