"""Incoming reads: what a person may see, their work lists and counts, the routing tree and the
overviews. Visibility is data (DocumentAccess rows) joined with an index, never re-derived per row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NotRequired, TypedDict

from django.db import connection
from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Sum, When
from django.http import Http404
from django.utils import timezone

from qlvb.core import kinds
from qlvb.core.paging import CappedPaginator
from qlvb.core.workdays import add_working_days
from qlvb.incoming import rules
from qlvb.incoming.models import (
    Assignment,
    DocumentAccess,
    HandlingNote,
    IncomingDocument,
    IncomingFile,
    IncomingTally,
    OpenWorkTally,
    UnitTally,
)
from qlvb.org import permissions
from qlvb.org.models import Person, Unit
from qlvb.org.roles import roles_of

DUE_SOON_WORKING_DAYS = 2


def visible_documents(person: Person) -> QuerySet[IncomingDocument]:
    """Every incoming document the person may open: the kind's one rule (incoming/kind.py)."""
    return kinds.visible("incoming", person)


def may_see(person: Person, document: IncomingDocument) -> bool:
    """visible_documents() for one document: the grants in Python, the access rows in one indexed
    lookup (building the union of every access row of a unit head to test one id was slow)."""
    return kinds.may_see("incoming", person, document)


def get_document(person: Person, pk: int) -> IncomingDocument:
    document = (IncomingDocument.objects.filter(pk=pk)
                .select_related("register", "field", "presented_to", "issuer_agency", "completed_by", "created_by")
                .first())
    if document is None or not may_see(person, document):
        raise Http404()
    return document


# --- Work lists ----------------------------------------------------------------------------

LISTS = ["drafts", "to_route", "to_handle", "in_progress", "overdue", "due_soon", "for_info", "done", "all"]


def _mine(person: Person) -> Q:
    roles = roles_of(person)
    return Q(assignee_person=person) | Q(assignee_unit_id__in=roles.headed_unit_ids)


def _assignment_filter(name: str, today: date, soon: date) -> Q | None:
    # No redundant "state IN open AND state = pending": PostgreSQL multiplies the two
    # selectivities and, expecting a few rows, reads a unit's thousands of tasks from the table.
    work = ~Q(role=Assignment.Role.INFO)
    open_work = Q(state__in=Assignment.OPEN_STATES) & work
    return {
        "to_handle": Q(state=Assignment.State.PENDING) & work,
        "in_progress": Q(state=Assignment.State.IN_PROGRESS) & work,
        "overdue": open_work & Q(deadline__lt=today),
        "due_soon": open_work & Q(deadline__gte=today, deadline__lte=soon),
        "for_info": Q(role=Assignment.Role.INFO, state=Assignment.State.PENDING),
        "done": Q(state=Assignment.State.DONE),
    }.get(name)


def _soon(person: Person, today: date) -> date:
    return add_working_days(today, DUE_SOON_WORKING_DAYS, person.agency_id)


def due_soon_until(person: Person) -> tuple[date, date]:
    """(today, the last day a deadline counts as due soon): how the lists colour a deadline."""
    today = timezone.localdate()
    return today, _soon(person, today)


def work_list(person: Person, name: str) -> QuerySet[IncomingDocument]:
    """The documents of one of the person's lists, newest first."""
    today = timezone.localdate()
    documents = visible_documents(person)
    if name == "drafts":
        return documents.filter(status=IncomingDocument.Status.DRAFT, agency_id__in=roles_of(person).clerk_agency_ids)
    if name == "to_route":
        return documents.filter(presented_to=person, status=IncomingDocument.Status.REGISTERED)
    if name == "all":
        return documents.exclude(status=IncomingDocument.Status.DRAFT)
    condition = _assignment_filter(name, today, _soon(person, today))
    if condition is None:
        raise Http404()
    return _task_documents(person, Assignment.objects.filter(_mine(person) & condition))


def _task_documents(person: Person, assignments: QuerySet[Assignment]) -> QuerySet[IncomingDocument]:
    """Documents of the person's tasks. A task gives access by itself (routing grants it), so the
    lists start from the tasks (indexed by assignee and state) instead of from every document the
    person may see; a secret document still needs the person's own access row, because a unit's
    task opens a secret document to the heads named when it was routed, not to a later head."""
    own = DocumentAccess.objects.filter(person=person).values("document_id")
    return IncomingDocument.objects.filter(
        Q(secrecy="") | Q(pk__in=own),
        agency_id__in=permissions.member_agency_ids(person),
        pk__in=assignments.values("document_id"),
    )


TASK_LISTS = ("to_handle", "in_progress", "overdue", "due_soon", "for_info", "done")


