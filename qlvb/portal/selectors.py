"""Reads of the portal: the audit log as its reader may see it, and how it names the objects of
its events; the year's working-day calendar as a grid."""

from __future__ import annotations

import calendar as pycalendar
import operator
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import kinds, workdays
from qlvb.core import selectors as core_selectors
from qlvb.core.models import Event

CHUNK = 1000


def audit_log(person: Any, *, agency_id: int | None, filters: core_selectors.EventFilter) -> QuerySet[Event]:
    """The chain's events (core.selectors.audit_log). Searching by the object's name (`target`,
    `text`) never matches an event on a secret document the reader may not open: its name is the
    document's reference and summary, and a match would tell what the document is about (R7)."""
    events = core_selectors.audit_log(agency_id=agency_id, filters=filters)
    if filters.target or filters.text:
        for kind in kinds.all_kinds():
            if not kind.has_secrecy:  # nothing secret to hide (and its rule may need no status column)
                continue
            hidden = kind.secret_documents().exclude(kind.rule(person).q(status_field=kind.status_field))
            if agency_id:
                hidden = hidden.filter(agency_id=agency_id)
            events = events.exclude(target_type=kind.target_type,
                                    target_id__in=hidden.annotate(key=Cast("pk", CharField())).values("key"))
    return events


def _document_ref(value: Any) -> tuple[kinds.DocumentKind, int] | None:
    """'incoming.incomingdocument:12', as events name a document in their data."""
    if not isinstance(value, str) or ":" not in value:
        return None
    target_type, _sep, pk = value.partition(":")
    kind = kinds.for_target_type(target_type)
    return (kind, int(pk)) if kind is not None and pk.isdigit() else None


def _target_of(event: Event) -> tuple[kinds.DocumentKind, int] | None:
    kind = kinds.for_target_type(event.target_type)
    if kind is None or not event.target_id.isdigit():
        return None
    return kind, int(event.target_id)


def _documents_of(event: Event) -> list[tuple[kinds.DocumentKind, int]]:
    """The documents an event is about: its target, and the one its data names (a document filed
    into a dossier, a signature applied to a document)."""
    data = event.data or {}
    found = [_target_of(event), _document_ref(data.get("document") or getattr(event, "legacy_document", None))]
    return [ref for ref in found if ref is not None]


def _legacy_reference(event: Event) -> tuple[int, int, str, int] | None:
    """A signature applied when issuing, recorded before signatures named their document: its reason
    ends with the document's reference ("Ký văn bản 01/STTTT-CNTT") — (agency, number, notation, year)."""
    data = event.data or {}
    if event.verb != "signatures.signed" or data.get("document") or not event.agency_id:
        return None
    reference = str(data.get("reason") or "").rsplit(" ", 1)[-1]
    number, _sep, notation = reference.partition("/")
    if not number.isdigit() or not notation:
        return None
    return event.agency_id, int(number), notation, timezone.localtime(event.at).year


def _name_legacy_signatures(events: list[Event]) -> None:
    """Give each legacy signature event (_legacy_reference) the outgoing document it signed, as
    `legacy_document`, in one query per batch."""
    wanted = {event.pk: ref for event in events if (ref := _legacy_reference(event)) is not None}
    if not wanted:
        return
    kind = kinds.get("outgoing")
    condition = reduce(operator.or_, (Q(agency_id=a, number=n, notation=x, year=y)
                                      for a, n, x, y in set(wanted.values())))
    found = {(a, n, x, y): pk for pk, a, n, x, y in kind.model_class._default_manager.filter(condition)
             .values_list("pk", "agency_id", "number", "notation", "year")}
    for event in events:
        ref = wanted.get(event.pk)
        pk = found.get(ref) if ref is not None else None
        if pk is not None:
            event.legacy_document = f"{kind.target_type}:{pk}"  # type: ignore[attr-defined]


def describe(person: Any, events: Iterable[Event]) -> Iterator[Event]:
    """The events, each with `shown_label`, `shown_data` and `url`. A document the viewer may open
    (its kind's rule, core.kinds) is linked; one they may not open is named by its kind and id
    only, without the event's details: keeping the audit log does not make an administrator a
    reader of every document. An event about a secret document the viewer may not open shows only
    that it happened on "a secret document" — not its kind, id, reference, summary or details (R7)."""
    batch: list[Event] = []
    for event in events:
        batch.append(event)
        if len(batch) == CHUNK:
            yield from _describe_batch(person, batch)
            batch = []
    yield from _describe_batch(person, batch)


def _describe_batch(person: Any, events: list[Event]) -> list[Event]:
    if any(kind.name == "outgoing" for kind in kinds.all_kinds()):
        _name_legacy_signatures(events)
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        for kind, document_id in _documents_of(event):
            wanted[kind.name].add(document_id)
    open_ids: dict[str, set[int]] = {}
    secret_ids: dict[str, set[int]] = {}
    for name, ids in wanted.items():
        open_ids[name] = set(kinds.visible(name, person).filter(pk__in=sorted(ids)).values_list("pk", flat=True))
        secret_ids[name] = set(kinds.get(name).secret_documents().filter(pk__in=sorted(ids))
                               .values_list("pk", flat=True))
    for event in events:
        event.shown_label, event.shown_data, event.url = event.target_label, event.data, ""  # type: ignore[attr-defined]
        documents = _documents_of(event)
        if any(pk in secret_ids[kind.name] and pk not in open_ids[kind.name] for kind, pk in documents):
            event.shown_label, event.shown_data = _("a secret document"), {}  # type: ignore[attr-defined]
            continue
        found = _target_of(event)
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


@dataclass(frozen=True)
class GridDay:
    day: date
    in_month: bool
    working: bool
    why: str  # workdays.year_days: "holiday", "make_up", "off", "work", "weekend" or ""
    name: str


def year_grid(year: int, agency_id: int | None, rows: Iterable[Any]) -> list[tuple[int, list[list[GridDay]]]]:
    """The year as twelve month grids (weeks from Monday), each day marked as the deadlines count
    it, named by its holiday or by the administrator's reason."""
    kinds = workdays.year_days(year, agency_id)
    names: dict[date, str] = dict(workdays.national_holidays(year))
    for row in rows:  # the installation's rows first, the agency's win (as in workdays)
        if row.agency_id is None:
            names[row.date] = row.name
    for row in rows:
        if row.agency_id is not None:
            names[row.date] = row.name
    grid = []
    for month in range(1, 13):
        weeks = [[GridDay(d, d.month == month, *kinds.get(d, (d.weekday() < 5, "")), names.get(d, ""))
                  for d in week] for week in pycalendar.Calendar().monthdatescalendar(year, month)]
        grid.append((month, weeks))
    return grid
