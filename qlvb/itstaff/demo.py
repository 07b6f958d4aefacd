"""Sample IT staff data (seed 004): Sở TT&TT Sơn La named the Department; Sở Nội vụ lists its IT
staff (a CCNA holder, with his training and the Department's meeting), has its six-monthly report
submitted and accepted-ready, and reports a WAN outage; Sở TT&TT lists its own. Through the
services, so each has its event; a past round's dates are then set back to their June values."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from qlvb.core import workdays
from qlvb.core.actor import Actor
from qlvb.core.models import Parameter
from qlvb.itstaff import rules, services
from qlvb.itstaff.models import Report, ReportTemplate, Staff
from qlvb.org.models import Agency, Person

DEPARTMENT = "000.00.15.H51"  # Sở Thông tin và Truyền thông tỉnh Sơn La
HOME_AFFAIRS = "000.00.03.H51"  # Sở Nội vụ tỉnh Sơn La
SECTIONS = ["Hạ tầng kỹ thuật (máy chủ, mạng LAN/WAN, máy tính)",
            "Ứng dụng CNTT trong hoạt động của cơ quan (quản lý văn bản, thư điện tử, dịch vụ công)",
            "An toàn, an ninh thông tin và sự cố",
            "Nhân lực chuyên trách CNTT, đào tạo, tập huấn",
            "Khó khăn, vướng mắc và kiến nghị"]


def load() -> str:
    department = Agency.objects.filter(code=DEPARTMENT).first()
    snv = Agency.objects.filter(code=HOME_AFFAIRS).first()
    if department is None or snv is None or Staff.objects.exists():
        return "0 IT staff"
    if not rules.department_id():
        Parameter.objects.update_or_create(name=rules.PARAMETER, defaults={"value": department.pk})
    people = {p.username: p for p in Person.objects.filter(username__in=[
        "stttt.chanhvp", "stttt.cv.cntt1", "snv.chanhvp", "snv.cv.tcbc2", "stttt.giamdoc"])}
    if len(people) < 5:
        return "0 IT staff"
    cvp, snv_cvp = Actor(people["stttt.chanhvp"]), Actor(people["snv.chanhvp"])
    today = timezone.localdate()
    it = services.register_staff(
        by=snv_cvp, agency=snv, person=people["snv.cv.tcbc2"], degree="university",
        field_of_study="Công nghệ thông tin", field_is_it=True, full_time_study=True, assigned_on=date(2024, 3, 1),
        notes="Kiêm nhiệm quản trị mạng và hệ thống quản lý văn bản của Sở.")
    services.add_certificate(by=snv_cvp, staff=it, name="CCNA (Cisco Certified Network Associate)",
                             issued_on=date(2023, 8, 15), expires_on=date(2026, 8, 15))
    services.add_training(by=snv_cvp, staff=it, kind="training", title="Tập huấn bảo đảm an toàn thông tin năm 2026",
                          held_on=date(2026, 5, 20))
    services.add_training(by=snv_cvp, staff=it, kind="meeting",
                          title="Giao ban chuyên trách CNTT 6 tháng đầu năm 2026", held_on=date(2026, 7, 10))
    services.register_staff(by=cvp, agency=department, person=people["stttt.cv.cntt1"], degree="postgraduate",
                            field_of_study="Khoa học máy tính", field_is_it=True, full_time_study=True,
                            assigned_on=date(2022, 9, 1))
    # The six-monthly round (June), its report submitted by Sở Nội vụ on time.
    h1 = services.publish_template(by=cvp, title="Báo cáo tình hình ứng dụng CNTT 6 tháng đầu năm 2026",
                                   period=ReportTemplate.Period.FIRST_HALF, year=2026,
                                   deadline=today + timedelta(days=1), sections=SECTIONS)
    answers = {"s1": "02 máy chủ, 45 máy tính; kết nối mạng WAN tỉnh ổn định.",
               "s2": "100% văn bản đi, đến xử lý trên hệ thống QLVB; 100% cán bộ dùng thư điện tử công vụ.",
               "s3": "Không có sự cố mất an toàn thông tin; 01 lần mất kết nối WAN đã khắc phục.",
               "s4": "01 cán bộ chuyên trách (đại học CNTT, chứng chỉ CCNA); tham gia đủ tập huấn, giao ban.",
               "s5": "Đề nghị Sở TT&TT hỗ trợ nâng cấp máy chủ."}
    report = services.save_report(by=snv_cvp, template=h1, agency=snv, answers=answers)
    services.submit_report(by=snv_cvp, report=report)
    ReportTemplate.objects.filter(pk=h1.pk).update(deadline=date(2026, 6, 20))
    Report.objects.filter(pk=report.pk).update(
        submitted_at=timezone.make_aware(datetime.combine(date(2026, 6, 18), time(15, 30))))
    # The yearly round, open: due in eight working days.
    services.publish_template(by=cvp, title="Báo cáo tình hình ứng dụng CNTT năm 2026",
                              period=ReportTemplate.Period.YEAR, year=2026,
                              deadline=workdays.add_working_days(today, 8, department), sections=SECTIONS)
    services.report_incident(by=snv_cvp, agency=snv, kind="wan",
                             title="Mất kết nối mạng WAN tới Trung tâm dữ liệu tỉnh",
                             occurred_at=timezone.now() - timedelta(hours=2),
                             impact="Không gửi, nhận được văn bản điện tử liên thông; hệ thống một cửa gián đoạn.",
                             handling="Đã báo Viễn thông Sơn La kiểm tra đường truyền.")
    return "2 IT staff, 2 IT report rounds, 1 IT incident"
