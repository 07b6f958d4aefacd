"""Keeping the search index current.

The document services call `index_incoming(id)` / `index_outgoing(id)` inside their own
transaction (one line each): the entry is written with the document, so a search never shows a
document in a state it is no longer in, and a rolled-back write leaves no entry behind. Indexing is
a few indexed reads and one write per document (the file texts are already extracted); the OCR app
calls `reindex_for_file(stored_file_id)` when a scan's text becomes available.
`manage.py rebuild_search_index` rebuilds everything (`rebuild()`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from qlvb.core.text import fold
from qlvb.search.models import SearchEntry

MAX_BODY = 1_000_000  # characters of text kept per document (a tsvector holds at most 1 MB)
TOKEN = re.compile(r"[^\W_]+")


def tokens(folded: str) -> list[str]:
    """Words as the index sees them: runs of letters and digits (FTS5's unicode61 rule)."""
    return TOKEN.findall(folded)


def fold_for_index(text: str) -> str:
    """The folded words separated by single spaces: what goes into FTS5 and into to_tsvector, so
    both databases see exactly the same words as the query parser."""
    return " ".join(tokens(fold(text)))


def file_texts(stored_file_ids: Iterable[int]) -> dict[int, str]:
    """Extracted text of stored files, from the digitisation app when it is installed."""
    ids = [i for i in set(stored_file_ids) if i]
    if not ids:
        return {}
    try:
        from qlvb.digitisation.selectors import text_of
    except ImportError:
        return {}
    try:
        return text_of(ids) or {}
    except Exception:  # noqa: BLE001 - a broken extraction must not block saving a document
        return {}


def _join(parts: Sequence[Any]) -> str:
    seen: set[str] = set()
    kept = []
    for part in parts:
        text = str(part or "").strip()
        if text and text not in seen:
            seen.add(text)
            kept.append(text)
    return "\n".join(kept)[:MAX_BODY]


def _incoming_values(document: Any) -> dict[str, Any]:
    from qlvb.incoming.models import Assignment, HandlingNote, IncomingFile

    files = list(IncomingFile.objects.filter(document_id=document.pk).values_list("stored_id", "name"))
    texts = file_texts(stored for stored, _ in files)
    main_unit = (Assignment.objects.filter(document_id=document.pk, role=Assignment.Role.MAIN,
                                           assignee_unit__isnull=False)
                 .exclude(state=Assignment.State.WITHDRAWN).order_by("id").values_list("assignee_unit_id", flat=True)
                 .first())
    notes = HandlingNote.objects.filter(document_id=document.pk).values_list("text", flat=True)
    reference = document.reference if document.reference != "—" else ""
    body = _join([document.issuer_name, document.issuer_code, document.national_id, document.signer_name,
                  document.signer_position, document.notes, document.completion_note,
                  document.get_doc_type_display(), *[name for _, name in files], *notes,
                  *[texts.get(stored, "") for stored, _ in files]])
    return {
        "agency_id": document.agency_id, "doc_type": document.doc_type, "issuer": document.issuer_name[:200],
        "register_id": document.register_id, "date": document.document_date, "urgency": document.urgency,
        "secrecy": document.secrecy, "status": document.status, "unit_id": main_unit,
        "reference": reference[:60], "title": document.summary[:600], "body": body,
    }


def _outgoing_values(document: Any) -> dict[str, Any]:
    from qlvb.outgoing.models import Attachment, DraftVersion

    versions = list(DraftVersion.objects.filter(document_id=document.pk).order_by("-number")
                    .values_list("stored_id", "name", "text"))
    attachments = list(Attachment.objects.filter(document_id=document.pk).values_list("stored_id", "signed_id",
                                                                                    "name"))
    stored_ids = [v[0] for v in versions] + [a[0] for a in attachments] + [document.issued_file_id]
    texts = file_texts(stored_ids)
    version_texts = [text or texts.get(stored, "") for stored, _, text in versions]
    reference = document.reference if document.number is not None else ""
    issued = timezone.localdate(document.issued_at) if document.issued_at else None
    body = _join([document.agency.name, document.signer_title, document.directive, document.kept_by,
                  document.get_doc_type_display(), *[a[2] for a in attachments], *[v[1] for v in versions],
                  texts.get(document.issued_file_id, ""), *version_texts,
                  *[texts.get(a[0], "") for a in attachments]])
    return {
        "agency_id": document.agency_id, "doc_type": document.doc_type, "issuer": document.agency.name[:200],
        "register_id": document.register_id, "date": issued or timezone.localdate(document.created_at),
        "urgency": document.urgency, "secrecy": document.secrecy, "status": document.status,
        "unit_id": document.drafting_unit_id, "reference": reference[:60], "title": document.summary[:600],
        "body": body,
    }


# --- The full-text part, per database --------------------------------------------------------

def _fts_delete(entry_ids: Sequence[int]) -> None:
    if not entry_ids:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(i,) for i in entry_ids])


