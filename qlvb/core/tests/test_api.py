"""What every REST endpoint shares: pagination that no `limit` or `offset` breaks, and the schema
and its documentation for signed-in people only."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from qlvb.accounts.services import create_api_token

HUGE = "9223372036854775808"  # 2⁶³: past SQLite's INTEGER and PostgreSQL's bigint


def _auth(person):
    _token, key = create_api_token(person=person, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _paginated_lists() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(path for path, operations in schema["paths"].items() if "{" not in path
                  and any(p["name"] == "limit" for p in operations.get("get", {}).get("parameters", [])))


def test_every_list_takes_any_limit_and_offset(org, client):
    auth = _auth(org.admin)
    lists = _paginated_lists()
    assert {"/api/v1/units/", "/api/v1/incoming/documents/", "/api/v1/outgoing/documents/"} <= set(lists)
    for path in lists:
        for query in [{"limit": HUGE}, {"offset": HUGE}, {"limit": HUGE, "offset": HUGE}, {"limit": "-1"},
                      {"offset": "-5"}, {"limit": "abc", "offset": "x"}, {"limit": "0"}, {"limit": "1e3"}]:
            response = client.get(path, query, **auth)
            assert response.status_code == 200, (path, query, response.content[:300])
            body = response.json()
            assert {"count", "results"} <= set(body) and len(body["results"]) <= 500, (path, query)


def test_a_limit_above_the_ceiling_reads_the_ceiling(org, client, monkeypatch):
    from qlvb.core.paging import ApiPagination

    monkeypatch.setattr(ApiPagination, "max_limit", 2)
    body = client.get("/api/v1/units/", {"limit": HUGE}, **_auth(org.admin)).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and "limit=2" in body["next"]


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/redoc/"])
def test_the_schema_and_its_documentation_need_a_sign_in(org, client, login, path):
    anonymous = client.get(path)
    if path == "/api/schema/":
        assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Bearer"
    else:
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/?next=/api/")
    assert client.get(path, HTTP_AUTHORIZATION="Bearer qlvb_wrong_token").status_code == 401
    assert login(org.specialist).get(path).status_code == 200  # a session
    response = client.get(path, **_auth(org.specialist))  # an API token
    assert response.status_code == 200
    if path == "/api/schema/":
        assert b"/api/v1/incoming/documents/{id}/route/" in response.content
