"""Phone-first pages (issue 16), on a 390 px page: every work list shows its documents as cards
(summary, number, issuer, deadline, urgency) without the page scrolling sideways, and a card opens
its document; the document pages, the leader's routing grid and the signing step fit the width,
their main buttons are visible and tall enough for a thumb, and routing and signing are done by
tapping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from conftest import build_org
from qlvb.core.actor import Actor
from qlvb.exchange.tests.conftest import issue_to
from qlvb.incoming import services as incoming
from qlvb.incoming.models import Assignment, IncomingDocument
from qlvb.incoming.services import Target
from qlvb.incoming.tests.conftest import _media, register_doc, registers  # noqa: F401 - fixtures
from qlvb.org import services as org_services
from qlvb.org.models import SigningAuthority
from qlvb.outgoing import services as outgoing
from qlvb.outgoing.models import OutgoingDocument, OutgoingSettings
from qlvb.outgoing.tests.conftest import docx_upload
from qlvb.registers.services import ensure_default_registers
from qlvb.signatures.demo import create_demo_pki_for
from qlvb.signatures.models import Certificate

from .conftest import ARTIFACTS
from .helpers import path_of, sideways, sign_in, tall_enough

pytestmark = pytest.mark.browser

TO_ROUTE = "Giấy mời dự hội nghị trực tuyến triển khai chuyển đổi số và chính quyền số tỉnh Sơn La năm 2026"
TO_HANDLE = "V/v báo cáo kết quả thực hiện Kế hoạch ứng dụng công nghệ thông tin trong cơ quan nhà nước"
LATE = "V/v rà soát, cập nhật danh mục cơ sở dữ liệu dùng chung của tỉnh"
DRAFT = "V/v đề nghị cung cấp thông tin phục vụ xây dựng báo cáo chuyển đổi số quý IV năm 2026"
RECEIVED = "V/v triển khai nền tảng chữ ký số chuyên dùng trong các cơ quan hành chính nhà nước tỉnh"
WAITING = "V/v hướng dẫn lập dự toán ngân sách nhà nước năm 2027 đối với các cơ quan, đơn vị"
ISSUED = "V/v hướng dẫn sử dụng hệ thống quản lý văn bản và điều hành trên thiết bị di động"


def _vn(day) -> str:  # noqa: ANN001
    return day.strftime("%d/%m/%Y")


def _check_card(page: Page, table: str, url: str, texts: list[str]) -> None:
    """The list fits the screen, the document's row is a card showing `texts`, the summary on top
    across the card, and tapping it opens the document."""
    assert sideways(page) <= 0, page.url
    card = page.locator(f"{table} tbody tr:has(a[href='{url}'])")
    assert card.count() == 1, page.inner_text("main")
    text = card.inner_text()
    for expected in texts:
        assert expected in text, (expected, text)
    card_box, link_box = card.bounding_box(), card.locator(f"a[href='{url}']").bounding_box()
    assert card_box is not None and link_box is not None
    assert card_box["width"] >= 300 and card_box["x"] + card_box["width"] <= 390 + 0.5, card_box
    assert link_box["y"] - card_box["y"] < 40, "the summary is the card's first line"
    assert page.locator(f"{table} thead").first.is_visible() is False, "a phone shows cards, not a table head"


def _open(page: Page, table: str, url: str) -> None:
    with page.expect_navigation():
        page.locator(f"{table} tbody tr a[href='{url}']").tap()
    assert path_of(page) == url


@pytest.fixture
def lists(org, other_org, root, register_doc):  # noqa: F811
    """Documents on every work list of the org fixture's people."""
    today = timezone.localdate()
    to_route = register_doc(summary=TO_ROUTE, urgency="khan")
    IncomingDocument.objects.filter(pk=to_route.pk).update(deadline=today + timedelta(days=1))  # due tomorrow
    to_handle = register_doc(summary=TO_HANDLE, urgency="hoa_toc")
    late = register_doc(summary=LATE, issuer_name="Sở Nội vụ tỉnh Sơn La")
    for document, deadline in ((to_handle, today + timedelta(days=20)), (late, today + timedelta(days=3))):
        [main, _info] = incoming.route(by=Actor(org.head), document=document, main=Target(unit=org.unit),
                                       informed=[Target(person=org.deputy)], directive="Phòng CNTT tham mưu",
                                       deadline=deadline)
        incoming.route(by=Actor(org.unit_head), document=document, parent=main,
                       main=Target(person=org.specialist), deadline=deadline)
    # The clerk's document waiting for registration (no number yet).
    waiting = incoming.save_draft(by=Actor(org.clerk), agency=org.agency,
                                  fields={"summary": WAITING, "issuer_name": "Sở Tài chính tỉnh Sơn La",
                                          "number": "77", "notation": "STC-NS", "doc_type": "CV",
                                          "document_date": today - timedelta(days=1), "received_at": timezone.now()})
    # A week later than it should have been: overdue today.
    Assignment.objects.filter(document=late).update(deadline=today - timedelta(days=2))
    # Outgoing: a draft, one waiting for the unit head's review, one to sign, one issued.
    by_admin = Actor(org.admin)
    field = org_services.save_field(by=by_admin, agency=org.agency, name="Công nghệ thông tin", leader=org.deputy,
                                    units=[org.unit])
    org_services.save_signing_authority(by=by_admin, agency=org.agency, person=org.deputy,
                                        capacity=SigningAuthority.Capacity.KT, fields=[field])
    OutgoingSettings.objects.update_or_create(agency=org.agency, defaults={"office_check": False})
    create_demo_pki_for(org.agency)
    drafts = []
    for summary in (DRAFT, DRAFT + " (lần 2)", DRAFT + " (lần 3)"):
        drafts.append(outgoing.create_draft(
            by=Actor(org.specialist), agency=org.agency,
            fields={"doc_type": "CV", "summary": summary, "field": field, "urgency": "khan",
                    "deadline": today + timedelta(days=30)},
            uploads=[docx_upload()]))
    draft, to_review, to_sign = drafts
    for document in (to_review, to_sign):
        outgoing.submit(by=Actor(org.specialist), document=document, signer=org.deputy)
    for person in (org.unit_head, org.deputy):
        outgoing.approve(by=Actor(person), document=to_sign)
    issued = issue_to(org, other_org, summary=ISSUED, urgency="thuong_khan")
    # The exchange: a package from another agency waiting in the clerk's reception queue.
    ubnd = build_org(root, "000.00.00.H51", "UBND", "Ủy ban nhân dân tỉnh Sơn La")
    ensure_default_registers(ubnd.agency)
    received = issue_to(ubnd, org, summary=RECEIVED, urgency="khan")
    return {"to_route": to_route, "to_handle": to_handle, "late": late, "draft": draft, "to_review": to_review,
            "to_sign": to_sign, "issued": issued, "received": received, "waiting": waiting,
            "today": today}


