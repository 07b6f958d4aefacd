"""Tasks tell the people they concern: the owner (an owner unit: its heads) and the coordinators
when it is given, the assigner of each report, extension request and completion, the owner of
each decision; nobody of their own act, nobody outside the task."""

from __future__ import annotations

import pytest

from qlvb.core.actor import Actor
from qlvb.notifications import selectors
from qlvb.notifications.models import Notification
from qlvb.tasks import services
from qlvb.tasks.services import Owner
from qlvb.tasks.tests.conftest import assign, future

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def told(person, kind="task") -> list[str]:
    return [selectors.text(n) for n in Notification.objects.filter(person=person, kind=kind).order_by("id")]


def test_a_task_tells_its_owner_and_coordinators_then_each_step_the_right_person(org, committed):
    with committed():
        task = assign(org, title="Rà soát hạ tầng mạng của các phòng", coordinators=[org.clerk])
    assert told(org.specialist, "assigned") == ["Giao anh/chị xử lý: Rà soát hạ tầng mạng của các phòng"]
    assert told(org.clerk) == ["Nhiệm vụ anh/chị phối hợp: Rà soát hạ tầng mạng của các phòng"]
    assert not Notification.objects.filter(person=org.head).exists()  # who gave it
    assert not Notification.objects.filter(person=org.deputy).exists()  # not in it
    with committed():
        services.report(by=Actor(org.specialist), task=task, note="Đã rà soát 3/5 phòng", progress=60)
    assert told(org.head) == ["Báo cáo tiến độ nhiệm vụ anh/chị giao: Rà soát hạ tầng mạng của các phòng"]
    with committed():
        request = services.request_extension(by=Actor(org.specialist), task=task, deadline=future(20),
                                             reason="Chờ thiết bị")
    with committed():
        services.decide_extension(by=Actor(org.head), request=request, approve=True)
    assert told(org.specialist)[-1] == "Đã đồng ý gia hạn: Rà soát hạ tầng mạng của các phòng"
    with committed():
        services.complete(by=Actor(org.specialist), task=task, result="Đã rà soát xong, báo cáo kèm theo")
    assert told(org.head)[-1] == "Nhiệm vụ đã hoàn thành, chờ anh/chị đánh giá: Rà soát hạ tầng mạng của các phòng"


def test_a_task_given_to_a_unit_tells_its_heads(org, committed):
    with committed():
        assign(org, owner=Owner(unit=org.unit), title="Xây dựng kế hoạch chuyển đổi số năm 2027")
    assert told(org.unit_head, "assigned") and not told(org.specialist, "assigned")
