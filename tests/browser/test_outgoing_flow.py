"""An outgoing document's whole journey in the browser, as in the issue: a specialist of Phòng CNTT
drafts a reply to an incoming letter from UBND tỉnh, attaches the related documents and submits it;
the head of the unit comments and sends it back; the specialist uploads a new version (the changes
show as a diff) and submits again; the head approves (recording a disagreement for the signer), the
clerk checks the format, the Phó Giám đốc in charge of the field approves and signs with his
certificate; the clerk gives it the next number (01/STTTT-CNTT), signs as the agency and issues it to
UBND tỉnh and to two units inside the agency. The issued PDF carries two signatures poppler finds
valid; the recipient units find it in their lists; someone of another agency gets a 404."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import Page
from pypdf import PdfReader, PdfWriter

from conftest import Org, make_person
from qlvb.core.actor import Actor
from qlvb.incoming import services as incoming
from qlvb.incoming.models import Assignment, IncomingDocument
from qlvb.org import services as org_services
from qlvb.org.models import Person, SigningAuthority
from qlvb.outgoing.models import (
    Delivery,
    DraftVersion,
    OutgoingDocument,
    OutgoingSettings,
    Recipient,
    ReviewStep,
)
from qlvb.registers.models import Register
from qlvb.registers.services import ensure_default_registers
from qlvb.signatures import pki
from qlvb.signatures.demo import create_demo_pki_for, demo_ca
from qlvb.signatures.models import Certificate
from qlvb.signatures.services import add_pkcs12_certificate

from .helpers import path_of, sign_in

pytestmark = pytest.mark.browser

LETTER_NUMBER, LETTER_NOTATION = "1234", "UBND-KGVX"
LETTER_SUMMARY = "V/v báo cáo kết quả triển khai chuyển đổi số trong các cơ quan nhà nước năm 2025"
REPLY_SUMMARY = f"V/v trả lời văn bản số {LETTER_NUMBER}/{LETTER_NOTATION} của UBND tỉnh Sơn La"
FIRST_TEXT = ("Sở Thông tin và Truyền thông báo cáo kết quả triển khai chuyển đổi số năm 2025 như sau: "
              "đã cung cấp 120 dịch vụ công trực tuyến toàn trình.")
SECOND_TEXT = ("Sở Thông tin và Truyền thông báo cáo kết quả triển khai chuyển đổi số năm 2025 như sau: "
               "đã cung cấp 156 dịch vụ công trực tuyến toàn trình, đạt 100% kế hoạch.")
SUBMIT_NOTE = "Kính trình anh Bình xem xét."
RETURN_OPINION = "Cập nhật số liệu dịch vụ công trực tuyến đến hết tháng 12."
VERSION_COMMENT = "Đã cập nhật số liệu theo ý kiến Trưởng phòng."
APPROVE_OPINION = "Đồng ý, kính trình Phó Giám đốc."
DISAGREEMENT = "Đề nghị nêu thêm khó khăn về hạ tầng mạng; chuyên viên chưa bổ sung."
SIGNER_OPINION = "Đồng ý ban hành."
ISSUED_REFERENCE = "01/STTTT-CNTT"
KEY_PASSPHRASE = "Khóa-ký-số-PGĐ-2026"  # noqa: S105 - a test key file's passphrase
ISSUE_TIMEOUT_MS = 60_000  # LibreOffice turns the DOCX into PDF, then two signatures are applied


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}


def _docx(path: Path, text: str) -> Path:
    from docx import Document

    document = Document()
    document.add_paragraph("SỞ THÔNG TIN VÀ TRUYỀN THÔNG")
    document.add_paragraph("Số: {{so_ky_hieu}}")
    document.add_paragraph("{{ngay_thang}}")
    document.add_paragraph(REPLY_SUMMARY)
    document.add_paragraph("Kính gửi: Ủy ban nhân dân tỉnh Sơn La")
    document.add_paragraph(text)
    document.save(path)
    return path


def _pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _own_key_file(org: Org, person: Person) -> Certificate:
    """A personal PKCS#12 key file from the demo CA, added by its owner; the passphrase is not kept."""
    ca, _created = demo_ca()
    key, cert = pki.issue(ca.key, ca.cert, common_name=person.full_name, organisation=org.agency.name)
    data = pki.to_pkcs12(key, cert, [ca.cert], KEY_PASSPHRASE, person.full_name)
    return add_pkcs12_certificate(by=Actor(person), data=data, passphrase=KEY_PASSPHRASE, person=person)


