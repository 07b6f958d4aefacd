"""Meetings' services: the invariants of the flow (001 Đ11), the schedule entry, conclusions
turned into tasks in one step and followed on the meeting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.meetings import selectors, services
from qlvb.meetings.models import Conclusion, Invitee, Meeting, Minutes
from qlvb.schedules.models import Attendee, Entry
from qlvb.tasks import services as task_services
from qlvb.tasks.models import Task

from .helpers import briefing, held

pytestmark = pytest.mark.django_db


def test_a_meeting_without_a_chair_is_refused_in_vietnamese_and_nothing_saved(org):
    with override("vi"), pytest.raises(ValidationError) as error:
        briefing(org, chair=None, invite=False)
    assert "chủ trì" in " ".join(error.value.message_dict["chair"])
    assert not Meeting.objects.exists() and not Event.objects.filter(verb__startswith="meeting.").exists()


def test_bad_times_and_outsiders_are_refused(org, other_org):
    start = timezone.now()
    with pytest.raises(ValidationError) as error:
        briefing(org, invite=False, starts_at=start, ends_at=start - timedelta(hours=1), people=[other_org.head])
    assert set(error.value.message_dict) >= {"ends_at", "people"}
    assert not Meeting.objects.exists()


def test_only_organisers_prepare_a_meeting(org):
    with pytest.raises(NotAllowed):
        services.create(by=Actor(org.specialist), agency=org.agency, kind="ad_hoc", title="Họp",
                        starts_at=timezone.now(), ends_at=timezone.now() + timedelta(hours=1), chair=org.head)


def test_the_invitation_puts_the_meeting_on_the_schedules_and_a_change_follows(org):
    meeting = briefing(org, past=False)
    assert meeting.status == "invited"
    assert meeting.schedule_entry_id is not None
    entry = Entry.objects.get(pk=meeting.schedule_entry_id)
    people = set(Attendee.objects.filter(entry=entry).values_list("person_id", flat=True))
    # the chair, the secretary, the people invited and the invited unit's head
    assert {org.head.pk, org.clerk.pk, org.deputy.pk, org.unit_head.pk} <= people
    assert org.specialist.pk not in people
    later = meeting.starts_at + timedelta(hours=3)
    services.update(by=Actor(org.clerk), meeting=meeting, kind=meeting.kind, title=meeting.title, starts_at=later,
                    ends_at=later + timedelta(hours=1), chair=org.head, secretary=org.clerk,
                    organising_unit=org.office, place="Hội trường", people=[org.deputy, org.unit_head],
                    units=[org.unit])
    entry.refresh_from_db()
    assert entry.starts_at == later and entry.place == "Hội trường" and entry.sequence == 1
    assert Event.objects.filter(verb="meeting.updated", target_id=str(meeting.pk)).exists()


def test_cancelling_removes_the_schedule_entry(org):
    meeting = briefing(org, past=False)
    entry_id = meeting.schedule_entry_id
    assert entry_id is not None
    with pytest.raises(ValidationError):
        services.cancel(by=Actor(org.clerk), meeting=meeting, reason="")
    services.cancel(by=Actor(org.clerk), meeting=meeting, reason="Giám đốc đi công tác")
    meeting.refresh_from_db()
    assert meeting.status == "cancelled" and not Entry.objects.filter(pk=entry_id).exists()


def test_answers_decline_needs_a_reason_and_a_unit_head_sends_a_substitute(org):
    meeting = briefing(org, past=False)
    mine = Invitee.objects.get(meeting=meeting, person=org.deputy)
    with pytest.raises(ValidationError):
        services.answer(by=Actor(org.deputy), invitee=mine, answer="declined")
    services.answer(by=Actor(org.deputy), invitee=mine, answer="declined", note="Đi công tác Hà Nội")
    unit_invite = Invitee.objects.get(meeting=meeting, unit=org.unit)
    with pytest.raises(NotAllowed):  # the specialist does not answer for his unit
        services.answer(by=Actor(org.specialist), invitee=unit_invite, answer="accepted")
    services.answer(by=Actor(org.unit_head), invitee=unit_invite, answer="delegated", substitute=org.specialist)
    unit_invite.refresh_from_db()
    assert unit_invite.substitute == org.specialist
    # the substitute is on the schedule now
    assert \
        Attendee.objects.filter(entry_id=meeting.schedule_entry_id or 0, person=org.specialist).exists()
    assert org.specialist.pk in {p.pk for p in services.expected_people(meeting)}


def test_attendance_only_once_started_and_only_of_the_expected(org):
    meeting = briefing(org, past=False)
    with pytest.raises(ValidationError):
        services.record_attendance(by=Actor(org.clerk), meeting=meeting, statuses={org.head.pk: "present"})
    started = briefing(org)
    with pytest.raises(NotAllowed):  # the chair does not keep the record: the secretary does
        services.record_attendance(by=Actor(org.head), meeting=started, statuses={org.head.pk: "present"})
    with pytest.raises(ValidationError):
        services.record_attendance(by=Actor(org.clerk), meeting=started, statuses={org.specialist.pk: "present"})
    services.record_attendance(by=Actor(org.clerk), meeting=started, statuses={org.head.pk: "present",
                                                                               org.deputy.pk: "excused"})
    started.refresh_from_db()
    assert started.status == "held"


def test_minutes_drafted_submitted_returned_approved_then_frozen(org):
    meeting = held(org)
    services.save_minutes(by=Actor(org.clerk), meeting=meeting, body="Nội dung giao ban", submit=True)
    with pytest.raises(ValidationError):  # with the chair: not rewritten
        services.save_minutes(by=Actor(org.clerk), meeting=meeting, body="Sửa")
    with pytest.raises(NotAllowed):
        services.decide_minutes(by=Actor(org.unit_head), meeting=meeting, approve=True)
    with pytest.raises(ValidationError):  # a return says what to correct
        services.decide_minutes(by=Actor(org.head), meeting=meeting, approve=False)
    services.decide_minutes(by=Actor(org.head), meeting=meeting, approve=False, note="Bổ sung ý kiến Phòng CNTT")
    services.save_minutes(by=Actor(org.clerk), meeting=meeting, body="Nội dung giao ban, đã bổ sung", submit=True)
    minutes = services.decide_minutes(by=Actor(org.head), meeting=meeting, approve=True)
    meeting.refresh_from_db()
    assert minutes.status == Minutes.Status.APPROVED and meeting.status == "closed"
    with pytest.raises(ValidationError):
        services.save_minutes(by=Actor(org.clerk), meeting=meeting, body="Sửa sau khi duyệt")
    assert Minutes.objects.get().body == "Nội dung giao ban, đã bổ sung"


def test_conclusions_published_then_tasks_made_in_one_step_and_followed(org):
    meeting = held(org)
    with pytest.raises(ValidationError):  # an owner without a deadline
        services.add_conclusion(by=Actor(org.head), meeting=meeting, text="Rà soát", owner_unit=org.unit)
    one = services.add_conclusion(by=Actor(org.head), meeting=meeting, text="Phòng CNTT rà soát an toàn thông tin",
                                  owner_unit=org.unit, working_days=5)
    two = services.add_conclusion(by=Actor(org.clerk), meeting=meeting, text="Văn phòng chuẩn bị hội nghị",
                                  owner_person=org.clerk, deadline=timezone.localdate() + timedelta(days=10))
    services.add_conclusion(by=Actor(org.head), meeting=meeting, text="Các phòng tăng cường kỷ luật công vụ")
    with pytest.raises(ValidationError):  # tasks come from the published notice
        services.make_tasks(by=Actor(org.head), meeting=meeting)
    with pytest.raises(NotAllowed):
        services.publish_conclusions(by=Actor(org.unit_head), meeting=meeting)
    services.publish_conclusions(by=Actor(org.head), meeting=meeting)
    with pytest.raises(ValidationError):  # published conclusions are fixed
        services.add_conclusion(by=Actor(org.head), meeting=meeting, text="Thêm")
    tasks = services.make_tasks(by=Actor(org.head), meeting=meeting)
    assert len(tasks) == 2  # the general direction is not a task
    assert {(t.source, t.source_ref) for t in tasks} == {("meeting", str(one.pk)), ("meeting", str(two.pk))}
    with pytest.raises(ValidationError):  # none twice
        services.make_tasks(by=Actor(org.head), meeting=meeting)
    assert Task.objects.count() == 2
    task = Task.objects.get(source_ref=str(one.pk))
    task_services.complete(by=Actor(org.unit_head), task=task, result="Đã rà soát xong")
    rows = selectors.conclusions(meeting)
    assert [row.done for row in rows] == [True, False, False]
    d = selectors.detail(org.head, meeting)
    assert (d.conclusions_done, d.conclusions_with_tasks) == (1, 2)


def test_making_tasks_is_all_or_nothing(org):
    meeting = held(org)
    services.add_conclusion(by=Actor(org.head), meeting=meeting, text="Một", owner_unit=org.unit, working_days=2)
    late = services.add_conclusion(by=Actor(org.head), meeting=meeting, text="Hai", owner_unit=org.unit,
                                   working_days=2)
    services.publish_conclusions(by=Actor(org.head), meeting=meeting)
    Conclusion.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError):
        services.make_tasks(by=Actor(org.head), meeting=meeting)
    assert not Task.objects.exists()


def test_a_weekly_series_makes_the_next_fridays(org):
    friday = timezone.localtime(timezone.now()).replace(hour=8, minute=0, second=0, microsecond=0)
    friday += timedelta(days=(4 - friday.weekday()) % 7 or 7)
    meeting = briefing(org, invite=False, starts_at=friday, ends_at=friday + timedelta(hours=2))
    made = services.repeat(by=Actor(org.clerk), meeting=meeting, frequency="weekly", count=2)
    starts = [timezone.localtime(m.starts_at) for m in made]
    assert [s.weekday() for s in starts] == [4, 4] and [s.hour for s in starts] == [8, 8]
    assert starts[0].date() - friday.date() == timedelta(days=7)
    more = services.repeat(by=Actor(org.clerk), meeting=meeting, frequency="weekly", count=1)
    assert timezone.localtime(more[0].starts_at).date() - friday.date() == timedelta(days=21)
    assert set(Invitee.objects.filter(meeting=more[0], person__isnull=False).values_list("person_id", flat=True)) == {
        org.deputy.pk, org.unit_head.pk}
    meeting.refresh_from_db()
    assert meeting.series_id and all(m.series_id == meeting.series_id and m.status == "draft" for m in [*made, *more])
    with pytest.raises(ValidationError):
        services.repeat(by=Actor(org.clerk), meeting=meeting, frequency="monthly", count=1)


def test_monthly_repeat_keeps_the_day_or_the_months_last(org):
    from datetime import datetime

    start = timezone.make_aware(datetime(2027, 1, 31, 14, 0))
    assert services._next_start(start, "monthly").date().isoformat() == "2027-02-28"
    assert timezone.localtime(services._next_start(start, "monthly")).hour == 14


def test_invitees_are_told_once_by_the_meeting_not_again_by_their_schedule(org,
                                                                          django_capture_on_commit_callbacks):
    from qlvb.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        meeting = briefing(org, past=False)
    assert meeting.schedule_entry_id is not None
    assert Notification.objects.filter(person=org.deputy, kind="meeting").count() == 1
    assert not Notification.objects.filter(person=org.deputy, kind="schedule").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(by=Actor(org.clerk), meeting=meeting, reason="Lãnh đạo đi công tác đột xuất")
    assert Notification.objects.filter(person=org.deputy, kind="meeting").count() == 2
    assert not Notification.objects.filter(person=org.deputy, kind="schedule").exists()
