"""Signing and issuing: number, date, two valid signatures, attachments, and nothing left behind
when it fails."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.files.services import read_stored
from qlvb.org import services as org_services
from qlvb.outgoing import selectors, services
from qlvb.outgoing.models import Delivery, OutgoingDocument
from qlvb.outgoing.services import RecipientSpec
from qlvb.outgoing.tests.conftest import docx_upload
from qlvb.registers.models import RegisterCounter
from qlvb.signatures.demo import create_demo_pki_for
from qlvb.signatures.models import Certificate


@pytest.fixture
def pki(org):
    return create_demo_pki_for(org.agency)


@pytest.fixture
def approved(org, other_org, signing, pki):
    from qlvb.incoming.tests.conftest import pdf_upload

    doc = services.create_draft(
        by=Actor(org.specialist), agency=org.agency, uploads=[docx_upload("Sở Thông tin và Truyền thông báo cáo")],
        attachments=[pdf_upload("phu-luc.pdf")],
        fields={"doc_type": "CV", "summary": "V/v báo cáo tình hình ứng dụng CNTT năm 2026", "field": signing},
        recipients=[RecipientSpec(kind="agency", agency=other_org.agency, name=other_org.agency.name),
                    RecipientSpec(kind="unit", unit=org.office, name="Văn phòng"),
                    RecipientSpec(kind="person", person=org.unit_head, name=org.unit_head.full_name),
                    RecipientSpec(kind="paper", name="Báo Sơn La", address="Sơn La")])
    services.submit(by=Actor(org.specialist), document=doc, signer=org.deputy)
    for person in (org.unit_head, org.clerk, org.deputy):
        services.approve(by=Actor(person), document=doc)
    doc.refresh_from_db()
    return doc


def _sign(org, doc):
    certificate = Certificate.objects.get(person=org.deputy, is_active=True)
    services.authorise_signing(by=Actor(org.deputy), document=doc, certificate=certificate, secret="")
    doc.refresh_from_db()
    return doc


def test_sign_and_issue_gives_number_date_and_two_valid_signatures(org, other_org, approved, tmp_path):
    doc = _sign(org, approved)
    assert doc.status == OutgoingDocument.Status.SIGNED
    services.issue(by=Actor(org.clerk), document=doc)
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.ISSUED and doc.number == 1
    assert doc.reference == "01/STTTT-CNTT"
    pdf = read_stored(doc.issued_file)
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "01/STTTT-CNTT" in text and f"năm {timezone.localdate().year}" in text
    from qlvb.signatures.verification import verify_pdf

    reports = verify_pdf(pdf)
    assert len(reports) == 2 and all(r.intact and r.trusted for r in reports)
    if shutil.which("pdfsig"):
        issued = tmp_path / "issued.pdf"
        issued.write_bytes(pdf)
        out = subprocess.run(["pdfsig", str(issued)], capture_output=True, check=False, text=True).stdout
        assert out.count("Signature is Valid") == 2, out  # poppler agrees, independently of pyHanko
    attachment = doc.attachments.get()
    assert attachment.signed is not None and len(verify_pdf(read_stored(attachment.signed))) == 1
    # Delivered: inside the agency to the unit and the person; a record for the other agency.
    assert selectors.work_list(org.unit_head, "received").filter(pk=doc.pk).exists()
    assert Delivery.objects.filter(document=doc, recipient_agency=other_org.agency).exists()


def test_only_the_signer_signs_and_only_the_clerk_issues(org, approved):
    certificate = Certificate.objects.get(person=org.deputy, is_active=True)
    with pytest.raises(NotAllowed):
        services.authorise_signing(by=Actor(org.head), document=approved, certificate=certificate, secret="")
    with pytest.raises(NotAllowed):  # not on someone's behalf
        services.authorise_signing(by=Actor(org.specialist, on_behalf_of=org.deputy), document=approved,
                                   certificate=certificate, secret="")
    doc = _sign(org, approved)
    with pytest.raises(NotAllowed):
        services.issue(by=Actor(org.specialist), document=doc)


def test_failed_issue_consumes_no_number(org, approved, monkeypatch, tmp_path):
    doc = _sign(org, approved)
    from qlvb.outgoing import issuing

    def broken(*args, **kwargs):
        raise ValidationError("LibreOffice failed")

    monkeypatch.setattr(issuing, "_main_pdf", broken)
    with pytest.raises(ValidationError):
        services.issue(by=Actor(org.clerk), document=doc)
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.SIGNED and doc.number is None
    assert not RegisterCounter.objects.filter(register__direction="out", last_number__gt=0).exists()
    monkeypatch.undo()
    services.issue(by=Actor(org.clerk), document=doc)
    doc.refresh_from_db()
    assert doc.number == 1


def test_expired_or_revoked_certificate_is_refused(org, approved):
    certificate = Certificate.objects.get(person=org.deputy, is_active=True)
    Certificate.objects.filter(pk=certificate.pk).update(not_after=timezone.now() - timedelta(days=1))
    certificate.refresh_from_db()
    with pytest.raises(ValidationError):
        services.authorise_signing(by=Actor(org.deputy), document=approved, certificate=certificate, secret="")
    Certificate.objects.filter(pk=certificate.pk).update(not_after=timezone.now() + timedelta(days=300),
                                                         revoked_at=timezone.now())
    certificate.refresh_from_db()
    with pytest.raises(ValidationError):
        services.authorise_signing(by=Actor(org.deputy), document=approved, certificate=certificate, secret="")
    approved.refresh_from_db()
    assert approved.status == OutgoingDocument.Status.APPROVED


def test_decision_notation(org, signing, pki):
    org_services.save_signing_authority(by=Actor(org.admin), agency=org.agency, person=org.head)
    doc = services.create_draft(by=Actor(org.specialist), agency=org.agency, uploads=[docx_upload()],
                                fields={"doc_type": "QĐ", "summary": "Quyết định ban hành Quy chế làm việc của Sở"})
    assert services.notation_for(doc) == "QĐ-STTTT"


def test_a_secret_document_is_not_sent_over_the_network(org, other_org, signing, approved):
    """Secret documents go on paper (001 Đ13.1.a): no agency recipient, whether chosen with the
    secrecy, made secret afterwards, or found at issuing; nothing is saved or numbered."""
    from qlvb.exchange.models import ReceptionItem

    to_agency = [RecipientSpec(kind="agency", agency=other_org.agency, name=other_org.agency.name)]
    fields = {"doc_type": "CV", "summary": "V/v bảo vệ bí mật nhà nước", "field": signing}
    before = OutgoingDocument.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.create_draft(by=Actor(org.specialist), agency=org.agency, uploads=[docx_upload()],
                              fields={**fields, "secrecy": "mat"}, recipients=to_agency)
    assert "không gửi qua mạng" in str(refused.value) and other_org.agency.name in str(refused.value)
    assert OutgoingDocument.objects.count() == before
    draft = services.create_draft(by=Actor(org.specialist), agency=org.agency, uploads=[docx_upload()],
                                  fields=fields, recipients=to_agency)
    with pytest.raises(ValidationError):
        services.update_draft(by=Actor(org.specialist), document=draft, fields={"secrecy": "mat"})
    draft.refresh_from_db()
    assert draft.secrecy == ""
    # On paper it goes.
    services.update_draft(by=Actor(org.specialist), document=draft, fields={"secrecy": "mat"},
                          recipients=[RecipientSpec(kind="paper", name=other_org.agency.name, address="Sơn La")])
    # At issuing too (a secret document whose agency recipients got in by another way).
    doc = _sign(org, approved)
    OutgoingDocument.objects.filter(pk=doc.pk).update(secrecy="mat")
    with pytest.raises(ValidationError) as refused:
        services.issue(by=Actor(org.clerk), document=doc)
    assert "không gửi qua mạng" in str(refused.value)
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.SIGNED and doc.number is None
    assert not ReceptionItem.objects.filter(receiver=other_org.agency).exists()
    assert not Delivery.objects.filter(document=doc, state=Delivery.State.DELIVERED).exists()
