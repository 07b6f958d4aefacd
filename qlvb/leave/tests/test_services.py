from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from conftest import make_person
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.leave import selectors, services
from qlvb.leave.models import CarryOver, LeaveRequest, Rules, ServiceStart
from qlvb.leave.tests.conftest import MONDAY, TODAY, delegate
from qlvb.org import services as org_services
from qlvb.org.models import Position

pytestmark = pytest.mark.django_db
S = LeaveRequest.Step


def ask(person, start=MONDAY, end=None, kind="annual", **extra):
    return services.request_leave(by=Actor(person), kind=kind, start=start, end=end or start, reason="Việc gia đình",
                                  today=extra.pop("today", TODAY), **extra)


def test_days_are_working_days_with_halves(org):
    a = org.agency.pk
    assert services.count_days(a, MONDAY, MONDAY) == 1
    assert services.count_days(a, MONDAY, MONDAY, end_morning=True) == Decimal("0.5")
    assert services.count_days(a, MONDAY, MONDAY + timedelta(days=6)) == 5  # Saturday and Sunday not counted
    assert services.count_days(a, MONDAY, MONDAY + timedelta(days=1), start_afternoon=True, end_morning=True) == 1
    # Lunar New Year 2027: its days off do not count
    assert services.count_days(a, date(2027, 2, 8), date(2027, 2, 12)) < 5


@pytest.mark.parametrize(("who", "days", "step", "approver"), [
    ("specialist", "half", S.UNIT_HEAD, "unit_head"),
    ("specialist", "one", S.FIELD_LEADER, "deputy"),
    ("specialist", "two", S.DIRECTOR, "head"),
    ("unit_deputy", "half", S.UNIT_HEAD, "unit_head"),
    ("unit_deputy", "one", S.FIELD_LEADER, "deputy"),
    ("unit_deputy", "two", S.DIRECTOR, "head"),
    ("unit_head", "half", S.DIRECTOR, "head"),
    ("unit_head", "one", S.DIRECTOR, "head"),
    ("unit_head", "two", S.DIRECTOR, "head"),
    ("deputy", "half", S.DIRECTOR, "head"),
    ("deputy", "one", S.DIRECTOR, "head"),
    ("deputy", "two", S.DIRECTOR, "head"),
    ("head", "half", S.NONE, None),
    ("head", "one", S.NONE, None),
    ("head", "two", S.NONE, None),
])
def test_the_approval_chain_by_duration_and_role(org, field, who, days, step, approver):
    if who == "unit_deputy":
        person = make_person(org.agency, "stttt.ptp", "Lò Thị Thu")
        position = org_services.create_position(by=Actor(org.admin), agency=org.agency, name="Phó Trưởng phòng",
                                                kind=Position.Kind.UNIT_DEPUTY)
        org_services.assign_post(by=Actor(org.admin), person=person, unit=org.unit, position=position)
    else:
        person = getattr(org, who)
    end = MONDAY + timedelta(days=1) if days == "two" else MONDAY
    if who in ("unit_head", "deputy", "head"):
        delegate(org, person, MONDAY, end, to=org.specialist)
    leave = ask(person, MONDAY, end, end_morning=days == "half")
    assert leave.step == step
    assert leave.approver == (getattr(org, approver) if approver else None)
    assert leave.status == (LeaveRequest.Status.INFORMED if step == S.NONE else LeaveRequest.Status.PENDING)
    assert Event.objects.filter(target_id=str(leave.pk), verb__startswith="leave.").count() == 1


def test_the_agency_sets_its_own_thresholds(org, field):
    Rules.objects.create(agency=org.agency, unit_head_max_days=Decimal("1"), field_leader_max_days=Decimal("3"))
    assert ask(org.specialist).step == S.UNIT_HEAD
    assert ask(org.specialist, MONDAY + timedelta(days=1), MONDAY + timedelta(days=3)).step == S.FIELD_LEADER


def test_without_a_field_leader_a_day_goes_to_the_director(org):
    assert ask(org.specialist).approver == org.head


