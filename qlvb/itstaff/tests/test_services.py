from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.itstaff import selectors, services
from qlvb.itstaff.models import Incident, Report, Staff
from qlvb.itstaff.tests.conftest import deadline, staff_values
from qlvb.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_office_registers_its_it_staff_and_the_standard_is_checked(department, other_org):
    snv = other_org
    staff = services.register_staff(by=Actor(snv.clerk), agency=snv.agency, person=snv.specialist,
                                    **staff_values())
    assert staff.meets_standard and staff.post_title == "Chuyên viên, Phòng Công nghệ thông tin"
    assert Event.objects.filter(verb="itstaff.staff_registered", target_id=str(staff.pk)).exists()
    row = selectors.registry(department.specialist, snv.agency)
    # No decision linked yet (004 Đ10.2.a): flagged for that alone.
    assert row.reasons == ["Chưa gắn quyết định phân công (Đ10.2.a)."]
    services.register_staff(by=Actor(snv.head), agency=snv.agency, person=snv.unit_head,
                            **staff_values(degree="college", field_of_study="Kế toán", field_is_it=False))
    reasons = selectors.registry(department.specialist, snv.agency).reasons
    assert "Nguyễn Văn Bình: không có bằng đại học, ngành không phải CNTT (Đ4)." in reasons


def test_an_agency_without_it_staff_is_flagged(department, other_org):
    rows = {r.agency.pk: r for r in selectors.department_view(department.specialist)}
    assert rows[other_org.agency.pk].reasons == ["Chưa đăng ký cán bộ chuyên trách CNTT (Đ5)."]


def test_bad_staff_input_saves_nothing(department, other_org):
    with pytest.raises(ValidationError) as error:
        services.register_staff(by=Actor(other_org.clerk), agency=other_org.agency, person=department.specialist,
                                **staff_values(field_of_study=""))
    assert "Nhập ngành đào tạo." in error.value.message_dict["field_of_study"]
    assert "Chọn người của cơ quan." in error.value.message_dict["person"]
    assert not Staff.objects.exists() and not Event.objects.filter(verb__startswith="itstaff.").exists()


def test_only_the_leaders_and_office_manage(department, other_org):
    with pytest.raises(NotAllowed):
        services.register_staff(by=Actor(other_org.specialist), agency=other_org.agency,
                                person=other_org.specialist, **staff_values())
    with pytest.raises(NotAllowed):  # the Department sees, but does not write another's registry
        services.register_staff(by=Actor(department.head), agency=other_org.agency, person=other_org.specialist,
                                **staff_values())


def test_certificates_and_meetings(department, other_org):
    staff = services.register_staff(by=Actor(other_org.clerk), agency=other_org.agency, person=other_org.specialist,
                                    **staff_values())
    today = timezone.localdate()
    services.add_certificate(by=Actor(other_org.clerk), staff=staff, name="CCNA", issued_on=today - timedelta(400))
    services.add_training(by=Actor(other_org.clerk), staff=staff, kind="meeting", title="Giao ban CNTT 6 tháng",
                          held_on=today - timedelta(10), attended=False)
    with pytest.raises(ValidationError):
        services.add_certificate(by=Actor(other_org.clerk), staff=staff, name="MCSA", issued_on=None)
    row = {r.agency.pk: r for r in selectors.department_view(department.head)}[other_org.agency.pk]
    assert row.meetings_missed == 1 and [c.name for c in row.staff[0].certificates.all()] == ["CCNA"]


def _template(department):
    return services.publish_template(by=Actor(department.head), title="Báo cáo ứng dụng CNTT 6 tháng đầu năm",
                                     period="h1", year=timezone.localdate().year, deadline=deadline(),
                                     sections=["Hạ tầng kỹ thuật", "Ứng dụng CNTT", "Khó khăn, kiến nghị"])


def test_report_states(department, other_org, django_capture_on_commit_callbacks):
    template = _template(department)
    by = Actor(other_org.clerk)
    report = services.save_report(by=by, template=template, agency=other_org.agency, answers={"s1": "Đủ máy"})
    assert report.status == Report.Status.DRAFT
    with pytest.raises(ValidationError) as error:  # every section must be filled
        services.submit_report(by=by, report=report)
    assert "Ứng dụng CNTT" in error.value.messages[0]
    report = services.save_report(by=by, template=template, agency=other_org.agency,
                                  answers={"s1": "Đủ máy", "s2": "Dùng QLVB", "s3": "Không"})
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_report(by=by, report=report)
    assert report.status == Report.Status.SUBMITTED and not report.late
    assert Notification.objects.filter(person=department.head, kind="informed", target_id=str(report.pk)).exists()
    with pytest.raises(ValidationError):  # submitted: no longer changed
        services.save_report(by=by, template=template, agency=other_org.agency, answers={"s1": "x"})
    with pytest.raises(NotAllowed):  # the agency does not accept its own report
        services.accept_report(by=by, report=report)
    with pytest.raises(ValidationError) as error:
        services.return_report(by=Actor(department.head), report=report, reason=" ")
    assert error.value.messages == ["Nêu nội dung cần bổ sung."]
    with django_capture_on_commit_callbacks(execute=True):
        services.return_report(by=Actor(department.head), report=report, reason="Bổ sung số liệu máy chủ")
    assert Notification.objects.filter(person=other_org.clerk, kind="returned").exists()
    assert report.status == Report.Status.RETURNED
    report = services.save_report(by=by, template=template, agency=other_org.agency,
                                  answers={"s1": "Đủ máy, 2 máy chủ", "s2": "Dùng QLVB", "s3": "Không"})
    services.submit_report(by=by, report=report)
    assert report.status == Report.Status.SUBMITTED and report.resubmitted_at is not None
    services.accept_report(by=Actor(department.head), report=report)
    assert report.status == Report.Status.ACCEPTED
    verbs = list(Event.objects.filter(target_type="itstaff.report").values_list("verb", flat=True).order_by("id"))
    assert verbs == ["itstaff.report_saved", "itstaff.report_saved", "itstaff.report_submitted",
                     "itstaff.report_returned", "itstaff.report_saved", "itstaff.report_resubmitted",
                     "itstaff.report_accepted"]


