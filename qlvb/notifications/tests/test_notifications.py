"""Notifications: each event tells the people work now waits for (and only those who may open the
document), once; a secret document is named by its number alone; the bell, the list, opening a
notification and the API are a person's own."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.exchange.tests.conftest import issue_to
from qlvb.incoming import services as incoming
from qlvb.incoming.services import Target
from qlvb.notifications import routes, selectors
from qlvb.notifications.models import Notification
from qlvb.outgoing import services as outgoing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(local_storage):
    """Files on a disk of this test's own (conftest.local_storage)."""


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs the after-commit subscribers of what happens inside (tests run in one transaction)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def told(person, kind=None) -> list[str]:
    rows = Notification.objects.filter(person=person)
    if kind:
        rows = rows.filter(kind=kind)
    return [selectors.text(n) for n in rows.order_by("id")]


def test_a_registered_document_tells_the_leader_it_is_presented_to(org, register_doc, committed):
    with committed():
        document = register_doc(summary="Kế hoạch chuyển đổi số năm 2027", urgency="hoa_toc")
    [note] = Notification.objects.filter(person=org.head)
    assert note.kind == "presented" and note.urgent and note.url == f"/incoming/{document.pk}/"
    assert selectors.text(note) == ("Trình anh/chị cho ý kiến chỉ đạo: "
                                    f"{document.reference} – Kế hoạch chuyển đổi số năm 2027")
    assert not Notification.objects.exclude(person=org.head).exists()  # the clerk who registered it: no


def test_routing_tells_the_handlers_the_units_heads_and_who_is_informed(org, register_doc, committed):
    document = register_doc(summary="Báo cáo an toàn thông tin quý IV")
    with committed():
        incoming.route(by=Actor(org.head), document=document, main=Target(unit=org.unit),
                       informed=[Target(person=org.specialist)])
    assert told(org.unit_head, "assigned") == [
        f"Giao anh/chị xử lý: {document.reference} – Báo cáo an toàn thông tin quý IV"]
    assert told(org.specialist, "informed") and not told(org.specialist, "assigned")
    assert not told(org.head, "assigned")  # the leader who routed it


def test_a_secret_document_is_named_by_its_number_alone(org, register_doc, committed):
    with committed():
        document = register_doc(summary="Phương án bảo vệ mục tiêu trọng yếu", secrecy="mat")
    note = Notification.objects.get(person=org.head)
    assert "mục tiêu" not in str(note.params) and "mục tiêu" not in selectors.text(note)
    assert selectors.text(note) == f"Trình anh/chị cho ý kiến chỉ đạo: văn bản mật {document.reference}"


def test_nobody_is_told_of_a_document_they_may_not_open(org, other_org, register_doc, committed):
    document = register_doc(summary="Công văn về việc kiểm tra công tác văn thư năm 2026")
    event = Event.objects.filter(verb="incoming.registered", target_id=str(document.pk)).get()
    event.data = {**event.data, "presented_to": other_org.head.pk}  # as if it named someone outside
    routes.dispatch(event)
    assert not Notification.objects.filter(person=other_org.head).exists()


def test_an_event_tells_once_even_if_its_subscriber_runs_again(org, register_doc, committed):
    with committed():
        document = register_doc()
    event = Event.objects.get(verb="incoming.registered", target_id=str(document.pk))
    routes.dispatch(event)
    routes.dispatch(event)
    assert Notification.objects.filter(person=org.head).count() == 1


def test_the_review_loop_tells_each_reviewer_the_signer_the_clerks_and_the_drafter(org, draft, committed):
    from qlvb.signatures.demo import create_demo_pki_for

    create_demo_pki_for(org.agency)
    with committed():
        outgoing.submit(by=Actor(org.specialist), document=draft, signer=org.deputy)
    assert told(org.unit_head, "review")
    with committed():
        outgoing.return_draft(by=Actor(org.unit_head), document=draft, opinion="Sửa lại số liệu")
    [returned] = told(org.specialist, "returned")
    assert returned.startswith("Dự thảo trả lại anh/chị kèm ý kiến: ") and returned.endswith(draft.summary)
    from qlvb.signatures.models import Certificate

    with committed():
        outgoing.submit(by=Actor(org.specialist), document=draft, signer=org.deputy)
    for person in (org.unit_head, org.clerk, org.deputy):  # each step committed, as people do it
        with committed():
            outgoing.approve(by=Actor(person), document=draft)
    assert told(org.clerk, "review")  # the format check
    assert told(org.deputy, "sign")  # the last step before signing
    with committed():
        outgoing.authorise_signing(by=Actor(org.deputy), document=draft, secret="",
                                   certificate=Certificate.objects.get(person=org.deputy, is_active=True))
    assert told(org.clerk, "issue")  # signed: the clerk numbers and issues it
    assert not told(org.specialist, "review") and len(told(org.unit_head, "review")) == 2  # two rounds


