"""Task services: each transition, its event, bad input (nothing saved), deadlines in working days."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.incoming.tests.conftest import pdf_upload
from qlvb.org.models import Person
from qlvb.tasks import services
from qlvb.tasks.models import Coordinator, ExtensionRequest, Report, Task, TaskFile
from qlvb.tasks.services import Owner
from qlvb.tasks.tests.conftest import assign, future

pytestmark = pytest.mark.django_db


def verbs(task: Task) -> list[str]:
    return list(Event.objects.filter(target_type="tasks.task", target_id=str(task.pk)).order_by("seq")
                .values_list("verb", flat=True))


def test_leader_assigns_with_coordinators_and_the_whole_life(org, local_storage):
    task = assign(org, owner=Owner(unit=org.unit), coordinators=[org.clerk], coordinating_units=[org.office],
                  description="Báo cáo trước ngày họp giao ban")
    assert task.unit_id == org.unit.pk and task.status == Task.Status.PENDING
    assert Coordinator.objects.filter(task=task).count() == 2
    # The unit head owns the unit's task: reports with a file, then the task is in progress.
    services.report(by=Actor(org.unit_head), task=task, progress=40, note="Đã rà soát 4/10 phòng",
                    uploads=[pdf_upload("tien-do.pdf")])
    task.refresh_from_db()
    assert (task.status, task.progress) == (Task.Status.IN_PROGRESS, 40)
    # A coordinator reports his part without a per cent.
    row = services.report(by=Actor(org.clerk), task=task, progress=90, note="Văn phòng đã gửi danh sách")
    assert row.progress is None
    task.refresh_from_db()
    assert task.progress == 40
    request = services.request_extension(by=Actor(org.unit_head), task=task, deadline=future(20), reason="Chờ số liệu")
    services.decide_extension(by=Actor(org.head), request=request, approve=True)
    task.refresh_from_db()
    assert task.deadline == future(20)
    request.refresh_from_db()
    assert (request.old_deadline, request.requested_deadline, request.status) == (
        future(), future(20), ExtensionRequest.Status.APPROVED)
    services.complete(by=Actor(org.unit_head), task=task, result="Đã rà soát xong, báo cáo kèm theo")
    task.refresh_from_db()
    assert (task.status, task.progress, task.completed_by) == (Task.Status.DONE, 100, org.unit_head)
    services.evaluate(by=Actor(org.head), task=task, evaluation=Task.Evaluation.GOOD, note="Đúng hạn")
    task.refresh_from_db()
    assert task.evaluation == "good" and task.evaluated_by == org.head
    assert verbs(task) == ["task.assigned", "task.reported", "task.reported", "task.extension_requested",
                           "task.extension_approved", "task.completed", "task.evaluated"]


def test_report_stores_files_and_names_them_in_its_event(org, local_storage):
    task = assign(org)
    pdf = pdf_upload("bao-cao.pdf")
    row = services.report(by=Actor(org.specialist), task=task, progress=50, note="Một nửa", uploads=[pdf])
    files = list(TaskFile.objects.filter(report=row))
    assert [f.name for f in files] == ["bao-cao.pdf"]
    event = Event.objects.get(verb="task.reported", target_id=str(task.pk))
    assert event.data["stored_files"] == [files[0].stored_id]


def test_a_deadline_before_today_is_refused_in_vietnamese_and_nothing_saved(org):
    before = Event.objects.count()
    with pytest.raises(ValidationError) as error:
        assign(org, deadline=timezone.localdate() - timedelta(days=1))
    assert "Thời hạn không được trước ngày hôm nay." in str(error.value)
    with pytest.raises(ValidationError):
        assign(org, title="   ")
    with pytest.raises(ValidationError):
        assign(org, owner=Owner())
    assert Task.objects.count() == 0 and Event.objects.count() == before


def test_deadline_in_working_days_skips_tet_2027(org):
    # Tết Đinh Mùi: 6 February 2027 is the first day of the lunar year; the break runs over the
    # week around it. Five working days from Thursday 4 February land after it.
    with mock.patch("django.utils.timezone.localdate", return_value=date(2027, 2, 4)):
        task = assign(org, deadline=None, working_days=5)
    assert task.deadline > date(2027, 2, 12)
    assert task.deadline.weekday() < 5
    from qlvb.core.workdays import working_days_between
    assert working_days_between(date(2027, 2, 4), task.deadline, org.agency) == 5


def test_who_may_assign(org, other_org):
    # A unit head within his unit; not to another unit, nor a specialist anywhere.
    assign(org, by=org.unit_head, owner=Owner(person=org.specialist))
    with pytest.raises(NotAllowed):
        assign(org, by=org.unit_head, owner=Owner(unit=org.office))
    with pytest.raises(NotAllowed):
        assign(org, by=org.specialist, owner=Owner(person=org.specialist))
    # Nobody is given a task of another agency.
    with pytest.raises(ValidationError):
        assign(org, owner=Owner(person=other_org.specialist))
    with pytest.raises(ValidationError):
        assign(org, owner=Owner(person=org.specialist), coordinators=[other_org.clerk])


def test_sub_tasks_by_the_owner_unit_head_within_its_deadline(org):
    task = assign(org, owner=Owner(unit=org.unit))
    sub = assign(org, by=org.unit_head, owner=Owner(person=org.specialist), parent=task, deadline=future(5))
    assert sub.parent == task and sub.unit_id == org.unit.pk
    with pytest.raises(ValidationError):  # after its task's deadline
        assign(org, by=org.unit_head, owner=Owner(person=org.specialist), parent=task, deadline=future(30))
    with pytest.raises(NotAllowed):  # the specialist owns no part of the parent
        assign(org, by=org.specialist, owner=Owner(person=org.specialist), parent=task)
    # The task is not completed while a sub-task is open.
    with pytest.raises(ValidationError):
        services.complete(by=Actor(org.unit_head), task=task, result="Xong")
    services.complete(by=Actor(org.specialist), task=sub, result="Xong phần việc")
    services.complete(by=Actor(org.unit_head), task=task, result="Xong")


def test_bad_transitions(org):
    task = assign(org)
    with pytest.raises(NotAllowed):  # only the owner or a coordinator reports
        services.report(by=Actor(org.clerk), task=task, progress=10, note="x")
    with pytest.raises(ValidationError):
        services.report(by=Actor(org.specialist), task=task, progress=120, note="x")
    with pytest.raises(ValidationError):
        services.request_extension(by=Actor(org.specialist), task=task, deadline=future(5), reason="Sớm hơn?")
    with pytest.raises(ValidationError):
        services.request_extension(by=Actor(org.specialist), task=task, deadline=future(20), reason="")
    request = services.request_extension(by=Actor(org.specialist), task=task, deadline=future(20),
                                         reason="Thiếu số liệu")
    with pytest.raises(ValidationError):  # one at a time
        services.request_extension(by=Actor(org.specialist), task=task, deadline=future(25), reason="Lần nữa")
    with pytest.raises(NotAllowed):  # the owner does not approve his own extension
        services.decide_extension(by=Actor(org.specialist), request=request, approve=True)
    with pytest.raises(ValidationError):  # a rejection says why
        services.decide_extension(by=Actor(org.head), request=request, approve=False)
    services.decide_extension(by=Actor(org.head), request=request, approve=False, note="Không đủ lý do")
    task.refresh_from_db()
    assert task.deadline == future()
    with pytest.raises(ValidationError):  # only a completed task is evaluated
        services.evaluate(by=Actor(org.head), task=task, evaluation="good")
    services.complete(by=Actor(org.specialist), task=task, result="Xong")
    with pytest.raises(ValidationError):
        services.report(by=Actor(org.specialist), task=Task.objects.get(pk=task.pk), progress=100, note="Thêm")
    with pytest.raises(NotAllowed):
        services.evaluate(by=Actor(org.specialist), task=task, evaluation="good")
    assert Report.objects.filter(task=task).count() == 0


def test_create_from_names_its_source(org):
    task = services.create_from(by=Actor(org.head), agency=org.agency, source=Task.Source.MEETING, source_ref="kl-42",
                                title="Hoàn thiện dự thảo kế hoạch chuyển đổi số", owner=Owner(unit=org.unit),
                                working_days=10)
    event = Event.objects.get(verb="task.assigned", target_id=str(task.pk))
    assert (event.data["source"], event.data["source_ref"]) == ("meeting", "kl-42")


def test_a_meeting_follows_its_conclusions_tasks_not_their_sub_tasks(org):
    from qlvb.tasks import selectors

    made = services.create_from(by=Actor(org.head), agency=org.agency, source=Task.Source.MEETING, source_ref="7",
                                title="Báo cáo tiến độ dự án", owner=Owner(unit=org.unit), working_days=5)
    assign(org, by=org.unit_head, owner=Owner(person=org.specialist), parent=made, deadline=made.deadline)
    services.create_from(by=Actor(org.head), agency=org.agency, source=Task.Source.PROGRAMME, source_ref="7",
                         title="Một mục chương trình", owner=Owner(unit=org.unit), working_days=5)
    found = selectors.from_sources(org.agency.pk, Task.Source.MEETING, ["7", "8"])
    assert [t.pk for t in found["7"]] == [made.pk] and found["8"] == []


def test_provincial_task_is_idempotent_and_goes_to_the_head(org, settings, root):
    account = Person.objects.create(username="ubnd.giaoviec", full_name="Phần mềm giao việc UBND tỉnh",
                                     must_change_password=False)
    settings.QLVB_PROVINCIAL_TASK_ACCOUNTS = ["ubnd.giaoviec"]
    values = {"agency": org.agency, "title": "Triển khai Kế hoạch số 12/KH-UBND", "deadline": future(),
              "reference": "GV-2026-0042", "idempotency_key": "abc-1"}
    task, created = services.receive_provincial(by=Actor(account), **values)
    again, created_again = services.receive_provincial(by=Actor(account), **values)
    assert created and not created_again and again.pk == task.pk
    assert task.owner_person == org.head and task.source == Task.Source.PROVINCIAL
    assert verbs(task) == ["task.received"]
    with pytest.raises(NotAllowed):  # any other account
        services.receive_provincial(by=Actor(org.head), **{**values, "idempotency_key": "x"})


def test_demo_tasks_load_once(root):
    from qlvb.org.demo import load_demo
    from qlvb.tasks import demo, selectors

    load_demo()
    assert demo.load() == 5 and demo.load() == 0
    specialist = Person.objects.get(username="stttt.cv.cntt1")
    counts = selectors.counts(specialist)
    assert counts["to_do"] == 2 and counts["overdue"] == 1
