"""Reminders on working days: a clock moved across weekends and Tết 2027 (Thứ Năm 4/2 to Thứ Tư
10/2 off, holidays.Vietnam), quiet hours, urgent documents on holidays, once per item and day,
secrecy, visibility, a person with two posts, a query count flat in the number of documents."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import holidays
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.incoming import services as incoming
from qlvb.incoming.models import Assignment, DocumentAccess, IncomingDocument
from qlvb.incoming.services import Target
from qlvb.notifications import reminders, selectors
from qlvb.notifications.models import Notification
from qlvb.org import services as org_services
from qlvb.org.models import Delegation, Position
from qlvb.outgoing import services as outgoing

pytestmark = pytest.mark.django_db

TET_2027 = [date(2027, 2, d) for d in range(4, 11)]  # 29 Tết (Thu) to mùng 5 (Wed)


def at(day: date, hour: int = 8, minute: int = 0) -> datetime:
    """A moment of that day in Hà Nội time."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def told(person, kind=None) -> list[str]:  # noqa: ANN001
    rows = Notification.objects.filter(person=person, kind__in=reminders.REMINDERS)
    if kind:
        rows = rows.filter(kind=kind)
    return [selectors.text(n) for n in rows.order_by("id")]


@pytest.fixture
def routed(org, register_doc):
    """A document routed by the head: to a person or a unit, its deadline set to `deadline`."""

    def _routed(deadline: date, *, to=None, unit=None, **fields):  # noqa: ANN001, ANN202
        document = register_doc(**fields)
        target = Target(unit=unit) if unit is not None else Target(person=to or org.specialist)
        incoming.route(by=Actor(org.head), document=document, main=target,
                       deadline=timezone.localdate() + timedelta(days=5))
        Assignment.objects.filter(document=document).update(deadline=deadline)
        IncomingDocument.objects.filter(pk=document.pk).update(deadline=deadline)
        document.refresh_from_db()
        return document

    return _routed


def test_tet_2027_is_what_the_calendar_says():
    off = holidays.Vietnam(years=2027)
    assert all(day in off for day in TET_2027) and date(2027, 2, 3) not in off and date(2027, 2, 11) not in off


def test_due_soon_counts_working_days_across_tet_then_due_today_then_overdue(org, routed):
    document = routed(date(2027, 2, 11), summary="Báo cáo tổng kết công tác năm 2026")
    assert reminders.run(at(date(2027, 2, 1)))["due_soon"] == 0  # Mon: 11/2 is 3 working days on
    reminders.run(at(date(2027, 2, 2)))  # Tue: Wed 3/2, then Tết, then Thu 11/2: two working days
    assert told(org.specialist) == [f"Còn 2 ngày làm việc đến hạn (11/02/2027): {document.reference} – "
                                    "Báo cáo tổng kết công tác năm 2026"]
    assert told(org.head, "due_soon")  # the Giám đốc who routed it, too
    for day in TET_2027:  # nothing during Tết
        assert sum(reminders.run(at(day, 9)).values()) == 0
    reminders.run(at(date(2027, 2, 11)))
    assert told(org.specialist)[-1].startswith("Đến hạn hôm nay:")
    reminders.run(at(date(2027, 2, 12)))
    assert told(org.specialist, "overdue") == [f"Quá hạn từ 11/02/2027: {document.reference} – "
                                               "Báo cáo tổng kết công tác năm 2026"]
    assert told(org.head, "overdue")
    assert not told(org.unit_head) and not told(org.clerk)


def test_nothing_on_a_weekend_and_monday_catches_up(org, routed):
    routed(date(2026, 12, 10))  # Thursday: overdue from Friday 11/12
    assert sum(reminders.run(at(date(2026, 12, 12), 9)).values()) == 0  # Saturday
    assert sum(reminders.run(at(date(2026, 12, 13), 9)).values()) == 0  # Sunday
    assert reminders.run(at(date(2026, 12, 14), 9))["overdue"] == 2  # Monday: the handler and the leader


