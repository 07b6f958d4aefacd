"""What a dashboard, a statistic's table and the list behind a figure show, assembled from the
selectors (the views only render it).

Every figure carries the parameters of its list (params.Asked.querystring): the list page reads
them back through params.read and selectors.items, the same rows the figure counted, so a figure
and its list are equal. The dashboard asks a fixed number of questions whatever the volume of
work: the figures of a period are the sum of its breakdown's rows (one grouped query), the trend
one more, the twelve months one grouped query.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qlvb.core.doctypes import DOCUMENT_TYPES
from qlvb.org.models import Field, Unit
from qlvb.outgoing.models import OutgoingDocument
from qlvb.statistics import periods, scopes, selectors
from qlvb.statistics.models import Item
from qlvb.statistics.params import Asked
from qlvb.statistics.periods import Period
from qlvb.statistics.selectors import OUTCOMES, Row

OUTCOME_LABELS = {
    "total": _("Total"), "done_on_time": _("Done on time"), "done_late": _("Done late"),
    "pending": _("Pending"), "overdue": _("Overdue"),
}
# The columns of a table and the legends of a chart, short enough for a phone (the heading's
# title gives the long label).
SHORT_LABELS = {
    "done_on_time": pgettext_lazy("statistics column", "On time"),
    "done_late": pgettext_lazy("statistics column", "Late"),
    "pending": pgettext_lazy("statistics column", "In time"),
    "overdue": pgettext_lazy("statistics column", "Overdue"),
}
# What "total" is for each kind of work, counted on what began in the period (or, for `closed`,
# what ended in it).
TOTAL_LABELS = {
    ("incoming", "opened"): _("Received"), ("outgoing", "opened"): _("Drafts started"),
    ("outgoing", "closed"): _("Issued"), ("review", "opened"): _("Reviews due"),
    ("task", "opened"): _("Tasks given"), ("task", "closed"): _("Tasks ended"),
    ("incoming", "closed"): _("Ended"), ("review", "closed"): _("Reviews ended"),
    ("leave", "opened"): _("Requests made"), ("leave", "closed"): _("Requests decided"),
    ("itreport", "opened"): _("Reports due"), ("itreport", "closed"): _("Reports submitted"),
    ("itincident", "opened"): _("Incidents occurred"), ("itincident", "closed"): _("Incidents closed"),
}
DIMENSION_LABELS = {
    "agency": _("Agency"), "unit": _("Unit"), "person": _("Person"), "field": _("Field"),
    "doc_type": _("Document type"), "urgency": _("Urgency"), "category": _("Category"),
    "month": _("Month"),
}
LEVEL_LABELS = {
    "province": _("Province"), "department": _("IT of every agency"), "agency": _("Agency"),
    "fields": _("My fields"),
    "unit": _("Unit"), "person": pgettext_lazy("statistics level", "Person"),
}
BASIS_LABELS = {"opened": _("Began in the period"), "closed": _("Ended in the period")}
ID_DIMENSIONS = ("agency", "unit", "person", "field")


def total_label(kind: str, basis: str = "opened") -> str:
    return str(TOTAL_LABELS.get((kind, basis), OUTCOME_LABELS["total"]))


def outcome_label(kind: str, outcome: str, basis: str = "opened") -> str:
    return total_label(kind, basis) if outcome == "total" else str(OUTCOME_LABELS[outcome])


def short_label(kind: str, outcome: str, basis: str = "opened") -> str:
    return total_label(kind, basis) if outcome == "total" else str(SHORT_LABELS[outcome])


def ask(asked: Asked, kind: str, *, basis: str = "opened", period: Period | None = None,
        filters: dict[str, str] | None = None, by: str | None = None) -> Asked:
    """Another question on the same scope (and period, unless given)."""
    query = replace(asked.query, kind=kind, basis=basis, period=period or asked.query.period, filters=filters or {})
    return replace(asked, query=query, by=by, outcome="total")


def filter_value(dimension: str, key: object) -> str:
    """A breakdown row's value as its list's `f_<dimension>` filter (None: not set)."""
    if key is None:
        return "none" if dimension in ID_DIMENSIONS else ""
    return str(key)


def row_asked(asked: Asked, dimension: str, key: object) -> Asked:
    """The question behind one row of a breakdown: the same, narrowed to the row's value."""
    if dimension == "month":
        assert isinstance(key, date)
        return replace(asked, query=replace(asked.query, period=periods.of("month", key)), by=None)
    filters = {**asked.query.filters, dimension: filter_value(dimension, key)}
    return replace(asked, query=replace(asked.query, filters=filters), by=None)


