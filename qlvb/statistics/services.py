"""Keeping the statistics rows in step with the work (models.Item), and the login days.

The subscriber runs in the transaction of every change, before the event is chained, as the
search index does: a figure never counts a document in a state it is no longer in, and a change
rolled back leaves no row. Rows are rewritten only when something they hold changed. The months'
tallies change in the same transaction, but at its end (on_event_chained; tallies.py says why).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from qlvb.core import kinds
from qlvb.core import rows as core_rows
from qlvb.statistics import sources, tallies
from qlvb.statistics.models import Item, LoginDay

# The columns a source sets; held_since is kept while the draft waits at the same place.
COLUMNS = ("document_id", "agency_id", "unit_id", "person_id", "field_id", "doc_type", "urgency", "secret",
           "category", "opened_on", "deadline", "closed_on", "state", "late", "status", "holder_id", "reference",
           "title")

# The bin's verbs (a document deleted or restored) change what is counted as well.
BIN_VERBS = frozenset({"bin.moved", "bin.restored", "bin.purged"})

# Verbs of a kind that change nothing a row holds (notes, reads, reminders, versions of a draft):
# the subscriber leaves the row alone, so that a busy day's reads cost nothing here. A verb not
# listed (a new one) refreshes the row: a row can be refreshed needlessly, never left stale.
STILL_VERBS = frozenset({
    "incoming.draft_saved", "incoming.progress", "incoming.proposal", "incoming.contributed", "incoming.read",
    "incoming.secret_opened", "incoming.part_completed", "incoming.replied",
    "outgoing.version_added", "outgoing.review_reminded", "outgoing.disagreement", "outgoing.secret_opened",
    "task.reported", "task.extension_requested", "task.extension_rejected", "task.linked", "task.evaluated",
})
# The outgoing verbs that move review steps (the reviews' rows follow them).
STEP_VERBS = frozenset({
    "outgoing.submitted", "outgoing.approved", "outgoing.format_checked", "outgoing.approved_for_issue",
    "outgoing.returned", "outgoing.back_to_signer", "outgoing.signed", "outgoing.issued", "outgoing.cancelled",
})


def refresh(kind: str, ids: list[int], *, tally: bool = True) -> int:
    """Rewrite the rows of these sources from what they are now, and their tallies unless the
    caller rebuilds those itself; returns the rows written."""
    if not ids:
        return 0
    fresh = {item.source_id: item for item in sources.SOURCES[kind].build(ids)}
    kept = {item.source_id: item for item in Item.objects.filter(kind=kind, source_id__in=ids)}
    if tally:
        tallies.change([tallies.of_item(i) for i in kept.values()], [tallies.of_item(i) for i in fresh.values()])
    gone = [pk for source_id, pk in ((s, i.pk) for s, i in kept.items()) if source_id not in fresh]
    if gone:
        Item.objects.filter(pk__in=gone).delete()
    now, written, created = timezone.now(), 0, []
    for source_id, item in fresh.items():
        old = kept.get(source_id)
        if old is None:
            # The source's own time (the draft's last change): the moment itself when the subscriber
            # writes a new draft's row, and not the day of a rebuild for the drafts waiting long before.
            created.append(item)
            continue
        changed = [c for c in COLUMNS if getattr(old, c) != getattr(item, c)]
        if not changed:
            continue
        if "status" in changed or "holder_id" in changed:
            old.held_since = now if item.held_since is not None else None
            changed.append("held_since")
        for column in changed:
            if column != "held_since":
                setattr(old, column, getattr(item, column))
        old.save(update_fields=changed)
        written += 1
    Item.objects.bulk_create(created)
    return written + len(created) + len(gone)


def refresh_one(kind: str, source_id: int) -> None:
    """The subscriber's refresh of one source: an UPDATE of its row (an INSERT the first time, a
    DELETE when it no longer counts), after reading only what the row added to the tallies. Where
    a draft waits keeps its `held_since` unless the place (status, holder) changed."""
    fresh = sources.SOURCES[kind].build([source_id])
    rows = Item.objects.filter(kind=kind, source_id=source_id)
    # What the row added to the tallies: one reading by the unique key, and a write only when
    # something counted changed (most events change nothing a tally holds).
    before = _TALLIED.dicts(kind, source_id)
    tallies.change(before, [tallies.of_item(i) for i in fresh])
    if not fresh:
        rows.delete()
        return
    item = fresh[0]
    values: dict[str, Any] = {column: getattr(item, column) for column in COLUMNS}
    if item.held_since is None:
        values["held_since"] = None
    else:
        item.held_since = timezone.now()
        values["held_since"] = Case(When(Q(status=item.status, holder_id=item.holder_id, held_since__isnull=False),
                                         then=F("held_since")), default=Value(item.held_since))
    if not before or not rows.update(**values):  # a new source (a registration): no row to update
        core_rows.insert(item)


# What a source's row added to the tallies, read on every change of the source (core.rows.Read).
_TALLIED = core_rows.Read(lambda kind, source_id: Item.objects.filter(kind=kind, source_id=source_id).order_by()
                          .values(*tallies.COLUMNS), str, int)


def refresh_reviews(document_id: int) -> None:
    """The rows of a draft's review steps: rewritten together (a round returned supersedes steps)."""
    steps = sources.reviews_of(document_id)
    rows = Item.objects.filter(kind=Item.Kind.REVIEW, source_id__in=sources.review_steps(document_id))
    tallies.change(rows.values(*tallies.COLUMNS), [tallies.of_item(i) for i in steps])
    rows.delete()
    Item.objects.bulk_create(steps)


