"""Cover for the leave period (người xử lý thay): the colleague holds the person's open tasks from
the first day of granted leave; the day after the last, what he still holds open goes back."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.leave import selectors, services
from qlvb.leave.models import LeaveRequest
from qlvb.leave.tests.conftest import MONDAY, TODAY
from qlvb.notifications import selectors as notification_selectors
from qlvb.notifications.models import Notification
from qlvb.tasks import services as tasks
from qlvb.tasks.models import Coordinator, Task
from qlvb.tasks.services import Owner

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """Set the clock to 08:00 of a day (Hà Nội time); timezone.localdate follows."""
    def move(day: date) -> None:
        moment = datetime.combine(day, time(8, 0), tzinfo=timezone.get_current_timezone())
        monkeypatch.setattr(timezone, "now", lambda: moment)
    move(TODAY)
    return move


def task(org, title: str, owner=None, **extra) -> Task:
    return tasks.assign(by=Actor(org.head), agency=org.agency, owner=Owner(person=owner or org.specialist),
                        title=title, deadline=MONDAY + timedelta(days=30), **extra)


def ask(org, cover=None, start=MONDAY, end=None, **extra) -> LeaveRequest:
    return services.request_leave(by=Actor(org.specialist), kind=extra.pop("kind", "annual"), start=start,
                                  end=end or start, reason="Việc gia đình", cover=cover, today=TODAY, **extra)


def approved(org, cover=None, start=MONDAY, end=None) -> LeaveRequest:
    leave = ask(org, cover, start, end)
    return services.approve(by=Actor(leave.approver), leave=leave)


def owner_of(t: Task):
    return Task.objects.get(pk=t.pk).owner_person


def coordinators_of(t: Task) -> set[int]:
    return set(Coordinator.objects.filter(task=t).values_list("person_id", flat=True))


def test_the_tasks_go_on_the_first_day_and_what_is_still_open_comes_back(org, field, colleague, clock):
    kept = task(org, "Cập nhật cổng thông tin điện tử")
    finished = task(org, "Báo cáo tình hình ứng dụng CNTT quý I")
    given_away = task(org, "Rà soát tài khoản người dùng")
    coordinated = task(org, "Xây dựng kế hoạch chuyển đổi số", owner=org.unit_head, coordinators=[org.specialist])
    leave = approved(org, cover=colleague)
    assert leave.approver == org.deputy
    clock(MONDAY - timedelta(days=1))
    assert services.run_covers() == (0, 0)  # the day before: nothing moves
    assert owner_of(kept) == org.specialist

    clock(MONDAY)
    assert services.run_covers() == (1, 0)
    assert {owner_of(t) for t in (kept, finished, given_away)} == {colleague}
    assert coordinators_of(coordinated) == {colleague.pk}
    moved = Event.objects.filter(verb="task.covered").order_by("target_id")
    assert moved.count() == 4
    assert all(e.data["leave"] == leave.pk and e.data["from"] == org.specialist.pk and e.data["to"] == colleague.pk
               for e in moved)
    assert services.run_covers() == (0, 0)  # run twice: nothing moves twice
    assert Event.objects.filter(verb="task.covered").count() == 4
    # the colleague sees them in his list and may complete one
    assert set(Task.objects.filter(owner_person=colleague).values_list("pk", flat=True)) == {
        kept.pk, finished.pk, given_away.pk}
    tasks.complete(by=Actor(colleague), task=Task.objects.get(pk=finished.pk), result="Đã gửi báo cáo")
    tasks.change(by=Actor(org.head), task=Task.objects.get(pk=given_away.pk), title=given_away.title,
                 description="", deadline=given_away.deadline, owner=Owner(person=org.unit_head))

    clock(MONDAY + timedelta(days=1))  # the day after the last day
    assert services.run_covers() == (0, 1)
    assert owner_of(kept) == org.specialist
    assert coordinators_of(coordinated) == {org.specialist.pk}
    assert owner_of(finished) == colleague  # completed by him: stays
    assert owner_of(given_away) == org.unit_head  # given to someone else meanwhile: stays
    back = Event.objects.filter(verb="task.cover_returned")
    assert {int(e.target_id) for e in back} == {kept.pk, coordinated.pk}
    assert all(e.data["from"] == colleague.pk and e.data["to"] == org.specialist.pk for e in back)
    ended = Event.objects.get(verb="leave.cover_ended")
    assert ended.data["kept"] == sorted([finished.pk, given_away.pk])
    assert services.run_covers() == (0, 0)
    assert Event.objects.filter(verb="task.cover_returned").count() == 2
    # the request page's history, read from the events
    steps = selectors.cover_history(org.specialist, LeaveRequest.objects.get(pk=leave.pk))
    assert [s.event.verb for s in steps] == ["leave.cover_named", "leave.cover_started", "leave.cover_ended"]
    # the person reads the titles of all (they were hers), but no longer opens those that stayed
    assert {t.task.pk: t.may_open for t in steps[1].tasks} == {
        kept.pk: True, finished.pk: False, given_away.pk: False, coordinated.pk: True}
    steps = selectors.cover_history(org.deputy, LeaveRequest.objects.get(pk=leave.pk))  # a leader opens them all
    assert {t.task.pk for t in steps[1].tasks} == {kept.pk, finished.pk, given_away.pk, coordinated.pk}
    assert {t.task.pk for t in steps[2].kept} == {finished.pk, given_away.pk} and steps[2].hidden == 0
    steps = selectors.cover_history(org.clerk, LeaveRequest.objects.get(pk=leave.pk))  # the office: counted
    assert steps[1].tasks == [] and steps[1].hidden == 4


def told(person) -> list[str]:
    return [notification_selectors.text(n) for n in
            Notification.objects.filter(person=person, kind="leave").order_by("created_at", "id")]


def test_the_colleague_is_told_and_the_person_when_they_come_back(org, colleague, clock,
                                                                 django_capture_on_commit_callbacks):
    task(org, "Cập nhật cổng thông tin")
    with django_capture_on_commit_callbacks(execute=True):
        leave = ask(org, cover=colleague)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(by=Actor(leave.approver), leave=leave)
    clock(MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_covers()
    clock(MONDAY + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.run_covers()
    assert told(colleague) == [
        "Bạn được cử xử lý thay công việc của Trần Thị Mai trong thời gian nghỉ từ 08/03/2027 đến 08/03/2027",
        "Trần Thị Mai nghỉ đến hết ngày 08/03/2027: 1 nhiệm vụ đã chuyển cho bạn xử lý thay",
        "Các nhiệm vụ bạn xử lý thay trong thời gian Trần Thị Mai nghỉ (08/03/2027 – 08/03/2027) đã được trả lại"]
    assert told(org.specialist)[-1] == ("Các nhiệm vụ của bạn đã được trả lại sau thời gian nghỉ từ 08/03/2027 "
                                        "đến 08/03/2027")
    assert not any("Việc gia đình" in str(n.params) for n in Notification.objects.all())  # never the reason


def test_the_colleague_keeps_his_own_place_and_the_person_his(org, field, colleague, clock):
    """A task the colleague already coordinates: he owns it for the period and is its coordinator
    again afterwards; a task he already owns: the person's place on it stays with the person."""
    mine = task(org, "Cập nhật cổng thông tin", coordinators=[colleague])
    his = task(org, "Sao lưu dữ liệu", owner=colleague, coordinators=[org.specialist])
    approved(org, cover=colleague)
    clock(MONDAY)
    services.run_covers()
    assert owner_of(mine) == colleague and coordinators_of(mine) == {colleague.pk}
    assert coordinators_of(his) == {org.specialist.pk}
    clock(MONDAY + timedelta(days=1))
    services.run_covers()
    assert owner_of(mine) == org.specialist and coordinators_of(mine) == {colleague.pk}
    assert owner_of(his) == colleague and coordinators_of(his) == {org.specialist.pk}


