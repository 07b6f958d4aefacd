"""The incoming documents' part of a hand-over (core.handover): the person's open tasks change
assignee, the successor gets an access row and the document in his list; done ones stay."""

from __future__ import annotations

from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.incoming import selectors, services
from qlvb.incoming.models import Assignment, DocumentAccess
from qlvb.incoming.services import Target


def test_open_tasks_move_with_access(org, register_doc):
    doc = register_doc()
    services.route(by=Actor(org.head), document=doc, main=Target(person=org.specialist))
    assert services.open_assignments(org.specialist, org.agency.pk).count() == 1
    assert services.hand_over(by=Actor(org.head), person=org.specialist, successor=org.admin,
                              agency_id=org.agency.pk) == 1
    assert Assignment.objects.get(document=doc).assignee_person == org.admin
    assert DocumentAccess.objects.filter(document=doc, person=org.admin).exists()
    assert doc.pk in set(selectors.work_list(org.admin, "to_handle").values_list("pk", flat=True))
    event = Event.objects.get(verb="incoming.handed_over")
    assert event.data["from"] == org.specialist.pk and event.data["to"] == org.admin.pk
    assert services.hand_over(by=Actor(org.head), person=org.specialist, successor=org.admin,
                              agency_id=org.agency.pk) == 0