def test_a_leader_must_delegate_first(org):
    with pytest.raises(ValidationError) as error:
        ask(org.unit_head, MONDAY, MONDAY + timedelta(days=2))
    assert "delegation" in error.value.message_dict
    assert "ủy quyền" in error.value.message_dict["delegation"][0]
    assert not LeaveRequest.objects.exists()
    delegate(org, org.unit_head, MONDAY, MONDAY + timedelta(days=1))  # not the whole period
    with pytest.raises(ValidationError):
        ask(org.unit_head, MONDAY, MONDAY + timedelta(days=2))
    delegate(org, org.unit_head, MONDAY, MONDAY + timedelta(days=2))
    assert ask(org.unit_head, MONDAY, MONDAY + timedelta(days=2)).approver == org.head


@pytest.mark.parametrize(("start", "end", "field_name"), [
    (MONDAY, MONDAY - timedelta(days=1), "end"),
    (None, MONDAY, "start"),
    (date(2027, 3, 13), date(2027, 3, 14), "start"),  # a weekend: no working day
])
def test_bad_dates_are_refused(org, start, end, field_name):
    with pytest.raises(ValidationError) as error:
        services.request_leave(by=Actor(org.specialist), kind="annual", start=start, end=end, reason="x", today=TODAY)
    assert field_name in error.value.message_dict
    assert not LeaveRequest.objects.exists()


def test_notice_of_three_days_unless_an_emergency(org):
    with pytest.raises(ValidationError) as error:
        ask(org.specialist, TODAY + timedelta(days=2))
    assert "3 ngày" in error.value.message_dict["start"][0]
    with pytest.raises(ValidationError) as error:
        ask(org.specialist, TODAY + timedelta(days=2), emergency=True)
    assert "emergency_reason" in error.value.message_dict
    assert ask(org.specialist, TODAY + timedelta(days=3)).pk
    # an emergency entered afterwards, with its reason; sick leave needs no notice
    assert ask(org.specialist, TODAY - timedelta(days=4), emergency=True, emergency_reason="Con ốm, đã gọi điện").pk
    assert ask(org.specialist, TODAY + timedelta(days=1), kind="sick").pk
    with pytest.raises(ValidationError):  # past leave only as an emergency
        ask(org.specialist, TODAY - timedelta(days=7), kind="sick")


def test_overlap_with_a_request_in_force(org):
    first = ask(org.specialist, MONDAY, MONDAY + timedelta(days=2))
    with pytest.raises(ValidationError) as error:
        ask(org.specialist, MONDAY + timedelta(days=2), MONDAY + timedelta(days=4), kind="personal")
    assert "08/03/2027" in error.value.message_dict["start"][0]
    services.cancel(by=Actor(org.specialist), leave=first, today=TODAY)
    assert ask(org.specialist, MONDAY + timedelta(days=2), MONDAY + timedelta(days=4), kind="personal").pk


def test_the_balance_limits_annual_leave(org):
    ServiceStart.objects.create(person=org.specialist, started_on=date(2016, 6, 1))  # 10 years at 1/1/2027
    b = selectors.balance(org.specialist, 2027)
    assert (b.entitlement, b.available) == (Decimal(14), Decimal(14))
    first = ask(org.specialist, MONDAY, MONDAY + timedelta(days=11))  # 10 working days
    assert selectors.balance(org.specialist, 2027).pending == 10
    with pytest.raises(ValidationError) as error:
        ask(org.specialist, date(2027, 4, 5), date(2027, 4, 9))  # 5 more: 4 are left
    assert "4" in error.value.message_dict["end"][0]
    ask(org.specialist, date(2027, 4, 5), date(2027, 4, 9), kind="unpaid")  # other kinds do not count
    services.approve(by=Actor(first.approver), leave=first)
    b = selectors.balance(org.specialist, 2027)
    assert (b.taken, b.pending, b.remaining) == (Decimal(10), Decimal(0), Decimal(4))


def test_entitlement_by_seniority():
    assert selectors.years_of_service(date(2022, 1, 1), 2027) == 5
    assert selectors.years_of_service(date(2022, 1, 2), 2027) == 4
    assert selectors.years_of_service(None, 2027) == 0


