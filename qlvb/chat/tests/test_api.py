"""The chat REST API: the caller's rooms, a room (404 outside), messages paged by id and searched,
posting with text and files (an empty message refused), in the OpenAPI schema."""

from __future__ import annotations

import pytest

from qlvb.accounts.services import create_api_token
from qlvb.chat import services
from qlvb.chat.models import Message
from qlvb.core.actor import Actor
from qlvb.incoming.tests.conftest import pdf_upload

pytestmark = pytest.mark.django_db
API = "/api/v1/chat/"


def _auth(person):  # noqa: ANN001, ANN202
    _token, key = create_api_token(person=person, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_rooms_messages_and_posting(org, client):
    room = services.unit_room(by=Actor(org.specialist), unit=org.unit)
    for n in range(5):
        services.post(by=Actor(org.specialist), room=room, body=f"Tin nhắn {n} về kế hoạch chuyển đổi số")
    auth = _auth(org.unit_head)
    rooms = client.get(f"{API}rooms/", **auth).json()
    assert rooms["count"] == 1 and rooms["results"][0]["name"] == "Phòng Công nghệ thông tin"
    assert rooms["results"][0]["socket"] == f"/ws/chat/{room.pk}/"
    assert client.get(f"{API}rooms/{room.pk}/", **auth).json()["kind"] == "unit"
    page = client.get(f"{API}rooms/{room.pk}/messages/?limit=2", **auth).json()
    assert [m["body"][:9] for m in page["results"]] == ["Tin nhắn ", "Tin nhắn "]
    assert page["results"][-1]["body"].startswith("Tin nhắn 4")
    older = client.get(f"{API}rooms/{room.pk}/messages/?limit=2&before={page['older']}", **auth).json()
    assert [m["body"][:10] for m in older["results"]] == ["Tin nhắn 1", "Tin nhắn 2"]
    found = client.get(f"{API}rooms/{room.pk}/messages/?q=nhắn 3", **auth).json()["results"]
    assert [m["body"][:10] for m in found] == ["Tin nhắn 3"]
    posted = client.post(f"{API}rooms/{room.pk}/messages/", {"body": "@tp anh xem tệp", "files": [pdf_upload()]},
                         **auth)
    assert posted.status_code == 201, posted.content
    assert posted.json()["author"]["name"] == "Nguyễn Văn Bình" and len(posted.json()["files"]) == 1
    json_post = client.post(f"{API}rooms/{room.pk}/messages/", {"body": "Đã nhận"}, content_type="application/json",
                            **auth)
    assert json_post.status_code == 201
    after = client.get(f"{API}rooms/{room.pk}/messages/?after={page['results'][-1]['id']}", **auth).json()
    assert len(after["results"]) == 2


def test_api_refusals(org, other_org, client):
    room = services.unit_room(by=Actor(org.specialist), unit=org.unit)
    auth = _auth(org.specialist)
    empty = client.post(f"{API}rooms/{room.pk}/messages/", {"body": "  "}, content_type="application/json", **auth)
    assert empty.status_code == 400 and "body" in empty.json()
    assert client.get(f"{API}rooms/{room.pk}/messages/?limit=0", **auth).status_code == 400
    assert client.get(f"{API}rooms/{room.pk}/messages/?before=abc", **auth).status_code == 400
    for outsider in (org.clerk, other_org.specialist):
        auth = _auth(outsider)
        assert client.get(f"{API}rooms/{room.pk}/", **auth).status_code == 404
        assert client.get(f"{API}rooms/{room.pk}/messages/", **auth).status_code == 404
        assert client.post(f"{API}rooms/{room.pk}/messages/", {"body": "x"}, content_type="application/json",
                           **auth).status_code == 404
        assert client.get(f"{API}rooms/", **auth).json()["count"] == 0
    assert not Message.objects.exists()


def test_in_the_schema(client, org):
    schema = client.get("/api/schema/", **_auth(org.specialist)).content.decode()
    for operation in ("v1_chat_rooms_list", "v1_chat_rooms_retrieve", "v1_chat_messages_list",
                      "v1_chat_messages_create"):
        assert operation in schema
