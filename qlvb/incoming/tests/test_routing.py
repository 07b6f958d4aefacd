from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.core.workdays import add_working_days
from qlvb.dossiers.models import Dossier
from qlvb.dossiers.services import create_dossier
from qlvb.incoming import selectors, services
from qlvb.incoming.models import Assignment, IncomingDocument
from qlvb.incoming.services import Target
from qlvb.incoming.tests.conftest import future


@pytest.fixture
def routed(org, register_doc):
    """The issue's flow: the head routes to Phòng CNTT (main), Văn phòng (coordinator) and
    the deputy for information, with a directive and 5 working days."""
    doc = register_doc()
    deadline = services.resolve_deadline(agency_id=org.agency.pk, deadline=None, days=5)
    main, coord, info = services.route(
        by=Actor(org.head), document=doc, main=Target(unit=org.unit), coordinators=[Target(unit=org.office)],
        informed=[Target(person=org.deputy)], directive="Phòng CNTT chủ trì tham mưu trả lời", deadline=deadline)
    return doc, main, coord, info


def test_leader_routes_with_directive_and_working_day_deadline(org, routed):
    doc, main, coord, info = routed
    doc.refresh_from_db()
    assert doc.status == IncomingDocument.Status.ROUTED
    assert main.deadline == add_working_days(timezone.localdate(), 5, org.agency) == doc.deadline
    assert info.deadline is None and main.directive.startswith("Phòng CNTT")
    event = Event.objects.get(verb="incoming.routed", target_id=str(doc.pk))
    assert [a["role"] for a in event.data["assignments"]] == ["main", "coordinate", "info"]


def test_who_may_route(org, other_org, register_doc):
    doc = register_doc()
    for person in (org.specialist, org.unit_head, org.clerk, other_org.head):
        with pytest.raises(NotAllowed):
            services.route(by=Actor(person), document=doc, main=Target(unit=org.unit))
    services.route(by=Actor(org.deputy), document=doc, main=Target(unit=org.unit))  # any leader of the agency


def test_routing_rules(org, other_org, register_doc, routed):
    doc = register_doc()
    with pytest.raises(ValidationError):  # nobody
        services.route(by=Actor(org.head), document=doc, main=None)
    with pytest.raises(ValidationError):  # coordinators without a main handler
        services.route(by=Actor(org.head), document=doc, main=None, coordinators=[Target(unit=org.unit)])
    with pytest.raises(ValidationError):  # two roles for one unit
        services.route(by=Actor(org.head), document=doc, main=Target(unit=org.unit),
                       coordinators=[Target(unit=org.unit)])
    with pytest.raises(ValidationError):  # deadline in the past
        services.route(by=Actor(org.head), document=doc, main=Target(unit=org.unit),
                       deadline=timezone.localdate() - timedelta(days=1))
    with pytest.raises(NotAllowed):  # another agency's unit
        services.route(by=Actor(org.head), document=doc, main=Target(unit=other_org.unit))
    routed_doc = routed[0]
    with pytest.raises(ValidationError):  # a second main handler at the same level
        services.route(by=Actor(org.head), document=routed_doc, main=Target(unit=org.office))
    assert not doc.assignments.exists()


def test_unit_head_passes_down_with_own_deadline(org, routed):
    doc, main, *_ = routed
    with pytest.raises(NotAllowed):
        services.route(by=Actor(org.specialist), document=doc, parent=main, main=Target(person=org.specialist))
    with pytest.raises(ValidationError):  # later than the unit's own deadline
        services.route(by=Actor(org.unit_head), document=doc, parent=main, main=Target(person=org.specialist),
                       deadline=main.deadline + timedelta(days=30))
    [child] = services.route(by=Actor(org.unit_head), document=doc, parent=main, main=Target(person=org.specialist),
                             directive="Đề nghị đồng chí Mai xử lý", deadline=main.deadline - timedelta(days=1))
    main.refresh_from_db()
    assert child.parent == main and main.state == Assignment.State.IN_PROGRESS
    tree = selectors.routing_tree(doc, org.unit_head)
    assert tree[0].children[0].assignment == child


