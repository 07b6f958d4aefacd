"""Filling Word templates, DOCX → PDF with LibreOffice, stamping a PDF, dates and text."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import threading
import time
import zipfile
from datetime import date
from typing import cast

import docx
import pytest
from django.core.exceptions import ValidationError
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, RectangleObject, TextStringObject

from qlvb.files.convert import (
    SOFFICE_TEMP_PREFIX,
    _without_external_fetches,
    date_line,
    docx_to_pdf,
    extract_text,
    fill_placeholders,
    fill_placeholders_report,
    find_placeholders,
    soffice_path,
    stamp_pdf,
    vietnamese_date,
)
from qlvb.files.services import store_bytes

from .conftest import pdf_bytes, zip_bytes

needs_soffice = pytest.mark.skipif(
    soffice_path() is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui",
)
SO_KY_HIEU = "12/STTTT-CNTT"
NGAY = "Sơn La, ngày 05 tháng 01 năm 2026"


# --- Helpers ------------------------------------------------------------------------------------

def save(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def split_runs(paragraph, pieces: list[str], *, bold_first: bool = True) -> None:
    """Add ``pieces`` as separate runs, the first bold, with a spell-check marker between two of
    them as Word writes it."""
    for index, piece in enumerate(pieces):
        run = paragraph.add_run(piece)
        if index == 0:
            run.bold = bold_first
        else:
            run.italic = True
        if index == 1:
            marker = run._r.makeelement(qn("w:proofErr"), {qn("w:type"): "spellStart"})
            run._r.addprevious(marker)


def template() -> bytes:
    document = docx.Document()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.header.paragraphs[0].text = "Số: {{so_ky_hieu}} (các trang sau)"
    section.first_page_header.paragraphs[0].text = "Số: {{so_ky_hieu}}"
    section.footer.paragraphs[0].text = "Trang cuối — {{so}}"
    section.first_page_footer.paragraphs[0].text = "Văn bản số {{ so }}"
    title = document.add_paragraph("Số: ")
    split_runs(title, ["{{so", "_ky_h", "ieu}}"])
    title.add_run(" ngày nhận")
    date_paragraph = document.add_paragraph()
    split_runs(date_paragraph, ["{", "{ngay_thang", "}}"])
    document.add_paragraph("QUYẾT ĐỊNH về việc thành lập Tổ công tác")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Nơi nhận:"
    table.cell(0, 1).text = "{{noi_nhan}}"
    inner = table.cell(1, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "Lồng: {{so}}"
    document.add_paragraph("Giữ nguyên: {{chua_co}} và {{ 1sai }} và {so}")
    return save(document)


VALUES = {"so_ky_hieu": SO_KY_HIEU, "ngay_thang": NGAY, "so": "12", "noi_nhan": "- Như trên;\n- Lưu: VT, CNTT."}


def zip_of(entries: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def broken_docx() -> bytes:
    """Passes the sniffing (a zip holding word/document.xml) but is no Word document."""
    return zip_of({"[Content_Types].xml": "rác", "word/document.xml": os.urandom(2000)})


def our_temp_dirs() -> set[str]:
    prefix = f"{SOFFICE_TEMP_PREFIX}{os.getpid()}-"
    return {name for name in os.listdir(tempfile.gettempdir()) if name.startswith(prefix)}


def text_positions(pdf: bytes, page_index: int) -> list[tuple[str, float, float]]:
    """(text, x, y) of each text piece on a page, in PDF user space."""
    found: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text, x, y))

    PdfReader(io.BytesIO(pdf)).pages[page_index].extract_text(visitor_text=visit)
    return found


def word_boxes(pdf: bytes, page: int) -> dict[str, tuple[float, float, float, float]]:
    """poppler's view of a page as shown: word → (xMin, yMin, xMax, yMax) from the top-left."""
    from lxml import etree

    output = subprocess.run(["pdftotext", "-bbox", "-cropbox", "-f", str(page), "-l", str(page), "-", "-"], input=pdf,
                            capture_output=True, check=True).stdout
    root = etree.fromstring(output, etree.XMLParser(recover=True))
    return {el.text or "": (float(el.attrib["xMin"]), float(el.attrib["yMin"]), float(el.attrib["xMax"]),
                            float(el.attrib["yMax"]))
            for el in root.iter("{*}word")}


