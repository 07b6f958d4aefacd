"""The number and date an issued document carries (NĐ30 Phụ lục I: "Số: 12/STTTT-VP" under the
agency's name, "Sơn La, ngày 05 tháng 01 năm 2026" under the motto).

Whatever the draft holds, the PDF that goes to the signer's and the agency's signatures shows both:
1. placeholders of a template (``{{so_ky_hieu}}``, ``{{so}}``, ``{{ngay_thang}}``) are filled;
2. else the lines the drafter left blank in the NĐ30 layout (``Số:      /STTTT-VP``,
   ``Sơn La, ngày    tháng    năm 2026``) are completed where they stand;
3. else a Word draft gets them as its first lines (number left, date right), and a PDF draft is
   stamped where the clerk chose on the preview (or at the top of page 1).
Then the PDF's own text is read back: if the number and notation or the date cannot be found in
it, issuing is refused with a message that says which is missing. No signed PDF without them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qlvb.files import convert

# Page, x, y in PDF points from the bottom-left corner: where a PDF draft is stamped by default,
# the number under the agency's name (left column) and the date under the motto (right column).
NUMBER_AT = (1, 75.0, 745.0)
DATE_AT = (1, 330.0, 745.0)

_BLANK = r"[\s._…\-–]*"  # what drafters type where a value will go: spaces, dots, underscores
_SO = "(?:S[ốỐ]|So\u0302\u0301|SỐ)"  # "Số" typed composed or decomposed, or in capitals
NUMBER_BLANK = re.compile(
    rf"\s*(?P<label>{_SO})\s*:?{_BLANK}(?P<notation>/\s*\S.*?)?\s*", re.IGNORECASE)
DATE_BLANK = re.compile(
    rf"\s*(?P<place>[^,\d]*?,\s*)?ngày{_BLANK}tháng{_BLANK}năm{_BLANK}(?:\d{{2,4}})?{_BLANK}", re.IGNORECASE)


@dataclass(frozen=True)
class Spot:
    """Where the clerk put the number and date: a page (1-based; negative counts from the end) and
    the top-left corner of the text, either in PDF points from the page's bottom-left corner or,
    chosen by a click on the preview, as fractions of the page's width and height from its top-left."""
    page: int
    x: float
    y: float
    fraction: bool = False

    @classmethod
    def of(cls, value: Spot | tuple[int, float, float] | None) -> Spot | None:
        return value if value is None or isinstance(value, Spot) else cls(*value)

    def signer_box(self, pdf: bytes) -> tuple[int, float, float, float, float]:
        """The signer's box centred where the clerk clicked (signatures' 0-based page)."""
        from qlvb.signatures.services import signer_box_at

        page, x, y = self.in_points(pdf)
        return signer_box_at(pdf, page - 1 if page > 0 else page, x, y)

    def in_points(self, pdf: bytes) -> tuple[int, float, float]:
        if not self.fraction:
            return self.page, self.x, self.y
        width, height = convert.page_size(pdf, self.page)
        return self.page, self.x * width, (1 - self.y) * height


@dataclass(frozen=True)
class Marks:
    """What the issued document must show."""
    reference: str  # number and notation, "01/STTTT-CNTT"
    day: date
    place: str

    @property
    def number_line(self) -> str:
        return f"Số: {self.reference}"

    @property
    def date_line(self) -> str:
        return convert.date_line(self.day, self.place)

    def placeholders(self, number: int, notation: str) -> dict[str, str]:
        return {"so": f"{number:02d}", "ky_hieu": notation, "so_ky_hieu": self.reference,
                "ngay_thang": self.date_line, "nam": str(self.day.year)}


def _number_value(marks: Marks, match: re.Match[str]) -> str:
    # The notation the drafter typed after the blank is replaced by the register's: they differ
    # only by mistake, and the register's is the one the document is filed under.
    return f"{match.group('label')}: {marks.reference}"


def _date_value(marks: Marks, match: re.Match[str]) -> str:
    place = (match.group("place") or "").strip().rstrip(",").strip()
    return convert.date_line(marks.day, place or marks.place)


def docx_with_marks(docx: bytes, marks: Marks, number: int, notation: str, *,
                    stamp_later: bool) -> tuple[bytes, set[str]]:
    """The Word draft with its number and date written in (steps 1–3 above); also the marks still
    to stamp on the PDF ("number", "date"), which is only ever non-empty with ``stamp_later``
    (the clerk chose where to put them on the preview)."""
    filled = convert.fill_placeholders_report(docx, marks.placeholders(number, notation))
    missing = set()
    if not filled.filled & {"so_ky_hieu", "so"}:
        missing.add("number")
    if "ngay_thang" not in filled.filled:
        missing.add("date")
    data = filled.data
    if missing:
        blanks = [blank for blank in (
            convert.BlankField("number", NUMBER_BLANK, lambda match: _number_value(marks, match)),
            convert.BlankField("date", DATE_BLANK, lambda match: _date_value(marks, match))) if blank.key in missing]
        completed = convert.fill_blank_fields(data, blanks)
        data, missing = completed.data, missing - completed.filled
    if missing and not stamp_later:
        data = convert.prepend_paragraphs(data, [line for key, line in (
            ("number", convert.Line(marks.number_line, align="left")),
            ("date", convert.Line(marks.date_line, align="right", italic=True))) if key in missing])
        missing = set()
    return data, missing


def stamp(pdf: bytes, marks: Marks, which: set[str], at: Spot | tuple[int, float, float] | None) -> bytes:
    """Stamp the missing marks: both as one block where the clerk chose, else each in its column."""
    lines = [line for key, line in (("number", marks.number_line), ("date", marks.date_line)) if key in which]
    if not lines:
        return pdf
    spot = Spot.of(at)
    if spot is not None:
        page, x, y = spot.in_points(pdf)
        return convert.stamp_pdf(pdf, page=page, x=x, y=y, lines=lines)
    for key, (page, x, y) in (("number", NUMBER_AT), ("date", DATE_AT)):
        if key in which:
            pdf = convert.stamp_pdf(pdf, page=page, x=x, y=y,
                                    lines=[marks.number_line if key == "number" else marks.date_line])
    return pdf


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text)).casefold()


def missing_from(pdf: bytes, marks: Marks) -> list[str]:
    """What of the number and date cannot be read in the PDF's text (empty: it carries both)."""
    text = _squeezed(convert.extract_text(pdf, "pdf"))
    missing = []
    if _squeezed(marks.reference) not in text:
        missing.append(_("the number and notation %(reference)s") % {"reference": marks.reference})
    if _squeezed(convert.vietnamese_date(marks.day)) not in text:
        missing.append(_("the date (%(date)s)") % {"date": convert.vietnamese_date(marks.day)})
    return missing


def check(pdf: bytes, marks: Marks) -> None:
    """Refuse a PDF that does not show its number and date (before anyone signs it)."""
    missing = missing_from(pdf, marks)
    if missing:
        raise ValidationError(
            _("The document to issue does not show %(missing)s. Put the placeholders {{so_ky_hieu}} and "
              "{{ngay_thang}} in the draft, or choose on the preview where to write them.")
            % {"missing": _(" and ").join(missing)}, code="marks_missing")