class Cast:
    """The province and the agency's people beyond the org fixture, and the incoming letter the
    specialist answers, all set up through the services."""

    def __init__(self, org: Org, root: Person) -> None:
        by, admin = Actor(root), Actor(org.admin)
        self.ubnd = org_services.create_agency(by=by, code="000.00.00.H51", abbreviation="UBND",
                                               name="UBND tỉnh Sơn La")
        self.planning = org_services.create_unit(by=by, agency=org.agency, name="Phòng Kế hoạch - Tài chính",
                                                 abbreviation="KHTC", order=6)
        self.office_person = make_person(org.agency, "stttt.vp.cv", "Lường Thị Hoa")
        org_services.assign_post(by=by, person=self.office_person, unit=org.office, position=org.positions["cv"])
        self.planning_person = make_person(org.agency, "stttt.khtc", "Quàng Văn Tú")
        org_services.assign_post(by=by, person=self.planning_person, unit=self.planning,
                                 position=org.positions["cv"])
        # Who signs: the Giám đốc everything, the Phó Giám đốc "KT." in the CNTT field.
        self.field = org_services.save_field(by=admin, agency=org.agency, name="Công nghệ thông tin",
                                             leader=org.deputy, units=[org.unit])
        org_services.save_signing_authority(by=admin, agency=org.agency, person=org.head)
        org_services.save_signing_authority(by=admin, agency=org.agency, person=org.deputy,
                                            capacity=SigningAuthority.Capacity.KT, fields=[self.field])
        OutgoingSettings.objects.update_or_create(agency=org.agency, defaults={"office_check": True,
                                                                               "office_checker": org.clerk})
        # The Phó Giám đốc signs with his own key file (a passphrase only he knows); the demo PKI gives
        # the agency its certificate and seal and the Giám đốc a demo key.
        self.key = _own_key_file(org, org.deputy)
        create_demo_pki_for(org.agency)
        self.letter = self._letter(org)

    def _letter(self, org: Org) -> IncomingDocument:
        """The letter of UBND tỉnh, registered, routed to Phòng CNTT and passed to the specialist."""
        ensure_default_registers(org.agency)
        register = Register.objects.get(agency=org.agency, direction=Register.Direction.INCOMING,
                                        category=Register.Category.ORDINARY)
        letter = incoming.register_document(
            by=Actor(org.clerk), agency=org.agency, register=register, presented_to=org.head,
            fields={"issuer_agency": self.ubnd, "number": LETTER_NUMBER, "notation": LETTER_NOTATION,
                    "doc_type": "CV", "document_date": timezone.localdate() - timedelta(days=3),
                    "received_at": timezone.now(), "summary": LETTER_SUMMARY},
            uploads=[SimpleUploadedFile("cong-van-1234.pdf", _pdf_bytes(2), content_type="application/pdf")])
        incoming.route(by=Actor(org.head), document=letter, main=incoming.Target(unit=org.unit),
                       directive="Giao Phòng CNTT tham mưu văn bản trả lời.")
        unit_task = Assignment.objects.get(document=letter, role=Assignment.Role.MAIN)
        incoming.route(by=Actor(org.unit_head), document=letter, main=incoming.Target(person=org.specialist),
                       directive="Chị Mai dự thảo văn bản trả lời.", parent=unit_task)
        return letter


