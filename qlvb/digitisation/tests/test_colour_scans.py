"""Colour scans of official mail: the words under a red seal are read (and found in search) once
the coloured ink is taken out of what tesseract sees, the searchable PDF keeps the colour scan,
the registration form's quick read gets a stamped header, and a page that cannot be read well
is marked for the clerk and kept out of the search index."""

from __future__ import annotations

import io
import random

import pytest
from django.urls import reverse
from PIL import Image, ImageDraw

from qlvb.digitisation import colour_scans, engine, selectors
from qlvb.digitisation.models import TextExtraction
from qlvb.digitisation.tests.conftest import upload

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not engine.ocr_available(), reason="tesseract and ghostscript are needed")]

SEALED = "thẩm định kinh phí số hóa"  # the words on the line the seal is stamped on
NOTE = [("ỦY BAN NHÂN DÂN TỈNH SƠN LA", "c"), ("Số: 12/QĐ-UBND", "l"),
        ("Chánh Văn phòng Ủy ban nhân dân tỉnh chịu trách nhiệm thi hành.", "l"),
        ("Giao Sở Tài chính thẩm định kinh phí số hóa tài liệu lưu trữ", "l"),
        ("trước ngày 30 tháng 6 năm 2026 theo đúng quy định hiện hành.", "l")]


def note_image() -> Image.Image:
    return colour_scans.sealed_note(NOTE, covered=3)


def note_pdf(*extra: Image.Image) -> bytes:
    return colour_scans.to_pdf([colour_scans.image_bytes(image, 200) for image in (note_image(), *extra)])


def garbage_page() -> Image.Image:
    """Scribbles and smudges where a page of text should be: what a crumpled or half-blank page gives."""
    rng = random.Random(4)
    page = Image.new("RGB", (1160, 820), (255, 255, 255))
    draw = ImageDraw.Draw(page)
    for _ in range(260):
        x, y = rng.randrange(1100), rng.randrange(780)
        draw.line((x, y, x + rng.randrange(-40, 40), y + rng.randrange(-12, 12)), fill=(60, 60, 60),
                  width=rng.randrange(1, 5))
    return page


def test_words_under_a_red_seal_are_read_and_found_only_with_the_colour_filter(
        org, register_incoming, immediate_jobs, django_capture_on_commit_callbacks, settings):
    from qlvb.search.selectors import search

    scan = note_pdf()
    settings.QLVB_OCR_COLOUR_FILTER = False
    assert SEALED not in engine.extract(scan, "pdf").text  # read grey, the seal hides them
    settings.QLVB_OCR_COLOUR_FILTER = True
    with django_capture_on_commit_callbacks(execute=True):
        document = register_incoming([upload(scan, "quyet-dinh-12.pdf")])
    extraction = TextExtraction.objects.get(stored_file=document.files.get().stored)
    assert extraction.status == TextExtraction.Status.DONE, extraction.error
    assert SEALED in extraction.text and extraction.doubtful_pages == []
    assert [hit.entry.document_id for hit in search(org.clerk, "tham dinh kinh phi so hoa").hits] == [document.pk]


def test_the_searchable_pdf_keeps_the_colour_scan_exactly_as_it_was():
    import pikepdf

    scan = note_pdf()
    result = engine.extract(scan, "pdf")
    assert result.searchable_pdf is not None and SEALED in result.text
    with pikepdf.open(io.BytesIO(scan)) as original, pikepdf.open(io.BytesIO(result.searchable_pdf)) as searchable:
        (before,), (after,) = (list(pdf.pages[0].get_images().values()) for pdf in (original, searchable))
        assert after.read_raw_bytes() == before.read_raw_bytes()
        assert pikepdf.PdfImage(after).mode == "RGB"  # type: ignore[arg-type]


