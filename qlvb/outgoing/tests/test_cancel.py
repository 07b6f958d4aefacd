"""A draft can be cancelled by its drafter or a leader; an issued document only by the agency's
administrator (003 Đ14.5), with a reason recorded, its number kept and shown as cancelled."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.outgoing import selectors, services
from qlvb.outgoing.models import OutgoingDocument, ReviewStep
from qlvb.outgoing.tests.test_marks import DOCX_TYPE, _docx, _signed
from qlvb.registers.services import peek_number
from qlvb.signatures.demo import create_demo_pki_for


def test_the_drafter_or_a_leader_cancels_a_draft_with_a_reason(org, draft, login):
    with pytest.raises(NotAllowed):
        services.cancel(by=Actor(org.clerk), document=draft, reason="Không cần nữa")
    with pytest.raises(ValidationError):
        services.cancel(by=Actor(org.specialist), document=draft, reason="  ")
    services.submit(by=Actor(org.specialist), document=draft, signer=org.deputy)
    services.cancel(by=Actor(org.head), document=draft, reason="Đã trả lời bằng điện thoại")
    draft.refresh_from_db()
    assert draft.status == OutgoingDocument.Status.CANCELLED
    assert not draft.steps.filter(state__in=[ReviewStep.State.PENDING, ReviewStep.State.WAITING]).exists()
    assert not selectors.work_list(org.unit_head, "to_review").filter(pk=draft.pk).exists()
    event = Event.objects.get(verb="outgoing.cancelled", target_id=draft.pk)
    assert event.data["reason"] == "Đã trả lời bằng điện thoại" and event.data["was"] == "in_review"
    with pytest.raises(ValidationError):
        services.cancel(by=Actor(org.head), document=draft, reason="lần nữa")


def test_the_drafter_cancels_from_the_page(org, draft, login):
    client = login(org.specialist)
    page = client.get(f"/outgoing/{draft.pk}/").content.decode()
    assert 'id="cancel-card"' in page
    client.post(f"/outgoing/{draft.pk}/cancel/", {"reason": "Trùng với dự thảo khác"})
    draft.refresh_from_db()
    assert draft.status == OutgoingDocument.Status.CANCELLED
    assert 'id="cancel-card"' not in login(org.unit_head).get(f"/outgoing/{draft.pk}/").content.decode()


def test_only_the_administrator_cancels_an_issued_document_and_its_number_is_never_given_again(
        org, other_org, signing):
    create_demo_pki_for(org.agency)
    upload = SimpleUploadedFile("a.docx", _docx("Nội dung"), content_type=DOCX_TYPE)
    doc = _signed(org, other_org, signing, upload)
    services.issue(by=Actor(org.clerk), document=doc)
    doc.refresh_from_db()
    for person in (org.clerk, org.head, org.specialist):
        with pytest.raises(NotAllowed):
            services.cancel(by=Actor(person), document=doc, reason="Nhầm số")
    with pytest.raises(NotAllowed):  # not through a delegation either
        services.cancel(by=Actor(org.clerk, on_behalf_of=org.admin), document=doc, reason="Nhầm số")
    services.cancel(by=Actor(org.admin), document=doc, reason="Nhầm sổ, theo chỉ đạo của Trưởng phòng CNTT")
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.CANCELLED and doc.number == 1
    assert doc.register is not None and doc.year is not None
    assert peek_number(doc.register, doc.year) == 2
    assert Event.objects.get(verb="outgoing.cancelled", target_id=doc.pk).data["reference"] == doc.reference
