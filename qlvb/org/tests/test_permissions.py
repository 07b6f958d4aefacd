"""Someone from another agency, or without the permission, gets 404 — pages and API alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.org import services


@pytest.fixture
def objects(org):
    by = Actor(org.admin)
    field = services.save_field(by=by, agency=org.agency, name="Viễn thông", leader=org.deputy, units=[org.unit])
    authority = services.save_signing_authority(by=by, agency=org.agency, person=org.deputy, capacity="KT")
    start = timezone.now()
    delegation = services.request_delegation(by=Actor(org.unit_head), delegate=org.specialist, starts_at=start,
                                             ends_at=start + timedelta(days=1), reason="Nghỉ phép")
    return {"field": field, "authority": authority, "delegation": delegation}


def _page_urls(org, objects):
    return [
        f"/org/agencies/{org.agency.pk}/", f"/org/people/{org.specialist.pk}/",
        f"/org/units/{org.unit.pk}/", f"/org/positions/{org.positions['cv'].pk}/",
        f"/org/fields/{objects['field'].pk}/", f"/org/signing/{objects['authority'].pk}/",
        f"/org/delegations/{objects['delegation'].pk}/",
    ]


def _api_urls(org, objects):
    return [
        f"/api/v1/agencies/{org.agency.pk}/", f"/api/v1/units/{org.unit.pk}/",
        f"/api/v1/positions/{org.positions['cv'].pk}/", f"/api/v1/people/{org.specialist.pk}/",
        f"/api/v1/fields/{objects['field'].pk}/", f"/api/v1/signing-authorities/{objects['authority'].pk}/",
        f"/api/v1/delegations/{objects['delegation'].pk}/",
    ]


def test_other_agency_gets_404_everywhere(org, other_org, objects, login):
    client = login(other_org.admin)  # even the other agency's administrator
    for url in _page_urls(org, objects) + _api_urls(org, objects):
        assert client.get(url).status_code == 404, url
    for url in [f"/org/people/{org.specialist.pk}/lock/", f"/org/people/{org.specialist.pk}/reset/"]:
        assert client.post(url, {"lock-reason": "x"}).status_code == 404, url
    org.specialist.refresh_from_db()
    assert not org.specialist.is_locked
    assert client.patch(f"/api/v1/agencies/{org.agency.pk}/", {"name": "X"},
                        content_type="application/json").status_code == 404


def test_lists_never_show_another_agency(org, other_org, login):
    client = login(other_org.specialist)
    body = client.get("/org/people/").content.decode()
    assert other_org.head.username in body and org.head.username not in body
    people = client.get("/api/v1/people/").json()["results"]
    assert {p["agency"] for p in people} == {other_org.agency.pk}
    assert {u["agency"] for u in client.get("/api/v1/units/").json()["results"]} == {other_org.agency.pk}


def test_staff_without_admin_rights_get_404_on_admin_pages(org, objects, login):
    client = login(org.head)  # the director, but not an administrator of the system
    for url in [f"/org/agencies/{org.agency.pk}/", "/org/people/new/", f"/org/units/{org.unit.pk}/",
                "/org/fields/", f"/org/signing/{objects['authority'].pk}/", "/audit/", "/org/agencies/"]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/org/people/{org.specialist.pk}/lock/", {"lock-reason": "x"}).status_code == 404
    # but may look people up in the directory
    assert client.get(f"/org/people/{org.specialist.pk}/").status_code == 200


def test_anonymous_is_sent_to_login(client, org):
    assert client.get("/org/people/")["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/people/").status_code in (401, 403)
