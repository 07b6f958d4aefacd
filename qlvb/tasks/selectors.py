"""Task reads: what a person may see, their lists (to do, overdue, due soon, coordinating,
assigned by them, done) with counts, the unit head's overview and one task's page. Every list is
one indexed query on (owner, status, deadline) whatever the number of tasks; counts are one query."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from qlvb.core import kinds
from qlvb.core.workdays import add_working_days
from qlvb.org import permissions
from qlvb.org.models import Person, Unit
from qlvb.org.roles import roles_of
from qlvb.tasks import rules
from qlvb.tasks.models import Coordinator, ExtensionRequest, Link, Report, Task, TaskFile

DUE_SOON_WORKING_DAYS = 2
LISTS = ("to_do", "overdue", "due_soon", "coordinating", "assigned", "done")
OPEN = [s.value for s in Task.OPEN_STATUSES]


def visible(person: Person) -> QuerySet[Task]:
    """Every task the person may open: the kind's one rule (kind.py)."""
    return kinds.visible("task", person)


def get_task(person: Person, pk: int) -> Task:
    task = (Task.objects.filter(pk=pk)
            .select_related("agency", "owner_person", "owner_unit", "unit", "assigned_by", "on_behalf_of",
                            "completed_by", "evaluated_by", "parent").first())
    if task is None or not kinds.may_see("task", person, task):
        raise Http404()
    return task


def from_sources(agency_id: int, source: str, refs: list[str]) -> dict[str, list[Task]]:
    """The top-level tasks another app made from its records (tasks.services.create_from), by the
    record's reference: a meeting's conclusions, a programme's items. One query; what the caller
    shows of them is for its own page (its readers may see the record, not each task)."""
    found: dict[str, list[Task]] = {ref: [] for ref in refs}
    if not refs:
        return found
    tasks = (Task.objects.filter(agency_id=agency_id, source=source, source_ref__in=refs, parent__isnull=True)
             .select_related("owner_person", "owner_unit").order_by("deadline", "id"))
    for task in tasks:
        found[task.source_ref].append(task)
    return found


def soon(person: Person, today: date) -> date:
    return add_working_days(today, DUE_SOON_WORKING_DAYS, person.agency_id)


def _owned(person: Person) -> Q:
    """Tasks the person owns, or that units he heads own."""
    headed = sorted(roles_of(person).headed_unit_ids)
    mine = Q(owner_person_id=person.pk)
    return mine | Q(owner_unit_id__in=headed) if headed else mine


def _coordinating(person: Person) -> Q:
    headed = sorted(roles_of(person).headed_unit_ids)
    rows = Coordinator.objects.filter(Q(person_id=person.pk) | Q(unit_id__in=headed) if headed
                                      else Q(person_id=person.pk))
    return Q(pk__in=rows.values("task_id"))


def _condition(name: str, today: date, due: date) -> Q:
    return {
        "to_do": Q(status__in=OPEN),
        "overdue": Q(status__in=OPEN, deadline__lt=today),
        "due_soon": Q(status__in=OPEN, deadline__gte=today, deadline__lte=due),
        "coordinating": Q(status__in=OPEN),
        "assigned": Q(status__in=OPEN),
        "done": Q(status=Task.Status.DONE),
    }[name]


