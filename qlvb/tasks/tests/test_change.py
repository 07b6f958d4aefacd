"""The assigner changes or withdraws a task (điều chỉnh, thu hồi): every change recorded before and
after, a new owner only one he may assign to, the reason of a withdrawal required, the open
sub-tasks withdrawn with it, the people concerned told; nobody else may."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.notifications import selectors as notification_selectors
from qlvb.notifications.models import Notification
from qlvb.tasks import selectors, services
from qlvb.tasks.models import Task
from qlvb.tasks.services import Owner
from qlvb.tasks.tests.conftest import assign, future

pytestmark = pytest.mark.django_db


def told(person) -> list[str]:
    return [notification_selectors.text(n) for n in Notification.objects.filter(person=person).order_by("id")]


def test_the_assigner_moves_the_deadline_and_gives_the_task_to_another(org, django_capture_on_commit_callbacks):
    task = assign(org, owner=Owner(person=org.specialist), coordinators=[org.clerk])
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.change(by=Actor(org.head), task=task, title=task.title, description="Ưu tiên các phòng tầng 3",
                        deadline=future(15), owner=Owner(person=org.specialist), reason="Thêm phạm vi")
    task.refresh_from_db()
    assert task.deadline == future(15) and task.description == "Ưu tiên các phòng tầng 3"
    event = Event.objects.get(verb="task.changed")
    assert event.data["changed"]["deadline"] == [future().isoformat(), future(15).isoformat()]
    assert event.data["reason"] == "Thêm phạm vi"
    assert told(org.specialist) == [f"Nhiệm vụ của anh/chị được người giao điều chỉnh: {task.title}"]
    # Given to the coordinator: he owns it now (and no longer coordinates); the former owner no
    # longer opens it (a 404), so nothing links him to it.
    with django_capture_on_commit_callbacks(execute=True):
        services.change(by=Actor(org.head), task=task, title=task.title, description=task.description,
                        deadline=task.deadline, owner=Owner(person=org.clerk))
    task.refresh_from_db()
    assert task.owner_person == org.clerk and not task.coordinators.filter(person=org.clerk).exists()
    assert len(told(org.specialist)) == 1
    assert Notification.objects.filter(person=org.clerk, kind="assigned").count() == 1
    # Saving the same values records nothing.
    services.change(by=Actor(org.head), task=task, title=task.title, description=task.description,
                    deadline=task.deadline, owner=Owner(person=org.clerk))
    assert Event.objects.filter(verb="task.changed").count() == 2


def test_who_may_change_and_what_is_refused(org, other_org):
    task = assign(org, by=org.unit_head, owner=Owner(person=org.specialist))
    sub = services.assign(by=Actor(org.specialist), agency=org.agency, title="Phần việc tầng 3",
                          owner=Owner(person=org.specialist), deadline=future(8), parent=task,
                          check_rights=False)
    values: dict[str, Any] = {"title": task.title, "description": "", "deadline": task.deadline,
                              "owner": Owner(person=org.specialist)}
    for person in (org.specialist, org.clerk, other_org.head):  # the owner, a colleague, another agency
        with pytest.raises(NotAllowed):
            services.change(by=Actor(person), task=task, **values)
    with pytest.raises(ValidationError):  # a sub-task is due later
        services.change(by=Actor(org.unit_head), task=task, **{**values, "deadline": future(5)})
    with pytest.raises(ValidationError):
        services.change(by=Actor(org.unit_head), task=task, **{**values, "title": "  "})
    with pytest.raises(NotAllowed):  # a unit head gives only within his units
        services.change(by=Actor(org.unit_head), task=task, **{**values, "owner": Owner(person=org.clerk)})
    task.refresh_from_db()
    assert (task.deadline, task.owner_person) == (future(), org.specialist)
    assert sub.parent_id == task.pk and not Event.objects.filter(verb="task.changed").exists()


def test_a_withdrawn_task_leaves_the_lists_with_its_sub_tasks(org, django_capture_on_commit_callbacks):
    task = assign(org, owner=Owner(person=org.unit_head), coordinators=[org.clerk])
    sub = services.assign(by=Actor(org.unit_head), agency=org.agency, title="Phần việc của chuyên viên",
                          owner=Owner(person=org.specialist), deadline=future(5), parent=task)
    with pytest.raises(ValidationError):
        services.withdraw(by=Actor(org.head), task=task, reason=" ")
    with pytest.raises(NotAllowed):
        services.withdraw(by=Actor(org.unit_head), task=task, reason="Không cần nữa")
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(by=Actor(org.head), task=task, reason="UBND tỉnh đã dừng triển khai")
    assert set(Task.objects.values_list("status", flat=True)) == {Task.Status.WITHDRAWN}
    assert Event.objects.filter(verb="task.withdrawn").count() == 2
    assert selectors.task_list(org.unit_head, "to_do").count() == 0
    assert selectors.task_list(org.specialist, "to_do").count() == 0
    assert not selectors.task_list(org.head, "assigned").filter(pk=task.pk).exists()
    assert not selectors.task_list(org.unit_head, "done").exists()
    assert told(org.clerk) == [f"Nhiệm vụ đã bị thu hồi: {task.title}"]
    assert told(org.specialist) == [f"Nhiệm vụ đã bị thu hồi: {sub.title}"]
    with pytest.raises(ValidationError):
        services.withdraw(by=Actor(org.head), task=task, reason="Lần nữa")
    with pytest.raises(ValidationError):
        services.report(by=Actor(org.unit_head), task=Task.objects.get(pk=task.pk), note="x", progress=10)


def test_change_and_withdraw_through_the_page(org, login):
    task = assign(org, owner=Owner(person=org.specialist))
    assert 'id="change"' not in login(org.specialist).get(f"/tasks/{task.pk}/").content.decode()
    assert login(org.specialist).post(f"/tasks/{task.pk}/withdraw/", {"reason": "x"}).status_code == 404
    head = login(org.head)
    assert 'id="change"' in head.get(f"/tasks/{task.pk}/").content.decode()
    response = head.post(f"/tasks/{task.pk}/change/", {
        "title": task.title, "description": "", "owner": f"u:{org.unit.pk}",
        "deadline": future(12).strftime("%d/%m/%Y"), "reason": "Giao cả phòng"})
    assert response.status_code == 302, response.content.decode()[:2000]
    task.refresh_from_db()
    assert task.owner_unit == org.unit and task.owner_person is None and task.deadline == future(12)
    page = head.post(f"/tasks/{task.pk}/withdraw/", {"reason": ""})
    assert page.status_code == 400 and Task.objects.get(pk=task.pk).is_open
    assert head.post(f"/tasks/{task.pk}/withdraw/", {"reason": "Trùng với nhiệm vụ khác"}).status_code == 302
    assert Task.objects.get(pk=task.pk).status == Task.Status.WITHDRAWN
    assert "Đã thu hồi" in head.get(f"/tasks/{task.pk}/").content.decode()
