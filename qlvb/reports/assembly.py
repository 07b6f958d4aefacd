"""What the system knows of a unit's (or a deputy's fields') work in a period, as the snapshot a
periodic report keeps: its tasks (done, in progress, late), the incoming documents routed to it
(received, completed, overdue), the outgoing documents it drafted and had issued, and its work
programme items. Pure reads: services.py stores the result in the report.

Everything is counted "as at the end of the period" (or today, for a period not yet over): a task
or document finished after the period counts as still open in it, so a report assembled late
says what a report assembled on time would have said, except for work recorded late.

The figures come from the tables the apps keep (each with an index for these filters): the
incoming routings' received and done times, the outgoing documents' issue time, the tasks'
completion time — the same moments their events record, without reading the event log back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone

from qlvb.incoming.models import Assignment
from qlvb.org.models import Field, Unit
from qlvb.outgoing.models import OutgoingDocument
from qlvb.programmes import selectors as programme_selectors
from qlvb.tasks import selectors as task_selectors
from qlvb.tasks.models import Task

VERSION = 1
LIST_LIMIT = 50  # rows kept per list; the counts are always whole


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _as_of(end: date) -> date:
    return min(end, timezone.localdate())


def _task_row(task: Task, today: date) -> dict[str, Any]:
    owner = task.owner_person.full_name if task.owner_person else (task.owner_unit.name if task.owner_unit else "")
    done = timezone.localdate(task.completed_at) if task.completed_at else None
    return {"id": task.pk, "title": task.title[:300], "owner": owner, "deadline": _iso(task.deadline),
            "completed": _iso(done), "progress": task.progress,
            "late": bool(done and done > task.deadline) or (done is None and task.deadline < today)}


def tasks_section(unit_ids: list[int], start: date, end: date) -> dict[str, Any]:
    """The units' tasks open at some time in the period: done in it (on time or late), still in
    progress at its end, late at its end (deadline passed, not done)."""
    as_of = _as_of(end)
    done: list[Task] = []
    in_progress: list[Task] = []
    late: list[Task] = []
    for task in task_selectors.of_units_in_period(unit_ids, start, end):
        finished = timezone.localdate(task.completed_at) if task.completed_at else None
        if finished is not None and start <= finished <= end:
            done.append(task)
        elif task.deadline < as_of:
            late.append(task)
        else:
            in_progress.append(task)
    today = as_of
    return {
        "counts": {"done": len(done), "done_late": sum(1 for t in done if _task_row(t, today)["late"]),
                   "in_progress": len(in_progress), "late": len(late)},
        "done": [_task_row(t, today) for t in done[:LIST_LIMIT]],
        "in_progress": [_task_row(t, today) for t in in_progress[:LIST_LIMIT]],
        "late": [_task_row(t, today) for t in late[:LIST_LIMIT]],
    }


def _document_reference(number: str, notation: str) -> str:
    return f"{number}/{notation}" if number and notation else (number or notation)


def incoming_section(unit_ids: list[int], start: date, end: date) -> dict[str, Any]:
    """The incoming documents routed to the units to handle (main or coordinating, not for
    information, not withdrawn): received in the period, completed in it (late: after their
    deadline), still open at its end and overdue. A secret document is counted, not named (R7)."""
    as_of = _as_of(end)
    work = (Assignment.objects.filter(assignee_unit_id__in=sorted(unit_ids))
            .exclude(role=Assignment.Role.INFO).exclude(state=Assignment.State.WITHDRAWN))
    open_at_end = Q(created_at__date__lte=end) & (Q(state__in=Assignment.OPEN_STATES) | Q(done_at__date__gt=end))
    counts = work.aggregate(
        received=Count("document", distinct=True, filter=Q(created_at__date__gte=start, created_at__date__lte=end)),
        completed=Count("document", distinct=True, filter=Q(state=Assignment.State.DONE, done_at__date__gte=start,
                                                            done_at__date__lte=end)),
        completed_late=Count("document", distinct=True, filter=Q(
            state=Assignment.State.DONE, done_at__date__gte=start, done_at__date__lte=end,
            done_at__date__gt=F("deadline"))),
        open=Count("document", distinct=True, filter=open_at_end),
        overdue=Count("document", distinct=True, filter=open_at_end & Q(deadline__lt=as_of)),
    )
    overdue_rows = (work.filter(open_at_end, deadline__lt=as_of, secret=False)
                    .select_related("document").order_by("deadline", "id")
                    .only("id", "deadline", "document_id", "document__number", "document__notation",
                          "document__summary", "document__issuer_name")[:LIST_LIMIT * 2])
    seen: set[int] = set()
    overdue: list[dict[str, Any]] = []
    for row in overdue_rows:
        if row.document_id in seen or len(overdue) >= LIST_LIMIT:
            continue
        seen.add(row.document_id)
        overdue.append({"id": row.document_id, "deadline": _iso(row.deadline),
                        "reference": _document_reference(row.document.number, row.document.notation),
                        "issuer": row.document.issuer_name[:200], "summary": row.document.summary[:300]})
    return {"counts": {k: int(v or 0) for k, v in counts.items()}, "overdue": overdue}


def outgoing_section(unit_ids: list[int], start: date, end: date) -> dict[str, Any]:
    """The outgoing documents the units drafted and the clerk issued in the period."""
    issued = (OutgoingDocument.objects.filter(drafting_unit_id__in=sorted(unit_ids),
                                              status=OutgoingDocument.Status.ISSUED,
                                              issued_at__date__gte=start, issued_at__date__lte=end)
              .order_by("issued_at", "id"))
    rows = list(issued.only("id", "number", "notation", "summary", "secrecy", "issued_at", "doc_type")[:LIST_LIMIT])
    return {
        "counts": {"issued": issued.count()},
        "issued": [{"id": d.pk, "reference": d.reference, "issued": _iso(timezone.localdate(d.issued_at)),
                    "summary": "" if d.secrecy else d.summary[:300], "secret": bool(d.secrecy)} for d in rows],
    }


PROGRAMME_STATUSES = ("done", "in_progress", "late", "pending", "proposed")


def programme_section(unit_ids: list[int], field_ids: Iterable[int], start: date, end: date) -> dict[str, Any]:
    """The items of the approved work programmes (R21) the units are responsible for (a deputy's
    report: the items of his fields) whose time meets the period, with their status from their
    tasks: done, in progress, late, not started, proposed at a review (000 Đ11, 001 Đ10)."""
    fields = sorted(field_ids)
    if fields:
        rows = programme_selectors.items_for_fields(fields, start, end)
    else:
        rows = [row for unit_id in unit_ids for row in programme_selectors.items_for_unit(unit_id, start, end)]
    counts = dict.fromkeys(PROGRAMME_STATUSES, 0)
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return {"available": True, "counts": counts, "items": [{
        "id": row.item.pk, "programme_id": row.programme.pk, "title": row.item.title[:300],
        "programme": row.programme.title[:200],
        "product": row.item.product[:200], "unit": row.item.responsible_unit.name if row.item.responsible_unit else "",
        "due": _iso(row.item.due), "status": row.status} for row in rows[:LIST_LIMIT]]}


def assemble_unit(unit: Unit, start: date, end: date) -> dict[str, Any]:
    ids = [unit.pk]
    return {
        "version": VERSION, "as_of": _as_of(end).isoformat(), "unit": {"id": unit.pk, "name": unit.name},
        "tasks": tasks_section(ids, start, end),
        "incoming": incoming_section(ids, start, end),
        "outgoing": outgoing_section(ids, start, end),
        "programme": programme_section(ids, [], start, end),
    }


def field_units(fields: list[Field]) -> list[Unit]:
    """The units the fields supervise, in the agency's order (each once)."""
    return list(Unit.objects.filter(fields__in=[f.pk for f in fields], deleted_at__isnull=True).distinct()
                .order_by("order", "name"))


def assemble_fields(fields: list[Field], start: date, end: date,
                    unit_reports: dict[int, int] | None = None) -> dict[str, Any]:
    """A deputy's weekly report (001 Đ15.2): each unit of his fields with its figures, the late
    tasks and overdue documents of them all, and whether the unit's own report was sent
    (`unit_reports`: unit id → the sent report's id)."""
    units = field_units(fields)
    ids = [u.pk for u in units]
    rows = []
    for unit in units:
        tasks = tasks_section([unit.pk], start, end)
        incoming = incoming_section([unit.pk], start, end)
        outgoing = outgoing_section([unit.pk], start, end)
        rows.append({"id": unit.pk, "name": unit.name, "tasks": tasks["counts"], "incoming": incoming["counts"],
                     "outgoing": outgoing["counts"], "report": (unit_reports or {}).get(unit.pk)})
    return {
        "version": VERSION, "as_of": _as_of(end).isoformat(),
        "fields": [{"id": f.pk, "name": f.name} for f in fields],
        "units": rows,
        "tasks": tasks_section(ids, start, end),
        "incoming": incoming_section(ids, start, end),
        "outgoing": outgoing_section(ids, start, end),
        "programme": programme_section(ids, [f.pk for f in fields], start, end),
    }
