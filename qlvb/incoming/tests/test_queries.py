"""Pages of incoming documents keep a fixed number of queries whatever the data (no N+1)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.incoming import services
from qlvb.incoming.services import Target


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(org, register_doc, n: int) -> list:
    docs = []
    for _ in range(n):
        doc = register_doc()
        [main, _info] = services.route(by=Actor(org.head), document=doc, main=Target(unit=org.unit),
                                       informed=[Target(person=org.deputy)], directive="Xử lý")
        [child] = services.route(by=Actor(org.unit_head), document=doc, parent=main,
                                 main=Target(person=org.specialist))
        services.record_progress(by=Actor(org.specialist), assignment=child, text="Đang làm")
        docs.append(doc)
    return docs


def test_lists_overview_and_document_page_are_constant(org, register_doc, login):
    first = _grow(org, register_doc, 2)[0]
    pages = {
        org.specialist: ["/incoming/list/in_progress/", "/incoming/list/all/", "/"],
        org.head: ["/incoming/overview/", "/incoming/list/all/", f"/incoming/{first.pk}/"],
        org.unit_head: ["/incoming/overview/", "/incoming/list/in_progress/"],
        org.deputy: ["/incoming/list/for_info/"],
    }
    clients = {person: login(person) for person in pages}
    for person, urls in pages.items():  # the calendar, read once until it changes
        for url in urls:
            _count(clients[person], url)
    events.record(verb="core.test", agency=org.agency)  # the pages themselves are kept until the next event
    before = {(p.pk, url): _count(clients[p], url) for p, urls in pages.items() for url in urls}
    _grow(org, register_doc, 6)
    after = {(p.pk, url): _count(clients[p], url) for p, urls in pages.items() for url in urls}
    assert before == after
    assert max(after.values()) <= 30, after