# --- Dates --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
    (date(2026, 2, 15), "ngày 15 tháng 02 năm 2026"),
    (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
    (date(2025, 10, 1), "ngày 01 tháng 10 năm 2025"),
    (date(2025, 12, 31), "ngày 31 tháng 12 năm 2025"),
])
def test_vietnamese_dates(day, expected):
    assert vietnamese_date(day) == expected
    assert date_line(day, "Sơn La") == f"Sơn La, {expected}"


def test_date_line_place():
    assert date_line(date(2026, 1, 5), "Sơn La") == NGAY
    assert date_line(date(2026, 1, 5), "  Hà Nội ") == "Hà Nội, ngày 05 tháng 01 năm 2026"
    assert date_line(date(2026, 1, 5), "") == "ngày 05 tháng 01 năm 2026"


# --- Placeholders -------------------------------------------------------------------------------

def test_find_placeholders_everywhere_and_across_runs():
    assert find_placeholders(template()) == {"so_ky_hieu", "ngay_thang", "so", "noi_nhan", "chua_co"}


def test_fill_across_runs_keeps_the_first_runs_formatting():
    filled = fill_placeholders(template(), VALUES)
    document = docx.Document(io.BytesIO(filled))
    title, date_paragraph = document.paragraphs[0], document.paragraphs[1]
    assert title.text == f"Số: {SO_KY_HIEU} ngày nhận"
    value_run = next(run for run in title.runs if SO_KY_HIEU in run.text)
    assert value_run.text == SO_KY_HIEU and value_run.bold  # the run where "{{so" was
    assert not any(run.text == "" for run in title.runs)  # the emptied runs are gone
    assert date_paragraph.text == NGAY
    assert date_paragraph.runs[0].bold and date_paragraph.runs[0].text == NGAY


def test_fill_headers_footers_tables():
    filled = fill_placeholders(template(), VALUES)
    document = docx.Document(io.BytesIO(filled))
    section = document.sections[0]
    assert section.first_page_header.paragraphs[0].text == f"Số: {SO_KY_HIEU}"
    assert section.header.paragraphs[0].text == f"Số: {SO_KY_HIEU} (các trang sau)"
    assert section.footer.paragraphs[0].text == "Trang cuối — 12"
    assert section.first_page_footer.paragraphs[0].text == "Văn bản số 12"
    table = document.tables[0]
    assert table.cell(0, 1).text == "- Như trên;\n- Lưu: VT, CNTT."
    assert table.cell(0, 1)._tc.xpath(".//w:br")  # the newline became a line break
    assert table.cell(1, 1).tables[0].cell(0, 0).text == "Lồng: 12"
    assert find_placeholders(filled) == {"chua_co"}


def test_missing_keys_are_left_and_reported():
    result = fill_placeholders_report(template(), {"so": "05"})
    assert result.filled == {"so"}
    assert result.missing == {"so_ky_hieu", "ngay_thang", "noi_nhan", "chua_co"}
    document = docx.Document(io.BytesIO(result.data))
    assert document.paragraphs[0].text == "Số: {{so_ky_hieu}} ngày nhận"
    assert document.paragraphs[-1].text == "Giữ nguyên: {{chua_co}} và {{ 1sai }} và {so}"


def test_values_are_text_not_markup_and_other_parts_untouched():
    original = template()
    filled = fill_placeholders(original, {"so": '<w:t>&"x"</w:t>\x00', "ngay_thang": "Hà Nội"})
    document = docx.Document(io.BytesIO(filled))
    assert document.sections[0].footer.paragraphs[0].text == 'Trang cuối — <w:t>&"x"</w:t>'
    with zipfile.ZipFile(io.BytesIO(original)) as before, zipfile.ZipFile(io.BytesIO(filled)) as after:
        assert before.namelist() == after.namelist()
        for name in ("word/styles.xml", "[Content_Types].xml", "word/_rels/document.xml.rels"):
            assert before.read(name) == after.read(name)
    assert fill_placeholders(original, {}) == original  # nothing to do: the same bytes


