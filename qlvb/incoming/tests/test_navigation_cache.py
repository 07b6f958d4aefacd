"""The side menu and its counts are kept between requests (core.personcache, base.html), yet a
person always sees their own menu and counts that are right after the last change."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from qlvb.core.actor import Actor
from qlvb.incoming import services
from qlvb.incoming.services import Target


def _badge(html: str, name: str) -> int:
    """The count beside a work list in the side menu (0 when there is no badge)."""
    found = re.search(rf'href="/incoming/list/{name}/">[^<]*(?:<span class="badge[^"]*">(\d+)</span>)?', html)
    assert found, name
    return int(found.group(1) or 0)


def test_a_count_changes_right_after_a_document_is_routed_to_the_person(org, register_doc, login):
    specialist = login(org.specialist)
    page = specialist.get("/incoming/list/in_progress/").content.decode()
    assert _badge(page, "to_handle") == 0
    assert _badge(specialist.get("/incoming/list/in_progress/").content.decode(), "to_handle") == 0  # kept
    services.route(by=Actor(org.head), document=register_doc(), main=Target(person=org.specialist))
    assert _badge(specialist.get("/incoming/list/in_progress/").content.decode(), "to_handle") == 1
    [task] = services.route(by=Actor(org.head), document=register_doc(), main=Target(person=org.specialist))
    services.record_progress(by=Actor(org.specialist), assignment=task, text="Đang làm")
    page = specialist.get("/incoming/list/in_progress/").content.decode()
    assert (_badge(page, "to_handle"), _badge(page, "in_progress")) == (1, 1)


def test_nobody_is_shown_the_menu_kept_for_someone_else(org, register_doc, login):
    services.route(by=Actor(org.head), document=register_doc(), main=Target(person=org.unit_head))
    register_doc()  # waits for the head's routing
    head, unit_head, specialist = login(org.head), login(org.unit_head), login(org.specialist)
    url = "/incoming/list/to_handle/"
    head_page = head.get(url).content.decode()
    assert "/incoming/list/to_route/" in head_page and "/incoming/overview/" in head_page
    unit_head_page = unit_head.get(url).content.decode()
    assert "/incoming/list/to_route/" not in unit_head_page and _badge(unit_head_page, "to_handle") == 1
    specialist_page = specialist.get(url).content.decode()
    assert "/incoming/overview/" not in specialist_page and _badge(specialist_page, "to_handle") == 0
    assert org.specialist.full_name in specialist_page and org.head.full_name not in specialist_page


def test_a_second_load_of_the_inbox_asks_the_database_less(org, register_doc, login):
    services.route(by=Actor(org.head), document=register_doc(), main=Target(person=org.specialist))
    client = login(org.specialist)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/incoming/list/to_handle/").status_code == 200
        counts.append(len(ctx.captured_queries))
    # Kept: the menu's counts, roles, calendar, delegations to approve. Left: the session, the person,
    # the sign-in record, the delegations in force (acting for someone is decided by them), the
    # list's count, its rows and what they show (15 queries on the first load, 8 on the next).
    assert counts[1] <= 8 and counts[1] < counts[0], counts


def test_opening_a_secret_document_keeps_what_pages_keep(org, register_doc):
    from qlvb.core import personcache

    document = register_doc(secrecy="mat")
    before = personcache.stamp()
    services.record_opening(by=Actor(org.head), document=document)  # logged (R7), changes nothing shown
    assert personcache.stamp() == before


def test_a_second_load_of_the_home_page_asks_the_database_less(org, register_doc, login):
    register_doc()  # waits for the head's routing
    client = login(org.head)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        counts.append(len(ctx.captured_queries))
    # Left: the session, the person, the sign-in record, the delegations announced, the recent activity.
    assert counts[1] <= 7 and counts[1] < counts[0], counts
