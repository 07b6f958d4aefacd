"""Signatures of a received PDF are verified and shown on the document page (R15)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from qlvb.core.actor import Actor
from qlvb.incoming import services
from qlvb.incoming.tests.conftest import fields, pdf_upload
from qlvb.signatures.demo import create_demo_pki_for
from qlvb.signatures.models import Certificate
from qlvb.signatures.services import sign_attachment


def test_signed_pdf_shows_a_valid_signature(org, other_org, registers, login):
    create_demo_pki_for(other_org.agency)
    certificate = Certificate.objects.get(agency=other_org.agency, is_active=True)
    signed = sign_attachment(pdf_upload().read(), by=Actor(other_org.clerk), certificate=certificate,
                             number_notation="12/SNV-VP")
    doc = services.register_document(by=Actor(org.clerk), agency=org.agency, register=registers["ordinary"],
                                     fields=fields(), presented_to=org.head,
                                     uploads=[SimpleUploadedFile("12-SNV-VP.pdf", signed, "application/pdf")])
    page = login(org.head).get(f"/incoming/{doc.pk}/").content.decode()
    assert "signature-reports" in page and certificate.subject_cn.split(",")[0][:20] in page
    assert "text-bg-success" in page
