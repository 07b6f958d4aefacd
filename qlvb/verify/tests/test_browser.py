"""In a real browser, without signing in: someone types the code printed on a document they
received, sees who issued it and that its signatures are valid, and uploads their PDF to learn it
is the issued file; then a changed copy, which is not. Screenshots in test-artifacts/."""

from __future__ import annotations

import pytest

from qlvb.files.services import read_stored
from qlvb.outgoing import codes
from qlvb.verify.tests.conftest import issue
from tests.browser.conftest import Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def issued(org, signing, pki):
    """Issued in a thread of its own: signing runs an event loop, and Playwright's runs in this one."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def work():  # noqa: ANN202
        try:
            return issue(org, signing)
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


@pytest.fixture
def session(browser, live_server, request):
    opened = Session(browser, live_server.url, request.node.name)
    yield opened
    opened.close()
    assert not opened.problems, opened.problems


def test_a_visitor_checks_a_document_by_its_code_and_its_file(org, issued, session):
    pdf = read_stored(issued.issued_file)
    shown = codes.formatted(issued.verification_code)
    for phone in (False, True):
        page = session.new_page(phone=phone)
        page.goto("/verify/")
        page.fill("#id_code", shown.lower().replace("-", " "))  # as someone types it
        with page.expect_navigation():
            page.click("#verify-form button")
        assert page.url.endswith(f"/verify/{shown}/")
        assert issued.reference in page.inner_text("#verification-reference")
        assert org.agency.name in page.inner_text("#verification-document")
        assert org.deputy.full_name in page.inner_text("#verification-signatures")
        assert page.is_visible("#verification-valid")
        session.shot(page, f"code-{'phone' if phone else 'desktop'}")
    page.set_input_files("#verification-file", files=[{"name": "van-ban.pdf", "mimeType": "application/pdf",
                                                       "buffer": pdf}])
    with page.expect_navigation():
        page.click("#verification-upload button")
    assert page.inner_text("#verification-match").strip().startswith("Khớp")
    session.shot(page, "matches")
    page.set_input_files("#verification-file", files=[{"name": "da-sua.pdf", "mimeType": "application/pdf",
                                                       "buffer": pdf + b"\n%%sua\n"}])
    with page.expect_navigation():
        page.click("#verification-upload button")
    assert page.inner_text("#verification-mismatch").strip().startswith("Không khớp")
    session.shot(page, "does-not-match")
