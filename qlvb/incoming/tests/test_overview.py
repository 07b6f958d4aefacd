"""The overview's counts (R29) and the shortcuts that keep lists fast at a million documents:
the tally kept by the services, task-based lists, and one-document access checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from conftest import make_person
from qlvb.core.actor import Actor
from qlvb.incoming import selectors, services, tally
from qlvb.incoming.models import Assignment, IncomingDocument, IncomingTally, OpenWorkTally, UnitTally
from qlvb.incoming.services import Target
from qlvb.org import services as org_services

from .conftest import fields, future


def _tally(agency_id: int) -> dict:
    return {(t.status, t.secret, t.late): t.n for t in IncomingTally.objects.filter(agency_id=agency_id) if t.n}


def _work(agency_id: int) -> dict:
    return {(t.unit_id, t.deadline, t.secret): t.n for t in OpenWorkTally.objects.filter(agency_id=agency_id) if t.n}


def _units(agency_id: int) -> dict:
    return {(t.unit_id, t.status, t.late): t.n for t in UnitTally.objects.filter(agency_id=agency_id) if t.n}


def _assert_tally_exact(agency_id: int) -> None:
    kept, work, units = _tally(agency_id), _work(agency_id), _units(agency_id)
    tally.recount(agency_id)
    assert kept == _tally(agency_id)
    assert work == _work(agency_id)
    assert units == _units(agency_id)


def test_tally_follows_every_service(org, register_doc):
    by_clerk = Actor(org.clerk)
    draft = services.save_draft(by=by_clerk, agency=org.agency, fields=fields(number="9"))
    _assert_tally_exact(org.agency.pk)
    services.delete_draft(by=by_clerk, document=draft)
    doc = register_doc()
    secret = register_doc(secrecy="mat")
    _assert_tally_exact(org.agency.pk)
    main = services.route(by=Actor(org.head), document=doc, main=Target(person=org.specialist), deadline=future(),
                          informed=[Target(unit=org.office)])[0]
    services.route(by=Actor(org.head), document=secret, main=Target(unit=org.unit))
    _assert_tally_exact(org.agency.pk)
    services.record_progress(by=Actor(org.specialist), assignment=main, text="Đang làm")
    _assert_tally_exact(org.agency.pk)
    assert _work(org.agency.pk) == {(0, future(), False): 1, (org.unit.pk, OpenWorkTally.NO_DEADLINE, True): 1}
    services.change_deadline(by=Actor(org.head), assignment=main, deadline=future(8), reason="Gia hạn")
    _assert_tally_exact(org.agency.pk)
    unit_task = secret.assignments.get()
    passed = services.route(by=Actor(org.unit_head), document=secret, parent=unit_task,
                            main=Target(person=org.specialist, deadline=future(2)))[0]
    _assert_tally_exact(org.agency.pk)
    services.withdraw(by=Actor(org.unit_head), assignment=passed, reason="Giao người khác")
    _assert_tally_exact(org.agency.pk)
    services.route(by=Actor(org.unit_head), document=secret, parent=unit_task, main=Target(person=org.specialist))
    _assert_tally_exact(org.agency.pk)
    # Completed after its deadline: counted as late.
    IncomingDocument.objects.filter(pk=doc.pk).update(deadline=timezone.localdate() - timedelta(days=3))
    services.complete(by=Actor(org.specialist), document=doc, note="Xong")
    assert IncomingDocument.objects.get(pk=doc.pk).completed_late
    assert _tally(org.agency.pk)[("completed", False, True)] == 1
    assert _units(org.agency.pk)[(org.office.pk, "completed", True)] == 1
    _assert_tally_exact(org.agency.pk)
    assert selectors.overview(org.head, agency_id=org.agency.pk).completed_late == 1
    services.reopen(by=Actor(org.head), document=doc, reason="Hoàn thành nhầm")
    assert not IncomingDocument.objects.get(pk=doc.pk).completed_late
    _assert_tally_exact(org.agency.pk)
    services.withdraw(by=Actor(org.head), assignment=main, reason="Giao lại")
    _assert_tally_exact(org.agency.pk)
    services.complete(by=Actor(org.specialist), document=secret, note="Xong")
    _assert_tally_exact(org.agency.pk)
    assert _work(org.agency.pk) == {}
    assert _units(org.agency.pk) == {(org.office.pk, "in_progress", False): 1, (org.unit.pk, "completed", False): 1}


def test_leader_overview_leaves_secret_documents_out(org, register_doc):
    ordinary, secret = register_doc(), register_doc(secrecy="mat")
    for doc in (ordinary, secret):
        services.route(by=Actor(org.head), document=doc, main=Target(unit=org.unit), deadline=future(1))
    # Days pass: deadlines move into the past (by hand here, so the tallies are recounted).
    Assignment.objects.update(deadline=timezone.localdate() - timedelta(days=1))
    tally.recount(org.agency.pk)
    data = selectors.overview(org.head, agency_id=org.agency.pk)
    assert data.by_status == {"routed": 1}
    assert data.overdue == 1 and [r.document_id for r in data.overdue_rows] == [ordinary.pk]
    assert data.by_unit == [{"assignee_unit_id": org.unit.pk, "open": 1, "overdue": 1,
                             "assignee_unit__name": org.unit.name}]
    # The unit head's own overview counts what reached the unit, secret ones included.
    unit_view = selectors.overview(org.unit_head, agency_id=org.agency.pk, unit_ids=frozenset({org.unit.pk}))
    assert unit_view.by_status == {"routed": 2} and unit_view.overdue == 2
    assert [r.document_id for r in unit_view.overdue_rows] == [ordinary.pk]  # the secret one is not shown


def appoint_head(org):
    person = make_person(org.agency, "tp.moi", "Hoàng Văn Mới")
    org_services.assign_post(by=Actor(org.admin), person=person, unit=org.unit, position=org.positions["tp"])
    return person


def test_secret_task_of_a_unit_stays_with_the_heads_named_at_routing(org, register_doc):
    """The lists start from tasks, but a unit's task does not open a secret document to a head
    appointed after it was routed (R7): not in his lists, not openable."""
    ordinary, secret = register_doc(), register_doc(secrecy="mat")
    for doc in (ordinary, secret):
        services.route(by=Actor(org.head), document=doc, main=Target(unit=org.unit), deadline=future())
    later_head = appoint_head(org)
    assert set(selectors.work_list(org.unit_head, "to_handle").values_list("pk", flat=True)) == {
        ordinary.pk, secret.pk}
    assert list(selectors.work_list(later_head, "to_handle").values_list("pk", flat=True)) == [ordinary.pk]
    assert selectors.get_document(org.unit_head, secret.pk) == secret
    assert selectors.get_document(later_head, ordinary.pk) == ordinary
    with pytest.raises(Http404):
        selectors.get_document(later_head, secret.pk)


def test_may_see_agrees_with_visible_documents(org, other_org, register_doc):
    docs = [register_doc(), register_doc(secrecy="mat")]
    services.route(by=Actor(org.head), document=docs[0], main=Target(unit=org.unit))
    services.route(by=Actor(org.head), document=docs[1], main=Target(person=org.specialist))
    docs.append(services.save_draft(by=Actor(org.clerk), agency=org.agency, fields=fields(number="7")))
    later_head = appoint_head(org)
    people = [org.head, org.deputy, org.unit_head, org.specialist, org.clerk, org.admin, later_head,
              other_org.head, other_org.clerk]
    for person in people:
        visible = set(selectors.visible_documents(person).values_list("pk", flat=True))
        for doc in docs:
            assert selectors.may_see(person, doc) == (doc.pk in visible), (person.username, doc.pk)


def test_unit_overview_counts_the_units_tasks_and_those_passed_down(org, register_doc):
    ours, theirs = register_doc(), register_doc()
    [unit_task] = services.route(by=Actor(org.head), document=ours, main=Target(unit=org.unit), deadline=future())
    services.route(by=Actor(org.unit_head), document=ours, parent=unit_task,
                   main=Target(person=org.specialist, deadline=future(2)))
    services.route(by=Actor(org.head), document=theirs, main=Target(unit=org.office), deadline=future())
    assert Assignment.objects.get(parent=unit_task).via_unit_id == org.unit.pk
    Assignment.objects.update(deadline=timezone.localdate() - timedelta(days=1))  # days pass
    tally.recount(org.agency.pk)
    view = selectors.overview(org.unit_head, agency_id=org.agency.pk, unit_ids=frozenset({org.unit.pk}))
    assert view.overdue == 2 and view.due_soon == 0
    assert view.by_status == {"in_progress": 1} and view.late_routing is None
    assert view.by_unit == [{"assignee_unit_id": org.unit.pk, "assignee_unit__name": org.unit.name,
                             "open": 1, "overdue": 1}]
    assert {(a.assignee_unit_id, a.assignee_person_id) for a in view.overdue_rows} == {
        (org.unit.pk, None), (None, org.specialist.pk)}
