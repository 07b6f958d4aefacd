"""Keeping incoming.IncomingTally in step with the documents (see the model)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, F

from qlvb.incoming.models import IncomingDocument, IncomingTally

Key = tuple[int, str, bool, bool]


def key(document: IncomingDocument) -> Key:
    return (document.agency_id, document.status, document.is_secret, bool(document.completed_late))


def _add(k: Key, delta: int) -> None:
    agency_id, status, secret, late = k
    updated = IncomingTally.objects.filter(agency_id=agency_id, status=status, secret=secret, late=late).update(
        n=F("n") + delta)
    if not updated:
        IncomingTally.objects.create(agency_id=agency_id, status=status, secret=secret, late=late, n=delta)


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
    return len(counts)
