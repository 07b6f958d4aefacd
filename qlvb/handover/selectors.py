"""What the hand-over pages read: a person's open work by provider, the past hand-overs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from qlvb.core import handover
from qlvb.core.handover import OpenItem
from qlvb.handover import rules
from qlvb.handover.models import HandOver
from qlvb.org.models import Person, Post
from qlvb.org.roles import roles_of

SAMPLE = 5


@dataclass
class OpenWork:
    name: str
    label: Any
    count: int
    sample: list[OpenItem]


def open_work(person: Person, agency_id: int, sample: int = SAMPLE) -> list[OpenWork]:
    rows = []
    for provider in handover.providers():
        count = provider.open_items(person, agency_id)
        rows.append(OpenWork(provider.name, provider.label, count,
                             provider.sample(person, agency_id, sample) if count and sample else []))
    return rows


def person_for(viewer: Person, pk: int, agency_id: int) -> Person:
    """The person whose work the viewer may hand over, or 404."""
    person = Person.objects.filter(pk=pk).first()
    if person is None or not rules.may_hand_over(viewer, person, agency_id):
        raise Http404()
    return person


def hand_overs(viewer: Person, agency_id: int) -> QuerySet[HandOver]:
    """The agency's past hand-overs (leaders, administrators); a unit head's: those he made or of
    people of his units."""
    if not rules.may_list(viewer, agency_id):
        raise Http404()
    rows = HandOver.objects.filter(agency_id=agency_id).select_related("person", "successor", "by")
    if rules.may_manage(viewer, agency_id):
        return rows
    people = Post.objects.filter(agency_id=agency_id, unit_id__in=sorted(roles_of(viewer).headed_unit_ids))
    return rows.filter(person_id__in=people.values("person_id"))


def counts_of(record: HandOver) -> list[tuple[Any, int, Person | None]]:
    """(provider label, items moved, its successor) for each provider of the record."""
    others = {p.pk: p for p in Person.objects.filter(pk__in=sorted(set((record.successors or {}).values())))}
    return [(provider.label, int((record.counts or {}).get(provider.name, 0)),
             others.get((record.successors or {}).get(provider.name, 0)) or record.successor)
            for provider in handover.providers()]


def may_see(viewer: Person, record: HandOver) -> bool:
    """A record: whose work it was, his successors, and who may list it."""
    if viewer.pk in {record.person_id, record.successor_id, *(record.successors or {}).values()}:
        return True
    return rules.may_list(viewer, record.agency_id) and hand_overs(viewer, record.agency_id).filter(
        pk=record.pk).exists()
