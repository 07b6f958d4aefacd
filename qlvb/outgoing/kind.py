"""Outgoing documents as a document kind (core.kinds): who may see them, their files, what of
them is indexed. Registered in OutgoingConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core import kinds
from qlvb.core.kinds import Grant, Rule
from qlvb.org import permissions
from qlvb.org.roles import roles_of
from qlvb.outgoing.models import Attachment, DraftVersion, OutgoingAccess, OutgoingDocument

PAST_SIGNING = frozenset({OutgoingDocument.Status.SIGNED.value, OutgoingDocument.Status.SEALING.value,
                          OutgoingDocument.Status.ISSUED.value})


def rule(person: Any) -> Rule:
    """Drafts reach their drafter, reviewers and signer; issued documents also their recipients
    (access rows, the units' rows for non-secret documents); leaders see their agency's non-secret
    documents, clerks those waiting for or past issuing, secret ones included (they issue them)."""
    if person is None or not getattr(person, "pk", None):
        return Rule(agencies=frozenset())
    roles = roles_of(person)
    access = [OutgoingAccess.objects.filter(person=person)]
    if roles.unit_ids:
        access.append(OutgoingAccess.objects.filter(unit_id__in=sorted(roles.unit_ids), document__secrecy=""))
    return Rule(
        agencies=frozenset(permissions.member_agency_ids(person)),
        grants=(Grant(frozenset(roles.leader_agency_ids)),
                Grant(frozenset(roles.clerk_agency_ids), secret=True, statuses=PAST_SIGNING)),
        access=tuple(access),
    )


def files(document: OutgoingDocument) -> dict[int, str]:
    """Its versions, attachments (as uploaded and as signed) and the issued PDF."""
    found: dict[int, str] = {}
    for version in document.versions.all():
        found.setdefault(version.stored_id, version.name)
    for attachment in document.attachments.all():
        found.setdefault(attachment.stored_id, attachment.name)
        if attachment.signed_id:
            found.setdefault(attachment.signed_id, attachment.name)
    if document.issued_file_id:
        found.setdefault(document.issued_file_id, f"{document}.pdf")
    return found


def holding(stored_file_id: int) -> set[int]:
    ids = set(DraftVersion.objects.filter(stored_id=stored_file_id).values_list("document_id", flat=True))
    ids |= set(Attachment.objects.filter(Q(stored_id=stored_file_id) | Q(signed_id=stored_file_id))
               .values_list("document_id", flat=True))
    ids |= set(OutgoingDocument.objects.filter(issued_file_id=stored_file_id).values_list("pk", flat=True))
    return ids


def load(document_id: int) -> OutgoingDocument | None:
    return next(iter(OutgoingDocument.objects.filter(pk=document_id).select_related("agency").order_by()[:1]), None)


def index_values(document: OutgoingDocument, texts: Callable[[Iterable[int]], dict[int, str]]) -> dict[str, Any]:
    versions = list(DraftVersion.objects.filter(document_id=document.pk).order_by("-number")
                    .values_list("stored_id", "name", "text"))
    attachments = list(Attachment.objects.filter(document_id=document.pk).values_list("stored_id", "signed_id",
                                                                                    "name"))
    issued_file = [document.issued_file_id] if document.issued_file_id is not None else []
    read = texts([v[0] for v in versions] + [a[0] for a in attachments] + issued_file)
    issued_text = read.get(document.issued_file_id, "") if document.issued_file_id is not None else ""
    version_texts = [text or read.get(stored, "") for stored, _name, text in versions]
    reference = document.reference if document.number is not None else ""
    issued = timezone.localdate(document.issued_at) if document.issued_at else None
    return {
        "agency_id": document.agency_id, "doc_type": document.doc_type, "issuer": document.agency.name[:200],
        "register_id": document.register_id, "date": issued or timezone.localdate(document.created_at),
        "urgency": document.urgency, "secrecy": document.secrecy, "status": document.status,
        "unit_id": document.drafting_unit_id, "reference": reference[:60], "title": document.summary[:600],
        "body": [document.agency.name, document.signer_title, document.directive, document.kept_by,
                 document.get_doc_type_display(), *[a[2] for a in attachments], *[v[1] for v in versions],
                 issued_text, *version_texts, *[read.get(a[0], "") for a in attachments]],
    }


def url(document_id: int) -> str:
    return reverse("outgoing:detail", args=[document_id])


KIND = kinds.DocumentKind(
    name="outgoing", model="outgoing.OutgoingDocument", label=_("Outgoing"), rule=rule, files=files,
    holding=holding, index_values=index_values, load=load, url=url,
    quiet_verbs=frozenset({"outgoing.secret_opened", "outgoing.review_reminded"}),
)
