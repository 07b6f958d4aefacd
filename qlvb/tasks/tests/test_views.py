"""Task pages: who sees what (404 otherwise), the forms through the pages, flat query counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.tasks import services
from qlvb.tasks.models import Task
from qlvb.tasks.services import Owner
from qlvb.tasks.tests.conftest import assign, future

pytestmark = pytest.mark.django_db


def test_who_sees_a_task(org, other_org, login):
    task = assign(org, owner=Owner(person=org.specialist), coordinators=[org.clerk])
    url = f"/tasks/{task.pk}/"
    # The owner, a coordinator, the assigner, the owner's unit head and the agency's leaders.
    for person in (org.specialist, org.clerk, org.head, org.unit_head, org.deputy):
        assert login(person).get(url).status_code == 200, person
    # Others in the agency, and everyone outside it: as if it did not exist.
    for person in (org.admin, other_org.head, other_org.specialist):
        assert login(person).get(url).status_code == 404, person
    assert login(other_org.head).post(f"{url}report/", {"note": "x", "progress": "5"}).status_code == 404
    # A coordinator may not complete it.
    assert login(org.clerk).post(f"{url}complete/", {"result": "x"}).status_code == 404


def test_assign_through_the_page_and_bad_deadline(org, login):
    client = login(org.head)
    page = client.get("/tasks/assign/")
    assert page.status_code == 200
    yesterday = (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y")
    bad = client.post("/tasks/assign/", {"title": "Báo cáo", "owner": f"u:{org.unit.pk}", "deadline": yesterday,
                                         "source": "instruction"})
    assert bad.status_code == 200
    assert "Thời hạn không được trước ngày hôm nay." in bad.content.decode()
    assert Task.objects.count() == 0
    response = client.post("/tasks/assign/", {
        "title": "Báo cáo tình hình an toàn thông tin quý IV", "owner": f"u:{org.unit.pk}",
        "coordinators": [f"p:{org.clerk.pk}"], "working_days": "5", "source": "instruction"})
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tasks/{task.pk}/"
    assert task.owner_unit == org.unit and task.coordinators.count() == 1
    # A specialist has nobody to assign to.
    assert login(org.specialist).get("/tasks/assign/").status_code == 404


def test_report_extension_complete_evaluate_through_the_page(org, login):
    task = assign(org)
    owner = login(org.specialist)
    assert owner.post(f"/tasks/{task.pk}/report/", {"note": "Đã làm một nửa", "progress": "50"}).status_code == 302
    new = (future(15)).strftime("%d/%m/%Y")
    assert owner.post(f"/tasks/{task.pk}/extension/", {"deadline": new, "reason": "Chờ số liệu"}).status_code == 302
    leader = login(org.head)
    page = leader.get(f"/tasks/{task.pk}/").content.decode()
    assert "decide-title" in page
    assert leader.post(f"/tasks/{task.pk}/decide/", {"approve": "1", "note": ""}).status_code == 302
    assert owner.post(f"/tasks/{task.pk}/complete/", {"result": "Hoàn thành"}).status_code == 302
    assert leader.post(f"/tasks/{task.pk}/evaluate/", {"evaluation": "good"}).status_code == 302
    task.refresh_from_db()
    assert (task.status, task.deadline, task.evaluation) == ("done", future(15), "good")
    timeline = leader.get(f"/tasks/{task.pk}/").content.decode()
    assert timeline.count('class="list-group-item">') >= 5


def _many(org, n: int) -> None:
    for i in range(n):
        assign(org, title=f"Việc số {i}", owner=Owner(person=org.specialist) if i % 2 else Owner(unit=org.unit),
               coordinators=[org.clerk], deadline=timezone.localdate() + timedelta(days=i % 7))


@pytest.mark.parametrize("url", ["/tasks/list/to_do/", "/tasks/list/overdue/", "/tasks/list/due_soon/",
                                 "/tasks/list/coordinating/", "/tasks/list/assigned/", "/tasks/list/done/",
                                 "/tasks/overview/?unit={unit}"])
def test_list_query_counts_stay_flat(org, login, url):
    client = login(org.unit_head)
    url = url.format(unit=org.unit.pk)
    _many(org, 2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _many(org, 20)
    client.get(url)  # the new tasks' events moved the person's cached roles: read them again first
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_counts_and_lists(org):
    from qlvb.tasks import selectors

    today = timezone.localdate()
    late = assign(org, deadline=today + timedelta(days=1))
    Task.objects.filter(pk=late.pk).update(deadline=today - timedelta(days=2))
    assign(org, deadline=today)
    assign(org, deadline=today + timedelta(days=30))
    done = assign(org)
    services.complete(by=Actor(org.specialist), task=done, result="Xong")
    assign(org, owner=Owner(person=org.unit_head), coordinators=[org.specialist])
    counts = selectors.counts(org.specialist)
    assert counts == {"to_do": 3, "overdue": 1, "due_soon": 1, "coordinating": 1}
    assert selectors.task_list(org.specialist, "done").count() == 1
    assert selectors.task_list(org.head, "assigned").count() == 4


def test_search_finds_a_task_for_those_who_may_see_it(org, other_org):
    from qlvb.search import selectors as search

    task = assign(org, title="Triển khai chữ ký số chuyên dùng cho cán bộ", coordinators=[org.clerk])
    services.report(by=Actor(org.specialist), task=task, progress=10, note="Đã lập danh sách chứng thư số")

    def titles(person) -> list[str]:  # noqa: ANN001
        return [hit.entry.title for hit in search.search(person, "chung thu so").hits]

    for person in (org.specialist, org.clerk, org.head, org.unit_head):
        assert titles(person) == [task.title], person
    for person in (org.admin, other_org.head):
        assert titles(person) == [], person


def test_the_search_page_leads_to_the_task(org, login):
    task = assign(org, title="Triển khai chữ ký số chuyên dùng cho cán bộ")
    def text(person) -> str:  # noqa: ANN001
        page = login(person).get("/search/", {"q": "chu ky so"}).content.decode()
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))  # the words found are highlighted

    assert task.title in text(org.head)
    assert f'href="/tasks/{task.pk}/"' in login(org.head).get("/search/", {"q": "chu ky so"}).content.decode()
    assert task.title not in text(org.admin)


def test_a_report_with_files_through_the_page(org, login, local_storage):
    from qlvb.incoming.tests.conftest import pdf_upload
    from qlvb.tasks.models import TaskFile

    task = assign(org, owner=Owner(person=org.specialist))
    response = login(org.specialist).post(f"/tasks/{task.pk}/report/", {
        "note": "Đã rà soát 6/10 phòng", "progress": "60",
        "attachments": [pdf_upload("bien-ban-1.pdf", salt="1"), pdf_upload("bien-ban-2.pdf", salt="2")]})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(TaskFile.objects.filter(task=task).values_list("name", flat=True)) == ["bien-ban-1.pdf",
                                                                                          "bien-ban-2.pdf"]