def test_across_a_weekend_they_stay_until_the_day_after_the_last(org, colleague, clock):
    friday, monday = MONDAY + timedelta(days=4), MONDAY + timedelta(days=7)
    t = task(org, "Cập nhật cổng thông tin")
    approved(org, cover=colleague, start=friday, end=monday)
    for day, owner in ((friday, colleague), (friday + timedelta(days=1), colleague),
                       (friday + timedelta(days=2), colleague), (monday, colleague),
                       (monday + timedelta(days=1), org.specialist)):
        clock(day)
        services.run_covers()
        assert owner_of(t) == owner, day


def test_approved_after_its_first_day_the_tasks_move_at_once(org, colleague, clock):
    t = task(org, "Cập nhật cổng thông tin")
    clock(MONDAY)
    leave = services.request_leave(by=Actor(org.specialist), kind="sick", start=MONDAY, end=MONDAY,
                                   reason="Ốm", cover=colleague)
    assert owner_of(t) == org.specialist  # not approved yet
    assert services.run_covers() == (0, 0)
    services.approve(by=Actor(leave.approver), leave=leave)
    assert owner_of(t) == colleague
    assert services.run_covers() == (0, 0)


def test_refused_or_cancelled_before_the_first_day_nothing_moves(org, colleague, clock):
    t = task(org, "Cập nhật cổng thông tin")
    refused = ask(org, cover=colleague)
    services.refuse(by=Actor(refused.approver), leave=refused, note="Đang cao điểm")
    cancelled = approved(org, cover=colleague, start=MONDAY + timedelta(days=1))
    services.cancel(by=Actor(org.specialist), leave=cancelled)
    for day in (MONDAY, MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)):
        clock(day)
        assert services.run_covers() == (0, 0)
    assert owner_of(t) == org.specialist
    assert not Event.objects.filter(verb__in=["task.covered", "task.cover_returned"]).exists()