def list_link(asked: Asked, outcome: str = "total") -> str:
    """The parameters of the list behind a figure (statistics:items)."""
    return asked.querystring(outcome=None if outcome == "total" else outcome, by=None)


def add_up(rows: list[Row]) -> dict[str, int]:
    return {name: sum(r.counts[name] for r in rows) for name in OUTCOMES}


@dataclass
class Figure:
    outcome: str
    label: str
    count: int
    link: str
    previous: int | None = None
    previous_link: str = ""

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.count - self.previous

    @property
    def bad(self) -> bool:
        """More of it is worse: late and overdue work."""
        return self.outcome in ("done_late", "overdue")


@dataclass
class TableRow:
    key: object
    label: str
    counts: dict[str, int]
    links: dict[str, str]
    drill: str = ""  # the parameters of this row's own dashboard (a unit's, a person's, an agency's)


@dataclass
class Table:
    kind: str
    dimension: str
    basis: str
    outcomes: list[tuple[str, str, str]]  # (outcome, its column heading, its long label)
    rows: list[TableRow]
    totals: TableRow
    link: str  # the parameters of the full table (statistics:table)
    hidden: int = 0  # rows left out of a dashboard's short table (the full table has them)

    @property
    def title(self) -> str:
        return str(DIMENSION_LABELS[self.dimension])

    def chart(self, name: str, *, limit: int = 15, stacked: bool = True) -> dict[str, Any]:
        """What statistics.js draws: the rows' outcomes (not their total) as stacked bars."""
        rows = self.rows[:limit]
        shown = [o for o, _short, _long in self.outcomes if o != "total"] if stacked else ["total"]
        labels = {o: short for o, short, _long in self.outcomes}
        horizontal = self.dimension != "month"
        return {
            "name": name, "type": "bar", "horizontal": horizontal, "stacked": stacked,
            "height": max(160, 28 * len(rows) + 80) if horizontal else 280,
            "labels": [_short(r.label or str(_("Not set"))) for r in rows],
            "datasets": [{"outcome": o, "label": labels[o], "data": [r.counts[o] for r in rows],
                          "links": [r.links[o] for r in rows]} for o in shown],
        }


def _short(label: str, length: int = 32) -> str:
    """A chart's axis label: long names of agencies and units would take the whole width."""
    return label if len(label) <= length else label[:length - 1].rstrip() + "…"


# A dashboard shows the people with the most work; a large agency has hundreds, whose rows cost
# more to draw than the figures to count (bench/statistics_measure.py: 767 people, 877 KB of HTML).
DASHBOARD_PEOPLE = 15


def table(viewer: Any, asked: Asked, dimension: str, today: date, *,
          outcomes: tuple[str, ...] = OUTCOMES, drill: bool = False, limit: int | None = None) -> Table:
    """One statistic by one dimension, each count with its list, and the totals row (of every
    row, also those a `limit` leaves out)."""
    rows = selectors.by(viewer, asked.query, dimension, today)
    if dimension == "month":
        rows = _every_month(rows, asked.query.period)
    if dimension == "agency":
        rows = _every_agency(rows, asked.query.scope)
    kind, basis = asked.query.kind, asked.query.basis
    table_rows = []
    shown = rows if limit is None else rows[:limit]
    for row in shown:
        narrowed = row_asked(asked, dimension, row.key)
        table_rows.append(TableRow(row.key, row.label, row.counts, {o: list_link(narrowed, o) for o in outcomes},
                                   _drill(asked, dimension, row.key) if drill else ""))
    totals = TableRow(None, str(_("Total")), add_up(rows), {o: list_link(asked, o) for o in outcomes})
    labels = [(o, short_label(kind, o, basis), outcome_label(kind, o, basis)) for o in outcomes]
    return Table(kind, dimension, basis, labels, table_rows, totals,
                 asked.querystring(by=dimension, outcome=None), len(rows) - len(shown))


