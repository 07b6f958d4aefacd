"""Keeping the incoming tallies (IncomingTally, UnitTally, OpenWorkTally) in step with the
documents and tasks (see the models).

Tally rows are shared by every document of an agency, so they are updated in one order (see
"Lock order" in docs/architecture.md): OpenWorkTally (work_moved) before IncomingTally and then
UnitTally (moved), and the rows of one table in the order of their key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Count, F

from qlvb.core import rows
from qlvb.incoming.models import Assignment, IncomingDocument, IncomingTally, OpenWorkTally, UnitTally


@dataclass(frozen=True)
class Key:
    """Where a document counts: its agency's tally row, and one row per unit holding a task of it."""

    agency_id: int
    status: str
    secret: bool
    late: bool
    units: frozenset[int] = frozenset()

    def document_row(self) -> tuple[int, str, bool, bool]:
        return (self.agency_id, self.status, self.secret, self.late)

    def unit_rows(self) -> Counter[tuple[int, int, str, bool]]:
        return Counter((self.agency_id, unit, self.status, self.late) for unit in self.units)


def key(document: IncomingDocument, *, untasked: bool = False, units: Iterable[int] | None = None) -> Key:
    """`untasked`: the caller knows the document has no task yet (a draft, a registration);
    `units`: the caller knows the units holding its tasks (routing: those before and the new ones)."""
    if units is not None:
        held = frozenset(units)
    elif document.pk and not untasked:
        held = frozenset(Assignment.objects.filter(document_id=document.pk, assignee_unit__isnull=False)
                         .values_list("assignee_unit_id", flat=True))
    else:
        held = frozenset()
    return Key(document.agency_id, document.status, document.is_secret, bool(document.completed_late), held)


def _bump(model: type[IncomingTally] | type[OpenWorkTally] | type[UnitTally], delta: int, **key: object) -> None:
    """Add delta to the tally row of this key, creating it the first time."""
    if rows.add_to(model, "n", delta, **key):  # the SQL built once: every registration comes here
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, n=delta)
    except IntegrityError:  # another transaction created the row first: it exists now
        model.objects.filter(**key).update(n=F("n") + delta)


def moved(before: Key | None, after: Key | None) -> None:
    """A document went from `before` to `after` (None: it did not exist / no longer exists), in
    status or in the units it was given to. Call inside the transaction that changes it."""
    if before == after:
        return
    rows = [k.document_row() if k else None for k in (before, after)]
    if rows[0] != rows[1]:
        changes = [(row, delta) for row, delta in zip(rows, (-1, +1), strict=True) if row is not None]
        for row, delta in sorted(changes):
            agency_id, status, secret, late = row
            _bump(IncomingTally, delta, agency_id=agency_id, status=status, secret=secret, late=late)
    units_before = before.unit_rows() if before else Counter()
    units_after = after.unit_rows() if after else Counter()
    for unit_row in sorted(set(units_before) | set(units_after)):
        delta = units_after[unit_row] - units_before[unit_row]
        if delta:
            agency_id, unit_id, status, late = unit_row
            _bump(UnitTally, delta, agency_id=agency_id, unit_id=unit_id, status=status, late=late)


@transaction.atomic
def recount(agency_id: int | None = None) -> int:
    """Recompute the tally from the documents (of one agency, or all); returns rows written."""
    documents = IncomingDocument.objects.all()
    tallies = IncomingTally.objects.all()
    if agency_id is not None:
        documents = documents.filter(agency_id=agency_id)
        tallies = tallies.filter(agency_id=agency_id)
    counts: dict[tuple[int, str, bool, bool], int] = {}
    for agency, status, secrecy, late, n in (documents.order_by().values_list("agency_id", "status", "secrecy",
                                                                              "completed_late")
                                             .annotate(n=Count("pk"))):
        k = (agency, status, bool(secrecy), bool(late))
        counts[k] = counts.get(k, 0) + n
    tallies.delete()
    IncomingTally.objects.bulk_create([
        IncomingTally(agency_id=a, status=s, secret=sec, late=late, n=n) for (a, s, sec, late), n in counts.items()])
    return len(counts) + recount_units(agency_id) + recount_open_work(agency_id)


@transaction.atomic
def recount_units(agency_id: int | None = None) -> int:
    tasks = Assignment.objects.filter(assignee_unit__isnull=False)
    tallies = UnitTally.objects.all()
    if agency_id is not None:
        tasks, tallies = tasks.filter(agency_id=agency_id), tallies.filter(agency_id=agency_id)
    rows = (tasks.order_by().values_list("agency_id", "assignee_unit_id", "document__status",
                                         "document__completed_late")
            .annotate(n=Count("document", distinct=True)))
    tallies.delete()
    UnitTally.objects.bulk_create([UnitTally(agency_id=a, unit_id=u, status=s, late=bool(late), n=n)
                                   for a, u, s, late, n in rows], batch_size=1000)
    return len(rows)


# --- Open work (see OpenWorkTally) -----------------------------------------------------------

WorkKey = tuple[int, int, date, bool]


def open_work(assignment_ids: Iterable[int]) -> Counter[WorkKey]:
    """The open-work keys of these tasks as they are now; take it before and after a change."""
    ids = list(assignment_ids)
    if not ids:
        return Counter()
    rows = (Assignment.objects.filter(pk__in=ids, state__in=Assignment.OPEN_STATES)
            .exclude(role=Assignment.Role.INFO)
            .values_list("agency_id", "assignee_unit_id", "deadline", "document__secrecy"))
    return Counter((agency, unit or 0, deadline or OpenWorkTally.NO_DEADLINE, bool(secrecy))
                   for agency, unit, deadline, secrecy in rows)


def work_moved(before: Counter[WorkKey], after: Counter[WorkKey]) -> None:
    """Apply the difference between two open_work() snapshots (inside the same transaction)."""
    for k in sorted(set(before) | set(after)):
        delta = after.get(k, 0) - before.get(k, 0)
        if delta:
            agency_id, unit_id, deadline, secret = k
            _bump(OpenWorkTally, delta, agency_id=agency_id, unit_id=unit_id, deadline=deadline, secret=secret)


@transaction.atomic
def recount_open_work(agency_id: int | None = None) -> int:
    tasks = Assignment.objects.filter(state__in=Assignment.OPEN_STATES).exclude(role=Assignment.Role.INFO)
    tallies = OpenWorkTally.objects.all()
    if agency_id is not None:
        tasks, tallies = tasks.filter(agency_id=agency_id), tallies.filter(agency_id=agency_id)
    counts: Counter[WorkKey] = Counter()
    for agency, unit, deadline, secrecy, n in (tasks.order_by()
                                               .values_list("agency_id", "assignee_unit_id", "deadline",
                                                            "document__secrecy")
                                               .annotate(n=Count("pk"))):
        counts[(agency, unit or 0, deadline or OpenWorkTally.NO_DEADLINE, bool(secrecy))] += n
    tallies.delete()
    OpenWorkTally.objects.bulk_create([OpenWorkTally(agency_id=a, unit_id=u, deadline=d, secret=s, n=n)
                                       for (a, u, d, s), n in counts.items()], batch_size=1000)
    return len(counts)
