"""Programme pages: who sees what (404 otherwise), the forms, the deputy's field view, flat query counts."""

from __future__ import annotations

import pytest

from qlvb.core.actor import Actor
from qlvb.programmes import services
from qlvb.programmes.models import Item, Programme
from qlvb.programmes.tests.conftest import add, approved, soon, this_quarter, unit_programme
from qlvb.tasks.models import Task

pytestmark = pytest.mark.django_db




def test_visibility(org, other_org, field, login):
    unit = unit_programme(org)
    add(org, unit)
    # The unit's people and the agency's leaders see the unit's programme; others get 404.
    for person in (org.unit_head, org.specialist, org.head, org.deputy):
        assert login(person).get(f"/programmes/{unit.pk}/").status_code == 200, person
    for person in (org.clerk, other_org.head, other_org.specialist):
        assert login(person).get(f"/programmes/{unit.pk}/").status_code == 404, person
    # A person's programme: the person, his unit head, the leaders.
    own = services.create(by=Actor(org.specialist), agency=org.agency, scope="person", period="year",
                          year=this_quarter()[0])
    for person in (org.specialist, org.unit_head, org.head):
        assert login(person).get(f"/programmes/{own.pk}/").status_code == 200, person
    for person in (org.clerk, other_org.head):
        assert login(person).get(f"/programmes/{own.pk}/").status_code == 404, person
    # The agency's: its draft to the office and the leaders, once approved to everyone of the agency.
    agency = services.create(by=Actor(org.head), agency=org.agency, scope="agency", period="year",
                             year=this_quarter()[0])
    assert login(org.clerk).get(f"/programmes/{agency.pk}/").status_code == 200  # posted in the office
    assert login(org.specialist).get(f"/programmes/{agency.pk}/").status_code == 404
    add(org, agency, by=org.head)
    services.submit(by=Actor(org.head), programme=agency)
    Programme.objects.filter(pk=agency.pk).update(approver=None)
    agency.refresh_from_db()
    services.approve(by=Actor(org.head), programme=agency)
    assert login(org.specialist).get(f"/programmes/{agency.pk}/").status_code == 200
    assert login(other_org.specialist).get(f"/programmes/{agency.pk}/").status_code == 404
    # Actions of those without the right: 404.
    assert login(org.specialist).post(f"/programmes/{unit.pk}/submit/").status_code == 404
    assert login(org.specialist).get(f"/programmes/{unit.pk}/items/new/").status_code == 404
    assert login(other_org.head).post(f"/programmes/{unit.pk}/approve/").status_code == 404


def test_create_add_submit_approve_through_the_pages(org, field, login):
    chief = login(org.unit_head)
    year, number = this_quarter()
    response = chief.post("/programmes/new/", {"scope": "unit", "owner_unit": org.unit.pk, "period": "quarter",
                                               "year": year, "number": number})
    programme = Programme.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/programmes/{programme.pk}/"
    # Bad input: no responsible unit — a Vietnamese message, nothing saved.
    bad = chief.post(f"/programmes/{programme.pk}/items/new/", {
        "title": "Xây dựng kế hoạch", "product": "Kế hoạch", "due": soon().strftime("%d/%m/%Y"), "nature": "key"})
    assert bad.status_code == 400
    assert "Chọn đơn vị chủ trì thực hiện công việc." in bad.content.decode()
    assert Item.objects.count() == 0
    ok = chief.post(f"/programmes/{programme.pk}/items/new/", {
        "title": "Xây dựng kế hoạch", "product": "Tờ trình, dự thảo Quyết định", "responsible_unit": org.unit.pk,
        "coordinating_units": [org.office.pk], "due": soon().strftime("%d/%m/%Y"), "nature": "key"})
    assert ok.status_code == 302
    assert chief.post(f"/programmes/{programme.pk}/submit/").status_code == 302
    deputy = login(org.deputy)
    page = deputy.get("/programmes/?tab=waiting")
    assert programme.title in page.content.decode()
    assert deputy.post(f"/programmes/{programme.pk}/approve/", {"note": "Đồng ý"}).status_code == 302
    programme.refresh_from_db()
    assert programme.status == Programme.Status.APPROVED
    # Adjusting without a reason: refused, nothing changed.
    item = programme.items.get()
    refused = chief.post(f"/programmes/{programme.pk}/items/{item.pk}/edit/", {
        "title": "Đổi tên", "responsible_unit": org.unit.pk, "due": soon().strftime("%d/%m/%Y"), "nature": "key"})
    assert refused.status_code == 400 and "Lý do điều chỉnh" in refused.content.decode()
    item.refresh_from_db()
    assert item.title == "Xây dựng kế hoạch"
    # Tasks from the items.
    made = chief.post(f"/programmes/{programme.pk}/tasks/", {"items": [item.pk]})
    assert made.status_code == 302
    assert Task.objects.get().source_ref == str(item.pk)
    assert login(org.specialist).post(f"/programmes/{programme.pk}/tasks/", {"items": [item.pk]}).status_code == 404
    # The review page, and the review written by the unit head.
    assert chief.get(f"/programmes/{programme.pk}/review/").status_code == 200
    written = chief.post(f"/programmes/{programme.pk}/review/", {"assessment": "Hoàn thành đúng tiến độ."})
    assert written.status_code == 302
    assert login(org.specialist).post(f"/programmes/{programme.pk}/review/", {"assessment": "x"}).status_code == 404


def test_field_view_of_the_deputy(org, field, login):
    approved(org)
    page = login(org.deputy).get("/programmes/fields/")
    assert page.status_code == 200
    body = page.content.decode()
    assert field.name in body and org.unit.name in body
    assert login(org.specialist).get("/programmes/fields/").status_code == 404
    assert login(org.unit_head).get("/programmes/fields/").status_code == 404


def test_query_counts_are_flat(org, field, login, django_assert_max_num_queries):
    programme = approved(org)
    for n in range(8):
        add(org, programme, title=f"Nhiệm vụ {n}", reason="Bổ sung", coordinating_units=[org.office])
    services.make_tasks(by=Actor(org.unit_head), programme=programme, items=list(programme.items.all()))
    for n in range(3):
        unit_programme(org, title=f"Chương trình {n}")
    chief = login(org.unit_head)
    chief.get(f"/programmes/{programme.pk}/")  # warm the caches
    # About a dozen queries whatever the number of items, tasks and programmes (one for the tasks).
    with django_assert_max_num_queries(15):
        assert chief.get(f"/programmes/{programme.pk}/").status_code == 200
    with django_assert_max_num_queries(10):
        assert chief.get("/programmes/?tab=unit").status_code == 200
    deputy = login(org.deputy)
    deputy.get("/programmes/fields/")
    with django_assert_max_num_queries(16):
        assert deputy.get("/programmes/fields/").status_code == 200
    with django_assert_max_num_queries(18):
        assert chief.get(f"/programmes/{programme.pk}/review/").status_code == 200
    for n in range(4):  # programmes waiting for the deputy
        waiting = unit_programme(org, title=f"Quý chờ số {n}")
        add(org, waiting)
        services.submit(by=Actor(org.unit_head), programme=waiting)
    deputy.get("/programmes/?tab=waiting")
    with django_assert_max_num_queries(10):
        page = deputy.get("/programmes/?tab=waiting")
    assert page.content.decode().count("Quý chờ số") == 4
