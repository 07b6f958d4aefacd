"""Exchange peers kept by the installation's administrator: edited with what changed recorded,
stopped and resumed (kept, never deleted: its packages and statuses name it)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.exchange import peers
from qlvb.exchange.models import Peer


@pytest.fixture
def peer(root) -> Peer:
    return peers.save_peer(by=Actor(root), name="Tỉnh Nghệ An", base_url="https://qlvb.nghean.example.vn",
                           agency_codes="000.00.00.H41", inbound_token="t" * 20, outbound_token="o" * 20)


def test_edit_records_from_what_to_what_and_never_a_token(root, peer, login):
    response = login(root).post(f"/exchange/peers/{peer.pk}/", {
        "name": "UBND tỉnh Nghệ An", "base_url": "https://qlvb.nghean.example.vn",
        "agency_codes": "000.00.00.H41\n000.00.01.H41", "inbound_token": "n" * 20, "is_active": "on"})
    assert response.status_code == 302
    peer.refresh_from_db()
    assert peer.codes == ["000.00.00.H41", "000.00.01.H41"] and not peer.require_signature
    assert peers.peer_for_token("n" * 20) == peer and peers.peer_for_token("t" * 20) is None
    event = Event.objects.filter(verb="exchange.peer_saved").order_by("seq").last()
    assert event is not None
    assert event.data["changes"] == {
        "name": ["Tỉnh Nghệ An", "UBND tỉnh Nghệ An"],
        "agency_codes": [["000.00.00.H41"], ["000.00.00.H41", "000.00.01.H41"]],
        "require_signature": [True, False]}
    assert event.data["tokens_changed"] == ["inbound_token"]
    assert "nnnn" not in str(event.data)


def test_stopped_peer_is_refused_and_resumes(root, peer, login):
    client = login(root)
    assert client.post(f"/exchange/peers/{peer.pk}/active/", {"active": "0"}).status_code == 302
    peer.refresh_from_db()
    assert not peer.is_active and peers.peer_for_token("t" * 20) is None
    assert Event.objects.get(verb="exchange.peer_disabled").data["changes"] == {"is_active": [True, False]}
    assert "Tiếp tục trao đổi" in client.get("/exchange/peers/").content.decode()
    client.post(f"/exchange/peers/{peer.pk}/active/", {"active": "1"})
    assert peers.peer_for_token("t" * 20) == Peer.objects.get(pk=peer.pk)
    assert Event.objects.filter(verb="exchange.peer_enabled").exists()


def test_bad_peer_input_changes_nothing(root, peer):
    for values in ({"agency_codes": "sai"}, {"name": "  "}, {"inbound_token": "ngắn"}):
        arguments = {"name": peer.name, "base_url": peer.base_url, "agency_codes": peer.agency_codes, **values}
        with pytest.raises(ValidationError):
            peers.save_peer(by=Actor(root), peer=Peer.objects.get(pk=peer.pk), **arguments)
    assert Peer.objects.get(pk=peer.pk).name == "Tỉnh Nghệ An"


def test_agency_admin_gets_404_and_changes_nothing(org, peer, login):
    client = login(org.admin)
    assert client.get(f"/exchange/peers/{peer.pk}/").status_code == 404
    assert client.post(f"/exchange/peers/{peer.pk}/active/", {"active": "0"}).status_code == 404
    with pytest.raises(NotAllowed):
        peers.set_peer_active(by=Actor(org.admin), peer=peer, active=False)
    assert Peer.objects.get(pk=peer.pk).is_active