def test_an_agencys_own_day_off_is_quiet_for_it(org, routed):
    from qlvb.core.models import CalendarDay

    routed(date(2026, 12, 10))
    CalendarDay.objects.create(agency=org.agency, date=date(2026, 12, 14), kind=CalendarDay.Kind.DAY_OFF)
    assert sum(reminders.run(at(date(2026, 12, 14), 9)).values()) == 0
    assert reminders.run(at(date(2026, 12, 15), 9))["overdue"] == 2


def test_an_urgent_document_is_reminded_on_a_holiday_a_normal_one_is_not(org, routed):
    normal = routed(date(2027, 2, 3), summary="Công văn về việc kiểm tra công tác văn thư")
    urgent = routed(date(2027, 2, 3), summary="Công điện hỏa tốc về phòng chống rét", urgency="hoa_toc")
    reminders.run(at(date(2027, 2, 6), 21))  # mùng 1 Tết, at night
    notes = Notification.objects.filter(person=org.specialist, kind="overdue")
    assert [n.target_id for n in notes] == [str(urgent.pk)] and notes[0].urgent
    assert str(normal.pk) not in Notification.objects.values_list("target_id", flat=True)


@pytest.mark.parametrize("moment", [time(6, 30), time(17, 30), time(21, 0)])
def test_quiet_outside_working_hours(org, routed, moment):
    routed(date(2026, 12, 10))
    assert sum(reminders.run(at(date(2026, 12, 14), moment.hour, moment.minute)).values()) == 0
    assert reminders.run(at(date(2026, 12, 14), 7, 0))["overdue"] == 2


def test_once_per_item_and_day_even_after_a_restart(org, routed):
    routed(date(2026, 12, 10))
    routed(date(2026, 12, 15))
    first = reminders.run(at(date(2026, 12, 14), 8))
    assert first["overdue"] == 2 and first["due_soon"] == 2
    rows = Notification.objects.count()
    assert sum(reminders.run(at(date(2026, 12, 14), 8)).values()) == 0  # the same run again
    assert sum(reminders.run(at(date(2026, 12, 14), 15, 30)).values()) == 0  # a restarted worker, later that day
    assert Notification.objects.count() == rows
    again = reminders.run(at(date(2026, 12, 15), 8))  # the next working day: told again
    assert again["overdue"] == 2 and again["due_soon"] == 2
    keys = set(Notification.objects.filter(person=org.specialist).values_list("key", flat=True))
    assert any(key.endswith(":2026-12-15") and key.startswith("overdue:incoming.incomingdocument:") for key in keys)


def test_a_secret_document_is_named_by_its_number_alone(org, routed):
    document = routed(date(2026, 12, 10), secrecy="mat", summary="Phương án bảo vệ mục tiêu trọng yếu")
    reminders.run(at(date(2026, 12, 14)))
    note = Notification.objects.get(person=org.specialist, kind="overdue")
    assert "summary" not in note.params and "mục tiêu" not in str(note.params)
    assert selectors.text(note) == f"Quá hạn từ 10/12/2026: văn bản mật {document.reference}"


def test_someone_who_may_not_open_the_document_gets_nothing(org, other_org, routed):
    # A secret document routed to the unit opens to its heads of that day only (person rows): a
    # deputy appointed afterwards leads the unit but may not open it.
    by = Actor(org.admin)
    position = org_services.create_position(by=by, agency=org.agency, name="Phó Trưởng phòng",
                                             kind=Position.Kind.UNIT_DEPUTY)
    secret = routed(date(2026, 12, 10), unit=org.unit, secrecy="mat")
    org_services.assign_post(by=by, person=org.admin, unit=org.unit, position=position)
    # And a task whose person lost access (someone outside the agency, as if moved there).
    other = routed(date(2026, 12, 10))
    Assignment.objects.filter(document=other).update(assignee_person=other_org.specialist)
    reminders.run(at(date(2026, 12, 14)))
    assert [n.target_id for n in Notification.objects.filter(person=org.unit_head, kind="overdue")] == [str(secret.pk)]
    assert not Notification.objects.filter(person__in=[org.admin, other_org.specialist]).exists()
    DocumentAccess.objects.filter(document=secret, person=org.unit_head).delete()
    reminders.run(at(date(2026, 12, 15)))
    assert not Notification.objects.filter(person=org.unit_head, key__endswith="2026-12-15").exists()


