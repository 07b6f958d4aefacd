"""An incoming letter's whole journey in the browser, as in the issue: the clerk of Sở TT&TT
registers a letter from UBND tỉnh and presents it to the Giám đốc; he routes it to Phòng CNTT
(main), Văn phòng (coordinating) and Thanh tra (for information) with a directive and a deadline;
the head of Phòng CNTT passes it to a specialist; the coordinator contributes; Thanh tra marks it
read; the specialist records progress and completes it into a dossier; the Giám đốc follows it on
the document page and sees what is late on the overview. Someone of another unit gets a 404."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import Page
from pypdf import PdfWriter

from conftest import Org, make_person
from qlvb.core.actor import Actor
from qlvb.core.workdays import add_working_days
from qlvb.dossiers.models import Dossier, DossierItem
from qlvb.incoming import services as incoming
from qlvb.incoming import tally
from qlvb.incoming.models import Assignment, HandlingNote, IncomingDocument
from qlvb.org import services as org_services
from qlvb.org.models import Person, Position
from qlvb.registers.models import Register
from qlvb.registers.services import ensure_default_registers

from .helpers import path_of, sign_in

pytestmark = pytest.mark.browser

NUMBER, NOTATION = "1234", "UBND-KGVX"
SUMMARY = "V/v đẩy mạnh triển khai chuyển đổi số trong các cơ quan nhà nước năm 2026"
SUMMARY_AGAIN = "Bản gửi lại qua bưu điện: V/v đẩy mạnh triển khai chuyển đổi số năm 2026"
DIRECTIVE = "Giao Phòng CNTT chủ trì tham mưu kế hoạch; Văn phòng phối hợp; báo cáo trước hạn."
OPINION = "Chị Mai dự thảo kế hoạch, trình tôi xem trước khi trình Giám đốc."
CONTRIBUTION = "Văn phòng đề nghị bổ sung nội dung số hóa hồ sơ lưu trữ vào kế hoạch."
PROGRESS = "Đã dự thảo xong kế hoạch, đang lấy ý kiến các phòng."
RESULT = "Đã ban hành Kế hoạch số 45/KH-STTTT."
# "Register and present" (not "Save for later"), whatever the button's name.
REGISTER = "main form[enctype='multipart/form-data'] button[type=submit]:not([name=save_draft])"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}


class Cast:
    """Everyone the letter meets, beyond the org fixture's people."""

    def __init__(self, org: Org, root: Person) -> None:
        by = Actor(root)
        self.ubnd = org_services.create_agency(by=by, code="000.00.00.H51", abbreviation="UBND",
                                               name="UBND tỉnh Sơn La")
        self.inspection = org_services.create_unit(by=by, agency=org.agency, name="Thanh tra", abbreviation="TTr",
                                                   order=5)
        chief = org_services.create_position(by=by, agency=org.agency, name="Chánh Thanh tra",
                                             kind=Position.Kind.UNIT_HEAD)
        self.inspector = make_person(org.agency, "stttt.ctt", "Hà Văn Sơn")
        org_services.assign_post(by=by, person=self.inspector, unit=self.inspection, position=chief)
        self.office_head = make_person(org.agency, "stttt.cvp", "Lường Thị Hoa")
        org_services.assign_post(by=by, person=self.office_head, unit=org.office, position=org.positions["tp"])
        self.planning = org_services.create_unit(by=by, agency=org.agency, name="Phòng Kế hoạch - Tài chính",
                                                 abbreviation="KHTC", order=6)
        self.outsider = make_person(org.agency, "stttt.khtc", "Quàng Văn Tú")
        org_services.assign_post(by=by, person=self.outsider, unit=self.planning, position=org.positions["cv"])


def _scans(folder: Path) -> list[Path]:
    """Two scanned pages (PNG at 200 dpi), as a clerk's scanner makes them."""
    paths = []
    for page in (1, 2):
        image = Image.new("RGB", (1654, 2339), "white")
        draw = ImageDraw.Draw(image)
        draw.text((150, 150), f"UBND TINH SON LA - So {NUMBER}/{NOTATION} - trang {page}/2", fill="black")
        draw.rectangle((150, 300, 1500, 310), fill="black")
        path = folder / f"cong-van-1234-trang-{page}.png"
        image.save(path, dpi=(200, 200))
        paths.append(path)
    return paths


def _pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf(folder: Path) -> Path:
    path = folder / "cong-van-1234-ban-gui-lai.pdf"
    path.write_bytes(_pdf_bytes())
    return path


