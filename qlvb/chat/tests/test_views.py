"""Chat pages: a room is a 404 to anyone who may not enter it (and to other agencies), a
document's room is opened from the document for its readers only, the Vietnamese refusal of an
empty message, the room's search, and bounded queries per page."""

from __future__ import annotations

import pytest
from django.utils import translation

from qlvb.chat import services
from qlvb.chat.models import Message, Room
from qlvb.core.actor import Actor
from qlvb.incoming.tests.conftest import pdf_upload

pytestmark = pytest.mark.django_db


def test_room_page_is_404_to_non_members(org, other_org, login, two_posts):
    room = services.unit_room(by=Actor(org.specialist), unit=org.unit)
    services.post(by=Actor(org.specialist), room=room, body="Chào cả phòng", uploads=[pdf_upload("ke-hoach.pdf")])
    file_id = Message.objects.get().files.get().pk
    member = login(org.unit_head)
    page = member.get(f"/chat/{room.pk}/")
    assert page.status_code == 200 and "Chào cả phòng" in page.content.decode()
    assert f'data-socket="/ws/chat/{room.pk}/"' in page.content.decode()
    assert member.get(f"/chat/{room.pk}/files/{file_id}/").status_code == 200
    for outsider in (login(org.clerk), login(other_org.head)):
        for url in (f"/chat/{room.pk}/", f"/chat/{room.pk}/files/{file_id}/", "/chat/99999/"):
            assert outsider.get(url).status_code == 404
        assert outsider.post(f"/chat/{room.pk}/post/", {"body": "xin chào"}).status_code == 404
        assert outsider.post(f"/chat/unit/{org.unit.pk}/").status_code == 404
    assert Message.objects.count() == 1


def test_document_room_opens_from_the_document_for_its_readers(org, login, register_doc):
    secret = register_doc(secrecy="mat")
    head = login(org.head)
    document_page = head.get(f"/incoming/{secret.pk}/")
    assert f"/chat/document/incoming/{secret.pk}/" in document_page.content.decode()
    opened = head.post(f"/chat/document/incoming/{secret.pk}/")
    room = Room.objects.get(kind=Room.Kind.DOCUMENT, subject_id=secret.pk)
    assert opened.status_code == 302 and opened["Location"] == f"/chat/{room.pk}/"
    assert f'href="/incoming/{secret.pk}/"' in head.get(f"/chat/{room.pk}/").content.decode()
    specialist = login(org.specialist)
    assert specialist.post(f"/chat/document/incoming/{secret.pk}/").status_code == 404
    assert specialist.get(f"/chat/{room.pk}/").status_code == 404
    assert specialist.post("/chat/document/meeting/1/").status_code == 404


def test_post_from_the_page_and_the_vietnamese_refusal(org, login):
    room = services.unit_room(by=Actor(org.specialist), unit=org.unit)
    client = login(org.specialist)
    with translation.override("vi"):
        refused = client.post(f"/chat/{room.pk}/post/", {"body": "   "}, HTTP_ACCEPT_LANGUAGE="vi")
    assert refused.status_code == 400
    assert "Hãy viết tin nhắn hoặc đính kèm tệp." in refused.content.decode()
    assert not Message.objects.exists()
    sent = client.post(f"/chat/{room.pk}/post/", {"body": "Báo cáo tuần đã gửi", "attachments": [pdf_upload("bc.pdf")]})
    assert sent.status_code == 302
    assert Message.objects.get().files.count() == 1


def test_home_lists_rooms_and_opens_a_conversation(org, login):
    client = login(org.specialist)
    home = client.get("/chat/")
    assert home.status_code == 200 and "Phòng Công nghệ thông tin" in home.content.decode()
    opened = client.post("/chat/direct/", {"person": org.clerk.pk})
    room = Room.objects.get(kind=Room.Kind.DIRECT)
    assert opened["Location"] == f"/chat/{room.pk}/"
    assert org.clerk.full_name in client.get("/chat/").content.decode()
    assert client.post(f"/chat/unit/{org.unit.pk}/")["Location"].startswith("/chat/")


def test_room_search(org, login):
    room = services.unit_room(by=Actor(org.specialist), unit=org.unit)
    services.post(by=Actor(org.specialist), room=room, body="Dự thảo quy chế chi tiêu nội bộ")
    services.post(by=Actor(org.unit_head), room=room, body="Lịch trực Tết Nguyên đán")
    page = login(org.specialist).get(f"/chat/{room.pk}/?q=quy chế").content.decode()
    assert "Dự thảo quy chế" in page and "Lịch trực" not in page


def test_room_page_reads_a_bounded_number_of_queries(org, login, django_assert_max_num_queries):
    room = services.unit_room(by=Actor(org.specialist), unit=org.unit)
    client = login(org.specialist)
    services.post(by=Actor(org.specialist), room=room, body="Tin đầu tiên")
    client.get(f"/chat/{room.pk}/")
    client.get("/chat/")
    with django_assert_max_num_queries(10):
        assert client.get(f"/chat/{room.pk}/").status_code == 200
    for n in range(30):
        services.post(by=Actor(org.unit_head if n % 2 else org.specialist), room=room, body=f"Tin {n}",
                      uploads=[pdf_upload(f"tep-{n}.pdf", salt=str(n))] if n % 5 == 0 else [])
    client.get("/chat/")  # the menu's counts, let go by the new events, are read again once
    with django_assert_max_num_queries(10):
        assert client.get(f"/chat/{room.pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/chat/").status_code == 200
    for person in (org.clerk, org.head, org.deputy):
        services.direct_room(by=Actor(org.specialist), other=person)
    client.get("/chat/")
    with django_assert_max_num_queries(12):
        assert client.get("/chat/").status_code == 200


def test_the_search_page_finds_a_room_for_its_members_only(org, login):
    room = services.unit_room(by=Actor(org.specialist), unit=org.unit)
    services.post(by=Actor(org.unit_head), room=room, body="Triển khai chữ ký số chuyên dùng cho toàn phòng")
    found = login(org.specialist).get("/search/", {"q": "chữ ký số chuyên dùng"}).content.decode()
    assert f"/chat/{room.pk}/" in found
    assert f"/chat/{room.pk}/" not in login(org.clerk).get("/search/", {"q": "chữ ký số chuyên dùng"}).content.decode()
