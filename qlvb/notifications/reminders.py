"""Reminders on working days (R20, issue 16): what is due soon and overdue, reviews waiting too
long, routing not done in time, delegations ending. Run by the job worker every half hour
(tasks.py) and by hand (`manage.py send_reminders`).

The run reads state, never events: every rule is a few set-based queries over an index, read in
batches, so its query count grows with the batches (BATCH rows each) and the people told, never
with one query per document. Each reminder has the key `<kind>:<target type>:<id>:<yyyy-mm-dd>`
(services.notify_batch): once per person, item and day, however often the run is repeated or the
worker restarted.

- due_soon: an open assignment to handle (not for information) whose deadline is within
  QLVB_REMIND_DUE_DAYS working days: its assignee, or for a unit its heads; and a routed
  document's deadline so near: the leader it was presented to (the Giám đốc);
- overdue: the same, the deadline passed and the work still open;
- review_late: a review step pending past its due date (review_days working days, 3 by
  default: 003 Đ10.7, 000 Đ13.2): the reviewer;
- routing_late: a registered document not routed by its routing_due_at (the start of the next
  working day, 003 Đ9.5): the leader it is presented to;
- delegation_ending: an approved delegation whose last day is after today and no later than the
  next working day: the delegator and the delegate;
- due_soon / overdue of a task (qlvb.tasks: open, with a deadline): the owner person or the
  owner unit's heads; due soon, the coordinators too (a person, or a unit's heads).
- disclosure (qlvb.disclosures): a matter to disclose (002 Đ20) not disclosed by its deadline
  (3 or 5 working days, Đ21.2): everyone posted in the agency's office, each working day until done.
- a meeting (qlvb.meetings) whose invitations are sent and which starts on the next working day
  (a Monday meeting on Friday): its invitees who have not declined (an invited unit: its heads;
  a substitute instead of the person he replaces), its chair and its secretary (kind "meeting").
- due_soon (due today) of a weekly report (qlvb.reports, 001 Đ15), in an agency that reports
  weekly in QLVB (a week's report in the last three months): on the last working day of the week
  (Friday; Thursday when Friday is a holiday), the heads of each reporting unit whose report of
  the week is not sent yet, and each deputy in charge of fields whose own is not.

Quiet: on a day that is not a working day for the document's agency (weekend, holidays, Tết,
the agency's own days off) or outside QLVB_WORKING_HOURS, only urgent documents (hỏa tốc,
thượng khẩn) are reminded. Nobody is told of a document they may not open (the document kind's
rule, checked for a whole batch at once); a secret document is named by its number alone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import kinds
from qlvb.core.workdays import Calendar, calendars
from qlvb.notifications.audience import batched, visible
from qlvb.notifications.models import Notification
from qlvb.notifications.routes import URGENT, _document_params
from qlvb.notifications.services import Notice, notify_batch
from qlvb.org.models import Delegation, Person, Position, Post, Unit
from qlvb.org.roles import HEAD_KINDS

Kind = Notification.Kind
REMINDERS = (Kind.DUE_SOON, Kind.OVERDUE, Kind.REVIEW_LATE, Kind.ROUTING_LATE, Kind.DELEGATION_ENDING)
BATCH = 500  # rows of a rule read and written together


def working_hours() -> tuple[time, time]:
    start, end = settings.QLVB_WORKING_HOURS.split("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


@dataclass
class Clock:
    """The moment of the run and the calendars it needs, read in one query: the installation's,
    and that of each agency with days of its own around today."""

    now: datetime
    due_days: int = field(default_factory=lambda: settings.QLVB_REMIND_DUE_DAYS)

    def __post_init__(self) -> None:
        self.local = timezone.localtime(self.now)
        self.today = self.local.date()
        start, end = working_hours()
        self.in_hours = start <= self.local.time() < end
        # Long Tết breaks are about 9 days: 2n + 30 days on always hold the answers asked.
        self.installation, self.agencies = calendars(self.today, self.today + timedelta(
            days=2 * max(self.due_days, 1) + 30))
        self.own = set(self.agencies)
        self._answers: dict[tuple[str, int | None], Any] = {}

    def _calendar(self, agency_id: int | None) -> Calendar:
        return self.agencies.get(agency_id, self.installation) if agency_id is not None else self.installation

    def _ask(self, what: str, agency_id: int | None, compute: Any) -> Any:
        key = (what, agency_id if agency_id in self.own else None)
        if key not in self._answers:
            self._answers[key] = compute(self._calendar(key[1]))
        return self._answers[key]

    def working(self, agency_id: int | None) -> bool:
        return bool(self._ask("working", agency_id, lambda c: c.is_working_day(self.today)))

    def soon_until(self, agency_id: int | None) -> date:
        return self._ask("soon", agency_id, lambda c: c.add_working_days(self.today, self.due_days))

    def next_working_day(self, agency_id: int | None) -> date:
        return self._ask("next", agency_id, lambda c: c.add_working_days(self.today, 1))

    def days_to(self, agency_id: int | None, deadline: date) -> int:
        return self._calendar(agency_id).working_days_between(self.today, deadline)

    def latest(self, answer: Any) -> Any:
        """The latest of an answer over every calendar (the bound of a query; rows are then
        checked against their own agency's)."""
        return max(answer(a) for a in [None, *self.own])

    def open_q(self, agency_field: str) -> Q | None:
        """The agencies where it is a working day (None: all of them)."""
        default = self.working(None)
        exceptions = sorted(a for a in self.own if self.working(a) != default)
        if default:
            return ~Q(**{f"{agency_field}__in": exceptions}) if exceptions else None
        return Q(**{f"{agency_field}__in": exceptions})

    def reach(self, agency_field: str, urgency_field: str) -> Q | None:
        """What may be reminded now: everything on working days in working hours, else only urgent
        documents. None: no condition."""
        urgent = Q(**{f"{urgency_field}__in": sorted(URGENT)})
        if not self.in_hours:
            return urgent
        working = self.open_q(agency_field)
        return None if working is None else working | urgent

    def quiet_for(self, agency_id: int | None) -> bool:
        return not self.in_hours or not self.working(agency_id)


def _where(queryset: Any, condition: Q | None) -> Any:
    return queryset if condition is None else queryset.filter(condition)


def run(now: datetime | None = None) -> dict[str, int]:
    """Write the reminders due at `now` (default: now); per kind, how many were given."""
    clock = Clock(now or timezone.now())
    counts: dict[str, int] = {**dict.fromkeys(REMINDERS, 0), "delegation_starting": 0, Kind.MEETING: 0,
                              Kind.DISCLOSURE: 0}
    for given in (_assignments(clock), _routed_documents(clock), _reviews(clock), _routing(clock),
                  _delegations(clock), _tasks(clock), _meetings(clock), _weekly_reports(clock),
                  _disclosures(clock)):
        for kind, n in given.items():
            counts[kind] += n
    consultations = _consultations(clock)
    if consultations:
        counts["consultation"] = consultations
    return {str(k): v for k, v in counts.items()}


# --- the rules ----------------------------------------------------------------------------------


def _deadline_kind(clock: Clock, agency_id: int, deadline: date) -> tuple[str, dict[str, Any]] | None:
    if deadline < clock.today:
        return Kind.OVERDUE, {"date": deadline.isoformat()}
    if deadline <= clock.soon_until(agency_id):
        return Kind.DUE_SOON, {"date": deadline.isoformat(), "days": clock.days_to(agency_id, deadline)}
    return None


def _assignments(clock: Clock) -> dict[str, int]:
    """Open assignments to handle (not for information) due soon or overdue: the assignee, or the
    heads of the unit it is routed to."""
    from qlvb.incoming.models import Assignment, IncomingDocument

    rows = _where(Assignment.objects.filter(
        state__in=Assignment.OPEN_STATES, deadline__isnull=False, deadline__lte=clock.latest(clock.soon_until),
    ).exclude(role=Assignment.Role.INFO).exclude(
        document__status__in=[IncomingDocument.Status.COMPLETED, IncomingDocument.Status.CANCELLED],
    ), clock.reach("agency_id", "document__urgency")).order_by().values_list(
        "document_id", "agency_id", "deadline", "assignee_person_id", "assignee_unit_id")
    counts: dict[str, int] = defaultdict(int)
    for batch in batched(rows.iterator(chunk_size=BATCH), BATCH):
        heads = _heads({unit for *_, unit in batch if unit})
        wanted: dict[tuple[int, str, int], dict[str, Any]] = {}
        for document_id, agency_id, deadline, person_id, unit_id in batch:
            found = _deadline_kind(clock, agency_id, deadline)
            if found is None:
                continue
            kind, params = found
            for person in [person_id] if person_id else heads.get(unit_id, []):
                key = (person, kind, document_id)
                if key not in wanted or params["date"] < wanted[key]["date"]:  # the earliest of their tasks
                    wanted[key] = params
        for kind, n in _deliver(clock, "incoming", wanted).items():
            counts[kind] += n
    return counts


def _routed_documents(clock: Clock) -> dict[str, int]:
    """The leader a routed document was presented to is told when its deadline is near and when
    it has passed (issue 16: "the Giám đốc is told…")."""
    from qlvb.incoming.models import IncomingDocument

    rows = _where(IncomingDocument.objects.filter(
        status__in=[IncomingDocument.Status.ROUTED, IncomingDocument.Status.IN_PROGRESS], deadline__isnull=False,
        deadline__lte=clock.latest(clock.soon_until), presented_to__isnull=False,
    ), clock.reach("agency_id", "urgency")).order_by().values_list("pk", "agency_id", "deadline", "presented_to_id")
    counts: dict[str, int] = defaultdict(int)
    for batch in batched(rows.iterator(chunk_size=BATCH), BATCH):
        wanted: dict[tuple[int, str, int], dict[str, Any]] = {}
        for document_id, agency_id, deadline, person_id in batch:
            found = _deadline_kind(clock, agency_id, deadline)
            if found is not None:
                wanted[(person_id, found[0], document_id)] = found[1]
        for kind, n in _deliver(clock, "incoming", wanted).items():
            counts[kind] += n
    return counts


def _reviews(clock: Clock) -> dict[str, int]:
    """Review steps still pending after their due date (the agency's review_days working days)."""
    from qlvb.outgoing.models import ReviewStep

    rows = _where(ReviewStep.objects.filter(state=ReviewStep.State.PENDING, due_date__lt=clock.today),
                  clock.reach("document__agency_id", "document__urgency")).order_by().values_list(
        "document_id", "due_date", "reviewer_id")
    counts: dict[str, int] = defaultdict(int)
    for batch in batched(rows.iterator(chunk_size=BATCH), BATCH):
        wanted: dict[tuple[int, str, int], dict[str, Any]] = {
            (reviewer, Kind.REVIEW_LATE, document_id): {"date": due.isoformat()}
            for document_id, due, reviewer in batch}
        for kind, n in _deliver(clock, "outgoing", wanted).items():
            counts[kind] += n
    return counts


def _routing(clock: Clock) -> dict[str, int]:
    """Registered documents not routed by their routing_due_at: the leader they are presented to."""
    from qlvb.incoming.models import IncomingDocument

    rows = _where(IncomingDocument.objects.filter(
        routed_at__isnull=True, status=IncomingDocument.Status.REGISTERED, routing_due_at__lte=clock.now,
        presented_to__isnull=False,
    ), clock.reach("agency_id", "urgency")).order_by().values_list("pk", "routing_due_at", "presented_to_id")
    counts: dict[str, int] = defaultdict(int)
    for batch in batched(rows.iterator(chunk_size=BATCH), BATCH):
        wanted: dict[tuple[int, str, int], dict[str, Any]] = {
            (person, Kind.ROUTING_LATE, document_id): {"date": due.isoformat()}
            for document_id, due, person in batch}
        for kind, n in _deliver(clock, "incoming", wanted).items():
            counts[kind] += n
    return counts


def _tasks(clock: Clock) -> dict[str, int]:
    """Open tasks (qlvb.tasks) with a deadline due soon or overdue: the owner person, or the heads
    of the owner unit; due soon, the coordinators too (a person, or a unit's heads), who owe their
    part before it. A task has no urgency: never in quiet hours, nor on its agency's days off."""
    from qlvb.tasks.models import Coordinator, Task

    if not clock.in_hours:
        return {}
    rows = _where(Task.objects.filter(
        status__in=Task.OPEN_STATUSES, deadline__isnull=False, deadline__lte=clock.latest(clock.soon_until),
    ), clock.open_q("agency_id")).order_by().values_list("pk", "agency_id", "deadline", "owner_person_id",
                                                          "owner_unit_id")
    counts: dict[str, int] = defaultdict(int)
    for batch in batched(rows.iterator(chunk_size=BATCH), BATCH):
        due: dict[int, tuple[str, dict[str, Any]]] = {}
        for task_id, agency_id, deadline, _person, _unit in batch:
            found = _deadline_kind(clock, agency_id, deadline)
            if found is not None:
                due[task_id] = found
        soon = sorted(t for t, (kind, _params) in due.items() if kind == Kind.DUE_SOON)
        coordinators: dict[int, list[tuple[int | None, int | None]]] = defaultdict(list)
        for task_id, person_id, unit_id in (Coordinator.objects.filter(task_id__in=soon)
                                            .values_list("task_id", "person_id", "unit_id") if soon else []):
            coordinators[task_id].append((person_id, unit_id))
        heads = _heads({unit for *_, unit in batch if unit}
                       | {unit for pairs in coordinators.values() for _p, unit in pairs if unit})
        wanted: dict[tuple[int, str, int], dict[str, Any]] = {}
        for task_id, _agency, _deadline, person_id, unit_id in batch:
            if task_id not in due:
                continue
            kind, params = due[task_id]
            people = {person_id} if person_id else set(heads.get(unit_id, []))
            for coordinator, coordinating_unit in coordinators.get(task_id, []):
                people |= {coordinator} if coordinator else set(heads.get(coordinating_unit or 0, []))
            for person in people:
                wanted[(person, kind, task_id)] = params
        for kind, n in _deliver(clock, "task", wanted).items():
            counts[kind] += n
    return counts


def _meetings(clock: Clock) -> dict[str, int]:
    """Meetings with their invitations sent that start after today and no later than the next
    working day: the people expected there are reminded on the last working day before (001 Đ11:
    the invitees prepare; a meeting is not urgent, never in quiet hours)."""
    from qlvb.meetings.models import Invitee, Meeting

    if not clock.in_hours:
        return {}
    rows = _where(Meeting.objects.filter(
        status=Meeting.Status.INVITED, starts_at__gte=_start_of(clock.today + timedelta(days=1)),
        starts_at__lt=_start_of(clock.latest(clock.next_working_day) + timedelta(days=1)),
    ), clock.open_q("agency_id")).order_by().values_list("pk", "agency_id", "starts_at", "title", "chair_id",
                                                          "secretary_id")
    counts: dict[str, int] = defaultdict(int)
    for batch in batched(rows.iterator(chunk_size=BATCH), BATCH):
        due = {pk: (title, starts_at, {chair, secretary}) for pk, agency_id, starts_at, title, chair, secretary in batch
               if timezone.localtime(starts_at).date() <= clock.next_working_day(agency_id)}
        invited = list(Invitee.objects.filter(meeting_id__in=sorted(due)).exclude(answer=Invitee.Answer.DECLINED)
                       .values_list("meeting_id", "person_id", "unit_id", "substitute_id", "answer")) if due else []
        heads = _heads({unit for _m, _p, unit, _s, _a in invited if unit})
        for meeting_id, person_id, unit_id, substitute_id, answer in invited:
            people = due[meeting_id][2]
            if answer == Invitee.Answer.DELEGATED and substitute_id:
                people.add(substitute_id)
            elif person_id:
                people.add(person_id)
            else:
                people.update(heads.get(unit_id or 0, []))
        wanted: dict[tuple[int, str, int], dict[str, Any]] = {}
        for meeting_id, (title, starts_at, people) in due.items():
            params = {"what": "reminder", "title": title[:200],
                      "at": timezone.localtime(starts_at).strftime("%H:%M %d/%m/%Y")}
            for person in people - {None}:
                wanted[(person, Kind.MEETING, meeting_id)] = params
        for kind, n in _deliver(clock, "meeting", wanted).items():
            counts[kind] += n
    return counts


def _weekly_reports(clock: Clock) -> dict[str, int]:
    """The week's reports not sent on the last working day of the week (the leadership reads them
    at the week's end, 001 Đ15.2–3): the unit's heads, the deputy in charge of fields."""
    from qlvb.org.models import Agency, Field
    from qlvb.reports import periods
    from qlvb.reports.models import PeriodicReport
    from qlvb.reports.selectors import REPORTING_KINDS

    if not clock.in_hours:
        return {}
    start, end = periods.period_of(PeriodicReport.Kind.WEEK, clock.today)
    # Agencies that report weekly in QLVB (a week's report in the last three months): the others
    # report some other way, and a reminder every Friday would be noise.
    reporting = PeriodicReport.objects.filter(kind=PeriodicReport.Kind.WEEK,
                                              period_start__gte=start - timedelta(weeks=13)).values("agency_id")
    agencies = [pk for pk in _where(Agency.objects.filter(is_active=True, pk__in=reporting), clock.open_q("pk"))
                .values_list("pk", flat=True) if clock.working(pk) and clock.next_working_day(pk) > end]
    if not agencies:
        return {}
    sent = PeriodicReport.objects.filter(agency_id__in=agencies, kind=PeriodicReport.Kind.WEEK, period_start=start,
                                         status=PeriodicReport.Status.SENT)
    units = list(Unit.objects.filter(agency_id__in=agencies, kind__in=REPORTING_KINDS, is_active=True,
                                     deleted_at__isnull=True)
                 .exclude(pk__in=sent.filter(unit__isnull=False).values("unit_id")).values_list("pk", flat=True))
    deputies = set(Field.objects.filter(agency_id__in=agencies, leader__isnull=False, leader__is_active=True,
                                        leader__posts__agency_id=F("agency_id"), leader__posts__end_date__isnull=True,
                                        leader__posts__position__kind=Position.Kind.AGENCY_DEPUTY)
                   .exclude(leader_id__in=sent.filter(scope=PeriodicReport.Scope.FIELDS).values("author_id"))
                   .values_list("leader_id", flat=True))
    label = periods.label(PeriodicReport.Kind.WEEK, start, end)
    params = {"days": 0, "date": clock.today.isoformat(), "summary": _("Weekly report, %(period)s") % {
        "period": label}}
    url = reverse("reports:home")
    notices = [Notice(person_id=person, kind=Kind.DUE_SOON, key=_key(Kind.DUE_SOON, "reports.unit_week", unit,
                                                                     clock.today),
                      params=params, url=url, target_type="reports.unit_week", target_id=str(unit))
               for unit, people in _heads(set(units)).items() for person in people]
    notices += [Notice(person_id=person, kind=Kind.DUE_SOON, key=_key(Kind.DUE_SOON, "reports.fields_week", person,
                                                                      clock.today),
                       params=params, url=url, target_type="reports.fields_week", target_id=str(person))
                for person in sorted(deputies)]
    given = set(Notification.objects.filter(person_id__in=sorted({n.person_id for n in notices}),
                                            key__in=sorted({n.key for n in notices}))
                .values_list("person_id", "key")) if notices else set()
    todo = [n for n in notices if (n.person_id, n.key) not in given]
    return {Kind.DUE_SOON: notify_batch(todo)} if todo else {}


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _delegations(clock: Clock) -> dict[str, int]:
    """Approved delegations whose last day in force comes after today and no later than the next
    working day: told on the last working day before it (a delegation ending on Monday, or over
    the weekend, is told on Friday), so that the work can be handed back or the delegation
    extended while both are at work (003 Đ13.3: the handling must not be interrupted). Never in
    quiet hours: a delegation is not urgent."""
    if not clock.in_hours:
        return {}
    tomorrow = _start_of(clock.today + timedelta(days=1))
    rows = _where(Delegation.objects.filter(
        status=Delegation.Status.APPROVED, ends_at__gt=tomorrow,
        ends_at__lte=_start_of(clock.latest(clock.next_working_day) + timedelta(days=1)),
    ), clock.open_q("agency_id")).order_by().values_list(
        "pk", "agency_id", "ends_at", "delegator_id", "delegate_id", "delegator__full_name", "delegate__full_name")
    notices = []
    for pk, agency_id, ends_at, delegator, delegate, delegator_name, delegate_name in rows:
        last_day = timezone.localtime(ends_at - timedelta(microseconds=1)).date()
        if last_day > clock.next_working_day(agency_id) or not clock.working(agency_id):
            continue
        base = {"date": last_day.isoformat()}
        key = f"{Kind.DELEGATION_ENDING}:org.delegation:{pk}:{clock.today.isoformat()}"
        for person, params in ((delegator, {**base, "person": delegate_name[:150], "role": "delegator"}),
                               (delegate, {**base, "person": delegator_name[:150], "role": "delegate"})):
            notices.append(Notice(person_id=person, kind=Kind.DELEGATION_ENDING, key=key, params=params,
                                  url=reverse("org:delegation", args=[pk]), target_type="org.delegation",
                                  target_id=str(pk)))
    # Those in force from today (approved earlier): both are told the morning it starts.
    starting = _where(Delegation.objects.filter(
        status=Delegation.Status.APPROVED, starts_at__gte=_start_of(clock.today), starts_at__lt=tomorrow,
    ), clock.open_q("agency_id")).order_by().values_list(
        "pk", "ends_at", "delegator_id", "delegate_id", "delegator__full_name", "delegate__full_name")
    started = []
    for pk, ends_at, delegator, delegate, delegator_name, delegate_name in starting:
        params = {"what": "starting", "delegator": delegator_name[:150], "delegate": delegate_name[:150],
                  "until": timezone.localtime(ends_at - timedelta(microseconds=1)).date().isoformat()}
        key = f"delegation_start:org.delegation:{pk}:{clock.today.isoformat()}"
        started += [Notice(person_id=person, kind=Kind.DELEGATION, key=key, params=params,
                           url=reverse("org:delegation", args=[pk]), target_type="org.delegation",
                           target_id=str(pk)) for person in (delegator, delegate)]
    everyone = notices + started
    active = set(Person.objects.filter(pk__in=sorted({n.person_id for n in everyone}), is_active=True,
                                       locked_at__isnull=True).values_list("pk", flat=True)) if everyone else set()
    given = notify_batch([n for n in notices if n.person_id in active])
    return {Kind.DELEGATION_ENDING: given,
            "delegation_starting": notify_batch([n for n in started if n.person_id in active])}


def _disclosures(clock: Clock) -> dict[str, int]:
    """Disclosures overdue (qlvb.disclosures): the agency's office is told, once a working day, in
    working hours. The register shows them flagged too."""
    from qlvb.disclosures.models import Disclosure
    from qlvb.org.models import Unit

    if not clock.in_hours:
        return {}
    rows = list(_where(Disclosure.objects.filter(disclosed_on__isnull=True, due_on__lt=clock.today),
                       clock.open_q("agency_id")).order_by().values_list("pk", "agency_id", "title", "due_on"))
    if not rows:
        return {}
    office: dict[int, set[int]] = defaultdict(set)
    for agency_id, person_id in Post.objects.filter(
            agency_id__in=sorted({r[1] for r in rows}), unit__kind=Unit.Kind.OFFICE, end_date__isnull=True,
            person__is_active=True, person__locked_at__isnull=True).values_list("agency_id", "person_id"):
        office[agency_id].add(person_id)
    notices = [Notice(person_id=person, kind=Kind.DISCLOSURE,
                      key=_key(Kind.DISCLOSURE, "disclosures.disclosure", pk, clock.today),
                      params={"title": title[:200], "date": due_on.isoformat()},
                      url=reverse("disclosures:detail", args=[pk]), target_type="disclosures.disclosure",
                      target_id=str(pk))
               for pk, agency_id, title, due_on in rows if clock.working(agency_id)
               for person in sorted(office.get(agency_id, ()))]
    return {Kind.DISCLOSURE: notify_batch(notices)}


# --- who, what may be said, and the writing -----------------------------------------------------


def _heads(unit_ids: set[int]) -> dict[int, list[int]]:
    """The active heads (and deputies) of these units, as routes.on_routed tells them."""
    if not unit_ids:
        return {}
    heads: dict[int, list[int]] = defaultdict(list)
    for unit_id, person_id in (Post.objects.filter(
            unit_id__in=sorted(unit_ids), end_date__isnull=True, position__kind__in=sorted(HEAD_KINDS),
            person__is_active=True, person__locked_at__isnull=True)
            .values_list("unit_id", "person_id").distinct()):
        heads[unit_id].append(person_id)
    return heads


def _key(kind: str, target_type: str, target_id: int, day: date) -> str:
    return f"{kind}:{target_type}:{target_id}:{day.isoformat()}"


# What a reminder reads of a document, of the columns its kind has (_document_params: the number
# and the summary — a task's title — unless secret; the urgency for the quiet hours).
SAID = ("agency_id", "number", "notation", "summary", "title", "secrecy", "urgency", "status")


def _deliver(clock: Clock, kind_name: str, wanted: dict[tuple[int, str, int], dict[str, Any]]) -> dict[str, int]:
    """Write the reminders wanted[(person, kind, document)] = params of one batch: those not
    given today already, to people who may open the document, in one insert."""
    if not wanted:
        return {}
    document_kind = kinds.get(kind_name)
    target_type = document_kind.target_type
    keys = {k: _key(k[1], target_type, k[2], clock.today) for k in wanted}
    given = set(Notification.objects.filter(person_id__in=sorted({p for p, _, _ in wanted}),
                                            key__in=sorted(set(keys.values())))
                .values_list("person_id", "key"))
    todo = {k: v for k, v in wanted.items() if (k[0], keys[k]) not in given}
    if not todo:
        return {}
    model = document_kind.model_class
    columns = {f.attname for f in model._meta.concrete_fields}
    documents: dict[int, Any] = {d.pk: d for d in model._default_manager.filter(
        pk__in=sorted({d for _, _, d in todo})).only("pk", *[name for name in SAID if name in columns])}
    allowed = visible(document_kind, {(p, d) for p, _, d in todo if d in documents})
    notices = []
    for (person, kind, document_id), params in todo.items():
        if (person, document_id) not in allowed:
            continue
        document = documents[document_id]
        urgent = getattr(document, "urgency", "") in URGENT  # a task has no urgency
        if clock.quiet_for(document.agency_id) and not urgent:
            continue  # a working day for some agencies, not this one's (the query let it through)
        notices.append(Notice(person_id=person, kind=kind, key=keys[(person, kind, document_id)],
                              params={**_document_params(document), **params}, url=document_kind.url(document_id),
                              urgent=urgent, target_type=target_type, target_id=str(document_id)))
    notify_batch(notices)
    counts: dict[str, int] = defaultdict(int)
    for notice in notices:
        counts[notice.kind] += 1
    return counts


# --- Consultations (qlvb.consultations) -------------------------------------------------------------


def _consultations(clock: Clock) -> int:
    """Open consultations closing within QLVB_REMIND_DUE_DAYS working days: the people consulted who
    have not answered (the participation rows say who answered, never what). In working hours on
    the agency's working days; once per person, consultation and day."""
    from qlvb.consultations import selectors as consultation_selectors
    from qlvb.consultations.models import Consultation

    if not clock.in_hours:
        return 0
    rows = _where(Consultation.objects.filter(
        status=Consultation.Status.OPEN, opens_on__lte=clock.today, closes_on__gte=clock.today,
        closes_on__lte=clock.latest(clock.soon_until)), clock.open_q("agency_id")).order_by("pk")
    notices = []
    for consultation in rows.iterator(chunk_size=BATCH):
        agency_id = consultation.agency_id
        if consultation.closes_on > clock.soon_until(agency_id) or not clock.working(agency_id):
            continue
        key = _key(Kind.CONSULTATION, "consultation", consultation.pk, clock.today)
        waiting = consultation_selectors.not_answered_ids(consultation)
        given = set(Notification.objects.filter(key=key, person_id__in=waiting).values_list("person_id", flat=True))
        url = reverse("consultations:detail", args=[consultation.pk])
        notices += [Notice(person_id=person, kind=Kind.CONSULTATION, key=key, url=url, target_type="consultation",
                           target_id=str(consultation.pk),
                           params={"what": "reminder", "title": consultation.title[:200],
                                   "date": consultation.closes_on.isoformat()})
                    for person in waiting if person not in given]
    return notify_batch(notices)