def test_work_lists_are_cards_on_a_phone(org, lists, session, shot):
    docs = lists
    today = docs["today"]
    head = session.new_page(phone=True)
    sign_in(head, org.head)
    head.goto("/incoming/list/to_route/")
    shot(head, "incoming-to-route")
    route_url = f"/incoming/{docs['to_route'].pk}/"
    _check_card(head, "#incoming-list", route_url,
                [TO_ROUTE, docs["to_route"].reference, "Ủy ban nhân dân tỉnh Sơn La", _vn(today + timedelta(days=1)),
                 "Khẩn"])
    assert head.locator(f"#incoming-list tr:has(a[href='{route_url}']) .due-soon").count() == 1
    head.goto("/incoming/list/all/")
    shot(head, "incoming-all")
    _check_card(head, "#incoming-list", route_url, [TO_ROUTE, docs["to_route"].reference, "Khẩn"])
    _open(head, "#incoming-list", route_url)

    specialist = session.new_page(phone=True)
    sign_in(specialist, org.specialist)
    specialist.goto("/incoming/list/to_handle/")
    shot(specialist, "incoming-to-handle")
    handle_url, late_url = f"/incoming/{docs['to_handle'].pk}/", f"/incoming/{docs['late'].pk}/"
    _check_card(specialist, "#incoming-list", handle_url,
                [TO_HANDLE, docs["to_handle"].reference, "Ủy ban nhân dân tỉnh Sơn La",
                 _vn(today + timedelta(days=20)), "Hỏa tốc"])
    _check_card(specialist, "#incoming-list", late_url,
                [LATE, docs["late"].reference, "Sở Nội vụ tỉnh Sơn La", _vn(today - timedelta(days=2))])
    late_deadline = specialist.locator(f"#incoming-list tr:has(a[href='{late_url}']) .due-overdue")
    assert late_deadline.count() == 1 and "quá hạn" in late_deadline.inner_text()
    specialist.goto("/incoming/list/overdue/")
    shot(specialist, "incoming-overdue")
    _check_card(specialist, "#incoming-list", late_url, [LATE, _vn(today - timedelta(days=2))])
    _open(specialist, "#incoming-list", late_url)

    specialist.goto("/outgoing/list/mine/")
    shot(specialist, "outgoing-mine")
    draft_url = f"/outgoing/{docs['draft'].pk}/"
    _check_card(specialist, "#outgoing-list", draft_url, [DRAFT, org.specialist.full_name, "Khẩn",
                                                          _vn(today + timedelta(days=30))])
    _open(specialist, "#outgoing-list", draft_url)

    unit_head = session.new_page(phone=True)
    sign_in(unit_head, org.unit_head)
    unit_head.goto("/outgoing/list/to_review/")
    shot(unit_head, "outgoing-to-review")
    review_url = f"/outgoing/{docs['to_review'].pk}/"
    _check_card(unit_head, "#outgoing-list", review_url, [docs["to_review"].summary, org.specialist.full_name,
                                                          org.deputy.full_name, "Khẩn"])
    _open(unit_head, "#outgoing-list", review_url)
    # The review step: the bar jumps to it, its buttons full width, approved by tapping.
    assert sideways(unit_head) <= 0
    unit_head.locator("#phone-actions a[href='#review-step']").tap()
    unit_head.fill("#id_opinion", "Đồng ý, kính trình Phó Giám đốc.")
    approve = unit_head.locator(f"#review-step button[formaction='{review_url}approve/']")
    tall_enough(approve)
    assert approve.bounding_box()["width"] >= 300
    shot(unit_head, "outgoing-review-step")
    with unit_head.expect_navigation():
        approve.tap()
    assert unit_head.locator("main .alert-success").count() == 1, unit_head.inner_text("main")

    deputy = session.new_page(phone=True)
    sign_in(deputy, org.deputy)
    deputy.goto("/outgoing/list/to_sign/")
    shot(deputy, "outgoing-to-sign")
    sign_url = f"/outgoing/{docs['to_sign'].pk}/"
    _check_card(deputy, "#outgoing-list", sign_url, [docs["to_sign"].summary, org.specialist.full_name, "Khẩn"])
    _open(deputy, "#outgoing-list", sign_url)
    # For information: tick a card's box with a thumb and mark it read.
    deputy.goto("/incoming/list/for_info/")
    shot(deputy, "incoming-for-info")
    _check_card(deputy, "#incoming-list", handle_url, [TO_HANDLE, docs["to_handle"].reference, "Hỏa tốc"])
    tick = deputy.locator(f"#incoming-list tr:has(a[href='{handle_url}']) input[name=ids]")
    box = tick.bounding_box()
    assert box is not None and box["width"] >= 20, box
    tick.tap()
    mark = deputy.locator("main form button", has_text="Đánh dấu đã đọc")
    tall_enough(mark)
    with deputy.expect_navigation():
        mark.tap()
    assert deputy.locator("main .alert-success").count() == 1, deputy.inner_text("main")

    clerk = session.new_page(phone=True)
    sign_in(clerk, org.clerk)
    clerk.goto("/outgoing/list/issued/")
    shot(clerk, "outgoing-issued")
    issued_url = f"/outgoing/{docs['issued'].pk}/"
    _check_card(clerk, "#outgoing-list", issued_url, [ISSUED, docs["issued"].reference, "Thượng khẩn"])
    clerk.goto("/exchange/")
    shot(clerk, "exchange-queue")
    item = clerk.locator("#reception-list tbody tr[data-item] a").first
    received_url = item.get_attribute("href")
    _check_card(clerk, "#reception-list", received_url,
                [RECEIVED, docs["received"].reference, "Ủy ban nhân dân tỉnh Sơn La", "khẩn"])
    _open(clerk, "#reception-list", received_url)
    assert sideways(clerk) <= 0
    tall_enough(clerk.locator("#accept"))
    shot(clerk, "exchange-item")
    clerk.goto("/incoming/list/drafts/")
    shot(clerk, "incoming-drafts")
    _check_card(clerk, "#incoming-list", f"/incoming/{docs['waiting'].pk}/",
                [WAITING, "77/STC-NS", "Sở Tài chính tỉnh Sơn La"])
    clerk.goto("/incoming/list/all/")
    shot(clerk, "incoming-all-clerk")
    _check_card(clerk, "#incoming-list", handle_url, [TO_HANDLE, docs["to_handle"].reference])


