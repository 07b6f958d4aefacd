"""Sample leave of Sở Thông tin và Truyền thông tỉnh Sơn La: a specialist of Phòng CNTT asks for
one day of annual leave next week (waiting for the Phó Giám đốc in charge, 001 Đ18.2), some past
leave approved or refused, the seniority of a few people, an overtime declaration. Through the
services, so each has its event and its notifications."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from qlvb.core import workdays
from qlvb.core.actor import Actor
from qlvb.leave import services
from qlvb.leave.models import LeaveRequest, ServiceStart
from qlvb.org.models import Agency, Person

AGENCY_CODE = "000.00.15.H51"


def load(agency_code: str = AGENCY_CODE) -> int:
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None or LeaveRequest.objects.filter(agency=agency).exists():
        return 0
    people = {p.username: p for p in Person.objects.filter(agency=agency)}
    cv1, cv2, cv3 = people.get("stttt.cv.cntt1"), people.get("stttt.cv.cntt2"), people.get("stttt.cv.cntt3")
    if cv1 is None or cv2 is None or cv3 is None:
        return 0
    for person, started in ((cv1, date(2012, 9, 1)), (cv2, date(2019, 3, 15)), (cv3, date(2023, 8, 1))):
        ServiceStart.objects.get_or_create(person=person, defaults={"started_on": started})
    today = timezone.localdate()
    count = 0

    def ask(person: Person, start: date, end: date, kind: str, reason: str, decide: str = "",
            **extra: object) -> LeaveRequest:
        nonlocal count
        leave = services.request_leave(by=Actor(person), kind=kind, start=start, end=end, reason=reason,
                                       today=min(today, start - timedelta(days=7)), **extra)  # type: ignore[arg-type]
        if decide and leave.approver is not None:
            if decide == "approve":
                services.approve(by=Actor(leave.approver), leave=leave)
            else:
                services.refuse(by=Actor(leave.approver), leave=leave, note="Phòng đang triển khai kiểm tra an "
                                                                             "toàn thông tin, đề nghị lùi lịch nghỉ.")
        count += 1
        return leave

    # history of this year: approved, refused, sick leave
    spring = workdays.add_working_days(date(today.year, 4, 6), 0)
    ask(cv1, spring, workdays.add_working_days(spring, 1), "annual", "Về quê thăm bố mẹ ở Mộc Châu", "approve")
    summer = workdays.add_working_days(date(today.year, 7, 13), 0)
    ask(cv2, summer, workdays.add_working_days(summer, 2), "annual", "Nghỉ hè cùng gia đình", "refuse")
    ask(cv2, summer + timedelta(days=14), summer + timedelta(days=14), "sick", "Khám sức khỏe định kỳ", "approve",
        end_morning=True)
    autumn = workdays.add_working_days(date(today.year, 10, 5), 0)
    ask(cv3, autumn, autumn, "personal", "Đám cưới em gái", "approve")
    # next week: one day of annual leave, waiting for the Phó Giám đốc in charge
    next_week = workdays.add_working_days(today + timedelta(days=7 - today.weekday() + 2), 0)
    ask(cv1, next_week, next_week, "annual", "Đưa con đi khám bệnh tại Bệnh viện Đa khoa tỉnh")
    services.declare_overtime(by=Actor(cv3), day=workdays.add_working_days(today - timedelta(days=10), 0),
                              hours=Decimal("3"), work="Trực xử lý sự cố đường truyền mạng WAN của tỉnh")
    return count