def test_an_electronic_document_arriving_tells_the_receiving_clerks(org, other_org, committed):
    with committed():
        issue_to(other_org, org, summary="V/v phối hợp tổ chức hội nghị")
    [note] = Notification.objects.filter(person=org.clerk, kind="reception")
    assert selectors.text(note).startswith("Văn bản điện tử đến từ ")
    assert not Notification.objects.filter(person=org.head, kind="reception").exists()


def test_the_bell_the_list_and_opening_a_notification(org, register_doc, committed, login):
    with committed():
        document = register_doc(summary="Giấy mời họp giao ban")
    client = login(org.head)
    bell = client.get("/notifications/bell/")
    assert bell["Cache-Control"] == "no-store"
    assert ">1<span class=\"visually-hidden\"> chưa đọc</span>" in bell.content.decode()
    listed = client.get("/notifications/bell/list/")
    assert listed["Cache-Control"] == "no-store" and "Giấy mời họp giao ban" in listed.content.decode()
    note = Notification.objects.get(person=org.head)
    assert client.get("/notifications/").status_code == 200
    opened = client.get(f"/notifications/{note.pk}/")
    assert opened.status_code == 302 and opened["Location"] == f"/incoming/{document.pk}/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert "badge" not in client.get("/notifications/bell/").content.decode()
    # someone else's notification: not found, and left unread
    other = Notification.objects.create(person=org.specialist, kind="assigned", key="x", params={})
    assert client.get(f"/notifications/{other.pk}/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_all_read_and_the_page_shows_the_home_bell(org, register_doc, committed, login):
    with committed():
        register_doc(summary="Giấy mời dự hội nghị tổng kết năm 2026")
        register_doc(summary="Công văn về việc nghỉ Tết Nguyên đán 2027")
    client = login(org.head)
    assert 'hx-get="/notifications/bell/"' in client.get("/").content.decode()
    assert "bg-primary-subtle" in client.get("/notifications/bell/list/").content.decode()
    assert client.post("/notifications/read-all/").status_code == 302
    assert selectors.unread_count(org.head) == 0


def test_the_bell_costs_the_same_queries_with_more_notifications(org, login):
    client = login(org.head)
    client.get("/notifications/bell/")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get("/notifications/bell/")
            client.get("/notifications/bell/list/")
        return len(ctx.captured_queries)

    Notification.objects.create(person=org.head, kind="assigned", key="a", params={"summary": "Một"})
    few = queries()
    for n in range(20):
        Notification.objects.create(person=org.head, kind="assigned", key=f"b{n}", params={"summary": str(n)})
    assert queries() == few


def test_the_api_lists_and_marks_read_only_ones_own(org, register_doc, committed, login):
    with committed():
        register_doc(summary="Thông báo lịch nghỉ Tết")
    client = login(org.head)
    data = client.get("/api/v1/notifications/?unread=1").json()
    assert data["unread"] == 1 and data["count"] == 1 and "lịch nghỉ Tết" in data["results"][0]["text"]
    pk = data["results"][0]["id"]
    assert login(org.specialist).post(f"/api/v1/notifications/{pk}/read/").status_code == 404
    assert client.post(f"/api/v1/notifications/{pk}/read/").json()["read"] is True
    assert client.get("/api/v1/notifications/").json()["unread"] == 0
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 0}


def test_notifications_follow_the_event_log_as_a_subscriber():
    names = {s.name for s in events.subscriptions() if s.after_commit}
    assert "qlvb.notifications.routes.dispatch" in names