# A hand-over (core.handover) moves thousands of items in one transaction, with an event on each:
# their rows are refreshed together, in batches, when the hand-over's own event comes (the last of
# its transaction), instead of one by one. Left over (a provider called on its own), they are
# refreshed at the commit. An id kept from a transaction rolled back is refreshed for nothing:
# a refresh rewrites a row from what the source is now.
HANDED_OVER = "handed_over"
HANDOVER_DONE = "handover.done"
_pending = threading.local()


def _defer(kind: str, source_id: int, *, reviews: bool) -> None:
    waiting: dict[str, set[int]] | None = getattr(_pending, "ids", None)
    if waiting is None:
        waiting = _pending.ids = {}
    waiting.setdefault(kind, set()).add(source_id)
    if reviews:
        waiting.setdefault(Item.Kind.REVIEW, set()).add(source_id)  # the document's review steps
    transaction.on_commit(_flush_later)  # the first to run does it; the others find nothing


def flush_handed_over(batch: int = 2000) -> int:
    waiting: dict[str, set[int]] = getattr(_pending, "ids", None) or {}
    _pending.ids = None
    written = 0
    for kind, ids in waiting.items():
        if kind == Item.Kind.REVIEW:
            for document_id in sorted(ids):
                refresh_reviews(document_id)
            continue
        ordered = sorted(ids)
        for start in range(0, len(ordered), batch):
            written += refresh(kind, ordered[start:start + batch])
    return written


def _flush_later() -> None:
    if getattr(_pending, "ids", None):
        with transaction.atomic():
            flush_handed_over()
    _pending.ids = None


def on_document_event(event: Any) -> None:
    with tallies.held_back() as pending:
        _refresh_for(event)
    if pending:  # apply_pending skips the keys whose difference came to nothing
        event.statistics_tallies = pending


def on_event_chained(event: Any) -> None:
    """The tallies' difference kept by on_document_event, written once the agency's chain head is
    locked (tallies.py says why)."""
    pending = getattr(event, "statistics_tallies", None)
    if pending:
        tallies.apply_pending(pending)


def _refresh_for(event: Any) -> None:
    if event.verb == HANDOVER_DONE:
        flush_handed_over()
        return
    kind = kinds.for_target_type(event.target_type)
    if kind is None or not event.target_id or event.verb in kind.quiet_verbs or event.verb in STILL_VERBS:
        return
    if event.verb.endswith(HANDED_OVER) and kind.name in ("incoming", "outgoing", "task"):
        source = {"incoming": Item.Kind.INCOMING, "outgoing": Item.Kind.OUTGOING, "task": Item.Kind.TASK}[kind.name]
        _defer(source, int(event.target_id), reviews=bool((event.data or {}).get("steps")))
        return
    own = event.verb.startswith(kind.verbs)
    if not (own or event.verb in BIN_VERBS):
        return
    counted = sources.BY_DOCUMENT_KIND.get(kind.name)
    if counted is None:
        return
    target = int(event.target_id)
    # Incoming and outgoing documents, tasks, leave requests, IT reports and IT incidents: the row
    # of the same id; a draft's review steps with it.
    refresh_one(counted, target)
    if kind.name == "outgoing" and (event.verb in STEP_VERBS or event.verb in BIN_VERBS):
        refresh_reviews(target)


def on_login(event: Any) -> None:
    if event.actor_id:
        LoginDay.objects.bulk_create([LoginDay(person_id=event.actor_id, day=timezone.localdate())],
                                     ignore_conflicts=True)


def rebuild(*, batch: int = 2000, progress: Callable[[str, int], None] | None = None) -> int:
    """Rewrite every row from the work itself (manage.py rebuild_statistics): after an upgrade,
    a restore, or to check that the rows kept by the subscriber are right; then the tallies from
    the rows. The login days are read back from the event log."""
    written = 0
    for kind, source in sources.SOURCES.items():
        ids = list(source.all_ids())
        stale = sorted(set(Item.objects.filter(kind=kind).values_list("source_id", flat=True)) - set(ids))
        for start in range(0, len(stale), batch):
            Item.objects.filter(kind=kind, source_id__in=stale[start:start + batch]).delete()
        for start in range(0, len(ids), batch):
            with transaction.atomic():
                written += refresh(kind, ids[start:start + batch], tally=False)
            if progress:
                progress(kind, min(start + batch, len(ids)))
    with transaction.atomic():
        tallies.rebuild()
    written += rebuild_login_days()
    return written


def rebuild_login_days() -> int:
    from qlvb.core.models import Event

    days = {(person_id, timezone.localdate(at)) for person_id, at in
            Event.objects.filter(verb="auth.login", actor__isnull=False).values_list("actor_id", "at").iterator()}
    LoginDay.objects.bulk_create([LoginDay(person_id=p, day=d) for p, d in days], ignore_conflicts=True,
                                 batch_size=2000)
    return len(days)