def with_list_data(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """What a list row (or card) shows, fetched with it: no query per row."""
    return tasks.select_related("owner_person", "owner_unit", "assigned_by")


def task_list(person: Person, name: str) -> QuerySet[Task]:
    """One of the person's lists: open ones by deadline, done ones latest deadline first (the index order)."""
    if name not in LISTS:
        raise Http404()
    today = timezone.localdate()
    condition = _condition(name, today, soon(person, today))
    if name == "coordinating":
        condition &= _coordinating(person)
    elif name == "assigned":
        condition &= Q(assigned_by_id=person.pk)
    else:
        condition &= _owned(person)
    # Within the person's agencies: a post ended elsewhere leaves nothing behind.
    tasks = Task.objects.filter(condition, agency_id__in=sorted(permissions.member_agency_ids(person)))
    order = ("-deadline", "-id") if name == "done" else ("deadline", "id")
    return with_list_data(tasks.order_by(*order))


def counts(person: Person) -> dict[str, int]:
    """The counts of the person's open lists, in two queries whatever the data."""
    today = timezone.localdate()
    due = soon(person, today)
    result = Task.objects.filter(_owned(person), status__in=OPEN).aggregate(
        to_do=Count("id"), overdue=Count("id", filter=Q(deadline__lt=today)),
        due_soon=Count("id", filter=Q(deadline__gte=today, deadline__lte=due)))
    result["coordinating"] = Task.objects.filter(_coordinating(person), status__in=OPEN).count()
    return {key: int(value or 0) for key, value in result.items()}


# --- The unit head's (and the leader's) overview ----------------------------------------------

@dataclass
class UnitRow:
    unit: Unit
    open: int
    overdue: int
    due_soon: int
    done: int


def overview_units(person: Person) -> list[Unit]:
    """The units whose tasks the person oversees: every unit of the agencies he leads, the units
    he heads."""
    roles = roles_of(person)
    return list(Unit.objects.filter(Q(agency_id__in=sorted(roles.leader_agency_ids))
                                    | Q(pk__in=sorted(roles.headed_unit_ids)), deleted_at__isnull=True)
                .order_by("agency_id", "order", "name"))


def overview(person: Person, units: list[Unit]) -> list[UnitRow]:
    """Per unit: open, overdue, due soon and done-this-year tasks, in one grouped query."""
    if not units:
        return []
    today = timezone.localdate()
    due = soon(person, today)
    # Open tasks and those done this year (by deadline): the index (unit, status, deadline) answers
    # it without reading years of finished work.
    year_start = today.replace(month=1, day=1)
    rows = {row["unit_id"]: row for row in Task.objects.filter(
                Q(status__in=OPEN) | Q(status=Task.Status.DONE, deadline__gte=year_start),
                unit_id__in=[u.pk for u in units])
            .values("unit_id").order_by("unit_id").annotate(
                open=Count("id", filter=Q(status__in=OPEN)),
                overdue=Count("id", filter=Q(status__in=OPEN, deadline__lt=today)),
                due_soon=Count("id", filter=Q(status__in=OPEN, deadline__gte=today, deadline__lte=due)),
                done=Count("id", filter=Q(status=Task.Status.DONE)))}
    zero: dict[str, Any] = {}
    return [UnitRow(unit=u, open=int(rows.get(u.pk, zero).get("open", 0)),
                    overdue=int(rows.get(u.pk, zero).get("overdue", 0)),
                    due_soon=int(rows.get(u.pk, zero).get("due_soon", 0)),
                    done=int(rows.get(u.pk, zero).get("done", 0))) for u in units]


def unit_tasks(person: Person, unit: Unit, name: str) -> QuerySet[Task]:
    """The tasks of one unit the person oversees (404 otherwise), filtered like the lists."""
    if unit.pk not in {u.pk for u in overview_units(person)}:
        raise Http404()
    if name not in ("to_do", "overdue", "due_soon", "done"):
        raise Http404()
    today = timezone.localdate()
    order = ("-deadline", "-id") if name == "done" else ("deadline", "id")
    return with_list_data(Task.objects.filter(_condition(name, today, soon(person, today)), unit_id=unit.pk)
                          .order_by(*order))


# --- One task ---------------------------------------------------------------------------------

@dataclass
class Detail:
    coordinators: list[Coordinator]
    subtasks: list[Task]
    reports: list[Report]
    files: dict[int | None, list[TaskFile]]
    extensions: list[ExtensionRequest]
    links: list[tuple[Link, str]]


def detail(person: Person, task: Task) -> Detail:
    files: dict[int | None, list[TaskFile]] = {}
    for item in TaskFile.objects.filter(task=task).select_related("stored"):
        files.setdefault(item.report_id, []).append(item)
    return Detail(
        coordinators=list(Coordinator.objects.filter(task=task).select_related("person", "unit")),
        subtasks=list(with_list_data(Task.objects.filter(parent=task).order_by("deadline", "id"))),
        reports=list(Report.objects.filter(task=task).select_related("author", "on_behalf_of")),
        files=files,
        extensions=list(ExtensionRequest.objects.filter(task=task).select_related("requested_by", "decided_by")),
        links=visible_links(person, task),
    )


def find_document(person: Person, agency_id: int, reference: str) -> tuple[str, int] | None:
    """The document a person names when linking it to a task: by its page's address (copied from
    the browser) or by its number and notation ("15/QĐ-UBND", "05/STTTT-VP"), among the documents
    of the agency the person may see — of every kind that has a number and a notation. None when
    nothing, or more than one document, answers."""
    text = (reference or "").strip()
    if not text:
        return None
    path = urlsplit(text).path
    found = re.search(r"/(\d+)/?$", path)
    if found and path.startswith("/"):
        pk = int(found.group(1))
        for kind in kinds.all_kinds():
            if kind.name != "task" and kind.url(pk).rstrip("/") == path.rstrip("/"):
                return (kind.name, pk) if kinds.visible(kind.name, person).filter(
                    pk=pk, agency_id=agency_id).exists() else None
        return None
    number, slash, notation = text.partition("/")
    number, notation = number.strip(), notation.strip()
    if not slash or not number or not notation:
        return None
    matches: list[tuple[str, int]] = []
    for kind in kinds.all_kinds():
        fields = {f.name: f for f in kind.model_class._meta.concrete_fields}
        if kind.name == "task" or not {"number", "notation", "agency"} <= set(fields):
            continue
        numbers: list[Any] = [number]
        if fields["number"].get_internal_type() in ("IntegerField", "PositiveIntegerField", "BigIntegerField"):
            numbers = [int(number)] if number.isdigit() else []
        elif number.isdigit():  # "5" and "05" are the same number
            numbers = sorted({number, number.lstrip("0") or "0", f"{int(number):02d}"})
        if not numbers:
            continue
        ids = list(kinds.visible(kind.name, person).filter(agency_id=agency_id, number__in=numbers,
                                                             notation__iexact=notation)
                   .values_list("pk", flat=True)[:2])
        matches += [(kind.name, pk) for pk in ids]
    return matches[0] if len(matches) == 1 else None


def visible_links(person: Person, task: Task) -> list[tuple[Link, str]]:
    """The task's linked documents the person may see, with their pages' addresses: one query per
    kind linked, the kind's own rule."""
    links = list(Link.objects.filter(task=task))
    shown: list[tuple[Link, str]] = []
    for name in sorted({link.kind for link in links}):
        try:
            kind = kinds.get(name)
        except KeyError:
            continue
        ids = set(kinds.visible(name, person).filter(pk__in=[x.document_id for x in links if x.kind == name])
                  .values_list("pk", flat=True))
        shown += [(x, kind.url(x.document_id)) for x in links if x.kind == name and x.document_id in ids]
    return sorted(shown, key=lambda pair: (pair[0].added_at, pair[0].pk))


def pending_extension(task: Task) -> ExtensionRequest | None:
    return ExtensionRequest.objects.filter(task=task, status=ExtensionRequest.Status.PENDING).first()


def file_of(task: Task, file_pk: int) -> TaskFile:
    item = TaskFile.objects.filter(task=task, pk=file_pk).select_related("stored").first()
    if item is None:
        raise Http404()
    return item


def actions(person: Person, task: Task) -> dict[str, Any]:
    """What the person may do on the task's page."""
    owner = rules.is_owner(person, task)
    decide = rules.may_decide(person, task)
    coordinator = not owner and rules.is_coordinator(person, task)
    return {"owner": owner, "decide": decide, "coordinator": coordinator,
            "report": task.is_open and (owner or coordinator), "extend": task.is_open and owner,
            "complete": task.is_open and owner,
            "evaluate": decide and task.status == Task.Status.DONE and not task.evaluation,
            "split": rules.may_split(person, task), "link": owner or decide}
