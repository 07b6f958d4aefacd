"""The hand-over REST API: preview of a person's open work, the hand-over, the records; 404 outside,
400 with a Vietnamese message and nothing changed for a bad successor."""

from __future__ import annotations

from qlvb.accounts.services import create_api_token
from qlvb.core import handover
from qlvb.handover.models import HandOver

API = "/api/v1/handovers/"


def _auth(person):  # noqa: ANN001, ANN202
    _token, key = create_api_token(person=person, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_preview_then_hand_over(client, org, holding, successor):
    url = f"{API}people/{org.specialist.pk}/"
    preview = client.get(url, **_auth(org.unit_head))
    assert preview.status_code == 200
    body = preview.json()
    assert body["total"] == 7 and {w["name"]: w["count"] for w in body["work"]}["incoming"] == 2
    response = client.post(url, {"successor": successor.pk, "successors": {"dossiers": org.unit_head.pk},
                                 "note": "Chuyển công tác"}, content_type="application/json", **_auth(org.unit_head))
    assert response.status_code == 201, response.content
    record = response.json()
    assert record["total"] == 7 and record["successor"]["id"] == successor.pk
    assert record["successors"] == {"dossiers": org.unit_head.pk}
    assert handover.open_total(org.specialist, org.agency.pk) == 0
    listed = client.get(API, **_auth(org.head)).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == record["id"]
    assert client.get(f"{API}{record['id']}/", **_auth(successor)).status_code == 200
    assert client.get(f"{API}{record['id']}/", **_auth(org.clerk)).status_code == 404


def test_bad_input_changes_nothing(client, org, other_org, holding, successor):
    url = f"{API}people/{org.specialist.pk}/"
    auth = _auth(org.head)
    for data in ({"successor": other_org.specialist.pk}, {"successor": org.specialist.pk},
                 {"successor": 999999}, {"successor": successor.pk, "successors": {"leave": org.unit_head.pk}},
                 {"successor": successor.pk, "successors": {"tasks": other_org.head.pk}}, {}):
        response = client.post(url, data, content_type="application/json", **auth)
        assert response.status_code == 400, (data, response.content)
    message = client.post(url, {"successor": org.specialist.pk}, content_type="application/json", **auth).json()
    assert "chính người" in message["successor"][0]
    assert not HandOver.objects.exists() and handover.open_total(org.specialist, org.agency.pk) == 7


def test_outsiders_get_404(client, org, other_org, holding, successor):
    url = f"{API}people/{org.specialist.pk}/"
    for person in (org.clerk, successor, other_org.head, other_org.admin):
        assert client.get(url, **_auth(person)).status_code == 404
        assert client.post(url, {"successor": successor.pk}, content_type="application/json",
                           **_auth(person)).status_code == 404
    assert client.get(API, **_auth(org.clerk)).status_code == 404
    assert client.get(f"{API}people/99999999/", **_auth(org.head)).status_code == 404