def _vn(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _submit(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def _success(page: Page) -> str:
    alerts = page.locator("main .alert-success")
    assert alerts.count() >= 1, page.inner_text("main")
    return alerts.first.inner_text()


def _fill_registration(page: Page, org: Org, cast: Cast, files: list[Path], summary: str = SUMMARY) -> None:
    page.select_option("#id_issuer_agency", str(cast.ubnd.pk))
    page.fill("#id_number", NUMBER)
    page.fill("#id_notation", NOTATION)
    page.fill("#id_document_date", _vn(timezone.localdate() - timedelta(days=2)))
    page.select_option("#id_doc_type", "CV")
    page.fill("#id_summary", summary)
    page.select_option("#id_urgency", "khan")
    page.select_option("#id_presented_to", str(org.head.pk))
    page.set_input_files("#id_uploads", [str(p) for p in files])


def _open_from_list(page: Page, list_name: str, document: IncomingDocument) -> None:
    page.goto(f"/incoming/list/{list_name}/")
    link = page.locator(f"#incoming-list a[href='/incoming/{document.pk}/']")
    assert link.count() == 1, page.inner_text("main")
    _submit(page, f"#incoming-list a[href='/incoming/{document.pk}/']")
    assert path_of(page) == f"/incoming/{document.pk}/"


def _nav_badge(page: Page, list_name: str) -> str:
    return page.locator(f"#sidebar a[href='/incoming/list/{list_name}/'] .badge").inner_text().strip()


def _stat_numbers(page: Page) -> list[str]:
    return [n.strip() for n in page.locator(".stat-card .display-6").all_inner_texts()]


def _register(org: Org, category: str = Register.Category.ORDINARY) -> Register:
    ensure_default_registers(org.agency)
    return Register.objects.get(agency=org.agency, direction=Register.Direction.INCOMING, category=category)


def _route_late(org: Org, document: IncomingDocument, late: date, **assignee: object) -> None:
    """The Giám đốc routes it (through the service), then the deadline passes (in the database)."""
    incoming.route(by=Actor(org.head), document=document, main=incoming.Target(**assignee),
                   directive="Xử lý, báo cáo kết quả.", deadline=add_working_days(timezone.localdate(), 2,
                                                                                  org.agency.pk))
    Assignment.objects.filter(document=document).update(deadline=late)
    IncomingDocument.objects.filter(pk=document.pk).update(deadline=late)
    tally.recount(document.agency_id)  # the overview's counts, after this edit behind the services' back


def _nodes(page: Page) -> list[tuple[str, str]]:
    nodes = page.locator(".routing-node")
    return [(nodes.nth(i).get_attribute("data-role"), nodes.nth(i).get_attribute("data-state"))
            for i in range(nodes.count())]


@pytest.mark.slow
def test_letter_from_the_province_goes_through_the_agency(org, root, session, shot, tmp_path):
    cast = Cast(org, root)
    today = timezone.localdate()
    unit_deadline = add_working_days(today, 5, org.agency.pk)
    own_deadline = add_working_days(today, 3, org.agency.pk)
    clerk, head, unit_head = session.new_page(), session.new_page(), session.new_page()

    # --- The clerk registers the scanned letter and presents it to the Giám đốc. -------------------
    sign_in(clerk, org.clerk)
    clerk.goto("/incoming/register/")
    _fill_registration(clerk, org, cast, _scans(tmp_path))
    shot(clerk, "01-register-form")
    _submit(clerk, REGISTER)
    letter = IncomingDocument.objects.get()
    assert path_of(clerk) == f"/incoming/{letter.pk}/", clerk.inner_text("main")
    assert re.match(r"1\b", clerk.inner_text("#arrival-number").strip()), clerk.inner_text("#arrival-number")
    assert clerk.get_attribute("[data-status]", "data-status") == "registered"
    assert letter.arrival_number == 1 and letter.presented_to == org.head and letter.issuer_agency == cast.ubnd
    assert letter.issuer_name == "UBND tỉnh Sơn La" and letter.issuer_code == "000.00.00.H51"
    assert letter.urgency == "khan" and letter.reference == f"{NUMBER}/{NOTATION}"
    # The two scanned pages became one PDF of two pages, shown by the viewer.
    assert letter.files.count() == 1 and letter.files.get().stored.page_count == 2
    clerk.locator("[data-pdf-pages] canvas").first.wait_for()
    assert "Lò Văn Hùng" in _success(clerk)
    shot(clerk, "02-registered")

    # The same letter again: a warning, and nothing registered until the clerk confirms.
    clerk.goto("/incoming/register/")
    _fill_registration(clerk, org, cast, [_pdf(tmp_path)])
    _submit(clerk, REGISTER)
    assert path_of(clerk) == "/incoming/register/"
    duplicates = clerk.locator("#duplicates")
    assert duplicates.is_visible()
    assert duplicates.locator(f"a[href='/incoming/{letter.pk}/']").count() == 1
    assert clerk.locator("main form .alert-danger").is_visible()
    assert IncomingDocument.objects.count() == 1
    shot(clerk, "03-duplicate-warning")
    clerk.fill("#id_summary", SUMMARY_AGAIN)
    clerk.check("#id_confirm_duplicate")
    clerk.set_input_files("#id_uploads", str(_pdf(tmp_path)))  # a browser never keeps a file field
    _submit(clerk, REGISTER)
    resent = IncomingDocument.objects.exclude(pk=letter.pk).get()
    assert path_of(clerk) == f"/incoming/{resent.pk}/", clerk.inner_text("main")
    assert resent.arrival_number == 2
    assert re.match(r"2\b", clerk.inner_text("#arrival-number").strip())

    # --- The Giám đốc sees both waiting and routes the letter. ------------------------------------
    sign_in(head, org.head)
    assert _nav_badge(head, "to_route") == "2"
    _open_from_list(head, "to_route", letter)
    assert head.locator("main .urgent-badge").first.is_visible()
    _submit(head, f"main a[href='/incoming/{letter.pk}/route/']")
    head.check(f"input[name=main][value='u:{org.unit.pk}']")
    head.check(f"input[name=coord][value='u:{org.office.pk}']")
    head.check(f"input[name=info][value='u:{cast.inspection.pk}']")
    head.fill("#id_directive", DIRECTIVE)
    head.fill("#id_deadline_days", "5")
    shot(head, "04-routing-grid")
    _submit(head, "form:has(#routing-grid) button[type=submit]")
    assert path_of(head) == f"/incoming/{letter.pk}/", head.inner_text("main")
    _success(head)
    assert _nodes(head) == [("main", "pending"), ("coordinate", "pending"), ("info", "pending")]
    tree = head.inner_text(".routing-tree")
    for name in ("Phòng Công nghệ thông tin", "Văn phòng", "Thanh tra", DIRECTIVE, _vn(unit_deadline)):
        assert name in tree, (name, tree)
    assert head.get_attribute("[data-status]", "data-status") == "routed"
    letter.refresh_from_db()
    assert letter.deadline == unit_deadline and letter.status == IncomingDocument.Status.ROUTED
    assert _nav_badge(head, "to_route") == "1"
    shot(head, "05-routed")
    unit_task = letter.assignments.get(role=Assignment.Role.MAIN)
    coordination = letter.assignments.get(role=Assignment.Role.COORDINATE)
    information = letter.assignments.get(role=Assignment.Role.INFO)

    # --- The head of Phòng CNTT passes it to a specialist with his own opinion and deadline. -----
    sign_in(unit_head, org.unit_head)
    assert _nav_badge(unit_head, "to_handle") == "1"
    _open_from_list(unit_head, "to_handle", letter)
    assert DIRECTIVE in unit_head.inner_text(f"section:has(a[href='/incoming/{letter.pk}/route/{unit_task.pk}/'])")
    _submit(unit_head, f"main a[href='/incoming/{letter.pk}/route/{unit_task.pk}/']")
    assert unit_head.locator("#routing-people").is_visible()
    # Only Phòng CNTT and its people are offered.
    assert unit_head.locator("#routing-grid input[name=main]").count() == 1
    assert unit_head.locator(f"#routing-people input[value='p:{cast.outsider.pk}']").count() == 0
    unit_head.check(f"input[name=main][value='p:{org.specialist.pk}']")
    unit_head.fill(f"input[name='deadline-p:{org.specialist.pk}']", _vn(own_deadline))
    unit_head.fill("#id_directive", OPINION)
    shot(unit_head, "06-pass-on")
    _submit(unit_head, "form:has(#routing-grid) button[type=submit]")
    assert path_of(unit_head) == f"/incoming/{letter.pk}/", unit_head.inner_text("main")
    own_task = Assignment.objects.get(parent=unit_task)
    assert own_task.assignee_person == org.specialist and own_task.deadline == own_deadline
    assert own_task.directive == OPINION
    assert len(_nodes(unit_head)) == 4
    assert unit_head.get_attribute("[data-status]", "data-status") == "in_progress"
    shot(unit_head, "07-passed-on")

    # --- The coordinator (Văn phòng) sends its contribution. -------------------------------------
    coordinator = session.new_page()
    sign_in(coordinator, cast.office_head)
    _open_from_list(coordinator, "to_handle", letter)
    coordinator.fill(f"#text-{coordination.pk}", CONTRIBUTION)
    shot(coordinator, "08-contribution")
    _submit(coordinator, f"button[formaction='/incoming/{letter.pk}/contribute/']")
    _success(coordinator)
    coordination.refresh_from_db()
    assert coordination.state == Assignment.State.DONE
    node = coordinator.locator(".routing-node[data-role=coordinate]")
    assert node.get_attribute("data-state") == "done" and CONTRIBUTION in node.inner_text()
    assert coordinator.locator(f"#text-{coordination.pk}").count() == 0  # nothing left to do

    # --- Thanh tra reads it from its "For information" list. --------------------------------------
    inspector = session.new_page()
    sign_in(inspector, cast.inspector)
    assert _nav_badge(inspector, "for_info") == "1"
    inspector.goto("/incoming/list/for_info/")
    inspector.check(f"#incoming-list input[name=ids][value='{letter.pk}']")
    shot(inspector, "09-for-information")
    _submit(inspector, "form[action='/incoming/bulk/'] button")
    assert path_of(inspector) == "/incoming/list/for_info/"
    assert "1" in _success(inspector)
    assert inspector.locator(f"#incoming-list a[href='/incoming/{letter.pk}/']").count() == 0
    information.refresh_from_db()
    assert information.state == Assignment.State.DONE

    # --- The specialist records progress, opens a dossier and completes the letter into it. --------
    specialist = session.new_page()
    sign_in(specialist, org.specialist)
    _open_from_list(specialist, "to_handle", letter)
    assert OPINION in specialist.inner_text("main")
    specialist.fill(f"#text-{own_task.pk}", PROGRESS)
    _submit(specialist, f"button[formaction='/incoming/{letter.pk}/progress/']")
    _success(specialist)
    own_task.refresh_from_db()
    assert own_task.state == Assignment.State.IN_PROGRESS
    assert PROGRESS in specialist.inner_text(".routing-tree")
    _submit(specialist, "main a[href='/dossiers/']")  # "Open a new dossier"
    specialist.fill("#id_code", "05.CNTT")
    specialist.fill("#id_title", "Hồ sơ triển khai chuyển đổi số năm 2026")
    specialist.select_option("#id_retention", "10")
    specialist.select_option("#id_kind", Dossier.Kind.PERSONAL)
    shot(specialist, "10-new-dossier")
    _submit(specialist, "main form[method=post] button")
    dossier = Dossier.objects.get(code="05.CNTT")
    assert path_of(specialist) == f"/dossiers/{dossier.pk}/", specialist.inner_text("main")
    assert dossier.owner == org.specialist and dossier.status == Dossier.Status.OPEN
    specialist.goto(f"/incoming/{letter.pk}/")
    complete = specialist.locator(f"form[action='/incoming/{letter.pk}/complete/']")
    complete.locator("textarea[name=note]").fill(RESULT)
    complete.locator(f"input[name=dossiers][value='{dossier.pk}']").check()
    shot(specialist, "11-complete")
    with specialist.expect_navigation():
        complete.locator("button").click()
    _success(specialist)
    assert specialist.get_attribute("[data-status]", "data-status") == "completed"
    letter.refresh_from_db()
    assert letter.status == IncomingDocument.Status.COMPLETED and letter.completed_by == org.specialist
    assert letter.completion_note == RESULT
    assert not letter.assignments.filter(state__in=Assignment.OPEN_STATES).exists()
    assert RESULT in specialist.inner_text("#fields-title >> xpath=ancestor::section")
    shot(specialist, "12-completed")
    specialist.goto(f"/dossiers/{dossier.pk}/")
    items = specialist.locator("#dossier-items tbody")
    assert items.locator(f"a[href='/incoming/{letter.pk}/']").count() == 1, items.inner_text()
    assert DossierItem.objects.filter(dossier=dossier).count() == 1
    shot(specialist, "13-dossier")

    # --- The Giám đốc follows it all on the document page. -----------------------------------------
    head.goto(f"/incoming/{letter.pk}/")
    assert head.get_attribute("[data-status]", "data-status") == "completed"
    assert _nodes(head) == [("main", "done"), ("main", "done"), ("coordinate", "done"), ("info", "done")]
    tree = head.inner_text(".routing-tree")
    for text in (OPINION, CONTRIBUTION, PROGRESS, RESULT, "Trần Thị Mai", _vn(own_deadline)):
        assert text in tree, (text, tree)
    kinds = list(letter.notes_set.values_list("kind", flat=True))
    assert kinds == [HandlingNote.Kind.CONTRIBUTION, HandlingNote.Kind.PROGRESS, HandlingNote.Kind.COMPLETION]
    assert head.locator("#timeline li").count() >= 6
    shot(head, "14-followed-by-the-head")

    # --- The re-sent copy went straight to the specialist and runs late: the overview shows it. ----
    late = today - timedelta(days=4)
    _route_late(org, resent, late, person=org.specialist)
    head.goto("/incoming/overview/")
    assert head.inner_text("#overdue-count").strip() == "1"
    rows = head.locator("#overdue-table tbody tr")
    assert rows.count() == 1
    assert rows.first.locator(f"a[href='/incoming/{resent.pk}/']").count() == 1
    assert "Trần Thị Mai" in rows.first.inner_text() and _vn(late) in rows.first.inner_text()
    # Waiting for routing, routed, in progress, completed, cancelled (recalled by the sender); then
    # overdue, due soon, routing late, completed late.
    assert _stat_numbers(head) == ["0", "1", "0", "1", "0", "1", "0", "0", "0"]
    shot(head, "15-overview")
    # The specialist finds it on her "Overdue" list.
    specialist.goto("/incoming/list/overdue/")
    assert specialist.locator(f"#incoming-list a[href='/incoming/{resent.pk}/']").count() == 1
    assert _nav_badge(specialist, "overdue") == "1"

    # --- Someone of another unit cannot open the letter. -----------------------------------------
    outsider = session.new_page()
    sign_in(outsider, cast.outsider)
    response = outsider.goto(f"/incoming/{letter.pk}/")
    assert response is not None and response.status == 404
    assert outsider.locator(f"a[href='/incoming/{letter.pk}/']").count() == 0
    outsider.goto("/incoming/list/all/")
    assert outsider.locator("#incoming-list a[href^='/incoming/']").count() == 0
    shot(outsider, "16-outsider")


def test_overview_lists_a_unit_task_that_runs_late(org, session, shot):
    late = timezone.localdate() - timedelta(days=1)
    document = incoming.register_document(
        by=Actor(org.clerk), agency=org.agency, register=_register(org), presented_to=org.head,
        fields={"issuer_name": "UBND tỉnh Sơn La", "number": "77", "notation": "UBND-VP", "doc_type": "CV",
                "document_date": late - timedelta(days=3), "received_at": timezone.now(),
                "summary": "V/v báo cáo tình hình ứng dụng công nghệ thông tin quý IV"},
        uploads=[SimpleUploadedFile("bao-cao.pdf", _pdf_bytes(), content_type="application/pdf")])
    _route_late(org, document, late, unit=org.unit)
    page = session.new_page()
    sign_in(page, org.head)
    response = page.goto("/incoming/overview/")
    shot(page, "overview")
    assert response is not None and response.status == 200
    assert page.inner_text("#overdue-count").strip() == "1"
    row = page.locator("#overdue-table tbody tr")
    assert "Phòng Công nghệ thông tin" in row.inner_text() and _vn(late) in row.inner_text()


def test_the_clerk_chooses_the_register(org, session, shot, tmp_path):
    letters = _register(org, Register.Category.LETTERS)
    page = session.new_page()
    sign_in(page, org.clerk)
    page.goto("/incoming/register/")
    page.select_option("#id_register", str(letters.pk))
    page.fill("#id_issuer_name", "Ông Lò Văn Pấng, bản Hìn, xã Chiềng Ngần")
    page.fill("#id_document_date", _vn(timezone.localdate()))
    page.select_option("#id_doc_type", "TCg")
    page.fill("#id_summary", "Đơn kiến nghị về chất lượng sóng di động tại bản Hìn")
    page.set_input_files("#id_uploads", str(_pdf(tmp_path)))
    _submit(page, REGISTER)
    shot(page, "registered")
    document = IncomingDocument.objects.get()
    assert document.register == letters, document.register