def test_the_leader_routes_by_tapping_on_a_phone(org, lists, session, shot):
    document: IncomingDocument = lists["to_route"]
    page = session.new_page(phone=True)
    sign_in(page, org.head)
    page.goto(f"/incoming/{document.pk}/")
    shot(page, "incoming-detail")
    assert sideways(page) <= 0
    route = page.locator(f"main a[href='/incoming/{document.pk}/route/']").first
    tall_enough(route)
    with page.expect_navigation():
        route.tap()
    shot(page, "routing-grid")
    assert sideways(page) <= 0
    grid = page.locator("#routing-grid")
    main_choice = grid.locator(f"tr:has-text('{org.unit.name}') label:has(input[name=main])")
    info_choice = grid.locator(f"tr:has-text('{org.office.name}') label:has(input[name=info])")
    for choice in (main_choice, info_choice):
        tall_enough(choice)
        choice.tap()
    assert grid.locator(f"input[name=main][value='u:{org.unit.pk}']").is_checked()
    assert grid.locator(f"input[name=info][value='u:{org.office.pk}']").is_checked()
    page.locator("#id_directive").fill("Giao Phòng CNTT tham mưu; Văn phòng để biết.")
    page.locator("#id_deadline_days").fill("10")
    submit = page.locator("#phone-actions button[type=submit]")
    tall_enough(submit)
    shot(page, "routing-grid-chosen")
    with page.expect_navigation():
        submit.tap()
    assert path_of(page) == f"/incoming/{document.pk}/"
    assert page.locator("main .alert-success").count() == 1, page.inner_text("main")
    assert sideways(page) <= 0
    shot(page, "routed")
    roles = set(Assignment.objects.filter(document=document).values_list("role", "assignee_unit_id"))
    assert roles == {(Assignment.Role.MAIN, org.unit.pk), (Assignment.Role.INFO, org.office.pk)}

    # The specialist's task on the document page: its buttons are there for a thumb.
    specialist = session.new_page(phone=True)
    sign_in(specialist, org.specialist)
    task_document = lists["to_handle"]
    specialist.goto(f"/incoming/{task_document.pk}/")
    assert sideways(specialist) <= 0
    jump = specialist.locator("#phone-actions a").first
    tall_enough(jump)
    jump.tap()
    specialist.locator("textarea[name=text]").first.fill("Đã dự thảo báo cáo, đang lấy ý kiến.")
    record = specialist.locator("main form button", has_text="Cập nhật tiến độ").first
    tall_enough(record)
    shot(specialist, "incoming-task")
    with specialist.expect_navigation():
        record.tap()
    assert specialist.locator("main .alert-success").count() == 1, specialist.inner_text("main")


