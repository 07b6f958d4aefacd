"""Keeping incoming.IncomingTally in step with the documents (see the model)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Count, F

from qlvb.incoming.models import Assignment, IncomingDocument, IncomingTally, OpenWorkTally

Key = tuple[int, str, bool, bool]


def key(document: IncomingDocument) -> Key:
    return (document.agency_id, document.status, document.is_secret, bool(document.completed_late))


def _bump(model: type[IncomingTally] | type[OpenWorkTally], delta: int, **key: object) -> None:
    """Add delta to the tally row of this key, creating it the first time."""
    if not model.objects.filter(**key).update(n=F("n") + delta):
        model.objects.create(**key, n=delta)


def _add(k: Key, delta: int) -> None:
    agency_id, status, secret, late = k
    _bump(IncomingTally, delta, agency_id=agency_id, status=status, secret=secret, late=late)


def moved(before: Key | None, after: Key | None) -> None:
    """A document went from `before` to `after` (None: it did not exist / no longer exists).
    Call inside the transaction that changes the document."""
    if before == after:
        return
    if before is not None:
        _add(before, -1)
    if after is not None:
        _add(after, +1)


@transaction.atomic
def recount(agency_id: int | None = None) -> int:
    """Recompute the tally from the documents (of one agency, or all); returns rows written."""
    documents = IncomingDocument.objects.all()
    tallies = IncomingTally.objects.all()
    if agency_id is not None:
        documents = documents.filter(agency_id=agency_id)
        tallies = tallies.filter(agency_id=agency_id)
    counts: dict[Key, int] = {}
    for agency, status, secrecy, late, n in (documents.order_by().values_list("agency_id", "status", "secrecy",
                                                                              "completed_late")
                                             .annotate(n=Count("pk"))):
        k = (agency, status, bool(secrecy), bool(late))
        counts[k] = counts.get(k, 0) + n
    tallies.delete()
    IncomingTally.objects.bulk_create([
        IncomingTally(agency_id=a, status=s, secret=sec, late=late, n=n) for (a, s, sec, late), n in counts.items()])
    return len(counts) + recount_open_work(agency_id)


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
    for k in set(before) | set(after):
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