# --- Small steps through the pages ---------------------------------------------------------------

def _submit(page: Page, selector: str, timeout: float | None = None) -> None:
    with page.expect_navigation(**({"timeout": timeout} if timeout else {})):
        page.click(selector, **({"timeout": timeout} if timeout else {}))


def _success(page: Page) -> str:
    alerts = page.locator("main .alert-success")
    assert alerts.count() >= 1, page.inner_text("main")
    return alerts.first.inner_text()


def _no_errors(page: Page) -> None:
    errors = page.locator("main .alert-danger, main .invalid-feedback")
    assert errors.count() == 0, errors.all_inner_texts()


def _badge(page: Page, list_name: str) -> str:
    badge = page.locator(f"#sidebar a[href='/outgoing/list/{list_name}/'] .badge")
    return badge.inner_text().strip() if badge.count() else ""


def _open_from_list(page: Page, list_name: str, document: OutgoingDocument) -> None:
    page.goto(f"/outgoing/list/{list_name}/")
    link = f"#outgoing-list a[href='/outgoing/{document.pk}/']"
    assert page.locator(link).count() == 1, page.inner_text("main")
    _submit(page, link)
    assert path_of(page) == f"/outgoing/{document.pk}/"


def _home(page: Page, name: str) -> int:
    """The count on the person's home page (their outgoing work beside the incoming)."""
    page.goto("/")
    found = page.locator(f"#outgoing-counts [data-count='{name}']")
    return int(found.inner_text()) if found.count() else -1


def _status(page: Page) -> str | None:
    return page.get_attribute("[data-status]", "data-status")


def _steps(page: Page) -> list[tuple[str, str]]:
    items = page.locator("#review-steps li[data-kind]")
    return [(items.nth(i).get_attribute("data-kind"), items.nth(i).get_attribute("data-state"))
            for i in range(items.count())]


def _review(page: Page, document: OutgoingDocument, verb: str, opinion: str = "", disagreement: str = "") -> None:
    if opinion:
        page.fill("#id_opinion", opinion)
    if disagreement:
        page.fill("#id_disagreement", disagreement)
    _submit(page, f"button[formaction='/outgoing/{document.pk}/{verb}/']")
    _no_errors(page)
    _success(page)


def _submit_for_review(page: Page, document: OutgoingDocument, signer: Person, note: str = "") -> None:
    form = f"form[action='/outgoing/{document.pk}/submit/']"
    page.select_option(f"{form} #id_submit-signer", str(signer.pk))
    if note:
        page.fill(f"{form} #id_submit-comment", note)
    _submit(page, f"{form} button")
    _no_errors(page)
    _success(page)


