from __future__ import annotations

from django.utils import timezone

from qlvb.core import events
from qlvb.core.actor import Actor


def test_interface_is_vietnamese_by_default_and_english_on_request(org, login):
    client = login(org.specialist)
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Trang chủ" in body and "Đăng xuất" in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Home" in body and "Sign out" in body


def test_audit_log_filters_and_exports(org, login):
    events.record(verb="org.unit_updated", actor=Actor(org.specialist, on_behalf_of=org.unit_head),
                  agency=org.agency, target=org.unit)
    client = login(org.admin)
    body = client.get("/audit/", {"verb": "org.unit_updated"}).content.decode()
    assert org.unit.name in body and org.unit_head.full_name in body
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert org.unit.name in client.get("/audit/", {"since": today, "until": today}).content.decode()
    response = client.get("/audit/", {"format": "csv", "actor": org.specialist.pk})
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv") and org.unit.name in text
    xlsx = client.get("/audit/", {"format": "xlsx"})
    assert xlsx.content[:2] == b"PK"


def test_audit_log_is_per_agency(org, other_org, login):
    event = events.record(verb="org.unit_updated", actor=Actor(org.admin), agency=org.agency, target=org.unit)
    assert event.hash in login(org.admin).get("/audit/").content.decode()
    assert event.hash not in login(other_org.admin).get("/audit/").content.decode()


def test_calendar_page_and_admin_days(org, login):
    client = login(org.admin)
    body = client.get("/calendar/?year=2026").content.decode()
    assert "Tết Nguyên Đán" in body
    response = client.post("/calendar/?year=2026", {"date": "10/11/2026", "kind": "off", "name": "Nghỉ bù"})
    assert response.status_code == 302
    response = client.post("/calendar/", {"date": "11/11/2026", "kind": "off", "name": "x",
                                          "whole_installation": "on"})
    assert response.status_code == 200  # only the installation administrator may
    assert login(org.specialist).post("/calendar/", {"date": "12/11/2026", "kind": "off",
                                                      "name": "x"}).status_code == 404