def _every_month(rows: list[Row], period: Period) -> list[Row]:
    """The months without work as rows of zeros, so that the chart shows each of them."""
    found = {r.key: r for r in rows}
    result, month = [], periods.of("month", period.start)
    while month.start <= period.end:
        result.append(found.get(month.start) or Row(month.start, month.start.strftime("%m/%Y"),
                                                     dict.fromkeys(OUTCOMES, 0)))
        month = periods.of("month", month.end + timedelta(days=1))
    return result


def _every_agency(rows: list[Row], scope: scopes.Scope) -> list[Row]:
    """Every agency of the province side by side, those without work too."""
    from qlvb.org.models import Agency

    found = {r.key for r in rows}
    missing = (Agency.objects.filter(pk__in=sorted(scope.agency_ids - found), is_active=True).order_by("name")
               .values_list("pk", "name"))
    return rows + [Row(pk, name, dict.fromkeys(OUTCOMES, 0)) for pk, name in missing]


def _drill(asked: Asked, dimension: str, key: object) -> str:
    """The dashboard of one row (an agency of the province, a unit, a person), where it has one."""
    if key is None or dimension not in ("agency", "unit", "person"):
        return ""
    scope = asked.query.scope
    params = {**asked.query.period.params(), "agency": str(scope.agency_id)}
    if dimension == "agency":
        if key != scope.agency_id or scope.level == "department":
            return ""  # an agency below is opened by its own leaders (the Department's IT table: by no one)
        params["scope"] = "agency"
    else:
        params.update({"scope": dimension, dimension: str(key)})
    from urllib.parse import urlencode

    return urlencode(params)


def figures(viewer: Any, asked: Asked, counts: dict[str, int], today: date,
            outcomes: tuple[str, ...] = OUTCOMES) -> list[Figure]:
    """The outcomes of a period with their trend: the same figures of the period before."""
    before = ask(asked, asked.query.kind, basis=asked.query.basis, period=asked.query.period.previous(),
                 filters=asked.query.filters)
    previous = selectors.totals(viewer, before.query, today)
    kind, basis = asked.query.kind, asked.query.basis
    return [Figure(o, outcome_label(kind, o, basis), counts[o], list_link(asked, o), previous[o], list_link(before, o))
            for o in outcomes]


def breakdowns(asked: Asked) -> list[str]:
    """How the dashboard breaks the incoming documents down, for this scope."""
    level = asked.query.scope.level
    if level in ("province", "department"):
        return ["agency"]
    dimensions = ["unit"] if level in ("agency", "fields") else []
    if level != "person" and asked.leads_people:
        dimensions.append("person")
    return dimensions or ["doc_type"]


def default_dimension(asked: Asked) -> str:
    return breakdowns(asked)[0]


def kind_choices(asked: Asked) -> list[tuple[str, str]]:
    """The kinds of work a table of this scope may count (the Department's: the IT work only)."""
    if asked.query.scope.level == "department":
        return [(k, str(label)) for k, label in Item.Kind.choices if k in scopes.DEPARTMENT_KINDS]
    return [(k, str(label)) for k, label in Item.Kind.choices]


def dimensions_open(asked: Asked) -> list[str]:
    """The dimensions a table of this scope may be broken down by."""
    level = asked.query.scope.level
    found = [d for d in ("agency", "unit", "person") if
             (d != "agency" or level in ("province", "department")) and (d != "person" or asked.leads_people)
             and (d != "unit" or level not in ("person", "department"))]
    return [*found, "field", "doc_type", "urgency", "category", "month"]


