"""The clerk scans a letter, chooses the scan on the registration form, sees the number, date,
type, issuer and summary read from it offered as suggestions, applies them with a click,
registers, and then sees on the document page that the text was read and a searchable PDF kept."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import Org, build_org
from qlvb.digitisation import engine, services
from qlvb.digitisation.models import TextExtraction
from qlvb.digitisation.scans import png_bytes, render_page, wrap_lines
from qlvb.incoming.models import IncomingDocument
from qlvb.registers.services import ensure_default_registers

from .helpers import sign_in

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not engine.ocr_available(), reason="tesseract and ghostscript are needed")]

LETTER = """ỦY BAN NHÂN DÂN TỈNH SƠN LA
Số: 57/QĐ-UBND
Sơn La, ngày 05 tháng 3 năm 2026
QUYẾT ĐỊNH
Về việc ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH SƠN LA
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Theo đề nghị của Giám đốc Sở Nội vụ.
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc của Ủy ban nhân dân tỉnh Sơn La.
"""


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}


@pytest.mark.slow
def test_clerk_registers_a_scan_with_the_suggested_fields(page: Page, org: Org, root, tmp_path, shot):
    ensure_default_registers(org.agency)
    # The issuer is in the installation's directory: its suggestion is sure, "use all" takes it.
    province = build_org(root, "000.00.00.H51", "UBND", "Ủy ban nhân dân tỉnh Sơn La").agency
    scan = tmp_path / "quyet-dinh-57.png"
    scan.write_bytes(png_bytes(render_page(wrap_lines(LETTER, 78), dpi=200, skew=1.0, noise=0.002), 200))

    sign_in(page, org.clerk)
    page.goto("/incoming/register/")
    page.set_input_files("#id_uploads", str(scan))  # choosing the file reads it
    suggestions = page.locator("#ocr-suggestions .ocr-suggestion")
    expect(suggestions.first).to_be_visible(timeout=60_000)
    expect(page.locator("#ocr-suggestions")).to_contain_text("QĐ-UBND")
    expect(page.locator("#ocr-suggestions")).to_contain_text("05/03/2026")
    assert page.input_value("#id_notation") == ""  # nothing is filled without the clerk
    shot(page, "suggestions")

    page.click(".ocr-suggestion[data-field=notation]")
    assert page.input_value("#id_notation") == "QĐ-UBND"
    page.click(".ocr-suggestion-all")
    assert page.input_value("#id_document_date") == "05/03/2026"
    assert page.input_value("#id_doc_type") == "QĐ"
    assert page.input_value("#id_summary").startswith("Ban hành Quy chế làm việc")
    assert page.input_value("#id_issuer_name") == "Ủy ban nhân dân tỉnh Sơn La"
    assert page.input_value("#id_issuer_agency") == str(province.pk)
    assert page.input_value("#id_number")  # OCR may misread a digit: the clerk checks it

    with page.expect_navigation():
        page.click("main form[enctype='multipart/form-data'] button[type=submit]:not([name=save_draft])")
    document = IncomingDocument.objects.get()
    assert document.notation == "QĐ-UBND" and document.doc_type == "QĐ"
    extraction = TextExtraction.objects.get(stored_file=document.files.get().stored)
    expect(page.locator(f"#extraction-{extraction.stored_file_id}")).to_be_visible()

    services.run_extraction(extraction.pk)  # what the worker does
    page.reload()
    status = page.locator(f"#extraction-{extraction.stored_file_id}")
    expect(status).to_have_attribute("data-status", "done")
    expect(status.locator(".searchable-link")).to_be_visible()
    shot(page, "document")
