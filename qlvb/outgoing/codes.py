"""The verification code of an issued document (mã xác thực): twelve characters read aloud in
three groups ("K7QM-3XPA-9DRT"), printed with a QR code in the bottom-left margin of the first
page before the signatures, so that anyone holding a copy can open the public page that says who
issued it and whether it is the issued file (docs/verification.md).

The alphabet is Crockford's base 32: digits and capitals without I, L, O and U, so that what is
typed is what was printed; on reading, O is taken for 0 and I, L for 1, and case, spaces and
dashes do not matter. The code is random (60 bits from `secrets`), never derived from the id or
the number: it cannot be guessed, and the public page is rate-limited besides.
"""

from __future__ import annotations

import html
import re
import secrets

from django.conf import settings
from django.urls import reverse

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
GROUP = 4
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_NOT_PART = re.compile(r"[\s\-–_.]+")

# The mark in the bottom-left margin of page 1, in PDF points from the page's bottom-left corner:
# NĐ30 (Phụ lục I) leaves a left margin of 30–35 mm and a bottom margin of 20–25 mm, so a 16 mm QR
# code 8 mm from the left edge, its two lines of small text beneath, touch no text of the document.
QR_X = 22.0
QR_TOP = 76.0
QR_SIZE = 45.0
TEXT_SIZE = 6.0


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str | None:
    """The stored form (12 characters, no dashes) of what someone typed or scanned, or None when it
    cannot be a code."""
    value = _NOT_PART.sub("", str(text or "")).upper().translate(_READ_AS)
    if len(value) != LENGTH or any(c not in ALPHABET for c in value):
        return None
    return value


def formatted(code: str) -> str:
    """For reading: "K7QM-3XPA-9DRT"."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def public_path(code: str) -> str:
    return reverse("verify:code", args=[formatted(code)])


def public_url(code: str) -> str:
    """The absolute address of the public page (QLVB_SITE_URL, as in the notification e-mails)."""
    return f"{settings.QLVB_SITE_URL}{public_path(code)}"


def qr_svg(data: str) -> str:
    """The QR code of `data` as an SVG of filled squares, without a quiet zone (the margin is
    white); error correction M (15%) so that a crease or a stamp's edge does not stop a phone."""
    matrix = qr_matrix(data)
    size = len(matrix)
    path = "".join(f"M{x},{y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
            f'<path fill="#000" d="{html.escape(path)}"/></svg>')


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules of the QR code (True: dark), without the quiet zone."""
    import qrcode
    import qrcode.constants

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def mark_lines(code: str) -> list[str]:
    return ["Mã xác thực:", formatted(code)]


def stamp(pdf: bytes, code: str) -> bytes:
    """Page 1 with the QR code of the public page and the code in small text beneath it (before any
    signature: every signature then covers it)."""
    from qlvb.files import convert

    return convert.stamp_pdf(pdf, page=1, x=QR_X, y=QR_TOP, lines=mark_lines(code), font_size=TEXT_SIZE,
                             svg=qr_svg(public_url(code)), svg_size=QR_SIZE)
