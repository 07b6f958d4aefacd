"""The Friday briefing (giao ban, R22, 001 Đ11) through the pages: the office prepares it with its
invitees and agenda and sends the invitations; the unit head answers on his phone; the secretary
records the attendance and the minutes; the Giám đốc approves them, concludes, publishes the notice
and turns the conclusions into tasks in one step; once the unit completes its task, the briefing's
page shows that conclusion done. Shared by the meetings' browser test and the week's story."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.meetings.models import Invitee, Meeting
from qlvb.tasks import services as task_services
from qlvb.tasks.models import Task

from ..helpers import path_of, sign_in


def friday_briefing(org: Any, session: Any, shot: Callable[..., Any]) -> Meeting:
    desk = session.new_page()
    sign_in(desk, org.clerk)
    desk.goto("/meetings/")
    with desk.expect_navigation():
        desk.click("a[href='/meetings/new/']")
    start = timezone.localtime(timezone.now() - timedelta(hours=1)).replace(second=0, microsecond=0)
    desk.select_option("#id_kind", "briefing")
    desk.fill("#id_title", "Giao ban Lãnh đạo Sở với các phòng, đơn vị tuần")
    desk.fill("#id_starts_at", start.strftime("%d/%m/%Y %H:%M"))
    desk.fill("#id_ends_at", (start + timedelta(hours=2)).strftime("%d/%m/%Y %H:%M"))
    desk.fill("#id_place", "Phòng họp tầng 2")
    desk.select_option("#id_chair", str(org.head.pk))
    desk.select_option("#id_secretary", str(org.clerk.pk))
    desk.select_option("#id_organising_unit", str(org.office.pk))
    desk.select_option("#id_people", [str(org.deputy.pk), str(org.unit_head.pk)])
    desk.select_option("#id_units", [str(org.unit.pk)])
    shot(desk, "prepare-desktop")
    with desk.expect_navigation():
        desk.click("#meeting-form button.btn-primary")
    meeting = Meeting.objects.get()
    assert path_of(desk) == f"/meetings/{meeting.pk}/"
    desk.fill("#agenda #id_title", "Phòng CNTT báo cáo tiến độ chuyển đổi số")
    desk.select_option("#agenda #id_presenter", str(org.unit_head.pk))
    with desk.expect_navigation():
        desk.click("#agenda button")
    assert "chuyển đổi số" in desk.inner_text("#meeting-agenda")
    with desk.expect_navigation():
        desk.click("#send-invitations")
    assert Meeting.objects.get().status == "invited"
    shot(desk, "invited-desktop")

    phone = session.new_page(phone=True)
    sign_in(phone, org.unit_head)
    phone.goto("/meetings/list/to_answer/")
    card = phone.locator("#meeting-cards .card").first
    card.wait_for()
    with phone.expect_navigation():
        card.locator("a").click()
    mine = Invitee.objects.get(meeting=meeting, person=org.unit_head)
    phone.select_option(f"#answer-{mine.pk} select[name='a{mine.pk}-answer']", "accepted")
    shot(phone, "answer-phone")
    with phone.expect_navigation():
        phone.click(f"#answer-{mine.pk} button")
    assert "Tham dự" in phone.inner_text("#meeting-invitees")
    shot(phone, "answered-phone")

    desk.reload()
    with desk.expect_navigation():
        desk.click("#attendance button")
    assert Meeting.objects.get().status == "held"
    desk.fill("#minutes #id_body", "1. Phòng CNTT báo cáo: đã hoàn thành 70% kế hoạch.\n2. Giám đốc Sở kết luận.")
    with desk.expect_navigation():
        desk.click("#submit-minutes")
    assert "Chờ người chủ trì duyệt" in desk.inner_text("#minutes-status")

    chair = session.new_page()
    sign_in(chair, org.head)
    chair.goto(f"/meetings/{meeting.pk}/")
    shot(chair, "minutes-waiting-desktop")
    with chair.expect_navigation():
        chair.click("#approve-minutes")
    assert "Đã phê duyệt" in chair.inner_text("#minutes-status")
    chair.fill("#conclusion #id_text", "Phòng CNTT hoàn thiện dự thảo Kế hoạch chuyển đổi số năm 2027")
    chair.select_option("#conclusion #id_owner", f"u:{org.unit.pk}")
    chair.fill("#conclusion #id_working_days", "5")
    with chair.expect_navigation():
        chair.click("#conclusion button")
    with chair.expect_navigation():
        chair.click("#publish-conclusions")
    with chair.expect_navigation():
        chair.click("#make-tasks")
    task = Task.objects.get(source=Task.Source.MEETING)
    assert (task.source, task.source_ref, task.owner_unit_id) == ("meeting", str(meeting.conclusions.get().pk),
                                                                   org.unit.pk)
    assert "Mới" in chair.inner_text("#meeting-conclusions .task-status")
    shot(chair, "tasks-made-desktop")

    # A week later: the unit has done its task; the briefing shows the conclusion done.
    task_services.complete(by=Actor(org.unit_head), task=task, result="Đã trình dự thảo Kế hoạch")
    chair.reload()
    assert "1/1" in chair.inner_text("#conclusions-done")
    assert "Hoàn tất" in chair.inner_text("#meeting-conclusions .task-status")
    timeline = chair.inner_text("#timeline")
    for verb in ("Đã gửi giấy mời", "Xác nhận tham dự", "Trình biên bản", "Giao việc từ kết luận"):
        assert verb in timeline
    shot(chair, "conclusion-done-desktop")
    chair.goto(f"/meetings/{meeting.pk}/notice/")
    assert "Phòng CNTT hoàn thiện" in chair.inner_text("#notice")
    shot(chair, "notice-desktop")
    phone.goto(f"/meetings/{meeting.pk}/")
    shot(phone, "conclusion-done-phone")
    return meeting