def test_the_quick_read_gets_a_header_with_a_received_stamp_on_it(settings):
    lines = [("ỦY BAN NHÂN DÂN TỈNH SƠN LA", "l"), ("Số: 215/UBND-VP", "l"), ("Sơn La, ngày 14 tháng 5 năm 2026", "l"),
             ("V/v triển khai phần mềm quản lý văn bản", "l")]
    image = colour_scans.sealed_note(lines, covered=1)
    scan = colour_scans.to_pdf([colour_scans.image_bytes(image, 200)])
    settings.QLVB_OCR_COLOUR_FILTER = False
    grey = engine.quick_text(scan, "pdf")
    settings.QLVB_OCR_COLOUR_FILTER = True
    text = engine.quick_text(scan, "pdf")
    assert "215/UBND-VP" in text and "Sơn La, ngày 14 tháng 5 năm 2026" in text
    assert "215/UBND-VP" not in grey or "Sơn La, ngày 14" not in grey


def test_a_page_that_cannot_be_read_well_is_marked_and_kept_out_of_search(
        org, login, register_incoming, immediate_jobs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = register_incoming([upload(note_pdf(garbage_page()), "cong-van.pdf")])
    stored = document.files.get().stored
    extraction = TextExtraction.objects.get(stored_file=stored)
    assert extraction.doubtful_pages == [2], extraction.page_confidence
    assert extraction.page_confidence[0] >= engine.low_confidence() > extraction.page_confidence[1]
    indexed = selectors.text_of([stored.pk])[stored.pk].split(engine.PAGE_SEPARATOR)
    shown = selectors.full_text_of([stored.pk])[stored.pk].split(engine.PAGE_SEPARATOR)
    assert SEALED in indexed[0] and indexed[1] == "" and shown[1] == extraction.text.split(engine.PAGE_SEPARATOR)[1]
    client = login(org.clerk)
    page = client.get(f"/incoming/{document.pk}/").content.decode()
    assert "Trang 2 đọc chưa chắc chắn — cần kiểm tra" in page
    text_page = client.get(reverse("digitisation:text", args=["incoming", document.pk, stored.pk])).content.decode()
    assert text_page.count("Trang 2 đọc chưa chắc chắn — cần kiểm tra") == 1
    assert "Trang 1 đọc chưa chắc chắn" not in text_page


def test_a_page_scanned_sideways_is_read_again_turned(monkeypatch):
    calls: list[list[str] | None] = []
    real = engine.ocr_pages

    def counted(pdf, indexes, workdir, options=None):
        calls.append(options)
        return real(pdf, indexes, workdir, options=options)

    monkeypatch.setattr(engine, "ocr_pages", counted)
    result = engine.extract(colour_scans.to_pdf([colour_scans.image_bytes(note_image().rotate(90, expand=True), 200)]),
                            "pdf")
    assert calls == [None, engine.RETRY_TURNED]
    assert SEALED in result.text and result.doubtful_pages == []


def test_the_quick_read_says_how_sure_it_is():
    sure = engine.quick_read(note_pdf(), "pdf")
    assert "12/QĐ-UBND" in sure.text and (sure.confidence or 0) >= engine.low_confidence()
    scribbles = engine.quick_read(colour_scans.to_pdf([colour_scans.image_bytes(garbage_page(), 200)]), "pdf")
    assert scribbles.confidence is not None and scribbles.confidence < engine.low_confidence()
    assert engine.quick_read(b"%PDF-1.4 broken", "pdf").text == ""


def test_suggestions_from_an_unsure_read_are_all_marked_and_none_used_by_default(org, login, monkeypatch):
    header = "ỦY BAN NHÂN DÂN TỈNH SƠN LA\nSố: 215/UBND-VP\nSơn La, ngày 14 tháng 5 năm 2026\nV/v kiểm kê tài sản"
    monkeypatch.setattr(engine, "quick_read", lambda *a, **k: engine.QuickRead(header, 52.4))
    page = login(org.clerk).post(reverse("digitisation:suggest"), {"uploads": upload(note_pdf())}).content.decode()
    assert "Trang đầu đọc chưa chắc chắn (độ tin cậy 52%)" in page
    assert page.count("ocr-suggestion\"") == page.count('data-doubtful="1"') > 0
    monkeypatch.setattr(engine, "quick_read", lambda *a, **k: engine.QuickRead(header, 94.0))
    page = login(org.clerk).post(reverse("digitisation:suggest"), {"uploads": upload(note_pdf())}).content.decode()
    assert "chưa chắc chắn" not in page and 'data-field="number" data-value="215"' in page
    assert 'data-field="number" data-value="215" data-doubtful' not in page
