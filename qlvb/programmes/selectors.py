"""Work programme reads: the programmes a person may see, one programme with its items and their
status (from their tasks, one query for the whole programme), the periodic review's counts, the
leader's view of the fields he is in charge of (000 Đ11.2), and the items of a unit or of fields
over a period for other apps (the periodic reports).

An item's status: "proposed" when proposed in a review for the next period; with tasks, "done"
when all are done, "late" when one is open past its deadline, "in_progress" otherwise; without
tasks (a withdrawn task does not count), "late" once its due date has passed, "pending" before."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from qlvb.core import kinds
from qlvb.org.models import Field, Person, Unit
from qlvb.org.roles import roles_of
from qlvb.programmes import rules
from qlvb.programmes.models import Adjustment, Item, Programme, Review
from qlvb.tasks import selectors as task_selectors
from qlvb.tasks.models import Task

STATUSES = ("done", "in_progress", "late", "pending", "proposed")
TABS = ("mine", "unit", "agency", "waiting")


@dataclass
class ItemRow:
    item: Item
    programme: Programme
    status: str  # one of STATUSES
    tasks: list[Task] = field(default_factory=list)

    @property
    def has_tasks(self) -> bool:
        """Tasks made of it and not withdrawn: no more are made of it."""
        return any(t.status != Task.Status.WITHDRAWN for t in self.tasks)


def status_of(item: Item, tasks: list[Task], today: date) -> str:
    if item.proposed_in_id is not None:
        return "proposed"
    tasks = [t for t in tasks if t.status != Task.Status.WITHDRAWN]  # a withdrawn task counts for nothing
    if tasks:
        if all(t.status == Task.Status.DONE for t in tasks):
            return "done"
        if any(t.is_open and t.deadline < today for t in tasks):
            return "late"
        return "in_progress"
    return "late" if item.due < today else "pending"


def _with_row_data(items: QuerySet[Item]) -> QuerySet[Item]:
    return (items.select_related("programme", "programme__owner_unit", "programme__owner_person",
                                 "responsible_unit", "responsible_person", "field")
            .prefetch_related("coordinating_units"))


def rows_of(items: list[Item]) -> list[ItemRow]:
    """The items with their tasks and status: one query of tasks per agency (one, in practice)."""
    today = timezone.localdate()
    by_agency: dict[int, list[str]] = defaultdict(list)
    for item in items:
        by_agency[item.programme.agency_id].append(str(item.pk))
    found: dict[str, list[Task]] = {}
    for agency_id, refs in by_agency.items():
        found.update(task_selectors.from_sources(agency_id, Task.Source.PROGRAMME, refs))
    rows = []
    for item in items:
        tasks = found.get(str(item.pk), [])
        rows.append(ItemRow(item=item, programme=item.programme, status=status_of(item, tasks, today), tasks=tasks))
    return rows


def counts(rows: list[ItemRow]) -> dict[str, int]:
    result = dict.fromkeys(STATUSES, 0)
    for row in rows:
        result[row.status] += 1
    return result


def _overlapping(start: date | None, end: date | None) -> Q:
    """Items whose time (from its start, or its due date, to its due date) meets [start, end]."""
    condition = Q()
    if start is not None:
        condition &= Q(due__gte=start)
    if end is not None:
        condition &= Q(starts__lte=end) | Q(starts__isnull=True, due__lte=end)
    return condition


# --- Programmes a person sees -----------------------------------------------------------------

def visible(person: Person) -> QuerySet[Programme]:
    return kinds.visible("programme", person)


def get_programme(person: Person, pk: int) -> Programme:
    programme = (Programme.objects.filter(pk=pk)
                 .select_related("agency", "owner_unit", "owner_person", "created_by", "approver", "approved_by",
                                 "submitted_by").first())
    if programme is None or not rules.may_see(person, programme):
        raise Http404()
    return programme


def get_item(programme: Programme, pk: int) -> Item:
    item = _with_row_data(Item.objects.filter(programme=programme, pk=pk)).first()
    if item is None:
        raise Http404()
    return item


def programme_list(person: Person, tab: str, year: int | None = None) -> QuerySet[Programme]:
    """"mine": the person's own; "unit": his units' (the leaders': every unit's); "agency": the
    agency's; "waiting": submitted to him, or that he may approve."""
    if tab not in TABS:
        raise Http404()
    programmes = visible(person)
    if tab == "mine":
        programmes = programmes.filter(owner_person_id=person.pk)
    elif tab == "unit":
        programmes = programmes.filter(scope=Programme.Scope.UNIT)
    elif tab == "agency":
        programmes = programmes.filter(scope=Programme.Scope.AGENCY)
    else:
        programmes = programmes.filter(rules.approvable(person), status=Programme.Status.SUBMITTED)
    if year:
        programmes = programmes.filter(starts__year=year)
    return programmes.select_related("owner_unit", "owner_person").order_by("-starts", "scope", "id")


def waiting_count(person: Person) -> int:
    if not (roles_of(person).leader_agency_ids or roles_of(person).headed_unit_ids):
        return 0
    return programme_list(person, "waiting").count()


def item_rows(programme: Programme, *, start: date | None = None, end: date | None = None,
              withdrawn: bool = False) -> list[ItemRow]:
    """The programme's items (those meeting the period, if given) with their status."""
    items = Item.objects.filter(programme=programme)
    if not withdrawn:
        items = items.filter(state=Item.State.ACTIVE)
    items = items.filter(_overlapping(start, end)) if (start or end) else items
    rows = rows_of(list(_with_row_data(items).order_by("proposed_in_id", "order", "id")))
    for row in rows:
        row.programme = programme
    return rows


