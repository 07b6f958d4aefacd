"""Leave and overtime reads: a person's balance, his requests, the approvals waiting for someone,
the office's register, who is away (core.absences), the overtime of a month."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from qlvb.core.models import Event
from qlvb.leave import rules
from qlvb.leave.models import ACTIVE, TAKEN, CarryOver, LeaveRequest, Overtime, ServiceStart
from qlvb.org.models import Person
from qlvb.tasks import selectors as task_selectors
from qlvb.tasks.models import Task


def overlapping(person_id: int, start: date, end: date) -> QuerySet[LeaveRequest]:
    """The person's requests in force (waiting or granted) sharing a day with [start, end]."""
    return LeaveRequest.objects.filter(person_id=person_id, status__in=ACTIVE, start__lte=end, end__gte=start)


def years_of_service(started_on: date | None, year: int) -> int:
    """Whole years of service at the start of `year`."""
    if started_on is None:
        return 0
    first = date(year, 1, 1)
    years = first.year - started_on.year - ((first.month, first.day) < (started_on.month, started_on.day))
    return max(years, 0)


def entitlement(person: Person, year: int, started_on: date | None | bool = False) -> int:
    """Annual leave of the year: the agency's base (12 days) and one more day for every five
    years of service (Labour Code 2019, art. 113–114)."""
    if started_on is False:
        started_on = ServiceStart.objects.filter(person_id=person.pk).values_list("started_on", flat=True).first()
    base = rules.rules_for(person.agency_id).base_days if person.agency_id else 12
    assert started_on is None or isinstance(started_on, date)
    return base + years_of_service(started_on, year) // 5


@dataclass(frozen=True)
class Balance:
    year: int
    entitlement: Decimal
    carried: Decimal
    taken: Decimal
    pending: Decimal
    started_on: date | None

    @property
    def remaining(self) -> Decimal:
        """Days not yet granted."""
        return self.entitlement + self.carried - self.taken

    @property
    def available(self) -> Decimal:
        """Days that may still be asked (what waits for approval counts already)."""
        return self.remaining - self.pending


def balance(person: Person, year: int) -> Balance:
    """Entitlement + carried over − annual days granted (and those waiting), in three queries."""
    started_on = ServiceStart.objects.filter(person_id=person.pk).values_list("started_on", flat=True).first()
    carried = CarryOver.objects.filter(person_id=person.pk, year=year).values_list("days", flat=True).first()
    sums = LeaveRequest.objects.filter(person_id=person.pk, year=year, kind=LeaveRequest.Kind.ANNUAL,
                                       status__in=ACTIVE).aggregate(
        taken=Sum("days", filter=Q(status__in=TAKEN)),
        pending=Sum("days", filter=Q(status=LeaveRequest.Status.PENDING)))
    return Balance(year=year, entitlement=Decimal(entitlement(person, year, started_on)),
                   carried=carried or Decimal(0), taken=sums["taken"] or Decimal(0),
                   pending=sums["pending"] or Decimal(0), started_on=started_on)


def get_request(viewer: Person, pk: int) -> LeaveRequest:
    """A request the viewer may see (rules.may_see), else 404."""
    leave = (LeaveRequest.objects.select_related("person", "unit", "approver", "decided_by", "cover")
             .filter(pk=pk).first())
    if leave is None or not rules.may_see(viewer, leave):
        raise Http404()
    return leave


def my_requests(person: Person) -> QuerySet[LeaveRequest]:
    return LeaveRequest.objects.filter(person_id=person.pk).select_related("approver").order_by("-start", "-id")


def waiting_for(person: Person) -> QuerySet[LeaveRequest]:
    return (LeaveRequest.objects.filter(approver_id=person.pk, status=LeaveRequest.Status.PENDING)
            .select_related("person", "unit").order_by("start", "id"))


def period(year: int, month: int | None) -> tuple[date, date]:
    if month:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    return date(year, 1, 1), date(year, 12, 31)


def period_label(year: int, month: int | None) -> str:
    if month:
        return _("Month %(month)s/%(year)s") % {"month": f"{month:02d}", "year": year}
    return _("Year %(year)s") % {"year": year}


def register(agency_id: int, year: int, month: int | None = None) -> QuerySet[LeaveRequest]:
    """The office's leave register (sổ theo dõi nghỉ phép, 001 Đ18.3): the leave granted or
    announced that touches the period, by first day."""
    start, end = period(year, month)
    return (LeaveRequest.objects.filter(agency_id=agency_id, status__in=TAKEN, start__lte=end, end__gte=start)
            .select_related("person", "unit", "decided_by").order_by("start", "id"))


def absent(person_ids: list[int], start: date, end: date) -> dict[int, str]:
    """core.absences provider: the people on granted leave on some day of [start, end], labelled
    with the last day (not the kind nor the reason), in one query."""
    found: dict[int, str] = {}
    for person_id, last in (LeaveRequest.objects.filter(person_id__in=person_ids, status__in=TAKEN,
                                                        start__lte=end, end__gte=start)
                            .order_by("person_id", "end").values_list("person_id", "end")):
        found[person_id] = _("On leave until %(date)s") % {"date": last.strftime("%d/%m/%Y")}
    return found


def overtime(agency_id: int, year: int, month: int, person_id: int | None = None) -> QuerySet[Overtime]:
    start, end = period(year, month)
    rows = Overtime.objects.filter(agency_id=agency_id, day__range=(start, end))
    if person_id is not None:
        rows = rows.filter(person_id=person_id)
    return rows.select_related("person").order_by("day", "id")


COVER_VERBS = ("leave.cover_named", "leave.cover_started", "leave.cover_ended")


@dataclass(frozen=True)
class CoverTask:
    task: Task
    may_open: bool  # a link for the viewer (the person on leave reads the titles of his own tasks)


@dataclass(frozen=True)
class CoverStep:
    """One step of a request's cover, read from its event: named, tasks given, tasks given back."""

    event: Event
    tasks: list[CoverTask]
    hidden: int  # moved too, but not the viewer's to read
    kept: list[CoverTask]  # given back: those that stayed (completed by the colleague, given to another)


def cover_history(viewer: Person, leave: LeaveRequest) -> list[CoverStep]:
    """The request's cover from its events (oldest first), with the tasks each move carried. The
    person on leave reads the titles of all of them (they were his); anyone else those he may open,
    the others counted. Three queries."""
    rows = list(Event.objects.filter(target_type=LeaveRequest._meta.label_lower, target_id=str(leave.pk),
                                     verb__in=COVER_VERBS).select_related("actor").order_by("at", "id"))
    ids = sorted({int(pk) for e in rows for key in ("tasks", "kept") for pk in (e.data or {}).get(key) or ()})
    shown: dict[int, CoverTask] = {}
    if ids:
        opens = set(task_selectors.visible(viewer).filter(pk__in=ids).values_list("pk", flat=True))
        readable = ids if viewer.pk == leave.person_id else sorted(opens)
        shown = {t.pk: CoverTask(t, t.pk in opens)
                 for t in Task.objects.filter(pk__in=readable).only("pk", "title", "status")}
    steps = []
    for event in rows:
        moved = [int(pk) for pk in (event.data or {}).get("tasks") or ()]
        kept = [int(pk) for pk in (event.data or {}).get("kept") or ()]
        steps.append(CoverStep(event=event, tasks=[shown[pk] for pk in moved if pk in shown],
                               hidden=sum(pk not in shown for pk in moved + kept),
                               kept=[shown[pk] for pk in kept if pk in shown]))
    return steps
