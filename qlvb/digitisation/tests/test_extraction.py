"""Reading the text of stored files: real OCR of a generated scan, text layers, DOCX, bad input,
partial failures, killed jobs and re-runs."""

from __future__ import annotations

import io
import sys
import types
import unicodedata
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.digitisation import engine, selectors, services
from qlvb.digitisation.models import TextExtraction
from qlvb.digitisation.tests.conftest import blank_scan_pdf, jobs_queued, pdftotext, text_pdf, upload
from qlvb.files.services import read_stored

pytestmark = pytest.mark.django_db
Status = TextExtraction.Status


def run(extraction_id: int) -> TextExtraction:
    """services.run_extraction of an extraction waiting to be read (None only when there is nothing to do)."""
    result = services.run_extraction(extraction_id)
    assert result is not None
    return result


@pytest.fixture
def reindexed(monkeypatch):
    """Record the calls to the search index hook (and still call the real one if installed)."""
    calls: list[int] = []
    search_services: types.ModuleType | None
    try:
        from qlvb.search import services as search_services
    except ImportError:
        search_services = None
    real = getattr(search_services, "reindex_for_file", None)

    def hook(stored_file_id):
        calls.append(stored_file_id)
        return real(stored_file_id) if real else 0

    fake = types.ModuleType("qlvb.search.services")
    setattr(fake, "reindex_for_file", hook)
    if search_services is not None:
        monkeypatch.setattr(search_services, "reindex_for_file", hook)
    else:
        monkeypatch.setitem(sys.modules, "qlvb.search.services", fake)
    return calls


@pytest.mark.skipif(not engine.ocr_available(), reason="tesseract and ghostscript are needed")
def test_a_scanned_decision_is_read_with_its_diacritics_made_searchable_and_found(
        org, register_incoming, scan_pdf, immediate_jobs, reindexed, django_capture_on_commit_callbacks, tmp_path):
    with django_capture_on_commit_callbacks(execute=True):
        document = register_incoming([upload(scan_pdf, "quyet-dinh-12.pdf")])
    item = document.files.get()
    extraction = TextExtraction.objects.get(stored_file=item.stored)
    assert extraction.status == Status.DONE, extraction.error
    assert extraction.method == "ocr" and extraction.pages_total == extraction.pages_done == 1
    assert extraction.attempts == 1 and extraction.failed_pages == []
    text = extraction.text
    assert text == unicodedata.normalize("NFC", text)
    for words in ("Quyết định", "Sơn La", "Ủy ban nhân dân", "Quy chế làm việc", "Điều 1", "/QĐ-UBND"):
        assert words in text, words
    # The searchable PDF is kept beside the original (which is unchanged) and has a text layer.
    assert extraction.searchable_file is not None and extraction.searchable_file_id != item.stored_id
    assert read_stored(item.stored) == scan_pdf
    layer = pdftotext(read_stored(extraction.searchable_file), tmp_path)
    assert "Quyết định" in layer and "Sơn La" in layer
    # The search index was told, and (when the search app is there) the document is found by a
    # word of the scan typed without accents.
    assert item.stored_id in reindexed
    assert selectors.text_of([item.stored_id])[item.stored_id] == text
    try:
        from qlvb.search.selectors import search
    except ImportError:
        return
    results = search(org.clerk, "quy che lam viec chanh van phong")
    assert document.pk in [hit.entry.document_id for hit in results.hits]


def test_a_born_digital_pdf_is_read_from_its_text_layer_page_by_page_without_ocr(stored, monkeypatch, reindexed):
    monkeypatch.setattr(engine, "ocr_pages", lambda *a, **k: pytest.fail("no OCR for a text layer"))
    pages = [f"Trang {n}: Quyết định ban hành Quy chế làm việc của Sở Nội vụ tỉnh Sơn La." for n in range(1, 31)]
    file = stored(text_pdf(pages))
    extraction = services.request_extraction(file)
    seen: list[int] = []
    monkeypatch.setattr(TextExtraction.objects, "filter", TextExtraction.objects.filter)
    result = run(extraction.pk)
    assert result.status == Status.DONE and result.method == "pdf_text"
    assert result.pages_total == result.pages_done == 30 and result.searchable_file is None
    assert result.text.count(engine.PAGE_SEPARATOR) == 29
    assert "Trang 30: Quyết định ban hành Quy chế" in result.text
    assert reindexed == [file.pk]
    del seen


