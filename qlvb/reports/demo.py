"""Sample periodic reports for the demo province (Sở TT&TT Sơn La): Phòng Công nghệ thông tin's
weekly report, assembled from its tasks and documents and sent to the director and the deputy in
charge of its fields; and that deputy's weekly report on his fields, still a draft. The other
units have not reported yet, so the overview shows who is missing."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.org.models import Agency, Person, Unit
from qlvb.reports import services
from qlvb.reports.models import PeriodicReport


@transaction.atomic
def load(agency_code: str = "000.00.15.H51") -> int:
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None or PeriodicReport.objects.filter(agency=agency).exists():
        return 0
    people = {p.username: p for p in Person.objects.filter(agency=agency)}
    unit_head, deputy = people.get("stttt.tp.cntt"), people.get("stttt.pgd.cntt")
    unit = Unit.objects.filter(agency=agency, abbreviation="CNTT").first()
    if not (unit_head and deputy and unit):
        return 0
    today = timezone.localdate()
    chief = Actor(unit_head)
    report = services.create_unit_report(by=chief, unit=unit, kind=PeriodicReport.Kind.WEEK, day=today)
    services.edit(
        by=chief, report=report,
        results=("- Hoàn thành cập nhật danh mục hồ sơ năm 2026 của Phòng trên hệ thống, đúng hạn.\n"
                 "- Đang xây dựng Kế hoạch chuyển đổi số của Sở năm 2027: đã tổng hợp số liệu hiện trạng hạ tầng, "
                 "ứng dụng của 4/9 phòng, trung tâm.\n"
                 "- Tham mưu xử lý các văn bản đến về ứng dụng CNTT, an toàn thông tin đúng thời hạn."),
        shortcomings=("- Việc rà soát tài khoản người dùng không còn công tác tại Sở chậm so với thời hạn do "
                      "chưa nhận đủ danh sách từ các phòng.\n"
                      "- Nhân lực của Phòng còn mỏng so với khối lượng công việc."),
        proposals=("- Đề nghị Văn phòng Sở đôn đốc các phòng gửi danh sách công chức nghỉ hưu, chuyển công tác "
                   "trước ngày thứ Tư tuần tới.\n"
                   "- Đề nghị Lãnh đạo Sở cho ý kiến về khung Kế hoạch chuyển đổi số năm 2027."),
        next_plan=("- Hoàn thiện dự thảo Kế hoạch chuyển đổi số của Sở năm 2027, trình Giám đốc.\n"
                   "- Hoàn thành rà soát, khóa tài khoản người dùng không còn công tác.\n"
                   "- Chuẩn bị nội dung báo cáo tổng kết công tác năm 2026 của Phòng."))
    services.send(by=chief, report=report)
    draft = services.create_deputy_report(by=Actor(deputy), day=today)
    services.edit(
        by=Actor(deputy), report=draft,
        results=("Các phòng, đơn vị thuộc lĩnh vực phụ trách cơ bản hoàn thành nhiệm vụ trong tuần; Phòng CNTT "
                 "đã gửi báo cáo tuần, Trung tâm CNTT&TT chưa gửi."),
        next_plan="Chỉ đạo hoàn thiện dự thảo Kế hoạch chuyển đổi số năm 2027.")
    return 2
