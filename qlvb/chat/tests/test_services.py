"""Chat's services and rules (003 Đ11): who is in which room (a unit's people, a document's
readers — a secret document's room stays closed to those the document is closed to —, the two
people of a direct conversation), messages with text and files, mentions told through the
notifications, and nothing in a chat changing the document it is about."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from qlvb.chat import rules, selectors, services
from qlvb.chat.models import Message, MessageFile, Room
from qlvb.core import kinds
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.incoming.tests.conftest import pdf_upload
from qlvb.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_unit_room_is_its_peoples_only(org, two_posts):
    room = services.unit_room(by=Actor(org.specialist), unit=org.unit)
    assert room.kind == Room.Kind.UNIT and room.name == "Phòng Công nghệ thông tin"
    assert services.unit_room(by=Actor(org.unit_head), unit=org.unit) == room  # one room per unit
    assert rules.may_enter(org.specialist, room) and rules.may_enter(org.unit_head, room)
    assert not rules.may_enter(org.clerk, room)  # the office's clerk is not posted in CNTT
    assert not rules.may_enter(org.head, room)
    with pytest.raises(NotAllowed):
        services.unit_room(by=Actor(org.clerk), unit=org.unit)
    # The person with two posts is in the office's room too.
    office = services.unit_room(by=Actor(org.unit_head), unit=org.office)
    assert rules.may_enter(org.clerk, office) and rules.may_enter(org.unit_head, office)
    assert not rules.may_enter(org.specialist, office)
    assert set(selectors.rooms(org.unit_head)) == {room, office}
    assert list(selectors.rooms(org.specialist)) == [room]


def test_a_secret_documents_room_follows_the_document(org, register_doc):
    secret = register_doc(secrecy="mat", summary="Kế hoạch bảo vệ bí mật nhà nước năm 2027")
    assert kinds.may_see("incoming", org.head, secret)
    assert not kinds.may_see("incoming", org.specialist, secret)
    room = services.document_room(by=Actor(org.head), kind="incoming", document_id=secret.pk)
    assert "bí mật" not in room.name  # a secret document is named by its number alone
    assert rules.may_enter(org.head, room)
    assert not rules.may_enter(org.specialist, room)
    assert room not in selectors.rooms(org.specialist)
    with pytest.raises(NotAllowed):
        services.document_room(by=Actor(org.specialist), kind="incoming", document_id=secret.pk)
    with pytest.raises(NotAllowed):
        services.post(by=Actor(org.specialist), room=room, body="Cho tôi xem với")
    with pytest.raises(NotAllowed):
        services.document_room(by=Actor(org.head), kind="meeting", document_id=secret.pk)


def test_chat_never_changes_the_document(org, register_doc):
    document = register_doc()
    before = (document.status, Event.objects.filter(target_type="incoming.incomingdocument",
                                                     target_id=str(document.pk)).count())
    room = services.document_room(by=Actor(org.head), kind="incoming", document_id=document.pk)
    services.post(by=Actor(org.head), room=room, body="Đề nghị Văn phòng rà soát lại trích yếu.")
    document.refresh_from_db()
    assert (document.status, Event.objects.filter(target_type="incoming.incomingdocument",
                                                  target_id=str(document.pk)).count()) == before


def test_direct_conversation_is_its_two_people(org, other_org):
    room = services.direct_room(by=Actor(org.specialist), other=org.clerk)
    assert services.direct_room(by=Actor(org.clerk), other=org.specialist) == room  # one per pair
    assert rules.may_enter(org.clerk, room) and rules.may_enter(org.specialist, room)
    assert not rules.may_enter(org.unit_head, room) and not rules.may_enter(org.head, room)
    assert selectors.with_names(org.specialist, [room])[0].label == org.clerk.full_name  # type: ignore[attr-defined]
    with pytest.raises(ValidationError):
        services.direct_room(by=Actor(org.specialist), other=other_org.specialist)  # another agency
    with pytest.raises(ValidationError):
        services.direct_room(by=Actor(org.specialist), other=org.specialist)


def test_post_text_and_files(org):
    room = services.unit_room(by=Actor(org.specialist), unit=org.unit)
    message = services.post(by=Actor(org.specialist), room=room, body="  Gửi anh bản dự thảo báo cáo quý IV.  ",
                            uploads=[pdf_upload("du-thao-bao-cao.pdf")])
    assert message.body == "Gửi anh bản dự thảo báo cáo quý IV."
    stored = MessageFile.objects.get(message=message)
    assert stored.name == "du-thao-bao-cao.pdf"
    assert kinds.get("chat").files(room) == {stored.stored_id: "du-thao-bao-cao.pdf"}
    room.refresh_from_db()
    assert room.last_message_at == message.created_at
    event = Event.objects.get(verb="chat.message_posted")
    assert event.data["message"] == message.pk and event.target_id == str(room.pk)


@pytest.mark.parametrize("body, uploads, field", [
    ("   ", [], "body"),
    ("x" * 4001, [], "body"),
    ("Tệp rỗng", [SimpleUploadedFile("rong.pdf", b"", content_type="application/pdf")], "files"),
])
def test_bad_messages_save_nothing(org, body, uploads, field):
    room = services.unit_room(by=Actor(org.specialist), unit=org.unit)
    with pytest.raises(ValidationError) as error:
        services.post(by=Actor(org.specialist), room=room, body=body, uploads=uploads)
    assert field in error.value.message_dict
    assert not Message.objects.exists() and not Event.objects.filter(verb="chat.message_posted").exists()


def test_oversize_file_is_refused(org, settings):
    big = pdf_upload("lon.pdf", pages=3)
    settings.QLVB_MAX_UPLOAD_BYTES = (big.size or 0) - 1
    room = services.unit_room(by=Actor(org.specialist), unit=org.unit)
    with pytest.raises(ValidationError) as error:
        services.post(by=Actor(org.specialist), room=room, body="Tệp lớn", uploads=[big])
    assert "files" in error.value.message_dict
    assert not Message.objects.exists()


def test_mentions_notify_members_only(org, django_capture_on_commit_callbacks):
    room = services.unit_room(by=Actor(org.specialist), unit=org.unit)
    with django_capture_on_commit_callbacks(execute=True):
        message = services.post(by=Actor(org.specialist), room=room,
                                body=f"@Nguyen Van Binh anh xem giúp em, cả @{org.clerk.username} nữa")
    # The clerk is named but not in CNTT's room: not mentioned, not told.
    assert message.mentions == [org.unit_head.pk]
    told = Notification.objects.get(kind=Notification.Kind.CHAT)
    assert told.person == org.unit_head
    assert told.url == f"/chat/{room.pk}/"
    from qlvb.notifications.selectors import text

    assert "Trần Thị Mai" in text(told) and "Phòng Công nghệ thông tin" in text(told)
    assert not Notification.objects.filter(person=org.clerk).exists()


def test_history_search_and_paging(org):
    room = services.unit_room(by=Actor(org.specialist), unit=org.unit)
    for n in range(7):
        services.post(by=Actor(org.specialist), room=room, body=f"Tin nhắn số {n}: tiến độ dự án")
    services.post(by=Actor(org.unit_head), room=room, body="Họp giao ban lúc 8 giờ")
    latest = selectors.messages(room, limit=3)
    assert [m.body for m in latest][-1] == "Họp giao ban lúc 8 giờ"
    older = selectors.messages(room, before=latest[0].pk, limit=3)
    assert [m.pk for m in older] == sorted(m.pk for m in older) and older[-1].pk < latest[0].pk
    assert [m.body for m in selectors.messages(room, query="giao ban")] == ["Họp giao ban lúc 8 giờ"]
    assert len(selectors.messages(room, after=latest[0].pk)) == 2


def test_search_finds_messages_for_members_only(org):
    from qlvb.search.models import SearchEntry

    room = services.unit_room(by=Actor(org.specialist), unit=org.unit)
    services.post(by=Actor(org.specialist), room=room, body="Hồ sơ chuyển đổi số cấp tỉnh")
    entry = SearchEntry.objects.get(kind="chat", document_id=room.pk)
    visible = SearchEntry.objects.filter(kinds.get("chat").rule(org.specialist).q(id_field="document_id"))
    assert entry in visible
    hidden = SearchEntry.objects.filter(kinds.get("chat").rule(org.clerk).q(id_field="document_id"))
    assert entry not in hidden
