"""Leave in a real browser, desktop and phone: a specialist of Phòng CNTT asks for one day of
annual leave; the Phó Giám đốc in charge approves it; the Chánh Văn phòng sees it in the leave
register. Screenshots in test-artifacts/ to look at."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qlvb.core import workdays
from qlvb.leave.models import LeaveRequest
from qlvb.org.models import Field
from tests.browser.conftest import Session
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session(browser, live_server, request):
    opened = Session(browser, live_server.url, request.node.name)
    yield opened
    opened.close()
    assert not opened.problems, opened.problems


def test_a_day_of_leave_asked_approved_and_registered(org, session):
    from conftest import make_person
    from qlvb.core.actor import Actor
    from qlvb.org import services as org_services
    from qlvb.org.models import Position

    chief = make_person(org.agency, "stttt.cvp", "Hoàng Văn Tuấn")
    position = org_services.create_position(by=Actor(org.admin), agency=org.agency, name="Chánh Văn phòng",
                                            kind=Position.Kind.UNIT_HEAD)
    org_services.assign_post(by=Actor(org.admin), person=chief, unit=org.office, position=position)
    field = Field.objects.create(agency=org.agency, name="Công nghệ thông tin", leader=org.deputy)
    field.units.add(org.unit)
    day = workdays.add_working_days(timezone.localdate() + timedelta(days=7), 0)

    for phone in (False, True):
        staff = session.new_page(phone=phone)
        sign_in(staff, org.specialist)
        staff.goto("/leave/new/")
        assert "Phép năm" in staff.inner_text("#leave-balance")
        session.shot(staff, f"request-form-{'phone' if phone else 'desktop'}")
    staff.select_option("#id_kind", "annual")
    staff.fill("#id_start", day.strftime("%d/%m/%Y"))
    staff.fill("#id_end", day.strftime("%d/%m/%Y"))
    staff.fill("#id_reason", "Đưa con đi khám bệnh tại Bệnh viện Đa khoa tỉnh")
    with staff.expect_navigation():
        staff.click("#leave-form button.btn-primary")
    assert "Cầm Thị Lan" in staff.inner_text("#leave-detail")  # the deputy in charge: one day (001 Đ18.2)
    session.shot(staff, "request-sent-phone")

    deputy = session.new_page()
    sign_in(deputy, org.deputy)
    deputy.goto("/leave/approvals/")
    with deputy.expect_navigation():
        deputy.click("#leave-approvals a")
    with deputy.expect_navigation():
        deputy.click("#leave-decide button[value=approve]")
    assert LeaveRequest.objects.get().status == "approved"

    for phone in (False, True):
        office = session.new_page(phone=phone)
        sign_in(office, chief)
        office.goto(f"/leave/register/?year={day.year}")
        assert "Trần Thị Mai" in office.inner_text("#leave-register")
        session.shot(office, f"register-{'phone' if phone else 'desktop'}")


def test_the_colleague_named_on_the_form_finds_the_task_on_the_first_day(org, session, monkeypatch):
    """The specialist names a colleague on the request form; the deputy in charge approves; the
    clock passes the first day of the leave and the job runs: the colleague finds her task in his
    list, the task's timeline says who gave it to whom, and the request page what moved."""
    from datetime import datetime, time

    from conftest import make_person
    from qlvb.core.actor import Actor
    from qlvb.leave.tasks import run_covers
    from qlvb.org import services as org_services
    from qlvb.tasks import services as tasks
    from qlvb.tasks.models import Task
    from qlvb.tasks.services import Owner

    colleague = make_person(org.agency, "stttt.cv2", "Lường Văn Sơn")
    org_services.assign_post(by=Actor(org.admin), person=colleague, unit=org.unit, position=org.positions["cv"])
    field = Field.objects.create(agency=org.agency, name="Công nghệ thông tin", leader=org.deputy)
    field.units.add(org.unit)
    day = workdays.add_working_days(timezone.localdate() + timedelta(days=7), 0)
    task = tasks.assign(by=Actor(org.head), agency=org.agency, owner=Owner(person=org.specialist),
                        title="Cập nhật danh mục dịch vụ công trực tuyến", deadline=day + timedelta(days=20))

    staff = session.new_page()
    sign_in(staff, org.specialist)
    staff.goto("/leave/new/")
    staff.select_option("#id_kind", "annual")
    staff.fill("#id_start", day.strftime("%d/%m/%Y"))
    staff.fill("#id_end", day.strftime("%d/%m/%Y"))
    staff.fill("#id_reason", "Đưa con đi khám bệnh tại Bệnh viện Đa khoa tỉnh")
    staff.select_option("#id_cover", str(colleague.pk))
    session.shot(staff, "form-with-cover")
    with staff.expect_navigation():
        staff.click("#leave-form button.btn-primary")
    assert "Lường Văn Sơn" in staff.inner_text("#leave-cover")

    deputy = session.new_page()
    sign_in(deputy, org.deputy)
    deputy.goto("/leave/approvals/")
    with deputy.expect_navigation():
        deputy.click("#leave-approvals a")
    with deputy.expect_navigation():
        deputy.click("#leave-decide button[value=approve]")
    assert Task.objects.get(pk=task.pk).owner_person == org.specialist  # not before the first day

    first_day = datetime.combine(day, time(0, 5), tzinfo=timezone.get_current_timezone())
    monkeypatch.setattr(timezone, "now", lambda: first_day)
    assert run_covers.call_local() == (1, 0)  # the worker's job, at five past midnight

    for phone in (False, True):
        page = session.new_page(phone=phone)
        sign_in(page, colleague)
        page.goto("/tasks/")
        rows = page.locator("#task-cards" if phone else "#task-table")
        assert "Cập nhật danh mục dịch vụ công trực tuyến" in rows.inner_text()
        session.shot(page, f"colleague-tasks-{'phone' if phone else 'desktop'}")
    page.goto(f"/tasks/{task.pk}/")
    assert "Trần Thị Mai → Lường Văn Sơn" in page.inner_text("#timeline")
    session.shot(page, "task-timeline-phone")
    leave_url = staff.url
    sign_in(staff, org.specialist)  # a week later: her session has lapsed
    staff.goto(leave_url)
    assert "Cập nhật danh mục dịch vụ công trực tuyến" in staff.inner_text("#leave-cover-history")
    session.shot(staff, "request-with-cover-history")
