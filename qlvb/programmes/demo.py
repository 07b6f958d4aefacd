"""Sample work programmes for the demo province (Sở TT&TT Sơn La): the agency's programme for
next year, approved by the Giám đốc; the IT department's (Phòng CNTT) programme for the current
quarter, approved by the Phó Giám đốc in charge of its fields, its items turned into tasks, one
done, one in progress, a few late; and its programme for the next quarter, waiting for approval."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.org.models import Agency, Field, Person, Unit
from qlvb.programmes import services
from qlvb.programmes.models import Item, Programme
from qlvb.tasks import services as task_services


def _clamp(day: date, start: date, end: date) -> date:
    return min(max(day, start), end)


@transaction.atomic
def load(agency_code: str = "000.00.15.H51") -> int:
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None or Programme.objects.filter(agency=agency).exists():
        return 0
    people = {p.username: p for p in Person.objects.filter(agency=agency)}
    units = {u.abbreviation: u for u in Unit.objects.filter(agency=agency)}
    fields = {f.abbreviation: f for f in Field.objects.filter(agency=agency)}
    office_head, unit_head = people.get("stttt.chanhvp"), people.get("stttt.tp.cntt")
    specialist, specialist2 = people.get("stttt.cv.cntt1"), people.get("stttt.cv.cntt2")
    head = people.get("stttt.giamdoc")
    cntt, vp, ttcntt, bcvt = units.get("CNTT"), units.get("VP"), units.get("TTCNTT"), units.get("BCVT")
    if not all([office_head, unit_head, specialist, specialist2, head, cntt, vp, ttcntt, bcvt]):
        return 0
    assert office_head and unit_head and specialist and specialist2 and head and cntt and vp and ttcntt and bcvt
    today = timezone.localdate()

    # The agency's programme for next year (000 Đ10.1), kept by the office, approved by the Giám đốc.
    office = Actor(office_head)
    year = services.create(by=office, agency=agency, scope="agency", period="year", year=today.year + 1)
    y = today.year + 1
    for title, product, unit, coordinating, due, nature, field in [
        ("Xây dựng Kế hoạch chuyển đổi số tỉnh Sơn La năm " + str(y + 1), "Tờ trình, dự thảo Quyết định của UBND tỉnh",
         cntt, [vp, ttcntt], date(y, 11, 30), Item.Nature.KEY, "CNTT"),
        ("Triển khai Kế hoạch cải cách hành chính của Sở năm " + str(y), "Kế hoạch, báo cáo quý",
         vp, [cntt], date(y, 12, 15), Item.Nature.REGULAR, "CCHC"),
        ("Tổ chức diễn tập thực chiến an toàn thông tin cấp tỉnh", "Kịch bản, báo cáo kết quả diễn tập",
         cntt, [ttcntt], date(y, 9, 30), Item.Nature.KEY, "ATTT"),
        ("Quy hoạch hạ tầng viễn thông thụ động giai đoạn " + f"{y}–{y + 4}", "Tờ trình, dự thảo Quyết định",
         bcvt, [cntt], date(y, 6, 30), Item.Nature.ASSIGNED, "VT"),
        ("Tổng kết công tác năm " + str(y) + ", xây dựng chương trình công tác năm " + str(y + 1),
         "Báo cáo tổng kết, chương trình công tác", vp, [cntt, bcvt, ttcntt], date(y, 12, 25), Item.Nature.REGULAR,
         "TCKH"),
    ]:
        services.add_item(by=office, programme=year, title=title, product=product, responsible_unit=unit,
                          coordinating_units=coordinating, due=due, nature=nature, field=fields.get(field))
    services.submit(by=office, programme=year)
    year.refresh_from_db()
    services.approve(by=Actor(head), programme=year, note="Đồng ý, các phòng triển khai thực hiện.")

    # The IT department's programme for this quarter: approved, items made tasks, a few late.
    chief = Actor(unit_head)
    number = (today.month - 1) // 3 + 1
    quarter = services.create(by=chief, agency=agency, scope="unit", period="quarter", year=today.year,
                              number=number, owner_unit=cntt)
    start, end = quarter.starts, quarter.ends
    plan = [
        ("Rà soát, cập nhật danh mục hệ thống thông tin theo cấp độ", "Báo cáo rà soát", specialist,
         today + timedelta(days=6), Item.Nature.KEY, "ATTT"),
        ("Nâng cấp Cổng dịch vụ công, kết nối Cổng dịch vụ công quốc gia", "Hệ thống nâng cấp, biên bản nghiệm thu",
         None, today + timedelta(days=20), Item.Nature.KEY, "CCHC"),
        ("Hướng dẫn các phòng sử dụng chữ ký số trên văn bản điện tử", "Văn bản hướng dẫn", specialist2,
         today + timedelta(days=3), Item.Nature.REGULAR, "CNTT"),
        ("Báo cáo tình hình ứng dụng CNTT quý", "Báo cáo gửi Bộ TT&TT", None,
         today - timedelta(days=5), Item.Nature.REGULAR, "CNTT"),
        ("Kiểm tra an toàn thông tin tại Trung tâm tích hợp dữ liệu", "Biên bản kiểm tra", None,
         today - timedelta(days=2), Item.Nature.NEW, "HTTT"),
    ]
    items = []
    for title, product, person, due, nature, field in plan:
        items.append(services.add_item(
            by=chief, programme=quarter, title=title, product=product, responsible_unit=cntt,
            responsible_person=person, coordinating_units=[ttcntt] if nature == Item.Nature.KEY else [],
            starts=start, due=_clamp(due, start, end), nature=nature, field=fields.get(field)))
    services.submit(by=chief, programme=quarter)
    quarter.refresh_from_db()
    services.approve(by=Actor(quarter.approver), programme=quarter)
    # Tasks of the items still ahead; the past ones stay late, without tasks.
    ahead = [i for i in items if i.due >= today]
    if ahead:
        tasks = services.make_tasks(by=chief, programme=quarter, items=ahead)
        by_item = {t.source_ref: t for t in tasks}
        first = by_item.get(str(ahead[0].pk))
        if first is not None and first.owner_person_id:
            task_services.report(by=Actor(first.owner_person), task=first, progress=60,
                                 note="Đã rà soát 14/22 hệ thống thông tin.")
        last = by_item.get(str(ahead[-1].pk))
        if last is not None and last.owner_person_id and len(ahead) > 1:
            task_services.complete(by=Actor(last.owner_person), task=last,
                                   result="Đã ban hành văn bản hướng dẫn, gửi các phòng.")

    # Next quarter's programme, submitted to the Phó Giám đốc in charge.
    nxt = end + timedelta(days=1)
    following = services.create(by=chief, agency=agency, scope="unit", period="quarter", year=nxt.year,
                                number=(nxt.month - 1) // 3 + 1, owner_unit=cntt)
    services.add_item(by=chief, programme=following, title="Triển khai nền tảng tích hợp, chia sẻ dữ liệu (LGSP) "
                      "giai đoạn 2", product="Tờ trình, dự thảo Quyết định phê duyệt", responsible_unit=cntt,
                      coordinating_units=[ttcntt], due=following.ends, nature=Item.Nature.KEY,
                      field=fields.get("HTTT"))
    services.submit(by=chief, programme=following)
    return 3
