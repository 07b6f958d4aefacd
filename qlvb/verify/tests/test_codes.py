"""Every issued document gets a code of its own, printed with the QR code of its public page in the
bottom-left margin of page 1 before the signatures, which stay valid."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from django.apps import apps
from pypdf import PdfReader

from qlvb.core.actor import Actor
from qlvb.files.services import read_stored
from qlvb.outgoing import codes, services
from qlvb.outgoing.models import OutgoingDocument, OutgoingSettings
from qlvb.signatures.verification import verify_pdf
from qlvb.verify.tests.conftest import issue


def page_text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or ""


def qr_on_page(pdf: bytes) -> list[list[bool]]:
    """The modules read off page 1 where codes.stamp draws the QR code (rendered by PDFium)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    page = document[0]
    height = page.get_height()
    scale = 8.0
    image = page.render(scale=scale).to_pil().convert("L")
    size = len(codes.qr_matrix(codes.public_url("0" * codes.LENGTH)))  # same length of data, same version
    module = codes.QR_SIZE / size
    top = height - codes.QR_TOP
    return [[image.getpixel((round((codes.QR_X + (x + 0.5) * module) * scale),
                             round((top + (y + 0.5) * module) * scale))) < 128 for x in range(size)]
            for y in range(size)]


def test_codes_are_read_as_printed_whatever_the_typing():
    code = codes.new_code()
    assert len(code) == 12 and set(code) <= set(codes.ALPHABET)
    shown = codes.formatted(code)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", shown)
    assert codes.normalise(shown.lower()) == code and codes.normalise(f" {shown.replace('-', ' ')} ") == code
    assert codes.normalise("K7QM-3XPA-9DRO") == "K7QM3XPA9DR0"  # O read as zero, I and L as one
    assert codes.normalise("K7QM-3XPA-9DRI") == codes.normalise("K7QM-3XPA-9DRL") == "K7QM3XPA9DR1"
    assert codes.normalise("K7QM-3XPA-9DR") is None and codes.normalise("K7QM-3XPA-9DRU") is None
    assert codes.normalise("'; DROP TABLE x") is None


def test_every_issued_document_has_its_own_code_printed_with_its_qr_and_valid_signatures(
        org, signing, pki, issued, tmp_path):
    other = issue(org, signing, salt="khác")
    assert issued.verification_code and other.verification_code
    assert issued.verification_code != other.verification_code
    assert OutgoingDocument.objects.filter(verification_code=issued.verification_code).count() == 1
    pdf = read_stored(issued.issued_file)
    text = page_text(pdf)
    assert codes.formatted(issued.verification_code) in text and "Mã xác thực" in text
    # The QR code on the page is the QR code of the public page's address, module for module.
    assert qr_on_page(pdf) == codes.qr_matrix(codes.public_url(issued.verification_code))
    assert codes.public_url(issued.verification_code).endswith(
        f"/verify/{codes.formatted(issued.verification_code)}/")
    # Both signatures cover it: intact, trusted, nothing changed after them.
    reports = verify_pdf(pdf)
    assert len(reports) == 2 and all(r.ok for r in reports)
    if shutil.which("pdfsig"):
        path = tmp_path / "issued.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, check=False, text=True).stdout
        assert out.count("Signature is Valid") == 2, out


def test_an_agency_may_leave_the_mark_off_but_the_document_still_has_a_code(org, signing, pki):
    OutgoingSettings.objects.filter(agency=org.agency).update(verification_mark=False)
    document = issue(org, signing)
    assert document.verification_code
    assert document.verification_code and document.issued_file
    pdf = read_stored(document.issued_file)
    assert codes.formatted(document.verification_code) not in page_text(pdf)
    assert not any(any(row) for row in qr_on_page(pdf))


def test_the_preview_shows_where_the_mark_goes(org, signing, pki):
    from qlvb.incoming.tests.conftest import pdf_upload
    from qlvb.verify.tests.conftest import submit_approve_and_sign

    document = services.create_draft(by=Actor(org.specialist), agency=org.agency, uploads=[pdf_upload("a.pdf", 1)],
                                     fields={"doc_type": "KH", "summary": "Kế hoạch chuyển đổi số năm 2026",
                                             "field": signing})
    document = submit_approve_and_sign(org, document)
    pdf = services.preview_issue(by=Actor(org.clerk), document=document)
    assert "Mã xác thực" in page_text(pdf)
    document.refresh_from_db()
    assert document.verification_code is None  # a preview gives nothing


@pytest.mark.django_db
def test_the_migration_gives_a_code_to_documents_issued_before_it(org, signing, pki, issued):
    import importlib

    migration = importlib.import_module("qlvb.outgoing.migrations.0008_verification_code")
    OutgoingDocument.objects.filter(pk=issued.pk).update(verification_code=None)
    migration.give_codes(apps, None)
    issued.refresh_from_db()
    assert codes.normalise(issued.verification_code or "") == issued.verification_code
    assert not OutgoingDocument.objects.filter(issued_at__isnull=True, verification_code__isnull=False).exists()
