"""Demo schedules of Sở Thông tin và Truyền thông tỉnh Sơn La: this week's leaders' schedule,
published; next week's, drafted by the Chánh Văn phòng and waiting for the Giám đốc; the
month's citizens' reception; a unit's and a personal entry. Through the services, so every
entry has its events."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.org.models import Agency, Person, Unit
from qlvb.schedules import selectors, services
from qlvb.schedules.models import Entry, Scope

AGENCY_CODE = "000.00.15.H51"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def load(agency_code: str = AGENCY_CODE) -> int:
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None or Entry.objects.filter(agency=agency).exists():
        return 0
    people = {p.username: p for p in Person.objects.filter(agency=agency)}
    units = {u.abbreviation: u for u in Unit.objects.filter(agency=agency)}

    def who(*names: str) -> list[Person]:
        return [people[n] for n in names if n in people]

    gd, pgd1, pgd2 = (people.get(n) for n in ("stttt.giamdoc", "stttt.pgd.bcvt", "stttt.pgd.cntt"))
    cvp, ctt, tp = (people.get(n) for n in ("stttt.chanhvp", "stttt.chanhtt", "stttt.tp.cntt"))
    if not (gd and cvp and ctt):
        return 0
    office, inspectorate = Actor(cvp), Actor(ctt)
    this_monday = selectors.week_start(timezone.localdate())
    next_monday = this_monday + timedelta(days=7)
    count = 0
    for monday, plan in ((this_monday, [
        (0, 8, 10, "Giao ban Lãnh đạo Sở đầu tuần", "Phòng họp tầng 2", gd, who("stttt.pgd.bcvt", "stttt.pgd.cntt",
                                                                               "stttt.chanhvp"), "VP"),
        (1, 14, 17, "Làm việc với Viettel Sơn La về hạ tầng mạng 5G", "Trụ sở Viettel Sơn La", pgd1,
         who("stttt.pgd.bcvt"), ""),
        (2, 8, 11, "Dự Hội nghị trực tuyến của Bộ Thông tin và Truyền thông về chuyển đổi số", "Điểm cầu UBND tỉnh",
         gd, who("stttt.giamdoc", "stttt.pgd.cntt", "stttt.tp.cntt"), "CNTT"),
        (4, 14, 16, "Họp giao ban cơ quan", "Phòng họp tầng 2", gd, who("stttt.giamdoc", "stttt.pgd.bcvt",
                                                                         "stttt.pgd.cntt", "stttt.chanhvp"), "VP"),
    ]), (next_monday, [
        (0, 8, 10, "Giao ban Lãnh đạo Sở đầu tuần", "Phòng họp tầng 2", gd, who("stttt.pgd.bcvt", "stttt.pgd.cntt",
                                                                               "stttt.chanhvp"), "VP"),
        (3, 8, 11, "Kiểm tra công tác bảo đảm an toàn thông tin tại UBND huyện Mai Sơn", "UBND huyện Mai Sơn",
         pgd2, who("stttt.pgd.cntt", "stttt.tp.cntt"), "CNTT"),
    ])):
        for offset, start, end, title, place, chair, attendees, preparing in plan:
            day = monday + timedelta(days=offset)
            services.save_entry(by=office, agency=agency, scope=Scope.AGENCY, title=title, place=place,
                                starts_at=_at(day, start), ends_at=_at(day, end), chair=chair,
                                people=[p for p in attendees if p != chair] + ([chair] if chair else []),
                                preparing_unit=units.get(preparing))
            count += 1
    week = selectors.find_period(agency.pk, Scope.AGENCY, this_monday)
    if week is not None:
        services.submit_period(by=office, period=week)
        services.publish_period(by=Actor(gd), period=week)
    upcoming = selectors.find_period(agency.pk, Scope.AGENCY, next_monday)
    if upcoming is not None:
        services.submit_period(by=office, period=upcoming)
    first = selectors.month_start(timezone.localdate())
    for week_no in range(4):  # the Giám đốc receives citizens on a Thursday morning of each week
        day = first + timedelta(days=(3 - first.weekday()) % 7 + 7 * week_no)
        if day.month != first.month:
            break
        services.save_entry(by=inspectorate, agency=agency, scope=Scope.RECEPTION,
                            title="Tiếp công dân định kỳ", place="Phòng tiếp công dân, tầng 1",
                            starts_at=_at(day, 7, 30), ends_at=_at(day, 11, 30), chair=gd if week_no % 2 == 0 else pgd1,
                            people=who("stttt.chanhtt"), preparing_unit=units.get("TTr"))
        count += 1
    reception = selectors.find_period(agency.pk, Scope.RECEPTION, first)
    if reception is not None:
        services.publish_period(by=Actor(gd), period=reception)
    if tp is not None and "CNTT" in units:
        tuesday = this_monday + timedelta(days=1)
        services.save_entry(by=Actor(tp), agency=agency, scope=Scope.UNIT, unit=units["CNTT"],
                            title="Họp phòng triển khai nhiệm vụ tháng", place="Phòng CNTT",
                            starts_at=_at(tuesday, 8), ends_at=_at(tuesday, 9),
                            chair=tp, people=who("stttt.cv.cntt1", "stttt.cv.cntt2", "stttt.tp.cntt"))
        count += 1
    return count + _invitation(agency, gd)


def _invitation(agency: Agency, leader: Person) -> int:
    """The demo's invitation letter (UBND tỉnh's meeting of 20/11/2026) in the schedule of the people
    it was routed to, and the report back of the first of them (001 Đ16)."""
    from django.core.exceptions import ValidationError

    from qlvb.core.errors import NotAllowed
    from qlvb.incoming.models import IncomingDocument

    letter = (IncomingDocument.objects.filter(agency=agency, doc_type="GM").exclude(status="draft")
              .order_by("pk").first())
    if letter is None:
        return 0
    try:
        entry = services.entry_from_invitation(
            by=Actor(leader), incoming_id=letter.pk, starts_at=_at(date(2026, 11, 20), 8),
            ends_at=_at(date(2026, 11, 20), 11), place="Hội trường UBND tỉnh",
            title="Họp triển khai nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP)")
    except (ValidationError, NotAllowed):
        return 0
    attendee = entry.attendees.select_related("person").order_by("pk").first()
    if attendee is not None:
        services.file_report(by=Actor(attendee.person), entry=entry, text=(
            "UBND tỉnh giao Sở Thông tin và Truyền thông chủ trì vận hành nền tảng LGSP; các sở, ngành hoàn "
            "thành kết nối trước ngày 31/12/2026. Đề nghị Phòng CNTT xây dựng kế hoạch kết nối, trình Giám đốc."))
    return 1
