"""The notices REST API: publish, list, detail (links only those the caller may open), mark
read, receipts for the sender and the office; 404 outside."""

from __future__ import annotations

import pytest

from qlvb.accounts.services import create_api_token
from qlvb.notices.models import Notice

pytestmark = pytest.mark.django_db
API = "/api/v1/notices/"


def _auth(person):  # noqa: ANN001, ANN202
    _token, key = create_api_token(person=person, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_whole_flow_through_the_api(client, org, chief, planner, register_doc):
    secret = register_doc(secrecy="mat", summary="Kế hoạch bảo vệ bí mật")
    response = client.post(API, {"title": "Triển khai kế hoạch", "to_everyone": True, "pinned": True,
                                 "links": [f"incoming:{secret.pk}"]},
                            content_type="application/json", **_auth(org.head))
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert len(response.json()["links"]) == 1
    listed = client.get(API, **_auth(planner)).json()
    assert listed["count"] == 1 and listed["results"][0]["is_read"] is False
    detail = client.get(f"{API}{pk}/", **_auth(planner)).json()
    assert detail["links"] == [] and detail["hidden_links"] == 1  # the secret document is not opened to him
    assert client.post(f"{API}{pk}/read/", **_auth(planner)).json()["is_read"] is True
    assert client.get(f"{API}?list=unread", **_auth(planner)).json()["count"] == 0
    receipts = client.get(f"{API}{pk}/receipts/", **_auth(chief)).json()
    assert [r["person"]["id"] for r in receipts["read"]] == [planner.pk]
    assert receipts["total"] == receipts["read_count"] + receipts["unread_count"]
    assert client.get(f"{API}{pk}/receipts/", **_auth(planner)).status_code == 404


def test_bad_input_and_outsiders(client, org, other_org, chief):
    response = client.post(API, {"title": "Thông báo"}, content_type="application/json", **_auth(chief))
    assert response.status_code == 400 and "Hãy chọn nơi nhận" in response.json()["audience"][0]
    response = client.post(API, {"title": "Thông báo", "units": [other_org.unit.pk]},
                           content_type="application/json", **_auth(chief))
    assert response.status_code == 400
    assert client.post(API, {"title": "X", "to_everyone": True}, content_type="application/json",
                       **_auth(org.specialist)).status_code == 404
    assert Notice.objects.count() == 0
    notice = client.post(API, {"title": "Thông báo nội bộ", "to_everyone": True}, content_type="application/json",
                         **_auth(chief)).json()
    for path in (f"{API}{notice['id']}/", f"{API}{notice['id']}/receipts/"):
        assert client.get(path, **_auth(other_org.head)).status_code == 404
    assert client.post(f"{API}{notice['id']}/read/", **_auth(other_org.head)).status_code == 404
    assert client.get(f"{API}?list=nonsense", **_auth(chief)).status_code == 400