@dataclass
class Detail:
    rows: list[ItemRow]
    counts: dict[str, int]
    adjustments: list[Adjustment]
    reviews: list[Review]


def detail(programme: Programme) -> Detail:
    rows = item_rows(programme, withdrawn=True)
    active = [r for r in rows if r.item.state == Item.State.ACTIVE]
    return Detail(rows=rows, counts=counts(active),
                  adjustments=list(Adjustment.objects.filter(programme=programme).select_related("by", "item")),
                  reviews=list(Review.objects.filter(programme=programme).select_related("by")))


def actions(person: Person, programme: Programme) -> dict[str, bool]:
    write = rules.may_write(person, programme)
    leader = rules.is_leader(person, programme.agency_id)
    headed = roles_of(person).headed_unit_ids
    return {
        "edit": write and programme.status == Programme.Status.DRAFT,
        "adjust": write and programme.is_approved,
        "submit": write and programme.status == Programme.Status.DRAFT,
        "decide": programme.status == Programme.Status.SUBMITTED and rules.may_approve(person, programme),
        "make_tasks": programme.is_approved and (leader or bool(headed)),
        "review": programme.is_approved and (write or leader),
    }


# --- For other apps: a unit's or fields' items over a period ------------------------------------

def _approved_items(start: date, end: date) -> QuerySet[Item]:
    return Item.objects.filter(_overlapping(start, end), state=Item.State.ACTIVE,
                               programme__status=Programme.Status.APPROVED)


def items_for_unit(unit_id: int, start: date, end: date) -> list[ItemRow]:
    """The items of approved programmes the unit is responsible for whose time meets [start, end],
    with their status and tasks, in two queries. No visibility check: the caller decides who sees
    the unit's work (the periodic reports)."""
    items = _approved_items(start, end).filter(responsible_unit_id=unit_id)
    return rows_of(list(_with_row_data(items).order_by("due", "programme_id", "order", "id")))


def _fields_condition(fields: list[Field]) -> Q:
    """An item of these fields: its field, or (none given) a unit they supervise."""
    unit_ids = sorted({u.pk for f in fields for u in f.units.all()})
    return Q(field_id__in=[f.pk for f in fields]) | Q(field__isnull=True, responsible_unit_id__in=unit_ids)


def items_for_fields(field_ids: list[int], start: date, end: date) -> list[ItemRow]:
    """The items of approved programmes in these fields whose time meets [start, end]."""
    fields = list(Field.objects.filter(pk__in=list(field_ids)).prefetch_related("units"))
    if not fields:
        return []
    items = _approved_items(start, end).filter(_fields_condition(fields))
    return rows_of(list(_with_row_data(items).order_by("responsible_unit__order", "due", "id")))


# --- The leader's view of his fields (000 Đ11.2) ----------------------------------------------

@dataclass
class UnitGroup:
    unit: Unit
    rows: list[ItemRow]
    counts: dict[str, int]


@dataclass
class FieldGroup:
    field: Field
    units: list[UnitGroup]
    counts: dict[str, int]


def fields_of(person: Person) -> tuple[list[Field], list[Field]]:
    """The fields the person is in charge of, and those he may look at (a leader: every field of
    his agencies)."""
    led = list(Field.objects.filter(leader=person).order_by("name"))
    leader_agencies = sorted(roles_of(person).leader_agency_ids)
    others = list(Field.objects.filter(agency_id__in=leader_agencies).order_by("name")) if leader_agencies else []
    return led, led + [f for f in others if f.pk not in {x.pk for x in led}]


def field_view(fields: list[Field], start: date, end: date) -> list[FieldGroup]:
    """The items of the fields, grouped by field and responsible unit, with counts."""
    rows = items_for_fields([f.pk for f in fields], start, end)
    fields = list(Field.objects.filter(pk__in=[f.pk for f in fields]).prefetch_related("units").order_by("name"))
    groups: list[FieldGroup] = []
    placed: set[int] = set()
    for f in fields:
        units = {u.pk for u in f.units.all()}
        mine = [r for r in rows if r.item.pk not in placed and (
            r.item.field_id == f.pk or (r.item.field_id is None and r.item.responsible_unit_id in units))]
        placed |= {r.item.pk for r in mine}
        by_unit: dict[int, list[ItemRow]] = defaultdict(list)
        for row in mine:
            by_unit[row.item.responsible_unit_id].append(row)
        unit_groups = [UnitGroup(unit=unit_rows[0].item.responsible_unit, rows=unit_rows, counts=counts(unit_rows))
                       for unit_rows in sorted(by_unit.values(),
                                               key=lambda rs: (rs[0].item.responsible_unit.order,
                                                               rs[0].item.responsible_unit.name))]
        groups.append(FieldGroup(field=f, units=unit_groups, counts=counts(mine)))
    return groups


def quarter_of(day: date) -> tuple[date, date]:
    first = (day.month - 1) // 3 * 3 + 1
    last = first + 2
    end = date(day.year + (last // 12), last % 12 + 1, 1) if last < 12 else date(day.year + 1, 1, 1)
    return date(day.year, first, 1), end.fromordinal(end.toordinal() - 1)


def summary(rows: list[ItemRow]) -> dict[str, Any]:
    return {"counts": counts(rows), "total": len(rows)}
