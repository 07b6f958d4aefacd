"""Sample tasks for the demo province (Sở TT&TT Sơn La): a leader's instruction broken down into a
sub-task and reported on, a briefing's conclusion due soon, a completed and evaluated task and an
overdue one."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.org.models import Agency, Person, Unit
from qlvb.tasks import services
from qlvb.tasks.models import Task
from qlvb.tasks.services import Owner


@transaction.atomic
def load(agency_code: str = "000.00.15.H51") -> int:
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None or Task.objects.filter(agency=agency).exists():
        return 0
    people = {p.username: p for p in Person.objects.filter(agency=agency)}
    head, unit_head = people.get("stttt.giamdoc"), people.get("stttt.tp.cntt")
    specialist = people.get("stttt.cv.cntt1")
    unit = Unit.objects.filter(agency=agency, abbreviation="CNTT").first()
    office = Unit.objects.filter(agency=agency, abbreviation="VP").first()
    if not all([head, unit_head, specialist, unit, office]):
        return 0
    assert head and unit_head and specialist and unit and office
    lead, chief, staff = Actor(head), Actor(unit_head), Actor(specialist)
    today = timezone.localdate()
    main = services.assign(
        by=lead, agency=agency, owner=Owner(unit=unit), coordinating_units=[office], working_days=15,
        title="Xây dựng Kế hoạch chuyển đổi số của Sở năm 2027",
        description="Phòng CNTT chủ trì, Văn phòng phối hợp; trình Giám đốc dự thảo kế hoạch trước khi ban hành.")
    sub = services.assign(by=chief, agency=agency, owner=Owner(person=specialist), parent=main, working_days=8,
                          title="Tổng hợp số liệu hiện trạng hạ tầng, ứng dụng của các phòng")
    services.report(by=staff, task=sub, progress=40, note="Đã tổng hợp số liệu của 4/9 phòng, trung tâm.")
    services.report(by=chief, task=main, progress=20, note="Đã phân công, đang tổng hợp số liệu hiện trạng.")
    services.create_from(
        by=lead, agency=agency, source=Task.Source.MEETING, source_ref="Kết luận giao ban ngày 05/12/2026",
        owner=Owner(unit=office), working_days=2,
        title="Chuẩn bị nội dung, tài liệu Hội nghị tổng kết công tác năm 2026")
    done = services.assign(by=chief, agency=agency, owner=Owner(person=specialist), working_days=3,
                           title="Cập nhật danh mục hồ sơ năm 2026 của Phòng trên hệ thống")
    services.complete(by=staff, task=done, result="Đã cập nhật đủ 12 hồ sơ vào danh mục.")
    services.evaluate(by=chief, task=done, evaluation=Task.Evaluation.GOOD, note="Đúng hạn, đầy đủ.")
    late = services.assign(by=chief, agency=agency, owner=Owner(person=specialist), working_days=1,
                           title="Rà soát tài khoản người dùng không còn công tác tại Sở")
    # Made overdue for the demo, behind the services' back: the lists show what is late.
    Task.objects.filter(pk=late.pk).update(deadline=today - timedelta(days=2))
    return 5
