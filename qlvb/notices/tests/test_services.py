from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from qlvb.core import kinds
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.notices import selectors, services
from qlvb.notices.models import Audience, Notice, Receipt
from qlvb.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_office_publishes_to_the_whole_agency_with_one_row(org, chief, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.publish(by=Actor(chief), agency=org.agency, title="Lịch nghỉ Tết Nguyên đán",
                                  body="Cơ quan nghỉ Tết từ ngày 14/02.", to_everyone=True)
    assert Audience.objects.filter(notice=notice).count() == 0  # the audience is a rule, not rows
    assert Receipt.objects.count() == 0
    event = Event.objects.get(verb="notice.published")
    assert event.data["everyone"] is True
    told = set(Notification.objects.filter(kind=Notification.Kind.NOTICE).values_list("person_id", flat=True))
    assert {org.specialist.pk, org.head.pk, org.unit_head.pk, org.clerk.pk} <= told
    assert chief.pk not in told  # not told of his own act
    for person in (org.specialist, org.head, org.clerk):
        assert selectors.get_notice(person, notice.pk) == notice


def test_a_unit_head_sends_only_to_his_unit(org, other_org, planner):
    notice = services.publish(by=Actor(org.unit_head), agency=org.agency, title="Họp phòng chiều thứ Sáu",
                              units=[org.unit])
    assert selectors.get_notice(org.specialist, notice.pk) == notice
    assert selectors.get_notice(org.clerk, notice.pk) == notice  # the office keeps every notice of the agency
    for outsider in (planner, other_org.specialist, other_org.head):
        with pytest.raises(Http404):
            selectors.get_notice(outsider, notice.pk)
    with pytest.raises(ValidationError) as error:
        services.publish(by=Actor(org.unit_head), agency=org.agency, title="Thông báo", to_everyone=True)
    assert "đơn vị mình" in str(error.value)
    with pytest.raises(ValidationError):
        services.publish(by=Actor(org.unit_head), agency=org.agency, title="Thông báo", units=[org.office])
    with pytest.raises(NotAllowed):
        services.publish(by=Actor(org.specialist), agency=org.agency, title="Thông báo", to_everyone=True)
    assert Notice.objects.count() == 1


def test_positions_people_and_a_person_with_two_posts(org, chief, planner, two_posts):
    to_specialists = services.publish(by=Actor(chief), agency=org.agency, title="Tập huấn cho chuyên viên",
                                      positions=[org.positions["cv"]])
    to_office = services.publish(by=Actor(chief), agency=org.agency, title="Trực Văn phòng dịp Tết",
                                 units=[org.office])
    to_one = services.publish(by=Actor(chief), agency=org.agency, title="Nhắc nộp hồ sơ", people=[planner])
    mine = {n.pk for n in selectors.notice_list(two_posts)}
    assert mine == {to_specialists.pk, to_office.pk}  # through either of his posts
    assert {n.pk for n in selectors.notice_list(planner)} == {to_specialists.pk, to_one.pk}
    assert {n.pk for n in selectors.notice_list(org.unit_head)} == set()
    with pytest.raises(Http404):
        selectors.get_notice(org.unit_head, to_one.pk)


def test_pinned_on_top_then_newest_first_and_receipts(org, chief, planner):
    old = services.publish(by=Actor(chief), agency=org.agency, title="Thông báo cũ", to_everyone=True)
    pinned = services.publish(by=Actor(chief), agency=org.agency, title="Nội quy cơ quan", to_everyone=True,
                              pinned=True)
    new = services.publish(by=Actor(chief), agency=org.agency, title="Thông báo mới", to_everyone=True)
    services.mark_read(by=Actor(planner), notice=new)
    listed = list(selectors.notice_list(planner))
    assert [n.pk for n in listed] == [pinned.pk, new.pk, old.pk]
    assert [getattr(n, "is_read") for n in listed] == [False, True, False]  # marked, not sorted: see notice_list
    assert [n.pk for n in selectors.notice_list(planner, "unread")] == [pinned.pk, old.pk]
    assert selectors.unread_count(planner) == 2
    assert services.mark_read(by=Actor(planner), notice=new) is False  # once
    receipts = selectors.receipts(new)
    assert [p.pk for p, _at in receipts.read] == [planner.pk]
    assert org.specialist in receipts.unread and planner not in receipts.unread
    assert receipts.total == receipts.read_count + receipts.unread_count
    assert Event.objects.filter(verb="notice.read").count() == 1


def test_expired_notices_leave_the_addressees_lists(org, chief, planner):
    notice = services.publish(by=Actor(chief), agency=org.agency, title="Đăng ký xe đi công tác", to_everyone=True,
                              expires_on=timezone.localdate())
    assert selectors.get_notice(planner, notice.pk)
    Notice.objects.filter(pk=notice.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(Http404):
        selectors.get_notice(planner, notice.pk)
    assert not selectors.notice_list(planner).exists()
    assert selectors.get_notice(chief, notice.pk)  # the sender still finds it
    with pytest.raises(ValidationError):
        services.publish(by=Actor(chief), agency=org.agency, title="Quá hạn", to_everyone=True,
                         expires_on=timezone.localdate() - timedelta(days=1))


def test_a_link_is_shown_only_to_readers_who_may_open_the_document(org, register_doc, planner):
    secret = register_doc(secrecy="mat", summary="Kế hoạch bảo vệ bí mật nhà nước")
    ordinary = register_doc(summary="Công văn về việc chuyển đổi số")
    assert kinds.may_see("incoming", org.head, secret)
    notice = services.publish(by=Actor(org.head), agency=org.agency, title="Triển khai văn bản", to_everyone=True,
                              links=[("incoming", secret.pk), ("incoming", ordinary.pk)])
    head_links, hidden = selectors.readable_links(org.head, notice)
    assert len(head_links) == 2 and hidden == 0
    links, hidden = selectors.readable_links(planner, notice)
    assert all(link.document_id != secret.pk for link, _url in links) and hidden >= 1
    assert "bí mật" not in notice.links.get(document_id=secret.pk).name  # named by its number alone


def test_a_link_to_a_document_the_sender_may_not_open_is_refused(org, other_org, chief):
    from qlvb.outgoing.models import OutgoingDocument

    theirs = OutgoingDocument.objects.create(agency=other_org.agency, drafting_unit=other_org.unit,
                                             drafter=other_org.specialist, doc_type="CV", summary="Công văn khác")
    with pytest.raises(ValidationError) as error:
        services.publish(by=Actor(chief), agency=org.agency, title="Liên kết", to_everyone=True,
                         links=[("outgoing", theirs.pk)])
    assert "links" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.publish(by=Actor(chief), agency=org.agency, title="  ")
    assert set(error.value.message_dict) == {"title", "audience"}
    assert Notice.objects.count() == 0