def _fts_write(rows: Sequence[tuple[int, str, str]]) -> None:
    """rows: (entry id, title, body) in original spelling."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(r[0],) for r in rows])
            cursor.executemany("INSERT INTO search_fts(rowid, title, body) VALUES (%s, %s, %s)",
                               [(i, fold_for_index(title), fold_for_index(body)) for i, title, body in rows])
        elif connection.vendor == "postgresql":
            cursor.executemany(
                "UPDATE search_searchentry SET vector = setweight(to_tsvector('simple', %s), 'A') "
                "|| setweight(to_tsvector('simple', %s), 'D') WHERE id = %s",
                [(fold_for_index(title), fold_for_index(body), i) for i, title, body in rows])


def _store(kind: str, document_id: int, values: dict[str, Any] | None) -> SearchEntry | None:
    if values is None:
        remove(kind, document_id)
        return None
    values["issuer_folded"] = fold(values["issuer"])[:200]
    values["title_folded"] = fold(values["title"])[:600]
    values["indexed_at"] = timezone.now()
    entry, _ = SearchEntry.objects.update_or_create(kind=kind, document_id=document_id, defaults=values)
    _fts_write([(entry.pk, f"{entry.reference} {entry.title}", entry.body)])
    return entry


def remove(kind: str, document_id: int) -> None:
    ids = list(SearchEntry.objects.filter(kind=kind, document_id=document_id).values_list("pk", flat=True))
    _fts_delete(ids)
    SearchEntry.objects.filter(pk__in=ids).delete()


def index_incoming(document_id: int) -> SearchEntry | None:
    """(Re)index one incoming document, or drop its entry if it no longer exists."""
    from qlvb.incoming.models import IncomingDocument

    document = IncomingDocument.objects.filter(pk=document_id).first()
    with transaction.atomic():
        return _store(SearchEntry.Kind.INCOMING, document_id,
                      _incoming_values(document) if document is not None else None)


def index_outgoing(document_id: int) -> SearchEntry | None:
    from qlvb.outgoing.models import OutgoingDocument

    document = OutgoingDocument.objects.filter(pk=document_id).select_related("agency").first()
    with transaction.atomic():
        return _store(SearchEntry.Kind.OUTGOING, document_id,
                      _outgoing_values(document) if document is not None else None)


def reindex_for_file(stored_file_id: int) -> int:
    """Reindex every document holding this stored file (its text just became available).
    Returns the number of documents reindexed."""
    from django.db.models import Q

    from qlvb.incoming.models import IncomingFile
    from qlvb.outgoing.models import Attachment, DraftVersion, OutgoingDocument

    incoming = set(IncomingFile.objects.filter(stored_id=stored_file_id).values_list("document_id", flat=True))
    outgoing = set(DraftVersion.objects.filter(stored_id=stored_file_id).values_list("document_id", flat=True))
    outgoing |= set(Attachment.objects.filter(Q(stored_id=stored_file_id) | Q(signed_id=stored_file_id))
                    .values_list("document_id", flat=True))
    outgoing |= set(OutgoingDocument.objects.filter(issued_file_id=stored_file_id).values_list("pk", flat=True))
    for document_id in sorted(incoming):
        index_incoming(document_id)
    for document_id in sorted(outgoing):
        index_outgoing(document_id)
    return len(incoming) + len(outgoing)


def rebuild(*, batch: int = 500, progress: Any = None) -> int:
    """Reindex every document, batch by batch, then drop the entries of documents that no longer
    exist (manage.py rebuild_search_index). Searches keep working meanwhile."""
    from qlvb.incoming.models import IncomingDocument
    from qlvb.outgoing.models import OutgoingDocument

    done = 0
    for kind, model, index in ((SearchEntry.Kind.INCOMING, IncomingDocument, index_incoming),
                               (SearchEntry.Kind.OUTGOING, OutgoingDocument, index_outgoing)):
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch):
            with transaction.atomic():
                for document_id in ids[start:start + batch]:
                    index(document_id)
            done += len(ids[start:start + batch])
            if progress:
                progress(kind, done)
        existing = set(ids)
        stale = [pk for pk, document_id in SearchEntry.objects.filter(kind=kind).values_list("pk", "document_id")
                 if document_id not in existing]
        with transaction.atomic():
            _fts_delete(stale)
            SearchEntry.objects.filter(pk__in=stale).delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts WHERE rowid NOT IN (SELECT id FROM search_searchentry)")
    return done


# --- Saved searches ----------------------------------------------------------------------------

SAVED_PARAMS = ("q", "kind", "doc_type", "issuer", "register", "date_from", "date_to", "urgency", "secrecy", "status",
                "unit", "sort")
MAX_SAVED = 100


def save_search(*, by: Any, name: str, params: dict[str, Any]) -> Any:
    """Keep a person's search under a name (the same name replaces the older one)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from qlvb.search.models import SavedSearch

    person = by.person
    name = (name or "").strip()[:100]
    if not name:
        raise ValidationError({"name": _("Give the search a name.")})
    kept = {k: str(v)[:1000] for k, v in params.items() if k in SAVED_PARAMS and v not in (None, "")}
    if not SavedSearch.objects.filter(person=person, name=name).exists() and \
            SavedSearch.objects.filter(person=person).count() >= MAX_SAVED:
        raise ValidationError({"name": _("You have too many saved searches; delete some first.")})
    saved, _created = SavedSearch.objects.update_or_create(
        person=person, name=name, defaults={"query": kept.pop("q", ""), "params": kept})
    return saved


def delete_saved_search(*, by: Any, saved_id: int) -> None:
    from qlvb.core.errors import NotAllowed
    from qlvb.search.models import SavedSearch

    deleted, _ = SavedSearch.objects.filter(person=by.person, pk=saved_id).delete()
    if not deleted:
        raise NotAllowed()
