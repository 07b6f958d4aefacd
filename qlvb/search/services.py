"""Keeping the search index current.

The index follows the event log (subscribers registered in SearchConfig.ready): every event whose
target is a document of a registered kind (core.kinds) reindexes that document inside the
transaction of the change, so a search never shows a document in a state it is no longer in and a
rolled-back write leaves no entry behind; "digitisation.text_read" reindexes the documents holding
the file whose text just became available. What is indexed of a document is its kind's
`index_values`. Indexing is a few indexed reads and one write per document.
`manage.py rebuild_search_index` rebuilds everything (`rebuild()`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from qlvb.core import kinds, rows
from qlvb.core.text import fold
from qlvb.digitisation.selectors import text_of
from qlvb.search.models import SearchEntry

logger = logging.getLogger(__name__)
MAX_BODY = 1_000_000  # characters of text kept per document (a tsvector holds at most 1 MB)
TOKEN = re.compile(r"[^\W_]+")


def tokens(folded: str) -> list[str]:
    """Words as the index sees them: runs of letters and digits (FTS5's unicode61 rule)."""
    return TOKEN.findall(folded)


def fold_for_index(text: str) -> str:
    """The folded words separated by single spaces: what goes into FTS5 and into to_tsvector, so
    both databases see exactly the same words as the query parser."""
    return " ".join(tokens(fold(text)))


def file_texts(stored_file_ids: Iterable[int | None]) -> dict[int, str]:
    """Text read from stored files by the digitisation app."""
    ids = [i for i in set(stored_file_ids) if i]
    if not ids:
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


def values_of(kind: kinds.DocumentKind, document: Any) -> dict[str, Any]:
    """What the index stores of a document: the kind's values, the body parts joined."""
    values = kind.index_values(document, file_texts)
    values["body"] = _join(values["body"])
    return values


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
    # The document is locked by the change being indexed, so its entry needs no lock of its own
    # (update_or_create would add one, and a savepoint).
    entry = SearchEntry(kind=kind, document_id=document_id, **values)
    if connection.vendor == "postgresql":
        _upsert(entry)
        return entry
    entry.pk = SearchEntry.objects.filter(kind=kind, document_id=document_id).values_list("pk", flat=True).first()
    if entry.pk is None:
        entry.save(force_insert=True)
    else:
        entry.save(force_update=True)
    _fts_write([(entry.pk, f"{entry.reference} {entry.title}", entry.body)])
    return entry


_VECTOR = "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'D')"


def _upsert(entry: SearchEntry) -> None:
    """PostgreSQL: the entry and its vector written in one statement (INSERT … ON CONFLICT DO
    UPDATE on the document's entry), where reading its id, writing it and then its vector took
    three; every change of a document makes it."""
    vector = ("vector", _VECTOR, [fold_for_index(f"{entry.reference} {entry.title}"), fold_for_index(entry.body)])
    sql, params = rows.insert_sql(entry, update_on=("kind", "document_id"), extra=[vector])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows.saved(entry, cursor.fetchone()[0])


def remove(kind: str, document_id: int) -> None:
    ids = list(SearchEntry.objects.filter(kind=kind, document_id=document_id).values_list("pk", flat=True))
    _fts_delete(ids)
    SearchEntry.objects.filter(pk__in=ids).delete()


def index(kind_name: str, document_id: int) -> SearchEntry | None:
    """(Re)index one document of a kind, or drop its entry if it no longer exists."""
    kind = kinds.get(kind_name)
    document = kind.load(document_id)
    with transaction.atomic(savepoint=False):
        return _store(kind_name, document_id, values_of(kind, document) if document is not None else None)


def reindex_for_file(stored_file_id: int) -> int:
    """Reindex every document holding this stored file (its text just became available).
    Returns the number of documents reindexed."""
    done = 0
    for kind in kinds.all_kinds():
        for document_id in sorted(kind.holding(stored_file_id)):
            index(kind.name, document_id)
            done += 1
    return done


# --- Subscribers (registered in SearchConfig.ready) --------------------------------------------

# The bin (core.bin) hides and restores a document the app that owns it registered there (a
# dossier): moved, it is no longer found; restored, it is found again.
BIN_VERBS = frozenset({"bin.moved", "bin.restored", "bin.purged"})
HANDED_OVER = "handed_over"  # incoming.handed_over, schedules.entry_handed_over…


def on_document_event(event: Any) -> None:
    """Every change of a document reindexes it, in the transaction of the change: a search never
    shows a document in a state it is no longer in, and a rolled-back change leaves no entry."""
    kind = kinds.for_target_type(event.target_type)
    if kind is None or not event.target_id:
        return
    # A document changes only through its own app (each app writes only its tables) or the bin, so
    # only the kind's own verbs and the bin's can change what is indexed; other apps' events about
    # it (a status received, a filing) and the kind's reads (quiet_verbs) leave the entry as it is.
    own = event.verb.startswith(kind.verbs) and event.verb not in kind.quiet_verbs
    # A hand-over (core.handover) changes who holds the work — a person on a task, a draft, a
    # dossier — never what is indexed (agency, secrecy, status, units, text): thousands of them
    # in one transaction reindex nothing.
    if event.verb.endswith(HANDED_OVER):
        return
    if own or event.verb in BIN_VERBS:
        index(kind.name, int(event.target_id))


def on_text_extracted(event: Any) -> None:
    """The text of a file became available (digitisation): the documents holding it take it."""
    stored_file_id = (event.data or {}).get("file")
    if not stored_file_id:
        return
    try:
        with transaction.atomic():  # a savepoint: a failed index must not undo the text just read
            reindex_for_file(int(stored_file_id))
    except Exception:  # noqa: BLE001 - the text is kept; `rebuild_search_index` catches up
        logger.exception("Search index not updated for file %s", stored_file_id)


def rebuild(*, batch: int = 500, progress: Any = None) -> int:
    """Reindex every document, batch by batch, then drop the entries of documents that no longer
    exist (manage.py rebuild_search_index). Searches keep working meanwhile."""
    done = 0
    for document_kind in kinds.all_kinds():
        kind = document_kind.name
        ids = list(document_kind.model_class._default_manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch):
            with transaction.atomic():
                for document_id in ids[start:start + batch]:
                    index(kind, document_id)
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
