"""Query counts of the busiest pages do not grow with the number of rows (no N+1)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_person
from qlvb.core import personcache
from qlvb.core.actor import Actor
from qlvb.org import services


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(org, n: int) -> None:
    by = Actor(org.admin)
    for i in range(n):
        person = make_person(org.agency, f"stttt.extra{i}", f"Người Thêm {i}")
        services.assign_post(by=by, person=person, unit=org.unit, position=org.positions["cv"])
        services.assign_post(by=by, person=person, unit=org.office, position=org.positions["cv"],
                             is_concurrent=True)


def test_people_list_and_home_are_constant(org, login):
    client = login(org.admin)
    urls = ["/", "/org/people/", "/org/", "/audit/", "/api/v1/people/", "/org/fields/", "/org/delegations/"]
    for url in urls:  # what is kept until the calendar changes (not until any event) read once…
        client.get(url)
    personcache.bump()  # …and what any event makes stale read again, as after _grow
    before = {url: _count(client, url) for url in urls}
    _grow(org, 15)
    after = {url: _count(client, url) for url in urls}
    assert before == after
    # The home page: 20, and the internal notices box (its first rows and the unread count).
    assert after["/org/people/"] <= 16 and after["/"] <= 22, after