def test_leader_may_route_straight_to_a_specialist(org, register_doc):
    doc = register_doc()
    [a] = services.route(by=Actor(org.head), document=doc, main=Target(person=org.specialist), deadline=future())
    assert selectors.work_list(org.specialist, "to_handle").get() == doc
    assert a.assignee_person == org.specialist


def test_handling_contribution_reading_and_completion(org, routed):
    doc, main, coord, info = routed
    [child] = services.route(by=Actor(org.unit_head), document=doc, parent=main, main=Target(person=org.specialist))
    services.record_progress(by=Actor(org.specialist), assignment=child, text="Đã dự thảo công văn trả lời")
    with pytest.raises(ValidationError):
        services.contribute(by=Actor(org.specialist), assignment=child, text="x")  # not a coordinator
    with pytest.raises(NotAllowed):
        services.contribute(by=Actor(org.specialist), assignment=coord, text="x")  # not his unit
    # The office's head is the clerk's unit head? No: nobody heads Văn phòng in the fixture → only persons holding.
    services.mark_read(by=Actor(org.deputy), assignment=info)
    dossier = create_dossier(by=Actor(org.specialist), agency=org.agency, code="01.CNTT", title="Hồ sơ CNTT",
                             retention="10")
    with pytest.raises(NotAllowed):
        services.complete(by=Actor(org.deputy), document=doc, note="x")
    services.complete(by=Actor(org.specialist), document=doc, note="Đã trả lời bằng công văn", dossiers=[dossier])
    doc.refresh_from_db()
    assert doc.status == IncomingDocument.Status.COMPLETED and doc.completed_by == org.specialist
    assert not doc.assignments.filter(state__in=Assignment.OPEN_STATES).exclude(role="info").exists()
    assert dossier.items.get().document == doc
    assert selectors.work_list(org.specialist, "done").filter(pk=doc.pk).exists()


def test_coordinator_contributes(org, routed, root):
    doc, main, coord, info = routed
    from qlvb.org import services as org_services

    org_services.assign_post(by=Actor(root), person=org.clerk, unit=org.office, position=org.positions["tp"],
                             is_concurrent=True)
    clerk = type(org.clerk).objects.get(pk=org.clerk.pk)
    services.contribute(by=Actor(clerk), assignment=coord, text="Văn phòng thống nhất nội dung")
    coord.refresh_from_db()
    assert coord.state == Assignment.State.DONE and coord.notes.get().kind == "contribution"


def test_withdraw_and_change_deadline_by_whoever_routed(org, routed):
    doc, main, coord, info = routed
    with pytest.raises(NotAllowed):
        services.withdraw(by=Actor(org.deputy), assignment=coord, reason="Nhầm")
    services.change_deadline(by=Actor(org.head), assignment=main, deadline=future(20), reason="Gia hạn")
    doc.refresh_from_db()
    assert doc.deadline == future(20)
    event = Event.objects.get(verb="incoming.deadline_changed")
    assert event.data["reason"] == "Gia hạn" and event.data["old"]
    services.withdraw(by=Actor(org.head), assignment=main, reason="Giao nhầm đơn vị")
    main.refresh_from_db()
    assert main.state == Assignment.State.WITHDRAWN
    services.route(by=Actor(org.head), document=doc, main=Target(unit=org.office))  # a new main is allowed now


def test_reopen(org, routed):
    doc, main, *_ = routed
    services.complete(by=Actor(org.unit_head), document=doc, note="Xong")
    with pytest.raises(NotAllowed):
        services.reopen(by=Actor(org.specialist), document=doc, reason="x")
    with pytest.raises(ValidationError):
        services.reopen(by=Actor(org.head), document=doc, reason=" ")
    services.reopen(by=Actor(org.head), document=doc, reason="Kết thúc nhầm")
    doc.refresh_from_db()
    main.refresh_from_db()
    assert doc.status == IncomingDocument.Status.IN_PROGRESS and main.state == Assignment.State.IN_PROGRESS