def test_a_docx_is_read_directly(stored):
    from docx import Document

    document = Document()
    document.add_paragraph("CÔNG VĂN")
    document.add_paragraph("V/v báo cáo tình hình ứng dụng công nghệ thông tin")
    buffer = io.BytesIO()
    document.save(buffer)
    extraction = services.request_extraction(stored(buffer.getvalue(), "cv.docx"))
    result = run(extraction.pk)
    assert (result.status, result.method) == (Status.DONE, "docx")
    assert "V/v báo cáo tình hình ứng dụng công nghệ thông tin" in result.text


def test_a_damaged_pdf_fails_with_a_clear_message_and_can_be_run_again(stored, reindexed):
    file = stored(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a pdf at all")
    result = run(services.request_extraction(file).pk)
    assert result.status == Status.FAILED and result.method == "none"
    assert "hỏng" in result.error or "damaged" in result.error
    assert reindexed == []
    again = services.request_extraction(file)
    assert again.status == Status.PENDING and again.error == ""


def test_a_password_protected_pdf_fails_with_a_clear_message(stored):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(["Tài liệu mật"]))))
    writer.encrypt(user_password="bi-mat", owner_password="chu-so-huu")
    out = io.BytesIO()
    writer.write(out)
    result = run(services.request_extraction(stored(out.getvalue())).pk)
    assert result.status == Status.FAILED
    assert "mật khẩu" in result.error or "password" in result.error


@pytest.mark.skipif(not engine.ocr_available(), reason="tesseract and ghostscript are needed")
def test_an_image_that_is_not_a_document_fails_with_a_clear_message(stored):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 600), (120, 170, 220))
    draw = ImageDraw.Draw(image)
    draw.ellipse((200, 150, 500, 450), fill=(240, 200, 40))
    draw.rectangle((0, 450, 800, 600), fill=(40, 120, 50))
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(100, 100))
    result = run(services.request_extraction(stored(out.getvalue(), "anh.png")).pk)
    assert result.status == Status.FAILED
    assert "ảnh" in result.error or "photo" in result.error


def _fake_ocr(fail_pages: set[int], calls: list[list[int]]):
    """Stands in for ocrmypdf: copies the pages and 'reads' a line per page; pages in
    ``fail_pages`` (1-based) fail every time."""
    import pikepdf

    def ocr_pages(pdf, indexes, workdir):
        calls.append([i + 1 for i in indexes])
        if fail_pages & {i + 1 for i in indexes}:
            raise engine.PageFailed("simulated failure")
        part = pikepdf.new()
        for index in indexes:
            part.pages.append(pdf.pages[index])
        path = workdir / f"fake-{len(calls)}.pdf"
        part.save(path)
        return path, [f"Trang {i + 1} có nội dung quyết định số mười hai" for i in indexes], [91.0] * len(indexes)

    return ocr_pages


def test_a_failed_page_is_retried_then_reported_and_the_rest_is_kept(stored, monkeypatch, reindexed):
    calls: list[list[int]] = []
    monkeypatch.setattr(engine, "ocr_pages", _fake_ocr({2}, calls))
    monkeypatch.setattr(engine, "ocr_available", lambda: True)
    file = stored(blank_scan_pdf(3))
    result = run(services.request_extraction(file).pk)
    assert calls == [[1, 2, 3], [1], [2], [2], [3]]  # the chunk, then page by page, page 2 twice
    assert result.status == Status.PARTIAL and result.failed_pages == [2]
    assert "2" in result.error
    assert "Trang 1 có nội dung" in result.text and "Trang 3 có nội dung" in result.text
    from pypdf import PdfReader

    assert result.searchable_file is not None
    assert len(PdfReader(io.BytesIO(read_stored(result.searchable_file))).pages) == 3  # page 2 kept, not dropped
    assert reindexed == [file.pk]


