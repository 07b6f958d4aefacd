"""The home page shows each person's outgoing work beside the incoming: what waits for my
signature and my opinion, what the clerk must number and issue, my drafts returned to me, the
electronic documents waiting in the reception queue — and no log-ins in my recent activity."""

from __future__ import annotations

import re

import pytest

from qlvb.core.actor import Actor
from qlvb.outgoing import services
from qlvb.outgoing.tests.conftest import docx_upload, draft, signing  # noqa: F401  (fixtures)


def _count(html: str, name: str) -> int:
    found = re.search(rf'data-count="{name}">(\d+)<', html)
    assert found, name
    return int(found.group(1))


def _waiting(html: str, kind: str) -> int:
    return html.count(f'data-waiting="{kind}"')


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}


def test_each_person_sees_the_outgoing_work_waiting_for_them(org, draft, login):  # noqa: F811
    services.submit(by=Actor(org.specialist), document=draft, signer=org.deputy)
    # The unit head is asked first: the draft waits for her opinion.
    page = login(org.unit_head).get("/").content.decode()
    assert _count(page, "to_review") == 1 and _waiting(page, "to_review") == 1 and draft.summary in page
    services.approve(by=Actor(org.unit_head), document=draft)
    services.approve(by=Actor(org.clerk), document=draft)  # the office's format check
    # Now it waits for the deputy's signature: "Chờ bạn phê duyệt" says so (it said nothing before).
    deputy = login(org.deputy).get("/").content.decode()
    assert _count(deputy, "to_sign") == 1 and _waiting(deputy, "to_sign") == 1
    assert "Không có mục nào đang chờ" not in deputy.split('id="waiting-for-me"')[1].split("</ul>")[0]
    services.return_draft(by=Actor(org.deputy), document=draft, opinion="Sửa lại đoạn 2", to="drafter")
    drafter = login(org.specialist).get("/").content.decode()
    assert _count(drafter, "returned") == 1
    assert _count(login(org.deputy).get("/").content.decode(), "to_sign") == 0


def test_the_clerk_sees_what_to_issue_and_the_reception_queue(org, login):
    page = login(org.clerk).get("/").content.decode()
    assert _count(page, "to_issue") == 0 and _count(page, "reception") == 0
    specialist = login(org.specialist).get("/").content.decode()
    assert 'data-count="to_issue"' not in specialist and 'data-count="reception"' not in specialist


def test_recent_activity_is_work_not_log_ins(org, login):
    login(org.specialist)
    page = login(org.specialist).get("/").content.decode()
    activity = page.split('id="act-title"')[1]
    assert "Đăng nhập" not in activity


def test_menus_show_what_the_role_uses(org, login):
    clerk = login(org.clerk).get("/").content.decode()
    assert "/api/docs/" not in clerk  # the API documentation is for the IT staff
    assert "/calendar/" not in clerk  # the holiday calendar is not a work schedule
    admin = login(org.admin).get("/").content.decode()
    assert "/api/docs/" in admin and "Ngày nghỉ lễ, ngày làm bù" in admin


def test_overdue_reviews_are_reminded_each_morning_and_shown(org, draft, login, monkeypatch):  # noqa: F811
    """remind_overdue_reviews (003 Đ10.7) runs from the job worker; the reviewer sees the review
    overdue, the signer sees who holds the draft up."""
    from datetime import timedelta

    from django.utils import timezone

    from qlvb.core.models import Event
    from qlvb.outgoing import tasks

    assert hasattr(tasks.remind_overdue_reviews.task_base, "validate_datetime")  # a periodic job of the worker
    services.submit(by=Actor(org.specialist), document=draft, signer=org.deputy)
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=10))
    tasks.remind_overdue_reviews.call_local()
    assert Event.objects.filter(verb="outgoing.review_reminded", target_id=draft.pk).count() == 1
    assert services.remind_overdue_reviews() == 0  # once a day
    reviewer = login(org.unit_head).get("/").content.decode()
    assert _count(reviewer, "late") == 1
    signer = login(org.deputy).get("/").content.decode()
    assert _waiting(signer, "late_review") == 1 and org.unit_head.full_name in signer
