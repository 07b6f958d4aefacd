"""The rest of what tells people that something concerns them: an opinion on one's draft, a document
issued to one's unit, a document recalled by its sender, a recipient refusing one's document, and
delegations asked for and decided."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.exchange import services as exchange
from qlvb.exchange.tests.conftest import issue_to
from qlvb.incoming import services as incoming
from qlvb.incoming.services import Target
from qlvb.notifications import selectors
from qlvb.notifications.models import Notification
from qlvb.org import services as org_services
from qlvb.outgoing import services as outgoing
from qlvb.outgoing.models import Recipient
from qlvb.outgoing.services import _distribute, _grant_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(local_storage):
    """Files on a disk of this test's own (conftest.local_storage)."""


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def told(person, kind) -> list[str]:
    return [selectors.text(n) for n in Notification.objects.filter(person=person, kind=kind).order_by("id")]


def test_a_reviewers_opinion_reaches_the_drafter_and_a_silent_approval_does_not(org, draft, committed):
    with committed():
        outgoing.submit(by=Actor(org.specialist), document=draft, signer=org.deputy)
    with committed():
        outgoing.approve(by=Actor(org.unit_head), document=draft, opinion="Đề nghị bổ sung số liệu quý IV")
    [said] = told(org.specialist, "comment")
    assert said.startswith("Người duyệt đã cho ý kiến về dự thảo của anh/chị: ") and said.endswith(draft.summary)
    with committed():
        outgoing.approve(by=Actor(org.clerk), document=draft)  # the format check, no opinion
    assert len(told(org.specialist, "comment")) == 1


def test_issued_to_a_unit_tells_everyone_posted_there_and_the_persons_named(org, committed):
    document = issue_to(org, summary="Quy chế làm việc của Sở năm 2027")
    Recipient.objects.create(document=document, kind=Recipient.Kind.UNIT, unit=org.unit, name=org.unit.name)
    Recipient.objects.create(document=document, kind=Recipient.Kind.PERSON, person=org.deputy, name="PGĐ")
    with committed():
        _distribute(document, Actor(org.clerk))
        events.record(verb="outgoing.issued", actor=Actor(org.clerk), agency=org.agency, target=document, data={})
    for person in (org.unit_head, org.specialist, org.admin, org.deputy):  # the unit's three, and the deputy
        assert told(person, "issued") == [f"Đã ban hành đến anh/chị hoặc đơn vị: {document.reference} – "
                                          "Quy chế làm việc của Sở năm 2027"]
    assert not told(org.clerk, "issued") and not told(org.head, "issued")  # who issued it; not a recipient


def test_a_recalled_document_tells_who_was_handling_it(org, register_doc, committed):
    document = register_doc(summary="Công văn về việc tổ chức Hội nghị tổng kết")
    with committed():
        incoming.route(by=Actor(org.head), document=document, main=Target(person=org.specialist),
                       informed=[Target(unit=org.unit)])
    with committed():
        incoming.cancel_by_sender(by=Actor(org.clerk), document=document, reason="Cơ quan gửi thu hồi")
    assert told(org.specialist, "recalled") == [
        f"Văn bản đã bị bên gửi thu hồi, không xử lý nữa: {document.reference} – "
        "Công văn về việc tổ chức Hội nghị tổng kết"]
    assert told(org.head, "recalled") and told(org.unit_head, "recalled")
    assert not told(org.clerk, "recalled")


def test_a_recipient_refusing_a_document_tells_its_drafter_and_the_clerks(org, other_org, committed):
    document = issue_to(org, other_org, summary="V/v đề nghị cung cấp số liệu")
    _grant_all(document, [(org.specialist.pk, None)], "drafter")  # as drafting it did
    with committed():
        exchange.record_status(outgoing=document, recipient_code=other_org.agency.code,
                               recipient_name="Sở Nội vụ tỉnh Sơn La", code="02", description="Sai thẩm quyền")
        exchange.record_status(outgoing=document, recipient_code=other_org.agency.code,
                               recipient_name="Sở Nội vụ tỉnh Sơn La", code="03")  # accepted: nobody told
    expected = [f"Bị Sở Nội vụ tỉnh Sơn La từ chối: {document.reference} – V/v đề nghị cung cấp số liệu"]
    assert told(org.specialist, "refused") == expected and told(org.clerk, "refused") == expected
    assert Notification.objects.filter(kind="refused").count() == 2


def test_a_delegation_asks_the_leaders_then_tells_both_parties(org, committed):
    starts = timezone.now() + timedelta(days=1)
    with committed():
        delegation = org_services.request_delegation(
            by=Actor(org.unit_head), delegate=org.specialist, starts_at=starts, ends_at=starts + timedelta(days=5),
            reason="Đi công tác Hà Nội")
    [asked] = told(org.head, "delegation")
    assert asked.startswith("Nguyễn Văn Bình đề nghị ủy quyền cho Trần Thị Mai đến ") and told(org.deputy, "delegation")
    assert not told(org.specialist, "delegation")  # not decided yet
    with committed():
        org_services.approve_delegation(by=Actor(org.head), delegation=delegation)
    assert told(org.specialist, "delegation")[-1].startswith("Đã duyệt ủy quyền: Trần Thị Mai thay Nguyễn Văn Bình")
    assert len(told(org.unit_head, "delegation")) == 1 and len(told(org.head, "delegation")) == 1


def test_an_agency_heads_own_delegation_asks_nobody(org, committed):
    starts = timezone.now() + timedelta(days=1)
    with committed():
        org_services.request_delegation(by=Actor(org.head), delegate=org.deputy, starts_at=starts,
                                        ends_at=starts + timedelta(days=3), reason="Nghỉ phép")
    assert told(org.deputy, "delegation") == [told(org.deputy, "delegation")[0]]
    assert "thay Lò Văn Hùng" in told(org.deputy, "delegation")[0]
