"""Incoming documents as a document kind (core.kinds): who may see them, their files, what of
them is indexed. Registered in IncomingConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qlvb.core import kinds, rows
from qlvb.core.kinds import Grant, Rule
from qlvb.incoming.models import Assignment, DocumentAccess, HandlingNote, IncomingDocument, IncomingFile
from qlvb.org import permissions
from qlvb.org.roles import roles_of

DRAFT = frozenset({IncomingDocument.Status.DRAFT.value})


def rule(person: Any) -> Rule:
    """Leaders and clerks see all non-secret registered documents of their agency (R29), clerks
    also its non-secret drafts; everyone else, and everyone for secret documents, only what an
    access row gives them (R7): their own rows, and the rows of the units they head for
    non-secret documents."""
    if person is None or not getattr(person, "pk", None):
        return Rule(agencies=frozenset())
    roles = roles_of(person)
    access = [DocumentAccess.objects.filter(person=person)]
    if roles.headed_unit_ids:
        access.append(DocumentAccess.objects.filter(unit_id__in=sorted(roles.headed_unit_ids), document__secrecy=""))
    return Rule(
        agencies=frozenset(permissions.member_agency_ids(person)),
        grants=(Grant(frozenset(roles.leader_agency_ids | roles.clerk_agency_ids), except_statuses=DRAFT),
                Grant(frozenset(roles.clerk_agency_ids), statuses=DRAFT)),
        access=tuple(access),
    )


def files(document: IncomingDocument) -> dict[int, str]:
    return {f.stored_id: f.name for f in document.files.all()}


def holding(stored_file_id: int) -> set[int]:
    return set(IncomingFile.objects.filter(stored_id=stored_file_id).values_list("document_id", flat=True))


# What every change of a document reads again (search, statistics, notifications): compiled once
# (core.rows.Read), as every registration makes them.
_LOAD = rows.Read(lambda pk: IncomingDocument.objects.filter(pk=pk).order_by().values_list(
    *rows.attnames(IncomingDocument))[:1], int)
_FILES = rows.Read(lambda pk: IncomingFile.objects.filter(document_id=pk).order_by("order", "id").values_list(
    "stored_id", "name"), int)
_MAIN_UNIT = rows.Read(lambda pk: Assignment.objects.filter(
    document_id=pk, role=Assignment.Role.MAIN, assignee_unit__isnull=False).exclude(
    state=Assignment.State.WITHDRAWN).order_by("id").values_list("assignee_unit_id")[:1], int)
_NOTES = rows.Read(lambda pk: HandlingNote.objects.filter(document_id=pk).values_list("text"), int)


def load(document_id: int) -> IncomingDocument | None:
    return next(iter(_LOAD.objects(IncomingDocument, document_id)), None)


def index_values(document: IncomingDocument, texts: Callable[[Iterable[int]], dict[int, str]]) -> dict[str, Any]:
    """What search stores of the document; `texts` gives the text read from stored files."""
    stored_files = _FILES.rows(document.pk)
    read = texts(stored for stored, _name in stored_files)
    main_unit = next((unit for (unit,) in _MAIN_UNIT.rows(document.pk)), None)
    notes = [text for (text,) in _NOTES.rows(document.pk)]
    reference = document.reference if document.reference != "—" else ""
    return {
        "agency_id": document.agency_id, "doc_type": document.doc_type, "issuer": document.issuer_name[:200],
        "register_id": document.register_id, "date": document.document_date, "urgency": document.urgency,
        "secrecy": document.secrecy, "status": document.status, "unit_id": main_unit,
        "reference": reference[:60], "title": document.summary[:600],
        "body": [document.issuer_name, document.issuer_code, document.national_id, document.signer_name,
                 document.signer_position, document.notes, document.completion_note,
                 document.get_doc_type_display(), *[name for _stored, name in stored_files], *notes,
                 *[read.get(stored, "") for stored, _name in stored_files]],
    }


def url(document_id: int) -> str:
    return reverse("incoming:detail", args=[document_id])


KIND = kinds.DocumentKind(
    name="incoming", model="incoming.IncomingDocument", label=_("Incoming"), rule=rule, files=files,
    holding=holding, index_values=index_values, load=load, url=url,
    quiet_verbs=frozenset({"incoming.secret_opened", "incoming.read"}), file_model="incoming.IncomingFile",
)
