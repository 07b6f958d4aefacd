"""Signing with a key at a CSC signing service, in the browser (issue 21): the Phó Giám đốc signs
choosing his CSC key (no passphrase: the service asks him), the clerk issues it; the page shows
that the signer's signature is being asked and, when the job worker brings it back, updates itself
without reload to the signed document. Against certomancer-csc-dummy, started by the test. The
agency with two keys for its seal: the clerk chooses one on the preview, on a phone too."""

from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from qlvb.core.actor import Actor
from qlvb.org import services as org_services
from qlvb.org.models import SigningAuthority
from qlvb.outgoing import services
from qlvb.outgoing.models import OutgoingDocument
from qlvb.signatures import deferred
from qlvb.signatures import services as signing
from qlvb.signatures.demo import create_demo_pki_for
from qlvb.signatures.models import Certificate, SigningSession
from qlvb.signatures.tests.csc_server import csc_server

from .helpers import sideways, sign_in, tall_enough

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}


@pytest.fixture
def csc(tmp_path, settings):
    with csc_server(tmp_path / "csc") as server:
        settings.QLVB_CSC = {"base_url": server.url, "timeout": 5}
        yield server


def _pdf() -> SimpleUploadedFile:
    from weasyprint import HTML

    data = HTML(string="<html lang='vi'><body><p>Sở Thông tin và Truyền thông báo cáo tình hình ứng dụng "
                       "công nghệ thông tin năm 2026.</p></body></html>").write_pdf()
    return SimpleUploadedFile("du-thao.pdf", data, content_type="application/pdf")


def _approved(org) -> OutgoingDocument:
    by = Actor(org.admin)
    field = org_services.save_field(by=by, agency=org.agency, name="Công nghệ thông tin", leader=org.deputy,
                                    units=[org.unit])
    org_services.save_signing_authority(by=by, agency=org.agency, person=org.deputy,
                                        capacity=SigningAuthority.Capacity.KT, fields=[field])
    doc = services.create_draft(by=Actor(org.specialist), agency=org.agency, uploads=[_pdf()],
                                fields={"doc_type": "CV", "summary": "V/v báo cáo ứng dụng CNTT năm 2026",
                                        "field": field})
    services.submit(by=Actor(org.specialist), document=doc, signer=org.deputy)
    for person in (org.unit_head, org.deputy):
        services.approve(by=Actor(person), document=doc)
    doc.refresh_from_db()
    return doc


def _worker_step(session_id: int) -> None:
    from django.db import connection

    try:
        deferred.advance(SigningSession.objects.get(pk=session_id))
    finally:
        connection.close()


def _submit(page: Page, selector: str) -> None:
    with page.expect_navigation(timeout=60_000):
        page.click(selector, timeout=60_000)


def test_the_signer_chooses_his_csc_key_and_the_page_updates_when_the_worker_brings_the_signature(
        org, root, session, shot, csc):
    create_demo_pki_for(org.agency)  # the agency's seal key and image
    signing.add_trust_anchor(by=Actor(root), certificate=csc.root_der)
    remote = signing.add_remote_certificate(by=Actor(org.deputy), provider="csc", account="qlvb",
                                            remote_id="qlvb/signer", person=org.deputy)
    document = _approved(org)

    deputy = session.new_page()
    sign_in(deputy, org.deputy)
    deputy.goto(f"/outgoing/{document.pk}/")
    sign = f"form[action='/outgoing/{document.pk}/sign/']"
    deputy.select_option(f"{sign} #id_certificate", str(remote.pk))
    shot(deputy, "01-signer-chooses-csc-key")
    _submit(deputy, f"{sign} button")
    assert deputy.locator("main .alert-danger").count() == 0, deputy.inner_text("main")
    document.refresh_from_db()
    assert document.status == OutgoingDocument.Status.SIGNED

    clerk = session.new_page()
    sign_in(clerk, org.clerk)
    clerk.goto(f"/outgoing/{document.pk}/issue/preview/")
    _submit(clerk, "#issue-button")
    waiting = clerk.locator("#remote-signature .signing-session")
    expect(waiting).to_have_attribute("data-state", "waiting")
    assert clerk.locator("#issue-step").count() == 0  # not twice while it waits
    shot(clerk, "02-waiting-for-the-signature")
    url_before = clerk.url

    # The job worker's step (what `run_huey` does every minute and at once when the session starts),
    # in a thread of its own as the worker is a process of its own (Playwright's loop runs here).
    session_row = SigningSession.objects.get(target_id=document.pk)
    worker = threading.Thread(target=_worker_step, args=(session_row.pk,))
    worker.start()
    worker.join(60)
    session_row.refresh_from_db()
    assert session_row.state == "completed", session_row.error_message

    expect(waiting).to_have_attribute("data-state", "completed", timeout=15_000)
    assert clerk.url == url_before  # no reload: the part of the page polled its state
    shot(clerk, "03-signed-without-reload")
    document.refresh_from_db()
    assert document.status == OutgoingDocument.Status.ISSUED
    link = clerk.locator("#remote-signature .signing-session-result")
    assert link.get_attribute("href") == f"/outgoing/{document.pk}/issued/view/"


def test_the_clerk_chooses_the_agency_key_for_the_seal_on_a_phone(org, root, session, shot, csc):
    """Its key on the server and one at a signing service: the preview asks which seals, at 390 px
    as at 1280 px, without the page scrolling sideways."""
    document = _approved(org)
    create_demo_pki_for(org.agency)
    signing.add_trust_anchor(by=Actor(root), certificate=csc.root_der)
    service_key = signing.add_remote_certificate(by=Actor(org.admin), provider="csc", account="qlvb",
                                                 remote_id="qlvb/other", agency=org.agency)
    services.authorise_signing(by=Actor(org.deputy), document=document, secret="",
                               certificate=Certificate.objects.get(person=org.deputy, is_active=True))

    url = f"/outgoing/{document.pk}/issue/preview/"
    for phone in (False, True):
        clerk = session.new_page(phone=phone)
        sign_in(clerk, org.clerk)
        clerk.goto(url)
        choice = clerk.locator("#issue-options select[name=agency_certificate]")
        expect(choice.locator(f"option[value='{service_key.pk}']")).to_contain_text("Dịch vụ ký số từ xa")
        clerk.locator("#preview [data-pdf-pages] canvas").first.wait_for(timeout=30_000)
        if phone:
            assert sideways(clerk) <= 0
            for main in (choice, clerk.locator("#refresh-preview"), clerk.locator("#issue-button")):
                tall_enough(main)
            clerk.evaluate("window.scrollTo(0, 0)")  # the shot without the sticky top bar over the page
        shot(clerk, "agency-key-choice-phone" if phone else "agency-key-choice")