def test_delegate_routes_on_behalf(org, register_doc):
    doc = register_doc()
    [a] = services.route(by=Actor(org.deputy, on_behalf_of=org.head), document=doc, main=Target(unit=org.unit))
    assert a.assigned_by == org.deputy and a.on_behalf_of == org.head
    event = Event.objects.get(verb="incoming.routed", target_id=str(doc.pk))
    assert event.actor == org.deputy and event.on_behalf_of == org.head
    services.withdraw(by=Actor(org.head), assignment=a, reason="Tự xử lý")  # the delegator may change it


def test_late_routing_flag(org, register_doc):
    doc = register_doc()
    IncomingDocument.objects.filter(pk=doc.pk).update(routing_due_at=timezone.now() - timedelta(hours=1))
    doc.refresh_from_db()
    assert doc.presentation_is_late
    services.route(by=Actor(org.head), document=doc, main=Target(unit=org.unit))
    assert Event.objects.get(verb="incoming.routed", target_id=str(doc.pk)).data["late"] is True


def test_dossier_rules(org):
    with pytest.raises(ValidationError):
        create_dossier(by=Actor(org.specialist), agency=org.agency, code="02", title="x", retention="5",
                       kind=Dossier.Kind.UNIT)
    with pytest.raises(NotAllowed):
        create_dossier(by=Actor(org.specialist), agency=org.agency, code="03", title="Kế hoạch", retention="5",
                       planned=True)


def test_passing_on_stays_within_the_unit(org, routed):
    doc, main, *_ = routed
    for target in (Target(unit=org.office), Target(person=org.head), Target(person=org.unit_head)):
        with pytest.raises(ValidationError):
            services.route(by=Actor(org.unit_head), document=doc, parent=main, main=target)
    [child] = services.route(by=Actor(org.unit_head), document=doc, parent=main, main=Target(person=org.specialist))
    with pytest.raises(ValidationError):  # a specialist heads nothing to pass on to
        services.route(by=Actor(org.specialist), document=doc, parent=child, main=Target(person=org.unit_head))


def test_child_deadline_change_respects_the_parent(org, routed):
    doc, main, *_ = routed
    [child] = services.route(by=Actor(org.unit_head), document=doc, parent=main, main=Target(person=org.specialist))
    with pytest.raises(ValidationError):
        services.change_deadline(by=Actor(org.unit_head), assignment=child, deadline=main.deadline + timedelta(days=9),
                                 reason="Xin gia hạn")


def test_information_can_be_read_after_completion(org, routed):
    doc, main, coord, info = routed
    services.complete(by=Actor(org.unit_head), document=doc, note="Xong")
    services.mark_read(by=Actor(org.deputy), assignment=info)
    assert selectors.counts(org.deputy)["for_info"] == 0


def test_withdrawing_after_completion_keeps_the_status(org, routed):
    doc, main, coord, info = routed
    services.complete(by=Actor(org.unit_head), document=doc, note="Xong")
    withdrawn = services.withdraw(by=Actor(org.head), assignment=info, reason="Không cần nữa")
    doc.refresh_from_db()
    assert withdrawn.state == "withdrawn" and doc.status == IncomingDocument.Status.COMPLETED


def test_secret_document_routed_to_leadership_reaches_the_head(org, register_doc):
    doc = register_doc(secrecy="mat", presented_to=org.deputy)
    services.route(by=Actor(org.deputy), document=doc, main=Target(unit=org.leadership))
    assert selectors.visible_documents(org.head).filter(pk=doc.pk).exists()
    assert selectors.counts(org.head)["to_handle"] == selectors.work_list(org.head, "to_handle").count() == 1


@pytest.mark.django_db
def test_routing_grid_refuses_an_unknown_recipient_as_a_form_error(org):
    # A local `_` once shadowed gettext here, so an unknown key raised TypeError (a 500), not this.
    from django.http import QueryDict

    from qlvb.incoming.forms import parse_routing

    for key in ("u:abc", "u:999999", "p:999999"):
        with pytest.raises(ValidationError):
            parse_routing(QueryDict(f"main={key}"), org.agency, default_deadline=None)
