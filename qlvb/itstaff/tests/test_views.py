from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import build_org
from qlvb.core import personcache
from qlvb.core.actor import Actor
from qlvb.itstaff import services
from qlvb.itstaff.models import Incident, Staff
from qlvb.itstaff.tests.conftest import deadline, staff_values
from qlvb.notices.tests.conftest import issued

pytestmark = pytest.mark.django_db


def _incident(org):
    return services.report_incident(by=Actor(org.clerk), agency=org.agency, kind="server",
                                    title="Máy chủ thư điện tử dừng",
                                    occurred_at=timezone.now() - timedelta(hours=3))


def test_the_department_sees_every_agency_flagged(department, other_org, login):
    services.register_staff(by=Actor(other_org.clerk), agency=other_org.agency, person=other_org.specialist,
                            **staff_values(degree="college"))
    page = login(department.specialist).get(reverse("itstaff:home"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Sở Nội vụ tỉnh Sơn La" in text and "không có bằng đại học" in text and "Chưa đạt tiêu chuẩn" in text


def test_anyone_else_gets_404(department, other_org, login, root):
    staff = services.register_staff(by=Actor(other_org.clerk), agency=other_org.agency, person=other_org.specialist,
                                    **staff_values())
    incident = _incident(other_org)
    third = build_org(root, "000.00.05.H51", "STC", "Sở Tài chính tỉnh Sơn La")
    for person in (other_org.specialist, third.clerk, third.head):
        client = login(person)
        for url in (reverse("itstaff:staff", args=[staff.pk]), reverse("itstaff:agency", args=[other_org.agency.pk]),
                    reverse("itstaff:incident", args=[incident.pk])):
            assert client.get(url).status_code == 404, (person, url)
    assert login(other_org.specialist).get(reverse("itstaff:home")).status_code == 404
    # The Department's people see, but may not change another agency's registry.
    client = login(department.head)
    assert client.get(reverse("itstaff:staff", args=[staff.pk])).status_code == 200
    assert client.post(reverse("itstaff:staff", args=[staff.pk]), {"action": "end"}).status_code == 404
    assert Staff.objects.get(pk=staff.pk).ended_on is None


def test_the_decision_is_shown_only_to_who_may_open_it(department, other_org, login):
    decision = issued(other_org, other_org.clerk, "Quyết định phân công cán bộ chuyên trách CNTT")
    staff = services.register_staff(by=Actor(other_org.clerk), agency=other_org.agency, person=other_org.specialist,
                                    decision=("outgoing", decision.pk), **staff_values())
    url = reverse("itstaff:staff", args=[staff.pk])
    assert "Quyết định phân công cán bộ" in login(other_org.clerk).get(url).content.decode()
    text = login(department.specialist).get(url).content.decode()
    assert "Quyết định phân công cán bộ" not in text and "Đã gắn (bạn không có quyền mở)" in text


def test_register_write_and_submit_through_the_pages(department, other_org, login):
    client = login(other_org.clerk)
    response = client.post(reverse("itstaff:staff_new"), {"person": other_org.specialist.pk, "degree": "university",
                                                          "field_of_study": "Tin học", "field_is_it": "on",
                                                          "full_time_study": "on"})
    assert response.status_code == 302
    template = services.publish_template(by=Actor(department.head), title="Báo cáo CNTT năm", period="year",
                                         year=2026, deadline=deadline(), sections=["Hạ tầng", "Ứng dụng"])
    response = client.post(reverse("itstaff:write", args=[template.pk]), {"s1": "Tốt", "s2": "", "submit": "1"})
    assert "Cần điền đủ các mục trước khi gửi: Ứng dụng." in response.content.decode()
    response = client.post(reverse("itstaff:write", args=[template.pk]), {"s1": "Tốt", "s2": "Tốt", "submit": "1"})
    assert response.status_code == 302
    table = login(department.specialist).get(reverse("itstaff:round", args=[template.pk]))
    assert 'data-state="submitted"' in table.content.decode()
    xlsx = login(department.specialist).get(reverse("itstaff:round", args=[template.pk]) + "?format=xlsx")
    assert xlsx.content[:2] == b"PK"


def test_an_incident_without_time_on_the_page(department, other_org, login):
    response = login(other_org.clerk).post(reverse("itstaff:incident_new"), {"kind": "wan", "title": "Mất WAN"})
    assert response.status_code == 200 and "Nhập thời điểm xảy ra sự cố." in response.content.decode()
    assert not Incident.objects.exists()


def test_the_department_view_is_flat_in_the_number_of_agencies(department, other_org, login,
                                                               django_assert_max_num_queries, root):
    def fill(org):
        services.register_staff(by=Actor(org.clerk), agency=org.agency, person=org.specialist, **staff_values())
        _incident(org)

    fill(other_org)
    client = login(department.specialist)
    personcache.bump()  # measured as after an event: nothing kept
    with django_assert_max_num_queries(40) as few:
        assert client.get(reverse("itstaff:home")).status_code == 200
    for i in range(4):
        fill(build_org(root, f"000.00.{20 + i}.H51", f"S{i}X", f"Sở thứ {i} tỉnh Sơn La"))
    personcache.bump()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("itstaff:home")).status_code == 200


def test_the_department_sees_which_agencies_have_not_sent_a_report_past_its_deadline(department, other_org,
                                                                                      login):
    template = services.publish_template(by=Actor(department.head), title="Báo cáo ứng dụng CNTT năm",
                                         period="year", year=timezone.localdate().year, deadline=deadline(),
                                         sections=["Hạ tầng kỹ thuật"])
    report = services.save_report(by=Actor(department.clerk), template=template, agency=department.agency,
                                  answers={"s1": "Đủ máy chủ"})
    services.submit_report(by=Actor(department.clerk), report=report)
    client = login(department.specialist)

    def overdue():
        """{agency id: reports overdue} as the page shows them, one list item per agency."""
        text = client.get(reverse("itstaff:home")).content.decode()
        found = {}
        for item in text.split('data-agency="')[1:]:
            agency, body = item.split('"', 1)
            shown = re.search(r'data-overdue="(\d+)">([^<]*)<', body.split("</a>", 1)[0])
            if shown:
                found[int(agency)] = (int(shown.group(1)), shown.group(2))
        return found

    assert overdue() == {}
    type(template).objects.filter(pk=template.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    assert overdue()[other_org.agency.pk] == (1, "1 báo cáo quá hạn chưa gửi")
    assert department.agency.pk not in overdue()
    rows = {row["agency"]["id"]: row for row in client.get("/api/v1/itstaff/department/").json()}
    assert rows[other_org.agency.pk]["reports_overdue"] == 1 and rows[department.agency.pk]["reports_overdue"] == 0