def _my_tasks(person: Person, condition: Q) -> list[QuerySet[Assignment]]:
    """The person's tasks matching the condition, one query for their own and one for their
    units'. Or-ed together, both databases fetched every task row (thousands for a unit head)
    instead of reading only the assignee indexes, which hold every column the lists and counts use."""
    tasks = Assignment.objects.filter(condition).order_by()
    branches = [tasks.filter(assignee_person=person)]
    headed = roles_of(person).headed_unit_ids
    if headed:
        branches.append(tasks.filter(assignee_unit_id__in=headed))
    return branches


def newest_task_documents(person: Person, name: str) -> QuerySet:
    """(document id, arrival) of a task list's documents, newest first, read from the tasks alone.

    work_list() joins every document of the person's tasks to sort them: a unit head's thousands
    of tasks meant thousands of document rows fetched and sorted for 25 shown. The tasks carry
    their document's arrival time and secrecy; the view fetches the 25 documents of the page
    afterwards (documents_in_order)."""
    today = timezone.localdate()
    condition = _assignment_filter(name, today, _soon(person, today))
    if condition is None:
        raise Http404()
    own = DocumentAccess.objects.filter(person=person).values("document_id")
    condition &= Q(Q(secret=False) | Q(document_id__in=own), agency_id__in=permissions.member_agency_ids(person))
    newest = ("-received_at", "-document_id")
    rows = [tasks.values_list("document_id", "received_at").order_by(*newest) for tasks in _my_tasks(person, condition)]
    if len(rows) == 1:
        return rows[0].distinct()
    if connection.features.supports_slicing_ordering_in_compound:
        # PostgreSQL: each side reads its index in order and stops where a capped list ends.
        rows = [branch[: CappedPaginator.cap + 1] for branch in rows]
    else:
        rows = [branch.order_by() for branch in rows]
    return rows[0].union(*rows[1:]).order_by(*newest)


def documents_in_order(person: Person, ids: list[int]) -> list[IncomingDocument]:
    """These documents with what a list row shows, in this order."""
    found = with_list_data(IncomingDocument.objects.filter(pk__in=ids), person).in_bulk()
    return [found[pk] for pk in ids if pk in found]


def with_list_data(documents: QuerySet[IncomingDocument], person: Person) -> QuerySet[IncomingDocument]:
    """What a list row shows: register, the person's own open assignment (for its deadline)."""
    mine = Assignment.objects.filter(_mine(person)).exclude(state=Assignment.State.WITHDRAWN).order_by("-id")
    return documents.select_related("register", "presented_to").prefetch_related(
        Prefetch("assignments", queryset=mine, to_attr="my_assignments"))


def counts(person: Person) -> dict[str, int]:
    """Counts for the navigation, in two queries whatever the data."""
    today = timezone.localdate()
    soon = _soon(person, today)
    names = ["to_handle", "in_progress", "overdue", "due_soon", "for_info"]
    # Each task row says which lists its document is in; only open tasks count, so the index
    # skips the person's done ones. COUNT(DISTINCT) over both branches: a document held twice
    # (by the person and by their unit) counts once.
    flagged = [tasks.annotate(**{name: Case(When(_assignment_filter(name, today, soon), then=F("document_id")))
                                 for name in names}).values(*names)
               for tasks in _my_tasks(person, Q(state__in=Assignment.OPEN_STATES))]
    sql, params = (flagged[0].union(*flagged[1:], all=True) if len(flagged) > 1 else flagged[0]).query.sql_with_params()
    # Django cannot aggregate over a union; the text here is the fixed names and Django's own SQL,
    # the values stay parameters.
    columns = ", ".join(f"COUNT(DISTINCT {name})" for name in names)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM ({sql}) tasks", params)  # noqa: S608
        result = dict(zip(names, cursor.fetchone(), strict=True))
    to_route = Q(presented_to=person, status=IncomingDocument.Status.REGISTERED)
    drafts = Q(agency_id__in=roles_of(person).clerk_agency_ids, status=IncomingDocument.Status.DRAFT, secrecy="")
    # COUNT(status), not COUNT(id): a leader may have tens of thousands of documents waiting, and
    # (presented_to, status) answers the count from the index alone.
    docs = IncomingDocument.objects.filter(to_route | drafts).aggregate(
        to_route=Count("status", filter=to_route), drafts=Count("status", filter=drafts))
    result.update(docs)
    return result


# --- One document ---------------------------------------------------------------------------

@dataclass
class Node:
    assignment: Assignment
    children: list[Node] = field(default_factory=list)
    changeable: bool = False
    notes: list[HandlingNote] = field(default_factory=list)


