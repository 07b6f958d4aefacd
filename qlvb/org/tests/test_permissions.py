"""Someone from another agency, or without the permission, gets 404 — pages and API alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.org import services
from qlvb.org.models import Person


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


def test_admin_manages_own_agency(org, login):
    client = login(org.admin)
    response = client.post("/org/people/new/", {
        "full_name": "Hoàng Văn Nam", "username": "stttt.nam", "unit": org.unit.pk,
        "position": org.positions["cv"].pk, "email": "nam@sonla.gov.vn",
    })
    assert response.status_code == 200 and b"one-time-password" in response.content
    person = Person.objects.get(username="stttt.nam")
    assert person.must_change_password and person.posts.count() == 1
    response = client.post(f"/org/people/{person.pk}/lock/", {"lock-reason": "Mất máy tính"})
    person.refresh_from_db()
    assert response.status_code == 302 and person.is_locked


def test_bad_form_input_changes_nothing(org, login):
    client = login(org.admin)
    before = Person.objects.count()
    response = client.post("/org/people/new/", {"full_name": "", "username": "Bad Name!", "unit": org.unit.pk,
                                                "position": org.positions["cv"].pk})
    assert response.status_code == 200 and b"invalid-feedback" in response.content
    assert Person.objects.count() == before
    # A failure half-way (duplicate post after the account is created) leaves no account behind.
    response = client.post("/org/people/new/", {"full_name": "Lê Văn A", "username": org.specialist.username,
                                                "unit": org.unit.pk, "position": org.positions["cv"].pk})
    assert response.status_code == 200 and Person.objects.count() == before


def test_anonymous_is_sent_to_login(client, org):
    assert client.get("/org/people/")["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/people/").status_code in (401, 403)
