"""The internal messages REST API: folders with keyset paging, send (to nobody refused), detail
(404 outside, also for the original of a forward), reply, forward, move and read one's own copy,
make a task; lists in a fixed number of queries."""

from __future__ import annotations

import pytest

from qlvb.accounts.services import create_api_token
from qlvb.core.actor import Actor
from qlvb.messages import services
from qlvb.messages.models import Message
from qlvb.messages.tests.conftest import pdf_upload, send

pytestmark = pytest.mark.django_db
API = "/api/v1/messages/"


def _auth(person):  # noqa: ANN001, ANN202
    _token, key = create_api_token(person=person, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_send_read_forward_move_through_the_api(client, org, second_specialist):
    cv, tp, cv2, gd = _auth(org.specialist), _auth(org.unit_head), _auth(second_specialist), _auth(org.head)
    refused = client.post(API, {"subject": "Không ai nhận", "body": "Nội dung"}, content_type="application/json", **cv)
    assert refused.status_code == 400 and "recipients" in refused.json()
    assert not Message.objects.exists()
    sent = client.post(API, {"subject": "Dự thảo kế hoạch", "body": "Đề nghị anh cho ý kiến.",
                             "people": [org.unit_head.pk], "files": [pdf_upload("du-thao.pdf")]}, **cv)
    assert sent.status_code == 201, sent.content
    pk = sent.json()["id"]
    assert sent.json()["files"][0]["name"] == "du-thao.pdf"
    inbox = client.get(API, {"folder": "inbox"}, **tp).json()
    assert [r["id"] for r in inbox["results"]] == [pk] and inbox["unread"]["inbox"] == 1
    assert client.get(f"{API}{pk}/", **gd).status_code == 404
    assert client.post(f"{API}{pk}/read/", {}, content_type="application/json", **tp).json()["read"] is True
    forwarded = client.post(f"{API}{pk}/forward/", {"people": [second_specialist.pk],
                                                     "instruction": "Đồng chí Dũng xử lý."},
                            content_type="application/json", **tp)
    assert forwarded.status_code == 201, forwarded.content
    fpk = forwarded.json()["id"]
    got = client.get(f"{API}{fpk}/", **cv2).json()
    assert got["body"] == "Đồng chí Dũng xử lý." and got["forwarded"][0]["id"] == pk
    assert got["forwarded"][0]["files"][0]["name"] == "du-thao.pdf"
    assert client.get(f"{API}{pk}/", **cv2).status_code == 404  # not a recipient of the original
    assert client.post(f"{API}{pk}/move/", {"to": "archive"}, content_type="application/json", **tp).status_code == 200
    assert client.post(f"{API}{pk}/move/", {"to": "delete"}, content_type="application/json", **cv).status_code == 204
    assert client.get(f"{API}{pk}/", **cv).status_code == 404
    archived = client.get(API, {"folder": "archived"}, **tp).json()
    assert [r["id"] for r in archived["results"]] == [pk]
    task = client.post(f"{API}{pk}/task/", {"owner_person": org.specialist.pk, "working_days": 5},
                       content_type="application/json", **tp)
    assert task.status_code == 201, task.content
    answer = client.post(f"{API}{fpk}/reply/", {"body": "Em đã nhận."}, content_type="application/json", **cv2)
    assert answer.status_code == 201 and answer.json()["reply_to"] == fpk


def test_keyset_paging_and_sorting(client, org):
    for n in range(7):
        send(org, subject=f"Tin số {n}")
    tp = _auth(org.unit_head)
    seen, cursor = [], ""
    while True:
        page = client.get(API, {"folder": "inbox", "limit": 3, "cursor": cursor}, **tp).json()
        seen += [r["subject"] for r in page["results"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"Tin số {n}" for n in reversed(range(7))]
    by_subject = client.get(API, {"folder": "inbox", "sort": "subject", "limit": 100}, **tp).json()
    assert [r["subject"] for r in by_subject["results"]] == sorted(seen)
    assert client.get(API, {"folder": "bin"}, **tp).status_code == 400
    assert client.get(API, {"cursor": "không phải"}, **tp).status_code == 200


def test_the_list_reads_a_fixed_number_of_queries(client, org, django_assert_max_num_queries):
    tp = _auth(org.unit_head)
    send(org)
    client.get(API, **tp)
    for n in range(30):
        services.send(by=Actor(org.head if n % 2 else org.specialist), agency=org.agency, subject=f"Tin {n}",
                      body="Nội dung", to=services.Recipients(people=[org.unit_head]))
    with django_assert_max_num_queries(8):
        response = client.get(API, {"limit": 25}, **tp)
    assert len(response.json()["results"]) == 25