@pytest.mark.slow
def test_reply_to_the_province_is_drafted_reviewed_signed_and_issued(org, other_org, root, session, shot,
                                                                     tmp_path):
    cast = Cast(org, root)
    letter = cast.letter
    first_draft = _docx(tmp_path / "du-thao-tra-loi-v1.docx", FIRST_TEXT)
    second_draft = _docx(tmp_path / "du-thao-tra-loi-v2.docx", SECOND_TEXT)
    annex = tmp_path / "phu-luc-so-lieu.pdf"
    annex.write_bytes(_pdf_bytes())
    specialist, unit_head = session.new_page(), session.new_page()

    # --- The specialist opens the letter and drafts the reply. -------------------------------------
    sign_in(specialist, org.specialist)
    specialist.goto(f"/incoming/{letter.pk}/")
    _submit(specialist, f"main a[href='/outgoing/new/?reply_to={letter.pk}']")  # "Draft a reply"
    assert path_of(specialist) == "/outgoing/new/"
    assert specialist.locator(f"main .alert-info a[href='/incoming/{letter.pk}/']").count() == 1
    assert specialist.input_value("#id_summary") == REPLY_SUMMARY
    assert specialist.input_value("#id_doc_type") == "CV"
    # The letter's issuer is already chosen among the agencies of the installation.
    chosen = specialist.eval_on_selector("#id_agencies", "s => [...s.selectedOptions].map(o => o.value)")
    assert chosen == [str(cast.ubnd.pk)], chosen
    specialist.select_option("#id_doc_type", "CV")
    specialist.select_option("#id_drafting_unit", str(org.unit.pk))
    specialist.select_option("#id_field", str(cast.field.pk))
    specialist.select_option("#id_agencies", [str(cast.ubnd.pk)])
    specialist.select_option("#id_units", [str(org.office.pk), str(cast.planning.pk)])
    specialist.set_input_files("#id_upload", str(first_draft))
    specialist.set_input_files("#id_attachments", str(annex))
    shot(specialist, "01-draft-a-reply")
    _submit(specialist, "main form[enctype='multipart/form-data'] button")
    _no_errors(specialist)
    document = OutgoingDocument.objects.get()
    assert path_of(specialist) == f"/outgoing/{document.pk}/", specialist.inner_text("main")
    _success(specialist)
    assert _status(specialist) == "draft"
    assert document.reply_to == letter and list(document.related_incoming.all()) == [letter]
    assert document.drafter == org.specialist and document.drafting_unit == org.unit
    assert document.field == cast.field and document.doc_type == "CV" and document.summary == REPLY_SUMMARY
    recipients = {(r.kind, r.agency_id or r.unit_id) for r in document.recipients.all()}
    assert recipients == {(Recipient.Kind.AGENCY, cast.ubnd.pk), (Recipient.Kind.UNIT, org.office.pk),
                          (Recipient.Kind.UNIT, cast.planning.pk)}, recipients
    assert document.attachments.count() == 1
    assert specialist.locator("#versions li").count() == 1
    assert specialist.locator(f"main a[href='/incoming/{letter.pk}/']").count() >= 1  # "Reply to"
    shot(specialist, "02-draft-created")

    # She submits it, choosing the Phó Giám đốc in charge of the field as the signer.
    signers = specialist.eval_on_selector("#id_submit-signer", "s => [...s.options].map(o => o.value).filter(Boolean)")
    assert sorted(signers) == sorted([str(org.head.pk), str(org.deputy.pk)]), signers
    _submit_for_review(specialist, document, org.deputy, SUBMIT_NOTE)
    assert _status(specialist) == "in_review"
    assert _steps(specialist) == [("unit_head", "pending"), ("office", "waiting"), ("signer", "waiting")]
    assert specialist.locator("#id_submit-signer").count() == 0  # nothing more to submit
    shot(specialist, "03-submitted")

    # --- The head of Phòng CNTT comments and sends it back. ---------------------------------------
    sign_in(unit_head, org.unit_head)
    assert _badge(unit_head, "to_review") == "1"
    assert _home(unit_head, "to_review") == 1 and _home(unit_head, "to_sign") == 0
    assert document.summary in unit_head.inner_text("#waiting-for-me")
    shot(unit_head, "03b-home-unit-head")
    _open_from_list(unit_head, "to_review", document)
    assert unit_head.locator("#id_opinion").is_visible()
    unit_head.fill("#id_opinion", RETURN_OPINION)
    shot(unit_head, "04-head-reviews")
    _review(unit_head, document, "return", RETURN_OPINION)
    assert _status(unit_head) == "returned"
    assert _steps(unit_head) == [("unit_head", "returned"), ("office", "superseded"), ("signer", "superseded")]
    assert RETURN_OPINION in unit_head.inner_text("#review-steps")
    assert unit_head.locator("#id_opinion").count() == 0
    assert _badge(unit_head, "to_review") == ""

    # --- The specialist uploads a new version, looks at the changes and submits again. ------------
    assert _home(specialist, "returned") == 1  # the draft returned to her is on her home page
    shot(specialist, "04b-home-drafter")
    specialist.goto(f"/outgoing/{document.pk}/")
    assert _status(specialist) == "returned"
    assert RETURN_OPINION in specialist.inner_text("#review-steps")
    version_form = f"form[action='/outgoing/{document.pk}/version/']"
    specialist.set_input_files(f"{version_form} #id_version-upload", str(second_draft))
    specialist.fill(f"{version_form} #id_version-comment", VERSION_COMMENT)
    shot(specialist, "05-new-version")
    _submit(specialist, f"{version_form} button")
    _no_errors(specialist)
    _success(specialist)
    versions = specialist.locator("#versions li")
    assert versions.count() == 2
    assert VERSION_COMMENT in versions.first.inner_text() and "v2" in versions.first.inner_text()
    assert list(document.versions.values_list("number", "role")) == [(1, DraftVersion.Role.DRAFTER),
                                                                      (2, DraftVersion.Role.DRAFTER)]
    _submit(specialist, "#versions a[href*='/diff/?a=1']")  # "Changes"
    assert path_of(specialist) == f"/outgoing/{document.pk}/diff/"
    diff = specialist.locator("#version-diff .version-diff-text")
    inserted = " ".join(diff.locator("ins").all_inner_texts())
    deleted = " ".join(diff.locator("del").all_inner_texts())
    assert "156" in inserted and "100%" in inserted, inserted
    assert "120" in deleted, deleted
    shot(specialist, "06-changes")
    specialist.goto(f"/outgoing/{document.pk}/")
    _submit_for_review(specialist, document, org.deputy)
    assert _status(specialist) == "in_review"
    assert _steps(specialist)[3:] == [("unit_head", "pending"), ("office", "waiting"), ("signer", "waiting")]
    assert document.steps.filter(round=2).count() == 3

    # --- The head approves, recording a disagreement for the signer. -------------------------------
    unit_head.reload()
    assert _badge(unit_head, "to_review") == "1"
    _open_from_list(unit_head, "to_review", document)
    unit_head.fill("#id_opinion", APPROVE_OPINION)
    unit_head.fill("#id_disagreement", DISAGREEMENT)
    shot(unit_head, "07-head-approves")
    _review(unit_head, document, "approve", APPROVE_OPINION, DISAGREEMENT)
    assert _steps(unit_head)[3:] == [("unit_head", "approved"), ("office", "pending"), ("signer", "waiting")]
    assert DISAGREEMENT in unit_head.inner_text("#disagreements")

    # --- The clerk checks the format. ----------------------------------------------------------------
    clerk = session.new_page()
    sign_in(clerk, org.clerk)
    assert _badge(clerk, "to_review") == "1"
    _open_from_list(clerk, "to_review", document)
    assert clerk.locator("#issued-number").count() == 0
    _review(clerk, document, "approve", "Đúng thể thức.")
    assert _steps(clerk)[3:] == [("unit_head", "approved"), ("office", "approved"), ("signer", "pending")]
    assert _badge(clerk, "to_issue") == ""

    # --- The Phó Giám đốc approves for issuing, then signs with his certificate. ---------------------
    deputy = session.new_page()
    sign_in(deputy, org.deputy)
    assert _badge(deputy, "to_sign") == "1"
    # "Chờ bạn phê duyệt" lists the draft waiting for her signature (it said nothing before).
    assert _home(deputy, "to_sign") == 1 and document.summary in deputy.inner_text("#waiting-for-me")
    shot(deputy, "09b-home-signer")
    _open_from_list(deputy, "to_sign", document)
    assert DISAGREEMENT in deputy.inner_text("#disagreements")
    assert org.unit_head.full_name in deputy.inner_text("#disagreements")
    shot(deputy, "08-signer-reviews")
    _review(deputy, document, "approve", SIGNER_OPINION)
    assert _status(deputy) == "approved"
    assert _steps(deputy)[3:] == [("unit_head", "approved"), ("office", "approved"), ("signer", "approved")]
    sign = f"form[action='/outgoing/{document.pk}/sign/']"
    assert deputy.locator(f"{sign} #id_certificate option[value='{cast.key.pk}']").count() == 1
    # A wrong passphrase is refused and nothing is signed.
    deputy.select_option(f"{sign} #id_certificate", str(cast.key.pk))
    deputy.fill(f"{sign} #id_secret", "sai-mat-khau")
    _submit(deputy, f"{sign} button")
    assert deputy.locator("main .alert-danger").count() == 1, deputy.inner_text("main")
    assert _status(deputy) == "approved"
    shot(deputy, "09-wrong-passphrase")
    deputy.select_option(f"{sign} #id_certificate", str(cast.key.pk))
    deputy.fill(f"{sign} #id_secret", KEY_PASSPHRASE)
    shot(deputy, "10-sign-form")
    _submit(deputy, f"{sign} button")
    _no_errors(deputy)
    _success(deputy)
    assert _status(deputy) == "signed"
    assert _badge(deputy, "to_sign") == ""
    assert deputy.locator(sign).count() == 0
    shot(deputy, "11-signed")

    # --- The clerk numbers it, signs as the agency and issues it. -------------------------------------
    clerk.reload()
    assert _badge(clerk, "to_issue") == "1"
    assert _home(clerk, "to_issue") == 1 and _home(clerk, "reception") == 0
    shot(clerk, "11b-home-clerk")
    _open_from_list(clerk, "to_issue", document)
    # First the preview: the document as it will go out, with the number it would get now.
    _submit(clerk, "#issue-preview-link", timeout=ISSUE_TIMEOUT_MS)
    _no_errors(clerk)
    default_register = clerk.input_value("#issue-options #id_register")
    assert default_register == str(Register.objects.get(agency=org.agency, direction=Register.Direction.OUTGOING,
                                                         category=Register.Category.ORDINARY).pk)
    clerk.locator("#preview [data-pdf-pages] canvas").first.wait_for()
    shot(clerk, "12-issue-preview")
    # The clerk moves the number and date by clicking on the page: the preview is made again there.
    first_page = clerk.locator("#preview .pdf-viewer-page[data-page='1']")
    box = first_page.bounding_box()
    with clerk.expect_navigation(timeout=ISSUE_TIMEOUT_MS):
        first_page.click(position={"x": box["width"] * 0.1, "y": box["height"] * 0.12})
    _no_errors(clerk)
    assert clerk.input_value("#issue-form input[name='page']") == "1"
    assert 0.08 < float(clerk.input_value("#issue-form input[name='fy']")) < 0.16
    clerk.locator("#preview [data-pdf-pages] canvas").first.wait_for()
    assert document.__class__.objects.get(pk=document.pk).number is None  # looking numbers nothing
    _submit(clerk, "#issue-button", timeout=ISSUE_TIMEOUT_MS)
    _no_errors(clerk)
    assert ISSUED_REFERENCE in _success(clerk)
    assert _status(clerk) == "issued"
    assert clerk.inner_text("#issued-number").strip() == ISSUED_REFERENCE
    clerk.locator("[data-pdf-pages] canvas").first.wait_for()
    assert _badge(clerk, "to_issue") == ""
    document.refresh_from_db()
    assert document.status == OutgoingDocument.Status.ISSUED and document.reference == ISSUED_REFERENCE
    assert document.issued_by == org.clerk
    assert Delivery.objects.filter(document=document, recipient_agency=cast.ubnd).exists()
    assert not document.recipients.filter(delivered_at__isnull=True).exists()
    assert document.attachments.get().signed is not None
    shot(clerk, "13-issued")

    # Anyone opens the issued PDF in a standard reader: two valid signatures, the number in the text.
    with clerk.expect_download() as download_info:
        clerk.click(f"main a[href='/outgoing/{document.pk}/issued/download/']")
    issued = tmp_path / "issued.pdf"
    download_info.value.save_as(issued)
    assert download_info.value.suggested_filename == "01-STTTT-CNTT.pdf"
    text = "".join(page.extract_text() or "" for page in PdfReader(issued).pages)
    assert ISSUED_REFERENCE in text, text
    assert f"năm {timezone.localdate().year}" in text, text
    assert "{{" not in text, text
    if shutil.which("pdfsig"):
        report = subprocess.run(["pdfsig", str(issued)], capture_output=True, check=False, text=True).stdout
        assert report.count("Signature is Valid") == 2, report

    # The letter it answers shows the reply.
    specialist.goto(f"/incoming/{letter.pk}/")
    assert specialist.locator(f"main a[href='/outgoing/{document.pk}/']").count() >= 1
    assert ISSUED_REFERENCE in specialist.inner_text("main")
    shot(specialist, "14-letter-with-reply")

    # --- The two recipient units find it among the documents received inside the agency. ----------
    for person, name in ((cast.office_person, "15-office-received"), (cast.planning_person, "16-planning-received")):
        reader = session.new_page()
        sign_in(reader, person)
        _open_from_list(reader, "received", document)
        assert reader.inner_text("#issued-number").strip() == ISSUED_REFERENCE
        reader.locator("[data-pdf-pages] canvas").first.wait_for()
        shot(reader, name)

    # --- Someone of another agency cannot open it. -------------------------------------------------
    outsider = session.new_page()
    sign_in(outsider, other_org.clerk)
    response = outsider.goto(f"/outgoing/{document.pk}/")
    assert response is not None and response.status == 404
    response = outsider.goto(f"/outgoing/{document.pk}/issued/download/")
    assert response is not None and response.status == 404
    outsider.goto("/outgoing/list/issued/")
    assert outsider.locator(f"#outgoing-list a[href='/outgoing/{document.pk}/']").count() == 0
    shot(outsider, "17-outsider")
    assert ReviewStep.objects.filter(document=document, state=ReviewStep.State.PENDING).count() == 0


