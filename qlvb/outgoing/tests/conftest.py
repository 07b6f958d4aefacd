from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qlvb.core.actor import Actor
from qlvb.org import services as org_services
from qlvb.org.models import SigningAuthority
from qlvb.outgoing import services
from qlvb.outgoing.models import OutgoingSettings


def docx_upload(text: str = "Nội dung dự thảo công văn", name: str = "du-thao.docx") -> SimpleUploadedFile:
    from docx import Document

    document = Document()
    document.add_paragraph("Số: {{so_ky_hieu}}")
    document.add_paragraph("{{ngay_thang}}")
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@pytest.fixture(autouse=True)
def _media(local_storage):
    """Every test of this app stores its files on a disk of its own (conftest.local_storage)."""


@pytest.fixture
def signing(org):
    """The head signs everything; the deputy signs KT. in the CNTT field."""
    by = Actor(org.admin)
    field = org_services.save_field(by=by, agency=org.agency, name="Công nghệ thông tin", leader=org.deputy,
                                    units=[org.unit])
    org_services.save_signing_authority(by=by, agency=org.agency, person=org.head)
    org_services.save_signing_authority(by=by, agency=org.agency, person=org.deputy,
                                        capacity=SigningAuthority.Capacity.KT, fields=[field])
    OutgoingSettings.objects.update_or_create(agency=org.agency, defaults={"office_check": True,
                                                                           "office_checker": org.clerk})
    return field


@pytest.fixture
def draft(org, signing):
    return services.create_draft(
        by=Actor(org.specialist), agency=org.agency,
        fields={"doc_type": "CV", "summary": "V/v báo cáo tình hình ứng dụng CNTT năm 2026", "field": signing},
        uploads=[docx_upload()])


def submit_approve_and_sign(org, document):  # noqa: ANN001, ANN201
    """The review loop walked through (unit head, office, the deputy as signer) and the deputy's
    signature given with his certificate: the document waits for the clerk to issue it."""
    from qlvb.signatures.models import Certificate

    services.submit(by=Actor(org.specialist), document=document, signer=org.deputy)
    for person in (org.unit_head, org.clerk, org.deputy):
        services.approve(by=Actor(person), document=document)
    certificate = Certificate.objects.get(person=org.deputy, is_active=True)
    services.authorise_signing(by=Actor(org.deputy), document=document, certificate=certificate, secret="")
    document.refresh_from_db()
    return document
