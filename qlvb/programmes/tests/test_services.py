"""Work programme services: the regulation's invariants (000 Đ10–Đ11, 001 Đ10)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.programmes import selectors, services
from qlvb.programmes.models import Adjustment, Item, Programme, Review
from qlvb.programmes.tests.conftest import add, approved, quarter_bounds, soon, unit_programme
from qlvb.tasks import services as task_services
from qlvb.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_period_bounds():
    assert services.period_bounds("quarter", 2027, 1) == (date(2027, 1, 1),
                                                          date(2027, 3, 31))
    assert services.period_bounds("half", 2027, 2)[1].isoformat() == "2027-12-31"
    assert services.period_bounds("month", 2028, 2)[1].isoformat() == "2028-02-29"
    monday, sunday = services.period_bounds("week", None, week_of=date(2027, 1, 7))
    assert (monday.isoformat(), sunday.isoformat()) == ("2027-01-04", "2027-01-10")
    with pytest.raises(ValidationError):
        services.period_bounds("quarter", 2027, 5)


def test_an_item_without_responsible_unit_is_refused_nothing_saved(org):
    programme = unit_programme(org)
    events = Event.objects.count()
    with pytest.raises(ValidationError) as error:
        add(org, programme, responsible_unit=None)
    assert "Chọn đơn vị chủ trì" in str(error.value.message_dict["responsible_unit"])
    assert Item.objects.count() == 0 and Event.objects.count() == events


def test_item_time_within_the_period(org):
    programme = unit_programme(org)
    with pytest.raises(ValidationError) as error:
        add(org, programme, due=programme.ends + timedelta(days=1))
    assert "due" in error.value.message_dict
    assert Item.objects.count() == 0


def test_draft_submit_approve_by_the_leader_in_charge(org, field):
    programme = unit_programme(org)
    item = add(org, programme)
    assert item.field == field  # the field supervising the responsible unit
    services.submit(by=Actor(org.unit_head), programme=programme)
    programme.refresh_from_db()
    assert programme.status == Programme.Status.SUBMITTED and programme.approver == org.deputy
    # Submitted: nothing changes until the decision.
    with pytest.raises(ValidationError):
        add(org, programme, title="Thêm việc")
    # A specialist, another unit's person, may not approve; the deputy in charge may.
    with pytest.raises(NotAllowed):
        services.approve(by=Actor(org.specialist), programme=programme)
    services.approve(by=Actor(org.deputy), programme=programme)
    programme.refresh_from_db()
    assert programme.status == Programme.Status.APPROVED and programme.approved_by == org.deputy
    verbs = list(Event.objects.filter(target_type="programmes.programme").order_by("id")
                 .values_list("verb", flat=True))
    assert verbs == ["programme.created", "programme.item_added", "programme.submitted", "programme.approved"]


def test_without_a_field_the_agency_head_approves(org):
    programme = unit_programme(org)
    add(org, programme)
    services.submit(by=Actor(org.unit_head), programme=programme)
    programme.refresh_from_db()
    assert programme.approver == org.head
    with pytest.raises(NotAllowed):
        services.approve(by=Actor(org.deputy), programme=programme)  # not in charge of the unit


def test_return_needs_a_note(org, field):
    programme = unit_programme(org)
    add(org, programme)
    services.submit(by=Actor(org.unit_head), programme=programme)
    with pytest.raises(ValidationError):
        services.send_back(by=Actor(org.deputy), programme=programme, note=" ")
    services.send_back(by=Actor(org.deputy), programme=programme, note="Bổ sung sản phẩm của từng việc.")
    programme.refresh_from_db()
    assert programme.status == Programme.Status.DRAFT and programme.return_note


def test_submit_an_empty_programme_refused(org):
    programme = unit_programme(org)
    with pytest.raises(ValidationError):
        services.submit(by=Actor(org.unit_head), programme=programme)


def test_adjusting_an_approved_programme_needs_a_reason_and_is_recorded(org, field):
    programme = approved(org)
    item = programme.items.get()
    values = {"title": item.title, "product": "Kế hoạch", "responsible_unit": org.unit, "due": item.due,
              "coordinating_units": [], "nature": item.nature}
    with pytest.raises(ValidationError) as error:
        services.update_item(by=Actor(org.unit_head), item=item, **values)
    assert "reason" in error.value.message_dict
    item.refresh_from_db()
    assert item.product == "Tờ trình, dự thảo Quyết định"  # not silently changed
    services.update_item(by=Actor(org.unit_head), item=item, reason="Theo chỉ đạo của Giám đốc tại giao ban.",
                         **values)
    programme.refresh_from_db()
    adjustment = Adjustment.objects.get()
    assert programme.version == 2 and programme.status == Programme.Status.APPROVED
    assert adjustment.changes["before"]["product"] == "Tờ trình, dự thảo Quyết định"
    assert adjustment.changes["after"]["product"] == "Kế hoạch"
    event = Event.objects.get(verb="programme.adjusted")
    assert event.data["reason"] == "Theo chỉ đạo của Giám đốc tại giao ban." and event.data["item"] == item.pk
    # Withdrawn, not deleted: the item stays, marked, with its reason.
    with pytest.raises(ValidationError):
        services.withdraw_item(by=Actor(org.unit_head), item=item)
    services.withdraw_item(by=Actor(org.unit_head), item=item, reason="Chuyển sang quý sau.")
    item.refresh_from_db()
    assert item.state == Item.State.WITHDRAWN and Adjustment.objects.count() == 2


def test_outsiders_may_not_write(org, other_org, field):
    programme = unit_programme(org)
    for person in (org.specialist, org.clerk, other_org.head):
        with pytest.raises(NotAllowed):
            add(org, programme, by=person)
    with pytest.raises(NotAllowed):
        services.create(by=Actor(org.specialist), agency=org.agency, scope="unit", period="year", year=2027,
                        owner_unit=org.unit)
    # A person makes his own programme; his unit head approves it.
    own = services.create(by=Actor(org.specialist), agency=org.agency, scope="person", period="month",
                          year=quarter_bounds()[0].year, number=quarter_bounds()[0].month)
    assert own.owner_person == org.specialist and own.owner_unit == org.unit


def test_items_become_tasks_and_take_their_status(org, field):
    programme = approved(org)
    first = programme.items.get()
    second = add(org, programme, title="Rà soát hạ tầng mạng", reason="Bổ sung theo yêu cầu.",
                 responsible_person=org.specialist, due=soon(5))
    rows = {r.item.pk: r.status for r in selectors.item_rows(programme)}
    assert rows == {first.pk: "pending", second.pk: "pending"}
    tasks = services.make_tasks(by=Actor(org.unit_head), programme=programme, items=[first, second])
    assert len(tasks) == 2
    by_ref = {t.source_ref: t for t in Task.objects.all()}
    assert by_ref[str(first.pk)].owner_unit == org.unit and by_ref[str(first.pk)].deadline == first.due
    assert by_ref[str(first.pk)].source == Task.Source.PROGRAMME
    assert by_ref[str(second.pk)].owner_person == org.specialist
    assert list(by_ref[str(first.pk)].coordinators.values_list("unit_id", flat=True)) == [org.office.pk]
    # Again: nothing new.
    with pytest.raises(ValidationError):
        services.make_tasks(by=Actor(org.unit_head), programme=programme, items=[first, second])
    task_services.complete(by=Actor(org.specialist), task=by_ref[str(second.pk)], result="Đã rà soát xong.")
    rows = {r.item.pk: r.status for r in selectors.item_rows(programme)}
    assert rows == {first.pk: "in_progress", second.pk: "done"}
    assert Event.objects.get(verb="programme.tasks_made").data["tasks"] == sorted(t.pk for t in tasks)


def test_a_specialist_may_not_make_tasks(org, field):
    programme = approved(org)
    with pytest.raises(NotAllowed):
        services.make_tasks(by=Actor(org.specialist), programme=programme, items=list(programme.items.all()))
    assert Task.objects.count() == 0


def test_late_items(org, field):
    programme = approved(org)
    item = programme.items.get()
    Item.objects.filter(pk=item.pk).update(due=timezone.localdate() - timedelta(days=1))
    assert selectors.item_rows(programme)[0].status == "late"


def test_review_with_proposals(org, field):
    programme = approved(org)
    with pytest.raises(ValidationError):
        services.review(by=Actor(org.unit_head), programme=programme, starts=None, ends=None, assessment="")
    with pytest.raises(ValidationError):  # a proposal without its responsible unit
        services.review(by=Actor(org.unit_head), programme=programme, starts=None, ends=None, assessment="Tốt",
                        proposals=[{"title": "Việc mới", "due": programme.ends + timedelta(days=30)}])
    assert Review.objects.count() == 0
    record = services.review(by=Actor(org.unit_head), programme=programme, starts=None, ends=None,
                             assessment="Hoàn thành cơ bản các nhiệm vụ.",
                             proposals=[{"title": "Triển khai chữ ký số cho viên chức", "responsible_unit": org.unit,
                                         "due": programme.ends + timedelta(days=30)}])
    assert record.counts["pending"] == 1
    statuses = sorted(r.status for r in selectors.item_rows(programme))
    assert statuses == ["pending", "proposed"]
    with pytest.raises(NotAllowed):
        services.review(by=Actor(org.specialist), programme=programme, starts=None, ends=None, assessment="x")


def test_items_for_unit_and_fields(org, field, django_assert_max_num_queries):
    programme = approved(org)
    start, end = quarter_bounds()
    with django_assert_max_num_queries(3):
        rows = selectors.items_for_unit(org.unit.pk, start, end)
    assert [(r.item.pk, r.programme.pk, r.status, r.tasks) for r in rows] == [
        (programme.items.get().pk, programme.pk, "pending", [])]
    assert selectors.items_for_unit(org.office.pk, start, end) == []
    assert len(selectors.items_for_fields([field.pk], start, end)) == 1
    # Outside the period: nothing.
    assert selectors.items_for_unit(org.unit.pk, end + timedelta(days=1), end + timedelta(days=90)) == []


def test_notifications(org, field, django_capture_on_commit_callbacks):
    from qlvb.notifications.models import Notification
    from qlvb.notifications.selectors import text

    programme = unit_programme(org)
    add(org, programme)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(by=Actor(org.unit_head), programme=programme)
    told = Notification.objects.get(person=org.deputy)
    assert "chờ đồng chí phê duyệt" in text(told)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(by=Actor(org.deputy), programme=programme)
    assert "đã được phê duyệt" in text(Notification.objects.get(person=org.unit_head))
    item = programme.items.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_item(by=Actor(org.head), item=item, reason="Chuyển sang quý sau.")
    assert Notification.objects.filter(person=org.unit_head).count() == 2


def test_search_finds_the_items_of_programmes_one_may_see(org, other_org, field):
    from qlvb.search.selectors import search

    approved(org)
    found = search(org.specialist, "chuyển đổi số")
    assert [hit.entry.kind for hit in found.hits] == ["programme"]
    assert search(other_org.head, "chuyển đổi số").hits == []
    assert search(org.clerk, "chuyển đổi số").hits == []  # another unit's programme


def test_personal_programmes_approvers(org, field):
    year = quarter_bounds()[0].year
    own = services.create(by=Actor(org.specialist), agency=org.agency, scope="person", period="year", year=year)
    add(org, own, by=org.specialist, due=own.ends)
    services.submit(by=Actor(org.specialist), programme=own)
    own.refresh_from_db()
    assert own.approver == org.unit_head
    # The unit head's own programme goes to the leader in charge of his unit's field.
    mine = services.create(by=Actor(org.unit_head), agency=org.agency, scope="person", period="year", year=year)
    add(org, mine, by=org.unit_head, due=mine.ends)
    services.submit(by=Actor(org.unit_head), programme=mine)
    mine.refresh_from_db()
    assert mine.approver == org.deputy
    with pytest.raises(NotAllowed):
        services.approve(by=Actor(org.unit_head), programme=mine)


def test_a_withdrawn_task_counts_for_nothing(org, field):
    programme = approved(org)
    item = programme.items.get()
    [task] = services.make_tasks(by=Actor(org.unit_head), programme=programme, items=[item])
    assert selectors.item_rows(programme)[0].status == "in_progress"
    task_services.withdraw(by=Actor(org.unit_head), task=task, reason="Giao lại cho người khác.")
    row = selectors.item_rows(programme)[0]
    assert row.status == "pending" and not row.has_tasks
    assert len(services.make_tasks(by=Actor(org.unit_head), programme=programme, items=[item])) == 1
