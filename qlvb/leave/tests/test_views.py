from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from conftest import make_person
from qlvb.core import personcache, workdays
from qlvb.core.actor import Actor
from qlvb.leave import services
from qlvb.leave.models import LeaveRequest
from qlvb.leave.tests.conftest import MONDAY, TODAY

pytestmark = pytest.mark.django_db


def ask(person, start=MONDAY, end=None, kind="annual"):
    return services.request_leave(by=Actor(person), kind=kind, start=start, end=end or start,
                                  reason="Đưa con đi khám bệnh", today=TODAY)


def test_the_form_sends_a_request_to_the_deputy_in_charge(org, field, login):
    client = login(org.specialist)
    page = client.get("/leave/new/")
    assert page.status_code == 200 and "Xin nghỉ" in page.content.decode()
    start = workdays.add_working_days(workdays.add_working_days(TODAY, 0) + timedelta(days=30), 0)
    day = start.strftime("%d/%m/%Y")
    response = client.post("/leave/new/", {"kind": "annual", "start": day, "end": day, "reason": "Việc gia đình"})
    assert response.status_code == 302
    leave = LeaveRequest.objects.get()
    assert leave.approver == org.deputy and leave.days == Decimal(1)
    # bad input: a Vietnamese message, nothing saved
    response = client.post("/leave/new/", {"kind": "annual", "start": day, "end": (start - timedelta(days=3))
                                           .strftime("%d/%m/%Y"), "reason": "x"})
    assert "không thể trước ngày bắt đầu" in response.content.decode()
    assert LeaveRequest.objects.count() == 1


def test_a_unit_head_is_told_to_delegate(org, login):
    client = login(org.unit_head)
    day = (TODAY + timedelta(days=400)).strftime("%d/%m/%Y")
    response = client.post("/leave/new/", {"kind": "unpaid", "start": day, "end": day, "reason": "Việc riêng"})
    assert response.status_code == 200 and "hãy ủy quyền" in response.content.decode()
    assert not LeaveRequest.objects.exists()


def test_only_the_person_the_approver_and_the_office_see_a_request(org, other_org, field, chief, login):
    leave = ask(org.specialist, kind="sick")
    for person in (org.specialist, org.deputy, chief, org.clerk):  # the clerk works in the office
        page = login(person).get(f"/leave/{leave.pk}/")
        assert page.status_code == 200 and "Đưa con đi khám bệnh" in page.content.decode()
    colleague = make_person(org.agency, "stttt.cv2", "Vì Văn Sơn")
    for person in (org.unit_head, org.head, colleague, other_org.clerk):
        assert login(person).get(f"/leave/{leave.pk}/").status_code == 404
    # the register: the office and the leaders; not a specialist
    assert login(org.specialist).get("/leave/register/").status_code == 404
    assert login(chief).get("/leave/register/").status_code == 200


def test_approve_refuse_and_cancel_through_the_pages(org, field, login):
    leave = ask(org.specialist)
    assert login(org.unit_head).post(f"/leave/{leave.pk}/decide/", {"action": "approve"}).status_code == 404
    deputy = login(org.deputy)
    assert "Nguyễn" not in deputy.get("/leave/approvals/").content.decode()
    assert "Trần Thị Mai" in deputy.get("/leave/approvals/").content.decode()
    deputy.post(f"/leave/{leave.pk}/decide/", {"action": "refuse", "note": ""})
    leave.refresh_from_db()
    assert leave.status == "pending"  # a refusal needs its reason
    deputy.post(f"/leave/{leave.pk}/decide/", {"action": "approve"})
    leave.refresh_from_db()
    assert leave.status == "approved"
    login(org.specialist).post(f"/leave/{leave.pk}/cancel/")
    leave.refresh_from_db()
    assert leave.status == "cancelled"


def test_the_register_and_its_files(org, field, chief, login):
    leave = ask(org.specialist)
    services.approve(by=Actor(org.deputy), leave=leave)
    client = login(chief)
    page = client.get("/leave/register/?year=2027&month=3").content.decode()
    assert "Trần Thị Mai" in page
    xlsx = client.get("/leave/register/?year=2027&format=xlsx")
    assert xlsx.status_code == 200
    import io

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert any(row[1] == "Trần Thị Mai" for row in sheet.iter_rows(values_only=True))
    pdf = client.get("/leave/register/?year=2027&month=3&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get("/leave/register/?year=abc").status_code == 404


def test_overtime_page(org, chief, login):
    client = login(org.specialist)
    today = workdays.add_working_days(TODAY, 0)
    assert client.get("/leave/overtime/").status_code == 200
    from django.utils import timezone

    day = timezone.localdate().strftime("%d/%m/%Y")
    assert client.post("/leave/overtime/", {"day": day, "hours": "3", "work": "Trực sự cố mạng WAN"}).status_code == 302
    assert "Trực sự cố mạng WAN" in login(chief).get("/leave/overtime/").content.decode()
    assert today


def test_carry_over_by_the_office(org, chief, login):
    client = login(chief)
    from django.utils import timezone

    last = timezone.localdate().year - 1
    assert client.get(f"/leave/people/{org.specialist.pk}/").status_code == 200
    client.post("/leave/carry-over/", {"person": org.specialist.pk, "from_year": last, "days": "4"})
    from qlvb.leave.models import CarryOver

    assert CarryOver.objects.get().days == 4
    assert login(org.unit_head).get(f"/leave/people/{org.specialist.pk}/").status_code == 404


def test_queries_of_the_lists_do_not_grow(org, field, chief, login, django_assert_max_num_queries):
    people = [make_person(org.agency, f"stttt.n{i}", f"Người {i}") for i in range(6)]
    from qlvb.org import services as org_services

    for person in people:
        org_services.assign_post(by=Actor(org.admin), person=person, unit=org.unit, position=org.positions["cv"])
    office = login(chief)

    def fill(persons, start):
        for person in persons:
            services.approve(by=Actor(org.deputy), leave=ask(person, start))

    fill(people[:1], MONDAY)
    counts = {}
    for url in ("/leave/register/?year=2027", "/leave/", "/leave/approvals/"):
        personcache.bump()
        with django_assert_max_num_queries(40) as counted:
            assert office.get(url).status_code == 200
        counts[url] = len(counted.captured_queries)
    fill(people[1:], MONDAY + timedelta(days=1))
    for url, before in counts.items():
        personcache.bump()
        with django_assert_max_num_queries(before):
            assert office.get(url).status_code == 200


def test_the_office_records_the_service_start(org, chief, login):
    from qlvb.leave.models import ServiceStart

    client = login(chief)
    client.post(f"/leave/people/{org.specialist.pk}/service-start/", {"started_on": "01/09/2012"})
    assert ServiceStart.objects.get(person=org.specialist).started_on.year == 2012
    assert "Ngày bắt đầu công tác" in client.get(f"/leave/people/{org.specialist.pk}/").content.decode()
    assert login(org.unit_head).post(f"/leave/people/{org.specialist.pk}/service-start/",
                                     {"started_on": "01/09/2010"}).status_code == 404
    client.post(f"/leave/people/{org.specialist.pk}/service-start/", {"started_on": "01/09/2099"})
    assert ServiceStart.objects.get(person=org.specialist).started_on.year == 2012
