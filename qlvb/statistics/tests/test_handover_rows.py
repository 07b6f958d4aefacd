"""A hand-over (core.handover) moves thousands of items with an event on each: the statistics rows
follow them — refreshed together at the hand-over's own event, or at the commit when a provider is
called on its own — and the tallies kept are still the rows added up (conftest checks it)."""

from __future__ import annotations

from qlvb.core.actor import Actor
from qlvb.handover import services as handover
from qlvb.incoming import services as incoming
from qlvb.incoming.services import Target
from qlvb.statistics import services
from qlvb.statistics.models import Item
from qlvb.tasks import services as tasks
from qlvb.tasks.services import Owner
from qlvb.tasks.tests.conftest import future


def _people(kind, ids):
    return set(Item.objects.filter(kind=kind, source_id__in=ids).values_list("person_id", flat=True))


def test_the_rows_follow_a_hand_over_in_one_batch(org, register_doc, monkeypatch,
                                                   django_capture_on_commit_callbacks):
    docs = [register_doc(summary=f"V/v triển khai nhiệm vụ số {n}") for n in range(3)]
    for doc in docs:
        incoming.route(by=Actor(org.head), document=doc, main=Target(person=org.specialist))
    task = tasks.assign(by=Actor(org.head), agency=org.agency, title="Rà soát", owner=Owner(person=org.specialist),
                        deadline=future())
    assert _people("incoming", [d.pk for d in docs]) == {org.specialist.pk}
    one_by_one = []
    monkeypatch.setattr(services, "refresh_one", lambda *args: one_by_one.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        handover.hand_over(by=Actor(org.head), person=org.specialist, agency=org.agency, successor=org.admin)
    assert one_by_one == []  # none refreshed one by one
    assert _people("incoming", [d.pk for d in docs]) == {org.admin.pk}
    assert _people("task", [task.pk]) == {org.admin.pk}


def test_a_provider_on_its_own_is_refreshed_at_the_commit(org, register_doc, django_capture_on_commit_callbacks):
    doc = register_doc()
    incoming.route(by=Actor(org.head), document=doc, main=Target(person=org.specialist))
    with django_capture_on_commit_callbacks(execute=True):
        incoming.hand_over(by=Actor(org.head), person=org.specialist, successor=org.admin, agency_id=org.agency.pk)
    assert _people("incoming", [doc.pk]) == {org.admin.pk}
