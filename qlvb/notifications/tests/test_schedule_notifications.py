"""The schedules tell people what concerns them: the agency head that the leaders' week waits for
approval, the people in a published entry that it was adjusted or cancelled (urgent when it is
today or tomorrow), the people an invitation was put in the schedule of; nobody of a draft."""

from __future__ import annotations

import pytest

from qlvb.core.actor import Actor
from qlvb.notifications import selectors
from qlvb.notifications.models import Notification
from qlvb.schedules import services
from qlvb.schedules.models import Scope
from qlvb.schedules.tests.conftest import at, monday, office  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def told(person, kind="schedule") -> list[str]:
    return [selectors.text(n) for n in Notification.objects.filter(person=person, kind=kind).order_by("id")]


def test_the_leaders_week_submitted_published_and_adjusted(org, office, monday, committed):  # noqa: F811
    with committed():
        entry = services.save_entry(by=Actor(office.chief), agency=org.agency, scope=Scope.AGENCY,
                                    title="Giao ban Lãnh đạo Sở", place="Phòng họp tầng 2",
                                    starts_at=at(monday, 8), ends_at=at(monday, 10), chair=org.head,
                                    people=[org.head, org.deputy])
    assert not Notification.objects.exists()  # a draft: nobody told yet
    assert entry.period is not None
    with committed():
        period = services.submit_period(by=Actor(office.chief), period=entry.period)
    [asked] = told(org.head, "schedule_approval")
    assert asked.startswith("Lịch công tác tuần ") and "chờ anh/chị duyệt" in asked
    assert not told(org.deputy, "schedule_approval")
    assert Notification.objects.get(person=org.head).url == f"/schedules/week/?s=agency&d={monday.isoformat()}"
    with committed():
        services.publish_period(by=Actor(org.head), period=period)
    with committed():
        services.save_entry(by=Actor(office.chief), agency=org.agency, scope=Scope.AGENCY, entry=entry,
                            title="Giao ban Lãnh đạo Sở", place="Hội trường UBND tỉnh",
                            starts_at=at(monday, 14), ends_at=at(monday, 16), chair=org.head,
                            people=[org.head, org.deputy])
    [adjusted] = told(org.deputy)
    assert adjusted.startswith("Lịch công tác đã điều chỉnh: Giao ban Lãnh đạo Sở, 14:00 ")
    assert told(org.head) and not told(office.chief)  # who changed it: no
    assert not told(org.specialist)  # not in it


def test_a_personal_entry_tells_nobody_but_an_invitation_tells_its_people(org, monday, committed):  # noqa: F811
    with committed():
        services.save_entry(by=Actor(org.specialist), agency=org.agency, scope=Scope.PERSONAL,
                            title="Soạn báo cáo quý", starts_at=at(monday, 8), ends_at=at(monday, 11))
    assert not Notification.objects.exists()
    with committed():
        services.save_entry(by=Actor(org.unit_head), agency=org.agency, scope=Scope.UNIT, unit=org.unit,
                            title="Họp phòng tháng 12", starts_at=at(monday, 14), ends_at=at(monday, 15),
                            people=[org.specialist])
    [added] = told(org.specialist)
    assert added.startswith("Đã thêm vào lịch của anh/chị: Họp phòng tháng 12, 14:00 ")
