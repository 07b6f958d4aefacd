"""The IT staff REST API: registry, reports through their states, incidents and statistics; 404
for anyone outside; 400 with Vietnamese messages, nothing saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qlvb.accounts.services import create_api_token
from qlvb.itstaff.models import Incident, Staff
from qlvb.itstaff.tests.conftest import deadline

pytestmark = pytest.mark.django_db
API = "/api/v1/itstaff/"
JSON = "application/json"


def _auth(person):  # noqa: ANN001, ANN202
    _token, key = create_api_token(person=person, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_registry_through_the_api(client, department, other_org):
    office = _auth(other_org.clerk)
    response = client.post(f"{API}staff/", {"person": other_org.specialist.pk, "degree": "university",
                                            "field_of_study": "Công nghệ thông tin", "field_is_it": True,
                                            "full_time_study": True}, content_type=JSON, **office)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["meets_standard"] is True and response.json()["decision"] is None
    response = client.post(f"{API}staff/{pk}/certificates/", {"name": "CCNA", "issued_on": "2024-05-02"},
                           content_type=JSON, **office)
    assert [c["name"] for c in response.json()["certificates"]] == ["CCNA"]
    response = client.post(f"{API}staff/{pk}/trainings/", {"kind": "meeting", "title": "Giao ban CNTT",
                                                           "held_on": str(timezone.localdate()), "attended": False},
                           content_type=JSON, **office)
    assert response.status_code == 201
    rows = {r["agency"]["id"]: r for r in client.get(f"{API}department/", **_auth(department.specialist)).json()}
    assert rows[other_org.agency.pk]["meetings_missed"] == 1 and rows[other_org.agency.pk]["flagged"] is True
    assert client.get(f"{API}department/", **office).status_code == 404
    assert client.get(f"{API}staff/{pk}/", **_auth(other_org.specialist)).status_code == 404
    assert client.get(f"{API}agencies/{other_org.agency.pk}/", **_auth(department.clerk)).status_code == 200
    bad = client.post(f"{API}staff/", {"person": other_org.specialist.pk, "degree": "university",
                                       "field_of_study": ""}, content_type=JSON, **office)
    assert bad.status_code == 400 and "Nhập ngành đào tạo." in bad.json()["field_of_study"]
    assert Staff.objects.count() == 1


def test_a_report_through_its_states(client, department, other_org):
    dept = _auth(department.head)
    response = client.post(f"{API}templates/", {"title": "Báo cáo CNTT 6 tháng đầu năm", "period": "h1",
                                                "year": 2026, "deadline": str(deadline()),
                                                "sections": ["Hạ tầng", "Ứng dụng"]}, content_type=JSON, **dept)
    assert response.status_code == 201, response.content
    template = response.json()["id"]
    office = _auth(other_org.clerk)
    response = client.put(f"{API}templates/{template}/report/", {"answers": {"s1": "Tốt", "s2": "Tốt"},
                                                                 "submit": True}, content_type=JSON, **office)
    assert response.json()["status"] == "submitted", response.content
    report = response.json()["id"]
    assert client.post(f"{API}reports/{report}/accept/", **office).status_code == 404
    response = client.post(f"{API}reports/{report}/return/", {"reason": "Bổ sung số máy chủ"}, content_type=JSON,
                           **dept)
    assert response.json()["status"] == "returned"
    client.put(f"{API}templates/{template}/report/", {"answers": {"s1": "2 máy chủ", "s2": "Tốt"}},
               content_type=JSON, **office)
    assert client.post(f"{API}reports/{report}/submit/", **office).json()["status"] == "submitted"
    assert client.post(f"{API}reports/{report}/accept/", **dept).json()["status"] == "accepted"
    rows = client.get(f"{API}templates/{template}/round/", **_auth(department.specialist)).json()
    assert {r["agency"]["id"]: r["state"] for r in rows} == {other_org.agency.pk: "accepted",
                                                             department.agency.pk: "missing"}
    assert client.get(f"{API}templates/{template}/round/", **office).status_code == 404


def test_incidents_through_the_api(client, department, other_org):
    office = _auth(other_org.clerk)
    bad = client.post(f"{API}incidents/", {"kind": "wan", "title": "Mất WAN"}, content_type=JSON, **office)
    assert bad.status_code == 400 and bad.json()["occurred_at"] == ["Nhập thời điểm xảy ra sự cố."]
    assert not Incident.objects.exists()
    at = (timezone.now() - timedelta(hours=1)).isoformat()
    response = client.post(f"{API}incidents/", {"kind": "wan", "title": "Mất WAN", "occurred_at": at},
                           content_type=JSON, **office)
    assert response.status_code == 201
    pk = response.json()["id"]
    closed = client.post(f"{API}incidents/{pk}/close/", {"handling": "Thay thiết bị"}, content_type=JSON, **office)
    assert closed.json()["closed_at"] is not None
    assert client.get(f"{API}incidents/", **_auth(department.specialist)).json()["count"] == 1
    assert client.get(f"{API}incidents/{pk}/", **_auth(other_org.specialist)).status_code == 404
    stats = client.get(f"{API}incidents/stats/", **_auth(department.specialist)).json()
    assert stats["by_kind"] == {"wan": 1} and stats["by_agency"][0]["total"] == 1
    bad = client.get(f"{API}incidents/stats/?start=0258-05-26", **_auth(department.specialist))
    assert bad.status_code == 400 and bad.json()["start"] == ["Nhập ngày trong khoảng năm 2000 đến 2100."]


def test_the_department_endpoint_is_flat_in_the_number_of_agencies(client, department, other_org, root,
                                                                    django_assert_max_num_queries):
    from conftest import build_org
    from qlvb.core import personcache
    from qlvb.core.actor import Actor
    from qlvb.itstaff import services
    from qlvb.itstaff.tests.conftest import staff_values

    def fill(org):
        staff = services.register_staff(by=Actor(org.clerk), agency=org.agency, person=org.specialist,
                                        **staff_values())
        services.add_certificate(by=Actor(org.clerk), staff=staff, name="CCNA",
                                 issued_on=timezone.localdate() - timedelta(days=30))

    fill(other_org)
    auth = _auth(department.specialist)
    personcache.bump()
    with django_assert_max_num_queries(40) as few:
        assert client.get(f"{API}department/", **auth).status_code == 200
    for i in range(3):
        fill(build_org(root, f"000.00.{30 + i}.H51", f"S{i}Y", f"Sở thử {i} tỉnh Sơn La"))
    personcache.bump()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(f"{API}department/", **auth).json()) == 5
