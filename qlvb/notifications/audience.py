"""Who of some people may open some documents, for many at once: what every notification checks
before it is written (nobody is told of a document they may not open), without a query per person."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.db.models import IntegerField, Value

from qlvb.core import kinds, rows
from qlvb.org.models import Person
from qlvb.org.roles import prime

PEOPLE_CHUNK = 40  # people whose visibility is checked in one query


def batched(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def visible(document_kind: kinds.DocumentKind, pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Of these (person, document) pairs, those where the person is active and may open the
    document by the kind's rule: the people's roles read in one query, then one query (a UNION of
    each person's rule over their documents) per PEOPLE_CHUNK people."""
    documents_of: dict[int, set[int]] = defaultdict(set)
    for person_id, document_id in pairs:
        documents_of[person_id].add(document_id)
    people = list(Person.objects.filter(pk__in=sorted(documents_of), is_active=True, locked_at__isnull=True))
    prime(people)
    manager = document_kind.model_class._default_manager
    allowed: set[tuple[int, int]] = set()
    for chunk in batched(people, PEOPLE_CHUNK):
        parts = [manager.filter(pk__in=sorted(documents_of[person.pk]))
                 .filter(document_kind.rule(person).q(among=sorted(documents_of[person.pk]),
                                                      status_field=document_kind.status_field))
                 .order_by().annotate(reader=Value(person.pk, output_field=IntegerField()))
                 .values_list("reader", "pk") for person in chunk]
        query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        allowed.update((int(reader), int(pk)) for reader, pk in query)
    return allowed


# Every notification of one document asks this (every registration): compiled once (core.rows).
_ACTIVE = rows.Read(lambda ids: Person.objects.filter(pk__in=ids, is_active=True, locked_at__isnull=True)
                    .values_list(*rows.attnames(Person)), list)


def may_open(document_kind: kinds.DocumentKind, document: Any, person_ids: Iterable[int | None]) -> list[Person]:
    """The active people of these who may open this one document (their roles read in one query)."""
    people = _ACTIVE.objects(Person, sorted({p for p in person_ids if p}))
    prime(people)
    return [person for person in people if document_kind.rule(person).allows(document)]
