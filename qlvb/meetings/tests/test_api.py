"""The meetings REST API: preparing (a meeting without a chair refused), answering, the minutes,
the conclusions and tasks in one step, 404 outside."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qlvb.accounts.services import create_api_token
from qlvb.meetings.models import Meeting
from qlvb.tasks.models import Task

pytestmark = pytest.mark.django_db
API = "/api/v1/meetings/"


def _auth(person):  # noqa: ANN001, ANN202
    _token, key = create_api_token(person=person, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _body(org, **extra):  # noqa: ANN001, ANN003, ANN202
    start = timezone.now() - timedelta(minutes=30)
    body = {"kind": "briefing", "title": "Giao ban tuần", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(), "chair": org.head.pk, "secretary": org.clerk.pk,
            "people": [org.unit_head.pk], "units": [org.unit.pk], "invite": True}
    body.update(extra)
    return body


def test_the_whole_flow_through_the_api(client, org):
    office, head, unit_head = _auth(org.clerk), _auth(org.head), _auth(org.unit_head)
    refused = client.post(API, _body(org, chair=None), content_type="application/json", **office)
    assert refused.status_code == 400 and "chair" in refused.json()
    assert not Meeting.objects.exists()
    created = client.post(API, _body(org), content_type="application/json", **office)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "invited"
    waiting = client.get(API + "?list=to_answer", **unit_head).json()
    assert [m["id"] for m in waiting["results"]] == [pk]
    answered = client.post(f"{API}{pk}/answer/", {"answer": "accepted"}, content_type="application/json", **unit_head)
    assert answered.status_code == 200, answered.content
    assert {i["answer"] for i in answered.json()["invitees"] if i["person"]} == {"accepted"}
    assert client.get(API + "?list=to_answer", **unit_head).json()["count"] == 1  # his unit's invitation
    # The web page records attendance; here the service does it for the test's brevity.
    from qlvb.core.actor import Actor
    from qlvb.meetings import services

    services.record_attendance(by=Actor(org.clerk), meeting=Meeting.objects.get(pk=pk),
                               statuses={org.head.pk: "present"})
    submitted = client.post(f"{API}{pk}/minutes/", {"action": "submit", "body": "Biên bản giao ban"},
                            content_type="application/json", **office)
    assert submitted.json()["minutes"]["status"] == "submitted"
    assert client.post(f"{API}{pk}/minutes/", {"action": "approve"}, content_type="application/json",
                       **unit_head).status_code == 404
    approved = client.post(f"{API}{pk}/minutes/", {"action": "approve"}, content_type="application/json", **head)
    assert approved.json()["minutes"]["status"] == "approved" and approved.json()["status"] == "closed"
    bad = client.post(f"{API}{pk}/conclusions/", {"text": "Rà soát", "owner_unit": org.unit.pk},
                      content_type="application/json", **head)
    assert bad.status_code == 400 and "deadline" in bad.json()
    concluded = client.post(f"{API}{pk}/conclusions/", {"text": "Phòng CNTT rà soát an toàn thông tin",
                                                        "owner_unit": org.unit.pk, "working_days": 5,
                                                        "publish": True},
                            content_type="application/json", **head)
    assert concluded.status_code == 200, concluded.content
    assert concluded.json()["conclusions_published_at"]
    made = client.post(f"{API}{pk}/tasks/", **head)
    assert made.status_code == 201, made.content
    task = Task.objects.get(pk=made.json()["tasks"][0])
    assert (task.source, task.owner_unit_id) == ("meeting", org.unit.pk)
    assert made.json()["meeting"]["conclusions"][0]["tasks"][0]["status"] == "pending"
    assert client.post(f"{API}{pk}/tasks/", **head).status_code == 400  # none twice


def test_outsiders_and_the_uninvited_get_404(client, org, other_org):
    pk = client.post(API, _body(org, people=[], units=[org.office.pk]), content_type="application/json",
                     **_auth(org.clerk)).json()["id"]
    for person in (other_org.head, org.specialist):
        auth = _auth(person)
        assert client.get(f"{API}{pk}/", **auth).status_code == 404
        assert client.post(f"{API}{pk}/answer/", {"answer": "accepted"}, content_type="application/json",
                           **auth).status_code == 404
        assert client.post(f"{API}{pk}/cancel/", {"reason": "x"}, content_type="application/json",
                           **auth).status_code == 404
    assert client.get(f"{API}99999/", **_auth(org.head)).status_code == 404
    assert client.get(f"{API}{pk}/", **_auth(org.head)).status_code == 200


def test_cancel_through_the_api(client, org):
    start = timezone.now() + timedelta(days=1)
    pk = client.post(API, _body(org, starts_at=start.isoformat(), ends_at=(start + timedelta(hours=1)).isoformat()),
                     content_type="application/json", **_auth(org.clerk)).json()["id"]
    refused = client.post(f"{API}{pk}/cancel/", {"reason": ""}, content_type="application/json", **_auth(org.clerk))
    assert refused.status_code == 400
    done = client.post(f"{API}{pk}/cancel/", {"reason": "Hoãn"}, content_type="application/json", **_auth(org.clerk))
    assert done.json()["status"] == "cancelled"


def test_agenda_and_conclusions_added_and_taken_back_through_the_api(client, org):
    start = timezone.now() + timedelta(days=1)
    pk = client.post(API, _body(org, starts_at=start.isoformat(), ends_at=(start + timedelta(hours=1)).isoformat()),
                     content_type="application/json", **_auth(org.clerk)).json()["id"]
    office = _auth(org.clerk)
    refused = client.post(f"{API}{pk}/agenda/", {"title": " "}, content_type="application/json", **office)
    assert refused.status_code == 400 and "title" in refused.json()
    for title in ("Báo cáo tuần", "Kế hoạch tháng 12"):
        agenda = client.post(f"{API}{pk}/agenda/", {"title": title, "presenter": org.unit_head.pk},
                             content_type="application/json", **office).json()["agenda"]
    assert client.delete(f"{API}{pk}/agenda/{agenda[0]['id']}/", **_auth(org.unit_head)).status_code == 404
    left = client.delete(f"{API}{pk}/agenda/{agenda[0]['id']}/", **office).json()["agenda"]
    assert [(a["order"], a["title"]) for a in left] == [(1, "Kế hoạch tháng 12")]
    assert client.delete(f"{API}{pk}/agenda/999999/", **office).status_code == 404
    from .helpers import held as held_meeting

    held = held_meeting(org).pk
    head = _auth(org.head)
    added = client.post(f"{API}{held}/conclusions/", {"text": "Giao nhầm"}, content_type="application/json",
                        **head).json()["conclusions"]
    assert client.delete(f"{API}{held}/conclusions/{added[0]['id']}/", **head).json()["conclusions"] == []
