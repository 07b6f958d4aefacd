"""A type filter in one agency (selectors.TYPE_WINDOWS): the newest matches of that type, asked once
over every entry (on PostgreSQL through the index search_agency_type_id or the GIN index, as the
planner chooses); the same rows in the same order as the other paths."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from qlvb.core.kinds import Rule
from qlvb.search import selectors

pytestmark = pytest.mark.django_db

TYPES = ["QĐ", "CV", "QĐ", "QĐ", "CV", "QĐ", "QĐ", "CV"]


@pytest.fixture
def letters(org, register_doc):
    """Eight letters holding the same words, of two types; the seventh is dated outside the period
    asked, and a secret one of the type the head may not open is the newest."""
    today = timezone.localdate()
    docs = [register_doc(summary=f"Kế hoạch kiểm kê tài sản đợt {n}", doc_type=doc_type,
                         document_date=today - timedelta(days=400 if n == 6 else 2))
            for n, doc_type in enumerate(TYPES)]
    register_doc(summary="Kế hoạch kiểm kê tài sản mật", doc_type="QĐ", secrecy="mat", presented_to=org.deputy)
    return docs


def _found(viewer, filters, **kw) -> list[int]:
    return [hit.entry.document_id for hit in selectors.search(viewer, "kiem ke", filters=filters, **kw).hits]


def test_a_type_filter_asks_once_for_the_newest_matches_of_that_type(org, letters, monkeypatch):
    today = timezone.localdate()
    filters = {"doc_type": "QĐ", "date_from": today - timedelta(days=30), "date_to": today}
    asked: list[tuple] = []
    recent = selectors._recent_matches

    def spy(*args, **kw):
        asked.append(kw["windows"])
        return recent(*args, **kw)

    monkeypatch.setattr(selectors, "_recent_matches", spy)
    monkeypatch.setattr(selectors, "FIRST_CANDIDATES", 2)

    results = selectors.search(org.head, "kiem ke", filters=filters, sort="newest", per_page=1)

    # The newest letters of the type in the period the head may open: not the secret one, not the
    # one dated a year ago, not the letters of the other type; two candidates on the first page.
    assert [h.entry.document_id for h in results.hits] == [letters[5].pk]
    assert results.total == 2 and results.capped
    assert _found(org.head, filters, sort="newest", per_page=1, page=2) == [letters[3].pk]
    # PostgreSQL is asked once a page, over every entry; FTS5 walks its own doclists.
    assert asked == ([selectors.TYPE_WINDOWS] * 2 if connection.vendor == "postgresql" else [])


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_the_type_path_gives_what_the_windowed_path_gives(org, letters, monkeypatch, sort):
    """The same rows in the same order, page by page, as the windows of the other filters (and the
    newest rows' pass, which holds every match of so small an index)."""
    today = timezone.localdate()
    filters = {"doc_type": "QĐ", "status": "registered", "date_from": today - timedelta(days=30), "date_to": today}
    monkeypatch.setattr(selectors, "FIRST_CANDIDATES", 3)
    pages = [_found(org.head, filters, sort=sort, per_page=2, page=page) for page in (1, 2, 3)]
    wanted = {d.pk for d, t in zip(letters, TYPES) if t == "QĐ" and d != letters[6]}
    assert pages[0] and set(sum(pages, [])) <= wanted  # (a later page reads further: "oldest" may repeat)

    monkeypatch.setattr(selectors, "_windows", lambda rules, filters: selectors.FILTERED_WINDOWS)
    assert [_found(org.head, filters, sort=sort, per_page=2, page=page) for page in (1, 2, 3)] == pages
    monkeypatch.setattr(selectors, "_windows", lambda rules, filters: (1, None))
    assert [_found(org.head, filters, sort=sort, per_page=2, page=page) for page in (1, 2, 3)] == pages


def test_the_type_path_only_for_a_type_in_one_agency():
    one = {"incoming": Rule(agencies=frozenset({1})), "outgoing": Rule(agencies=frozenset({1}))}
    two = {"incoming": Rule(agencies=frozenset({1})), "outgoing": Rule(agencies=frozenset({2}))}
    assert selectors._windows(one, {"doc_type": "CV"}) is selectors.TYPE_WINDOWS
    assert selectors._windows(one, {"doc_type": "CV", "status": "completed"}) is selectors.TYPE_WINDOWS
    # in two agencies the index's order is the order of neither: the windows of the other filters
    assert selectors._windows(two, {"doc_type": "CV"}) == selectors.FILTERED_WINDOWS
    assert selectors._windows(one, {"status": "completed"}) == selectors.FILTERED_WINDOWS
    assert selectors._windows(one, {"doc_type": ""}) == selectors.WINDOWS


def test_the_type_index_holds_the_columns_the_walk_tests():
    """PostgreSQL only (migration search/0008): agency and type lead, then the id, so a type's
    entries come newest first; status and period are tested in the index."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "search_searchentry")
    assert constraints["search_agency_type_id"]["columns"] == ["agency_id", "doc_type", "id", "status", "date"]
