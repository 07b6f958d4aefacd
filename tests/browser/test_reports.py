"""Periodic reports (001 Đ15) in a real browser: the unit head makes the weekly report, sees the
tasks and documents assembled into it, writes the sections and sends it; the Giám đốc finds it
among the received reports, with the units that have not reported yet; screenshots of each step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.org import services as org_services
from qlvb.programmes import services as programmes
from qlvb.programmes.tests.conftest import add, unit_programme
from qlvb.reports.models import PeriodicReport
from qlvb.tasks import services as tasks
from qlvb.tasks.models import Task
from qlvb.tasks.services import Owner

from .helpers import path_of, sign_in

pytestmark = pytest.mark.browser


def test_unit_head_sends_the_weekly_report_and_the_director_reads_it(org, session, shot):
    org_services.save_field(by=Actor(org.admin), agency=org.agency, name="Công nghệ thông tin",
                            leader=org.deputy, units=[org.unit])
    today = timezone.localdate()
    tasks.assign(by=Actor(org.head), agency=org.agency, owner=Owner(unit=org.unit),
                 title="Xây dựng Kế hoạch chuyển đổi số năm 2027", deadline=today + timedelta(days=6))
    late = tasks.assign(by=Actor(org.head), agency=org.agency, owner=Owner(unit=org.unit),
                        title="Rà soát tài khoản người dùng đã nghỉ việc", deadline=today + timedelta(days=1))
    Task.objects.filter(pk=late.pk).update(deadline=today - timedelta(days=2))
    # An approved work programme item of the unit due this week.
    programme = unit_programme(org)
    add(org, programme, title="Triển khai nền tảng họp trực tuyến cho các xã", due=today)
    programmes.submit(by=Actor(org.unit_head), programme=programme)
    programme.refresh_from_db()
    programmes.approve(by=Actor(programme.approver), programme=programme)

    desk = session.new_page()
    sign_in(desk, org.unit_head)
    desk.goto("/reports/new/")
    desk.select_option("#id_whose", f"u:{org.unit.pk}")
    desk.select_option("#id_kind", "week")
    shot(desk, "new-report")
    with desk.expect_navigation():
        desk.click("#assemble")
    report = PeriodicReport.objects.get()
    assert path_of(desk) == f"/reports/{report.pk}/edit/"
    assert "Rà soát tài khoản người dùng đã nghỉ việc" in desk.inner_text("#report-tasks-late")
    assert "Xây dựng Kế hoạch chuyển đổi số năm 2027" in desk.inner_text("#report-tasks-in_progress")
    assert "1" in desk.inner_text("#report-task-counts")
    assert "Triển khai nền tảng họp trực tuyến cho các xã" in desk.inner_text("#report-programme")
    desk.fill("#id_results", "Hoàn thành các nhiệm vụ trọng tâm của tuần; đang xây dựng Kế hoạch chuyển đổi số.")
    desk.fill("#id_shortcomings", "Rà soát tài khoản chậm do chưa nhận đủ danh sách từ các phòng.")
    desk.fill("#id_proposals", "Đề nghị Văn phòng đôn đốc các phòng gửi danh sách.")
    desk.fill("#id_next_plan", "Hoàn thành rà soát tài khoản; trình dự thảo Kế hoạch.")
    shot(desk, "edit-report")
    with desk.expect_navigation():
        desk.click("#send-report")
    assert path_of(desk) == f"/reports/{report.pk}/"
    assert "Đã gửi" in desk.inner_text("#report-status")
    assert org.head.full_name in desk.inner_text("#report-recipients")
    assert desk.locator("#edit-report").count() == 0
    shot(desk, "sent-report")

    boss = session.new_page()
    sign_in(boss, org.head)
    boss.goto("/reports/received/")
    assert org.unit.name in boss.inner_text("#received-list")
    units = boss.inner_text("#overview-units")
    assert "đã gửi" in units and "chưa gửi" in units  # the office has not reported
    shot(boss, "received")
    with boss.expect_navigation():
        boss.click(f"#received-list a[href='/reports/{report.pk}/']")
    assert "Hoàn thành các nhiệm vụ trọng tâm" in boss.inner_text("#report-results")
    assert "Rà soát tài khoản người dùng đã nghỉ việc" in boss.inner_text("#report-tasks-late")
    shot(boss, "director-reads")
    desk.reload()
    assert "đã đọc" in desk.inner_text("#report-recipients")
