"""Writes of the digitisation app: ask for a file's text, run the extraction, re-run it.

``request_extraction`` runs for every file an event names in ``data["stored_files"]`` (incoming
registration, outgoing versions, attachments, issued PDFs: ``on_files_stored``). It creates or resets the
file's ``TextExtraction`` row and enqueues the background job once the transaction commits, so a
registration rolled back leaves no job behind. The job (``run_extraction``) marks the row
running, reads the file (``engine.extract``), records progress page by page, stores the
searchable PDF beside the original and, when a text is available, records
"digitisation.text_read", to which the search index subscribes.

A job killed half-way (worker restarted, machine rebooted) leaves its row "running": after
``STALE_AFTER`` without progress, the periodic task ``requeue_stale`` and
``manage.py extract_text --retry-failed`` run it again. Re-running is always safe: the row is
taken with ``select_for_update`` and a row another worker is actively reading is left alone.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qlvb.core import events, rows
from qlvb.core.actor import Actor
from qlvb.digitisation import engine
from qlvb.digitisation.models import TextExtraction
from qlvb.files.models import StoredFile

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)
Status = TextExtraction.Status


def _enqueue(extraction_id: int) -> None:
    from qlvb.digitisation.tasks import extract_file

    try:
        extract_file(extraction_id)
    except Exception:  # noqa: BLE001 - a queue that is down must not break a registration
        logger.exception("Could not enqueue text extraction %s; requeue_stale will pick it up", extraction_id)


def request_extraction(stored_file: StoredFile, *, by: Actor | None = None, force: bool = False,
                       enqueue: bool = True) -> TextExtraction:
    """Make sure the text of ``stored_file`` is (or will be) read.

    A file already read (same content stored before) is not read again unless ``force``; a file
    waiting, failed or stuck is reset and queued; one being read now is left to its job. The job
    is enqueued when the surrounding transaction commits."""
    with transaction.atomic():
        extraction, created = TextExtraction.objects.select_for_update().get_or_create(stored_file=stored_file)
        if not created:
            if extraction.status == Status.RUNNING and not _is_stale(extraction):
                return extraction
            if extraction.has_text and not force:
                return extraction
        extraction.status = Status.PENDING
        extraction.pages_done = 0
        extraction.pages_total = stored_file.page_count or 0
        extraction.failed_pages = []
        extraction.page_confidence = extraction.doubtful_pages = []
        extraction.error = ""
        extraction.started_at = extraction.finished_at = None
        extraction.save()
        pk = extraction.pk
        if enqueue:
            transaction.on_commit(lambda: _enqueue(pk))
    return extraction


def rerun(*, by: Actor, extraction: TextExtraction, agency: Any = None, target: Any = None) -> TextExtraction:
    """The clerk asks for the text to be read again (after a failure, or to redo it). The caller
    has checked that the person may see the document holding the file and act on it."""
    with transaction.atomic():
        extraction = request_extraction(extraction.stored_file, by=by, force=True)
        events.record(verb="digitisation.rerun", actor=by, agency=agency, target=target,
                      data={"file": extraction.stored_file_id})
    return extraction


def _is_stale(extraction: TextExtraction) -> bool:
    return extraction.updated_at is not None and extraction.updated_at < timezone.now() - STALE_AFTER


def _take(extraction_id: int) -> TextExtraction | None:
    """Mark the row running for this job, or None if there is nothing to do."""
    with transaction.atomic():
        extraction = (TextExtraction.objects.select_for_update().select_related("stored_file")
                      .filter(pk=extraction_id).first())
        if extraction is None:
            return None
        if extraction.status == Status.RUNNING and not _is_stale(extraction):
            return None  # another worker is on it
        if extraction.status in (Status.DONE, Status.PARTIAL, Status.FAILED):
            return None  # finished since it was queued (a re-run resets the row to pending first)
        extraction.status = Status.RUNNING
        extraction.attempts += 1
        extraction.started_at = timezone.now()
        extraction.finished_at = None
        extraction.pages_done = 0
        extraction.failed_pages = []
        extraction.error = ""
        extraction.save()
    return extraction


def run_extraction(extraction_id: int) -> TextExtraction | None:
    """Read the file of the extraction ``extraction_id`` now (the background job calls this)."""
    from qlvb.files.services import read_stored, store_bytes

    extraction = _take(extraction_id)
    if extraction is None:
        return None
    stored = extraction.stored_file
    rows = TextExtraction.objects.filter(pk=extraction.pk)

    def progress(done: int, total: int) -> None:
        rows.update(pages_done=done, pages_total=total, updated_at=timezone.now())

    try:
        data = read_stored(stored)
        result = engine.extract(data, stored.kind, progress=progress)
    except engine.ExtractionError as error:
        return _finish(rows, status=Status.FAILED, error=error.message)
    except Exception:  # noqa: BLE001 - the document stays usable; the problem is shown on it
        logger.exception("Text extraction %s failed", extraction_id)
        return _finish(rows, status=Status.FAILED,
                       error=_("Reading the text failed because of an error on the server. Run it again; if it "
                               "fails again, tell the administrator."))
    searchable = None
    if result.searchable_pdf:
        searchable = store_bytes(result.searchable_pdf, name="searchable.pdf")
    failed = sorted(result.failed_pages)
    if failed and result.method == "ocr":
        status = Status.PARTIAL
        problem = ngettext("Page %(pages)s could not be read; run it again or check the scan of that page.",
                         "Pages %(pages)s could not be read; run it again or check the scan of those pages.",
                         len(failed)) % {"pages": ", ".join(map(str, failed))}
    else:
        status, problem = Status.DONE, ""
    return _finish(rows, status=status, error=problem, method=result.method, text=engine.nfc(result.text),
                   pages_total=result.pages_total, pages_done=result.pages_total, failed_pages=failed,
                   page_confidence=result.confidences, doubtful_pages=result.doubtful_pages,
                   searchable_file=searchable)


def _finish(rows: Any, *, status: str, error: str = "", **fields: Any) -> TextExtraction:
    with transaction.atomic():
        rows.update(status=status, error=error, finished_at=timezone.now(), updated_at=timezone.now(), **fields)
        extraction = rows.select_related("stored_file", "searchable_file").get()
        if extraction.has_text:
            # The search app subscribes: the documents holding the file take its text.
            events.record(verb="digitisation.text_read", target=extraction.stored_file,
                          data={"file": extraction.stored_file_id, "method": extraction.method, "status": status})
    return extraction


def on_files_stored(event: Any) -> None:
    """Subscriber (DigitisationConfig.ready): an event that stores files names them in
    data["stored_files"]; each is queued for reading in the transaction that stores it (the
    extraction row is the job's outbox row: a rolled-back registration leaves none behind)."""
    ids = (event.data or {}).get("stored_files") or []
    if ids:
        queue_new_files(ids)


# Every registration's files: compiled once (core.rows.Read).
_PAGES = rows.Read(lambda ids: StoredFile.objects.filter(pk__in=ids).order_by().values_list("pk", "page_count"), list)


def queue_new_files(stored_file_ids: list[int]) -> None:
    """request_extraction for many files in a few queries (the usual case: files never seen, one
    insert for all); a file already known goes through request_extraction's rules."""
    pages = dict(_PAGES.rows(stored_file_ids))
    with transaction.atomic(savepoint=False):
        # Each file's row inserted unless it has one (ON CONFLICT DO NOTHING, core.rows): the
        # rows written are the new files, queued; the others, known before or stored at the same
        # moment by another registration (whose row the insert waited for), go through
        # request_extraction. One statement a file instead of reading, inserting, reading again.
        queued, known = [], []
        for pk in sorted(pages):
            extraction = TextExtraction(stored_file_id=pk, status=Status.PENDING, pages_total=pages[pk] or 0)
            if rows.insert(extraction, ignore_conflicts=True):
                queued.append(extraction.pk)
            else:
                known.append(pk)
        if queued:

            def enqueue_queued() -> None:
                for pk in queued:
                    _enqueue(pk)

            transaction.on_commit(enqueue_queued)
        for stored_file in StoredFile.objects.filter(pk__in=known).order_by("pk") if known else ():
            request_extraction(stored_file)


def requeue_stale(*, older_than: timedelta = STALE_AFTER, limit: int = 500) -> int:
    """Queue again the extractions whose job died (running without progress) or was lost
    (waiting for too long: the process died between the commit that made the row and the enqueue
    after it, or the queue was down). The periodic task ``requeue_stale_extractions`` runs this
    every ten minutes. Oldest first, so a lost row is not starved by a long queue; a waiting row
    queued again counts as touched, so a long queue is not queued again every ten minutes (a
    running row keeps its time: its job must still see it as stale). Returns how many."""
    limit_at = timezone.now() - older_than
    rows = list(TextExtraction.objects.filter(status__in=[Status.RUNNING, Status.PENDING], updated_at__lt=limit_at)
                .order_by("updated_at", "pk").values_list("pk", "status")[:limit])
    waiting = [pk for pk, status in rows if status == Status.PENDING]
    if waiting:
        TextExtraction.objects.filter(pk__in=waiting, status=Status.PENDING).update(updated_at=timezone.now())
    for pk, _status in rows:
        _enqueue(pk)
    if rows:
        logger.warning("Queued %s text extraction(s) again (lost or killed jobs)", len(rows))
    return len(rows)