def test_a_demo_certificate_signs_without_typing_the_passphrase(org, session, shot, tmp_path):
    from qlvb.outgoing import services as outgoing

    by_admin = Actor(org.admin)
    field = org_services.save_field(by=by_admin, agency=org.agency, name="Công nghệ thông tin", leader=org.deputy,
                                    units=[org.unit])
    org_services.save_signing_authority(by=by_admin, agency=org.agency, person=org.deputy,
                                        capacity=SigningAuthority.Capacity.KT, fields=[field])
    OutgoingSettings.objects.update_or_create(agency=org.agency, defaults={"office_check": False})
    create_demo_pki_for(org.agency)
    draft = _docx(tmp_path / "du-thao.docx", FIRST_TEXT)
    document = outgoing.create_draft(
        by=Actor(org.specialist), agency=org.agency, fields={"doc_type": "CV", "summary": REPLY_SUMMARY,
                                                             "field": field},
        uploads=[SimpleUploadedFile(draft.name, draft.read_bytes())])
    outgoing.submit(by=Actor(org.specialist), document=document, signer=org.deputy)
    for person in (org.unit_head, org.deputy):
        outgoing.approve(by=Actor(person), document=document)
    demo_key = Certificate.objects.get(person=org.deputy, is_active=True)
    assert demo_key.passphrase_stored

    page = session.new_page()
    sign_in(page, org.deputy)
    page.goto(f"/outgoing/{document.pk}/")
    sign = f"form[action='/outgoing/{document.pk}/sign/']"
    page.select_option(f"{sign} #id_certificate", str(demo_key.pk))
    _submit(page, f"{sign} button")  # the passphrase left empty: the server has it
    shot(page, "signed-with-the-demo-key")
    assert _status(page) == "signed", page.inner_text("main .alert-danger")
