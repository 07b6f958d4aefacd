"""The schedules' REST API: entries of a range (mine, a unit's, the agency's), personal entries
created and changed, 404 for what the caller may not see, 400 with Vietnamese messages."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from qlvb.core.actor import Actor
from qlvb.schedules import services
from qlvb.schedules.models import Entry, Scope
from qlvb.schedules.tests.conftest import at

pytestmark = pytest.mark.django_db
URL = "/api/v1/schedules/entries/"


def api(person) -> APIClient:  # noqa: ANN001
    client = APIClient()
    client.force_authenticate(person)
    return client


def test_create_and_list_my_entries(org, monday):
    client = api(org.specialist)
    response = client.post(URL, {"title": "Soạn báo cáo", "starts_at": at(monday, 8).isoformat(),
                                 "ends_at": at(monday, 11).isoformat(), "people": [org.unit_head.pk],
                                 "units": [org.unit.pk], "place": "Phòng CNTT"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["scope"] == "personal" and body["published"] is None
    assert {p["id"] for p in body["people"]} == {org.specialist.pk, org.unit_head.pk}
    listed = client.get(URL, {"start": monday.isoformat()}).json()
    assert [e["title"] for e in listed] == ["Soạn báo cáo"]
    assert [e["title"] for e in api(org.unit_head).get(URL, {"start": monday.isoformat()}).json()] == ["Soạn báo cáo"]
    assert api(org.clerk).get(URL, {"start": monday.isoformat()}).json() == []


def test_bad_input_is_400_in_vietnamese_and_saves_nothing(org, other_org, monday):
    client = api(org.specialist)
    response = client.post(URL, {"title": "Họp", "starts_at": at(monday, 11).isoformat(),
                                 "ends_at": at(monday, 8).isoformat()}, format="json", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert response.json()["ends_at"] == ["Thời điểm kết thúc phải sau thời điểm bắt đầu."]
    response = client.post(URL, {"title": "Họp", "starts_at": at(monday, 8).isoformat(),
                                 "ends_at": at(monday, 9).isoformat(), "people": [other_org.head.pk]}, format="json")
    assert response.status_code == 400
    assert not Entry.objects.exists()


def test_change_my_entry_and_404_for_others(org, other_org, office, monday):
    entry = services.save_entry(by=Actor(org.specialist), agency=org.agency, scope=Scope.PERSONAL, title="Viết",
                                starts_at=at(monday, 8), ends_at=at(monday, 9))
    payload = {"title": "Viết báo cáo", "starts_at": at(monday, 9).isoformat(), "ends_at": at(monday, 10).isoformat()}
    response = api(org.specialist).put(f"{URL}{entry.pk}/", payload, format="json")
    assert response.status_code == 200 and response.json()["title"] == "Viết báo cáo"
    assert api(org.unit_head).put(f"{URL}{entry.pk}/", payload, format="json").status_code == 404
    assert api(other_org.head).get(f"{URL}{entry.pk}/").status_code == 404
    assert api(org.specialist).get(f"{URL}99999999999999999999/").status_code == 404
    agency = services.save_entry(by=Actor(office.chief), agency=org.agency, scope=Scope.AGENCY, title="Giao ban",
                                 starts_at=at(monday, 8), ends_at=at(monday, 9))
    # the office may not rewrite an agency entry through the personal API
    assert api(office.chief).put(f"{URL}{agency.pk}/", payload, format="json").status_code == 404


def test_agency_and_unit_schedules(org, other_org, office, monday):
    entry = services.save_entry(by=Actor(office.chief), agency=org.agency, scope=Scope.AGENCY, title="Giao ban",
                                starts_at=at(monday, 8), ends_at=at(monday, 9))
    query = {"schedule": "agency", "start": monday.isoformat()}
    assert api(org.specialist).get(URL, query).json() == []  # a draft
    assert [e["published"] for e in api(org.head).get(URL, query).json()] == [False]
    assert entry.period is not None
    services.publish_period(by=Actor(org.head), period=entry.period)
    assert [e["title"] for e in api(org.specialist).get(URL, query).json()] == ["Giao ban"]
    assert api(other_org.specialist).get(URL, query).json() == []
    services.save_entry(by=Actor(org.unit_head), agency=org.agency, scope=Scope.UNIT, unit=org.unit, title="Họp phòng",
                        starts_at=at(monday, 8), ends_at=at(monday, 9))
    unit_query = {"schedule": "unit", "unit": org.unit.pk, "start": monday.isoformat()}
    assert [e["title"] for e in api(org.specialist).get(URL, unit_query).json()] == ["Họp phòng"]
    assert api(other_org.head).get(URL, unit_query).status_code == 404
    assert api(org.specialist).get(URL, {"start": monday.isoformat(), "end": "2000-01-01"}).status_code == 400
    assert api(org.specialist).get(URL, {"schedule": "nobody"}).status_code == 400


def test_the_endpoints_are_in_the_schema(org):
    schema = api(org.specialist).get("/api/schema/?format=json").json()
    assert "/api/v1/schedules/entries/" in schema["paths"]
    assert set(schema["paths"]["/api/v1/schedules/entries/{id}/"]) >= {"get", "put"}