def routing_tree(document: IncomingDocument, person: Person | None = None) -> list[Node]:
    assignments = list(document.assignments.select_related(
        "assignee_person", "assignee_unit", "assigned_by", "on_behalf_of").order_by("created_at", "id"))
    notes = list(document.notes_set.select_related("author", "on_behalf_of").order_by("at", "id"))
    nodes = {a.pk: Node(a) for a in assignments}
    roots: list[Node] = []
    for assignment in assignments:
        node = nodes[assignment.pk]
        (nodes[assignment.parent_id].children if assignment.parent_id in nodes else roots).append(node)
    for note in notes:
        if note.assignment_id in nodes:
            nodes[note.assignment_id].notes.append(note)
    for node in nodes.values():
        node.changeable = rules.may_change(person, node.assignment)
    return roots


def files_of(document: IncomingDocument) -> list[IncomingFile]:
    return list(document.files.select_related("stored").order_by("order", "id"))


def open_tasks_at(document: IncomingDocument, parent: Assignment | None) -> list[Assignment]:
    """The open tasks already given at one level of the routing (to add to it, not redo it)."""
    return list(document.assignments.filter(parent=parent, state__in=Assignment.OPEN_STATES)
                .select_related("assignee_unit", "assignee_person").order_by("role", "created_at", "id"))


def general_notes(document: IncomingDocument) -> list[HandlingNote]:
    return list(document.notes_set.filter(assignment__isnull=True).select_related("author", "on_behalf_of"))


def my_open_assignments(person: Person, document: IncomingDocument) -> list[Assignment]:
    return list(document.assignments.filter(_mine(person), state__in=Assignment.OPEN_STATES)
                .select_related("assignee_unit", "assignee_person").order_by("created_at", "id"))


# --- Overviews (R29) ------------------------------------------------------------------------

class UnitRow(TypedDict):
    """A unit's line in an overview."""

    assignee_unit_id: int
    assignee_unit__name: NotRequired[str]  # the unit overview adds it once the counts are done
    open: int
    overdue: int


@dataclass
class Overview:
    by_status: dict[str, int]
    overdue: int
    due_soon: int
    late_routing: int | None  # None in a unit's overview
    completed_late: int
    by_unit: list[UnitRow]
    overdue_rows: list[Assignment]


def overview(person: Person, *, agency_id: int, unit_ids: frozenset[int] | None = None) -> Overview:
    """The leader's view of the whole agency, or (unit_ids) a unit head's of their units.

    Secret documents are left out of the agency-wide view (R7). The agency-wide figures come from
    IncomingTally and OpenWorkTally, which the services keep: a few hundred rows to add up instead
    of a million documents and their open tasks to count."""
    today = timezone.localdate()
    soon = _soon(person, today)
    if unit_ids is not None:
        return _unit_overview(agency_id, unit_ids, today, soon)
    by_status: dict[str, int] = {}
    completed_late = 0
    for status, late, n in (IncomingTally.objects.filter(agency_id=agency_id, secret=False, n__gt=0)
                            .exclude(status=IncomingDocument.Status.DRAFT).values_list("status", "late", "n")):
        by_status[status] = by_status.get(status, 0) + n
        if late and status == IncomingDocument.Status.COMPLETED:
            completed_late += n
    work = OpenWorkTally.objects.filter(agency_id=agency_id, secret=False, n__gt=0)
    stats = work.aggregate(overdue=Sum("n", filter=Q(deadline__lt=today), default=0),
                           due_soon=Sum("n", filter=Q(deadline__gte=today, deadline__lte=soon), default=0))
    unit_counts = list(work.exclude(unit_id=0).order_by().values("unit_id").annotate(
        open=Sum("n"), overdue=Sum("n", filter=Q(deadline__lt=today), default=0)))
    names = dict(Unit.objects.filter(pk__in=[row["unit_id"] for row in unit_counts]).values_list("pk", "name"))
    by_unit: list[UnitRow] = [
        {"assignee_unit_id": row["unit_id"], "assignee_unit__name": names.get(row["unit_id"], ""),
         "open": row["open"], "overdue": row["overdue"]} for row in unit_counts]
    by_unit.sort(key=lambda row: (-row["overdue"], row["assignee_unit__name"]))
    # The longest overdue: per open state, the (agency, state, deadline) index gives them in order.
    rows: list[Assignment] = []
    for state in Assignment.OPEN_STATES:
        rows += _overdue_rows(Assignment.objects.filter(agency_id=agency_id, state=state, deadline__lt=today,
                                                        document__secrecy="").exclude(role=Assignment.Role.INFO))
    rows.sort(key=lambda a: (a.deadline, a.pk))
    documents = IncomingDocument.objects.filter(agency_id=agency_id, secrecy="")
    return Overview(by_status=by_status, overdue=stats["overdue"], due_soon=stats["due_soon"],
                    late_routing=_late_routing(documents), completed_late=completed_late, by_unit=by_unit,
                    overdue_rows=rows[:50])