@pytest.mark.parametrize("data", [b"", os.urandom(500), zip_bytes(), pdf_bytes()])
def test_placeholders_refuse_what_is_not_docx(data):
    with pytest.raises(ValidationError) as caught:
        fill_placeholders(data, {"so": "1"})
    assert caught.value.code == "not_docx"
    with pytest.raises(ValidationError):
        find_placeholders(data)


# --- Text ---------------------------------------------------------------------------------------

def test_text_box_fallback_is_read_once():
    document = docx.Document()
    paragraph = document.add_paragraph("Ngoài")
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    box = (f'<w:r xmlns:w="{w}" xmlns:mc="{mc}"><mc:AlternateContent><mc:Choice Requires="wps">'
           '<w:txbxContent><w:p><w:r><w:t>Hộp {{so}}</w:t></w:r></w:p></w:txbxContent></mc:Choice>'
           '<mc:Fallback><w:txbxContent><w:p><w:r><w:t>Hộp {{so}}</w:t></w:r></w:p></w:txbxContent>'
           '</mc:Fallback></mc:AlternateContent></w:r>')
    from lxml import etree

    cast(etree._Element, paragraph._p).append(etree.fromstring(box))
    filled = fill_placeholders(save(document), {"so": "07"})
    assert extract_text(filled).splitlines() == ["Ngoài", "Hộp 07"]
    with zipfile.ZipFile(io.BytesIO(filled)) as archive:
        assert archive.read("word/document.xml").decode().count("Hộp 07") == 2  # both copies filled


def test_extract_text_docx_and_pdf(db, storage_root):
    filled = fill_placeholders(template(), VALUES)
    text = extract_text(filled, "docx")
    assert text.splitlines()[:3] == [f"Số: {SO_KY_HIEU} ngày nhận", NGAY, "QUYẾT ĐỊNH về việc thành lập Tổ công tác"]
    assert "Nơi nhận:" in text and "- Lưu: VT, CNTT." in text and "Lồng: 12" in text
    stored = store_bytes(filled, name="du-thao.docx")
    assert extract_text(stored) == text
    stamped = stamp_pdf(pdf_bytes(1), page=1, x=100, y=700, lines=["Số: 05/QĐ-UBND"])
    assert "Số: 05/QĐ-UBND" in extract_text(stamped)
    with pytest.raises(ValueError):
        extract_text(b"\x89PNG\r\n\x1a\n" + bytes(50))
    with pytest.raises(ValidationError):
        extract_text(b"%PDF-1.4 broken", "pdf")


# --- Stamping -----------------------------------------------------------------------------------

def test_stamp_writes_vietnamese_where_asked():
    source = pdf_bytes(2)
    lines = [f"Số: {SO_KY_HIEU}", date_line(date(2026, 3, 9), "Sơn La")]
    stamped = stamp_pdf(source, page=-1, x=300, y=700, lines=lines)
    reader = PdfReader(io.BytesIO(stamped))
    assert len(reader.pages) == 2
    assert reader.pages[0].extract_text().strip() == ""
    text = reader.pages[1].extract_text()
    assert SO_KY_HIEU in text and "Sơn La, ngày 09 tháng 3 năm 2026" in text
    positions = text_positions(stamped, 1)
    first = next((x, y) for piece, x, y in positions if "Số" in piece)
    second = next((x, y) for piece, x, y in positions if "Sơn La" in piece)
    assert first[0] == pytest.approx(300, abs=1)
    assert 700 - 13 * 1.2 <= first[1] <= 700  # the first baseline just under the point
    assert second[1] == pytest.approx(first[1] - 13 * 1.2, abs=0.5)
    assert stamped.startswith(b"%PDF-")


