"""The task lists read from the tasks' own copy of the document's arrival time and secrecy
(selectors.newest_task_documents): they must list exactly what work_list() does, in its order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_person
from qlvb.core.actor import Actor
from qlvb.incoming import selectors, services
from qlvb.incoming.models import Assignment
from qlvb.incoming.services import Target
from qlvb.org import services as org_services

from .conftest import future


def _newest(person, name: str) -> list[int]:
    return [pk for pk, _arrival in selectors.newest_task_documents(person, name)]


def _reference(person, name: str) -> list[int]:
    return list(selectors.work_list(person, name).order_by("-received_at", "-id").values_list("pk", flat=True))


@pytest.fixture
def routed(org, register_doc):
    """Five documents arrived an hour apart (the first the oldest), routed in mixed ways."""
    now = timezone.now()
    docs = [register_doc(received_at=now - timedelta(hours=10 - i)) for i in range(5)]
    secret = register_doc(secrecy="mat", received_at=now - timedelta(hours=2))
    for doc in docs[:3] + [secret]:
        services.route(by=Actor(org.head), document=doc, main=Target(unit=org.unit), deadline=future(),
                       informed=[Target(person=org.deputy)])
    [main] = services.route(by=Actor(org.head), document=docs[3], main=Target(person=org.unit_head))
    services.record_progress(by=Actor(org.unit_head), assignment=main, text="Đang xử lý")
    services.route(by=Actor(org.head), document=docs[4], main=Target(person=org.specialist),
                   coordinators=[Target(unit=org.unit)], deadline=timezone.localdate() + timedelta(days=1))
    return docs, secret


def test_task_lists_match_the_document_lists(org, routed):
    docs, secret = routed
    later_head = make_person(org.agency, "tp.moi", "Hoàng Văn Mới")
    org_services.assign_post(by=Actor(org.admin), person=later_head, unit=org.unit, position=org.positions["tp"])
    people = [org.head, org.deputy, org.unit_head, org.specialist, later_head]
    for person in people:
        for name in selectors.TASK_LISTS:
            assert _newest(person, name) == _reference(person, name), (person.username, name)
    # Newest first; the unit's secret document is listed for the head named at routing only.
    assert _newest(org.unit_head, "to_handle") == [secret.pk, docs[4].pk, docs[2].pk, docs[1].pk, docs[0].pk]
    assert secret.pk not in _newest(later_head, "to_handle")
    assert _newest(org.unit_head, "in_progress") == [docs[3].pk]
    assert _newest(org.deputy, "for_info") == [secret.pk, docs[2].pk, docs[1].pk, docs[0].pk]


def test_a_document_with_two_tasks_of_the_person_is_listed_once(org, register_doc):
    doc = register_doc()
    services.route(by=Actor(org.head), document=doc, main=Target(unit=org.unit),
                   coordinators=[Target(person=org.unit_head)])
    assert Assignment.objects.filter(document=doc).count() == 2
    assert _newest(org.unit_head, "to_handle") == [doc.pk]
    assert selectors.counts(org.unit_head)["to_handle"] == 1


def test_navigation_counts_are_the_lists_lengths(org, routed):
    for person in (org.head, org.deputy, org.unit_head, org.specialist):
        found = selectors.counts(person)
        for name in ("to_handle", "in_progress", "overdue", "due_soon", "for_info"):
            assert found[name] == len(_reference(person, name)), (person.username, name)


def test_correcting_the_arrival_time_moves_the_document_in_the_lists(org, routed):
    docs, _secret = routed
    services.update_document(by=Actor(org.clerk), document=docs[0],
                             fields={"received_at": timezone.now() - timedelta(minutes=5)})
    assert set(Assignment.objects.filter(document=docs[0]).values_list("received_at", flat=True)) == {
        docs[0].__class__.objects.get(pk=docs[0].pk).received_at}
    assert _newest(org.unit_head, "to_handle")[0] == docs[0].pk
    assert _newest(org.unit_head, "to_handle") == _reference(org.unit_head, "to_handle")


def test_list_page_pages_through_the_tasks(org, register_doc, login):
    docs = [register_doc() for _ in range(27)]
    for doc in docs:
        services.route(by=Actor(org.head), document=doc, main=Target(unit=org.unit))
    client = login(org.unit_head)
    first = client.get("/incoming/list/to_handle/")
    second = client.get("/incoming/list/to_handle/?page=2")
    assert first.status_code == second.status_code == 200
    shown = [[d.pk for d in response.context["page"]] for response in (first, second)]
    assert len(shown[0]) == 25 and len(shown[1]) == 2
    assert shown[0] + shown[1] == _reference(org.unit_head, "to_handle")
    assert first.context["page"].paginator.count == 27
    # Filtering falls back to the document query and still finds them.
    assert client.get("/incoming/list/to_handle/?sort=old").context["page"].paginator.count == 27
