"""Tasks (giao việc) in a real browser: the Giám đốc assigns a task at desktop width, the
specialist finds it among her tasks on a phone, reports progress and completes it, and the Giám
đốc evaluates it; screenshots of each step."""

from __future__ import annotations

import pytest

from qlvb.tasks.models import Task

from .helpers import path_of, sign_in

pytestmark = pytest.mark.browser


def test_assign_report_complete_at_desktop_and_phone_width(org, session, shot, local_storage):
    desk = session.new_page()
    sign_in(desk, org.head)
    desk.goto("/tasks/assign/")
    desk.fill("#id_title", "Rà soát, báo cáo tình hình an toàn thông tin của các phòng quý IV")
    desk.fill("#id_description", "Theo kết luận giao ban ngày thứ Sáu; báo cáo bằng văn bản.")
    desk.select_option("#id_owner", f"p:{org.specialist.pk}")
    desk.select_option("#id_coordinators", [f"u:{org.office.pk}"])
    desk.fill("#id_working_days", "5")
    shot(desk, "assign-desktop")
    with desk.expect_navigation():
        desk.click("main form button.btn-primary")
    task = Task.objects.get()
    assert path_of(desk) == f"/tasks/{task.pk}/"
    assert "Nhận xét" not in desk.inner_text("#task-owner")
    assert org.specialist.full_name in desk.inner_text("#task-owner")
    shot(desk, "detail-assigned-desktop")

    phone = session.new_page(phone=True)
    sign_in(phone, org.specialist)
    phone.goto("/tasks/")
    card = phone.locator("#task-cards .card").first
    card.wait_for()
    assert "Rà soát" in card.inner_text()
    assert phone.locator("#task-tabs .badge").first.inner_text() == "1"
    # Every list's tab in sight on a phone, none hidden to the right of a strip.
    assert phone.evaluate("() => { const t = document.querySelector('#task-tabs');"
                          " return t.scrollWidth <= t.clientWidth; }")
    assert phone.locator("#task-tabs a:has-text('Hoàn tất')").is_visible()
    shot(phone, "my-tasks-phone")
    with phone.expect_navigation():
        card.locator("a").click()
    phone.fill("#report #id_progress", "60")
    phone.fill("#report #id_note", "Đã rà soát 6/10 phòng, còn Phòng Kế hoạch và các trung tâm.")
    with phone.expect_navigation():
        phone.click("#report button")
    assert phone.inner_text("#task-progress").strip() == "60%"
    assert "Đã rà soát 6/10 phòng" in phone.inner_text("#task-reports")
    shot(phone, "reported-phone")
    phone.fill("#complete #id_result", "Đã rà soát đủ 10 phòng; báo cáo số 15/BC-CNTT gửi kèm.")
    with phone.expect_navigation():
        phone.click("#complete button")
    assert "Đã rà soát đủ 10 phòng" in phone.inner_text("#task-result")
    shot(phone, "completed-phone")

    desk.reload()
    desk.select_option("#evaluate #id_evaluation", "good")
    with desk.expect_navigation():
        desk.click("#evaluate button")
    task.refresh_from_db()
    assert (task.status, task.progress, task.evaluation) == ("done", 100, "good")
    timeline = desk.inner_text("#timeline")
    for verb in ("Giao việc", "Báo cáo tiến độ", "Hoàn thành công việc", "Đánh giá kết quả"):
        assert verb in timeline
    shot(desk, "evaluated-desktop")
    desk.goto("/tasks/overview/")
    shot(desk, "overview-desktop")
