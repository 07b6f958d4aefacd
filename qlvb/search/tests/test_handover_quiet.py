"""A hand-over (core.handover) moves who holds a document, not what is indexed: its events
reindex nothing, and the entry stays as it was."""

from __future__ import annotations

from qlvb.core.actor import Actor
from qlvb.incoming import services as incoming
from qlvb.incoming.services import Target
from qlvb.search import services
from qlvb.search.models import SearchEntry


def test_a_hand_over_reindexes_nothing(org, register_doc, monkeypatch):
    doc = register_doc(summary="V/v triển khai chữ ký số")
    incoming.route(by=Actor(org.head), document=doc, main=Target(person=org.specialist))
    before = list(SearchEntry.objects.filter(kind="incoming", document_id=doc.pk).values())
    calls = []
    monkeypatch.setattr(services, "index", lambda *args: calls.append(args))
    assert incoming.hand_over(by=Actor(org.head), person=org.specialist, successor=org.unit_head,
                              agency_id=org.agency.pk) == 1
    assert calls == []
    assert list(SearchEntry.objects.filter(kind="incoming", document_id=doc.pk).values()) == before
