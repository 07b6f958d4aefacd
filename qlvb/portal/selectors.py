"""Reads of the portal: how the audit log names the objects of its events."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from qlvb.core import kinds
from qlvb.core.models import Event

CHUNK = 1000


def _document_of(event: Event) -> tuple[kinds.DocumentKind, int] | None:
    kind = kinds.for_target_type(event.target_type)
    if kind is None or not event.target_id.isdigit():
        return None
    return kind, int(event.target_id)


def describe(person: Any, events: Iterable[Event]) -> Iterator[Event]:
    """The events, each with `shown_label`, `shown_data` and `url`. A document the viewer may open
    (its kind's rule, core.kinds) is linked; one they may not open is named by its kind and id
    only, without the event's details: its summary and notes may be secret (R7), and keeping the
    audit log does not make an administrator a reader of every document."""
    batch: list[Event] = []
    for event in events:
        batch.append(event)
        if len(batch) == CHUNK:
            yield from _describe_batch(person, batch)
            batch = []
    yield from _describe_batch(person, batch)


def _describe_batch(person: Any, events: list[Event]) -> list[Event]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        found = _document_of(event)
        if found:
            wanted[found[0].name].add(found[1])
    open_ids = {name: set(kinds.visible(name, person).filter(pk__in=sorted(ids)).values_list("pk", flat=True))
                for name, ids in wanted.items()}
    for event in events:
        event.shown_label, event.shown_data, event.url = event.target_label, event.data, ""  # type: ignore[attr-defined]
        found = _document_of(event)
        if found is None:
            continue
        kind, document_id = found
        if document_id in open_ids[kind.name]:
            event.url = kind.url(document_id)  # type: ignore[attr-defined]
        else:
            event.shown_label = _("%(kind)s document #%(id)s (not open to you)") % {  # type: ignore[attr-defined]
                "kind": kind.label, "id": document_id}
            event.shown_data = {}  # type: ignore[attr-defined]
    return events
