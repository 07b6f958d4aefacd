from __future__ import annotations

from datetime import timedelta

import pytest

from qlvb.accounts.services import create_api_token
from qlvb.core.actor import Actor
from qlvb.leave import services
from qlvb.leave.models import LeaveRequest
from qlvb.leave.tests.conftest import MONDAY, TODAY

pytestmark = pytest.mark.django_db
API = "/api/v1/leave/"


def _auth(person):  # noqa: ANN001, ANN202
    _token, key = create_api_token(person=person, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_whole_flow_through_the_api(client, org, field, chief):
    from django.utils import timezone

    from qlvb.core import workdays

    start = workdays.add_working_days(timezone.localdate() + timedelta(days=60), 0)
    response = client.post(API, {"kind": "annual", "start": start.isoformat(), "end": start.isoformat(),
                                 "reason": "Việc gia đình"}, content_type="application/json", **_auth(org.specialist))
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["approver"]["id"] == org.deputy.pk and response.json()["step"] == "field_leader"
    assert client.get(f"{API}approvals/", **_auth(org.deputy)).json()["count"] == 1
    assert client.get(f"{API}{pk}/", **_auth(org.unit_head)).status_code == 404
    assert client.post(f"{API}{pk}/decide/", {"approve": True}, content_type="application/json",
                       **_auth(org.unit_head)).status_code == 404
    decided = client.post(f"{API}{pk}/decide/", {"approve": True}, content_type="application/json",
                          **_auth(org.deputy))
    assert decided.json()["status"] == "approved"
    balance = client.get(f"{API}balance/?year={start.year}", **_auth(org.specialist)).json()
    assert balance["taken"] == 1 and balance["available"] == 11
    assert client.get(f"{API}register/?year={start.year}", **_auth(chief)).json()["count"] == 1
    assert client.get(f"{API}register/", **_auth(org.specialist)).status_code == 404
    assert client.post(f"{API}{pk}/cancel/", **_auth(org.specialist)).json()["status"] == "cancelled"


def test_bad_input_through_the_api(client, org):
    response = client.post(API, {"kind": "annual", "start": "2027-03-10", "end": "2027-03-08", "reason": "x"},
                           content_type="application/json", **_auth(org.specialist))
    assert response.status_code == 400 and "end" in response.json()
    assert client.post(API, {"kind": "holiday"}, content_type="application/json",
                       **_auth(org.specialist)).status_code == 400
    leave = services.request_leave(by=Actor(org.specialist), kind="sick", start=MONDAY, end=MONDAY, reason="Ốm",
                                   today=TODAY)
    response = client.post(f"{API}{leave.pk}/decide/", {"approve": False}, content_type="application/json",
                           **_auth(leave.approver))
    assert response.status_code == 400 and "note" in response.json()
    assert LeaveRequest.objects.get().status == "pending"
    assert client.get(f"{API}99999999999999999999/", **_auth(org.specialist)).status_code == 404


def test_overtime_through_the_api(client, org, chief):
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    response = client.post(f"{API}overtime/", {"day": today, "hours": "2.5", "work": "Trực hệ thống"},
                           content_type="application/json", **_auth(org.specialist))
    assert response.status_code == 201
    assert len(client.get(f"{API}overtime/", **_auth(chief)).json()) == 1
    assert len(client.get(f"{API}overtime/", **_auth(org.unit_head)).json()) == 0
