"""Reading the statistics: figures by outcome and by any dimension, the list behind each figure,
the monthly trend, the drafts waiting and a person's compliance figures.

The outcomes (docs/statistics.md), for the work that began in the period (`basis="opened"`: the
documents received, the drafts started, the tasks given, the reviews due) or that ended in it
(`basis="closed"`: the documents issued, the tasks done):
- total: all of it;
- done_on_time / done_late: ended, on or before / after its deadline (deadlines are set in
  working days when the work is given, so Tết and weekends are already in them; with no deadline,
  done is on time);
- pending: still open, its deadline today or later, or none;
- overdue: still open, its deadline passed (before today).

A figure and its list are the same query (`_rows`), so their counts are equal by construction;
the tests also check both against the documents themselves.

Secret documents (R7) count only for someone who may see them: the scope's secret rows are few
(a partial index finds them) and each kind's visibility rule (core.kinds) says which the viewer may
open; the others are left out of every figure, the totals included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from qlvb.core import kinds, workdays
from qlvb.org.models import Agency, Field, Person, Unit
from qlvb.statistics import tallies
from qlvb.statistics.models import Item, LoginDay, Tally
from qlvb.statistics.periods import Period
from qlvb.statistics.scopes import Scope
from qlvb.statistics.sources import SOURCES

OUTCOMES = ("total", "done_on_time", "done_late", "pending", "overdue")
DIMENSIONS = ("agency", "unit", "person", "field", "doc_type", "urgency", "category", "month")
# `agency`: one agency of a province (the row of the province dashboard and the list behind it).
FILTERS = ("agency", "unit", "person", "field", "doc_type", "urgency", "category")
BASES = ("opened", "closed")


def outcome_q(outcome: str, today: date) -> Q:
    done, open_ = Q(state=Item.State.DONE), Q(state=Item.State.OPEN)
    return {
        "total": Q(),
        "done_on_time": done & Q(late=False),
        "done_late": done & Q(late=True),
        "pending": open_ & (Q(deadline__isnull=True) | Q(deadline__gte=today)),
        "overdue": open_ & Q(deadline__lt=today),
    }[outcome]


def _aggregates(today: date) -> dict[str, Count]:
    # Counting `kind` (never null, the first column of every index), not the id: the id is in no
    # covering index, and naming it made PostgreSQL read every row from the table instead of the
    # index alone (bench/statistics_measure.py: a year of the largest agency's trend 507 → 134 ms,
    # cheap enough for the planner to skip the JIT compiler). Django refuses COUNT(*) with a filter.
    return {name: Count("kind", filter=outcome_q(name, today) or None) for name in OUTCOMES}


@dataclass(frozen=True)
class Query:
    """What one statistic asks: the kind of work, the scope, the period and its basis, and filters
    on the dimensions (unit, person, field, doc_type, urgency, category)."""

    kind: str
    scope: Scope
    period: Period
    basis: str = "opened"
    filters: dict[str, str] = field(default_factory=dict)


def visible_secret_ids(viewer: Person, kind: str, agency_ids: Iterable[int]) -> list[int]:
    """The documents behind the secret rows of these agencies that the viewer may open.

    Kept on the viewer's object, as org.roles.roles_of keeps the roles: a page asks it of every
    figure (a dashboard a dozen times) and the person is loaded afresh for each
    request."""
    cache: dict[tuple[str, frozenset[int]], list[int]] = viewer.__dict__.setdefault("_statistics_secret_ids", {})
    key = (kind, frozenset(agency_ids))
    if key not in cache:
        cache[key] = _visible_secret_ids(viewer, kind, key[1])
    return cache[key]


def _visible_secret_ids(viewer: Person, kind: str, agency_ids: frozenset[int]) -> list[int]:
    # The scope's secret rows as a subquery, not a list: a province holds some 11,000 of them
    # (0.3 % of 5,000,000), which as parameters cost 260 ms to send and plan against 18 ms.
    secret = Item.objects.filter(kind=kind, agency_id__in=sorted(agency_ids), secret=True).values("document_id")
    document_kind = SOURCES[kind].document_kind
    return list(kinds.visible(document_kind, viewer).filter(pk__in=secret).values_list("pk", flat=True))


def _rows(viewer: Person, query: Query) -> QuerySet[Item]:
    column = "opened_on" if query.basis == "opened" else "closed_on"
    rows = Item.objects.filter(query.scope.q(), kind=query.kind, **{
        f"{column}__gte": query.period.start, f"{column}__lte": query.period.end})
    for name, value in query.filters.items():
        if name not in FILTERS:
            continue
        if value in ("", "0", "none") and name in ("unit", "person", "field"):
            rows = rows.filter(**{f"{name}_id__isnull": True})
        elif name in ("agency", "unit", "person", "field"):
            rows = rows.filter(**{f"{name}_id": int(value)})
        else:
            rows = rows.filter(**{name: value})
    if SOURCES[query.kind].private:
        return rows.filter(visible_private(viewer, query.kind, query.scope.agency_ids))
    secret_ids = visible_secret_ids(viewer, query.kind, query.scope.agency_ids)
    return rows.filter(Q(secret=False) | Q(document_id__in=secret_ids)) if secret_ids else rows.filter(secret=False)


def visible_private(viewer: Person, kind: str, agency_ids: Iterable[int]) -> Q:
    """The condition on a private kind's rows of these agencies: those whose document the viewer may
    open (its rule in core.kinds). Every row of such a kind is secret, and an office opens thousands
    of leave requests, too many to send as a list of ids: the agencies a grant opens whole are a
    condition on the rows' agency, the access rows (the person's own requests, those he approves) a
    subquery of the documents' ids. A grant limited to some statuses is asked of the documents
    themselves."""
    document_kind = kinds.get(SOURCES[kind].document_kind)
    rule = document_kind.rule(viewer)
    scope = frozenset(agency_ids) & rule.agencies
    if not scope:
        return Q(pk__in=[])
    whole: set[int] = set()
    for grant in rule.grants:
        if grant.statuses is not None or grant.except_statuses or not (grant.secret or not document_kind.has_secrecy):
            documents = kinds.visible(document_kind.name, viewer).filter(agency_id__in=sorted(scope))
            return Q(document_id__in=documents.order_by().values("pk"))
        whole |= grant.agencies & scope
    condition = Q(agency_id__in=sorted(whole)) if whole else Q(pk__in=[])
    ids = rule.access_ids()
    if ids is not None and scope - whole:
        condition |= Q(agency_id__in=sorted(scope - whole), document_id__in=ids)
    return condition


def totals(viewer: Person, query: Query, today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    tallied = _tallied(viewer, query, None, today)
    if tallied is not None:
        return tallied.get(None) or dict.fromkeys(OUTCOMES, 0)
    return _rows(viewer, query).aggregate(**_aggregates(today))


@dataclass
class Row:
    key: object  # the dimension's value: an id, a code, a month's first day; None: not set
    label: str
    counts: dict[str, int]


def by(viewer: Person, query: Query, dimension: str, today: date | None = None) -> list[Row]:
    """The figures of each value of a dimension, largest total first (months in order)."""
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    today = today or timezone.localdate()
    tallied = _tallied(viewer, query, dimension, today)
    if tallied is not None:
        result = [Row(key, "", counts) for key, counts in tallied.items() if counts["total"]]
    else:
        grouped, key_name = _grouped(_rows(viewer, query), query, dimension)
        entries: Any = grouped.order_by().annotate(**_aggregates(today))
        result = [Row(entry[key_name], "", {name: entry[name] for name in OUTCOMES}) for entry in entries]
    labels = _labels(dimension, [r.key for r in result], query.kind)
    for row in result:
        row.label = labels.get(row.key, "") if row.key not in (None, "") else ""
    if dimension == "month":
        result.sort(key=lambda r: r.key)  # type: ignore[arg-type,return-value]
    else:
        result.sort(key=lambda r: (-r.counts["total"], r.label))
    return result


def _grouped(rows: QuerySet[Item], query: Query, dimension: str) -> tuple[Any, str]:
    """The rows grouped by a dimension's value, and the name the value goes by."""
    if dimension == "month":
        column = "opened_on" if query.basis == "opened" else "closed_on"
        return rows.annotate(month=TruncMonth(column)).values("month"), "month"
    key_name = f"{dimension}_id" if dimension in ("agency", "unit", "person", "field") else dimension
    return rows.values(key_name), key_name


