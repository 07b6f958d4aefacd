"""Documents linked to tasks from the pages: the directive a task is assigned from (the document
page's "Giao việc"), and a document named by its number and notation or its address on the task's
page — only documents the person may see, of the task's agency."""

from __future__ import annotations

import pytest

from qlvb.core.actor import Actor
from qlvb.incoming import services as incoming_services
from qlvb.incoming.services import Target
from qlvb.incoming.tests.conftest import _media, register_doc, registers  # noqa: F401 - fixtures
from qlvb.tasks import selectors
from qlvb.tasks.models import Link, Task
from qlvb.tasks.services import Owner
from qlvb.tasks.tests.conftest import assign, future

pytestmark = pytest.mark.django_db


def test_a_document_is_found_by_its_number_and_notation_or_its_address(org, other_org, register_doc):  # noqa: F811
    plan = register_doc(notation="KH-UBND", summary="Kế hoạch chuyển đổi số năm 2027")
    secret = register_doc(notation="KH-UBND", summary="Phương án bảo vệ", secrecy="mat")
    agency = org.agency.pk
    n = plan.number
    for reference in (f"{n}/KH-UBND", f" {n} / kh-ubnd ", f"/incoming/{plan.pk}/",
                      f"https://qlvb.sonla.gov.vn/incoming/{plan.pk}/"):
        assert selectors.find_document(org.head, agency, reference) == ("incoming", plan.pk), reference
    # A secret document the person may not open, another agency's, or nothing that answers: None.
    assert selectors.find_document(org.deputy, agency, f"{secret.number}/KH-UBND") is None
    assert selectors.find_document(org.deputy, agency, f"/incoming/{secret.pk}/") is None
    assert selectors.find_document(other_org.head, other_org.agency.pk, f"{n}/KH-UBND") is None
    for nonsense in ("", n, "KH-UBND", "999/KH-UBND", "/tasks/1/", "/admin/", f"{n}/"):
        assert selectors.find_document(org.head, agency, nonsense) is None, nonsense


def test_the_owner_links_a_document_on_the_task_page(org, register_doc, login):  # noqa: F811
    report = register_doc(notation="BC-UBND", summary="Báo cáo kết quả rà soát hạ tầng")
    ref = f"{report.number}/BC-UBND"
    incoming_services.route(by=Actor(org.head), document=report, main=Target(person=org.specialist))
    task = assign(org, owner=Owner(person=org.specialist))
    client = login(org.specialist)
    page = client.post(f"/tasks/{task.pk}/link/", {"reference": "999/BC-UBND", "role": "result"})
    assert page.status_code == 400 and "Không có văn bản này trong số văn bản bạn được xem" in page.content.decode()
    assert not Link.objects.exists()
    response = client.post(f"/tasks/{task.pk}/link/", {"reference": ref, "role": "result"})
    assert response.status_code == 302
    link = Link.objects.get()
    assert (link.kind, link.document_id, link.role) == ("incoming", report.pk, "result")
    html = client.get(f"/tasks/{task.pk}/").content.decode()
    assert f"/incoming/{report.pk}/" in html and ref in html
    # A coordinator-less colleague of the unit may not (404), nor anyone outside.
    assert login(org.clerk).post(f"/tasks/{task.pk}/link/", {"reference": ref,
                                                             "role": "related"}).status_code == 404
    assert Link.objects.count() == 1


def test_a_task_is_assigned_from_the_document_page(org, register_doc, login):  # noqa: F811
    directive = register_doc(notation="CT-UBND", summary="Chỉ thị về tăng cường an toàn thông tin")
    secret = register_doc(notation="CT-UBND", summary="Chỉ thị về bảo vệ bí mật nhà nước trong tình hình mới",
                          secrecy="mat")
    head = login(org.head)
    document_page = head.get(f"/incoming/{directive.pk}/").content.decode()
    assert f"/tasks/assign/?from=incoming:{directive.pk}" in document_page
    page = head.get(f"/tasks/assign/?from=incoming:{directive.pk}").content.decode()
    assert 'id="task-origin"' in page and f"{directive.number}/CT-UBND" in page
    # The source reference offered is the number and notation, never the summary: the task may be
    # seen by people who may not open the document.
    assert f'value="{directive.number}/CT-UBND"' in page
    response = head.post(f"/tasks/assign/?from=incoming:{directive.pk}", {
        "title": "Rà soát an toàn thông tin các hệ thống", "owner": f"u:{org.unit.pk}",
        "deadline": future().strftime("%d/%m/%Y"), "source": "document", "source_ref": "7/CT-UBND",
        "origin": f"incoming:{directive.pk}"})
    assert response.status_code == 302, response.content.decode()[:3000]
    task = Task.objects.get()
    assert task.source == Task.Source.DOCUMENT
    assert list(task.links.values_list("kind", "document_id", "role")) == [("incoming", directive.pk, "origin")]
    # The specialist has no "Giao việc" on the document; a document one may not see is no origin.
    assert "/tasks/assign/?from=" not in login(org.specialist).get(f"/incoming/{directive.pk}/").content.decode()
    deputy = login(org.deputy)
    assert 'id="task-origin"' not in deputy.get(f"/tasks/assign/?from=incoming:{secret.pk}").content.decode()
    secret_page = head.get(f"/tasks/assign/?from=incoming:{secret.pk}").content.decode()
    assert 'id="task-origin"' in secret_page and f'value="{secret.number}/CT-UBND"' in secret_page
    assert 'id="task-origin"' not in deputy.get("/tasks/assign/?from=task:1").content.decode()


def test_a_schedule_entry_is_linked_by_its_address(org, login):
    from datetime import datetime, time

    from django.utils import timezone

    from qlvb.schedules import services as schedule_services
    from qlvb.schedules.models import Scope

    day = future()
    visit = schedule_services.save_entry(
        by=Actor(org.specialist), agency=org.agency, scope=Scope.PERSONAL, title="Khảo sát hạ tầng mạng tầng 3",
        starts_at=timezone.make_aware(datetime.combine(day, time(8))),
        ends_at=timezone.make_aware(datetime.combine(day, time(10))))
    task = assign(org, owner=Owner(person=org.specialist))
    assert selectors.find_document(org.specialist, org.agency.pk, f"/schedules/entries/{visit.pk}/") == (
        "schedule", visit.pk)
    assert selectors.find_document(org.clerk, org.agency.pk, f"/schedules/entries/{visit.pk}/") is None
    client = login(org.specialist)
    response = client.post(f"/tasks/{task.pk}/link/", {"reference": f"/schedules/entries/{visit.pk}/",
                                                       "role": "related"})
    assert response.status_code == 302
    assert f"/schedules/entries/{visit.pk}/" in client.get(f"/tasks/{task.pk}/").content.decode()
    # The head may open the task, not his specialist's personal entry: he does not see the link.
    assert f"/schedules/entries/{visit.pk}/" not in login(org.head).get(f"/tasks/{task.pk}/").content.decode()
