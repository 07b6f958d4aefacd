"""Several signers (all in order, all in parallel, k of n) and joint documents (văn bản liên tịch)
signed by the heads of two agencies and sealed by both (issue 21, docs/signing.md)."""

from __future__ import annotations

import io
import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from pypdf import PdfReader

from conftest import make_person
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.files.services import read_stored
from qlvb.org import services as org_services
from qlvb.outgoing import selectors, services
from qlvb.outgoing.models import CoIssuer, Delivery, OutgoingDocument, ReviewStep, SigningAuthorisation
from qlvb.outgoing.services import RecipientSpec
from qlvb.outgoing.tests.conftest import docx_upload
from qlvb.outgoing.tests.test_issue import pki  # noqa: F401  (fixture)
from qlvb.registers.models import RegisterCounter
from qlvb.signatures import services as signing_services
from qlvb.signatures.demo import create_demo_pki_for
from qlvb.signatures.models import Certificate
from qlvb.signatures.verification import pdfsig_check, verify_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def third(org, signing):
    """A second deputy who signs KT. in the CNTT field too; certificates for every leader."""
    person = make_person(org.agency, "stttt.pgd2", "Hà Văn Nam")
    org_services.assign_post(by=Actor(org.admin), person=person, unit=org.leadership, position=org.positions["pgd"])
    org_services.save_signing_authority(by=Actor(org.admin), agency=org.agency, person=person, capacity="KT",
                                        fields=[signing])
    create_demo_pki_for(org.agency)
    return person


def _draft(org, signing, *, recipients=(), doc_type="CV"):
    return services.create_draft(
        by=Actor(org.specialist), agency=org.agency, uploads=[docx_upload("Nội dung văn bản nhiều người ký")],
        fields={"doc_type": doc_type, "summary": "V/v phối hợp triển khai chuyển đổi số năm 2026", "field": signing},
        recipients=list(recipients))


def _through_review(org, doc):
    for person in (org.unit_head, org.clerk):
        services.approve(by=Actor(person), document=doc)


def _state(doc, person):
    return doc.steps.filter(reviewer=person, kind=ReviewStep.Kind.SIGNER).order_by("-id").first().state


def _authorise(doc, *people):
    for person in people:
        certificate = Certificate.objects.get(person=person, is_active=True)
        services.authorise_signing(by=Actor(person), document=doc, certificate=certificate, secret="")
    doc.refresh_from_db()
    return doc