def _tallied(viewer: Person, query: Query, dimension: str | None, today: date) -> dict[object, dict[str, int]] | None:
    """The figures of an agency's or the province's whole months from the tallies (None: they do
    not answer this question; the rows do): the tallies' done and open counts, less the open rows
    not yet due (counted live: being overdue depends on today), plus the secret rows the viewer
    may see. Grouped by `dimension` (None: one figure, under the key None)."""
    tallied = "" if dimension in (None, "agency", "month") else dimension
    if not _tally_answers(query, tallied):
        return None
    scope, period = query.scope, query.period
    group = "agency_id" if dimension == "agency" else "month" if dimension == "month" else "value" if tallied else None
    found: dict[object, dict[str, int]] = {}

    def add(key: object, counts: dict[str, int]) -> None:
        into = found.setdefault(key, dict.fromkeys(OUTCOMES, 0))
        for name, n in counts.items():
            into[name] += n

    sums = {c: Sum(c) for c in tallies.COUNTERS}
    rows = Tally.objects.filter(kind=query.kind, basis=query.basis, dimension=tallied,
                                agency_id__in=sorted(scope.agency_ids), month__gte=period.start, month__lte=period.end)
    entries: Any = rows.values(group).order_by().annotate(**sums) if group else [rows.aggregate(**sums)]
    for entry in entries:
        key = (None if group is None else tallies.key_value(tallied, entry["value"]) if group == "value"
               else entry[group])
        on_time, late, dated, undated = (entry[c] or 0 for c in tallies.COUNTERS)
        add(key, {"done_on_time": on_time, "done_late": late, "pending": undated, "overdue": dated})
    if query.basis == "opened":  # (a row has an end date only once done: nothing open ended in a period)
        not_due = Item.objects.filter(scope.q(), kind=query.kind, state=Item.State.OPEN, deadline__gte=today,
                                      secret=False, opened_on__gte=period.start, opened_on__lte=period.end)
        for key, n in _counted(not_due, query, dimension, Count("kind")):
            add(key, {"pending": n, "overdue": -n})
    secret_ids = visible_secret_ids(viewer, query.kind, scope.agency_ids)
    if secret_ids:
        column = "opened_on" if query.basis == "opened" else "closed_on"
        secret = Item.objects.filter(scope.q(), kind=query.kind, secret=True, document_id__in=secret_ids, **{
            f"{column}__gte": period.start, f"{column}__lte": period.end})
        if dimension is None:
            add(None, secret.aggregate(**_aggregates(today)))
        else:
            grouped, key_name = _grouped(secret, query, dimension)
            for entry in grouped.order_by().annotate(**_aggregates(today)):
                add(entry[key_name], {name: entry[name] for name in OUTCOMES if name != "total"})
    for counts in found.values():
        counts["total"] = sum(counts[name] for name in OUTCOMES if name != "total")
    return found


