"""Sample chat of Sở Thông tin và Truyền thông tỉnh Sơn La: the CNTT unit's room with a morning's
talk (a mention of the head of unit), and the room of an incoming document routed to CNTT where
the unit discusses its draft answer. Through the services, so every message has its event."""

from __future__ import annotations

from qlvb.chat import services
from qlvb.chat.models import Room
from qlvb.core import kinds
from qlvb.core.actor import Actor
from qlvb.org.models import Agency, Person, Unit

AGENCY_CODE = "000.00.15.H51"


def load(agency_code: str = AGENCY_CODE) -> int:
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None or Room.objects.filter(agency=agency).exists():
        return 0
    people = {p.username: p for p in Person.objects.filter(agency=agency)}
    head, deputy, specialist = (people.get(n) for n in ("stttt.tp.cntt", "stttt.ptp.cntt", "stttt.cv.cntt1"))
    cntt = Unit.objects.filter(agency=agency, abbreviation="CNTT").first()
    if not all([head, deputy, specialist, cntt]):
        return 0
    assert head is not None and deputy is not None and specialist is not None and cntt is not None
    room = services.unit_room(by=Actor(specialist), unit=cntt)
    for author, text in (
        (specialist, "Chào anh chị, em đã cập nhật số liệu chỉ số chuyển đổi số tháng 11 lên thư mục chung."),
        (deputy, f"Cảm ơn em. @{head.username} anh xem giúp bảng tổng hợp trước giao ban thứ Sáu nhé."),
        (head, "Anh đã xem. Em bổ sung thêm số liệu dịch vụ công trực tuyến toàn trình của các huyện."),
    ):
        services.post(by=Actor(author), room=room, body=text)
    rooms = 1
    document = kinds.visible("incoming", head).order_by("-id").first()
    if document is not None:
        about = services.document_room(by=Actor(head), kind="incoming", document_id=document.pk)
        services.post(by=Actor(head), room=about, body="Phòng mình chủ trì trả lời văn bản này; "
                                                         "đề nghị các đồng chí góp ý dự thảo trước thứ Tư.")
        replies = ((people.get("stttt.pgd.cntt"), "Đồng ý. Lưu ý bám sát hướng dẫn của Bộ về thời hạn báo cáo."),
                   (deputy, "Tôi sẽ tổng hợp ý kiến và gửi dự thảo lên phòng này chiều nay."),
                   (specialist, "Em đã chuẩn bị số liệu kèm theo."))
        for who, text in replies:
            if who is not None and kinds.may_see("incoming", who, document):
                services.post(by=Actor(who), room=about, body=text)
        rooms += 1
    return rooms
