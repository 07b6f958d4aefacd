"""Sample notices of Sở Thông tin và Truyền thông tỉnh Sơn La: the office's pinned notice of the
Tết holidays to the whole agency (read by a few), the Chánh Văn phòng's notice to the heads of
units, and the CNTT unit head's notice to his unit. Through the services, so each has its event."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.notices import services
from qlvb.notices.models import Notice
from qlvb.org.models import Agency, Person, Position, Unit

AGENCY_CODE = "000.00.15.H51"


def load(agency_code: str = AGENCY_CODE) -> int:
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None or Notice.objects.filter(agency=agency).exists():
        return 0
    people = {p.username: p for p in Person.objects.filter(agency=agency)}
    units = {u.abbreviation: u for u in Unit.objects.filter(agency=agency)}
    cvp, tp_cntt, cntt = people.get("stttt.chanhvp"), people.get("stttt.tp.cntt"), units.get("CNTT")
    if cvp is None or tp_cntt is None or cntt is None:
        return 0
    today = timezone.localdate()
    tet = services.publish(
        by=Actor(cvp), agency=agency, title="Thông báo lịch nghỉ Tết Nguyên đán Đinh Mùi 2027", to_everyone=True,
        pinned=True, expires_on=today + timedelta(days=90),
        body="Thực hiện thông báo của Ủy ban nhân dân tỉnh, cán bộ, công chức, viên chức Sở nghỉ Tết Nguyên đán "
             "từ thứ Năm ngày 04/02/2027 đến hết thứ Tư ngày 10/02/2027.\nCác phòng, đơn vị bố trí lịch trực, "
             "gửi về Văn phòng trước ngày 25/01/2027.")
    heads = Position.objects.filter(agency=agency, kind=Position.Kind.UNIT_HEAD)
    services.publish(by=Actor(cvp), agency=agency, title="Đề nghị các phòng gửi báo cáo kết quả công tác năm",
                     positions=list(heads), expires_on=today + timedelta(days=30),
                     body="Đề nghị Trưởng các phòng, đơn vị gửi báo cáo kết quả công tác năm về Văn phòng "
                          "trước ngày 15/12 để tổng hợp.")
    services.publish(by=Actor(tp_cntt), agency=agency, title="Họp Phòng Công nghệ thông tin chiều thứ Sáu",
                     units=[cntt], expires_on=today + timedelta(days=7),
                     body="14h00 thứ Sáu, tại phòng làm việc của Phòng: rà soát tiến độ các nhiệm vụ chuyển đổi số.")
    for username in ("stttt.giamdoc", "stttt.tp.cntt", "stttt.tp.bcvt"):
        if username in people:
            services.mark_read(by=Actor(people[username]), notice=tet)
    return 3
