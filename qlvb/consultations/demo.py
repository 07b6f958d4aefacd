"""Sample consultations of Sở Thông tin và Truyền thông tỉnh Sơn La: the draft of the agency's
internal working rules (Quy chế làm việc, 002 Đ22.8) drafted by the office, consulted on with
everyone, anonymous, open until next week, answered by two staff members; and a request to meet the
Giám đốc answered with a time. Through the services, so every step has its event."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from qlvb.consultations import services
from qlvb.consultations.models import Consultation, Question
from qlvb.core.actor import Actor
from qlvb.org.models import Agency, Person

AGENCY_CODE = "000.00.15.H51"
TITLE = "Lấy ý kiến dự thảo Quy chế làm việc của Sở Thông tin và Truyền thông"
ARTICLES = [
    "Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng",
    "Điều 2. Nguyên tắc làm việc",
    "Điều 3. Trách nhiệm, phạm vi giải quyết công việc của Giám đốc Sở",
    "Điều 4. Chế độ hội họp, giao ban",
    "Điều 5. Thời gian làm việc, tiếp công dân",
]


def _draft(by: Actor, agency: Agency) -> int | None:
    """The draft of the rules, an outgoing draft of the office (None if drafts cannot be made here)."""
    from qlvb.outgoing import services as outgoing

    try:
        document = outgoing.create_draft(by=by, agency=agency, fields={
            "doc_type": "QĐ",
            "summary": "Dự thảo Quyết định ban hành Quy chế làm việc của Sở Thông tin và Truyền thông"})
    except (ValidationError, Exception):  # noqa: BLE001 - a sample without its document is still a sample
        return None
    return document.pk


def load(agency_code: str = AGENCY_CODE) -> int:
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None or Consultation.objects.filter(agency=agency).exists():
        return 0
    people = {p.username: p for p in Person.objects.filter(agency=agency)}
    gd, cvp = people.get("stttt.giamdoc"), people.get("stttt.chanhvp")
    named, anonymous = people.get("stttt.cv.cntt1"), people.get("stttt.cv.bcvt1")
    if not all([gd, cvp, named, anonymous]):
        return 0
    assert gd and cvp and named and anonymous
    today = timezone.localdate()
    document_id = _draft(Actor(cvp), agency)
    consultation = services.create(
        by=Actor(cvp), agency=agency, title=TITLE, subject=Consultation.Subject.DRAFT,
        topic=Consultation.Topic.RULES, opens_on=today - timedelta(days=2), closes_on=today + timedelta(days=7),
        anonymous=True, everyone=True, document_kind="outgoing" if document_id else "", document_id=document_id,
        description="Văn phòng Sở gửi dự thảo Quy chế làm việc để công chức, viên chức, người lao động tham gia "
                    "ý kiến theo Điều 22 khoản 8 Quy chế dân chủ. Đề nghị cho ý kiến từng điều và góp ý chung.")
    by = Actor(cvp)
    articles = services.add_question(by=by, consultation=consultation, kind=Question.Kind.ARTICLES,
                                     text="Ý kiến của đồng chí về từng điều của dự thảo", options=ARTICLES)
    hours = services.add_question(by=by, consultation=consultation, kind=Question.Kind.SINGLE,
                                  text="Thời gian bắt đầu làm việc buổi sáng nên là", required=True,
                                  options=["7 giờ 00", "7 giờ 30", "Giữ như hiện hành"])
    general = services.add_question(by=by, consultation=consultation, kind=Question.Kind.TEXT,
                                    text="Góp ý chung về dự thảo")
    consultation = services.open_consultation(by=by, consultation=consultation)
    services.answer(by=Actor(named), consultation=consultation, answers={
        str(articles.pk): {"0": {"agree": "agree"}, "1": {"agree": "agree"},
                           "3": {"agree": "disagree",
                                 "comment": "Giao ban nên tổ chức sáng thứ Hai thay vì chiều thứ Sáu."}},
        str(hours.pk): 1, str(general.pk): "Dự thảo cần bổ sung quy định về làm việc trên môi trường điện tử."})
    services.answer(by=Actor(anonymous), consultation=consultation, answers={
        str(articles.pk): {"0": {"agree": "agree"}, "4": {
            "agree": "disagree", "comment": "Đề nghị bổ sung lịch tiếp công dân buổi chiều thứ Năm."}},
        str(hours.pk): 2})
    request = services.request_meeting(
        by=Actor(named), agency=agency, subject="Đề xuất cải tiến quy trình xử lý văn bản đến",
        reason="Tôi có một số đề xuất về việc phân công xử lý văn bản đến trong phòng, mong được trình bày "
               "trực tiếp với Giám đốc.")
    next_day = today + timedelta(days=3)
    services.answer_meeting_request(
        by=Actor(cvp), request=request, place="Phòng làm việc của Giám đốc",
        meets_at=timezone.make_aware(datetime.combine(next_day, time(15, 0))),
        note="Giám đốc bố trí gặp đồng chí chiều thứ ba tuần tới.")
    return 1
