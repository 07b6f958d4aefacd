"""Sample internal messages of Sở Thông tin và Truyền thông tỉnh Sơn La, through the services so
every step has its event: a specialist of the CNTT unit sends the Trưởng phòng a draft plan with its
file; the Trưởng phòng forwards it to another specialist with an instruction and archives his
copy; the specialist replies; the Chánh Văn phòng writes to the units' leaders; the Giám đốc asks
the CNTT unit for a report and makes the message a task."""

from __future__ import annotations

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile

from qlvb.core.actor import Actor
from qlvb.messages import services
from qlvb.messages.models import Message
from qlvb.org.models import Agency, Person, Unit

AGENCY_CODE = "000.00.15.H51"


def _pdf(name: str, title: str) -> SimpleUploadedFile:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    buffer = BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def load(agency_code: str = AGENCY_CODE) -> int:
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None or Message.objects.filter(agency=agency).exists():
        return 0
    people = {p.username: p for p in Person.objects.filter(agency=agency)}
    units = {u.abbreviation: u for u in Unit.objects.filter(agency=agency)}
    gd, cvp, tp = people.get("stttt.giamdoc"), people.get("stttt.chanhvp"), people.get("stttt.tp.cntt")
    cv1, cv2 = people.get("stttt.cv.cntt1"), people.get("stttt.cv.cntt2")
    cntt = units.get("CNTT")
    if not all([gd, cvp, tp, cv1, cv2, cntt]):
        return 0
    assert gd and cvp and tp and cv1 and cv2 and cntt
    first = services.send(
        by=Actor(cv1), agency=agency, subject="Dự thảo Kế hoạch chuyển đổi số năm 2027 của Sở",
        body="Kính gửi anh Trưởng phòng,\n\nEm gửi dự thảo Kế hoạch chuyển đổi số năm 2027 (đính kèm). "
             "Đề nghị anh cho ý kiến để em hoàn thiện, trình Lãnh đạo Sở trước ngày 20/12.\n\nTrân trọng.",
        to=services.Recipients(people=[tp]), uploads=[_pdf("du-thao-ke-hoach-cds-2027.pdf", "Dự thảo kế hoạch")])
    forwarded = services.forward(
        by=Actor(tp), message=first, to=services.Recipients(people=[cv2]),
        instruction="Đồng chí Dũng rà soát phần hạ tầng và an toàn thông tin của dự thảo, "
                    "góp ý trực tiếp với đồng chí Mai trước thứ Sáu.")
    services.move(by=Actor(tp), message=first, to="archive")
    services.reply(by=Actor(cv2), message=forwarded, body="Em đã nhận, sẽ góp ý trước thứ Sáu ạ.")
    services.send(by=Actor(cvp), agency=agency, subject="Đăng ký lịch công tác tuần tới",
                  body="Đề nghị lãnh đạo các phòng, đơn vị đăng ký lịch công tác tuần tới trên hệ thống "
                       "trước 16 giờ thứ Năm.",
                  to=services.Recipients(units=list(Unit.objects.filter(agency=agency, deleted_at__isnull=True)
                                                    .exclude(kind=Unit.Kind.LEADERSHIP))))
    report = services.send(by=Actor(gd), agency=agency, subject="Báo cáo tình hình vận hành hệ thống QLVB",
                           body="Phòng CNTT báo cáo tình hình vận hành hệ thống quản lý văn bản và điều hành "
                                "tháng này, các sự cố và kiến nghị.",
                           to=services.Recipients(units=[cntt]))
    services.make_task(by=Actor(gd), message=report, owner_unit=cntt,
                       working_days=7)
    count = Message.objects.filter(agency=agency).count()
    return count
