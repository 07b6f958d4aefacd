"""The programmes' REST API: the whole flow, bad input (400, nothing saved), outsiders (404)."""

from __future__ import annotations

import pytest

from qlvb.accounts.services import create_api_token
from qlvb.programmes.models import Item, Programme
from qlvb.programmes.tests.conftest import soon, this_quarter
from qlvb.tasks.models import Task

pytestmark = pytest.mark.django_db
API = "/api/v1/programmes/"


def _auth(person):  # noqa: ANN001, ANN202
    _token, key = create_api_token(person=person, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_flow_through_the_api(client, org, other_org, field):
    chief, deputy = _auth(org.unit_head), _auth(org.deputy)
    year, number = this_quarter()
    created = client.post(API, {"scope": "unit", "owner_unit": org.unit.pk, "period": "quarter", "year": year,
                                "number": number}, content_type="application/json", **chief)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    item = {"title": "Xây dựng Kế hoạch chuyển đổi số", "product": "Tờ trình, dự thảo Quyết định",
            "coordinating_units": [org.office.pk], "due": soon().isoformat(), "nature": "key"}
    bad = client.post(f"{API}{pk}/items/", item, content_type="application/json", **chief)
    assert bad.status_code == 400 and "Chọn đơn vị chủ trì" in bad.json()["responsible_unit"][0]
    assert Item.objects.count() == 0
    added = client.post(f"{API}{pk}/items/", {**item, "responsible_unit": org.unit.pk},
                        content_type="application/json", **chief)
    assert added.status_code == 201
    assert added.json()["items"][0]["status"] == "pending"
    assert client.post(f"{API}{pk}/submit/", {}, content_type="application/json", **chief).status_code == 200
    # Outsiders and those without the right: 404.
    assert client.get(f"{API}{pk}/", **_auth(other_org.head)).status_code == 404
    assert client.post(f"{API}{pk}/approve/", {}, content_type="application/json",
                       **_auth(org.specialist)).status_code == 404
    waiting = client.get(API + "?tab=waiting", **deputy).json()
    assert [p["id"] for p in waiting["results"]] == [pk]
    approved = client.post(f"{API}{pk}/approve/", {"note": "Đồng ý"}, content_type="application/json", **deputy)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    item_pk = approved.json()["items"][0]["id"]
    # Adjusting needs a reason.
    change = {**item, "responsible_unit": org.unit.pk, "product": "Kế hoạch"}
    assert client.post(f"{API}{pk}/items/{item_pk}/", change, content_type="application/json",
                       **chief).status_code == 400
    adjusted = client.post(f"{API}{pk}/items/{item_pk}/", {**change, "reason": "Theo chỉ đạo của Giám đốc"},
                           content_type="application/json", **chief)
    assert adjusted.status_code == 200 and adjusted.json()["version"] == 2
    assert adjusted.json()["adjustments"][0]["reason"] == "Theo chỉ đạo của Giám đốc"
    made = client.post(f"{API}{pk}/tasks/", {"items": [item_pk]}, content_type="application/json", **chief)
    assert made.status_code == 201 and made.json()["tasks"] == [Task.objects.get().pk]
    detail = client.get(f"{API}{pk}/", **chief).json()
    assert detail["items"][0]["status"] == "in_progress" and len(detail["items"][0]["tasks"]) == 1
    reviewed = client.post(f"{API}{pk}/reviews/", {"assessment": "Đúng tiến độ."}, content_type="application/json",
                           **chief)
    assert reviewed.status_code == 201 and reviewed.json()["counts"]["in_progress"] == 1
    fields = client.get(API + "fields/", **deputy)
    assert fields.status_code == 200 and fields.json()[0]["counts"]["in_progress"] == 1
    assert client.get(API + "fields/", **_auth(org.specialist)).status_code == 404
    assert Programme.objects.count() == 1