def _counted(rows: QuerySet[Item], query: Query, dimension: str | None, count: Count) -> list[tuple[object, int]]:
    if dimension is None:
        return [(None, rows.aggregate(n=count)["n"])]
    grouped, key_name = _grouped(rows, query, dimension)
    return [(entry[key_name], entry["n"]) for entry in grouped.order_by().annotate(n=count)]


def _tally_answers(query: Query, dimension: str) -> bool:
    """The tallies hold whole months of whole agencies, by one dimension, without a filter (and
    nothing of a private kind)."""
    scope, period = query.scope, query.period
    return (not SOURCES[query.kind].private and dimension in tallies.DIMENSIONS.get(query.basis, ())
            and scope.level in ("agency", "province") and not (scope.unit_ids or scope.field_ids)
            and scope.person_id is None and not any(name in FILTERS for name in query.filters)
            and period.start.day == 1 and (period.end + timedelta(days=1)).day == 1)


def _labels(dimension: str, keys: list[object], kind: str) -> dict[object, str]:
    from qlvb.core.doctypes import DOCUMENT_TYPES, Urgency

    present: list[Any] = [k for k in keys if k not in (None, "")]
    if dimension == "agency":
        return dict(Agency.objects.filter(pk__in=present).values_list("pk", "name"))
    if dimension == "unit":
        return dict(Unit.objects.filter(pk__in=present).values_list("pk", "name"))
    if dimension == "person":
        return dict(Person.objects.filter(pk__in=present).values_list("pk", "full_name"))
    if dimension == "field":
        return dict(Field.objects.filter(pk__in=present).values_list("pk", "name"))
    if dimension == "doc_type":
        return {code: str(name) for code, name in DOCUMENT_TYPES}
    if dimension == "urgency":
        return {code: str(name) for code, name in Urgency.choices}
    if dimension == "category":
        return category_labels(kind)
    if dimension == "month":
        return {k: k.strftime("%m/%Y") for k in present}
    return {}


