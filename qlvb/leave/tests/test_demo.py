"""The demo's leave: a specialist of Phòng CNTT waits for the Phó Giám đốc in charge for one day
of annual leave next week; some history; loaded once."""

from __future__ import annotations

import pytest

from qlvb.leave import demo
from qlvb.leave.models import LeaveRequest, Overtime
from qlvb.org.demo import load_demo

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_leave(local_storage):
    load_demo()
    assert demo.load() == 5
    pending = LeaveRequest.objects.get(status="pending")
    assert pending.person.username == "stttt.cv.cntt1" and pending.days == 1
    assert pending.step == "field_leader" and pending.approver is not None
    assert pending.approver.username == "stttt.pgd.cntt"
    assert LeaveRequest.objects.filter(status="refused").count() == 1
    assert Overtime.objects.count() == 1
    assert demo.load() == 0
