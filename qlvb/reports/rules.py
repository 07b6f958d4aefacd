"""Who may do what with a periodic report (001 Đ15).

- A unit's report is written and sent by the unit's head or deputy head (Đ7: "tổng hợp báo cáo
  kết quả công tác của phòng"; Đ15.3), to the director and the deputy in charge of the unit's
  fields (Đ4.1.1: the deputy "trực tiếp chỉ đạo và theo dõi hoạt động của một số phòng").
- A deputy director writes his weekly report on the fields he is in charge of and sends it to the
  director (Đ15.2).
- Once sent, it is read by the leaders of the agency (director and deputies: R29, they see all
  its work), the office's heads (Đ15.1: the office prepares the director's reports from them),
  the unit's own people for a unit's report (Đ15.3: the head "thông tin các hoạt động cho Phó
  Trưởng phòng hoặc toàn thể công chức … trong phòng"), and for a deputy's report the heads of the
  units of his fields (Đ15.2: "đồng thời thông tin cho Trưởng và Phó trưởng các phòng … do mình
  phụ trách"). A draft is seen by those who may edit it only. Everyone else: 404."""

from __future__ import annotations

from django.db.models import Q

from qlvb.org.models import Field, Person, Position, Post, Unit
from qlvb.org.roles import roles_of
from qlvb.reports.models import PeriodicReport, Recipient


def editable_units(person: Person) -> list[Unit]:
    """The units whose reports the person writes: those he heads or is deputy head of (not the
    leadership unit: the director reports up, outside this system)."""
    headed = sorted(roles_of(person).headed_unit_ids)
    if not headed:
        return []
    return list(Unit.objects.filter(pk__in=headed, deleted_at__isnull=True)
                .exclude(kind=Unit.Kind.LEADERSHIP).order_by("agency_id", "order", "name"))


def deputy_fields(person: Person) -> list[Field]:
    """The fields a deputy director is in charge of (empty for anyone else)."""
    roles = roles_of(person)
    if Position.Kind.AGENCY_DEPUTY not in roles.kinds:
        return []
    deputy_agencies = set(Post.objects.filter(person=person, end_date__isnull=True,
                                              position__kind=Position.Kind.AGENCY_DEPUTY)
                          .values_list("agency_id", flat=True))
    return list(Field.objects.filter(leader=person, agency_id__in=sorted(deputy_agencies)).order_by("name"))


def office_head_agency_ids(person: Person) -> set[int]:
    """Agencies whose office the person heads (or is deputy head of)."""
    headed = sorted(roles_of(person).headed_unit_ids)
    if not headed:
        return set()
    return set(Unit.objects.filter(pk__in=headed, kind=Unit.Kind.OFFICE).values_list("agency_id", flat=True))


def overseer_agency_ids(person: Person) -> set[int]:
    """Agencies whose sent reports the person reads as a whole: its leaders and office heads."""
    return set(roles_of(person).leader_agency_ids) | office_head_agency_ids(person)


def may_edit(person: Person, report: PeriodicReport) -> bool:
    if report.scope == PeriodicReport.Scope.FIELDS:
        return report.author_id == person.pk
    return report.unit_id in roles_of(person).headed_unit_ids and report.unit_id in {u.pk for u in
                                                                                   editable_units(person)}


def may_read(person: Person, report: PeriodicReport) -> bool:
    if may_edit(person, report):
        return True
    if report.status != PeriodicReport.Status.SENT:
        return False
    if report.agency_id in overseer_agency_ids(person):
        return True
    if Recipient.objects.filter(report=report, person=person).exists():
        return True
    roles = roles_of(person)
    if report.scope == PeriodicReport.Scope.UNIT:
        return report.unit_id in roles.unit_ids
    headed = sorted(roles.headed_unit_ids)
    return bool(headed) and Unit.objects.filter(pk__in=headed, fields__in=report.fields.all()).exists()


def readable(person: Person) -> Q:
    """The reports the person may open, as one filter (the same rule as may_read)."""
    roles = roles_of(person)
    mine = Q(scope=PeriodicReport.Scope.FIELDS, author_id=person.pk)
    units = [u.pk for u in editable_units(person)]
    if units:
        mine |= Q(scope=PeriodicReport.Scope.UNIT, unit_id__in=units)
    sent = Q(agency_id__in=sorted(overseer_agency_ids(person))) | Q(recipients__person_id=person.pk)
    if roles.unit_ids:
        sent |= Q(scope=PeriodicReport.Scope.UNIT, unit_id__in=sorted(roles.unit_ids))
    if roles.headed_unit_ids:
        sent |= Q(scope=PeriodicReport.Scope.FIELDS, fields__units__in=sorted(roles.headed_unit_ids))
    return mine | (Q(status=PeriodicReport.Status.SENT) & sent)