def test_stamp_page_numbers_and_font_size():
    source = pdf_bytes(3)
    stamped = stamp_pdf(source, page=2, x=50, y=100, lines=["Ở giữa"], font_size=20)
    reader = PdfReader(io.BytesIO(stamped))
    assert [("Ở giữa" in page.extract_text()) for page in reader.pages] == [False, True, False]
    stamped = stamp_pdf(source, page=-3, x=50, y=100, lines=["Đầu"])
    assert "Đầu" in PdfReader(io.BytesIO(stamped)).pages[0].extract_text()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_stamp_on_rotated_pages_lands_where_shown(rotation):
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    if rotation:
        page.rotate(rotation)
    out = io.BytesIO()
    writer.write(out)
    shown_height = 595 if rotation in (90, 270) else 842
    stamped = stamp_pdf(out.getvalue(), page=1, x=120, y=400, lines=["Khẩn"])
    box = word_boxes(stamped, 1)["Khẩn"]
    assert box[0] == pytest.approx(120, abs=1.5)  # left edge where asked
    top_from_bottom = shown_height - box[1]
    assert 400 - 13 <= top_from_bottom <= 400 + 1


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_stamp_on_a_page_whose_box_does_not_start_at_zero():
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    page.mediabox = RectangleObject([-50, 100, 545, 942])
    page.cropbox = RectangleObject([0, 200, 500, 900])  # shown: 500 × 700
    out = io.BytesIO()
    writer.write(out)
    stamped = stamp_pdf(out.getvalue(), page=1, x=20, y=650, lines=["Khẩn"])
    box = word_boxes(stamped, 1)["Khẩn"]
    assert box[0] == pytest.approx(20, abs=1.5)
    assert 650 - 13 <= 700 - box[1] <= 650 + 1
    with pytest.raises(ValidationError):
        stamp_pdf(out.getvalue(), page=1, x=520, y=650, lines=["x"])


def test_stamp_keeps_text_markup_literal():
    stamped = stamp_pdf(pdf_bytes(), page=1, x=10, y=800, lines=["<b>đ</b> & </div>"])
    assert "<b>đ</b> & </div>" in PdfReader(io.BytesIO(stamped)).pages[0].extract_text()


def test_stamp_refusals():
    source = pdf_bytes(2)
    for page in (0, 3, -3):
        with pytest.raises(ValidationError) as caught:
            stamp_pdf(source, page=page, x=10, y=10, lines=["x"])
        assert caught.value.code == "no_such_page"
    for x, y in ((-1, 10), (10, 900), (600, 10), (float("nan"), 10)):
        with pytest.raises(ValidationError) as caught:
            stamp_pdf(source, page=1, x=x, y=y, lines=["x"])
        assert caught.value.code == "outside_page"
    with pytest.raises(ValueError):
        stamp_pdf(source, page=1, x=10, y=10, lines=["", "  "])
    with pytest.raises(ValidationError) as caught:
        stamp_pdf(b"not a pdf", page=1, x=10, y=10, lines=["x"])
    assert caught.value.code == "not_pdf"
    with pytest.raises(ValidationError) as caught:
        stamp_pdf(pdf_bytes(user_password="secret"), page=1, x=10, y=10, lines=["x"])
    assert caught.value.code == "pdf_encrypted"


def test_stamp_refuses_a_signed_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    signature = writer._add_object(DictionaryObject({
        NameObject("/FT"): NameObject("/Sig"), NameObject("/T"): TextStringObject("Signature1"),
        NameObject("/V"): writer._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Sig")})),
    }))
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({
        NameObject("/Fields"): ArrayObject([signature]),
        NameObject("/SigFlags"): NumberObject(3),
    })
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationError) as caught:
        stamp_pdf(out.getvalue(), page=1, x=10, y=10, lines=["x"])
    assert caught.value.code == "pdf_signed"


# --- DOCX → PDF with LibreOffice ----------------------------------------------------------------

