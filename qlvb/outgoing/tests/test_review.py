from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.outgoing import selectors, services
from qlvb.outgoing.models import OutgoingDocument, ReviewStep
from qlvb.outgoing.services import RecipientSpec, notation_for
from qlvb.outgoing.tests.conftest import docx_upload


def _current_reviewer(document: OutgoingDocument) -> object:
    step = services.rules.current_step(document)
    assert step is not None
    return step.reviewer


def test_draft_with_first_version_and_recipients(org, other_org, signing):
    doc = services.create_draft(
        by=Actor(org.specialist), agency=org.agency, uploads=[docx_upload()],
        fields={"doc_type": "CV", "summary": "V/v báo cáo tình hình ứng dụng CNTT năm 2026", "field": signing},
        recipients=[RecipientSpec(kind="agency", agency=other_org.agency, name=other_org.agency.name),
                    RecipientSpec(kind="unit", unit=org.office, name="Văn phòng"),
                    RecipientSpec(kind="paper", name="Báo Sơn La", address="Sơn La")])
    assert doc.drafting_unit == org.unit and doc.versions.get().role == "drafter"
    assert "Nội dung dự thảo" in doc.versions.get().text
    assert doc.recipients.count() == 3
    assert notation_for(doc) == "STTTT-CNTT"


def test_bad_draft_changes_nothing(org, signing):
    with pytest.raises(ValidationError):
        services.create_draft(by=Actor(org.specialist), agency=org.agency,
                              fields={"doc_type": "CV", "summary": "Công văn"}, uploads=[docx_upload()])
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError):
        services.create_draft(by=Actor(org.specialist), agency=org.agency,
                              fields={"doc_type": "CV", "summary": "V/v báo cáo tình hình năm 2026"},
                              uploads=[SimpleUploadedFile("a.docx", b"not a docx")])
    assert not OutgoingDocument.objects.exists()


def test_the_review_loop_with_a_return_and_a_resubmission(org, draft):
    with pytest.raises(ValidationError):  # the unit head may not sign a CV of the agency
        services.submit(by=Actor(org.specialist), document=draft, signer=org.unit_head)
    services.submit(by=Actor(org.specialist), document=draft, signer=org.deputy)
    steps = list(draft.steps.order_by("order").values_list("kind", "reviewer_id", "state"))
    assert steps == [("unit_head", org.unit_head.pk, "pending"), ("office", org.clerk.pk, "waiting"),
                     ("signer", org.deputy.pk, "waiting")]
    assert selectors.work_list(org.unit_head, "to_review").get() == draft
    with pytest.raises(NotAllowed):
        services.approve(by=Actor(org.deputy), document=draft)  # not his turn
    services.return_draft(by=Actor(org.unit_head), document=draft, opinion="Bổ sung số liệu quý IV")
    draft.refresh_from_db()
    assert draft.status == OutgoingDocument.Status.RETURNED
    services.add_version(by=Actor(org.specialist), document=draft, upload=docx_upload("Đã bổ sung số liệu quý IV"),
                         comment="Bổ sung số liệu")
    services.submit(by=Actor(org.specialist), document=draft, signer=org.deputy)
    services.add_version(by=Actor(org.unit_head), document=draft, upload=docx_upload("Sửa câu chữ"),
                         comment="Trưởng phòng sửa")
    assert draft.versions.order_by("-number").first().role == "unit_head"
    services.approve(by=Actor(org.unit_head), document=draft, opinion="Đồng ý",
                     disagreement="Chuyên viên đề xuất số liệu chưa thống nhất với Văn phòng")
    services.approve(by=Actor(org.clerk), document=draft, opinion="Đúng thể thức")
    assert selectors.work_list(org.deputy, "to_sign").get() == draft
    services.approve(by=Actor(org.deputy), document=draft, opinion="Đồng ý ban hành")
    draft.refresh_from_db()
    assert draft.status == OutgoingDocument.Status.APPROVED and draft.signing_capacity == "KT"
    assert Event.objects.filter(verb="outgoing.disagreement", target_id=str(draft.pk)).exists()


def test_signer_returns_to_the_previous_step(org, draft):
    services.submit(by=Actor(org.specialist), document=draft, signer=org.deputy)
    services.approve(by=Actor(org.unit_head), document=draft)
    services.approve(by=Actor(org.clerk), document=draft)
    services.return_draft(by=Actor(org.deputy), document=draft, opinion="Văn phòng kiểm tra lại", to="previous")
    assert _current_reviewer(draft) == org.clerk
    services.approve(by=Actor(org.clerk), document=draft)
    assert _current_reviewer(draft) == org.deputy


def test_change_after_approval_goes_back_to_the_signer(org, draft):
    services.submit(by=Actor(org.specialist), document=draft, signer=org.deputy)
    for person in (org.unit_head, org.clerk, org.deputy):
        services.approve(by=Actor(person), document=draft)
    services.add_version(by=Actor(org.specialist), document=draft, upload=docx_upload("Sửa sau khi duyệt"))
    draft.refresh_from_db()
    assert draft.status == OutgoingDocument.Status.IN_REVIEW
    assert _current_reviewer(draft) == org.deputy


def test_overdue_reviews_are_reminded_unless_urgent(org, draft):
    from datetime import timedelta

    from django.utils import timezone

    services.submit(by=Actor(org.specialist), document=draft, signer=org.deputy)
    ReviewStep.objects.filter(document=draft).update(due_date=timezone.localdate() - timedelta(days=1))
    assert services.remind_overdue_reviews() == 1
    assert services.remind_overdue_reviews() == 0  # once a day
    assert selectors.work_list(org.head, "overdue_reviews").filter(pk=draft.pk).exists()
    OutgoingDocument.objects.filter(pk=draft.pk).update(urgency="khan")
    assert not selectors.work_list(org.head, "overdue_reviews").filter(pk=draft.pk).exists()


def test_visibility(org, other_org, draft, login):
    assert login(other_org.head).get(f"/outgoing/{draft.pk}/").status_code == 404
    assert login(org.unit_head).get(f"/outgoing/{draft.pk}/").status_code == 404  # not submitted yet
    assert login(org.specialist).get(f"/outgoing/{draft.pk}/").status_code == 200
    assert login(org.head).get(f"/outgoing/{draft.pk}/").status_code == 200  # leaders watch all (R29)
