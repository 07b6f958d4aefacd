"""The periodic report of document handling: its figures are the selectors', its layout is the
agency administrator's, and the office exports it."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.statistics import periods, reports, scopes, selectors
from qlvb.statistics.models import ReportLayout
from qlvb.statistics.selectors import OUTCOMES, Query
from qlvb.statistics.tests.test_exports import cells, pdf_text, read_table

pytestmark = pytest.mark.django_db

LAYOUT = {
    "title": "Báo cáo công tác văn thư, lưu trữ", "governing_body": "UBND tỉnh Sơn La",
    "reporting_body": "Sở Thông tin và Truyền thông", "section_incoming": "2", "section_outgoing": "0",
    "section_reviews": "0", "section_tasks": "1", "columns": ["total", "overdue"],
    "signer_title": "Giám đốc", "signer_name": "Lò Văn Hùng", "closing_note": "Kính gửi UBND tỉnh.",
}


def test_the_office_exports_the_report_with_the_selectors_figures(org, routed, login):
    routed(), routed()
    response = login(org.clerk).get("/statistics/report.xlsx?period=quarter")
    assert response.status_code == 200
    scope = scopes.resolve(org.clerk, QueryDict("scope=agency"))
    query = Query("incoming", scope, periods.of("quarter", timezone.localdate()))
    body, total = read_table(response.content, "Đơn vị")
    assert total[2:] == [selectors.totals(org.clerk, query)[o] for o in OUTCOMES] == [2, 0, 0, 2, 0]
    assert [r[1] for r in body] == [org.unit.name]
    texts = [c for row in cells(response.content) for c in row if isinstance(c, str)]
    assert "BÁO CÁO TÌNH HÌNH TIẾP NHẬN, XỬ LÝ VÀ BAN HÀNH VĂN BẢN" in texts
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert Event.objects.get(verb="statistics.exported").data["what"] == "report"
    page = login(org.clerk).get("/statistics/report/?period=quarter")
    assert page.status_code == 200 and "Tiếp nhận và xử lý văn bản đến, theo đơn vị" in page.content.decode()


def test_only_the_agencys_overseers_make_the_report(org, other_org, login):
    assert login(org.specialist).get("/statistics/report/").status_code == 404
    assert login(org.unit_head).get("/statistics/report.pdf").status_code == 404
    assert login(org.head).get(f"/statistics/report.xlsx?agency={other_org.agency.pk}").status_code == 404
    assert not Event.objects.filter(verb="statistics.exported").exists()


def test_the_administrators_layout_shows_in_the_export_and_is_recorded(org, routed, login):
    routed()
    admin = login(org.admin)
    assert admin.get("/statistics/report/layout/").status_code == 200
    response = admin.post("/statistics/report/layout/", LAYOUT)
    assert response.status_code == 302
    layout = ReportLayout.objects.get(agency=org.agency)
    assert (layout.sections, layout.columns) == (["tasks", "incoming"], ["total", "overdue"])
    event = Event.objects.get(verb="statistics.layout_saved")
    assert event.actor_id == org.admin.pk and event.agency_id == org.agency.pk
    assert event.data["changed"]["title"][1] == LAYOUT["title"]
    text = pdf_text(login(org.clerk).get("/statistics/report.pdf?period=year").content)
    assert "BÁO CÁO CÔNG TÁC VĂN THƯ, LƯU TRỮ" in text and "UBND TỈNH SƠN LA" in text
    assert text.index("I. Nhiệm vụ được giao") < text.index("II. Tiếp nhận và xử lý văn bản đến")
    assert "Văn bản đi đã ban hành" not in text and "Kính gửi UBND tỉnh." in text and "Lò Văn Hùng" in text
    content = login(org.clerk).get("/statistics/report.xlsx?period=year").content
    body, total = read_table(content, "Đơn vị")
    assert len(total) == 4 and total[2:] == [1, 0]  # the two columns chosen


def test_only_administrators_adjust_the_layout(org, other_org, root, login):
    for person in (org.head, org.clerk, org.specialist):
        client = login(person)
        assert client.get("/statistics/report/layout/").status_code == 404
        assert client.post("/statistics/report/layout/", LAYOUT).status_code == 404
    other_admin = login(other_org.admin)
    assert other_admin.get(f"/statistics/report/layout/?agency={org.agency.pk}").status_code == 404
    assert other_admin.post(f"/statistics/report/layout/?agency={org.agency.pk}", LAYOUT).status_code == 404
    assert not ReportLayout.objects.exists()
    installation = login(root)
    assert installation.get("/statistics/report/layout/").status_code == 200  # chooses the agency
    assert installation.post(f"/statistics/report/layout/?agency={org.agency.pk}", LAYOUT).status_code == 302
    with pytest.raises(Exception):  # noqa: B017,PT011 - the service itself refuses
        reports.save_layout(by=Actor(org.head), agency=org.agency, data=LAYOUT)


def test_bad_layout_and_period_change_nothing(org, login):
    admin = login(org.admin)
    response = admin.post("/statistics/report/layout/", {**LAYOUT, "title": "  "})
    assert response.status_code == 200 and "Nhập tên báo cáo." in response.content.decode()
    response = admin.post("/statistics/report/layout/", {**LAYOUT, "section_incoming": "0", "section_tasks": "0"})
    assert "Báo cáo phải có ít nhất một phần." in response.content.decode()
    assert not ReportLayout.objects.exists() and not Event.objects.filter(verb="statistics.layout_saved").exists()
    clerk = login(org.clerk)
    response = clerk.get("/statistics/report.xlsx?period=decade", follow=True)
    assert "Chọn kỳ báo cáo: tuần, tháng, quý, 6 tháng hoặc năm." in response.content.decode()
    assert not Event.objects.filter(verb="statistics.exported").exists()


def test_the_report_reads_a_bounded_number_of_queries(org, routed, login, django_assert_max_num_queries):
    for _ in range(3):
        routed()
    client = login(org.clerk)
    client.get("/statistics/report.xlsx?period=quarter")
    with django_assert_max_num_queries(45):
        assert client.get("/statistics/report.xlsx?period=quarter").status_code == 200