def category_labels(kind: str) -> dict[object, str]:
    from qlvb.itstaff.models import Incident, ReportTemplate
    from qlvb.leave.models import LeaveRequest
    from qlvb.outgoing.models import ReviewStep
    from qlvb.tasks.models import Task

    choices = {Item.Kind.TASK: Task.Source.choices, Item.Kind.REVIEW: ReviewStep.Kind.choices,
               Item.Kind.LEAVE: LeaveRequest.Kind.choices, Item.Kind.ITREPORT: ReportTemplate.Period.choices,
               Item.Kind.ITINCIDENT: Incident.Kind.choices}.get(kind, [])  # type: ignore[call-overload]
    return {code: str(name) for code, name in choices}


def items(viewer: Person, query: Query, outcome: str = "total", today: date | None = None) -> QuerySet[Item]:
    """The list behind a figure: the same rows, newest first."""
    if outcome not in OUTCOMES:
        raise ValueError(outcome)
    today = today or timezone.localdate()
    return (_rows(viewer, query).filter(outcome_q(outcome, today))
            .select_related("unit", "person", "holder").order_by("-opened_on", "-pk"))


def document_url(item: Item) -> str:
    return kinds.get(SOURCES[item.kind].document_kind).url(item.document_id)


# --- Oversight of drafts (003 Đ13, Đ15.1) ----------------------------------------------------

def waiting_drafts(viewer: Person, scope: Scope) -> QuerySet[Item]:
    """The drafts not yet issued, longest waiting first: where each one waits and since when."""
    rows = Item.objects.filter(scope.q(), kind=Item.Kind.OUTGOING, state=Item.State.OPEN)
    secret_ids = visible_secret_ids(viewer, Item.Kind.OUTGOING, scope.agency_ids)
    rows = rows.filter(Q(secret=False) | Q(document_id__in=secret_ids)) if secret_ids else rows.filter(secret=False)
    return rows.select_related("unit", "person", "holder").order_by("held_since", "pk")


def waiting_by_status(viewer: Person, scope: Scope) -> dict[str, dict[str, object]]:
    """For each status of the open drafts: how many, and since when the oldest waits."""
    # Counting `status`, a column of the drafts' partial index: answered from the index alone.
    return {row["status"]: {"n": row["n"], "oldest": row["oldest"], "newest": row["newest"]}
            for row in waiting_drafts(viewer, scope).order_by().values("status").annotate(
                n=Count("status"), oldest=Min("held_since"), newest=Max("held_since"))}