def _signature_rects(pdf: bytes) -> list[tuple[str, tuple[float, ...]]]:
    reader = PdfReader(io.BytesIO(pdf))
    found = []
    for page in reader.pages:
        for annot in page.get("/Annots", []) or []:
            widget = annot.get_object()
            if widget.get("/FT") == "/Sig" or (widget.get("/Parent") and widget["/Parent"].get("/FT") == "/Sig"):
                found.append((str(widget.get("/T")), tuple(float(v) for v in widget["/Rect"])))
    return found


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_all_in_order_one_after_the_other_then_three_signatures_in_their_own_boxes(org, signing, third):
    create_demo_pki_for(org.agency)
    doc = _draft(org, signing)
    services.submit(by=Actor(org.specialist), document=doc, signer=org.head, cosigners=[org.deputy, third],
                    mode="order")
    doc.refresh_from_db()
    assert doc.signing_mode == "order" and list(doc.signers.values_list("person", flat=True)) == [
        org.head.pk, org.deputy.pk, third.pk]
    _through_review(org, doc)
    assert _state(doc, org.head) == "pending" and _state(doc, org.deputy) == "waiting"
    with pytest.raises(NotAllowed):  # not his turn yet
        services.approve(by=Actor(org.deputy), document=doc)
    services.approve(by=Actor(org.head), document=doc)
    assert _state(doc, org.deputy) == "pending" and _state(doc, third) == "waiting"
    services.approve(by=Actor(org.deputy), document=doc)
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.IN_REVIEW
    services.approve(by=Actor(third), document=doc)
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.APPROVED
    _authorise(doc, org.head, org.deputy)
    assert doc.status == OutgoingDocument.Status.APPROVED  # the third has not signed yet
    _authorise(doc, third)
    assert doc.status == OutgoingDocument.Status.SIGNED and doc.authorisations.count() == 3

    started = time.monotonic()
    services.issue(by=Actor(org.clerk), document=doc)
    print(f"issue with 3 signers on server keys: {time.monotonic() - started:.2f} s")
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.ISSUED and doc.reference == "01/STTTT-CNTT"
    assert not SigningAuthorisation.objects.filter(document=doc).exists()
    pdf = read_stored(doc.issued_file)
    reports = verify_pdf(pdf)
    assert len(reports) == 4 and all(r.intact and r.trusted for r in reports)
    assert pdfsig_check(pdf).count("Signature is Valid") == 4
    rects = dict(_signature_rects(pdf))
    boxes = [rects[f"Signature{n}"] for n in (1, 2, 3)]
    assert all(not _overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_boxes_for_several_signers_never_overlap_and_stay_on_the_page(org, signing, pki):  # noqa: F811
    from qlvb.files.convert import docx_to_pdf

    pdf = docx_to_pdf(docx_upload().read())
    for count in range(1, 7):
        boxes = signing_services.signer_boxes(pdf, count)
        assert len(boxes) == count and boxes[0] == signing_services.default_signer_box(pdf)
        rects = [b[1:] for b in boxes]
        assert all(not _overlap(a, b) for i, a in enumerate(rects) for b in rects[i + 1:]), count
        assert all(x1 >= 0 and x2 <= 596 and y1 >= 0 and y2 <= 842 for x1, y1, x2, y2 in rects)


def test_parallel_all_at_once_and_a_signer_refusing_returns_the_draft(org, signing, third):
    doc = _draft(org, signing)
    services.submit(by=Actor(org.specialist), document=doc, signer=org.head, cosigners=[org.deputy, third],
                    mode="parallel")
    _through_review(org, doc)
    assert {_state(doc, p) for p in (org.head, org.deputy, third)} == {"pending"}
    services.approve(by=Actor(third), document=doc)
    services.approve(by=Actor(org.head), document=doc)
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.IN_REVIEW
    assert selectors.work_list(org.deputy, "to_sign").filter(pk=doc.pk).exists()
    services.return_draft(by=Actor(org.deputy), document=doc, opinion="Sửa lại phần căn cứ", to="previous")
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.RETURNED
    assert not doc.steps.filter(state__in=["pending", "waiting"]).exists()
    # Submitted again, all three sign at once.
    services.submit(by=Actor(org.specialist), document=doc, signer=org.head, cosigners=[org.deputy, third],
                    mode="parallel")
    _through_review(org, doc)
    for person in (org.deputy, third, org.head):
        services.approve(by=Actor(person), document=doc)
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.APPROVED


def test_k_of_n_approved_once_k_approved_and_only_they_sign(org, signing, third):
    doc = _draft(org, signing)
    with pytest.raises(ValidationError):
        services.submit(by=Actor(org.specialist), document=doc, signer=org.head, cosigners=[org.deputy, third],
                        mode="quorum", needed=4)
    services.submit(by=Actor(org.specialist), document=doc, signer=org.head, cosigners=[org.deputy, third],
                    mode="quorum", needed=2)
    _through_review(org, doc)
    services.approve(by=Actor(third), document=doc)
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.IN_REVIEW
    services.approve(by=Actor(org.deputy), document=doc)
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.APPROVED
    assert _state(doc, org.head) == ReviewStep.State.NOT_NEEDED
    with pytest.raises(NotAllowed):  # his step is closed
        services.approve(by=Actor(org.head), document=doc)
    with pytest.raises(ValidationError):  # not among the two who approved
        _authorise(doc, org.head)
    _authorise(doc, third, org.deputy)
    assert doc.status == OutgoingDocument.Status.SIGNED
    services.issue(by=Actor(org.clerk), document=doc)
    doc.refresh_from_db()
    reports = verify_pdf(read_stored(doc.issued_file))
    assert len(reports) == 3 and all(r.ok for r in reports)  # the deputy's, the third's, the agency's
    assert [r.signer_name for r in reports[:2]] == [
        Certificate.objects.get(person=org.deputy).subject_cn, Certificate.objects.get(person=third).subject_cn]


def test_a_missing_authorisation_refuses_issuing_in_vietnamese(org, signing, third):
    doc = _draft(org, signing)
    services.submit(by=Actor(org.specialist), document=doc, signer=org.head, cosigners=[org.deputy], mode="parallel")
    _through_review(org, doc)
    for person in (org.head, org.deputy):
        services.approve(by=Actor(person), document=doc)
    _authorise(doc, org.head, org.deputy)
    SigningAuthorisation.objects.filter(document=doc, signer=org.deputy).delete()  # e.g. withdrawn
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.issue(by=Actor(org.clerk), document=doc)
    assert "Cầm Thị Lan" in str(refused.value) and "chữ ký" in str(refused.value).lower()
    doc.refresh_from_db()
    assert doc.number is None
    assert not RegisterCounter.objects.filter(register__direction="out", last_number__gt=0).exists()


def test_a_signer_who_may_not_sign_is_refused(org, other_org, signing, pki):  # noqa: F811
    doc = _draft(org, signing)
    with pytest.raises(ValidationError):
        services.submit(by=Actor(org.specialist), document=doc, signer=org.head, cosigners=[org.specialist])
    with pytest.raises(ValidationError):  # a joint document is signed by every agency, not k of n
        services.submit(by=Actor(org.specialist), document=doc, signer=org.head, co_issuers=[other_org.agency],
                        mode="quorum", needed=1)


@pytest.fixture
def joint(org, other_org, signing, pki):  # noqa: F811
    create_demo_pki_for(other_org.agency)
    from qlvb.incoming.tests.conftest import pdf_upload

    doc = services.create_draft(
        by=Actor(org.specialist), agency=org.agency, uploads=[docx_upload("Hai Sở cùng ban hành")],
        attachments=[pdf_upload("phu-luc.pdf")],
        fields={"doc_type": "CV", "summary": "V/v phối hợp tổ chức hội nghị chuyển đổi số", "field": signing},
        recipients=[RecipientSpec(kind="unit", unit=org.office, name="Văn phòng")])
    services.submit(by=Actor(org.specialist), document=doc, signer=org.head, co_issuers=[other_org.agency],
                    mode="parallel")
    _through_review(org, doc)
    for person in (other_org.head, org.head):
        services.approve(by=Actor(person), document=doc)
    return _authorise(doc, org.head, other_org.head)


def test_joint_document_both_heads_sign_both_clerks_seal_each_register_records_it(org, other_org, joint, tmp_path):
    doc = joint
    assert list(doc.signers.values_list("person", "agency")) == [(org.head.pk, org.agency.pk),
                                                                 (other_org.head.pk, other_org.agency.pk)]
    assert doc.status == OutgoingDocument.Status.SIGNED
    with pytest.raises(NotAllowed):  # the co-issuer's clerk does not issue for the lead
        services.issue(by=Actor(other_org.clerk), document=doc)
    with pytest.raises(ValidationError):  # not before the lead agency numbered and sealed it
        services.seal_joint(by=Actor(other_org.clerk), document=doc)
    services.issue(by=Actor(org.clerk), document=doc)
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.SEALING and doc.reference == "01/STTTT-SNV"
    assert not Delivery.objects.filter(document=doc).exists()
    assert not selectors.work_list(org.clerk, "received").filter(pk=doc.pk).exists()
    # Waiting in the co-issuing agency's list, for its clerk only.
    assert list(selectors.joint_documents(other_org.clerk, "to_seal")) == [doc]
    assert not selectors.joint_documents(other_org.specialist, "to_seal").exists()
    with pytest.raises(NotAllowed):
        services.seal_joint(by=Actor(org.clerk), document=doc)
    with pytest.raises(NotAllowed):
        services.seal_joint(by=Actor(other_org.specialist), document=doc)
    services.seal_joint(by=Actor(other_org.clerk), document=doc)
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.ISSUED
    co_issuer = CoIssuer.objects.get(document=doc)
    assert co_issuer.number == 1 and co_issuer.register is not None
    assert co_issuer.register.agency == other_org.agency and co_issuer.sealed_by == \
        other_org.clerk
    assert RegisterCounter.objects.get(register=doc.register).last_number == 1
    assert RegisterCounter.objects.get(register=co_issuer.register).last_number == 1
    with pytest.raises(ValidationError):
        services.seal_joint(by=Actor(other_org.clerk), document=doc)
    pdf = read_stored(doc.issued_file)
    reports = verify_pdf(pdf)
    assert len(reports) == 4 and all(r.intact and r.trusted for r in reports)
    assert pdfsig_check(pdf).count("Signature is Valid") == 4
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "01/STTTT-SNV" in text
    rects = [rect for _name, rect in _signature_rects(pdf)]
    signer_rects = [dict(_signature_rects(pdf))[f"Signature{n}"] for n in (1, 2)]
    assert not _overlap(*signer_rects) and len(rects) == 4
    assert selectors.work_list(org.unit_head, "received").filter(pk=doc.pk).exists() is False
    assert doc.attachments.get().signed is not None


def test_joint_notation_carries_every_agency_lead_first(org, other_org, signing, pki):  # noqa: F811
    from qlvb.outgoing import cosigning

    doc = _draft(org, signing, doc_type="KH")  # a joint plan (kế hoạch liên tịch)
    assert cosigning.joint_notation(doc, [other_org.agency]) == "KHLT-STTTT-SNV"


def test_a_change_after_approval_goes_back_to_every_signer(org, signing, third):
    doc = _draft(org, signing)
    services.submit(by=Actor(org.specialist), document=doc, signer=org.head, cosigners=[org.deputy], mode="parallel")
    _through_review(org, doc)
    for person in (org.head, org.deputy):
        services.approve(by=Actor(person), document=doc)
    _authorise(doc, org.head)
    services.add_version(by=Actor(org.specialist), document=doc, upload=docx_upload("Nội dung đã sửa"))
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.IN_REVIEW and not doc.authorisations.exists()
    assert _state(doc, org.head) == "pending" and _state(doc, org.deputy) == "pending"
    for person in (org.head, org.deputy):
        services.approve(by=Actor(person), document=doc)
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.APPROVED