def test_a_person_with_two_posts_is_told_of_each_task_once(org, routed):
    by = Actor(org.admin)
    deputy = org_services.create_position(by=by, agency=org.agency, name="Phó Chánh Văn phòng",
                                          kind=Position.Kind.UNIT_DEPUTY)
    org_services.assign_post(by=by, person=org.specialist, unit=org.office, position=deputy, is_concurrent=True)
    of_office = routed(date(2026, 12, 10), unit=org.office)
    own = routed(date(2026, 12, 10))
    incoming.route(by=Actor(org.head), document=of_office, main=None,
                   coordinators=[Target(person=org.specialist)])  # also hers in person
    Assignment.objects.filter(document=of_office).update(deadline=date(2026, 12, 10))
    reminders.run(at(date(2026, 12, 14)))
    notes = Notification.objects.filter(person=org.specialist, kind="overdue")
    assert sorted(n.target_id for n in notes) == sorted([str(of_office.pk), str(own.pk)])


def test_a_review_waiting_past_its_working_days_reminds_the_reviewer(org, draft):
    outgoing.submit(by=Actor(org.specialist), document=draft, signer=org.head)
    step = draft.steps.get(state="pending")
    assert step.reviewer == org.unit_head
    step.due_date = date(2026, 12, 10)
    step.save(update_fields=["due_date"])
    reminders.run(at(date(2026, 12, 10)))
    assert not told(org.unit_head)  # due today: not late yet
    reminders.run(at(date(2026, 12, 11)))
    assert told(org.unit_head, "review_late") == [
        "Ý kiến của anh/chị về dự thảo đã đến hạn ngày 10/12/2026: Dự thảo – "
        "V/v báo cáo tình hình ứng dụng CNTT năm 2026"]


def test_routing_not_done_by_the_next_working_day_reminds_the_leader(org, register_doc):
    document = register_doc(summary="Giấy mời họp giao ban tuần")
    IncomingDocument.objects.filter(pk=document.pk).update(routing_due_at=at(date(2027, 2, 3), 7, 0))
    reminders.run(at(date(2027, 2, 3), 6, 59))
    assert not told(org.head)
    reminders.run(at(date(2027, 2, 3), 9))
    assert told(org.head, "routing_late") == [
        f"Chưa được phân công xử lý, hạn lúc 07:00 03/02/2027: {document.reference} – Giấy mời họp giao ban tuần"]
    for day in TET_2027:
        reminders.run(at(day, 9))
    reminders.run(at(date(2027, 2, 11), 9))
    assert len(told(org.head, "routing_late")) == 2  # Wednesday, then Thursday after Tết
    incoming.route(by=Actor(org.head), document=document, main=Target(person=org.specialist))
    reminders.run(at(date(2027, 2, 12), 9))
    assert len(told(org.head, "routing_late")) == 2  # routed: no more


