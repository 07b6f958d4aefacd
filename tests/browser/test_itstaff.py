"""IT staff (R27, seed 004) in a real browser: the office of Sở Nội vụ registers its IT staff and
reports a WAN outage through the pages; the Department (Sở TT&TT) sees every agency, the one
without IT staff flagged, on a desktop and a phone. Screenshots of each step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qlvb.core.models import Parameter
from qlvb.itstaff.models import Incident, Staff
from qlvb.itstaff.rules import PARAMETER

from .helpers import path_of, sign_in

pytestmark = pytest.mark.browser


def test_the_departments_it_view(org, other_org, session, shot):
    Parameter.objects.update_or_create(name=PARAMETER, defaults={"value": org.agency.pk})
    office = session.new_page()
    sign_in(office, other_org.clerk)
    office.goto("/itstaff/")
    assert path_of(office) == f"/itstaff/agency/{other_org.agency.pk}/"
    with office.expect_navigation():
        office.click("#new-staff")
    office.select_option("#id_person", str(other_org.specialist.pk))
    office.select_option("#id_degree", "university")
    office.fill("#id_field_of_study", "Công nghệ thông tin")
    office.check("#id_field_is_it")
    office.check("#id_full_time_study")
    with office.expect_navigation():
        office.click("#itstaff-form button.btn-primary")
    staff = Staff.objects.get()
    assert path_of(office) == f"/itstaff/staff/{staff.pk}/"
    office.fill("#id_c-name", "CCNA")
    office.fill("#id_c-issued_on", "02/05/2024")
    with office.expect_navigation():
        office.click("#certificate-form button")
    assert "CCNA" in office.inner_text("#certificates")
    shot(office, "staff-desktop")

    office.goto("/itstaff/incidents/new/")
    office.select_option("#id_kind", "wan")
    office.fill("#id_title", "Mất kết nối mạng WAN tới Trung tâm dữ liệu tỉnh")
    with office.expect_navigation():
        office.click("#itstaff-form button.btn-primary")
    assert "Nhập thời điểm xảy ra sự cố." in office.inner_text("#itstaff-form")  # refused, nothing saved
    assert not Incident.objects.exists()
    when = timezone.localtime(timezone.now() - timedelta(hours=2))
    office.fill("#id_occurred_at", when.strftime("%d/%m/%Y %H:%M"))
    office.fill("#id_impact", "Không gửi, nhận được văn bản liên thông")
    with office.expect_navigation():
        office.click("#itstaff-form button.btn-primary")
    assert Incident.objects.count() == 1

    for phone in (False, True):
        department = session.new_page(phone=phone)
        sign_in(department, org.specialist)
        department.goto("/itstaff/")
        view = department.locator("#department-view")
        snv = view.locator(f"[data-agency='{other_org.agency.pk}']")
        stttt = view.locator(f"[data-agency='{org.agency.pk}']")
        assert "1 sự cố" in snv.inner_text() and "Chưa gắn quyết định phân công" in snv.inner_text()
        assert stttt.get_attribute("data-flagged") == "1"
        assert "Chưa đăng ký cán bộ chuyên trách CNTT" in stttt.inner_text()
        shot(department, "department-phone" if phone else "department-desktop")
