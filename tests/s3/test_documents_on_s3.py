"""Documents' own files on a real S3 store: the signed PDF of an issued outgoing document, and the
searchable PDF the text reader (OCR) makes of a scan, are stored in the bucket and served by the app."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from qlvb.core.actor import Actor
from qlvb.digitisation.models import TextExtraction
from qlvb.digitisation.scans import scan_pdf
from qlvb.outgoing import services as outgoing
from qlvb.outgoing.tests.conftest import docx_upload, signing, submit_approve_and_sign  # noqa: F401 (fixture)
from qlvb.registers.services import ensure_default_registers
from qlvb.signatures.demo import create_demo_pki_for
from qlvb.signatures.verification import verify_pdf
from tests.s3.conftest import keys, s3_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("s3")]


def _download(client, url: str) -> bytes:  # noqa: ANN001
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content)


def test_the_signed_pdf_of_an_issued_document_is_stored_in_the_bucket_and_served(org, signing, login, s3):  # noqa: F811
    create_demo_pki_for(org.agency)
    draft = outgoing.create_draft(
        by=Actor(org.specialist), agency=org.agency, uploads=[docx_upload("Báo cáo lưu trên S3")],
        fields={"doc_type": "CV", "summary": "V/v báo cáo tình hình ứng dụng CNTT năm 2026", "field": signing})
    document = submit_approve_and_sign(org, draft)
    outgoing.issue(by=Actor(org.clerk), document=document)
    document.refresh_from_db()
    issued = document.issued_file
    assert issued is not None and issued.storage_name in keys(s3)
    served = _download(login(org.clerk), f"/outgoing/{document.pk}/issued/download/")
    assert served == s3_bytes(s3, issued.storage_name)
    reports = verify_pdf(served)
    assert len(reports) == 2 and all(report.intact and report.trusted for report in reports)
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(served)).pages)
    assert document.reference in text


def test_the_searchable_pdf_read_from_a_scan_is_stored_in_the_bucket_and_served(
        org, login, s3, monkeypatch, django_capture_on_commit_callbacks, tmp_path):
    from huey.contrib.djhuey import HUEY

    from qlvb.incoming import services as incoming
    from qlvb.incoming.tests.conftest import fields
    from qlvb.registers.models import Register

    monkeypatch.setattr(HUEY, "immediate", True)  # the job runs here, as the worker would
    ensure_default_registers(org.agency)
    register = Register.objects.get(agency=org.agency, direction=Register.Direction.INCOMING, category="ordinary")
    scan = scan_pdf([["QUYẾT ĐỊNH", "Về việc ban hành Quy chế làm việc"]], dpi=150, skew=0.5, noise=0.0)
    with django_capture_on_commit_callbacks(execute=True):
        document = incoming.register_document(
            by=Actor(org.clerk), agency=org.agency, register=register, fields=fields(),
            uploads=[SimpleUploadedFile("quyet-dinh.pdf", scan, content_type="application/pdf")],
            presented_to=org.head)
    item = document.files.get()
    extraction = TextExtraction.objects.get(stored_file=item.stored)
    assert extraction.status == TextExtraction.Status.DONE and extraction.method == "ocr", extraction.error
    assert "Quy chế làm việc" in extraction.text
    searchable = extraction.searchable_file
    assert searchable is not None and searchable.storage_name in keys(s3)
    assert s3_bytes(s3, item.stored.storage_name) == scan  # the original is kept as it came
    served = _download(login(org.clerk), f"/digitisation/incoming/{document.pk}/{item.stored_id}/searchable/")
    assert served == s3_bytes(s3, searchable.storage_name)
    path = tmp_path / "searchable.pdf"
    path.write_bytes(served)
    layer = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                           text=True).stdout
    assert "Quy chế" in layer
