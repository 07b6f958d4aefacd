"""The statistics pages for every role: the dashboard each lands on, the scopes they may not open
(404), every figure's link giving a list of exactly that many rows, a flat query count, and a
period written wrongly answered in Vietnamese."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.incoming import services as incoming
from qlvb.org import services as org_services
from qlvb.outgoing import services as outgoing
from qlvb.outgoing.tests.conftest import docx_upload, draft, signing  # noqa: F401
from qlvb.tasks import services as tasks
from qlvb.tasks.models import Task
from qlvb.tasks.services import Owner

pytestmark = pytest.mark.django_db

ITEMS_LINK = re.compile(r'href="/statistics/items/\?([^"]*)"[^>]*>(\d+)</a>')
COUNT = re.compile(r'id="items-count">(\d+)\+?<')


@pytest.fixture
def work(org, routed, later, draft):  # noqa: F811
    """A month of work: documents on time, late, pending and a secret one for the specialist; a
    draft in review; tasks of two kinds; the clock then moved past some deadlines."""
    done, late = routed(days=2), routed(days=2)
    routed(days=10)
    routed(days=10, secrecy="mat")
    incoming.complete(by=Actor(org.specialist), document=done, note="Đã xử lý")
    outgoing.submit(by=Actor(org.specialist), document=draft, signer=org.head)
    today = timezone.localdate()
    tasks.assign(by=Actor(org.head), agency=org.agency, owner=Owner(unit=org.unit), title="Rà soát thủ tục",
                 deadline=today + timedelta(days=3))
    tasks.assign(by=Actor(org.head), agency=org.agency, owner=Owner(unit=org.unit), title="Thực hiện kết luận",
                 deadline=today + timedelta(days=20), source=Task.Source.MEETING)
    later(4)
    incoming.complete(by=Actor(org.specialist), document=late, note="Đã xử lý, muộn")
    return org


def check_links(client, page: str) -> int:
    """Open the list behind every figure of the page: its count is the figure."""
    seen = {}
    for query, shown in ITEMS_LINK.findall(page):
        seen[html.unescape(query)] = int(shown)
    for query, shown in seen.items():
        response = client.get("/statistics/items/?" + query)
        assert response.status_code == 200, query
        found = COUNT.search(response.content.decode())
        assert found and int(found.group(1)) == shown, (query, shown, found and found.group(1))
    return len(seen)


@pytest.mark.parametrize("role, level", [("head", "agency"), ("deputy", "fields"), ("unit_head", "unit"),
                                         ("specialist", "person"), ("clerk", "agency")])
def test_each_role_lands_on_its_dashboard_and_every_figure_equals_its_list(work, login, role, level):
    person = getattr(work, role)
    client = login(person)
    response = client.get("/statistics/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-level="{level}" aria-current="page"' in page
    assert "Thống kê" in page  # the menu entry
    assert check_links(client, page) > 20


def test_figures_on_the_dashboard(work, login):
    page = login(work.head).get("/statistics/").content.decode()
    figure = {name: int(n) for name, n in re.findall(r'data-figure="([a-z_-]+)">(\d+)<', page)}
    assert figure["incoming-total"] == 4  # the secret one too: he routed it
    assert (figure["incoming-done_on_time"], figure["incoming-done_late"]) == (1, 1)
    assert figure["incoming-pending"] == 2
    assert figure["outgoing-total"] == 1 and figure["task-total"] == 2
    assert "Phòng Công nghệ thông tin" in page and work.specialist.full_name in page  # by unit, by person


def test_a_secret_document_counts_for_the_specialist_not_for_the_deputy(work, login):
    specialist = login(work.specialist).get("/statistics/").content.decode()
    assert 'data-figure="incoming-total">4<' in specialist
    deputy = login(work.deputy)
    page = deputy.get("/statistics/?scope=agency").content.decode()
    assert 'data-figure="incoming-total">3<' in page
    check_links(deputy, page)


def test_scopes_one_may_not_open_are_not_found(work, other_org, login):
    specialist, clerk, unit_head = login(work.specialist), login(work.clerk), login(work.unit_head)
    assert specialist.get("/statistics/?scope=agency").status_code == 404
    assert specialist.get(f"/statistics/?scope=unit&unit={work.unit.pk}").status_code == 404
    assert specialist.get("/statistics/items/?scope=agency&outcome=pending").status_code == 404
    assert clerk.get(f"/statistics/?scope=person&person={work.specialist.pk}").status_code == 404
    assert clerk.get("/statistics/table/?scope=agency&by=person").status_code == 404  # not a leader
    assert unit_head.get(f"/statistics/?scope=unit&unit={other_org.unit.pk}").status_code == 404
    assert unit_head.get(f"/statistics/items/?agency={other_org.agency.pk}").status_code == 404
    assert unit_head.get(f"/statistics/?scope=person&person={work.specialist.pk}").status_code == 200


def test_the_table_and_its_totals(work, login):
    client = login(work.head)
    response = client.get("/statistics/table/?by=person&kind=incoming")
    page = response.content.decode()
    assert response.status_code == 200 and work.specialist.full_name in page
    assert 'data-total="total">4<' in page
    check_links(client, page)
    tasks_page = client.get("/statistics/table/?kind=task&by=category").content.decode()
    assert "Kết luận cuộc họp" in tasks_page or "Meeting conclusion" not in tasks_page
    check_links(client, tasks_page)
    months = client.get("/statistics/table/?by=month&period=year").content.decode()
    check_links(client, months)


def test_the_list_links_each_document(work, login):
    client = login(work.head)
    page = client.get("/statistics/items/?kind=incoming").content.decode()
    assert page.count("/incoming/") >= 4 and 'id="items-count">4<' in page


def test_a_period_written_wrongly_is_answered_in_vietnamese(work, login):
    client = login(work.head)
    for query in ("period=range&start=2026-12-05&end=2026-12-01", "period=decade", "period=month&day=31/02/2026"):
        response = client.get("/statistics/?" + query)
        assert response.status_code == 200
        page = response.content.decode()
        assert 'id="period-error"' in page and "Tháng" in page, query
    assert "Ngày kết thúc trước ngày bắt đầu." in client.get(
        "/statistics/table/?period=range&start=2026-12-05&end=2026-12-01").content.decode()


def test_province_dashboard_shows_every_agency(org, root, routed, login):
    from qlvb.org.models import Agency

    child = org_services.create_agency(by=Actor(root), code="000.00.03.H51", abbreviation="SNV",
                                       name="Sở Nội vụ tỉnh Sơn La", parent=org.agency)
    assert Agency.objects.get(pk=child.pk).parent_id == org.agency.pk
    routed(), routed()
    client = login(org.head)
    response = client.get("/statistics/?scope=province")
    page = response.content.decode()
    assert response.status_code == 200 and 'data-dimension="agency"' in page
    assert f"f_agency={org.agency.pk}" in html.unescape(page)
    check_links(client, page)


def test_a_person_with_two_posts_switches_agency(org, other_org, root, login):
    # The unit head also heads a unit of the other agency (a concurrent post there).
    org_services.assign_post(by=Actor(root), person=org.unit_head, unit=other_org.unit,
                             position=other_org.positions["tp"], is_concurrent=True)
    client = login(org.unit_head)
    page = client.get("/statistics/").content.decode()
    assert 'id="choose-agency"' in page and other_org.agency.name in page
    other = client.get(f"/statistics/?agency={other_org.agency.pk}")
    assert other.status_code == 200
    assert f'value="{other_org.unit.pk}" selected' in other.content.decode()
    check_links(client, other.content.decode())
    assert client.get(f"/statistics/?agency={other_org.agency.pk}&scope=agency").status_code == 404


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/statistics/").status_code == 200
    return len(ctx.captured_queries)


def test_the_dashboard_asks_as_many_queries_for_twenty_documents_as_for_two(org, routed, login,
                                                                           django_assert_max_num_queries):
    routed(), routed(secrecy="mat")
    client = login(org.head)
    _dashboard_queries(client)  # the caches of the first page (the side menu)
    few = _dashboard_queries(client)
    assert few <= 50, few
    for _n in range(18):
        routed()
    _dashboard_queries(client)  # the side menu, cached again after the new work
    with django_assert_max_num_queries(few):
        assert client.get("/statistics/").status_code == 200
    with django_assert_max_num_queries(60):
        client.get("/statistics/table/?by=person")
    with django_assert_max_num_queries(40):
        client.get("/statistics/items/?outcome=pending")


def test_a_dashboard_shows_the_busiest_people_and_links_to_everyone(login, org, routed, register_doc, monkeypatch):
    from qlvb.incoming.services import Target
    from qlvb.statistics import dashboard

    routed(), routed()  # two for the specialist
    document = register_doc()
    incoming.route(by=Actor(org.head), document=document, main=Target(person=org.admin), directive="Xử lý")
    monkeypatch.setattr(dashboard, "DASHBOARD_PEOPLE", 1)
    client = login(org.head)
    page = client.get("/statistics/").content.decode()
    people = page[page.index('data-dimension="person"'):]
    people = people[:people.index("</table>")]
    assert org.specialist.full_name in people and org.admin.full_name not in people
    assert 'data-more="1"' in people
    assert re.search(r'data-total="total">3<', people)  # the total counts everyone
    check_links(client, people)
