"""Who is told of a leave request, and what (never its reason nor its kind)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from qlvb.core.actor import Actor
from qlvb.leave import services
from qlvb.leave.tests.conftest import MONDAY, TODAY, delegate
from qlvb.notifications import selectors as notification_selectors
from qlvb.notifications.models import Notification

pytestmark = pytest.mark.django_db


def told(person):
    return [notification_selectors.text(n) for n in Notification.objects.filter(person=person, kind="leave")]


def test_the_approver_then_the_person_are_told(org, field, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        leave = services.request_leave(by=Actor(org.specialist), kind="sick", start=MONDAY, end=MONDAY,
                                       reason="Khám bệnh", today=TODAY)
    assert told(org.deputy) == ["Trần Thị Mai xin nghỉ từ 08/03/2027 đến 08/03/2027"]
    with django_capture_on_commit_callbacks(execute=True):
        services.refuse(by=Actor(org.deputy), leave=leave, note="Đang cao điểm")
    assert told(org.specialist) == ["Đơn nghỉ từ 08/03/2027 đến 08/03/2027 của bạn không được duyệt"]
    assert not any("Khám bệnh" in str(n.params) for n in Notification.objects.all())


def test_the_directors_leave_is_told_to_the_leaders_and_the_office(org, chief, django_capture_on_commit_callbacks):
    delegate(org, org.head, MONDAY, MONDAY + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.request_leave(by=Actor(org.head), kind="annual", start=MONDAY, end=MONDAY + timedelta(days=1),
                               reason="Việc riêng", today=TODAY)
    assert told(org.deputy) == told(chief) == ["Lò Văn Hùng nghỉ từ 08/03/2027 đến 09/03/2027"]
    assert told(org.specialist) == []


def test_overtime_is_told_to_the_chief_of_the_office(org, chief, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.declare_overtime(by=Actor(org.specialist), day=date(2027, 3, 6), hours=Decimal(4), work="Trực",
                                  today=TODAY)
    assert told(chief) == ["Trần Thị Mai khai báo làm ngoài giờ ngày 06/03/2027"]
