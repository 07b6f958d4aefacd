"""Who may do what with a task. The regulation (003 Đ7, Đ13–Đ15; R29): leaders of the agency see
and direct all its work; a unit head his unit's; the owner (chủ trì) does the work and reports; the
coordinators (phối hợp) see it and report their part. Nobody else in the agency sees a task, and
nobody outside it (a 404, like a task that does not exist)."""

from __future__ import annotations

from qlvb.core import kinds
from qlvb.org.models import Person, Post
from qlvb.org.roles import roles_of
from qlvb.tasks.models import Coordinator, Task


def is_leader(person: Person, agency_id: int) -> bool:
    return agency_id in roles_of(person).leader_agency_ids


def may_see(person: Person, task: Task) -> bool:
    return kinds.may_see("task", person, task)


def is_owner(person: Person, task: Task) -> bool:
    """The owner person, or the head of the owner unit."""
    if task.owner_person_id is not None:
        return task.owner_person_id == person.pk
    return task.owner_unit_id in roles_of(person).headed_unit_ids


def is_coordinator(person: Person, task: Task) -> bool:
    headed = sorted(roles_of(person).headed_unit_ids)
    rows = Coordinator.objects.filter(task=task)
    return rows.filter(person=person).exists() or bool(headed and rows.filter(unit_id__in=headed).exists())


def may_decide(person: Person, task: Task) -> bool:
    """The assigner or a leader of the agency approves extensions and evaluates the result."""
    return task.assigned_by_id == person.pk or is_leader(person, task.agency_id)


def may_assign(person: Person, agency_id: int, *, owner_person: Person | None, owner_unit_id: int | None) -> bool:
    """Leaders assign to anyone of their agency; a unit head within the units he heads."""
    if is_leader(person, agency_id):
        return True
    headed = roles_of(person).headed_unit_ids
    if not headed:
        return False
    if owner_unit_id is not None:
        return owner_unit_id in headed
    if owner_person is None:
        return False
    return Post.objects.filter(person=owner_person, unit_id__in=sorted(headed), end_date__isnull=True).exists()


def may_split(person: Person, task: Task) -> bool:
    """Break a task into sub-tasks: its owner (the unit head of an owner unit) or a leader."""
    return task.is_open and (is_owner(person, task) or is_leader(person, task.agency_id))
