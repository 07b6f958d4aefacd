"""Exchange inside one installation: issue → reception queues → accept/reject → every status
back to the sender; recall, update, replacement; who may see what."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.exchange import services
from qlvb.exchange.models import DeliveryStatus, ReceptionItem
from qlvb.exchange.tests.conftest import issue_to, pdf_bytes
from qlvb.incoming import selectors as incoming_selectors
from qlvb.incoming import services as incoming
from qlvb.incoming import tally
from qlvb.incoming.models import IncomingDocument, IncomingTally
from qlvb.registers.models import Register
from qlvb.registers.services import ensure_default_registers


def _register(receiver, item):
    """What the registration form does with the draft the acceptance opened."""
    ensure_default_registers(receiver.agency)
    draft = services.accept(by=Actor(receiver.clerk), item=item)
    register = Register.objects.filter(agency=receiver.agency, direction=Register.Direction.INCOMING,
                                       category=Register.Category.ORDINARY).first()
    assert register is not None
    return incoming.register_document(by=Actor(receiver.clerk), agency=receiver.agency, register=register,
                                      fields={}, document=draft)


def _codes(document, receiver):
    return list(DeliveryStatus.objects.filter(outgoing=document, recipient_code=receiver.agency.code)
                .order_by("at", "id").values_list("code", flat=True))


def test_issue_reaches_both_queues_and_every_status_goes_back(org, other_org, third_org):
    document = issue_to(org, third_org, other_org)
    items = ReceptionItem.objects.filter(outgoing=document)
    assert {i.receiver_id for i in items} == {third_org.agency.pk, other_org.agency.pk}
    assert all(i.state == "waiting" and i.files.count() == 1 for i in items)
    assert _codes(document, third_org) == ["01"] and _codes(document, other_org) == ["01"]

    # UBND accepts: the draft is filled from the package, files included; registering sends 03.
    item = items.get(receiver=third_org.agency)
    draft = services.accept(by=Actor(third_org.clerk), item=item)
    assert draft.status == IncomingDocument.Status.DRAFT and draft.source == "electronic"
    assert draft.issuer_agency == org.agency and draft.notation == document.notation
    assert draft.summary == document.summary and draft.files.count() == 1
    registered = _register(third_org, item)
    assert registered.pk == draft.pk and registered.arrival_number == 1
    item.refresh_from_db()
    assert item.state == "accepted" and item.incoming_id == draft.pk
    last = DeliveryStatus.objects.filter(outgoing=document, recipient_code=third_org.agency.code).last()
    assert last is not None and last.code == "03" and last.arrival_number == "1"

    # Sở Nội vụ rejects with a reason: 02 with the reason.
    services.reject(by=Actor(other_org.clerk), item=items.get(receiver=other_org.agency),
                    reason="Không thuộc thẩm quyền xử lý")
    rejected = DeliveryStatus.objects.get(outgoing=document, recipient_code=other_org.agency.code, code="02")
    assert rejected.description == "Không thuộc thẩm quyền xử lý"

    # UBND routes, the handler records progress, completes: 04, 05 (once), 06.
    incoming.route(by=Actor(third_org.head), document=registered, main=incoming.Target(unit=third_org.unit))
    assignment = registered.assignments.get()
    incoming.record_progress(by=Actor(third_org.unit_head), assignment=assignment, text="Đang nghiên cứu")
    incoming.record_progress(by=Actor(third_org.unit_head), assignment=assignment, text="Đã dự thảo")
    incoming.complete(by=Actor(third_org.unit_head), document=registered, note="Đã triển khai")
    assert _codes(document, third_org) == ["01", "03", "04", "05", "06"]
    assert Event.objects.filter(verb="exchange.status_received", target_id=str(document.pk)).count() == 7


def test_paper_documents_send_nothing(org):
    ensure_default_registers(org.agency)
    from qlvb.incoming.tests.conftest import fields, pdf_upload

    register = Register.objects.filter(agency=org.agency, direction=Register.Direction.INCOMING,
                                       category=Register.Category.ORDINARY).first()
    assert register is not None
    incoming.register_document(by=Actor(org.clerk), agency=org.agency, register=register, fields=fields(),
                               uploads=[pdf_upload()])
    assert not DeliveryStatus.objects.exists()


def test_only_the_receivers_clerk_decides(org, other_org, third_org):
    document = issue_to(org, other_org)
    item = ReceptionItem.objects.get(outgoing=document)
    for person in (third_org.clerk, other_org.specialist, org.clerk):
        with pytest.raises(NotAllowed):
            services.accept(by=Actor(person), item=item)
        with pytest.raises(NotAllowed):
            services.reject(by=Actor(person), item=item, reason="x")
    with pytest.raises(ValidationError):
        services.reject(by=Actor(other_org.clerk), item=item, reason="  ")
    item.refresh_from_db()
    assert item.state == "waiting"


def test_rejecting_after_opening_the_form_deletes_the_draft(org, other_org):
    item = ReceptionItem.objects.get(outgoing=issue_to(org, other_org))
    draft = services.accept(by=Actor(other_org.clerk), item=item)
    assert services.accept(by=Actor(other_org.clerk), item=item).pk == draft.pk  # accepting twice: same draft
    services.reject(by=Actor(other_org.clerk), item=item, reason="Gửi nhầm")
    assert not IncomingDocument.objects.filter(pk=draft.pk).exists()
    with pytest.raises(ValidationError):
        services.accept(by=Actor(other_org.clerk), item=item)


def test_delivered_once(org, other_org):
    document = issue_to(org, other_org)
    from qlvb.outgoing.services import _distribute

    _distribute(document, Actor(org.clerk))
    services._arrive_inside(document, other_org.agency)
    assert ReceptionItem.objects.filter(outgoing=document).count() == 1


def test_recall_cancels_on_the_receivers_side(org, other_org, third_org):
    document = issue_to(org, third_org, other_org)
    accepted = ReceptionItem.objects.get(outgoing=document, receiver=third_org.agency)
    registered = _register(third_org, accepted)
    incoming.route(by=Actor(third_org.head), document=registered, main=incoming.Target(unit=third_org.unit))
    waiting = ReceptionItem.objects.get(outgoing=document, receiver=other_org.agency)
    with pytest.raises(NotAllowed):
        services.send_change(by=Actor(third_org.clerk), document=document, kind="recall", reason="x")
    assert services.send_change(by=Actor(org.clerk), document=document, kind="recall",
                                reason="Ban hành nhầm") == 2
    recall = ReceptionItem.objects.get(receiver=third_org.agency, kind="recall")
    assert recall.original == accepted and recall.reason == "Ban hành nhầm"
    services.agree_change(by=Actor(third_org.clerk), item=recall)
    registered.refresh_from_db()
    assert registered.status == IncomingDocument.Status.CANCELLED
    assert Event.objects.filter(verb="exchange.cancelled", target_id=str(registered.pk)).exists()
    # Its tasks end with it, and the overview's counts follow.
    assert not incoming_selectors.work_list(third_org.unit_head, "to_handle").filter(pk=registered.pk).exists()
    kept = {(t.status, t.secret, t.late): t.n for t in IncomingTally.objects.filter(agency=third_org.agency) if t.n}
    assert kept.get(("cancelled", False, False)) == 1
    tally.recount(third_org.agency.pk)
    assert kept == {(t.status, t.secret, t.late): t.n
                    for t in IncomingTally.objects.filter(agency=third_org.agency) if t.n}
    with pytest.raises(ValidationError):  # nothing more is done with a cancelled document
        incoming.route(by=Actor(third_org.head), document=registered, main=incoming.Target(unit=third_org.unit))
    other_recall = ReceptionItem.objects.get(receiver=other_org.agency, kind="recall")
    services.reject(by=Actor(other_org.clerk), item=other_recall, reason="Đã xử lý xong")
    assert _codes(document, third_org)[-2:] == ["13", "15"]
    assert _codes(document, other_org)[-2:] == ["13", "16"]
    waiting.refresh_from_db()
    assert waiting.state == "waiting"  # refusing the recall keeps the document
    assert Event.objects.filter(verb="exchange.recall_sent", target_id=str(document.pk)).exists()


def test_recall_of_a_waiting_package_takes_it_out_of_the_queue(org, other_org):
    document = issue_to(org, other_org)
    services.send_change(by=Actor(org.clerk), document=document, kind="recall", reason="Ban hành nhầm")
    services.agree_change(by=Actor(other_org.clerk), item=ReceptionItem.objects.get(kind="recall"))
    original = ReceptionItem.objects.get(outgoing=document, kind="new")
    assert original.state == "rejected"


def test_update_adds_files_and_replacement_cancels_the_old_one(org, third_org):
    document = issue_to(org, third_org)
    original = ReceptionItem.objects.get(outgoing=document)
    registered = _register(third_org, original)
    with pytest.raises(ValidationError):
        services.send_change(by=Actor(org.clerk), document=document, kind="update", reason="Bổ sung phụ lục")
    services.send_change(by=Actor(org.clerk), document=document, kind="update", reason="Bổ sung phụ lục",
                         uploads=[SimpleUploadedFile("phu-luc.pdf", pdf_bytes("pl"), content_type="application/pdf")])
    update = ReceptionItem.objects.get(kind="update")
    services.agree_change(by=Actor(third_org.clerk), item=update)
    assert registered.files.count() == 2

    new = issue_to(org, summary="V/v triển khai chữ ký số (thay thế văn bản trước)")
    services.send_change(by=Actor(org.clerk), document=document, kind="replace", reason="Sai nội dung",
                         replacement=new)
    replace = ReceptionItem.objects.get(kind="replace")
    assert replace.outgoing == new and replace.files.count() == 1
    replacement = _register(third_org, replace)
    registered.refresh_from_db()
    assert registered.status == IncomingDocument.Status.CANCELLED
    assert replacement.status == IncomingDocument.Status.REGISTERED
    assert DeliveryStatus.objects.filter(outgoing=new, recipient_code=third_org.agency.code, code="03").exists()


# --- Pages ---------------------------------------------------------------------------------

def test_queue_page_accept_opens_the_prefilled_registration_form(org, other_org, login):
    document = issue_to(org, other_org, urgency="khan")
    issue_to(org, other_org, summary="V/v báo cáo thống kê số liệu quý III năm 2026")
    client = login(other_org.clerk)
    page = client.get("/exchange/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tiếp nhận văn bản điện tử" in html and "Chờ tiếp nhận" in html  # Vietnamese
    assert document.summary in html and html.index(document.summary) < html.index("quý III")  # urgent first
    item = ReceptionItem.objects.get(outgoing=document)
    assert client.get(f"/exchange/{item.pk}/").status_code == 200
    f = item.files.get()
    assert client.get(f"/exchange/{item.pk}/files/{f.pk}/view/").status_code == 200
    response = client.post(f"/exchange/{item.pk}/accept/")
    draft = IncomingDocument.objects.get(agency=other_org.agency)
    assert response.status_code == 302 and response["Location"] == f"/incoming/register/{draft.pk}/"
    form = client.get(response["Location"]).content.decode()
    assert document.summary in form and document.notation in form
    rejected = ReceptionItem.objects.exclude(pk=item.pk).get()
    response = client.post(f"/exchange/{rejected.pk}/reject/", {"reason": ""}, follow=True)
    assert "lý do" in response.content.decode().lower()
    client.post(f"/exchange/{rejected.pk}/reject/", {"reason": "Không thuộc thẩm quyền"})
    rejected.refresh_from_db()
    assert rejected.state == "rejected"


def test_sender_page_shows_each_recipients_status(org, other_org, third_org, login):
    document = issue_to(org, third_org, other_org)
    services.reject(by=Actor(other_org.clerk), item=ReceptionItem.objects.get(receiver=other_org.agency),
                    reason="Không thuộc thẩm quyền")
    _register(third_org, ReceptionItem.objects.get(receiver=third_org.agency))
    html = login(org.clerk).get(f"/outgoing/{document.pk}/").content.decode()
    assert 'id="exchange-statuses"' in html and "Không thuộc thẩm quyền" in html
    assert "Đã tiếp nhận" in html and "Từ chối tiếp nhận" in html
    assert 'data-latest="03"' in html and 'data-latest="02"' in html
    assert 'id="send-change"' in html
    response = login(org.clerk).post(f"/exchange/outgoing/{document.pk}/change/",
                                     {"kind": "recall", "reason": "Ban hành nhầm"})
    assert response.status_code == 302
    assert ReceptionItem.objects.filter(kind="recall").count() == 1


def test_others_get_404(org, other_org, third_org, login):
    item = ReceptionItem.objects.get(outgoing=issue_to(org, other_org))
    for person in (third_org.clerk, other_org.specialist, org.clerk):
        client = login(person)
        assert client.get(f"/exchange/{item.pk}/").status_code == 404
        assert client.post(f"/exchange/{item.pk}/accept/").status_code == 404
    assert login(other_org.specialist).get("/exchange/").status_code == 404
    assert login(third_org.clerk).post(f"/exchange/outgoing/{item.outgoing_id}/change/",
                                       {"kind": "recall", "reason": "x"}).status_code == 404


def test_queue_page_queries_do_not_grow_with_rows(org, other_org, login):
    client = login(other_org.clerk)
    issue_to(org, other_org)
    client.get("/exchange/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/exchange/").status_code == 200
    for _ in range(6):
        issue_to(org, other_org)
    client.get("/exchange/")  # warm again: what pages keep per person is read afresh after events
    with CaptureQueriesContext(connection) as many:
        assert client.get("/exchange/").status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_one_state_per_recipient_and_a_refusal_reaches_the_sender(org, other_org, third_org, login):
    """On the sender's page each recipient agency shows one state (never "waiting for reception"
    beside "accepted" or "refused"), and a refusal is on the drafter's and the clerk's home page."""
    import re

    document = issue_to(org, third_org, other_org)
    html = login(org.clerk).get(f"/outgoing/{document.pk}/").content.decode()
    recipients = html.split('id="recipients"')[1].split("</dd>")[0]
    assert recipients.count("chờ tiếp nhận") == 2
    services.reject(by=Actor(other_org.clerk), item=ReceptionItem.objects.get(receiver=other_org.agency),
                    reason="Không thuộc thẩm quyền")
    _register(third_org, ReceptionItem.objects.get(receiver=third_org.agency))
    html = login(org.clerk).get(f"/outgoing/{document.pk}/").content.decode()
    recipients = html.split('id="recipients"')[1].split("</dd>")[0]
    assert "chờ tiếp nhận" not in recipients.lower()
    assert sorted(re.findall(r'data-state="(\w+)"', recipients)) == ["02", "03"]
    assert "Không thuộc thẩm quyền" in recipients
    for person in (org.clerk, org.specialist):  # who issued it, who drafted it
        home = login(person).get("/").content.decode()
        assert 'data-waiting="refused"' in home and "Không thuộc thẩm quyền" in home
    assert 'data-waiting="refused"' not in login(org.head).get("/").content.decode()


def test_only_a_reply_deadline_the_drafter_set_reaches_the_recipients(org, other_org, third_org):
    """The drafter's handling deadline inside the agency is not the recipients' reply deadline."""
    from datetime import timedelta

    from django.utils import timezone

    internal = timezone.localdate() + timedelta(days=3)
    asked = timezone.localdate() + timedelta(days=10)
    plain = issue_to(org, other_org, deadline=internal)
    draft = services.accept(by=Actor(other_org.clerk), item=ReceptionItem.objects.get(outgoing=plain))
    assert draft.reply_deadline is None
    asking = issue_to(org, third_org, deadline=internal, reply_deadline=asked)
    draft = services.accept(by=Actor(third_org.clerk), item=ReceptionItem.objects.get(outgoing=asking))
    assert draft.reply_deadline == asked