def test_a_delegation_is_told_on_the_last_working_day_before_its_last_day(org):
    # Last day in force: Thứ Tư 3/2/2027 (ends at the start of 4/2, Tết): told on Tuesday 2/2.
    delegation = Delegation.objects.create(
        agency=org.agency, delegator=org.head, delegate=org.deputy, scopes=["all"], reason="Đi công tác",
        starts_at=at(date(2027, 1, 25), 0), ends_at=at(date(2027, 2, 4), 0), status=Delegation.Status.APPROVED)
    assert reminders.run(at(date(2027, 2, 1)))["delegation_ending"] == 0
    assert reminders.run(at(date(2027, 2, 2)))["delegation_ending"] == 2
    assert told(org.head) == ["Ủy quyền của anh/chị cho Cầm Thị Lan kết thúc sau ngày 03/02/2027"]
    assert told(org.deputy) == ["Ủy quyền của Lò Văn Hùng cho anh/chị kết thúc sau ngày 03/02/2027"]
    assert reminders.run(at(date(2027, 2, 3)))["delegation_ending"] == 0
    # One whose last day is Monday 1/2 is told on Friday 29/1 (the weekend between).
    delegation.ends_at = at(date(2027, 2, 2), 0)
    delegation.save(update_fields=["ends_at"])
    assert reminders.run(at(date(2027, 1, 28)))["delegation_ending"] == 0
    assert reminders.run(at(date(2027, 1, 29)))["delegation_ending"] == 2


def test_both_are_told_the_morning_a_delegation_starts_once(org):
    Delegation.objects.create(
        agency=org.agency, delegator=org.head, delegate=org.deputy, scopes=["all"], reason="Nghỉ phép",
        starts_at=at(date(2027, 1, 26), 0), ends_at=at(date(2027, 1, 30), 0), status=Delegation.Status.APPROVED)
    assert reminders.run(at(date(2027, 1, 25)))["delegation_starting"] == 0
    assert reminders.run(at(date(2027, 1, 26)))["delegation_starting"] == 2
    reminders.run(at(date(2027, 1, 26), 11))
    assert Notification.objects.filter(kind="delegation").count() == 2  # once
    [note] = Notification.objects.filter(person=org.deputy, kind="delegation")
    assert selectors.text(note) == "Từ hôm nay Cầm Thị Lan thay Lò Văn Hùng, đến 29/01/2027"


def _copies(document: IncomingDocument, n: int) -> None:
    """n more documents like this one, with its tasks and access rows (the services' shape,
    written quickly)."""
    assignments = list(Assignment.objects.filter(document=document))
    access = list(DocumentAccess.objects.filter(document=document))
    for i in range(n):
        copy = IncomingDocument.objects.get(pk=document.pk)
        copy.pk, copy.arrival_number, copy.number = None, None, str(500 + i)
        copy.save()
        for a in assignments:
            a.pk, a.document_id = None, copy.pk
        Assignment.objects.bulk_create(assignments)
        for row in access:
            row.pk, row.document_id = None, copy.pk
        DocumentAccess.objects.bulk_create(access)


def _measure(day: date) -> tuple[int, dict[str, int]]:
    Notification.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        counts = reminders.run(at(day))
    return len(queries.captured_queries), counts


def test_the_query_count_does_not_grow_with_the_documents(org, routed, register_doc):
    by_person = routed(date(2026, 12, 10))
    by_unit = routed(date(2026, 12, 15), unit=org.unit)
    secret = routed(date(2026, 12, 10), secrecy="mat")
    waiting = register_doc()
    IncomingDocument.objects.filter(pk=waiting.pk).update(routing_due_at=at(date(2026, 12, 11), 7))
    _copies(by_person, 1)  # 5 documents
    assert IncomingDocument.objects.count() == 5
    few, counts_few = _measure(date(2026, 12, 14))
    # Each told to the handler (the unit's head for the unit's) and to the Giám đốc.
    assert counts_few == {"due_soon": 2, "overdue": 6, "review_late": 0, "routing_late": 1, "delegation_ending": 0,
                          "delegation_starting": 0, "meeting": 0, "disclosure": 0}
    for document, n in ((by_person, 12), (by_unit, 11), (secret, 11), (waiting, 11)):
        _copies(document, n)
    assert IncomingDocument.objects.count() == 50
    many, counts_many = _measure(date(2026, 12, 14))
    assert counts_many == {"due_soon": 24, "overdue": 52, "review_late": 0, "routing_late": 12,
                           "delegation_ending": 0, "delegation_starting": 0, "meeting": 0, "disclosure": 0}
    assert many == few, (few, many)


