"""Signing a Vietnamese two-page document as the signer and then as the agency, an attachment,
and checking the result with pyHanko and, independently, with poppler's pdfsig."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from PIL import Image

from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.signatures import services
from qlvb.signatures.verification import pdfsig_check, verify_pdf

DPI = 100
TITLE = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"


def _sign_both(org, keys, pdf):
    started = time.perf_counter()
    signed = services.sign_as_signer(pdf, by=Actor(org.deputy), certificate=keys.deputy, position_title=TITLE,
                                     full_name=org.deputy.full_name, reason="Ký ban hành")
    middle = time.perf_counter()
    sealed = services.sign_as_agency(signed, by=Actor(org.clerk), certificate=keys.agency, reason="Đóng dấu")
    end = time.perf_counter()
    return signed, sealed, (middle - started, end - middle)


def _render(pdf: bytes, page: int, tmp_path, name: str) -> Image.Image:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-f", str(page), "-l", str(page), str(path),
                    str(tmp_path / name)], check=True)
    found = sorted(tmp_path.glob(f"{name}*.png"))
    return Image.open(found[-1]).convert("RGB")


def _count(image: Image.Image, box: tuple[int, int, int, int], test) -> int:
    region = image.crop(box)
    return sum(1 for pixel in region.get_flattened_data() if test(pixel))


def _blue(p):
    return p[2] > 120 and p[0] < 110 and p[2] - p[0] > 60


def _red(p):
    return p[0] > 150 and p[1] < 110 and p[2] < 110


def test_signer_then_agency_both_valid_and_trusted(org, keys, document_pdf, tmp_path):
    signed, sealed, (t_signer, t_agency) = _sign_both(org, keys, document_pdf)
    print(f"\nsigning: signer {t_signer:.3f} s, agency {t_agency:.3f} s")
    assert sealed.startswith(signed)  # incremental updates only

    reports = verify_pdf(sealed)
    assert [r.field_name for r in reports] == ["Signature1", "Seal1"]
    signer, agency = reports
    assert signer.signer_name == org.deputy.full_name
    assert agency.signer_name == org.agency.name
    for report in reports:
        assert report.intact and report.valid and report.trusted, report
        assert report.ok and report.status == "valid"
        assert report.signing_time is not None
    assert agency.covers_whole_document and agency.modification_level == "none"
    assert not signer.covers_whole_document and signer.modification_level == "form_filling"

    checked = pdfsig_check(sealed)
    assert checked.count("Signature Validation: Signature is Valid.") == 2, checked
    assert org.deputy.full_name in checked

    events = Event.objects.filter(verb="signatures.signed").order_by("seq")
    assert [e.data["role"] for e in events] == ["signer", "agency"]
    assert events[0].actor == org.deputy and events[1].actor == org.clerk


def test_signature_block_layout(org, keys, document_pdf, tmp_path):
    """Position above, blue signature centred, name below; the red seal over its left third."""
    _signed, sealed, _times = _sign_both(org, keys, document_pdf)
    page, x1, y1, x2, y2 = services.default_signer_box(document_pdf)
    assert page == 1  # the last page of two
    seal = services.seal_box(sealed, signer_field="Signature1")
    image = _render(sealed, 2, tmp_path, "sealed")
    (tmp_path / "keep").mkdir()
    scale = DPI / 72
    height = image.height

    def px(x, y):
        return round(x * scale), round(height - y * scale)

    # The signer's box: blue ink in the middle, none in the title and name bands.
    left, top = px(x1, y2)
    right, bottom = px(x2, y1)
    title_band = (left, top, right, top + 40)
    name_band = (left, bottom - 20, right, bottom)
    assert _count(image, (left, top + 40, right, bottom - 20), _blue) > 300
    assert _count(image, title_band, _blue) == 0 and _count(image, name_band, _blue) == 0
    assert _count(image, title_band, lambda p: max(p) < 80) > 50  # black title text
    assert _count(image, name_band, lambda p: max(p) < 80) > 50  # black name

    # The seal: red, its right edge a third of the way into the signature image.
    _p, sx1, sy1, sx2, sy2 = seal
    assert round(sx2 - sx1) == round(36 * 72 / 25.4)  # real size, 36 mm
    slf, stop = px(sx1, sy2)
    srt, sbot = px(sx2, sy1)
    assert _count(image, (slf, stop, srt, sbot), _red) > 1000
    unsealed = services._read_pdf(_signed)
    name, _field, widget = services._signature_fields(unsealed)[0]
    rx1, ry1, rx2, ry2 = (float(v) for v in widget["/Rect"])
    image_rect = services._image_rect(widget, (rx1, ry1, rx2, ry2))
    assert image_rect is not None
    ix, iy, iw, ih = image_rect
    assert sx2 == pytest.approx(ix + iw / 3, abs=0.05)
    assert sy1 < iy + ih / 2 < sy2
    # Blue ink of the signature still shows to the right of the seal.
    ir, _ = px(ix + iw, 0)
    assert _count(image, (srt, stop, ir, sbot), _blue) > 100

    crop = image.crop((slf - 20, top - 10, right + 10, max(bottom, sbot) + 10))
    crop.save(tmp_path / "keep" / "signature-block.png")
    artefacts = _artefacts_dir()
    if artefacts:
        crop.save(artefacts / "signature-block.png")
        (artefacts / "signed.pdf").write_bytes(sealed)
        image.save(artefacts / "signed-page-2.png")


def _artefacts_dir():
    from django.conf import settings

    folder = settings.BASE_DIR / "test-artifacts" / "signatures"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def test_attachment_signature(org, keys, attachment_pdf, tmp_path):
    signed_at = datetime(2026, 3, 5, 7, 30, tzinfo=ZoneInfo("UTC"))
    started = time.perf_counter()
    signed = services.sign_attachment(attachment_pdf, by=Actor(org.clerk), certificate=keys.agency,
                                      number_notation="12/QĐ-STTTT", signed_at=signed_at)
    print(f"\nattachment signing {time.perf_counter() - started:.3f} s")
    (report,) = verify_pdf(signed)
    assert report.ok and report.field_name == "Attachment1"
    assert pdfsig_check(signed).count("Signature is Valid.") == 1

    path = tmp_path / "attachment.pdf"
    path.write_bytes(signed)
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Sở Thông tin và Truyền thông tỉnh Sơn La" in text
    assert "12/QĐ-STTTT" in text
    assert "2026-03-05T14:30:00+07:00" in text

    page, x1, y1, x2, y2 = services.attachment_box(attachment_pdf, services.attachment_lines(
        agency_name=org.agency.name, number_notation="12/QĐ-STTTT", signed_at=signed_at))
    assert page == 0 and x2 > 595 - 60 and y2 > 842 - 20  # top right of an A4 page
    image = _render(signed, 1, tmp_path, "attachment")
    scale = DPI / 72
    box = (round(x1 * scale), round((842 - y2) * scale), round(x2 * scale), round((842 - y1) * scale))
    assert _count(image, box, lambda p: max(p) < 80) > 100  # black text
    assert _count(image, box, lambda p: _blue(p) or _red(p)) == 0  # no image
    artefacts = _artefacts_dir()
    if artefacts:
        image.crop((box[0] - 30, 0, image.width, box[3] + 60)).save(artefacts / "attachment-stamp.png")


def test_tampering_is_detected(org, keys, document_pdf):
    _signed, sealed, _times = _sign_both(org, keys, document_pdf)

    # A byte changed inside the signed range.
    (report,) = [r for r in verify_pdf(sealed) if r.field_name == "Seal1"]
    assert report.ok
    position = sealed.index(b"Ban h") if b"Ban h" in sealed else len(sealed) // 3
    byte_range = [int(v) for v in re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", sealed)[-1]]
    position = min(position, byte_range[1] - 10)
    tampered = sealed[:position] + bytes([sealed[position] ^ 0x01]) + sealed[position + 1:]
    reports = verify_pdf(tampered)
    assert reports and not any(r.ok for r in reports)
    assert not any(r.intact for r in reports)
    assert pdfsig_check(tampered).count("Signature is Valid.") < 2

    # An incremental update that changes the page content after signing.
    modified = _append_page_change(sealed)
    reports = verify_pdf(modified)
    assert len(reports) == 2
    for report in reports:
        assert report.intact  # the signed bytes themselves are unchanged…
        assert report.modification_level == "other" and report.status == "modified" and not report.ok  # …but
    with translation.override("en"):
        assert reports[0].summary == f"Invalid: content was added or changed after {org.deputy.full_name} signed."
    assert reports[0].summary.startswith("Không hợp lệ")


def _append_page_change(pdf: bytes) -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    content = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (FORGED) Tj ET"))
    writer.add_stream_to_page(0, content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdfsig_is_installed():
    assert shutil.which("pdfsig"), "poppler-utils (pdfsig) is needed for the independent check"
