"""The whole sign-and-issue chain with a USB token, in chromium (issue 21): the Phó Giám đốc
registers her token's certificate from the certificates page (the token signs a one-time value,
PIN asked by the plugin), signs the approved draft choosing it, the clerk issues, and she signs the
numbered document on the signing page — the VGCA plugin's protocol spoken by the local agent
(tools/vgca_agent, the key in SoftHSM2) — while the clerk's page updates by itself to "signed"."""

from __future__ import annotations

import concurrent.futures

import pytest
from playwright.sync_api import expect

from qlvb.core.actor import Actor
from qlvb.files.services import read_stored
from qlvb.outgoing.models import OutgoingDocument
from qlvb.signatures import services as signing
from qlvb.signatures.demo import create_demo_pki_for
from qlvb.signatures.models import Certificate, SigningSession
from qlvb.signatures.verification import pdfsig_check, verify_pdf
from tools.vgca_agent import hsm
from tools.vgca_agent.tests.conftest import agent, running_agent, token_folder  # noqa: F401  (fixtures)

from .helpers import sign_in
from .test_remote_signing import _approved, _media, _submit  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("vgca-agent"),
              pytest.mark.skipif(hsm.missing() is not None, reason=hsm.missing() or "")]


def test_the_signer_registers_her_token_and_signs_the_numbered_document_with_it(
        org, root, session, shot, agent, settings) -> None:  # noqa: F811
    settings.QLVB_VGCA_URL = agent.base
    create_demo_pki_for(org.agency)  # the agency's seal key (on the server) and image
    signing.add_trust_anchor(by=Actor(root), certificate=agent.folder.ca_pem.read_bytes())
    document = _approved(org)

    deputy = session.new_page(plugin_certificate_accepted=True)
    sign_in(deputy, org.deputy)
    deputy.goto("/signatures/")
    shot(deputy, "01-certificates-page-with-token")
    _submit(deputy, "[data-vgca-register]")
    assert deputy.locator("main .alert-success").count() == 1, deputy.inner_text("main")
    token = Certificate.objects.get(person=org.deputy, remote_provider="vgca")
    expect(deputy.locator("main li", has_text=token.subject_cn)).to_contain_text("USB Token (Ban Cơ yếu Chính phủ)")

    deputy.goto(f"/outgoing/{document.pk}/")
    sign = f"form[action='/outgoing/{document.pk}/sign/']"
    deputy.select_option(f"{sign} #id_certificate", str(token.pk))
    _submit(deputy, f"{sign} button")
    document.refresh_from_db()
    assert document.status == OutgoingDocument.Status.SIGNED

    clerk = session.new_page()
    sign_in(clerk, org.clerk)
    clerk.goto(f"/outgoing/{document.pk}/issue/preview/")
    _submit(clerk, "#issue-button")
    waiting = clerk.locator("#remote-signature .signing-session")
    expect(waiting).to_have_attribute("data-state", "waiting")
    expect(waiting).to_contain_text("ký số bằng USB Token")
    shot(clerk, "02-clerk-waits-for-the-token")

    deputy.goto(f"/outgoing/{document.pk}/")
    with deputy.expect_navigation():
        deputy.click("#remote-signature a:has-text('Ký ngay')")
    expect(deputy.locator("[data-pdf-viewer]")).to_be_visible()
    shot(deputy, "03-signing-page")
    phone = session.new_page(phone=True, plugin_certificate_accepted=True)  # the same pages at 390 px
    sign_in(phone, org.deputy)
    phone.goto(deputy.url)
    expect(phone.locator("[data-vgca-sign]")).to_be_visible()
    shot(phone, "03-signing-page-phone")
    phone.goto("/signatures/")
    expect(phone.locator("[data-vgca-register]")).to_be_visible()
    shot(phone, "03-certificates-page-phone")
    agent.person_types("cancel")
    deputy.click("[data-vgca-sign]")
    expect(deputy.locator("[data-vgca-status]")).to_have_text("Bạn đã hủy thao tác ký số.", timeout=30_000)
    agent.person_types(agent.pin)
    deputy.click("[data-vgca-sign]")
    expect(deputy.locator(".signing-session")).to_have_attribute("data-state", "completed", timeout=30_000)
    shot(deputy, "04-signed")

    expect(waiting).to_have_attribute("data-state", "completed", timeout=15_000)  # the clerk's page, no reload
    document.refresh_from_db()
    assert document.status == OutgoingDocument.Status.ISSUED
    pdf = read_stored(document.issued_file)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright's event loop runs in this thread
        reports = pool.submit(verify_pdf, pdf).result()
    assert len(reports) == 2 and all(r.intact and r.valid and r.trusted for r in reports)
    assert reports[0].signer_name == token.subject_cn
    assert pdfsig_check(pdf).count("Signature is Valid") == 2
    assert SigningSession.objects.get(target_id=document.pk).provider == "vgca"
