"""Who sees what (R7, R29): lists, counts and pages; secret documents reach only their people."""

from __future__ import annotations

import pytest

from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.incoming import selectors, services
from qlvb.incoming.services import Target


def _visible(person, doc) -> bool:
    return selectors.visible_documents(person).filter(pk=doc.pk).exists()


def test_ordinary_document_visibility(org, other_org, register_doc):
    doc = register_doc()
    assert _visible(org.clerk, doc) and _visible(org.head, doc) and _visible(org.deputy, doc)
    assert not _visible(org.specialist, doc) and not _visible(org.unit_head, doc)
    assert not _visible(other_org.head, doc) and not _visible(other_org.clerk, doc)
    services.route(by=Actor(org.head), document=doc, main=Target(unit=org.unit))
    assert _visible(org.unit_head, doc) and not _visible(org.specialist, doc)


def test_secret_document_reaches_only_its_people(org, register_doc):
    doc = register_doc(secrecy="mat", presented_to=org.head)
    assert _visible(org.clerk, doc) and _visible(org.head, doc)
    assert not _visible(org.deputy, doc)  # a leader, but not presented to
    services.route(by=Actor(org.head), document=doc, main=Target(unit=org.unit))
    assert _visible(org.unit_head, doc) and not _visible(org.specialist, doc) and not _visible(org.deputy, doc)
    assert selectors.counts(org.deputy)["to_handle"] == 0
    assert not selectors.work_list(org.deputy, "all").filter(pk=doc.pk).exists()


def test_secret_opening_is_logged(org, register_doc, login):
    doc = register_doc(secrecy="toi_mat")
    client = login(org.head)
    assert client.get(f"/incoming/{doc.pk}/").status_code == 200
    assert Event.objects.filter(verb="incoming.secret_opened", target_id=str(doc.pk), actor=org.head).count() == 1
    assert login(org.deputy).get(f"/incoming/{doc.pk}/").status_code == 404


def test_pages_and_files_404_for_others(org, other_org, register_doc, login):
    doc = register_doc()
    file_id = doc.files.get().pk
    urls = [f"/incoming/{doc.pk}/", f"/incoming/{doc.pk}/route/", f"/incoming/{doc.pk}/edit/",
            f"/incoming/{doc.pk}/files/{file_id}/view/", f"/incoming/{doc.pk}/files/{file_id}/download/"]
    for person in (other_org.head, other_org.clerk, org.specialist):
        client = login(person)
        for url in urls:
            assert client.get(url).status_code == 404, (person, url)
        assert client.post(f"/incoming/{doc.pk}/reopen/", {"reason": "x"}).status_code == 404
    response = login(org.head).get(f"/incoming/{doc.pk}/files/{file_id}/view/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_counts_follow_the_work(org, register_doc):
    doc = register_doc()
    assert selectors.counts(org.head)["to_route"] == 1
    [a] = services.route(by=Actor(org.head), document=doc, main=Target(person=org.specialist))
    assert selectors.counts(org.head)["to_route"] == 0
    assert selectors.counts(org.specialist)["to_handle"] == 1
    services.record_progress(by=Actor(org.specialist), assignment=a, text="Đang xử lý")
    c = selectors.counts(org.specialist)
    assert (c["to_handle"], c["in_progress"]) == (0, 1)


@pytest.mark.parametrize("name", ["to_handle", "in_progress", "overdue", "due_soon", "for_info", "done", "all",
                                  "to_route", "drafts"])
def test_every_list_page_renders(org, register_doc, login, name):
    doc = register_doc(urgency="khan")
    services.route(by=Actor(org.head), document=doc, main=Target(person=org.specialist),
                   informed=[Target(person=org.deputy)])
    for person in (org.specialist, org.head, org.clerk, org.deputy):
        response = login(person).get(f"/incoming/list/{name}/", {"q": "Quyết định", "sort": "deadline"})
        assert response.status_code == 200


def test_delegation_scope_decides_where_the_delegate_acts(org, register_doc, login):
    from datetime import timedelta

    from django.utils import timezone

    from qlvb.org.services import request_delegation

    doc = register_doc()
    start = timezone.now() - timedelta(minutes=1)
    delegation = request_delegation(by=Actor(org.head), delegate=org.specialist, starts_at=start,
                                    ends_at=start + timedelta(days=1), reason="Công tác", scopes=["outgoing"])
    client = login(org.specialist)
    client.post("/org/acting/", {"delegation": delegation.pk})
    assert client.get(f"/incoming/{doc.pk}/").status_code == 404  # the delegation does not cover incoming
    wide = request_delegation(by=Actor(org.deputy), delegate=org.unit_head, starts_at=start,
                              ends_at=start + timedelta(days=1), reason="Nghỉ phép", scopes=["incoming"])
    from qlvb.org.services import approve_delegation

    approve_delegation(by=Actor(org.head), delegation=wide)
    client = login(org.unit_head)
    client.post("/org/acting/", {"delegation": wide.pk})
    assert client.get(f"/incoming/{doc.pk}/").status_code == 200  # acting as the deputy, a leader