def test_cancelled_after_the_start_they_come_back_at_once(org, colleague, clock):
    t = task(org, "Cập nhật cổng thông tin")
    leave = approved(org, cover=colleague, end=MONDAY + timedelta(days=2))
    clock(MONDAY)
    services.run_covers()
    assert owner_of(t) == colleague
    clock(MONDAY + timedelta(days=1))
    services.cancel(by=Actor(org.specialist), leave=leave)
    assert owner_of(t) == org.specialist
    assert Event.objects.get(verb="leave.cover_ended").data["reason"] == "cancelled"
    assert services.run_covers() == (0, 0)


def test_a_colleague_changed_during_the_leave_passes_the_tasks_on(org, colleague, clock):
    t = task(org, "Cập nhật cổng thông tin")
    leave = approved(org, cover=colleague, end=MONDAY + timedelta(days=2))
    clock(MONDAY)
    services.run_covers()
    services.set_cover(by=Actor(org.specialist), leave=leave, cover=org.admin)
    assert owner_of(t) == org.admin
    services.set_cover(by=Actor(org.specialist), leave=leave, cover=None)  # nobody: back at once
    assert owner_of(t) == org.specialist
    assert services.run_covers() == (0, 0)


def test_named_afterwards_by_the_person_the_approver_or_the_office(org, field, colleague, clock):
    leave = ask(org)
    clerk = org.clerk  # posted in the office (Văn phòng): keeps the register
    for who in (org.specialist, org.deputy, clerk):
        services.set_cover(by=Actor(who), leave=leave, cover=colleague if who != org.deputy else org.admin)
    assert LeaveRequest.objects.get(pk=leave.pk).cover == colleague
    for who in (org.unit_head, colleague, org.head):
        with pytest.raises(NotAllowed):
            services.set_cover(by=Actor(who), leave=leave, cover=org.admin)
    assert LeaveRequest.objects.get(pk=leave.pk).cover == colleague


def test_a_leave_over_or_cancelled_takes_no_cover(org, colleague, clock):
    leave = approved(org)
    clock(MONDAY + timedelta(days=1))
    with pytest.raises(ValidationError):
        services.set_cover(by=Actor(org.specialist), leave=leave, cover=colleague)
    assert LeaveRequest.objects.get(pk=leave.pk).cover is None


def test_a_bad_colleague_is_refused_in_vietnamese_and_nothing_saved(org, other_org, colleague, clock):
    away = services.request_leave(by=Actor(colleague), kind="annual", start=MONDAY, end=MONDAY,
                                  reason="Việc riêng", today=TODAY)
    services.approve(by=Actor(away.approver), leave=away)
    cases = [(other_org.specialist, "đang công tác"), (org.specialist, "không thể tự xử lý thay"),
             (colleague, "cũng vắng mặt")]
    with translation.override("vi"):
        for person, words in cases:
            with pytest.raises(ValidationError) as error:
                ask(org, cover=person)
            assert words in " ".join(error.value.message_dict["cover"])
        assert not LeaveRequest.objects.filter(person=org.specialist).exists()
        leave = ask(org)
        before = Event.objects.count()
        for person, words in cases:
            with pytest.raises(ValidationError) as error:
                services.set_cover(by=Actor(org.specialist), leave=leave, cover=person)
            assert words in " ".join(error.value.message_dict["cover"])
    assert LeaveRequest.objects.get(pk=leave.pk).cover is None
    assert Event.objects.count() == before
