"""vgca.js in Debian's chromium against the agent: a page under the site's Content Security Policy
asks QLVBVgca for a signature over a known digest, and the signature is checked here, in Python,
as the server will check it. The refusals reach the page as the contract's codes, in Vietnamese."""

from __future__ import annotations

import base64
import hashlib
import socket
from collections.abc import Iterator

import pytest
from cryptography import x509
from playwright.sync_api import Browser, Page

from conftest import watch_csp
from tools.vgca_agent import hsm

from .conftest import RunningAgent
from .test_agent import verify

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("vgca-agent"),
    pytest.mark.urls("tools.vgca_agent.tests.urls"),
    pytest.mark.skipif(hsm.missing() is not None, reason=hsm.missing() or ""),
]

DIGEST = hashlib.sha256("Công văn số 345/STTTT-VP".encode()).digest()


@pytest.fixture
def open_page(browser: Browser, live_server) -> Iterator:  # noqa: ANN001
    """A page of the harness talking to `base`. The agent's loopback certificate is self-signed, as
    the real plugin's is until the person accepts it once: the context ignores certificate errors
    (Playwright's ignore_https_errors covers wss:// too)."""
    contexts, problems = [], []

    def _open(base: str) -> Page:
        context = browser.new_context(ignore_https_errors=True, locale="vi-VN")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
        watch_csp(page, problems)
        page.goto(f"{live_server.url}/vgca-harness/?base={base}")
        return page

    yield _open
    for context in contexts:
        context.close()
    assert problems == []


def result(page: Page, button: str) -> dict[str, str]:
    page.click(f"#{button}")
    page.wait_for_function("() => !['idle', 'busy'].includes(document.querySelector('#result').dataset.state)")
    return {name: page.locator(f"#{name}").inner_text()
            for name in ("result", "signature", "cert", "code", "message")}


def test_the_page_signs_a_digest_through_vgca_js_and_the_signature_verifies(agent: RunningAgent, open_page) -> None:  # noqa: ANN001
    page = open_page(agent.base)
    assert result(page, "probe")["result"] == "available"

    page.fill("#hash", base64.b64encode(DIGEST).decode())
    signed = result(page, "sign")
    assert signed["result"] == "done", signed
    certificate = x509.load_der_x509_certificate(base64.b64decode(signed["cert"]))
    assert certificate == agent.folder.signer()
    verify(certificate, base64.b64decode(signed["signature"]), DIGEST)

    fetched = result(page, "certificate")
    assert fetched["result"] == "done" and base64.b64decode(fetched["cert"]) == base64.b64decode(signed["cert"])


def test_cancel_and_a_wrong_pin_reach_the_page_as_codes_in_vietnamese(agent: RunningAgent, open_page) -> None:  # noqa: ANN001
    page = open_page(agent.base)
    page.fill("#hash", base64.b64encode(DIGEST).decode())

    agent.person_types("cancel")
    cancelled = result(page, "sign")
    assert (cancelled["result"], cancelled["code"]) == ("failed", "cancelled")
    assert cancelled["message"] == "Bạn đã hủy thao tác ký số." and cancelled["signature"] == ""

    agent.person_types("999999")
    wrong = result(page, "sign")
    assert (wrong["result"], wrong["code"]) == ("failed", "wrong_pin")
    assert wrong["message"].startswith("Mã PIN của USB Token không đúng.")

    agent.person_types(agent.pin)
    assert result(page, "sign")["result"] == "done"

    page.fill("#hash", "không phải giá trị băm")
    refused = result(page, "sign")
    # This text is the page's own (data-text-bad-hash), as the signing page gives its translated texts.
    assert (refused["code"], refused["message"]) == ("error", "Giá trị băm (từ máy chủ) không đúng định dạng.")


def test_without_the_plugin_the_page_says_so(open_page) -> None:  # noqa: ANN001
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    page = open_page(f"wss://127.0.0.1:{port}")
    assert result(page, "probe")["result"] == "unavailable"
    page.fill("#hash", base64.b64encode(DIGEST).decode())
    missing = result(page, "sign")
    assert missing["code"] == "unavailable"
    assert missing["message"].startswith("Không kết nối được phần mềm ký số của Ban Cơ yếu Chính phủ")