@dataclass
class Waiting:
    status: str
    label: str
    count: int
    oldest_days: int | None
    link: str


@dataclass
class Dashboard:
    asked: Asked
    incoming: list[Figure]
    incoming_tables: list[Table]
    months: Table
    started: list[Figure]
    issued: list[Figure]
    by_type: list[dict[str, Any]]
    waiting: list[Waiting]
    reviews: list[Figure]
    review_overrun: Figure
    tasks: list[Figure]
    task_table: Table
    charts: dict[str, dict[str, Any]] = field(default_factory=dict)


def build(viewer: Any, asked: Asked, today: date) -> Dashboard:
    scope = asked.query.scope
    base = ask(asked, Item.Kind.INCOMING)
    tables = [table(viewer, ask(base, "incoming", by=d), d, today, drill=True,
                    limit=DASHBOARD_PEOPLE if d == "person" else None) for d in breakdowns(asked)]
    incoming = figures(viewer, base, tables[0].totals.counts, today)
    months = periods.months_back(12, asked.query.period.end)
    year = Period("range", months[0].start, months[-1].end)
    month_table = table(viewer, ask(base, "incoming", period=year, by="month"), "month", today)

    started_asked, issued_asked = ask(asked, "outgoing"), ask(asked, "outgoing", basis="closed")
    started_rows = table(viewer, started_asked, "doc_type", today, outcomes=("total",))
    issued_rows = table(viewer, issued_asked, "doc_type", today, outcomes=("total",))
    started = figures(viewer, started_asked, started_rows.totals.counts, today, ("total",))
    issued = figures(viewer, issued_asked, issued_rows.totals.counts, today, ("total",))

    review_asked = ask(asked, "review")
    review_counts = selectors.totals(viewer, review_asked.query, today)
    reviews = figures(viewer, review_asked, review_counts, today)
    overrun = Figure("overrun", str(_("Reviews over their review days")),
                     review_counts["done_late"] + review_counts["overdue"], "")

    task_asked = ask(asked, "task")
    task_table = table(viewer, ask(task_asked, "task", by="category"), "category", today)
    tasks = figures(viewer, task_asked, task_table.totals.counts, today)

    charts = {"months": month_trend_chart(month_table), "tasks": task_table.chart("tasks-category")}
    charts.update({t.dimension: t.chart(f"incoming-{t.dimension}") for t in tables})
    return Dashboard(asked, incoming, tables, month_table, started, issued,
                     _by_type(started_rows, issued_rows), waiting(viewer, scope, today), reviews, overrun,
                     tasks, task_table, charts)


def month_trend_chart(months: Table) -> dict[str, Any]:
    return months.chart("incoming-months")


def _by_type(started: Table, issued: Table) -> list[dict[str, Any]]:
    """Drafts started and documents issued side by side, by document type."""
    names = dict(DOCUMENT_TYPES)
    keys = [r.key for r in started.rows] + [r.key for r in issued.rows if r.key not in {s.key for s in started.rows}]
    s_rows, i_rows = {r.key: r for r in started.rows}, {r.key: r for r in issued.rows}
    result = []
    for key in keys:
        s, i = s_rows.get(key), i_rows.get(key)
        result.append({"label": str(names.get(str(key), key or _("Not set"))),
                       "started": s.counts["total"] if s else 0, "started_link": s.links["total"] if s else "",
                       "issued": i.counts["total"] if i else 0, "issued_link": i.links["total"] if i else ""})
    return result


def waiting(viewer: Any, scope: scopes.Scope, today: date) -> list[Waiting]:
    """The drafts not yet issued, by where they wait, with the age of the oldest (the drafts page
    lists them)."""
    from urllib.parse import urlencode

    labels = dict(OutgoingDocument.Status.choices)
    found = selectors.waiting_by_status(viewer, scope)
    result = []
    for status in (s for s, _label in OutgoingDocument.Status.choices if s in found):
        oldest = found[status]["oldest"]
        days = (today - oldest.date()).days if oldest is not None else None  # type: ignore[attr-defined]
        result.append(Waiting(status, str(labels[status]), int(found[status]["n"]),  # type: ignore[call-overload]
                              days, urlencode({**scope.params(), "status": status})))
    return result