# What an overdue row shows: dozens of rows are fetched for the 50 shown, so only these columns.
OVERDUE_ROW_FIELDS = ("id", "document_id", "role", "deadline", "assignee_unit_id", "assignee_person_id",
                      "document__number", "document__notation", "document__summary", "assignee_unit__name",
                      "assignee_person__full_name")


def _overdue_rows(tasks: QuerySet[Assignment]) -> list[Assignment]:
    return list(tasks.select_related("document", "assignee_unit", "assignee_person").only(*OVERDUE_ROW_FIELDS)
                .order_by("deadline", "id")[:50])


def _late_routing(documents: QuerySet[IncomingDocument]) -> int:
    # Few documents wait for routing: the (agency, status) index finds them.
    return documents.filter(status=IncomingDocument.Status.REGISTERED, routed_at__isnull=True,
                            routing_due_at__lt=timezone.now()).count()


def _unit_overview(agency_id: int, unit_ids: frozenset[int], today: date, soon: date) -> Overview:
    """What reached the unit head's units: their open tasks and the tasks they passed down, and
    the documents they were given. Each part reads its own index: `unit OR parent's unit` joined
    every open task of the agency to its parent (seconds at a million documents)."""
    # No agency test: the units are the agency's, and so are the tasks passed down from theirs;
    # without it the units' index holds every column read here.
    open_work = Assignment.objects.filter(state__in=Assignment.OPEN_STATES).exclude(role=Assignment.Role.INFO)
    parts = [open_work.filter(assignee_unit_id__in=unit_ids), open_work.filter(via_unit_id__in=unit_ids)]
    overdue = due_soon = 0
    by_unit: dict[int, UnitRow] = {}
    overdue_rows: list[Assignment] = []
    for tasks in parts:
        # One pass per part: by assignee unit (none: a person), the totals are the sums.
        # COUNT(state): a column of the index, so PostgreSQL answers from it alone.
        for row in (tasks.order_by().values("assignee_unit_id")
                    .annotate(open=Count("state"), overdue=Count("state", filter=Q(deadline__lt=today)),
                              due_soon=Count("state", filter=Q(deadline__gte=today, deadline__lte=soon)))):
            overdue, due_soon = overdue + row["overdue"], due_soon + row["due_soon"]
            if row["assignee_unit_id"] is not None:
                kept = by_unit.setdefault(row["assignee_unit_id"], {"assignee_unit_id": row["assignee_unit_id"],
                                                                   "open": 0, "overdue": 0})
                kept["open"] += row["open"]
                kept["overdue"] += row["overdue"]
        # One state at a time, the index gives them in order. Secret documents are counted but not
        # shown: a head appointed after the routing may not open them (R7).
        for state in Assignment.OPEN_STATES:
            overdue_rows += _overdue_rows(tasks.filter(state=state, deadline__lt=today, secret=False))
    names = dict(Unit.objects.filter(pk__in=list(by_unit)).values_list("pk", "name"))
    for kept in by_unit.values():
        kept["assignee_unit__name"] = names.get(kept["assignee_unit_id"], "")
    units = sorted(by_unit.values(), key=lambda row: (-row["overdue"], row["assignee_unit__name"]))
    overdue_rows.sort(key=lambda a: (a.deadline, a.pk))
    # Documents given to the units, by status (UnitTally: a document given to two of the head's
    # units counts in each).
    by_status: dict[str, int] = {}
    completed_late = 0
    for status, late, n in (UnitTally.objects.filter(agency_id=agency_id, unit_id__in=unit_ids, n__gt=0)
                            .exclude(status=IncomingDocument.Status.DRAFT).values_list("status", "late", "n")):
        by_status[status] = by_status.get(status, 0) + n
        completed_late += n if late else 0
    # Late routing is the leaders' figure: a document reaches a unit only by being routed.
    return Overview(by_status=by_status, overdue=overdue, due_soon=due_soon, late_routing=None,
                    completed_late=completed_late, by_unit=units, overdue_rows=overdue_rows[:50])


def assignees(assignment_ids: list[int], *, open_only: bool = True) -> list[tuple[str, int | None, int | None]]:
    """(role, person id, unit id) of these assignments (still open, unless `open_only` is false):
    who a routing is for."""
    rows = Assignment.objects.filter(pk__in=assignment_ids)
    if open_only:
        rows = rows.filter(state__in=Assignment.OPEN_STATES)
    return list(rows.values_list("role", "assignee_person_id", "assignee_unit_id"))
