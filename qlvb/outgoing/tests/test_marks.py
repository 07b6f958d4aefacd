"""An issued document always carries its number and notation, place and date (NĐ30 Phụ lục I),
whatever the draft holds — or it is not issued, and nothing is numbered or signed."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from pypdf import PdfReader

from qlvb.core.actor import Actor
from qlvb.files import convert
from qlvb.files.services import read_stored
from qlvb.outgoing import marks, services
from qlvb.outgoing.models import OutgoingDocument
from qlvb.outgoing.services import RecipientSpec
from qlvb.outgoing.tests.conftest import submit_approve_and_sign
from qlvb.registers.models import RegisterCounter
from qlvb.signatures.demo import create_demo_pki_for

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARKS = marks.Marks(reference="07/STTTT-CNTT", day=date(2026, 2, 3), place="Sơn La")


def _docx(*paragraphs: str, header_table: tuple[str, str] | None = None) -> bytes:
    document = Document()
    if header_table:
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = header_table
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _lines(docx: bytes) -> list[str]:
    return [line for line in convert.extract_text(docx, "docx").splitlines() if line.strip()]


def _pdf_text(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages))


# --- Finding where the number and date go, in the Word draft (no LibreOffice needed) ------------

@pytest.mark.parametrize("typed", [
    "Số:      /STTTT-CNTT", "Số: ......./STTTT-CNTT", "Số:", "SỐ: ___/STTTT-CNTT", "Số   /STTTT-CNTT",
    "So\u0302\u0301:     /STTTT-CNTT",  # typed decomposed (NFD)
])
def test_a_blank_number_line_is_completed_where_it_stands(typed):
    docx, missing = marks.docx_with_marks(_docx(typed, "Kính gửi: Sở Nội vụ"), MARKS, 7, "STTTT-CNTT",
                                          stamp_later=False)
    lines = _lines(docx)
    assert missing == {"date"} or missing == set()
    assert any(line.endswith(": 07/STTTT-CNTT") and line.casefold().startswith(("số", "so")) for line in lines)
    assert lines.count("Kính gửi: Sở Nội vụ") == 1


@pytest.mark.parametrize(("typed", "expected"), [
    ("Sơn La, ngày     tháng     năm 2026", "Sơn La, ngày 03 tháng 02 năm 2026"),
    ("Thành phố Sơn La, ngày ... tháng ... năm 20...", "Thành phố Sơn La, ngày 03 tháng 02 năm 2026"),
    ("ngày    tháng    năm", "Sơn La, ngày 03 tháng 02 năm 2026"),
])
def test_a_blank_date_line_is_completed_keeping_the_place_typed(typed, expected):
    docx, missing = marks.docx_with_marks(_docx(*("Số:     /STTTT-CNTT", typed)), MARKS, 7, "STTTT-CNTT",
                                          stamp_later=False)
    assert missing == set()
    assert expected in _lines(docx)


def test_the_nd30_header_table_is_completed_in_its_cells():
    draft = _docx("Kính gửi: Sở Nội vụ", header_table=("Số:    /STTTT-CNTT", "Sơn La, ngày   tháng   năm 2026"))
    docx, missing = marks.docx_with_marks(draft, MARKS, 7, "STTTT-CNTT", stamp_later=False)
    assert missing == set()
    lines = _lines(docx)
    assert lines == ["Số: 07/STTTT-CNTT", "Sơn La, ngày 03 tháng 02 năm 2026", "Kính gửi: Sở Nội vụ"]


@pytest.mark.parametrize("body", [
    "Số lượng: 5 bộ hồ sơ", "Số: 15/2020/NĐ-CP ngày 05 tháng 02 năm 2020 của Chính phủ",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020", "Hẹn ngày làm việc tháng tới trong năm",
])
def test_body_text_is_never_taken_for_a_blank(body):
    docx, _missing = marks.docx_with_marks(_docx(body), MARKS, 7, "STTTT-CNTT", stamp_later=False)
    lines = _lines(docx)
    assert body in lines
    # Nothing found: the number and the date come first, the body after, unchanged.
    assert lines[:2] == ["Số: 07/STTTT-CNTT", "Sơn La, ngày 03 tháng 02 năm 2026"]


def test_placeholders_win_over_blanks_and_nothing_is_added():
    draft = _docx("Số: {{so_ky_hieu}}", "{{ngay_thang}}", "Số:    /STTTT-CNTT")
    docx, missing = marks.docx_with_marks(draft, MARKS, 7, "STTTT-CNTT", stamp_later=False)
    assert missing == set()
    assert _lines(docx) == ["Số: 07/STTTT-CNTT", "Sơn La, ngày 03 tháng 02 năm 2026", "Số:    /STTTT-CNTT"]


def test_a_clerk_who_chose_a_position_gets_the_marks_stamped_there():
    docx, missing = marks.docx_with_marks(_docx("Nội dung"), MARKS, 7, "STTTT-CNTT", stamp_later=True)
    assert missing == {"number", "date"} and _lines(docx) == ["Nội dung"]


def test_the_check_reads_the_pdf_itself():
    from qlvb.incoming.tests.conftest import pdf_upload

    blank = pdf_upload(pages=1).read()
    with pytest.raises(ValidationError) as refused:
        marks.check(blank, MARKS)
    message = str(refused.value)
    assert "07/STTTT-CNTT" in message and "ngày 03 tháng 02 năm 2026" in message
    stamped = marks.stamp(blank, MARKS, {"number", "date"}, None)
    marks.check(stamped, MARKS)
    only_number = marks.stamp(blank, MARKS, {"number"}, None)
    assert marks.missing_from(only_number, MARKS) == ["ngày tháng (ngày 03 tháng 02 năm 2026)"]


# --- Issuing: the signed PDF that goes out ---------------------------------------------------

@pytest.fixture
def pki(org):
    return create_demo_pki_for(org.agency)


def _signed(org, other_org, signing, upload) -> OutgoingDocument:
    doc = services.create_draft(
        by=Actor(org.specialist), agency=org.agency, uploads=[upload],
        fields={"doc_type": "CV", "summary": "V/v báo cáo tình hình ứng dụng CNTT năm 2026", "field": signing},
        recipients=[RecipientSpec(kind="agency", agency=other_org.agency, name=other_org.agency.name)])
    return submit_approve_and_sign(org, doc)


def test_a_word_draft_without_placeholders_is_issued_with_its_number_and_date(org, other_org, signing, pki):
    """The case found: a reply drafted as a DOCX with no {{so_ky_hieu}}/{{ngay_thang}} went out
    with no "Số: …" and no date anywhere on it."""
    upload = SimpleUploadedFile("tra-loi.docx", _docx("Kính gửi: Sở Nội vụ", "Sở Thông tin và Truyền thông trả lời."),
                                content_type=DOCX_TYPE)
    doc = _signed(org, other_org, signing, upload)
    services.issue(by=Actor(org.clerk), document=doc)
    doc.refresh_from_db()
    assert doc.issued_file is not None and doc.issued_at is not None
    text = _pdf_text(read_stored(doc.issued_file))
    assert f"Số: {doc.reference}" in text
    assert convert.vietnamese_date(doc.issued_at.astimezone().date()) in text


def test_a_pdf_draft_is_stamped_with_both(org, other_org, signing, pki):
    from qlvb.incoming.tests.conftest import pdf_upload

    doc = _signed(org, other_org, signing, pdf_upload("du-thao.pdf", pages=1))
    services.issue(by=Actor(org.clerk), document=doc)
    doc.refresh_from_db()
    assert doc.issued_file is not None and doc.issued_at is not None
    text = _pdf_text(read_stored(doc.issued_file))
    assert doc.reference in text and "ngày" in text and str(doc.issued_at.year) in text


def test_no_number_or_signature_when_the_marks_cannot_be_placed(org, other_org, signing, pki, monkeypatch):
    from qlvb.incoming.tests.conftest import pdf_upload

    doc = _signed(org, other_org, signing, pdf_upload("du-thao.pdf", pages=1))
    monkeypatch.setattr(marks, "stamp", lambda pdf, *args, **kwargs: pdf)  # a stamp that writes nothing
    with pytest.raises(ValidationError) as refused:
        services.issue(by=Actor(org.clerk), document=doc)
    assert "số và ký hiệu" in str(refused.value) and "ngày" in str(refused.value)
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.SIGNED and doc.number is None and not doc.issued_file_id
    assert not RegisterCounter.objects.filter(register__direction="out", last_number__gt=0).exists()
