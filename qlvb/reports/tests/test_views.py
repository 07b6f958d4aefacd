from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_person
from qlvb.core.actor import Actor
from qlvb.org import services as org_services
from qlvb.reports import services
from qlvb.reports.models import PeriodicReport, Recipient
from qlvb.reports.tests.conftest import monday, unit_report
from qlvb.tasks import services as tasks
from qlvb.tasks.services import Owner

pytestmark = pytest.mark.django_db


def _sent(org) -> PeriodicReport:
    report = unit_report(org)
    services.edit(by=Actor(org.unit_head), report=report, results="Hoàn thành kế hoạch tuần.")
    return services.send(by=Actor(org.unit_head), report=report)


def test_the_unit_head_creates_edits_and_sends_a_weekly_report(org, field, login):
    tasks.assign(by=Actor(org.head), agency=org.agency, owner=Owner(unit=org.unit),
                 title="Triển khai chữ ký số cho cán bộ", deadline=timezone.localdate() + timedelta(days=4))
    client = login(org.unit_head)
    page = client.get("/reports/new/")
    assert page.status_code == 200 and org.unit.name in page.content.decode()
    response = client.post("/reports/new/", {"whose": f"u:{org.unit.pk}", "kind": "week",
                                              "day": timezone.localdate().strftime("%d/%m/%Y")})
    report = PeriodicReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/edit/"
    page = client.get(f"/reports/{report.pk}/edit/").content.decode()
    assert "Triển khai chữ ký số cho cán bộ" in page
    response = client.post(f"/reports/{report.pk}/edit/", {
        "results": "Hoàn thành 2/3 nhiệm vụ.", "shortcomings": "Thiếu nhân lực.", "proposals": "Bổ sung biên chế.",
        "next_plan": "Triển khai chữ ký số.", "then": "send"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "sent" and report.results == "Hoàn thành 2/3 nhiệm vụ."
    # The director sees it among the received reports, and opening it marks it read.
    director = login(org.head)
    page = director.get("/reports/received/").content.decode()
    assert f"/reports/{report.pk}/" in page
    assert director.get(f"/reports/{report.pk}/").status_code == 200
    assert Recipient.objects.get(report=report, person=org.head).read_at is not None
    # Sent: the edit page sends back to the report, and changes are refused.
    assert client.get(f"/reports/{report.pk}/edit/").status_code == 302
    client.post(f"/reports/{report.pk}/edit/", {"results": "Sửa sau khi gửi", "then": "save"})
    report.refresh_from_db()
    assert report.results == "Hoàn thành 2/3 nhiệm vụ."


def test_who_may_open_a_report(org, other_org, field, login):
    draft = unit_report(org)
    # A draft: its writers only.
    assert login(org.unit_head).get(f"/reports/{draft.pk}/").status_code == 200
    for person in (org.head, org.deputy, org.specialist, org.clerk, other_org.head, other_org.unit_head):
        assert login(person).get(f"/reports/{draft.pk}/").status_code == 404, person
    services.edit(by=Actor(org.unit_head), report=draft, results="Đã làm.")
    services.send(by=Actor(org.unit_head), report=draft)
    # Sent: the leaders, the unit's people; not another unit's clerk, not another agency.
    for person in (org.head, org.deputy, org.specialist):
        assert login(person).get(f"/reports/{draft.pk}/").status_code == 200, person
    for person in (org.clerk, other_org.head, other_org.unit_head):
        assert login(person).get(f"/reports/{draft.pk}/").status_code == 404, person
    # Editing, sending, printing: the same 404s for outsiders.
    for url in (f"/reports/{draft.pk}/edit/", f"/reports/{draft.pk}/print/"):
        assert login(other_org.head).get(url).status_code == 404
    assert login(org.head).post(f"/reports/{draft.pk}/assemble/").status_code == 404
    assert login(org.specialist).get("/reports/new/").status_code == 404
    assert login(org.specialist).get("/reports/received/").status_code == 404
    assert login(org.unit_head).get("/reports/99999/").status_code == 404


def test_the_office_head_reads_the_overview_of_who_has_sent(org, root, field, login):
    chief = make_person(org.agency, "stttt.cvp", "Hà Văn Chánh")
    org_services.assign_post(by=Actor(root), person=chief, unit=org.office, position=org.positions["tp"])
    _sent(org)
    page = login(chief).get("/reports/received/").content.decode()
    assert 'id="overview-units"' in page
    # The IT unit has sent; the office has not.
    assert page.count("not yet sent") + page.count("chưa gửi") >= 1
    week = monday().strftime("%d/%m/%Y")
    assert login(chief).get(f"/reports/received/?kind=quarter&day={week}").status_code == 200
    # The director sees the deputies' row too (a week).
    assert 'id="overview-deputies"' in login(org.head).get("/reports/received/").content.decode()


def test_the_lists_ask_a_fixed_number_of_queries(org, root, field, login, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_units(n: int, start: int) -> None:
        for i in range(start, start + n):
            unit = org_services.create_unit(by=Actor(root), agency=org.agency, name=f"Phòng {i}", abbreviation=f"P{i}")
            head = make_person(org.agency, f"stttt.tp{i}", f"Trưởng phòng {i}")
            org_services.assign_post(by=Actor(root), person=head, unit=unit, position=org.positions["tp"])
            report = services.create_unit_report(by=Actor(head), unit=unit, kind="week", day=timezone.localdate())
            services.edit(by=Actor(head), report=report, results="Đã làm.")
            services.send(by=Actor(head), report=report)

    def count(client, url: str) -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add_units(1, 0)
    director, member = login(org.head), login(org.specialist)
    few = {url: count(director, url) for url in ("/reports/received/", "/reports/")}
    few_member = count(member, "/reports/")
    add_units(6, 1)
    assert {url: count(director, url) for url in few} == few
    assert count(member, "/reports/") == few_member
    with django_assert_max_num_queries(22):
        director.get("/reports/received/")


def test_the_report_prints_as_a_pdf(org, field, login):
    report = _sent(org)
    response = login(org.head).get(f"/reports/{report.pk}/print/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_lists_follow_the_same_rule_as_the_pages(org, other_org, field, login):
    from qlvb.reports import rules, selectors

    unit_sent = _sent(org)
    deputy = services.create_deputy_report(by=Actor(org.deputy), day=timezone.localdate())
    services.edit(by=Actor(org.deputy), report=deputy, results="Ổn định.")
    deputy = services.send(by=Actor(org.deputy), report=deputy)
    draft = services.create_unit_report(by=Actor(org.unit_head), unit=org.unit, kind="quarter",
                                        day=timezone.localdate())
    reports = [unit_sent, deputy, draft]
    expected = {
        org.head: {unit_sent.pk, deputy.pk}, org.deputy: {unit_sent.pk, deputy.pk},
        org.unit_head: {unit_sent.pk, deputy.pk, draft.pk},  # a head of a unit of the deputy's fields
        org.specialist: {unit_sent.pk}, org.clerk: set(), other_org.head: set(),
    }
    for person, ids in expected.items():
        assert set(selectors.visible(person).values_list("pk", flat=True)) == ids, person
        assert {r.pk for r in reports if rules.may_read(person, r)} == ids, person
        client = login(person)
        for report in reports:
            assert client.get(f"/reports/{report.pk}/").status_code == (200 if report.pk in ids else 404)