@needs_soffice
def test_docx_to_pdf_has_the_filled_number_and_date():
    before = our_temp_dirs()
    filled = fill_placeholders(template(), VALUES)
    started = time.monotonic()
    pdf = docx_to_pdf(filled)
    elapsed = time.monotonic() - started
    print(f"docx_to_pdf: {elapsed:.2f} s")
    assert pdf.startswith(b"%PDF-")
    text = extract_text(pdf)
    assert SO_KY_HIEU in text
    assert "Sơn La, ngày 05 tháng 01 năm 2026" in text  # every mark right, NFC
    assert "QUYẾT ĐỊNH về việc thành lập Tổ công tác" in text
    assert "{{" not in text.replace("{{chua_co}}", "").replace("{{ 1sai }}", "")
    assert our_temp_dirs() == before
    # The clerk then writes the number and date where the draft leaves room: the PDF stays sound.
    stamped = stamp_pdf(pdf, page=1, x=350, y=780, lines=["Số: 13/QĐ-STTTT", NGAY])
    reader = PdfReader(io.BytesIO(stamped), strict=True)
    assert len(reader.pages) == len(PdfReader(io.BytesIO(pdf)).pages)
    assert "Số: 13/QĐ-STTTT" in reader.pages[0].extract_text()


@needs_soffice
@pytest.mark.parametrize("data", [os.urandom(4000), zip_bytes(), b"", pdf_bytes()])
def test_docx_to_pdf_refuses_what_is_not_docx(data):
    before = our_temp_dirs()
    with pytest.raises(ValidationError) as caught:
        docx_to_pdf(data)
    assert caught.value.code == "not_docx"
    assert "Word" in caught.value.messages[0]
    assert our_temp_dirs() == before


@needs_soffice
def test_docx_to_pdf_broken_docx_fails_cleanly():
    before = our_temp_dirs()
    with pytest.raises(ValidationError) as caught:
        docx_to_pdf(broken_docx())
    assert caught.value.code == "convert_failed"
    assert our_temp_dirs() == before


@needs_soffice
def test_docx_to_pdf_timeout_stops_and_cleans_up():
    before = our_temp_dirs()
    with pytest.raises(ValidationError) as caught:
        docx_to_pdf(fill_placeholders(template(), VALUES), timeout=0)
    assert caught.value.code == "convert_timeout"
    assert our_temp_dirs() == before


@needs_soffice
def test_docx_to_pdf_in_parallel():
    documents = [fill_placeholders(template(), {**VALUES, "so": f"0{n}"}) for n in (1, 2)]
    results: dict[int, bytes | Exception] = {}

    def convert(n: int) -> None:
        try:
            results[n] = docx_to_pdf(documents[n])
        except Exception as error:  # reported below
            results[n] = error

    threads = [threading.Thread(target=convert, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for n in (0, 1):
        result = results[n]
        assert isinstance(result, bytes), result
        assert f"Văn bản số 0{n + 1}" in extract_text(result)


def test_external_fetches_are_removed_but_hyperlinks_kept():
    document = docx.Document()
    paragraph = document.add_paragraph("Xem ")
    document.part.relate_to("http://intranet.example/bao-cao", RELATIONSHIP_TYPE.HYPERLINK,
                            is_external=True)
    document.part.relate_to("http://169.254.169.254/latest/meta-data", RELATIONSHIP_TYPE.IMAGE,
                            is_external=True)
    paragraph.add_run("tài liệu")
    data = save(document)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        cleaned = _without_external_fetches(archive)
    with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode()
    assert "169.254.169.254" not in rels
    assert "intranet.example" in rels
    if soffice_path():
        assert "Xem tài liệu" in extract_text(docx_to_pdf(data))


def test_external_fetch_as_the_whole_rels_part_is_removed():
    """A .rels part whose root is the external relationship itself (no <Relationships> around it)
    used to fail with AttributeError (the root has no parent to remove it from)."""
    rel = ('<Relationship xmlns="http://schemas.openxmlformats.org/package/2006/relationships" Id="rId9" '
           f'Type="{RELATIONSHIP_TYPE.IMAGE}" Target="http://169.254.169.254/latest/meta-data" TargetMode="External"/>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/_rels/document.xml.rels", rel)
    data = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        cleaned = _without_external_fetches(archive)
    with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode()
        assert archive.read("word/document.xml") == b"<w:document/>"
    assert "169.254.169.254" not in rels
    assert "Relationships" in rels


def test_no_temp_dirs_left_by_this_process():
    assert our_temp_dirs() == set()
