"""The installation administrator's page of the axis: 404 for anyone else; the connection saved
(secret encrypted, never shown), polling from the page, the axis's refusals shown in Vietnamese."""

from __future__ import annotations

from qlvb.exchange.models import AxisConnection, OutboundMessage, Peer


def test_only_the_installation_administrator_sees_the_page(login, org, root):
    for person in (org.admin, org.clerk, org.head):
        client = login(person)
        assert client.get("/exchange/axis/").status_code == 404
        assert client.post("/exchange/axis/poll/").status_code == 404
        assert client.post("/exchange/axis/", {"name": "x"}).status_code == 404
    assert not AxisConnection.objects.exists()
    assert login(root).get("/exchange/axis/").status_code == 200


def test_connection_saved_polled_and_refusal_shown(login, root, org, third_org, axis):
    axis.add_system("sys.a", "secret-a", [org.agency.code])
    client = login(root)
    form = {"name": "Trục liên thông", "endpoint": axis.url, "system_id": "sys.a", "secret": "secret-a",
            "file_path": "", "agency_codes": third_org.agency.code, "is_active": "on", "require_signature": "on"}
    bad = client.post("/exchange/axis/", {**form, "endpoint": "ftp://x"})
    assert bad.status_code == 200 and "http://" in bad.content.decode() and not AxisConnection.objects.exists()
    response = client.post("/exchange/axis/", form)
    assert response.status_code == 302
    connection = AxisConnection.objects.get()
    assert b"secret-a" not in bytes(connection.secret)
    assert Peer.objects.get(axis=connection).codes == [third_org.agency.code]
    page = client.get("/exchange/axis/").content.decode()
    assert "secret-a" not in page and "sys.a" in page
    response = client.post("/exchange/axis/poll/", follow=True)
    assert "0 đã lưu" in response.content.decode() or "Đã lấy" in response.content.decode()
    assert AxisConnection.objects.get().last_poll_at is not None
    axis.fail_next("getReceivedEdocList", "fail", code="5", desc="Sai mã hệ thống")
    page = client.post("/exchange/axis/poll/", follow=True).content.decode()
    assert "Trục liên thông từ chối getReceivedEdocList (mã lỗi 5): Sai mã hệ thống" in page
    page = client.post("/exchange/axis/directory/", follow=True).content.decode()
    assert "Danh bạ cơ quan đang được đồng bộ" in page
    # Registering this installation's agencies: Sở TT&TT (local), not UBND tỉnh (over the axis).
    page = client.post("/exchange/axis/register/", follow=True).content.decode()
    assert org.agency.code in axis.systems["sys.a"].codes
    assert third_org.agency.code not in axis.systems["sys.a"].codes
    assert not OutboundMessage.objects.exists()
