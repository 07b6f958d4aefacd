"""Tasks as a document kind (core.kinds): who may open them, their files and what search finds of
them. Registered in TasksConfig.ready(); the task pages and the API ask the same rule, so it is
written once (rules.py says who, from the regulation)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core import kinds
from qlvb.core.kinds import Grant, Rule
from qlvb.org import permissions
from qlvb.org.roles import roles_of
from qlvb.tasks.models import Report, Task, TaskFile


def _as_access(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.order_by().annotate(document_id=F("pk"))


def rule(person: Any) -> Rule:
    """Leaders see every task of their agency (R29); a unit head the tasks of the units he heads
    and those they coordinate; everyone the tasks they own, assigned or coordinate. A task has no
    secrecy: the leaders' grant holds nothing back."""
    if person is None or not getattr(person, "pk", None):
        return Rule(agencies=frozenset())
    roles = roles_of(person)
    access: list[QuerySet[Any]] = [
        _as_access(Task.objects.filter(owner_person_id=person.pk)),
        _as_access(Task.objects.filter(assigned_by_id=person.pk)),
        _as_access(Task.objects.filter(coordinators__person_id=person.pk)),
    ]
    if roles.headed_unit_ids:
        headed = sorted(roles.headed_unit_ids)
        access.append(_as_access(Task.objects.filter(unit_id__in=headed)))
        access.append(_as_access(Task.objects.filter(owner_unit_id__in=headed)))
        access.append(_as_access(Task.objects.filter(coordinators__unit_id__in=headed)))
    return Rule(agencies=frozenset(permissions.member_agency_ids(person)),
                grants=(Grant(frozenset(roles.leader_agency_ids), secret=True),), access=tuple(access))


def load(task_id: int) -> Task | None:
    return Task.objects.filter(pk=task_id).first()


def files(task: Task) -> dict[int, str]:
    return {f.stored_id: f.name for f in TaskFile.objects.filter(task=task)}


def holding(stored_file_id: int) -> set[int]:
    return set(TaskFile.objects.filter(stored_id=stored_file_id).values_list("task_id", flat=True))


def index_values(task: Task, texts: Callable[[Iterable[int]], dict[int, str]]) -> dict[str, Any]:
    """Its title, description, reports, result and the text read from its files."""
    stored = list(TaskFile.objects.filter(task_id=task.pk).values_list("stored_id", flat=True))
    read = texts(stored)
    notes = list(Report.objects.filter(task_id=task.pk).values_list("note", flat=True))
    return {
        "agency_id": task.agency_id, "doc_type": "", "issuer": "", "register_id": None,
        "date": timezone.localdate(task.created_at), "urgency": "", "secrecy": "", "status": task.status,
        "unit_id": task.unit_id, "reference": task.source_ref[:60], "title": task.title[:600],
        "body": [task.description, *notes, task.result, task.evaluation_note, *read.values()],
    }


def url(task_id: int) -> str:
    return reverse("tasks:detail", args=[task_id])


KIND = kinds.DocumentKind(
    name="task", model="tasks.Task", label=_("Task"), rule=rule, files=files, holding=holding,
    index_values=index_values, load=load, url=url, quiet_verbs=frozenset(),
)