# --- the morning digest ---------------------------------------------------------------------------


def _addresses(org) -> None:  # noqa: ANN001
    for person, address in ((org.specialist, "mai.tt@sonla.gov.vn"), (org.head, "hung.lv@sonla.gov.vn"),
                            (org.unit_head, "binh.nv@sonla.gov.vn")):
        person.email = address
        person.save(update_fields=["email"])


def test_the_digest_goes_once_a_day_on_working_days_to_who_wants_it(org, routed, smtp):
    from qlvb.notifications import digest, services

    _addresses(org)
    # The unit head wants reminders by push only: no digest for him.
    services.set_preferences(person=org.unit_head, channels={kind: {"push"} for kind in Notification.Kind.values})
    late = routed(date(2026, 12, 10), summary="Báo cáo kết quả chuyển đổi số quý IV")
    soon = routed(date(2026, 12, 15), secrecy="mat", summary="Phương án bảo vệ mục tiêu trọng yếu")
    routed(date(2026, 12, 10), unit=org.unit)
    assert digest.send_digests(at(date(2026, 12, 12), 7, 30)) == 0  # Saturday
    assert digest.send_digests(at(date(2026, 12, 14), 7, 30)) == 2
    by_address = {m["To"]: m for m in smtp.messages}
    assert set(by_address) == {"mai.tt@sonla.gov.vn", "hung.lv@sonla.gov.vn"}
    message = by_address["mai.tt@sonla.gov.vn"]
    assert message["Subject"].strip() == "[QLVB] Công việc ngày 14/12/2026: 1 quá hạn, 1 sắp đến hạn"
    body = message.get_content().replace("\r\n", "\n")
    assert body.startswith("Kính gửi anh/chị Trần Thị Mai,")
    assert (f"Quá hạn:\n- Quá hạn từ 10/12/2026: {late.reference} – Báo cáo kết quả chuyển đổi số quý IV\n"
            "  https://qlvb.sonla.gov.vn/notifications/") in body
    assert f"Sắp đến hạn:\n- Còn 1 ngày làm việc đến hạn (15/12/2026): văn bản mật {soon.reference}\n" in body
    assert "mục tiêu" not in message.as_string()
    # Run again, or by a restarted worker later that morning: nothing more.
    assert digest.send_digests(at(date(2026, 12, 14), 7, 30)) == 0
    assert digest.send_digests(at(date(2026, 12, 14), 9, 0)) == 0
    assert len(smtp.messages) == 2
    assert digest.send_digests(at(date(2026, 12, 15), 7, 30)) == 2  # the next working day
    body = [m for m in smtp.messages[2:] if m["To"] == "mai.tt@sonla.gov.vn"][0].get_content().replace("\r\n", "\n")
    assert "Quá hạn từ 10/12/2026" in body and "Đến hạn hôm nay: văn bản mật" in body


def test_the_digest_lists_the_unread_notifications_of_kinds_chosen_for_it_since_the_last_one(org, smtp):
    from qlvb.notifications import digest, services

    _addresses(org)
    services.set_preferences(person=org.specialist, channels={"assigned": {"digest"}, "overdue": {"digest"}})
    services.set_preferences(person=org.head, channels={"assigned": {"digest"}})  # no reminder by digest: none
    services.notify([org.specialist, org.head], kind="assigned", params={"reference": "15/QĐ-UBND", "summary":
                    "Quyết định ban hành quy chế"}, key="event:1")
    services.notify([org.specialist], kind="informed", params={"reference": "16/TB-UBND"}, key="event:2")
    assert digest.send_digests(at(date(2026, 12, 14), 7, 30)) == 1
    body = smtp.messages[0].get_content().replace("\r\n", "\n")
    assert "Việc khác chờ anh/chị:\n- Giao anh/chị xử lý: 15/QĐ-UBND – Quyết định ban hành quy chế" in body
    assert "16/TB-UBND" not in body  # for information: not chosen for the digest
    assert digest.send_digests(at(date(2026, 12, 15), 7, 30)) == 0  # nothing new since


