"""The hand-over (000 Đ4.1.d): everything open moves in one step, nothing is left on the person,
each item has its record, the successor sees the work, and a refusal or a failure changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from conftest import make_person
from qlvb.core import handover
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.dossiers.models import Dossier
from qlvb.handover import services
from qlvb.handover.models import HandOver
from qlvb.incoming import selectors as incoming_selectors
from qlvb.incoming import services as incoming_services
from qlvb.incoming.models import Assignment, IncomingDocument
from qlvb.incoming.services import Target
from qlvb.org import services as org_services
from qlvb.outgoing import services as outgoing_services
from qlvb.outgoing.models import OutgoingDocument, ReviewStep
from qlvb.schedules.models import Attendee
from qlvb.tasks.models import Coordinator, Task


def _open(person, org):
    return handover.open_counts(person, org.agency.pk)


def test_the_providers_are_registered():
    assert [p.name for p in handover.providers()] == ["incoming_presented", "incoming", "outgoing", "tasks",
                                                      "dossiers", "meetings", "schedules"]


def test_everything_open_moves_and_nothing_is_left(org, holding, successor):
    before = _open(org.specialist, org)
    nothing = dict.fromkeys(before, 0)
    assert before == {**nothing, "incoming": 2, "outgoing": 1, "tasks": 2, "dossiers": 1, "schedules": 1}
    assert _open(successor, org) == nothing
    record = services.hand_over(by=Actor(org.unit_head), person=org.specialist, agency=org.agency,
                                successor=successor, note="Chuyển công tác sang Văn phòng")
    assert record.counts == before and record.total == 7
    assert _open(org.specialist, org) == nothing
    assert _open(successor, org) == before
    # each provider asked directly
    assert not Assignment.objects.filter(assignee_person=org.specialist, state__in=Assignment.OPEN_STATES).exists()
    assert Assignment.objects.filter(assignee_person=successor, role="main", document=holding.incoming[0]).exists()
    assert OutgoingDocument.objects.get(pk=holding.outgoing.pk).drafter == successor
    assert Task.objects.get(pk=holding.task.pk).owner_person == successor
    assert list(Coordinator.objects.filter(task=holding.coordinated).values_list("person", flat=True)) == [successor.pk]
    assert Dossier.objects.get(pk=holding.dossier.pk).owner == successor
    assert list(Attendee.objects.filter(entry=holding.entry).values_list("person", flat=True)) == [successor.pk]
    # a record on each item, naming from whom to whom
    for verb, target in [("incoming.handed_over", holding.incoming[0]), ("incoming.handed_over", holding.incoming[1]),
                         ("outgoing.handed_over", holding.outgoing), ("task.handed_over", holding.task),
                         ("task.handed_over", holding.coordinated), ("dossier.handed_over", holding.dossier),
                         ("schedules.entry_handed_over", holding.entry)]:
        event = Event.objects.get(verb=verb, target_id=str(target.pk))
        assert event.data["from"] == org.specialist.pk and event.data["to"] == successor.pk
        assert event.actor == org.unit_head
    assert Event.objects.filter(verb="handover.done", target_id=str(record.pk)).count() == 1
    # The statistics follow in the same transaction: the rows name the successor, the tallies are
    # the rows added up, and a rebuild from the work gives the same rows.
    from qlvb.statistics import tallies
    from qlvb.statistics.models import Item

    assert not Item.objects.filter(person=org.specialist, state="open").exists()
    assert Item.objects.filter(person=successor, kind="incoming", source_id=holding.incoming[0].pk).exists()
    assert tallies.kept() == tallies.recount()


def test_the_successor_sees_the_documents_in_his_lists(org, holding, successor, login):
    document = holding.incoming[0]
    client = login(successor)
    assert client.get(f"/incoming/{document.pk}/").status_code == 404
    assert client.get(f"/outgoing/{holding.outgoing.pk}/").status_code == 404
    assert client.get(f"/tasks/{holding.task.pk}/").status_code == 404
    services.hand_over(by=Actor(org.admin), person=org.specialist, agency=org.agency, successor=successor)
    assert client.get(f"/incoming/{document.pk}/").status_code == 200
    assert client.get(f"/outgoing/{holding.outgoing.pk}/").status_code == 200
    assert client.get(f"/tasks/{holding.task.pk}/").status_code == 200
    assert client.get(f"/dossiers/{holding.dossier.pk}/").status_code == 200
    assert client.get(f"/schedules/entries/{holding.entry.pk}/").status_code == 200
    assert document.pk in set(incoming_selectors.work_list(successor, "to_handle").values_list("pk", flat=True))


def test_per_provider_successors(org, holding, successor):
    record = services.hand_over(by=Actor(org.head), person=org.specialist, agency=org.agency, successor=successor,
                                per_provider={"dossiers": org.unit_head})
    assert Dossier.objects.get(pk=holding.dossier.pk).owner == org.unit_head
    assert Task.objects.get(pk=holding.task.pk).owner_person == successor
    assert record.successors == {"dossiers": org.unit_head.pk}


def test_documents_waiting_for_a_leaders_routing_go_to_another_leader(org, register_doc, successor, login):
    """A deputy leaves with documents presented to him: they must reach a leader who can route
    them, never a specialist; the routed ones stay his history."""
    waiting = [register_doc(summary="V/v mua sắm thiết bị", presented_to=org.deputy),
               register_doc(summary="V/v cử cán bộ đi học", presented_to=org.deputy)]
    routed = register_doc(summary="V/v đã phân xử lý", presented_to=org.deputy)
    incoming_services.route(by=Actor(org.deputy), document=routed, main=Target(person=org.specialist))
    assert _open(org.deputy, org)["incoming_presented"] == 2
    events = Event.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.hand_over(by=Actor(org.head), person=org.deputy, agency=org.agency, successor=successor)
    assert "successor_incoming_presented" in refused.value.message_dict
    assert Event.objects.count() == events and not HandOver.objects.exists()
    assert all(IncomingDocument.objects.get(pk=d.pk).presented_to == org.deputy for d in waiting)

    client = login(org.head)
    before = {d.pk for d in incoming_selectors.work_list(org.head, "to_route")}
    record = services.hand_over(by=Actor(org.head), person=org.deputy, agency=org.agency, successor=successor,
                                per_provider={"incoming_presented": org.head})
    assert record.counts["incoming_presented"] == 2
    assert _open(org.deputy, org)["incoming_presented"] == 0
    assert {d.pk for d in incoming_selectors.work_list(org.head, "to_route")} == before | {d.pk for d in waiting}
    assert IncomingDocument.objects.get(pk=routed.pk).presented_to == org.deputy
    for document in waiting:
        event = Event.objects.get(verb="incoming.handed_over", target_id=str(document.pk))
        assert event.data["from"] == org.deputy.pk and event.data["to"] == org.head.pk and event.data["presented"]
    # the head routes what he received
    incoming_services.route(by=Actor(org.head), document=IncomingDocument.objects.get(pk=waiting[0].pk),
                            main=Target(person=org.specialist))
    assert client.get(f"/incoming/{waiting[1].pk}/").status_code == 200


def test_review_steps_pending_with_the_person_move(org, signing, successor):
    draft = outgoing_services.create_draft(
        by=Actor(org.specialist), agency=org.agency,
        fields={"doc_type": "CV", "summary": "V/v kế hoạch đào tạo CNTT", "field": signing},
        uploads=[__import__("qlvb.outgoing.tests.conftest", fromlist=["docx_upload"]).docx_upload()])
    outgoing_services.submit(by=Actor(org.specialist), document=draft, signer=org.deputy)
    step = ReviewStep.objects.get(document=draft, reviewer=org.unit_head, state=ReviewStep.State.PENDING)
    services.hand_over(by=Actor(org.head), person=org.unit_head, agency=org.agency, successor=successor)
    step.refresh_from_db()
    assert step.reviewer == successor
    assert not ReviewStep.objects.filter(reviewer=org.unit_head, state__in=["waiting", "pending"]).exists()
    # the successor can now act on it through the outgoing services
    outgoing_services.approve(by=Actor(successor), document=draft, opinion="Đồng ý")


def test_closed_work_stays(org, holding, successor):
    Assignment.objects.filter(document=holding.incoming[1], assignee_person=org.specialist).update(state="done")
    services.hand_over(by=Actor(org.head), person=org.specialist, agency=org.agency, successor=successor)
    assert Assignment.objects.filter(document=holding.incoming[1], assignee_person=org.specialist,
                                     state="done").exists()


@pytest.mark.parametrize("who", ["other_agency", "himself", "no_post", "inactive"])
def test_a_bad_successor_is_refused_and_nothing_changes(org, other_org, holding, who):
    stranger = make_person(org.agency, "sttttt.nopost", "Người Không Chức Vụ")
    inactive = make_person(org.agency, "sttttt.off", "Người Đã Nghỉ", is_active=False)
    org_services.assign_post(by=Actor(org.admin), person=inactive, unit=org.unit, position=org.positions["cv"])
    successor = {"other_agency": other_org.specialist, "himself": org.specialist, "no_post": stranger,
                 "inactive": inactive}[who]
    events = Event.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.hand_over(by=Actor(org.head), person=org.specialist, agency=org.agency, successor=successor)
    assert refused.value.message_dict["successor"]
    assert Event.objects.count() == events and not HandOver.objects.exists()
    assert _open(org.specialist, org)["incoming"] == 2


def test_nothing_open_is_refused(org, successor):
    with pytest.raises(ValidationError):
        services.hand_over(by=Actor(org.head), person=org.specialist, agency=org.agency, successor=successor)
    assert not HandOver.objects.exists()


def test_a_failing_provider_leaves_everything_unchanged(org, holding, successor, monkeypatch):
    def broken(*args):
        raise RuntimeError("the dossiers' table is locked")

    provider = handover.get("dossiers")
    monkeypatch.setitem(handover._providers, "dossiers", handover.Provider(
        name=provider.name, label=provider.label, order=provider.order, open_items=provider.open_items,
        sample=provider.sample, hand_over=broken))
    events = Event.objects.count()
    with pytest.raises(RuntimeError):
        services.hand_over(by=Actor(org.head), person=org.specialist, agency=org.agency, successor=successor)
    assert Event.objects.count() == events and not HandOver.objects.exists()
    assert {name: n for name, n in _open(org.specialist, org).items() if n} == {
        "incoming": 2, "outgoing": 1, "tasks": 2, "dossiers": 1, "schedules": 1}
    assert OutgoingDocument.objects.get(pk=holding.outgoing.pk).drafter == org.specialist


@pytest.mark.parametrize("who,allowed", [("unit_head", True), ("head", True), ("deputy", True), ("admin", True),
                                         ("clerk", False), ("successor", False), ("specialist", False)])
def test_who_may_hand_over(org, holding, successor, who, allowed):
    by = successor if who == "successor" else getattr(org, who)
    call = lambda: services.hand_over(by=Actor(by), person=org.specialist, agency=org.agency,  # noqa: E731
                                      successor=org.unit_head if who == "successor" else successor)
    if allowed:
        assert call().total == 7
    else:
        with pytest.raises(NotAllowed):
            call()


def test_another_agencys_leader_may_not(org, other_org, holding, successor):
    with pytest.raises(NotAllowed):
        services.hand_over(by=Actor(other_org.head), person=org.specialist, agency=org.agency, successor=successor)


def test_the_unit_head_may_after_the_post_ended(org, holding, successor):
    post = org.specialist.posts.get(end_date__isnull=True)
    org_services.end_post(by=Actor(org.admin), post=post)
    record = services.hand_over(by=Actor(org.unit_head), person=org.specialist, agency=org.agency,
                                successor=successor)
    assert record.total == 7


def test_meeting_parts_move_and_the_schedule_follows(org, successor):
    """The unit head leaves: the meeting he keeps the minutes of (held, minutes not approved), the
    one to come he is invited to and presents at go to the successor; a closed one stays history."""
    from qlvb.meetings import services as meeting_services
    from qlvb.meetings.models import AgendaItem, Invitee, Meeting
    from qlvb.meetings.tests.helpers import briefing
    from qlvb.schedules.models import Attendee

    kept = briefing(org, secretary=org.unit_head, people=[org.deputy])
    meeting_services.record_attendance(by=Actor(org.unit_head), meeting=kept, statuses={
        p.pk: "present" for p in meeting_services.expected_people(kept)})
    coming = briefing(org, past=False, invite=False, people=[org.unit_head, org.deputy])
    meeting_services.add_agenda_item(by=Actor(org.clerk), meeting=coming, title="Báo cáo hạ tầng",
                                     presenter=org.unit_head)
    coming = meeting_services.invite(by=Actor(org.clerk), meeting=coming)
    meeting_services.answer(by=Actor(org.unit_head), invitee=Invitee.objects.get(meeting=coming, person=org.unit_head),
                            answer="accepted")
    entry = coming.schedule_entry
    assert Attendee.objects.filter(entry=entry, person=org.unit_head).exists()
    assert _open(org.unit_head, org)["meetings"] == 2

    record = services.hand_over(by=Actor(org.head), person=org.unit_head, agency=org.agency, successor=successor)
    assert record.counts["meetings"] == 2
    assert Meeting.objects.get(pk=kept.pk).secretary == successor
    assert Invitee.objects.get(meeting=coming, person=successor).answer == "pending"  # his answer, not hers
    assert not Invitee.objects.filter(meeting=coming, person=org.unit_head).exists()
    assert AgendaItem.objects.get(meeting=coming).presenter == successor
    assert Attendee.objects.filter(entry=entry, person=successor).exists()
    assert not Attendee.objects.filter(entry=entry, person=org.unit_head).exists()
    assert _open(org.unit_head, org)["meetings"] == 0
    event = Event.objects.get(verb="meeting.handed_over", target_id=str(coming.pk))
    assert set(event.data["roles"]) == {"invitee", "presenter"} and event.data["to"] == successor.pk
    # the successor keeps the minutes now
    meeting_services.save_minutes(by=Actor(successor), meeting=Meeting.objects.get(pk=kept.pk),
                                  body="Biên bản giao ban", submit=True)