def test_the_signer_signs_by_tapping_on_a_phone(org, lists, session, shot):
    document: OutgoingDocument = lists["to_sign"]
    key = Certificate.objects.get(person=org.deputy, is_active=True)
    page = session.new_page(phone=True)
    sign_in(page, org.deputy)
    page.goto(f"/outgoing/{document.pk}/")
    shot(page, "outgoing-detail-to-sign")
    assert sideways(page) <= 0
    jump = page.locator("#phone-actions a[href='#sign-step']")
    tall_enough(jump)
    jump.tap()
    page.wait_for_function("location.hash === '#sign-step'")
    # The jump leaves the card's title below the sticky top bar, and the bar's button in view.
    title = page.locator("#sign-step .card-header").bounding_box()
    navbar = page.locator("nav.navbar").bounding_box()
    assert title is not None and navbar is not None
    assert title["y"] >= navbar["y"] + navbar["height"] - 1, (title, navbar)
    page.screenshot(path=str(ARTIFACTS / "phone-signing-step-viewport.png"))
    sign = f"form[action='/outgoing/{document.pk}/sign/']"
    page.select_option(f"{sign} #id_certificate", str(key.pk))
    button = page.locator(f"{sign} button")
    tall_enough(button)
    shot(page, "signing-step")
    with page.expect_navigation():
        button.tap()
    document.refresh_from_db()
    assert document.status == OutgoingDocument.Status.SIGNED, page.inner_text("main")
    assert sideways(page) <= 0
    shot(page, "signed")

    # The clerk's document page of an issued document fits the screen too.
    clerk = session.new_page(phone=True)
    sign_in(clerk, org.clerk)
    clerk.goto(f"/outgoing/{lists['issued'].pk}/")
    assert sideways(clerk) <= 0
    shot(clerk, "outgoing-detail-issued")
