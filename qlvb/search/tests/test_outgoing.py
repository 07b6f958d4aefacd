"""Outgoing documents in the search: the text of every version, visibility as the outgoing selectors."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from qlvb.core.actor import Actor
from qlvb.outgoing import selectors as outgoing_selectors
from qlvb.outgoing import services as outgoing_services
from qlvb.outgoing.tests.conftest import docx_upload
from qlvb.search import selectors
from qlvb.search.models import SearchEntry

pytestmark = pytest.mark.django_db


def titles(person, text, **kw):
    return [h.entry.title for h in selectors.search(person, text, **kw).hits]


def test_versions_text_is_searchable_and_follows_new_versions(org, draft):
    assert titles(org.specialist, "noi dung du thao") == [draft.summary]
    outgoing_services.add_version(by=Actor(org.specialist), document=draft,
                                  upload=docx_upload("Bản sửa: phòng chống cháy rừng mùa khô"))
    assert titles(org.specialist, "chay rung", filters={"kind": "outgoing"}) == [draft.summary]
    # the earlier version's words are still found (every version is indexed)
    assert titles(org.specialist, "noi dung du thao") == [draft.summary]
    hit = selectors.search(org.specialist, "chay rung").hits[0]
    assert "<mark>cháy rừng</mark>" in hit.snippet_html


def test_outgoing_visibility_agrees_with_the_selectors(org, other_org, draft):
    for person in (org.head, org.deputy, org.unit_head, org.specialist, org.clerk, org.admin, other_org.head):
        expected = set(outgoing_selectors.visible_documents(person).values_list("pk", flat=True))
        found = set(SearchEntry.objects.filter(selectors.visible_entries_q(person), kind="outgoing")
                    .values_list("document_id", flat=True))
        assert found == expected, person
    assert titles(other_org.head, "noi dung du thao") == []


def test_rebuild_command(org, draft, capsys):
    SearchEntry.objects.all().delete()
    assert titles(org.specialist, "noi dung du thao") == []
    call_command("rebuild_search_index")
    assert "documents/s" in capsys.readouterr().out
    assert titles(org.specialist, "noi dung du thao") == [draft.summary]
