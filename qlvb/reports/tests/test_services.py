from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.incoming import services as incoming
from qlvb.incoming.services import Target
from qlvb.reports import assembly, periods, services
from qlvb.reports.models import PeriodicReport, Recipient
from qlvb.reports.tests.conftest import issued, monday, unit_report
from qlvb.tasks import services as tasks
from qlvb.tasks.models import Task
from qlvb.tasks.services import Owner

pytestmark = pytest.mark.django_db


def _task(org, title: str, days: int = 5) -> Task:
    return tasks.assign(by=Actor(org.head), agency=org.agency, owner=Owner(unit=org.unit), title=title,
                        deadline=timezone.localdate() + timedelta(days=days))


def test_periods_follow_the_calendar():
    assert periods.period_of("week", date(2026, 12, 6)) == (date(2026, 11, 30), date(2026, 12, 6))
    assert periods.period_of("quarter", date(2026, 11, 5)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert periods.period_of("half_year", date(2026, 2, 28)) == (date(2026, 1, 1), date(2026, 6, 30))
    assert periods.period_of("half_year", date(2026, 7, 1)) == (date(2026, 7, 1), date(2026, 12, 31))
    assert periods.period_of("year", date(2026, 7, 1)) == (date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(ValidationError):
        periods.period_of("month", date(2026, 7, 1))


def test_the_assembled_figures_match_the_tasks_and_documents(org, register_doc):
    done = _task(org, "Cập nhật danh mục hồ sơ")
    tasks.complete(by=Actor(org.unit_head), task=done, result="Đã cập nhật.")
    _task(org, "Xây dựng kế hoạch chuyển đổi số")
    late = _task(org, "Rà soát tài khoản người dùng")
    Task.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    # Another unit's task is not this unit's work.
    tasks.assign(by=Actor(org.head), agency=org.agency, owner=Owner(unit=org.office), title="Việc của Văn phòng",
                 deadline=timezone.localdate() + timedelta(days=3))
    # Two incoming documents routed to the unit; one completed, one overdue.
    first, second = register_doc(), register_doc()
    incoming.route(by=Actor(org.head), document=first, main=Target(unit=org.unit),
                   deadline=timezone.localdate() + timedelta(days=3))
    incoming.route(by=Actor(org.head), document=second, main=Target(unit=org.unit),
                   deadline=timezone.localdate() + timedelta(days=3))
    incoming.complete(by=Actor(org.unit_head), document=first, note="Đã xử lý xong.")
    from qlvb.incoming.models import Assignment
    Assignment.objects.filter(document=second).update(deadline=timezone.localdate() - timedelta(days=1))
    issued(org)
    issued(org, summary="Công văn của Văn phòng", drafting_unit=org.office, number=13)

    report = unit_report(org)

    snap = report.snapshot
    assert snap["tasks"]["counts"] == {"done": 1, "done_late": 0, "in_progress": 1, "late": 1}
    assert [row["title"] for row in snap["tasks"]["late"]] == ["Rà soát tài khoản người dùng"]
    assert snap["incoming"]["counts"]["received"] == 2
    assert snap["incoming"]["counts"]["completed"] == 1
    assert snap["incoming"]["counts"]["overdue"] == 1
    assert [row["id"] for row in snap["incoming"]["overdue"]] == [second.pk]
    assert snap["outgoing"]["counts"] == {"issued": 1}
    assert report.status == PeriodicReport.Status.DRAFT
    assert report.period_start == monday() and report.period_end == monday() + timedelta(days=6)
    assert Event.objects.filter(verb="report.created", target_id=str(report.pk)).exists()


def test_a_sent_report_never_changes(org, field):
    report = unit_report(org)
    services.edit(by=Actor(org.unit_head), report=report, results="Hoàn thành 3 nhiệm vụ trọng tâm.",
                  shortcomings="Thiếu nhân lực.", proposals="Bổ sung 01 biên chế.", next_plan="Triển khai Kế hoạch.")
    services.send(by=Actor(org.unit_head), report=report)
    report.refresh_from_db()
    frozen = report.snapshot
    # New work after sending does not reach the sent report.
    _task(org, "Nhiệm vụ giao sau khi gửi")
    for change in (lambda: services.assemble(by=Actor(org.unit_head), report=report),
                   lambda: services.edit(by=Actor(org.unit_head), report=report, results="Sửa lại"),
                   lambda: services.send(by=Actor(org.unit_head), report=report),
                   lambda: services.delete_draft(by=Actor(org.unit_head), report=report)):
        with pytest.raises(ValidationError):
            change()
    report.refresh_from_db()
    assert report.snapshot == frozen and report.results == "Hoàn thành 3 nhiệm vụ trọng tâm."
    assert report.status == PeriodicReport.Status.SENT and report.sent_by == org.unit_head
    # To the director and the deputy in charge of the unit's field.
    assert {(r.person_id, r.role) for r in Recipient.objects.filter(report=report)} == {
        (org.head.pk, "head"), (org.deputy.pk, "field_leader")}
    assert Event.objects.filter(verb="report.sent", target_id=str(report.pk)).count() == 1


def test_a_draft_is_assembled_again_and_keeps_its_text(org):
    report = unit_report(org)
    services.edit(by=Actor(org.unit_head), report=report, results="Đã làm được.")
    assert report.snapshot["tasks"]["counts"]["in_progress"] == 0
    _task(org, "Nhiệm vụ mới")
    report = services.assemble(by=Actor(org.unit_head), report=report)
    assert report.snapshot["tasks"]["counts"]["in_progress"] == 1
    assert report.results == "Đã làm được."


def test_bad_input_saves_nothing(org):
    with pytest.raises(ValidationError):
        unit_report(org, kind="month")
    with pytest.raises(ValidationError):
        unit_report(org, day=timezone.localdate() + timedelta(days=400))
    assert not PeriodicReport.objects.exists()
    report = unit_report(org)
    with pytest.raises(ValidationError):
        unit_report(org)  # one per unit, kind and period
    with pytest.raises(ValidationError):
        services.send(by=Actor(org.unit_head), report=report)  # no results written
    with pytest.raises(ValidationError):
        services.edit(by=Actor(org.unit_head), report=report, results="x" * 20001)
    report.refresh_from_db()
    assert report.status == PeriodicReport.Status.DRAFT and not Recipient.objects.exists()


def test_only_the_units_head_writes_its_report(org, other_org):
    for person in (org.specialist, org.head, org.deputy, org.clerk, other_org.unit_head):
        with pytest.raises(NotAllowed):
            services.create_unit_report(by=Actor(person), unit=org.unit, kind="week", day=timezone.localdate())
    report = unit_report(org)
    for person in (org.specialist, org.head, other_org.unit_head):
        with pytest.raises(NotAllowed):
            services.edit(by=Actor(person), report=report, results="Không được sửa")


def test_the_deputys_weekly_report_covers_his_fields(org, field):
    _task(org, "Triển khai nền tảng số")
    unit_sent = unit_report(org)
    services.edit(by=Actor(org.unit_head), report=unit_sent, results="Đã làm.")
    services.send(by=Actor(org.unit_head), report=unit_sent)
    report = services.create_deputy_report(by=Actor(org.deputy), day=timezone.localdate())
    assert report.scope == PeriodicReport.Scope.FIELDS and report.unit is None
    assert list(report.fields.all()) == [field]
    assert [(u["name"], u["report"]) for u in report.snapshot["units"]] == [(org.unit.name, unit_sent.pk)]
    assert report.snapshot["tasks"]["counts"]["in_progress"] == 1
    with pytest.raises(ValidationError):
        services.create_deputy_report(by=Actor(org.deputy), day=timezone.localdate(), kind="quarter")
    services.edit(by=Actor(org.deputy), report=report, results="Lĩnh vực CNTT ổn định.")
    services.send(by=Actor(org.deputy), report=report)
    assert list(Recipient.objects.filter(report=report).values_list("person_id", "role")) == [(org.head.pk, "head")]
    # Someone in charge of no field writes none.
    with pytest.raises(NotAllowed):
        services.create_deputy_report(by=Actor(org.unit_head), day=timezone.localdate())


def test_reading_is_kept_once_for_a_recipient(org, field):
    report = unit_report(org)
    services.edit(by=Actor(org.unit_head), report=report, results="Đã làm.")
    services.send(by=Actor(org.unit_head), report=report)
    assert services.mark_read(by=Actor(org.head), report=report)
    assert not services.mark_read(by=Actor(org.head), report=report)
    assert not services.mark_read(by=Actor(org.specialist), report=report)
    assert Event.objects.filter(verb="report.read", target_id=str(report.pk)).count() == 1


def test_a_draft_may_be_deleted(org):
    report = unit_report(org)
    services.delete_draft(by=Actor(org.unit_head), report=report)
    assert not PeriodicReport.objects.exists()
    assert Event.objects.filter(verb="report.deleted").exists()


def test_the_leadership_is_told_when_a_report_is_sent(org, field, django_capture_on_commit_callbacks):
    from qlvb.notifications.models import Notification
    from qlvb.notifications.selectors import text

    report = unit_report(org)
    services.edit(by=Actor(org.unit_head), report=report, results="Đã làm.")
    with django_capture_on_commit_callbacks(execute=True):
        services.send(by=Actor(org.unit_head), report=report)
    told = Notification.objects.filter(url=f"/reports/{report.pk}/")
    assert {n.person_id for n in told} == {org.head.pk, org.deputy.pk}
    assert all(n.kind == "informed" and org.unit.name in text(n) for n in told)


def test_demo_reports_load_once(root):
    from qlvb.org.demo import load_demo
    from qlvb.reports import demo
    from qlvb.tasks import demo as task_demo

    load_demo()
    task_demo.load()
    assert demo.load() == 2 and demo.load() == 0
    sent = PeriodicReport.objects.get(status="sent")
    assert sent.snapshot["tasks"]["counts"]["late"] >= 1 and sent.recipients.count() == 2
    draft = PeriodicReport.objects.get(status="draft")
    assert draft.scope == "fields" and [u["report"] for u in draft.snapshot["units"]].count(sent.pk) == 1


def test_the_programme_items_of_the_period_are_assembled(org, field):
    from qlvb.programmes.tests.conftest import approved

    programme = approved(org)  # one item of the unit, due within ten days, no task yet
    report = unit_report(org, kind="quarter")
    section = report.snapshot["programme"]
    assert section["available"] is True
    assert section["counts"]["pending"] == 1 and sum(section["counts"].values()) == 1
    assert [(i["title"], i["programme_id"], i["status"]) for i in section["items"]] == [
        ("Xây dựng Kế hoạch chuyển đổi số năm 2027", programme.pk, "pending")]
    # A deputy's report: the items of his fields (an item without a start meets the period of its due date).
    by_field = assembly.programme_section([], [field.pk], report.period_start, report.period_end)
    assert [i["title"] for i in by_field["items"]] == ["Xây dựng Kế hoạch chuyển đổi số năm 2027"]
    # Another unit has none.
    assert assembly.programme_section([org.office.pk], [], report.period_start, report.period_end)["items"] == []