def test_only_the_department_publishes(department, other_org):
    with pytest.raises(NotAllowed):
        services.publish_template(by=Actor(other_org.head), title="x", period="h1", year=2026, deadline=deadline(),
                                  sections=["a"])


def test_compiled_round_late_and_missing(department, other_org):
    template = _template(department)
    today = timezone.localdate()
    rows = {r.agency.pk: r for r in selectors.compiled(department.specialist, template)}
    assert rows[other_org.agency.pk].state == "missing" and not rows[other_org.agency.pk].late
    late = {r.agency.pk: r for r in selectors.compiled(department.specialist, template,
                                                        today=template.deadline + timedelta(1))}
    assert late[other_org.agency.pk].late
    report = services.save_report(by=Actor(other_org.clerk), template=template, agency=other_org.agency,
                                  answers={"s1": "a", "s2": "b", "s3": "c"})
    services.submit_report(by=Actor(other_org.clerk), report=report)
    Report.objects.filter(pk=report.pk).update(submitted_at=timezone.now() + timedelta(days=30))
    rows = {r.agency.pk: r for r in selectors.compiled(department.specialist, template, today=today)}
    assert rows[other_org.agency.pk].state == "submitted" and rows[other_org.agency.pk].late
    assert selectors.compiled_xlsx(list(rows.values()), template)[:2] == b"PK"


def test_reminders_near_the_deadline(department, other_org, django_capture_on_commit_callbacks):
    from qlvb.core import workdays

    template = _template(department)
    today = timezone.localdate()
    while not workdays.is_working_day(today, department.agency):
        today += timedelta(1)
    template.deadline = workdays.add_working_days(today, 3, department.agency)
    template.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_reports(today) == 2  # both agencies: nothing submitted yet
    told = set(Notification.objects.filter(kind="due_soon").values_list("person_id", flat=True))
    assert other_org.clerk.pk in told and other_org.head.pk in told and other_org.specialist.pk not in told
    assert services.remind_reports(today + timedelta(1)) == 0  # only on the day three before (and once late)


def test_an_incident_without_a_time_is_refused(department, other_org):
    with pytest.raises(ValidationError) as error:
        services.report_incident(by=Actor(other_org.clerk), agency=other_org.agency, kind="wan",
                                 title="Mất kết nối mạng WAN", occurred_at=None)
    assert error.value.message_dict["occurred_at"] == ["Nhập thời điểm xảy ra sự cố."]
    assert not Incident.objects.exists() and not Event.objects.filter(verb__startswith="itstaff.").exists()
    with pytest.raises(ValidationError) as slip:  # 0026 typed for 2026
        services.report_incident(by=Actor(other_org.clerk), agency=other_org.agency, kind="wan",
                                 title="Mất kết nối mạng WAN", occurred_at=timezone.now().replace(year=26))
    assert slip.value.message_dict["occurred_at"] == [
        "Thời điểm xảy ra sự cố quá xa trong quá khứ: nhập năm từ 2000 trở đi."]
    assert not Incident.objects.exists()


def test_an_incident_tells_the_department_at_once(department, other_org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        incident = services.report_incident(by=Actor(other_org.clerk), agency=other_org.agency, kind="wan",
                                            title="Mất kết nối mạng WAN",
                                            occurred_at=timezone.now() - timedelta(hours=1),
                                            impact="Không gửi nhận được văn bản")
    told = set(Notification.objects.filter(target_id=str(incident.pk)).values_list("person_id", flat=True))
    assert {department.head.pk, department.deputy.pk, department.clerk.pk} <= told
    assert other_org.clerk.pk not in told
    with pytest.raises(ValidationError):
        services.close_incident(by=Actor(other_org.clerk), incident=incident, handling="")
    services.close_incident(by=Actor(other_org.clerk), incident=incident, handling="Thay bộ chuyển mạch")
    start = timezone.now() - timedelta(days=1)
    stats = selectors.incident_stats(department.specialist, start, timezone.now() + timedelta(1))
    assert stats.by_agency == [(other_org.agency.name, {"wan": 1}, 1)] and stats.total == 1