def test_a_long_scan_is_read_in_chunks_with_progress(stored, monkeypatch):
    calls: list[list[int]] = []
    progress: list[tuple[int, int]] = []
    monkeypatch.setattr(engine, "ocr_pages", _fake_ocr(set(), calls))
    monkeypatch.setattr(engine, "ocr_available", lambda: True)
    result = engine.extract(blank_scan_pdf(30), "pdf", progress=lambda d, t: progress.append((d, t)))
    assert [len(c) for c in calls] == [8, 8, 8, 6]
    assert progress == [(0, 30), (8, 30), (16, 30), (24, 30), (30, 30)]
    assert result.method == "ocr" and result.text.count(engine.PAGE_SEPARATOR) == 29


def test_a_file_with_too_many_pages_is_refused_clearly(stored, settings):
    settings.QLVB_OCR_MAX_PAGES = 5
    result = run(services.request_extraction(stored(blank_scan_pdf(6))).pk)
    assert result.status == Status.FAILED and "6" in result.error


def test_a_job_killed_half_way_is_run_again(stored, monkeypatch, immediate_jobs):
    monkeypatch.setattr(engine, "ocr_pages", _fake_ocr(set(), []))
    monkeypatch.setattr(engine, "ocr_available", lambda: True)
    file = stored(blank_scan_pdf(2))
    extraction = services.request_extraction(file, enqueue=False)
    # The worker took it, read a page and died: the row stays "running".
    TextExtraction.objects.filter(pk=extraction.pk).update(status=Status.RUNNING, pages_done=1, attempts=1)
    assert services.run_extraction(extraction.pk) is None  # a live job is left alone
    assert services.requeue_stale() == 0
    TextExtraction.objects.filter(pk=extraction.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert services.requeue_stale() == 1  # the periodic task; immediate mode runs it now
    extraction.refresh_from_db()
    assert extraction.status == Status.DONE and extraction.attempts == 2 and extraction.pages_done == 2


def test_content_read_once_is_not_read_again_unless_asked(stored, immediate_jobs, django_capture_on_commit_callbacks):
    file = stored(text_pdf(["Thông báo lịch họp giao ban tuần của Sở Thông tin và Truyền thông"]))
    with django_capture_on_commit_callbacks(execute=True):
        first = services.request_extraction(file)
    first.refresh_from_db()
    assert first.status == Status.DONE and first.attempts == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = services.request_extraction(file)
    assert callbacks == [] and again.attempts == 1
    with django_capture_on_commit_callbacks(execute=True):
        forced = services.request_extraction(file, force=True)
    forced.refresh_from_db()
    assert forced.status == Status.DONE and forced.attempts == 2


def test_no_job_is_left_behind_by_a_registration_that_fails(org, register_incoming, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(Exception):  # noqa: B017
        register_incoming([upload(text_pdf(["Công văn"]))], summary="")  # summary is required
    assert callbacks == [] and not TextExtraction.objects.exists()


def test_files_stored_for_documents_are_queued_for_reading(org, register_incoming, django_capture_on_commit_callbacks):
    from qlvb.outgoing import services as outgoing
    from qlvb.outgoing.tests.conftest import docx_upload

    with django_capture_on_commit_callbacks() as callbacks:
        document = register_incoming([upload(text_pdf(["Giấy mời họp"]))])
    assert len(jobs_queued(callbacks)) == 1
    assert TextExtraction.objects.get(stored_file=document.files.get().stored).status == Status.PENDING
    draft = outgoing.create_draft(by=Actor(org.specialist), agency=org.agency,
                                  fields={"doc_type": "CV", "summary": "V/v báo cáo tình hình ứng dụng CNTT"},
                                  uploads=[docx_upload()],
                                  attachments=[upload(text_pdf(["Phụ lục"]), "phu-luc.pdf")])
    assert TextExtraction.objects.filter(stored_file=draft.versions.get().stored).exists()
    assert TextExtraction.objects.filter(stored_file=draft.attachments.get().stored).exists()


def test_the_command_runs_failed_and_stuck_extractions_again(stored, capsys):
    good = stored(text_pdf(["Kế hoạch công tác năm 2026 của Sở Nội vụ tỉnh Sơn La"]))
    x = services.request_extraction(good, enqueue=False)
    TextExtraction.objects.filter(pk=x.pk).update(status=Status.FAILED, error="lỗi cũ")
    done = stored(text_pdf(["Báo cáo tổng kết công tác năm 2025 của Sở Nội vụ"]))
    services.run_extraction(services.request_extraction(done, enqueue=False).pk)
    call_command("extract_text", "--retry-failed", "--now")
    x.refresh_from_db()
    assert x.status == Status.DONE and "Kế hoạch công tác" in x.text and x.error == ""
    assert "1 file(s) read" in capsys.readouterr().out


def test_rerun_is_recorded(org, stored):
    file = stored(text_pdf(["Thông báo"]))
    x = services.request_extraction(file, enqueue=False)
    services.rerun(by=Actor(org.clerk), extraction=x, agency=org.agency.pk)
    assert Event.objects.filter(verb="digitisation.rerun", data__file=file.pk).exists()


def test_text_of_gives_only_texts_that_were_read(stored):
    a, b = stored(text_pdf(["Nghị quyết của Hội đồng nhân dân tỉnh"])), stored(text_pdf(["Chỉ thị"]))
    services.run_extraction(services.request_extraction(a, enqueue=False).pk)
    services.request_extraction(b, enqueue=False)
    texts = selectors.text_of([a.pk, b.pk, 999999])
    assert list(texts) == [a.pk] and "Nghị quyết" in texts[a.pk]
    assert selectors.text_of([]) == {}


def test_an_extraction_lost_by_a_crash_between_commit_and_enqueue_is_queued_again(
        org, register_incoming, immediate_jobs, django_capture_on_commit_callbacks):
    """kill -9 after the registration committed and before its job was enqueued: the row waits in
    the database and no job exists. The periodic task finds it once it has waited too long."""
    from qlvb.digitisation.tasks import requeue_stale_extractions

    with django_capture_on_commit_callbacks(execute=False) as callbacks:  # the process dies at commit
        document = register_incoming([upload(text_pdf(["Giấy mời họp giao ban quý I năm 2026"]))])
    assert len(jobs_queued(callbacks)) == 1
    extraction = TextExtraction.objects.get(stored_file=document.files.get().stored)
    assert extraction.status == Status.PENDING
    requeue_stale_extractions.call_local()
    extraction.refresh_from_db()
    assert extraction.status == Status.PENDING  # not yet: its job may still be in the queue
    TextExtraction.objects.filter(pk=extraction.pk).update(updated_at=timezone.now() - timedelta(minutes=20))
    requeue_stale_extractions.call_local()  # the periodic task, as the worker runs it every ten minutes
    extraction.refresh_from_db()
    assert extraction.status == Status.DONE and "giao ban" in extraction.text


def test_requeue_takes_the_longest_waiting_first_and_does_not_queue_a_long_queue_again(stored, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(services, "_enqueue", queued.append)
    files = [stored(text_pdf([f"Công văn số {i}"])) for i in range(3)]
    rows = [services.request_extraction(file, enqueue=False) for file in files]
    for age, row in zip([10, 20, 30], rows, strict=True):  # the last made has waited longest
        TextExtraction.objects.filter(pk=row.pk).update(updated_at=timezone.now() - timedelta(hours=age))
    assert services.requeue_stale(limit=2) == 2 and queued == [rows[2].pk, rows[1].pk]
    assert services.requeue_stale() == 1 and queued[2:] == [rows[0].pk]  # the others were just queued
    assert services.requeue_stale() == 0
