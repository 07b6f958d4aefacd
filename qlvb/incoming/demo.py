"""Sample incoming documents for the demo province, at every stage of the flow, with real PDFs."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.dossiers.services import create_dossier
from qlvb.incoming import services, tally
from qlvb.incoming.models import Assignment
from qlvb.incoming.services import Target
from qlvb.org.models import Agency, Person, Unit
from qlvb.registers.models import Register
from qlvb.registers.services import ensure_default_registers

LETTER = """<html><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 2cm 2cm 2cm 3cm; }}
body {{ font-family: "Noto Serif", "Liberation Serif", serif; font-size: 13pt; }}
.head {{ display: flex; justify-content: space-between; text-align: center; font-size: 12pt; }}
.title {{ text-align: center; font-weight: bold; margin-top: 1.5em; }}
p {{ text-align: justify; text-indent: 1cm; }}
</style></head><body>
<div class="head"><div><b>{issuer_upper}</b><br>Số: {reference}</div>
<div><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b><br>
<i>Sơn La, ngày {day} tháng {month} năm {year}</i></div></div>
<div class="title">{type_name}<br>{summary}</div>
<p>Kính gửi: Sở Thông tin và Truyền thông tỉnh Sơn La.</p>
<p>{body}</p>
<p>Đề nghị quý cơ quan quan tâm phối hợp thực hiện./.</p>
<div style="margin-left: 55%; text-align: center; margin-top: 2em">
<b>{signer_position}</b><br><br><br><br><b>{signer}</b></div>
</body></html>"""

SAMPLES = [
    {"notation": "UBND-KT", "doc_type": "CV", "urgency": "khan", "stage": "registered",
     "summary": "UBND tỉnh đề nghị báo cáo tình hình triển khai Chính quyền số năm 2026 trước ngày 15/12/2026",
     "body": "Thực hiện chỉ đạo của Bộ Thông tin và Truyền thông, UBND tỉnh đề nghị Sở Thông tin và Truyền "
             "thông tổng hợp, báo cáo tình hình triển khai Chính quyền số trên địa bàn tỉnh năm 2026."},
    {"notation": "QĐ-UBND", "doc_type": "QĐ", "urgency": "", "stage": "in_progress",
     "summary": "Quyết định ban hành Quy chế quản lý, vận hành Hệ thống quản lý văn bản và điều hành tỉnh Sơn La",
     "body": "Ban hành kèm theo Quyết định này Quy chế quản lý, vận hành, sử dụng Hệ thống quản lý văn bản "
             "và điều hành trong các cơ quan nhà nước tỉnh Sơn La."},
    {"notation": "GM-UBND", "doc_type": "GM", "urgency": "", "stage": "completed",
     "summary": "UBND tỉnh mời họp ngày 20/11/2026 về việc triển khai nền tảng tích hợp, chia sẻ dữ liệu",
     "body": "UBND tỉnh tổ chức cuộc họp triển khai nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP); "
             "trân trọng kính mời lãnh đạo Sở Thông tin và Truyền thông tham dự."},
    {"notation": "UBND-VX", "doc_type": "CV", "urgency": "", "stage": "overdue",
     "summary": "UBND tỉnh đề nghị tham mưu kế hoạch bảo đảm an toàn thông tin mạng năm 2027",
     "body": "Để chủ động bảo đảm an toàn thông tin mạng, UBND tỉnh đề nghị Sở Thông tin và Truyền thông "
             "tham mưu xây dựng kế hoạch năm 2027, trình UBND tỉnh xem xét, ban hành."},
    {"notation": "UBND-NC", "doc_type": "CV", "urgency": "", "stage": "secret", "secrecy": "mat",
     "summary": "UBND tỉnh chỉ đạo rà soát bảo đảm an ninh hệ thống thông tin cấp độ 3 của tỉnh",
     "body": "UBND tỉnh yêu cầu rà soát, đánh giá các hệ thống thông tin cấp độ 3 và báo cáo kết quả."},
]


def _pdf(sample: dict, issuer: Agency, reference: str, when: date, signer: Person) -> ContentFile:
    from weasyprint import HTML

    html = LETTER.format(issuer_upper=issuer.name.upper(), reference=reference, day=f"{when.day:02d}",
                         month=f"{when.month:02d}", year=when.year, type_name={
                             "CV": "CÔNG VĂN", "QĐ": "QUYẾT ĐỊNH", "GM": "GIẤY MỜI"}[sample["doc_type"]],
                         summary=sample["summary"], body=sample["body"], signer=signer.full_name,
                         signer_position="KT. CHỦ TỊCH<br>PHÓ CHỦ TỊCH")
    return ContentFile(HTML(string=html).write_pdf(), name=f"{reference.replace('/', '-')}.pdf")


@transaction.atomic
def load(agency_code: str = "000.00.15.H51", issuer_code: str = "000.00.00.H51") -> int:
    agency = Agency.objects.filter(code=agency_code).first()
    issuer = Agency.objects.filter(code=issuer_code).first()
    if agency is None or issuer is None or agency.incoming_documents.exists():
        return 0
    ensure_default_registers(agency)
    people = {p.username: p for p in Person.objects.filter(agency=agency)}
    clerk, head = people.get("stttt.vanthu"), people.get("stttt.giamdoc")
    unit = Unit.objects.filter(agency=agency, abbreviation="CNTT").first()
    office = Unit.objects.filter(agency=agency, abbreviation="VP").first()
    unit_head, specialist = people.get("stttt.tp.cntt"), people.get("stttt.cv.cntt1")
    signer = Person.objects.filter(agency=issuer).exclude(username__endswith="vanthu").order_by("pk").first()
    if signer is None or not all([clerk, head, unit, office, unit_head, specialist]):
        return 0
    registers = {r.category: r for r in Register.objects.filter(agency=agency, direction=Register.Direction.INCOMING)}
    today = timezone.localdate()
    for index, sample in enumerate(SAMPLES):
        when = today - timedelta(days=6 - index)
        reference = f"{310 + index * 7}/{sample['notation']}"
        secret = sample.get("secrecy", "")
        doc = services.register_document(
            by=Actor(clerk), agency=agency, register=registers["secret" if secret else "ordinary"],
            presented_to=head, uploads=[_pdf(sample, issuer, reference, when, signer)],
            fields={"issuer_agency": issuer, "issuer_name": issuer.name, "issuer_code": issuer.code,
                    "number": reference.split("/")[0], "notation": sample["notation"], "document_date": when,
                    "doc_type": sample["doc_type"], "summary": sample["summary"], "urgency": sample["urgency"],
                    "secrecy": secret, "signer_name": signer.full_name, "signer_position": "Phó Chủ tịch",
                    "pages": 1, "received_at": timezone.now()})
        if sample["stage"] == "registered":
            continue
        deadline = services.resolve_deadline(agency_id=agency.pk, deadline=None, days=5)
        [main, *_rest] = services.route(
            by=Actor(head), document=doc, main=Target(unit=unit), coordinators=[Target(unit=office)],
            directive="Giao Phòng CNTT chủ trì, Văn phòng phối hợp tham mưu, báo cáo kết quả.", deadline=deadline)
        if sample["stage"] in ("in_progress", "completed", "overdue"):
            [child] = services.route(by=Actor(unit_head), document=doc, parent=main,
                                     main=Target(person=specialist), directive="Đề nghị đồng chí xử lý.",
                                     deadline=deadline)
            services.record_progress(by=Actor(specialist), assignment=child,
                                     text="Đã tổng hợp số liệu, đang dự thảo văn bản trả lời.")
        if sample["stage"] == "completed":
            dossier = create_dossier(by=Actor(specialist), agency=agency, code="01.CNTT",
                                     title="Hồ sơ triển khai nền tảng tích hợp, chia sẻ dữ liệu", retention="10")
            services.complete(by=Actor(specialist), document=doc, note="Đã cử lãnh đạo Sở dự họp.",
                              dossiers=[dossier])
        if sample["stage"] == "overdue":
            Assignment.objects.filter(document=doc).exclude(role=Assignment.Role.INFO).update(
                deadline=today - timedelta(days=1))
            type(doc).objects.filter(pk=doc.pk).update(deadline=today - timedelta(days=1))
    # The overdue sample's history was rewritten above, behind the services' backs: count the
    # overview's tallies again, or its cards would contradict its own tables.
    tally.recount(agency.pk)
    return len(SAMPLES)
