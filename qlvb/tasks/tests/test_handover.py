"""The tasks' part of a hand-over (core.handover): open tasks owned and coordinator places move,
done ones stay, each moved task records task.handed_over."""

from __future__ import annotations

from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.tasks import services
from qlvb.tasks.models import Task
from qlvb.tasks.services import Owner

from .conftest import assign


def test_open_tasks_and_coordinator_places_move(org):
    owned = assign(org)
    coordinated = assign(org, owner=Owner(person=org.unit_head), coordinators=[org.specialist, org.admin])
    done = assign(org)
    Task.objects.filter(pk=done.pk).update(status=Task.Status.DONE)
    assert services.open_work_count(org.specialist, org.agency.pk) == 2
    assert services.hand_over(by=Actor(org.head), person=org.specialist, successor=org.admin,
                              agency_id=org.agency.pk) == 2
    assert services.open_work_count(org.specialist, org.agency.pk) == 0
    assert Task.objects.get(pk=owned.pk).owner_person == org.admin
    assert list(coordinated.coordinators.values_list("person", flat=True)) == [org.admin.pk]  # not twice
    assert Task.objects.get(pk=done.pk).owner_person == org.specialist
    assert Event.objects.filter(verb="task.handed_over").count() == 2