def test_a_failed_digest_is_sent_by_the_next_try(org, routed, smtp, settings):
    from qlvb.notifications import digest
    from qlvb.notifications.models import Digest
    from qlvb.notifications.tests.conftest import free_port

    _addresses(org)
    routed(date(2026, 12, 10))
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()
    with pytest.raises(OSError):
        digest.send_digests(at(date(2026, 12, 14), 7, 30))
    assert not Digest.objects.exists()
    settings.EMAIL_PORT = port
    assert digest.send_digests(at(date(2026, 12, 14), 7, 31)) == 2 and len(smtp.messages) == 2


def test_send_reminders_by_hand(org, routed, capsys):
    from django.core.management import call_command

    routed(date(2026, 12, 10))
    call_command("send_reminders", "--now", "2026-12-14T08:00")
    assert "overdue: 2" in capsys.readouterr().out
    call_command("send_reminders", "--now", "2026-12-14T09:00")
    assert "overdue: 0" in capsys.readouterr().out


def test_the_digests_query_count_does_not_grow_with_the_documents(org, routed, smtp):
    from qlvb.notifications import digest
    from qlvb.notifications.models import Digest

    _addresses(org)
    document = routed(date(2026, 12, 10))

    def measure() -> int:
        Digest.objects.all().delete()
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            assert digest.send_digests(at(date(2026, 12, 14), 7, 30)) == 2
        return len(queries.captured_queries)

    _copies(document, 4)
    few = measure()
    _copies(document, 45)
    assert IncomingDocument.objects.count() == 50
    assert measure() == few
    assert smtp.messages[-1].get_content().count("Quá hạn từ 10/12/2026") == 50


def test_an_agencys_defaults_decide_the_digest_unless_the_person_chose(org, routed, smtp):
    from qlvb.notifications import digest, services

    _addresses(org)
    routed(date(2026, 12, 10))
    # The agency tells reminders by push only; the specialist chose the digest for overdue work.
    services.set_agency_defaults(by=Actor(org.admin), agency=org.agency,
                                 channels={kind: {"push"} for kind in Notification.Kind.values})
    services.set_preferences(person=org.specialist, channels={"overdue": {"push", "digest"}})
    assert digest.send_digests(at(date(2026, 12, 14), 7, 30)) == 1
    assert [m["To"] for m in smtp.messages] == ["mai.tt@sonla.gov.vn"]


# --- tasks (qlvb.tasks) ------------------------------------------------------------------------------


@pytest.fixture
def task_due(org):
    """A task the head assigns, its deadline then set to `deadline` (as a later extension would)."""
    from qlvb.tasks import services as tasks
    from qlvb.tasks.models import Task

    def _task(deadline: date, *, owner=None, unit=None, title="Xây dựng kế hoạch chuyển đổi số năm 2027",  # noqa: ANN001, ANN202
              agency_org=None, **extra):
        source = agency_org or org
        task = tasks.assign(by=Actor(source.head), agency=source.agency, title=title,
                            owner=tasks.Owner(person=None if unit else (owner or source.specialist), unit=unit),
                            deadline=timezone.localdate() + timedelta(days=30), **extra)
        Task.objects.filter(pk=task.pk).update(deadline=deadline)
        task.refresh_from_db()
        return task

    return _task


