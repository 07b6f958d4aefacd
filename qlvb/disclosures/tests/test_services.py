from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.events import record
from qlvb.core.models import Event
from qlvb.core.workdays import add_working_days
from qlvb.disclosures import selectors, services
from qlvb.disclosures.models import Disclosure
from qlvb.disclosures.tests.conftest import issued
from qlvb.notices import selectors as notices
from qlvb.notices.models import Notice
from qlvb.notifications import reminders
from qlvb.notifications.models import Notification

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def plan(org, chief, **extra):
    values: dict[str, Any] = {"category": Disclosure.Category.WORK_PLAN, "title": "Công khai: kế hoạch công tác",
              "source_kind": "outgoing",
              "source_id": issued(org, chief, on=extra.pop("issued_on", None), number=extra.pop("number", 12)).pk}
    values.update(extra)
    return services.create(by=Actor(chief), agency=org.agency, **values)


def test_disclosed_the_day_after_issue_as_a_notice_to_everyone(org, chief, planner):
    issued_on = add_working_days(timezone.localdate() - timedelta(days=10), 0, org.agency)
    next_day = add_working_days(issued_on, 1, org.agency)
    disclosure = plan(org, chief, issued_on=issued_on, disclosed_on=next_day, by_notice=True, at_premises=True)
    assert disclosure.source_date == issued_on
    assert disclosure.due_on == add_working_days(issued_on, 3, org.agency)
    assert disclosure.state() == Disclosure.State.ON_TIME
    assert disclosure.posted_until == next_day + timedelta(days=29)
    notice = Notice.objects.get(pk=disclosure.notice_id)
    assert notice.to_everyone and notice.title == "Công khai: kế hoạch công tác"
    assert notice.expires_on == disclosure.posted_until
    assert notice in notices.notice_list(planner)
    assert Event.objects.filter(verb="disclosure.recorded", target_id=str(disclosure.pk)).exists()


def test_deadline_across_tet_2027(org, chief):
    # Tết Đinh Mùi: days off from Thursday 4 to Wednesday 10 February 2027. A plan issued on
    # Wednesday 3 February: 3 working days are Thu 11, Fri 12, Mon 15 February (a calendar that
    # ignored Tết would say Monday 8); 5 with a reason: Wednesday 17 February.
    with mock.patch("django.utils.timezone.localdate", return_value=date(2027, 2, 16)):
        normal = plan(org, chief, issued_on=date(2027, 2, 3))
        special = plan(org, chief, issued_on=date(2027, 2, 3), extended=True,
                       extension_reason="Chờ ý kiến Ban Chấp hành Công đoàn", number=13)
        assert normal.due_on == date(2027, 2, 15)
        assert special.due_on == date(2027, 2, 17)
        assert normal.state() == Disclosure.State.OVERDUE and special.state() == Disclosure.State.WAITING
        done = services.disclose(by=Actor(chief), disclosure=special, by_notice=False, at_conference=True)
    assert done.disclosed_on == date(2027, 2, 16) and done.state() == Disclosure.State.ON_TIME


def test_a_secret_document_can_never_be_disclosed(org, chief, register_doc):
    secret = issued(org, chief, summary="Phương án bảo vệ bí mật nhà nước", secrecy="mat")
    before = Event.objects.count()
    with pytest.raises(ValidationError) as error:
        services.create(by=Actor(chief), agency=org.agency, category=Disclosure.Category.WORK_PLAN,
                        title="Công khai", source_kind="outgoing", source_id=secret.pk, disclosed_on=None)
    assert "mật" in error.value.message_dict["source"][0]
    assert Disclosure.objects.count() == 0 and Event.objects.count() == before


def test_bad_input_saves_nothing(org, chief):
    with pytest.raises(ValidationError) as error:
        plan(org, chief, extended=True, posting_days=20, disclosed_on=timezone.localdate())
    assert set(error.value.message_dict) == {"extension_reason", "posting_days", "forms"}
    with pytest.raises(ValidationError):
        plan(org, chief, category="lunch_menu")
    assert Disclosure.objects.count() == 0


def test_only_the_office_and_the_leaders_keep_the_register(org, chief, other_org):
    with pytest.raises(NotAllowed):
        plan(org, org.unit_head)
    disclosure = plan(org, chief)
    assert list(selectors.register(org.head)) == [disclosure]
    assert list(selectors.register(org.unit_head)) == []
    assert list(selectors.register(other_org.head)) == []


def test_overdue_flagged_to_the_office(org, chief):
    disclosure = plan(org, chief, issued_on=add_working_days(timezone.localdate() - timedelta(days=20), 0))
    assert disclosure.state() == Disclosure.State.OVERDUE
    assert selectors.overdue_count(chief) == 1
    working_day = add_working_days(timezone.localdate(), 0, org.agency)
    at_ten = datetime.combine(working_day, datetime.min.time().replace(hour=10), tzinfo=HCM)
    counts = reminders.run(at_ten)
    assert counts["disclosure"] >= 2
    told = set(Notification.objects.filter(kind=Notification.Kind.DISCLOSURE).values_list("person_id", flat=True))
    assert told == {chief.pk, org.clerk.pk}  # the office
    reminders.run(at_ten + timedelta(minutes=30))
    assert Notification.objects.filter(kind=Notification.Kind.DISCLOSURE).count() == 2  # once a day


def test_consultation_results_are_recorded_by_the_subscriber(org, chief, planner,
                                                             django_capture_on_commit_callbacks):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        event = record(verb="consultation.results_published", actor=Actor(org.head), agency=org.agency, data={
            "title": "Dự thảo Quy chế nội bộ", "url": "/consultations/7/results/", "agency": org.agency.pk,
            "published_on": today.isoformat()})
    disclosure = Disclosure.objects.get()
    assert disclosure.category == Disclosure.Category.CONSULTATION
    assert disclosure.disclosed_on == today and disclosure.source_url == "/consultations/7/results/"
    assert disclosure.notice is not None and disclosure.notice in notices.notice_list(planner)
    services.record_consultation_results(event)  # once only
    assert Disclosure.objects.count() == 1