# --- Compliance (003 Đ18) -----------------------------------------------------------------------

@dataclass
class Compliance:
    """A person's use of the system in a period, as their evaluation counts it."""

    handled: dict[str, int]  # incoming documents given to them, by outcome
    reviews: dict[str, int]
    tasks: dict[str, int]
    login_days: int  # working days with a log-in
    working_days: int  # working days of the period, up to today

    @staticmethod
    def rate(counts: dict[str, int]) -> float | None:
        """Done on time among what was due: done (on time or late) and overdue."""
        due = counts["done_on_time"] + counts["done_late"] + counts["overdue"]
        return round(100 * counts["done_on_time"] / due, 1) if due else None

    @property
    def handled_rate(self) -> float | None:
        return self.rate(self.handled)

    @property
    def review_rate(self) -> float | None:
        return self.rate(self.reviews)

    @property
    def task_rate(self) -> float | None:
        return self.rate(self.tasks)

    @property
    def login_rate(self) -> float | None:
        return round(100 * self.login_days / self.working_days, 1) if self.working_days else None


def compliance(viewer: Person, scope: Scope, period: Period, today: date | None = None) -> Compliance:
    """`scope` is a person's (scopes.resolve checked that the viewer may read it)."""
    assert scope.person_id is not None and scope.agency_id is not None
    return compliance_of(viewer, scope.agency_id, [scope.person_id], period, today)[scope.person_id]


def compliance_of(viewer: Person, agency_id: int, person_ids: Iterable[int], period: Period,
                  today: date | None = None) -> dict[int, Compliance]:
    """The figures of these people in one agency, grouped by person: the same few queries for two
    people or two hundred (the table of a leader's people), and a person's own page is the same
    computation for one, so a row of the table equals the page it links to. The caller checked
    that the viewer may read each of them (scopes.may_read_person)."""
    today = today or timezone.localdate()
    people = sorted(set(person_ids))
    agency = Scope("agency", frozenset({agency_id}), agency_id=agency_id)
    empty = dict.fromkeys(OUTCOMES, 0)
    figures: dict[str, dict[int, dict[str, int]]] = {}
    for kind in (Item.Kind.INCOMING, Item.Kind.REVIEW, Item.Kind.TASK):
        grouped: Any = (_rows(viewer, Query(kind, agency, period)).filter(person_id__in=people).order_by()
                        .values("person_id").annotate(**_aggregates(today)))
        figures[kind] = {row["person_id"]: {name: row[name] for name in OUTCOMES} for row in grouped}
    working = set(working_days(period, today, agency_id))
    logged: dict[int, int] = dict.fromkeys(people, 0)
    if working:
        for person_id, day in LoginDay.objects.filter(person_id__in=people, day__gte=min(working),
                                                      day__lte=max(working)).values_list("person_id", "day"):
            logged[person_id] += day in working
    return {person_id: Compliance(
        handled=figures[Item.Kind.INCOMING].get(person_id, dict(empty)),
        reviews=figures[Item.Kind.REVIEW].get(person_id, dict(empty)),
        tasks=figures[Item.Kind.TASK].get(person_id, dict(empty)),
        login_days=logged[person_id], working_days=len(working)) for person_id in people}


def working_days(period: Period, today: date, agency_id: int | None) -> list[date]:
    """The agency's working days of the period up to today, from one reading of its calendar: each
    day is judged by its own year's holidays, so a period across New Year or Tết counts right."""
    end = min(period.end, today)
    if end < period.start:
        return []
    installation, own = workdays.calendars(period.start, end)
    calendar = own.get(agency_id, installation) if agency_id is not None else installation
    days, day = [], period.start
    while day <= end:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days
