"""The months' sums of the statistics rows (models.Tally): kept in the transaction of every change
of a row, rebuilt from the rows by `manage.py rebuild_statistics`, and read by the dashboards of an
agency and of the province instead of the rows themselves.

A row adds its counters (done on time, done late, open with a deadline, open without one) to one
tally per dimension (DIMENSIONS) of the month it began in, and, once done, of the month it ended
in. A change of a row is the difference between what it added before and what it adds now: most
changes (a note, a new handler of the same unit…) add nothing new and write nothing. Secret rows
are never in a tally (their count is hidden from whoever may not open them): the pages add the
few a viewer may see from the rows.

The difference is written with one INSERT … ON CONFLICT DO UPDATE that adds to the counters (both
databases have it), its rows in key order so that two changes meet the same rows in the same order.

An agency's tallies of the month are the hottest rows of the installation: every registration,
routing and handling of the agency adds to the same few. A row locked by that upsert stays locked
until the commit, so the subscriber does not write them where it works out the difference (before
the event is chained, with the rest of the transaction still to come): `held_back()` keeps the
difference, and `services.on_event_chained` writes it after the agency's chain head is locked,
the last statement before the commit: another change of the agency waits for these rows over the
event's insert and the commit only (docs/architecture.md, "Lock order").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from qlvb.statistics.models import Item, Tally

# What a tally breaks the month down by; "" is the agency's whole month. The month a piece of work
# ended is never asked person by person on a dashboard: those tables read the rows.
DIMENSIONS = {
    "opened": ("", "unit", "person", "field", "doc_type", "urgency", "category"),
    "closed": ("", "unit", "field", "doc_type", "urgency", "category"),
}
ID_DIMENSIONS = ("unit", "person", "field")
# The columns of a row that decide what it adds.
COLUMNS = ("kind", "agency_id", "unit_id", "person_id", "field_id", "doc_type", "urgency", "category", "secret",
           "opened_on", "closed_on", "deadline", "state", "late")
COUNTERS = ("on_time", "late", "open_dated", "open_undated")
DONE, OPEN = Item.State.DONE.value, Item.State.OPEN.value

Key = tuple[str, str, date, int, str, str]  # kind, basis, month, agency, dimension, value
Counts = tuple[int, int, int, int]
Pending = dict[Key, list[int]]

_held: ContextVar[Pending | None] = ContextVar("statistics_tallies_held", default=None)


def value_of(row: Mapping[str, Any], dimension: str) -> str:
    if dimension == "":
        return ""
    if dimension in ID_DIMENSIONS:
        found = row[f"{dimension}_id"]
        return "" if found is None else str(found)
    return row[dimension] or ""


def key_value(dimension: str, value: str) -> object:
    """A tally's value as the rows group it: an id (None: not set) or a code."""
    if dimension in ID_DIMENSIONS:
        return int(value) if value else None
    return value


def adds(row: Mapping[str, Any]) -> dict[Key, Counts]:
    """What one row (its COLUMNS) adds to the tallies."""
    if row["secret"]:
        return {}
    if row["state"] == DONE:
        counts: Counts = (0, 1, 0, 0) if row["late"] else (1, 0, 0, 0)
    else:
        counts = (0, 0, 1, 0) if row["deadline"] is not None else (0, 0, 0, 1)
    result: dict[Key, Counts] = {}
    for basis, day in (("opened", row["opened_on"]), ("closed", row["closed_on"])):
        if day is None:
            continue
        month = day.replace(day=1)
        for dimension in DIMENSIONS[basis]:
            result[(row["kind"], basis, month, row["agency_id"], dimension, value_of(row, dimension))] = counts
    return result


def of_item(item: Item) -> dict[str, Any]:
    return {column: getattr(item, column) for column in COLUMNS}


def change(before: Iterable[Mapping[str, Any]], after: Iterable[Mapping[str, Any]]) -> None:
    """Write the difference between what these rows added before and what they add now (or keep
    it, inside `held_back()`)."""
    held = _held.get()
    delta: Pending = held if held is not None else defaultdict(lambda: [0, 0, 0, 0])
    for sign, rows in ((-1, before), (1, after)):
        for row in rows:
            for key, counts in adds(row).items():
                total = delta[key]
                for i, n in enumerate(counts):
                    total[i] += sign * n
    if held is None:
        apply_pending(delta)


