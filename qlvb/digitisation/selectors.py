"""Reads of the digitisation app. The text of a file is no secret by itself, but it belongs to
the documents holding the file: pages ask the document kind's rule first (core.kinds), and
``text_of`` is for the search indexer, which applies the same rules to its entries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db.models import Count, Q
from django.http import Http404

from qlvb.core import kinds, rows
from qlvb.digitisation.engine import PAGE_SEPARATOR
from qlvb.digitisation.models import TextExtraction


def text_of(stored_file_ids: Iterable[int]) -> dict[int, str]:
    """The text of each file for the search index (only files with a text: done or partly done),
    without the pages OCR read with low confidence: their words are mostly misread, and indexed
    they would make documents turn up for words they do not hold (the clerk is asked to check
    those pages; reading the file again after a better scan indexes them)."""
    texts = {}
    for pk, text, doubtful in _TEXTS.rows([int(i) for i in stored_file_ids]):
        if doubtful:
            pages = text.split(PAGE_SEPARATOR)
            text = PAGE_SEPARATOR.join("" if n in doubtful else page for n, page in enumerate(pages, start=1))
        texts[pk] = text
    return texts


# Every change of a document reindexes it, and reads its files' text here (core.rows.Read).
_TEXTS = rows.Read(lambda ids: _rows(ids).values_list("stored_file_id", "text", "doubtful_pages"), list)


def full_text_of(stored_file_ids: Iterable[int]) -> dict[int, str]:
    """The text read from each file, every page, for people to read (the doubtful pages too)."""
    return dict(_rows(stored_file_ids).values_list("stored_file_id", "text"))


def _rows(stored_file_ids: Iterable[int]) -> Any:
    ids = [int(i) for i in stored_file_ids]
    return TextExtraction.objects.filter(stored_file_id__in=ids,
                                         status__in=[TextExtraction.Status.DONE, TextExtraction.Status.PARTIAL])


def extractions_for(stored_file_ids: Iterable[int]) -> dict[int, TextExtraction]:
    ids = [int(i) for i in stored_file_ids]
    rows = TextExtraction.objects.filter(stored_file_id__in=ids).defer("text")
    return {row.stored_file_id: row for row in rows}


def document_and_files(person: Any, app: str, document_pk: int) -> tuple[Any, dict[int, str]]:
    """The document of kind `app` the person may see (Http404 otherwise) and its stored files, as
    {stored file id: file name} (the kind's `files`: for outgoing, its versions, attachments as
    uploaded and as signed, and the issued PDF)."""
    try:
        kind = kinds.get(app)
    except KeyError:
        raise Http404() from None
    document = kind.load(document_pk)
    if document is None or not kinds.may_see(app, person, document):
        raise Http404()
    return document, kind.files(document)


def get_extraction(person: Any, app: str, document_pk: int,
                   stored_file_pk: int) -> tuple[Any, str, TextExtraction | None]:
    """(document, file name, extraction or None) for a file of a document the person may see;
    Http404 if the document is hidden from them or the file is not one of its files."""
    document, files = document_and_files(person, app, document_pk)
    if stored_file_pk not in files:
        raise Http404()
    extraction = (TextExtraction.objects.select_related("stored_file", "searchable_file")
                  .filter(stored_file_id=stored_file_pk).defer("text").first())
    return document, files[stored_file_pk], extraction


def incoming_queue(person: Any, limit: int = 100) -> tuple[dict[str, int], list[Any]]:
    """The reading of the incoming files the person may see, for the clerk's progress page:
    counts by status, and the files not (fully) read yet — waiting, reading, failed, partial —
    newest first, each with its document and extraction."""
    kind = kinds.get("incoming")
    files = apps.get_model(kind.file_model).objects.filter(document__in=kinds.visible("incoming", person).values("pk"))
    extractions = TextExtraction.objects.filter(stored_file__in=files.values("stored_id"))
    counts = dict(extractions.values_list("status").annotate(n=Count("pk")).order_by())
    # Read, but with pages the clerk should check (low confidence): listed until read again.
    to_check = ~Q(stored__extraction__doubtful_pages=[]) & Q(stored__extraction__status__in=[
        TextExtraction.Status.DONE, TextExtraction.Status.PARTIAL])
    counts["doubtful"] = files.filter(to_check).count()
    open_statuses = [TextExtraction.Status.PENDING, TextExtraction.Status.RUNNING, TextExtraction.Status.FAILED,
                     TextExtraction.Status.PARTIAL]
    rows = list(files.filter(Q(stored__extraction__status__in=open_statuses) | to_check)
                .select_related("document", "stored__extraction").defer("stored__extraction__text")
                .order_by("-added_at", "-id")[:limit])
    for row in rows:  # (page, confidence) of the doubtful pages, for the list
        extraction = row.stored.extraction
        confidence = extraction.page_confidence or []
        row.to_check = [(n, round(confidence[n - 1]) if n <= len(confidence) and confidence[n - 1] is not None
                         else None) for n in extraction.doubtful_pages or []]
    return counts, rows