def test_a_task_due_across_tet_is_reminded_on_the_right_day_then_overdue(org, task_due):
    task = task_due(date(2027, 2, 11), coordinators=[org.clerk])
    assert reminders.run(at(date(2027, 2, 1)))["due_soon"] == 0  # Mon: 3 working days on
    reminders.run(at(date(2027, 2, 2)))  # Tue: Wed 3/2, then Tết, then Thu 11/2: two working days
    assert told(org.specialist) == ["Còn 2 ngày làm việc đến hạn (11/02/2027): "
                                    "Xây dựng kế hoạch chuyển đổi số năm 2027"]
    assert told(org.clerk, "due_soon")  # a coordinator: due soon
    notice = Notification.objects.filter(person=org.specialist).get()
    assert notice.url == f"/tasks/{task.pk}/" and notice.target_type == "tasks.task"
    for day in TET_2027:  # nothing during Tết
        assert sum(reminders.run(at(day, 9)).values()) == 0
    reminders.run(at(date(2027, 2, 2), 15))  # again the same day: nothing more
    assert len(told(org.specialist)) == 1
    reminders.run(at(date(2027, 2, 12)))
    assert told(org.specialist, "overdue") == ["Quá hạn từ 11/02/2027: Xây dựng kế hoạch chuyển đổi số năm 2027"]
    assert not told(org.clerk, "overdue")  # the owner answers for it past the deadline
    assert not told(org.unit_head) and not told(org.deputy)


def test_a_units_task_reminds_its_heads_a_done_one_nobody(org, task_due):
    from qlvb.tasks.models import Task

    task_due(date(2026, 12, 10), unit=org.unit, title="Rà soát hạ tầng mạng")
    done = task_due(date(2026, 12, 10), title="Báo cáo quý IV")
    Task.objects.filter(pk=done.pk).update(status=Task.Status.DONE)
    reminders.run(at(date(2026, 12, 14)))
    assert told(org.unit_head, "overdue") == ["Quá hạn từ 10/12/2026: Rà soát hạ tầng mạng"]
    assert not told(org.specialist)  # his task is done
    reminders.run(at(date(2026, 12, 14), 20))  # quiet hours: a task is never urgent
    assert Notification.objects.count() == 1


def test_a_task_of_another_agency_reminds_only_its_own_people(org, other_org, task_due):
    task_due(date(2026, 12, 10), agency_org=other_org, title="Nhiệm vụ của cơ quan khác")
    reminders.run(at(date(2026, 12, 14)))
    assert told(other_org.specialist, "overdue") == ["Quá hạn từ 10/12/2026: Nhiệm vụ của cơ quan khác"]
    assert not Notification.objects.filter(person__agency=org.agency).exists()


def test_the_task_reminders_query_count_does_not_grow_with_the_tasks(org, task_due):
    from qlvb.tasks.models import Coordinator, Task

    first = task_due(date(2026, 12, 15), coordinators=[org.clerk])
    task_due(date(2026, 12, 10), unit=org.unit)
    few, counts_few = _measure(date(2026, 12, 14))
    assert (counts_few["due_soon"], counts_few["overdue"]) == (2, 1)  # the owner and the coordinator; the head
    for i in range(20):
        copy = Task.objects.get(pk=first.pk)
        copy.pk, copy.title = None, f"Nhiệm vụ số {i}"
        copy.save()
        Coordinator.objects.create(task=copy, person=org.clerk)
        task_due(date(2026, 12, 10), unit=org.unit, title=f"Nhiệm vụ của phòng số {i}")
    many, counts_many = _measure(date(2026, 12, 14))
    assert (counts_many["due_soon"], counts_many["overdue"]) == (42, 21)
    assert many == few, (few, many)