@contextmanager
def held_back() -> Iterator[Pending]:
    """Inside: `change()` adds to the dict it yields instead of writing; `apply_pending()` writes it."""
    pending: Pending = defaultdict(lambda: [0, 0, 0, 0])
    token = _held.set(pending)
    try:
        yield pending
    finally:
        _held.reset(token)


def apply_pending(pending: Pending) -> None:
    apply({key: tuple(c) for key, c in pending.items() if any(c)})  # type: ignore[misc]


def apply(delta: Mapping[Key, Counts]) -> None:
    if not delta:
        return
    table = Tally._meta.db_table
    keys = sorted(delta)
    marks = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(keys))
    params: list[Any] = []
    for key in keys:
        params.extend(key)
        params.extend(delta[key])
    added = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COUNTERS)
    # The table's and columns' names are the model's own; every value is a parameter.
    sql = (f"INSERT INTO {table} (kind, basis, month, agency_id, dimension, value, {', '.join(COUNTERS)}) "  # noqa: S608
           f"VALUES {marks} ON CONFLICT (kind, basis, dimension, agency_id, month, value) DO UPDATE SET {added}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rebuild(*, batch: int = 5000, item_model: Any = Item, tally_model: Any = Tally) -> int:
    """Every tally again from the rows (after rebuilding them, or to mend a tally gone astray):
    one grouped reading per basis and dimension. Returns the tallies written. (The migration that
    made the tallies passes its own models.)"""
    Item, Tally = item_model, tally_model  # noqa: N806
    Tally.objects.all().delete()
    written = 0
    counters = {
        "on_time": Count("kind", filter=Q(state=DONE, late=False)),
        "late": Count("kind", filter=Q(state=DONE, late=True)),
        "open_dated": Count("kind", filter=Q(state=OPEN, deadline__isnull=False)),
        "open_undated": Count("kind", filter=Q(state=OPEN, deadline__isnull=True)),
    }
    for basis, column in (("opened", "opened_on"), ("closed", "closed_on")):
        for dimension in DIMENSIONS[basis]:
            group = ["kind", "agency_id", "month"]
            if dimension:
                group.append(f"{dimension}_id" if dimension in ID_DIMENSIONS else dimension)
            entries = (Item.objects.filter(secret=False, **{f"{column}__isnull": False})
                       .annotate(month=TruncMonth(column)).values(*group).order_by().annotate(**counters))
            pending: list[Any] = []
            for entry in entries.iterator(chunk_size=batch):
                month = entry["month"]
                month = month.date() if hasattr(month, "date") else month
                pending.append(Tally(kind=entry["kind"], basis=basis, month=month, agency_id=entry["agency_id"],
                                     dimension=dimension, value=value_of(entry, dimension),
                                     **{c: entry[c] for c in COUNTERS}))
                if len(pending) >= batch:
                    Tally.objects.bulk_create(pending)
                    written += len(pending)
                    pending = []
            Tally.objects.bulk_create(pending)
            written += len(pending)
    return written


def recount() -> dict[Key, Counts]:
    """What the tallies should hold, added up from the rows one by one (the tests compare it with
    what was kept)."""
    total: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in Item.objects.values(*COLUMNS).iterator():
        for key, counts in adds(row).items():
            for i, n in enumerate(counts):
                total[key][i] += n
    return {key: tuple(c) for key, c in total.items() if any(c)}  # type: ignore[misc]


def kept() -> dict[Key, Counts]:
    """The tallies as kept, without those that add up to nothing."""
    result: dict[Key, Counts] = {}
    for t in Tally.objects.all():
        counts = (t.on_time, t.late, t.open_dated, t.open_undated)
        if any(counts):
            result[(t.kind, t.basis, t.month, t.agency_id, t.dimension, t.value)] = counts
    return result
