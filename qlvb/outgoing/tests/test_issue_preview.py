"""The clerk sees the document as it will go out before the irreversible step: number (the
register's next, provisional), date, signature and seal placed; nothing is numbered, signed or
recorded by looking; a click on the preview moves the number and date."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.outgoing import marks, services
from qlvb.outgoing.models import OutgoingDocument
from qlvb.outgoing.tests.test_marks import DOCX_TYPE, _docx, _signed
from qlvb.registers.models import RegisterCounter
from qlvb.signatures.demo import create_demo_pki_for
from qlvb.signatures.verification import verify_pdf


@pytest.fixture
def pki(org):
    return create_demo_pki_for(org.agency)


@pytest.fixture
def signed(org, other_org, signing, pki):
    upload = SimpleUploadedFile("tra-loi.docx", _docx("Kính gửi: Sở Nội vụ", "Nội dung trả lời."),
                                content_type=DOCX_TYPE)
    return _signed(org, other_org, signing, upload)


def _word_tops(pdf: bytes, word: str, tmp_path) -> list[float]:
    """Where poppler finds `word` on page 1: the top of each occurrence, as a fraction of the height."""
    path = tmp_path / "preview.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    page = re.search(r'<page width="[\d.]+" height="([\d.]+)"', html)
    assert page is not None
    height = float(page.group(1))
    words = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)"[^>]*>([^<]*)</word>', html)
    return [float(y) / height for y, text in words if text == word]


def _text(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages))


def test_the_preview_shows_the_provisional_number_and_date_and_changes_nothing(org, signed):
    events = Event.objects.count()
    pdf = services.preview_issue(by=Actor(org.clerk), document=signed)
    text = _text(pdf)
    assert "Số: 01/STTTT-CNTT" in text and "BẢN XEM TRƯỚC" in text
    assert verify_pdf(pdf) == []  # drawn, not signed
    assert pdf.count(b"/Subtype /Image") + pdf.count(b"/Subtype/Image") >= 1  # the seal at least
    signed.refresh_from_db()
    assert signed.status == OutgoingDocument.Status.SIGNED and signed.number is None
    assert not RegisterCounter.objects.filter(last_number__gt=0).exists()
    assert Event.objects.count() == events
    # Issuing afterwards gives the number the preview announced.
    services.issue(by=Actor(org.clerk), document=signed)
    signed.refresh_from_db()
    assert signed.reference == "01/STTTT-CNTT"


def test_only_the_clerk_previews(org, signed, login):
    with pytest.raises(NotAllowed):
        services.preview_issue(by=Actor(org.specialist), document=signed)
    client = login(org.specialist)
    assert client.get(f"/outgoing/{signed.pk}/issue/preview/").status_code == 404
    assert client.get(f"/outgoing/{signed.pk}/issue/preview/file/").status_code == 404


def test_a_click_on_the_preview_puts_the_number_there(org, signed, login, tmp_path):
    client = login(org.clerk)
    page = client.get(f"/outgoing/{signed.pk}/issue/preview/")
    assert page.status_code == 200 and b"issue-preview" in page.content
    default = client.get(f"/outgoing/{signed.pk}/issue/preview/file/")
    assert default["Content-Type"] == "application/pdf" and default["Cache-Control"] == "no-store"
    register = services._default_register(signed).pk
    query = f"register={register}&page=1&fx=0.55&fy=0.9"
    moved = client.get(f"/outgoing/{signed.pk}/issue/preview/file/?{query}")
    assert moved.status_code == 200
    tops = _word_tops(moved.content, "01/STTTT-CNTT", tmp_path)
    assert tops and all(top > 0.85 for top in tops), tops  # only near the bottom, where it was clicked
    # Issuing with the same choice writes it there too.
    response = client.post(f"/outgoing/{signed.pk}/issue/", {"register": register, "page": 1, "fx": 0.55, "fy": 0.9})
    assert response.status_code == 302
    signed.refresh_from_db()
    assert signed.status == OutgoingDocument.Status.ISSUED


def test_a_preview_that_cannot_show_the_number_says_so_on_the_page(org, signed, login, monkeypatch):
    monkeypatch.setattr(marks, "stamp", lambda pdf, *args, **kwargs: pdf)
    monkeypatch.setattr(marks, "docx_with_marks", lambda docx, *args, **kwargs: (docx, {"number", "date"}))
    client = login(org.clerk)
    page = client.get(f"/outgoing/{signed.pk}/issue/preview/")
    assert page.status_code == 200
    assert "số và ký hiệu 01/STTTT-CNTT" in page.content.decode()
    assert b'id="issue-button" disabled' in page.content


def test_the_signature_goes_where_the_clerk_clicked_and_the_seal_follows(org, signed, login):
    client = login(org.clerk)
    register = services._default_register(signed).pk
    page = client.get(f"/outgoing/{signed.pk}/issue/preview/?register={register}&sig_page=1&sig_fx=0.3&sig_fy=0.5")
    assert page.status_code == 200 and b"preview-error" not in page.content
    client.post(f"/outgoing/{signed.pk}/issue/", {"register": register, "sig_page": 1, "sig_fx": 0.3,
                                                  "sig_fy": 0.5})
    signed.refresh_from_db()
    assert signed.status == OutgoingDocument.Status.ISSUED and signed.issued_file is not None
    from qlvb.files.services import read_stored

    reader = PdfReader(io.BytesIO(read_stored(signed.issued_file)))
    first = reader.pages[0]
    width, height = float(first.mediabox.width), float(first.mediabox.height)
    rects = [[float(v) for v in annotation.get_object()["/Rect"]] for annotation in first.get("/Annots", [])
             if annotation.get_object().get("/FT") == "/Sig"]
    assert len(rects) == 2  # the signer's and the seal, both on page 1
    x1, y1, x2, y2 = rects[0]
    assert abs((x1 + x2) / 2 - 0.3 * width) < 5 and abs((y1 + y2) / 2 - 0.5 * height) < 5


def test_the_preview_is_made_once_for_the_page_and_its_viewer(org, signed, login, monkeypatch):
    client = login(org.clerk)
    made = []
    real = services.preview_issue

    def counting(**kwargs):
        made.append(1)
        return real(**kwargs)

    monkeypatch.setattr(services, "preview_issue", counting)
    assert client.get(f"/outgoing/{signed.pk}/issue/preview/").status_code == 200
    assert client.get(f"/outgoing/{signed.pk}/issue/preview/file/")["Content-Type"] == "application/pdf"
    assert len(made) == 1