def test_a_meeting_is_reminded_on_the_last_working_day_before_it_to_those_expected(org):
    """The briefing on Thursday 11/2/2027, the first working day after Tết: reminded on Wednesday
    3/2 (the last working day before), not earlier, once; not to an invitee who declined."""
    from qlvb.meetings import services as meetings
    from qlvb.meetings.tests.helpers import briefing

    starts = at(date(2027, 2, 11), 8)
    meeting = briefing(org, starts_at=starts, ends_at=starts + timedelta(hours=2), title="Giao ban đầu xuân")
    meetings.answer(by=Actor(org.deputy), invitee=meeting.invitees.get(person=org.deputy), answer="declined",
                    note="Đi công tác")
    assert reminders.run(at(date(2027, 2, 2), 9))["meeting"] == 0  # Tue: the next working day is Wed 3/2
    given = reminders.run(at(date(2027, 2, 3), 9))  # Wed: Tết follows, then the meeting
    expected = {org.head, org.clerk, org.unit_head}  # the chair, the secretary, the invited unit's head
    assert given["meeting"] == len(expected)
    for person in expected:
        texts = [selectors.text(n) for n in Notification.objects.filter(person=person, key__startswith="meeting:")]
        assert texts == ["Sắp họp: Giao ban đầu xuân, 08:00 11/02/2027"]
    assert not Notification.objects.filter(person=org.deputy, key__startswith="meeting:").exists()
    assert reminders.run(at(date(2027, 2, 3), 15))["meeting"] == 0  # once a day
    meetings.cancel(by=Actor(org.clerk), meeting=meeting, reason="Hoãn")
    assert reminders.run(at(date(2027, 2, 10), 9))["meeting"] == 0  # a holiday, and cancelled


def test_a_weekly_report_not_sent_is_reminded_on_the_last_working_day_of_the_week(org):
    """Friday for the week of 7/12/2026; Wednesday 3/2/2027 for the week Tết begins on Thursday.
    The unit's head and the deputy in charge of the field; not once the report is sent."""
    from qlvb.org import services as org_services
    from qlvb.reports import services as reports

    org_services.save_field(by=Actor(org.admin), agency=org.agency, name="Công nghệ thông tin", leader=org.deputy,
                            units=[org.unit])

    def told_report(person) -> list[str]:  # noqa: ANN001
        rows = Notification.objects.filter(person=person, key__contains="reports.").order_by("id")
        return [selectors.text(n) for n in rows]

    week = "Đến hạn hôm nay: Báo cáo tuần Tuần 50/2026 (07/12–13/12/2026)"
    assert reminders.run(at(date(2026, 12, 11), 9))["due_soon"] == 0  # the agency does not report in QLVB yet
    report = reports.create_unit_report(by=Actor(org.unit_head), unit=org.unit, kind="week", day=date(2026, 12, 7))
    assert reminders.run(at(date(2026, 12, 10), 9))["due_soon"] == 0  # Thursday: Friday is still to come
    reminders.run(at(date(2026, 12, 11), 9))
    assert told_report(org.unit_head) == [week] and told_report(org.deputy) == [week]
    assert not told_report(org.specialist) and not told_report(org.head)
    assert reminders.run(at(date(2026, 12, 11), 15))["due_soon"] == 0  # once a day
    reminders.run(at(date(2027, 2, 4), 9))  # 29 Tết, a holiday: nothing
    assert len(told_report(org.deputy)) == 1
    reminders.run(at(date(2027, 2, 3), 9))  # Wednesday: the last working day of the week Tết begins
    assert "Tuần 5/2027" in told_report(org.deputy)[-1] and "Tuần 5/2027" in told_report(org.unit_head)[-1]
    # Sent: the unit's head is no longer reminded of it; the deputy's own report is still due.
    reports.edit(by=Actor(org.unit_head), report=report, results="Hoàn thành rà soát hạ tầng mạng")
    reports.send(by=Actor(org.unit_head), report=report)
    Notification.objects.filter(key__contains="reports.").delete()
    reminders.run(at(date(2026, 12, 11), 10))
    assert told_report(org.unit_head) == [] and told_report(org.deputy) == [week]