# --- The choosers of the page ------------------------------------------------------------------

@dataclass
class Tab:
    level: str
    label: str
    link: str  # the parameters of that level's dashboard
    active: bool


def tabs(viewer: Any, asked: Asked) -> list[Tab]:
    """The levels the person may open in this agency, each with the parameters that open it (a
    unit's or fields' tab opens the person's own units or fields, or the agency's first)."""
    from urllib.parse import urlencode

    scope = asked.query.scope
    agency_id = scope.agency_id or viewer.agency_id
    period = asked.query.period.params()
    result = []
    for level in scopes.levels_open_to(viewer, agency_id):
        params = {"scope": level, "agency": str(agency_id), **period}
        if level == "unit":
            units = sorted(scope.unit_ids) if scope.level == "unit" else sorted(_headed_units(viewer, agency_id))
            if not units:
                first = Unit.objects.filter(agency_id=agency_id, is_active=True).order_by("order", "name").first()
                if first is None:
                    continue
                units = [first.pk]
            params["unit"] = ",".join(str(u) for u in units)
        if level == "fields":
            fields = sorted(scope.field_ids) if scope.level == "fields" else sorted(
                scopes.led_field_ids(viewer, agency_id))
            if not fields:
                first_field = Field.objects.filter(agency_id=agency_id).order_by("pk").first()
                if first_field is None:
                    continue
                fields = [first_field.pk]
            params["field"] = ",".join(str(f) for f in fields)
        if level == "person":
            params["person"] = str(scope.person_id if scope.level == "person" else viewer.pk)
        result.append(Tab(level, str(LEVEL_LABELS[level]), urlencode(params), level == scope.level))
    return result


def _headed_units(viewer: Any, agency_id: int) -> frozenset[int]:
    from qlvb.org.roles import roles_of

    headed = roles_of(viewer).headed_unit_ids
    return frozenset(Unit.objects.filter(pk__in=headed, agency_id=agency_id).values_list("pk", flat=True)) \
        if headed else frozenset()


def unit_choices(viewer: Any, asked: Asked) -> list[tuple[int, str]]:
    """The units the person may open on the unit tab: all of the agency for its overseers, else
    those they head."""
    scope = asked.query.scope
    if scope.level != "unit" or scope.agency_id is None:
        return []
    units = Unit.objects.filter(agency_id=scope.agency_id, is_active=True)
    if scope.agency_id not in scopes.overseen_agency_ids(viewer):
        units = units.filter(pk__in=_headed_units(viewer, scope.agency_id))
    return list(units.order_by("order", "name").values_list("pk", "name"))


def field_choices(viewer: Any, asked: Asked) -> list[tuple[int, str]]:
    scope = asked.query.scope
    if scope.level != "fields" or scope.agency_id is None:
        return []
    fields = Field.objects.filter(agency_id=scope.agency_id)
    if scope.agency_id not in scopes.overseen_agency_ids(viewer):
        fields = fields.filter(leader=viewer)
    return list(fields.order_by("name").values_list("pk", "name"))


def following(period: Period) -> Period:
    """The period after this one (the page's "next" arrow)."""
    if period.kind == "range":
        length = period.end - period.start
        start = period.end + timedelta(days=1)
        return Period("range", start, start + length)
    return periods.of(period.kind, period.end + timedelta(days=1))


def filter_labels(asked: Asked) -> list[tuple[str, str]]:
    """The filters of a list or a table in words: (dimension, value)."""
    result = []
    for name, value in asked.query.filters.items():
        key: object = value
        if name in ID_DIMENSIONS:
            key = int(value) if value.isdigit() and value != "0" else None
        shown = str(_("Not set")) if key in (None, "") else \
            selectors._labels(name, [key], asked.query.kind).get(key, value)  # noqa: SLF001
        result.append((str(DIMENSION_LABELS[name]), shown))
    return result
