"""Sample meetings of Sở Thông tin và Truyền thông tỉnh Sơn La: last Friday's briefing (giao ban)
held, with its invitees' answers, agenda, a document, attendance, approved minutes and the Giám
đốc's conclusions published and turned into tasks (one already done); and next Friday's briefing,
invitations sent, the next of its weekly series. Through the services, so every step has its event."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.meetings import services
from qlvb.meetings.models import Invitee, Meeting
from qlvb.org.models import Agency, Person, Unit
from qlvb.tasks import services as task_services
from qlvb.tasks.models import Task

AGENCY_CODE = "000.00.15.H51"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _agenda_file() -> SimpleUploadedFile:
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Báo cáo kết quả công tác tuần"})
    buffer = BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("bao-cao-cong-tac-tuan.pdf", buffer.getvalue(), content_type="application/pdf")


def load(agency_code: str = AGENCY_CODE) -> int:
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None or Meeting.objects.filter(agency=agency).exists():
        return 0
    people = {p.username: p for p in Person.objects.filter(agency=agency)}
    units = {u.abbreviation: u for u in Unit.objects.filter(agency=agency)}
    gd, cvp, secretary = (people.get(n) for n in ("stttt.giamdoc", "stttt.chanhvp", "stttt.phochanhvp"))
    tp_cntt, tp_bcvt = people.get("stttt.tp.cntt"), people.get("stttt.tp.bcvt")
    office, cntt, bcvt = units.get("VP"), units.get("CNTT"), units.get("BCVT")
    if not all([gd, cvp, secretary, tp_cntt, tp_bcvt, office, cntt, bcvt]):
        return 0
    assert gd and cvp and secretary and tp_cntt and tp_bcvt and office and cntt and bcvt
    invited = [people[n] for n in ("stttt.pgd.bcvt", "stttt.pgd.cntt", "stttt.chanhtt") if n in people]
    today = timezone.localdate()
    last_friday = today - timedelta(days=(today.weekday() - 4) % 7 or 7)
    by_office, by_secretary, by_head = Actor(cvp), Actor(secretary), Actor(gd)

    meeting = services.create(
        by=by_office, agency=agency, kind=Meeting.Kind.BRIEFING,
        title="Giao ban Lãnh đạo Sở với các phòng, đơn vị tuần", starts_at=_at(last_friday, 14),
        ends_at=_at(last_friday, 16, 30), place="Phòng họp tầng 2, trụ sở Sở", chair=gd, secretary=secretary,
        organising_unit=office, people=invited, units=[cntt, bcvt])
    for title, presenter in (
            ("Văn phòng báo cáo kết quả công tác tuần và chương trình công tác tuần tới", cvp),
            ("Phòng CNTT báo cáo tiến độ triển khai Kế hoạch chuyển đổi số năm 2026", tp_cntt),
            ("Phòng BCVT báo cáo tình hình phát triển hạ tầng viễn thông, sóng 5G", tp_bcvt),
            ("Ý kiến các phòng, đơn vị; Giám đốc Sở kết luận", gd)):
        services.add_agenda_item(by=by_office, meeting=meeting, title=title, presenter=presenter)
    services.attach(by=by_office, meeting=meeting, uploads=[_agenda_file()])
    services.invite(by=by_office, meeting=meeting)
    for invitee in Invitee.objects.filter(meeting=meeting).select_related("person", "unit"):
        if invitee.unit_id == cntt.pk:
            services.answer(by=Actor(tp_cntt), invitee=invitee, answer=Invitee.Answer.ACCEPTED)
        elif invitee.unit_id == bcvt.pk:
            substitute = people.get("stttt.cv.bcvt1")
            if substitute is not None:
                services.answer(by=Actor(tp_bcvt), invitee=invitee, answer=Invitee.Answer.DELEGATED,
                                note="Trưởng phòng đi công tác huyện Mộc Châu", substitute=substitute)
        elif invitee.person is not None:
            services.answer(by=Actor(invitee.person), invitee=invitee, answer=Invitee.Answer.ACCEPTED)
    expected = services.expected_people(meeting)
    services.record_attendance(by=by_secretary, meeting=meeting, statuses={p.pk: "present" for p in expected})
    services.save_minutes(by=by_secretary, meeting=meeting, submit=True, body=(
        "Thời gian: 14 giờ 00, thứ Sáu ngày " + last_friday.strftime("%d/%m/%Y") + ".\n"
        "Chủ trì: Giám đốc Sở. Thư ký: Phó Chánh Văn phòng.\n"
        "1. Văn phòng báo cáo kết quả công tác tuần: đã tiếp nhận 86 văn bản đến, phát hành 41 văn bản đi.\n"
        "2. Phòng CNTT báo cáo: đã hoàn thành 70% nhiệm vụ Kế hoạch chuyển đổi số năm 2026.\n"
        "3. Phòng BCVT báo cáo: đã có 215 trạm phát sóng 5G trên địa bàn tỉnh.\n"
        "4. Ý kiến các phòng, đơn vị và kết luận của Giám đốc Sở (theo Thông báo kết luận)."))
    services.decide_minutes(by=by_head, meeting=meeting, approve=True)
    first = services.add_conclusion(
        by=by_head, meeting=meeting, owner_unit=cntt, working_days=5,
        text="Phòng CNTT hoàn thiện dự thảo Kế hoạch chuyển đổi số năm 2027, trình Giám đốc Sở.")
    services.add_conclusion(
        by=by_head, meeting=meeting, owner_unit=bcvt, working_days=10,
        text="Phòng BCVT phối hợp các doanh nghiệp viễn thông rà soát vùng lõm sóng tại các xã vùng cao.")
    services.add_conclusion(
        by=by_head, meeting=meeting, owner_unit=office, working_days=3,
        text="Văn phòng tổng hợp, đăng ký lịch công tác tuần tới của Lãnh đạo Sở.")
    services.add_conclusion(
        by=by_head, meeting=meeting,
        text="Các phòng, đơn vị chấp hành nghiêm kỷ luật, kỷ cương hành chính; xử lý văn bản đúng hạn.")
    services.publish_conclusions(by=by_head, meeting=meeting)
    services.make_tasks(by=by_head, meeting=meeting)
    task = Task.objects.filter(source=Task.Source.MEETING, source_ref=str(first.pk)).first()
    if task is not None:
        task_services.complete(by=Actor(tp_cntt), task=task,
                               result="Đã hoàn thiện dự thảo Kế hoạch, trình Giám đốc Sở ngày "
                                      + today.strftime("%d/%m/%Y") + ".")
    nxt = services.repeat(by=by_office, meeting=meeting, frequency="weekly", count=1)
    if nxt and nxt[0].starts_at > timezone.now():
        services.invite(by=by_office, meeting=nxt[0])
    return 1 + len(nxt)
