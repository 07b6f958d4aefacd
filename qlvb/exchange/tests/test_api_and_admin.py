"""The exchange REST API (scoped like the pages, in the OpenAPI schema), the peers page for the
installation's administrator, and the demo package."""

from __future__ import annotations

from qlvb.accounts.services import create_api_token
from qlvb.core.actor import Actor
from qlvb.exchange import services
from qlvb.exchange.models import Peer, ReceptionItem
from qlvb.exchange.peers import hash_token
from qlvb.exchange.tests.conftest import issue_to
from qlvb.incoming.models import IncomingDocument

API = "/api/v1/exchange/"


def _auth(person):
    _token, key = create_api_token(person=person, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_reception_api_is_scoped_and_acts_through_the_services(org, other_org, third_org, client):
    document = issue_to(org, other_org, third_org)
    mine = _auth(other_org.clerk)
    rows = client.get(f"{API}reception/", **mine).json()
    assert [r["receiver_code"] for r in rows] == [other_org.agency.code]
    item = rows[0]
    assert item["summary"] == document.summary and item["files"][0]["size"] > 0
    assert client.get(f"{API}reception/{item['id']}/", **_auth(third_org.clerk)).status_code == 404
    assert client.get(f"{API}reception/", **_auth(other_org.specialist)).json() == []
    assert client.post(f"{API}reception/{item['id']}/reject/", {"reason": ""}, content_type="application/json",
                       **mine).status_code == 400
    response = client.post(f"{API}reception/{item['id']}/reject/", ["Không đúng thẩm quyền"],
                           content_type="application/json", **mine)
    assert response.status_code == 400 and response.json()["errors"]  # a body that is not an object
    other = ReceptionItem.objects.get(receiver=third_org.agency)
    response = client.post(f"{API}reception/{other.pk}/accept/", **_auth(third_org.clerk))
    assert response.status_code == 200
    assert IncomingDocument.objects.get(pk=response.json()["incoming"]).status == "draft"
    response = client.post(f"{API}reception/{item['id']}/reject/", {"reason": "Không đúng thẩm quyền"},
                           content_type="application/json", **mine)
    assert response.status_code == 200 and response.json()["state"] == "rejected"
    statuses = client.get(f"{API}outgoing/{document.pk}/statuses/", **_auth(org.clerk)).json()
    latest = {row["code"]: row["latest"] for row in statuses}
    assert latest == {other_org.agency.code: "02", third_org.agency.code: "01"}
    assert client.get(f"{API}outgoing/{document.pk}/statuses/", **_auth(other_org.clerk)).status_code == 404


def test_schema_lists_the_exchange_endpoints(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--file", str(tmp_path / "schema.yml"), "--validate")
    schema = (tmp_path / "schema.yml").read_text()
    for path in ("/api/v1/exchange/packages/", "/api/v1/exchange/reception/",
                 "/api/v1/exchange/outgoing/{id}/statuses/"):
        assert path in schema


def test_peers_page_is_for_the_installation_administrator(org, root, login):
    assert login(org.admin).get("/exchange/peers/").status_code == 404
    assert login(org.clerk).get("/exchange/peers/").status_code == 404
    client = login(root)
    assert client.get("/exchange/peers/").status_code == 200
    response = client.post("/exchange/peers/", {"name": "Cài đặt tỉnh bạn", "base_url": "https://qlvb.example.vn",
                                                "agency_codes": "000.00.00.H41\nsai-ma", "inbound_token": "x" * 20,
                                                "outbound_token": "y" * 20, "is_active": "on"})
    assert response.status_code == 200 and not Peer.objects.exists()
    response = client.post("/exchange/peers/", {"name": "Cài đặt tỉnh bạn", "base_url": "https://qlvb.example.vn",
                                                "agency_codes": "000.00.00.H41", "inbound_token": "x" * 20,
                                                "outbound_token": "y" * 20, "is_active": "on"})
    assert response.status_code == 302
    peer = Peer.objects.get()
    assert peer.inbound_token_hash == hash_token("x" * 20) and b"yyyy" not in bytes(peer.outbound_secret)
    from qlvb.exchange.peers import outbound_token

    assert outbound_token(peer) == "y" * 20
    assert "000.00.00.H41" in client.get(f"/exchange/peers/{peer.pk}/").content.decode()


def test_demo_package_waits_in_the_provinces_queue(third_org, login):
    from qlvb.exchange.demo import load_demo

    assert "1 package" in load_demo()
    assert "already" in load_demo()
    item = ReceptionItem.objects.get(receiver=third_org.agency)
    page = login(third_org.clerk).get(f"/exchange/{item.pk}/").content.decode()
    assert item.summary[:30] in page and 'id="package-signature"' in page
    services.reject(by=Actor(third_org.clerk), item=item, reason="Mẫu thử")
