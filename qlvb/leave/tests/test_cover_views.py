"""The cover on the pages and through the API: named on the form or on the request page by the
person, the approver or the office (404 for anyone else), refused with a Vietnamese message and
nothing saved, and the moves shown on the request page and in the task's timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qlvb.core import personcache
from qlvb.core.actor import Actor
from qlvb.leave import services
from qlvb.leave.models import LeaveRequest
from qlvb.leave.tests.conftest import MONDAY, TODAY
from qlvb.leave.tests.test_api import API, _auth
from qlvb.tasks import services as tasks
from qlvb.tasks.models import Task
from qlvb.tasks.services import Owner

pytestmark = pytest.mark.django_db


def ask(person, cover=None, start=MONDAY):
    return services.request_leave(by=Actor(person), kind="annual", start=start, end=start, reason="Việc gia đình",
                                  cover=cover, today=TODAY)


def task(org, title: str) -> Task:
    return tasks.assign(by=Actor(org.head), agency=org.agency, owner=Owner(person=org.specialist), title=title,
                        deadline=MONDAY + timedelta(days=30))


def form(cover, day=MONDAY) -> dict[str, object]:
    text = day.strftime("%d/%m/%Y")
    return {"kind": "personal", "start": text, "end": text, "reason": "Việc gia đình", "emergency": "on",
            "emergency_reason": "Việc đột xuất", "cover": cover.pk if cover else ""}


def test_the_form_names_the_colleague(org, field, other_org, colleague, login):
    away = ask(colleague, start=MONDAY + timedelta(days=1))
    services.approve(by=Actor(away.approver), leave=away)
    client = login(org.specialist)
    page = client.get("/leave/new/").content.decode()
    assert "Người xử lý thay công việc của bạn" in page and "Lường Văn Sơn" in page
    assert "Trần Thị Mai" not in page.split('id="id_cover"')[1].split("</select>")[0]  # not herself
    # bad input: a Vietnamese message, nothing saved
    response = client.post("/leave/new/", form(other_org.specialist))
    assert response.status_code == 200 and "lựa chọn hợp lệ" in response.content.decode()
    response = client.post("/leave/new/", form(colleague, MONDAY + timedelta(days=1)))
    assert "Lường Văn Sơn cũng vắng mặt trong thời gian này" in response.content.decode()
    assert not LeaveRequest.objects.filter(person=org.specialist).exists()
    response = client.post("/leave/new/", form(colleague))
    assert response.status_code == 302
    leave = LeaveRequest.objects.get(person=org.specialist)
    assert leave.cover == colleague
    assert "Người xử lý thay: Lường Văn Sơn" in client.get(f"/leave/{leave.pk}/").content.decode()


@pytest.mark.parametrize("who", ["specialist", "deputy", "clerk"])
def test_the_person_the_approver_and_the_office_name_it_on_the_page(org, field, colleague, login, who):
    leave = ask(org.specialist)
    client = login(getattr(org, who))
    assert 'id="leave-cover-form"' in client.get(f"/leave/{leave.pk}/").content.decode()
    response = client.post(f"/leave/{leave.pk}/cover/", {"cover": colleague.pk}, follow=True)
    assert "Lường Văn Sơn sẽ xử lý thay công việc trong thời gian nghỉ" in response.content.decode()
    assert LeaveRequest.objects.get(pk=leave.pk).cover == colleague


@pytest.mark.parametrize("who", ["unit_head", "colleague", "head"])
def test_anyone_else_gets_404(org, field, colleague, login, who):
    leave = ask(org.specialist)
    client = login(colleague if who == "colleague" else getattr(org, who))
    assert client.get(f"/leave/{leave.pk}/").status_code == 404
    assert client.post(f"/leave/{leave.pk}/cover/", {"cover": org.admin.pk}).status_code == 404
    assert LeaveRequest.objects.get(pk=leave.pk).cover is None


def test_a_colleague_away_the_same_days_is_refused_on_the_page(org, field, colleague, login):
    away = ask(colleague)
    services.approve(by=Actor(away.approver), leave=away)
    leave = ask(org.specialist)
    response = login(org.specialist).post(f"/leave/{leave.pk}/cover/", {"cover": colleague.pk}, follow=True)
    assert "cũng vắng mặt trong thời gian này" in response.content.decode()
    assert LeaveRequest.objects.get(pk=leave.pk).cover is None


def test_the_request_page_and_the_task_show_the_moves(org, field, colleague, login, django_assert_max_num_queries):
    first = task(org, "Cập nhật cổng thông tin điện tử")
    leave = ask(org.specialist, cover=colleague)
    services.approve(by=Actor(org.deputy), leave=leave)
    services.run_covers(today=MONDAY)
    services.run_covers(today=MONDAY + timedelta(days=1))
    client = login(org.specialist)
    page = client.get(f"/leave/{leave.pk}/").content.decode()
    assert "Chuyển nhiệm vụ cho người xử lý thay" in page and "Trả lại nhiệm vụ sau thời gian nghỉ" in page
    assert page.count("Cập nhật cổng thông tin điện tử") == 2  # given, then given back
    timeline = client.get(f"/tasks/{first.pk}/").content.decode().split('id="timeline"')[1]
    assert "Chuyển cho người xử lý thay trong thời gian nghỉ" in timeline
    assert "Trần Thị Mai → Lường Văn Sơn" in timeline and "Lường Văn Sơn → Trần Thị Mai" in timeline
    personcache.bump()
    with django_assert_max_num_queries(60) as counted:
        client.get(f"/leave/{leave.pk}/")
    before = len(counted.captured_queries)
    # another leave with five tasks moved: the page asks no more
    for n in range(5):
        task(org, f"Nhiệm vụ số {n}")
    later = ask(org.specialist, cover=colleague, start=MONDAY + timedelta(days=7))
    services.approve(by=Actor(org.deputy), leave=later)
    services.run_covers(today=MONDAY + timedelta(days=7))
    services.run_covers(today=MONDAY + timedelta(days=8))
    personcache.bump()
    with django_assert_max_num_queries(before):
        assert client.get(f"/leave/{later.pk}/").content.decode().count("Nhiệm vụ số") == 10


def test_the_cover_through_the_api(client, org, field, other_org, colleague):
    response = client.post(API, {"kind": "annual", "start": MONDAY.isoformat(), "end": MONDAY.isoformat(),
                                 "reason": "Việc gia đình", "cover": colleague.pk, "emergency": True,
                                 "emergency_reason": "Việc đột xuất"},
                           content_type="application/json", **_auth(org.specialist))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["cover"]["name"] == "Lường Văn Sơn" and body["cover_given_at"] is None
    url = f"{API}{body['id']}/cover/"
    # bad input: 400 with a Vietnamese message, nothing changed
    for bad, words in ((other_org.specialist.pk, "đang công tác"), (org.specialist.pk, "không thể tự xử lý thay"),
                       (999999, "đang công tác")):
        response = client.post(url, {"cover": bad}, content_type="application/json", **_auth(org.deputy))
        assert response.status_code == 400 and words in " ".join(response.json()["cover"])
    assert LeaveRequest.objects.get(pk=body["id"]).cover == colleague
    # the approver changes it; someone else: 404
    response = client.post(url, {"cover": org.admin.pk}, content_type="application/json", **_auth(org.deputy))
    assert response.status_code == 200 and response.json()["cover"]["id"] == org.admin.pk
    assert client.post(url, {"cover": None}, content_type="application/json",
                       **_auth(org.unit_head)).status_code == 404
    response = client.post(url, {"cover": None}, content_type="application/json", **_auth(org.specialist))
    assert response.status_code == 200 and response.json()["cover"] is None
