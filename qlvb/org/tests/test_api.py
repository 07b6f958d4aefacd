from __future__ import annotations

import io

from django.core.management import call_command

from qlvb.accounts.services import create_api_token
from qlvb.core.models import Event
from qlvb.org.models import Unit


def _auth(person):
    _token, key = create_api_token(person=person, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_openapi_schema_is_valid_and_documented(db, client):
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = out.getvalue()
    for path in ["/api/v1/agencies/", "/api/v1/people/", "/api/v1/units/", "/api/v1/delegations/"]:
        assert path in schema
    assert "bearer" in schema.lower()


def test_api_lists_the_callers_organisation(org, client):
    auth = _auth(org.specialist)
    units = client.get("/api/v1/units/", **auth).json()
    assert units["count"] == 3 and {u["agency"] for u in units["results"]} == {org.agency.pk}
    people = client.get("/api/v1/people/", {"agency": org.agency.pk}, **auth).json()["results"]
    assert any(p["username"] == org.head.username and p["posts"][0]["position_name"] == "Giám đốc" for p in people)


def test_api_writes_go_through_services(org, client):
    response = client.post("/api/v1/units/", {"name": "Phòng Kế hoạch", "abbreviation": "KH"},
                           content_type="application/json", **_auth(org.admin))
    assert response.status_code == 201, response.content
    unit = Unit.objects.get(name="Phòng Kế hoạch")
    assert unit.agency == org.agency
    assert Event.objects.filter(verb="org.unit_created", target_id=str(unit.pk), actor=org.admin).exists()
    # A member without admin rights is refused, with no unit created.
    response = client.post("/api/v1/units/", {"name": "Phòng X", "abbreviation": "X"},
                           content_type="application/json", **_auth(org.specialist))
    assert response.status_code == 404 and not Unit.objects.filter(name="Phòng X").exists()
    # Bad input gets a clear message and changes nothing.
    response = client.patch(f"/api/v1/units/{unit.pk}/", {"abbreviation": "K H!"},
                            content_type="application/json", **_auth(org.admin))
    assert response.status_code == 400 and "abbreviation" in response.json()


def test_api_docs_are_served_locally(org, login):
    body = login(org.specialist).get("/api/docs/").content.decode()
    assert "swagger-ui" in body and "cdn" not in body.lower()
