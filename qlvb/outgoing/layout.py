"""The built-in drafting template: a Word document in the NĐ30 layout (Phụ lục I) with placeholders,
used when the agency has no template of its own for the document type.

Header (a borderless two-column table): the parent agency and the agency on the left, with the
number line under them and, for a Công văn, the "V/v …" summary; the national motto on the right
with the place-and-date line. Then, except for a Công văn, the type's name and the summary as the
title; the body for the drafter to write; the "Nơi nhận" block on the left of the signing area
(the right is left to the signature issuing applies: the signer's title, handwritten signature and
name); the drafter's initials and the number of copies. Placeholders filled at drafting:
{{co_quan_chu_quan}} {{co_quan}} {{ten_loai}} {{trich_yeu}} {{kinh_gui}} {{noi_nhan}}
{{ky_hieu_nguoi_soan}}; at issuing: {{so_ky_hieu}} {{ngay_thang}} (see outgoing.marks).
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from qlvb.core.doctypes import NO_ABBREVIATION

FONT = "Times New Roman"
BODY_HINT = "[Nội dung văn bản]"


def _paragraph(cell_or_doc, text: str, *, size: float = 13, bold: bool = False, italic: bool = False,
               align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER, underline: bool = False,
               space_after: float = 0) -> None:
    paragraph = cell_or_doc.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    paragraph.paragraph_format.space_before = Pt(0)
    run = paragraph.add_run(text)
    run.font.name, run.font.size, run.bold, run.italic, run.underline = FONT, Pt(size), bold, italic, underline


def _borderless_table(document, widths: tuple[float, float]):
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # LibreOffice reads the grid's column widths, Word the cells': set both.
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths, strict=True):
        column.width = Cm(width)
        cell.width = Cm(width)
        cell.paragraphs[0].paragraph_format.space_after = Pt(0)
    return table


def nd30_docx(doc_type: str) -> bytes:
    """The built-in template for one document type (a Công văn has no title and carries "V/v")."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    letter = doc_type in NO_ABBREVIATION

    header = _borderless_table(document, (6.8, 9.7))
    left, right = header.rows[0].cells
    _paragraph(left, "{{co_quan_chu_quan}}", size=12)
    _paragraph(left, "{{co_quan}}", size=12, bold=True, space_after=6)
    _paragraph(left, "Số: {{so_ky_hieu}}", size=13)
    if letter:
        _paragraph(left, "V/v {{trich_yeu}}", size=12)
    _paragraph(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True)
    _paragraph(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True, underline=True, space_after=6)
    _paragraph(right, "{{ngay_thang}}", size=13, italic=True)

    document.add_paragraph()
    if letter:
        _paragraph(document, "Kính gửi: {{kinh_gui}}", size=14, space_after=6)
    else:
        _paragraph(document, "{{ten_loai}}", size=14, bold=True)
        _paragraph(document, "{{trich_yeu}}", size=14, bold=True, space_after=12)
    _paragraph(document, BODY_HINT, size=14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_after=12)

    footer = _borderless_table(document, (8, 8.5))
    receivers, _signing = footer.rows[0].cells
    _paragraph(receivers, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    _paragraph(receivers, "{{noi_nhan}}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for cell in (left, right, receivers):  # a new cell starts with an empty paragraph: not a blank line
        first = cell.paragraphs[0]
        if not first.text and len(cell.paragraphs) > 1:
            first._element.getparent().remove(first._element)
    _paragraph(document, "{{ky_hieu_nguoi_soan}}", size=10, align=WD_ALIGN_PARAGRAPH.LEFT)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