def test_approve_refuse_cancel_and_who_may(org, field):
    leave = ask(org.specialist)
    with pytest.raises(NotAllowed):
        services.approve(by=Actor(org.head), leave=leave)
    with pytest.raises(ValidationError):
        services.refuse(by=Actor(org.deputy), leave=leave, note=" ")
    services.refuse(by=Actor(org.deputy), leave=leave, note="Phòng đang cao điểm")
    leave.refresh_from_db()
    assert (leave.status, leave.decided_by, leave.decision_note) == ("refused", org.deputy, "Phòng đang cao điểm")
    with pytest.raises(ValidationError):
        services.approve(by=Actor(org.deputy), leave=leave)
    again = ask(org.specialist)  # a refused request does not block the same days
    with pytest.raises(NotAllowed):
        services.cancel(by=Actor(org.deputy), leave=again, today=TODAY)
    services.approve(by=Actor(org.deputy), leave=again)
    services.cancel(by=Actor(org.specialist), leave=again, today=TODAY)
    verbs = list(Event.objects.filter(verb__startswith="leave.").order_by("seq").values_list("verb", flat=True))
    assert verbs == ["leave.requested", "leave.refused", "leave.requested", "leave.approved", "leave.cancelled"]


def test_carry_over_across_years(org, chief):
    ServiceStart.objects.create(person=org.specialist, started_on=date(2020, 1, 1))
    services.carry_over(by=Actor(chief), person=org.specialist, from_year=2026, days=Decimal("5"))
    b27 = selectors.balance(org.specialist, 2027)
    assert (b27.entitlement, b27.carried, b27.available) == (Decimal(13), Decimal(5), Decimal(18))
    # 2027: 10 days taken of 18; 8 unused carried into 2028 (agreed by the director)
    leave = ask(org.specialist, MONDAY, MONDAY + timedelta(days=11))
    services.approve(by=Actor(org.head), leave=leave)
    with pytest.raises(ValidationError):  # more than is left
        services.carry_over(by=Actor(org.head), person=org.specialist, from_year=2027, days=Decimal("9"))
    services.carry_over(by=Actor(org.head), person=org.specialist, from_year=2027, days=Decimal("8"))
    assert selectors.balance(org.specialist, 2028).available == 13 + 8
    with pytest.raises(ValidationError):  # once a year
        services.carry_over(by=Actor(org.head), person=org.specialist, from_year=2027, days=Decimal("1"))
    with pytest.raises(NotAllowed):  # not a colleague
        services.carry_over(by=Actor(org.unit_head), person=org.specialist, from_year=2028, days=Decimal("1"))
    assert CarryOver.objects.count() == 2
    assert Event.objects.filter(verb="leave.carried_over").count() == 2


def test_carry_over_limit(org, chief):
    Rules.objects.create(agency=org.agency, carry_years=2)
    with pytest.raises(ValidationError) as error:
        services.carry_over(by=Actor(chief), person=org.specialist, from_year=2026, days=Decimal("12.5"))
    assert "12" in str(error.value)


def test_overtime_declared(org):
    row = services.declare_overtime(by=Actor(org.specialist), day=date(2027, 3, 6), hours=Decimal("4"),
                                    work="Trực hệ thống", today=TODAY)
    assert row.weekend
    with pytest.raises(ValidationError):
        services.declare_overtime(by=Actor(org.specialist), day=None, hours=Decimal("30"), work="", today=TODAY)
    assert list(selectors.overtime(org.agency.pk, 2027, 3)) == [row]


def test_absent_labels_without_the_reason(org, field):
    leave = ask(org.specialist, kind="sick")
    assert selectors.absent([org.specialist.pk], MONDAY, MONDAY) == {}
    services.approve(by=Actor(org.deputy), leave=leave)
    from qlvb.core import absences

    assert absences.absent([org.specialist.pk, org.clerk.pk], MONDAY) == {org.specialist.pk: "Nghỉ phép đến 08/03/2027"}
