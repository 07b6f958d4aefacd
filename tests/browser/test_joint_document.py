"""A joint document (văn bản liên tịch) in the browser (issue 21, several signers): the specialist of
Sở TT&TT submits it naming Sở Nội vụ as co-issuing agency, both heads sign at the same time; Sở Nội
vụ's Giám đốc approves and signs on the page of his agency's joint documents; Sở TT&TT's clerk
numbers and seals it (01/STTTT-SNV); Sở Nội vụ's clerk finds it waiting for his agency's seal,
records it in his register and seals it: it is issued with four signatures poppler finds valid. The
joint pages also at 390 px (a phone): nothing scrolls sideways, the buttons are thumb-sized."""

from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from qlvb.core.actor import Actor
from qlvb.files.services import read_stored
from qlvb.org import services as org_services
from qlvb.outgoing import services
from qlvb.outgoing.models import CoIssuer, OutgoingDocument
from qlvb.signatures.demo import create_demo_pki_for
from qlvb.signatures.verification import pdfsig_check, verify_pdf

from .helpers import sideways, sign_in, tall_enough

pytestmark = pytest.mark.browser
SUMMARY = "V/v phối hợp tổ chức Hội nghị chuyển đổi số tỉnh Sơn La năm 2026"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}


def _pdf() -> SimpleUploadedFile:
    from weasyprint import HTML

    data = HTML(string="<html lang='vi'><body><p>Sở Thông tin và Truyền thông và Sở Nội vụ thống nhất tổ chức "
                       "Hội nghị chuyển đổi số năm 2026.</p></body></html>").write_pdf()
    return SimpleUploadedFile("du-thao.pdf", data, content_type="application/pdf")


def _in_thread(call):  # noqa: ANN001, ANN202
    """Signing and checking signatures run asyncio loops of their own: not in Playwright's thread."""
    from django.db import connection

    result: list = []

    def run() -> None:
        try:
            result.append(call())
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    assert result, "the call failed (see the log)"
    return result[0]


def _on_a_phone(session, person, pages: list[tuple[str, str, list[str]]]) -> None:  # noqa: ANN001
    """Each (url, shot's name, buttons) at 390 px: nothing scrolls sideways, the buttons fit a thumb."""
    phone = session.new_page(phone=True)
    sign_in(phone, person)
    for url, name, buttons in pages:
        phone.goto(url)
        assert sideways(phone) <= 0, url
        for button in buttons:
            tall_enough(phone.locator(button))
        phone.evaluate("window.scrollTo(0, 0)")  # the shot without the sticky top bar over the page
        session.shot(phone, name)
    phone.context.close()


def _submit(page: Page, selector: str) -> None:
    with page.expect_navigation(timeout=60_000):
        page.click(selector, timeout=60_000)


def test_a_joint_document_signed_by_two_heads_and_sealed_by_both_clerks(session, org, other_org):
    org_services.save_signing_authority(by=Actor(org.admin), agency=org.agency, person=org.head)
    create_demo_pki_for(org.agency)
    create_demo_pki_for(other_org.agency)
    doc = services.create_draft(by=Actor(org.specialist), agency=org.agency, uploads=[_pdf()],
                                fields={"doc_type": "CV", "summary": SUMMARY})

    drafter = session.new_page()
    sign_in(drafter, org.specialist)
    drafter.goto(f"/outgoing/{doc.pk}/")
    drafter.select_option("#id_submit-signer", str(org.head.pk))
    drafter.select_option("#id_submit-co_issuers", [str(other_org.agency.pk)])
    drafter.select_option("#id_submit-mode", "parallel")
    _submit(drafter, "#submit-step button")
    expect(drafter.locator("#several-signers [data-signer]")).to_have_count(2)
    expect(drafter.locator(f"#co-issuers [data-co-issuer='{other_org.agency.pk}']")).to_contain_text(
        other_org.agency.name)
    services.approve(by=Actor(org.unit_head), document=doc)
    services.approve(by=Actor(org.head), document=doc)

    # Sở Nội vụ's Giám đốc: his agency's joint documents, then approve and sign there.
    head = session.new_page()
    sign_in(head, other_org.head)
    head.goto("/outgoing/")
    head.click("#nav-joint")
    head.click("text=Văn bản liên tịch chờ cho ý kiến và ký")
    head.click(f"#joint-list a:has-text('{SUMMARY[:30]}')")
    expect(head.locator("#review-step")).to_be_visible()
    session.shot(head, "review-and-sign")
    _on_a_phone(session, other_org.head, [
        ("/outgoing/joint/list/to_sign/", "list-phone", []),
        (head.url, "review-phone", ["#review-step button.btn-primary", "#review-step button.btn-outline-danger",
                                    "#phone-actions a[href='#review-step']"])])
    _submit(head, "#review-step button:has-text('Phê duyệt')")
    expect(head.locator("[data-status]").first).to_have_attribute("data-status", "approved")
    _submit(head, "#sign-step button")
    expect(head.locator(f"[data-signer='{other_org.head.pk}'] [data-state]")).to_have_attribute(
        "data-state", "signed")

    from qlvb.signatures.models import Certificate

    services.authorise_signing(by=Actor(org.head), document=doc, certificate=Certificate.objects.get(
        person=org.head, is_active=True), secret="")
    _in_thread(lambda: services.issue(by=Actor(org.clerk), document=doc))
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.SEALING and doc.reference == "01/STTTT-SNV"

    # Sở Nội vụ's clerk: waiting for his agency's seal.
    clerk = session.new_page()
    sign_in(clerk, other_org.clerk)
    clerk.goto("/outgoing/")
    clerk.click("#nav-joint")
    clerk.click(f"#joint-list a:has-text('{SUMMARY[:30]}')")
    expect(clerk.locator("#issued-number")).to_have_text("01/STTTT-SNV")
    expect(clerk.locator(f"[data-co-issuer='{other_org.agency.pk}'] [data-state]")).to_have_attribute(
        "data-state", "waiting")
    session.shot(clerk, "waiting-for-our-seal")
    _on_a_phone(session, other_org.clerk, [(clerk.url, "seal-phone", ["#seal-button",
                                                                      "#phone-actions a[href='#seal-step']"])])
    _submit(clerk, "#seal-button")
    expect(clerk.locator(".alert-success")).to_contain_text("đã được phát hành")
    expect(clerk.locator("[data-status]").first).to_have_attribute("data-status", "issued")
    expect(clerk.locator(f"[data-co-issuer='{other_org.agency.pk}']")).to_contain_text("số 1")
    session.shot(clerk, "sealed-by-the-co-issuer")

    co_issuer = CoIssuer.objects.get(document=doc)
    assert co_issuer.number == 1 and co_issuer.sealed_by == other_org.clerk
    doc.refresh_from_db()
    pdf = read_stored(doc.issued_file)
    assert len(_in_thread(lambda: verify_pdf(pdf))) == 4 and pdfsig_check(pdf).count("Signature is Valid") == 4
    # The drafter sees both agencies' seals on his document's page.
    drafter.goto(f"/outgoing/{doc.pk}/")
    expect(drafter.locator(f"[data-co-issuer='{other_org.agency.pk}'] [data-state]")).to_have_attribute(
        "data-state", "sealed")
