"""Routing as a leader expects it (003 Đ9.3, Đ15.3): several main handlers each with its own part;
adding coordinators and recipients to a routing without withdrawing it; no routing without a
directive and a deadline chosen; the type and field corrected while routing; the scan beside the
grid; coordinators who never contributed are shown before completion and recorded."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.incoming import services
from qlvb.incoming.models import Assignment, IncomingDocument
from qlvb.incoming.services import Target
from qlvb.incoming.tests.conftest import future


def test_several_main_handlers_each_finish_their_part(org, register_doc):
    doc = register_doc()
    with pytest.raises(ValidationError) as refused:
        services.route(by=Actor(org.head), document=doc, main=Target(unit=org.unit), mains=[Target(unit=org.office)],
                       deadline=future(5))
    assert "directive" in refused.value.message_dict
    first, second = services.route(
        by=Actor(org.head), document=doc, main=Target(unit=org.unit), mains=[Target(person=org.clerk)],
        directive="Phòng CNTT: phần kỹ thuật; đ/c văn thư: phần lưu trữ", deadline=future(5))
    assert first.role == second.role == Assignment.Role.MAIN
    services.complete(by=Actor(org.unit_head), document=doc, note="Xong phần kỹ thuật")
    doc.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert doc.status != IncomingDocument.Status.COMPLETED  # the clerk's part is still open
    assert first.state == Assignment.State.DONE and second.is_open
    assert Event.objects.filter(verb="incoming.part_completed", target_id=doc.pk).exists()
    services.complete(by=Actor(org.clerk), document=doc, note="Xong phần lưu trữ")
    doc.refresh_from_db()
    assert doc.status == IncomingDocument.Status.COMPLETED


def test_coordinators_and_recipients_are_added_without_withdrawing(org, register_doc):
    doc = register_doc()
    [main] = services.route(by=Actor(org.head), document=doc, main=Target(unit=org.unit), directive="Xử lý",
                            deadline=future(5))
    added = services.route(by=Actor(org.head), document=doc, main=None, coordinators=[Target(unit=org.office)],
                           informed=[Target(person=org.deputy)])
    assert [a.role for a in added] == [Assignment.Role.COORDINATE, Assignment.Role.INFO]
    main.refresh_from_db()
    assert main.is_open
    with pytest.raises(ValidationError):  # the same task twice
        services.route(by=Actor(org.head), document=doc, main=None, coordinators=[Target(unit=org.office)])


def test_the_leader_corrects_type_and_field_while_routing(org, register_doc, field):
    doc = register_doc()
    services.route(by=Actor(org.head), document=doc, main=Target(unit=org.unit), directive="Xử lý",
                   deadline=future(5), corrections={"doc_type": "CV", "field": field})
    doc.refresh_from_db()
    assert doc.doc_type == "CV" and doc.field == field
    event = Event.objects.get(verb="incoming.routed", target_id=doc.pk)
    assert event.data["corrected"]["doc_type"] == ["QĐ", "CV"]


def test_the_routing_page_needs_a_directive_and_a_deadline_and_shows_the_scan(org, register_doc, field, login):
    doc = register_doc()
    client = login(org.head)
    page = client.get(f"/incoming/{doc.pk}/route/").content.decode()
    assert 'id="routing-scan"' in page
    # One click with the pre-ticked unit only: nothing is routed.
    response = client.post(f"/incoming/{doc.pk}/route/", {"main": f"u:{org.unit.pk}"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hãy ghi ý kiến chỉ đạo" in html and "Hãy chọn hạn xử lý" in html
    assert not doc.assignments.exists()
    response = client.post(f"/incoming/{doc.pk}/route/", {
        "main": [f"u:{org.unit.pk}", f"u:{org.office.pk}"], "directive": "CNTT: kỹ thuật; VP: kinh phí",
        "deadline_days": "5", "doc_type": "CV", "field": field.pk})
    assert response.status_code == 302
    assert doc.assignments.filter(role=Assignment.Role.MAIN).count() == 2
    doc.refresh_from_db()
    assert doc.doc_type == "CV"
    # Adding later: the page says what is already given and adds to it.
    page = client.get(f"/incoming/{doc.pk}/route/").content.decode()
    assert 'id="already-given"' in page


def test_a_coordinator_who_never_contributed_is_shown_and_recorded(org, register_doc, login):
    doc = register_doc()
    main, coord = services.route(by=Actor(org.head), document=doc, main=Target(unit=org.unit),
                                 coordinators=[Target(unit=org.office)], directive="Xử lý", deadline=future(5))
    page = login(org.unit_head).get(f"/incoming/{doc.pk}/").content.decode()
    assert 'id="silent-coordinators"' in page and org.office.name in page.split('id="silent-coordinators"')[1][:500]
    services.complete(by=Actor(org.unit_head), document=doc, note="Xong")
    event = Event.objects.get(verb="incoming.completed", target_id=doc.pk)
    assert event.data["without_contribution"] == [{"id": coord.pk, "to": str(coord.assignee)}]
