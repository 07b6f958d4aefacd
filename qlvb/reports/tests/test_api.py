"""The reports REST API: the whole life of a report, the deputy's report, 404s outside, the
received list and the overview."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qlvb.accounts.services import create_api_token
from qlvb.reports.models import PeriodicReport

pytestmark = pytest.mark.django_db
API = "/api/v1/reports/"


def _auth(person):  # noqa: ANN001, ANN202
    _token, key = create_api_token(person=person, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_make_edit_send_and_read_a_report(client, org, field):
    head = _auth(org.unit_head)
    today = timezone.localdate().isoformat()
    response = client.post(API, {"unit": org.unit.pk, "kind": "week", "day": today},
                           content_type="application/json", **head)
    assert response.status_code == 201, response.content
    report = response.json()
    assert report["status"] == "draft" and report["actions"]["send"] is True
    assert set(report["snapshot"]) >= {"tasks", "incoming", "outgoing", "programme", "as_of"}
    url = f"{API}{report['id']}/"
    # Sending without results is refused, nothing changes.
    response = client.post(f"{url}send/", **head)
    assert response.status_code == 400 and "results" in response.json()
    response = client.patch(url, {"results": "Hoàn thành kế hoạch tuần.", "proposals": "Bổ sung kinh phí."},
                            content_type="application/json", **head)
    assert response.status_code == 200 and response.json()["results"] == "Hoàn thành kế hoạch tuần."
    assert client.post(f"{url}assemble/", **head).status_code == 200
    sent = client.post(f"{url}send/", **head).json()
    assert sent["status"] == "sent" and {r["role"] for r in sent["recipients"]} == {"head", "field_leader"}
    assert sent["actions"] == {"edit": False, "assemble": False, "send": False, "delete": False}
    # A sent report never changes.
    response = client.patch(url, {"results": "Sửa"}, content_type="application/json", **head)
    assert response.status_code == 400
    assert client.delete(url, **head).status_code == 400
    # The director receives it; opening it marks it read.
    director = _auth(org.head)
    received = client.get(f"{API}received/", **director).json()
    assert [row["report"]["id"] for row in received["results"]] == [report["id"]]
    assert received["results"][0]["read_at"] is None
    assert client.get(url, **director).status_code == 200
    assert client.get(f"{API}received/", **director).json()["results"][0]["read_at"] is not None
    overview = client.get(f"{API}overview/", {"kind": "week", "day": today}, **director).json()
    assert {row["unit"]["name"]: row["status"] for row in overview["units"]}[org.unit.name] == "sent"
    assert overview["missing"] >= 1  # the office has not reported


def test_the_deputys_report_by_field(client, org, field):
    response = client.post(API, {"kind": "week", "day": timezone.localdate().isoformat()},
                           content_type="application/json", **_auth(org.deputy))
    assert response.status_code == 201, response.content
    assert response.json()["scope"] == "fields" and response.json()["work_fields"] == [
        {"id": field.pk, "name": field.name}]
    # Someone in charge of no field may not make one.
    response = client.post(API, {"kind": "week", "day": timezone.localdate().isoformat()},
                           content_type="application/json", **_auth(org.specialist))
    assert response.status_code == 404


def test_outsiders_get_404(client, org, other_org, field):
    response = client.post(API, {"unit": org.unit.pk, "kind": "week", "day": timezone.localdate().isoformat()},
                           content_type="application/json", **_auth(org.unit_head))
    url = f"{API}{response.json()['id']}/"
    for person in (other_org.head, org.specialist, org.head):  # a draft: its writers only
        auth = _auth(person)
        assert client.get(url, **auth).status_code == 404
        assert client.patch(url, {"results": "x"}, content_type="application/json", **auth).status_code == 404
        assert client.post(f"{url}send/", **auth).status_code == 404
    response = client.post(API, {"unit": org.unit.pk, "kind": "week", "day": timezone.localdate().isoformat()},
                           content_type="application/json", **_auth(other_org.unit_head))
    assert response.status_code == 404
    assert client.get(f"{API}overview/", **_auth(org.specialist)).status_code == 404
    assert client.get(f"{API}abc/", **_auth(org.head)).status_code == 404
    assert PeriodicReport.objects.count() == 1


def test_bad_input_is_400(client, org):
    auth = _auth(org.unit_head)
    assert client.post(API, {"unit": org.unit.pk, "kind": "month", "day": "2026-12-01"},
                       content_type="application/json", **auth).status_code == 400
    response = client.post(API, {"unit": org.unit.pk, "kind": "year", "day": "2099-01-01"},
                           content_type="application/json", **auth)
    assert response.status_code == 400 and "day" in response.json()
    assert client.get(API, {"mine": "true"}, **auth).json()["count"] == 0
