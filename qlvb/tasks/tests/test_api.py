"""The tasks REST API: lists, assigning, the whole life of a task, 404 outside, and the provincial
committee's integration endpoint (idempotent)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qlvb.accounts.services import create_api_token
from qlvb.incoming.tests.conftest import pdf_upload
from qlvb.org.models import Person
from qlvb.tasks.models import Task, TaskFile
from qlvb.tasks.services import Owner
from qlvb.tasks.tests.conftest import assign, future

pytestmark = pytest.mark.django_db
API = "/api/v1/tasks/"


def _auth(person):  # noqa: ANN001, ANN202
    _token, key = create_api_token(person=person, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_assign_report_extend_complete_evaluate(client, org, local_storage):
    head, owner = _auth(org.head), _auth(org.specialist)
    response = client.post(API, {"title": "Tổng hợp báo cáo chuyển đổi số", "owner_person": org.specialist.pk,
                                 "coordinators": [org.clerk.pk], "working_days": 5}, content_type="application/json",
                           **head)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["coordinators"][0]["person"]["id"] == org.clerk.pk
    listed = client.get(API + "?list=to_do", **owner).json()
    assert [t["id"] for t in listed["results"]] == [pk]
    assert client.get(API + "counts/", **owner).json()["to_do"] == 1
    report = client.post(f"{API}{pk}/reports/", {"note": "Đã có số liệu 3 phòng", "progress": 30,
                                                 "files": [pdf_upload("so-lieu.pdf")]}, **owner)
    assert report.status_code == 200, report.content
    assert report.json()["progress"] == 30 and TaskFile.objects.filter(task_id=pk).count() == 1
    new = future(40).isoformat()
    assert client.post(f"{API}{pk}/extension/", {"deadline": new, "reason": "Chờ số liệu"},
                       content_type="application/json", **owner).status_code == 200
    decided = client.post(f"{API}{pk}/extension/decide/", {"approve": True}, content_type="application/json", **head)
    assert decided.status_code == 200 and decided.json()["deadline"] == new
    done = client.post(f"{API}{pk}/complete/", {"result": "Đã gửi báo cáo"}, content_type="application/json", **owner)
    assert done.json()["status"] == "done"
    evaluated = client.post(f"{API}{pk}/evaluate/", {"evaluation": "excellent"}, content_type="application/json",
                            **head)
    assert evaluated.json()["evaluation"] == "excellent"


def test_bad_input_and_outsiders(client, org, other_org):
    head = _auth(org.head)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    bad = client.post(API, {"title": "Việc", "owner_unit": org.unit.pk, "deadline": yesterday},
                      content_type="application/json", **head)
    assert bad.status_code == 400 and bad.json()["deadline"] == ["Thời hạn không được trước ngày hôm nay."]
    assert Task.objects.count() == 0
    task = assign(org, owner=Owner(person=org.specialist))
    for person in (other_org.head, org.admin):
        assert client.get(f"{API}{task.pk}/", **_auth(person)).status_code == 404
    assert client.post(f"{API}{task.pk}/complete/", {"result": "x"}, content_type="application/json",
                       **_auth(other_org.head)).status_code == 404
    # A specialist assigns nothing.
    assert client.post(API, {"title": "Việc", "owner_person": org.specialist.pk, "working_days": 3},
                       content_type="application/json", **_auth(org.specialist)).status_code == 404


def test_provincial_integration_is_idempotent(client, org, settings):
    account = Person.objects.create(username="ubnd.giaoviec", full_name="Phần mềm giao việc UBND tỉnh",
                                     must_change_password=False)
    settings.QLVB_PROVINCIAL_TASK_ACCOUNTS = ["ubnd.giaoviec"]
    auth = _auth(account)
    body = {"agency_code": org.agency.code, "title": "Triển khai Chỉ thị 05/CT-UBND về an toàn thông tin",
            "deadline": future(30).isoformat(), "reference": "UBND-GV-2026-118", "idempotency_key": "gv-118"}
    first = client.post(API + "provincial/", body, content_type="application/json", **auth)
    again = client.post(API + "provincial/", body, content_type="application/json", **auth)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Task.objects.count() == 1
    task = Task.objects.get()
    assert task.owner_person == org.head and task.source == "provincial" and task.source_ref == "UBND-GV-2026-118"
    # The head sees it among his tasks and breaks it down.
    assert client.get(API + "?list=to_do", **_auth(org.head)).json()["count"] == 1
    sub = client.post(API, {"title": "Rà soát hệ thống", "owner_unit": org.unit.pk, "parent": task.pk,
                            "deadline": future(20).isoformat()}, content_type="application/json", **_auth(org.head))
    assert sub.status_code == 201, sub.content
    # Anyone else: 404; an unknown agency: 404; a past deadline: 400.
    assert client.post(API + "provincial/", body, content_type="application/json",
                       **_auth(org.head)).status_code == 404
    assert client.post(API + "provincial/", {**body, "agency_code": "000.00.99.H99", "idempotency_key": "x"},
                       content_type="application/json", **auth).status_code == 404
    past = client.post(API + "provincial/", {**body, "idempotency_key": "y",
                                             "deadline": (timezone.localdate() - timedelta(days=3)).isoformat()},
                       content_type="application/json", **auth)
    assert past.status_code == 400 and Task.objects.filter(parent__isnull=True).count() == 1


def test_schema_names_the_endpoints(client, org):
    schema = client.get("/api/schema/?format=json", **_auth(org.head)).json()
    for path in ("/api/v1/tasks/", "/api/v1/tasks/provincial/", "/api/v1/tasks/{id}/complete/"):
        assert path in schema["paths"], path


def test_change_and_withdraw_through_the_api(client, org):
    task = assign(org, owner=Owner(person=org.specialist))
    head, owner = _auth(org.head), _auth(org.specialist)
    url = f"{API}{task.pk}/"
    refused = client.post(url + "change/", {"deadline": future(20).isoformat()}, content_type="application/json",
                          **owner)
    assert refused.status_code == 404  # the owner does not change what he was given
    late = client.post(url + "change/", {"deadline": (timezone.localdate() - timedelta(days=1)).isoformat()},
                       content_type="application/json", **head)
    assert late.status_code == 400 and "deadline" in late.json()
    changed = client.post(url + "change/", {"deadline": future(20).isoformat(), "owner_unit": org.unit.pk,
                                            "reason": "Giao cả phòng"}, content_type="application/json", **head)
    assert changed.status_code == 200, changed.content
    assert changed.json()["deadline"] == future(20).isoformat() and changed.json()["owner_unit"]["id"] == org.unit.pk
    assert changed.json()["title"] == task.title  # left out: unchanged
    assert client.post(url + "withdraw/", {}, content_type="application/json", **head).status_code == 400
    withdrawn = client.post(url + "withdraw/", {"reason": "Trùng nhiệm vụ khác"}, content_type="application/json",
                            **head)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
