"""The certificates page registers keys that are not on the server (issue 21): a key at a remote
signing service (form, against VNPT SmartCA's contract double) and a USB token's certificate (the
page's script posts the token's signature over the page's one-time challenge: refused when it is
not that). And the session page a person watches asks a signing service at once, not at the
worker's next minute, at most every few seconds."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse

from qlvb.core.actor import Actor
from qlvb.signatures import services
from qlvb.signatures.models import Certificate
from qlvb.signatures.remote.tests.conftest import SIGNER, pki, smartca_double  # noqa: F401  (fixtures)
from qlvb.signatures.tests.test_remote_providers import _start, service_for

pytestmark = pytest.mark.django_db


def test_a_key_at_smartca_is_registered_from_the_page_and_an_unknown_account_is_refused_in_vietnamese(
        org, login, settings, smartca_double) -> None:  # noqa: F811
    page = login(org.head)
    settings.QLVB_SMARTCA = {}
    assert b'id="remote"' not in page.get(reverse("signatures:certificates")).content  # not offered: not configured
    settings.QLVB_SMARTCA = service_for("smartca", smartca_double).options
    shown = page.get(reverse("signatures:certificates")).content.decode()
    assert 'id="remote"' in shown and "VNPT SmartCA" in shown

    refused = page.post(reverse("signatures:certificates"), {
        "add_remote": "1", "remote-provider": "smartca", "remote-account": "079000000000", "remote-owner": "me"})
    assert refused.status_code == 200 and not Certificate.objects.filter(kind="remote").exists()
    assert "is-invalid" in refused.content.decode()  # the refusal shown on the account field

    added = page.post(reverse("signatures:certificates"), {
        "add_remote": "1", "remote-provider": "smartca", "remote-account": SIGNER, "remote-owner": "me"})
    assert added.status_code == 302
    row = Certificate.objects.get(kind="remote")
    assert (row.person, row.remote_provider, row.remote_account) == (org.head, "smartca", SIGNER)


def test_a_token_post_without_the_pages_challenge_registers_nothing(org, login) -> None:
    page = login(org.deputy)
    shown = page.get(reverse("signatures:certificates")).content.decode()
    assert "data-vgca-register" in shown
    challenge = base64.b64decode(page.session["signatures.token_challenge"])
    assert len(challenge) == 32 and base64.b64encode(challenge).decode() in shown
    refused = page.post(reverse("signatures:certificates"), {
        "add_token": "1", "token-owner": "me", "token-certificate": base64.b64encode(b"not a certificate").decode(),
        "token-signature": base64.b64encode(b"x" * 256).decode()})
    assert refused.status_code == 200
    assert "Không đọc được chứng thư số do phần mềm ký số gửi lên." in refused.content.decode()
    assert not Certificate.objects.filter(remote_provider="vgca").exists()
    assert "wss://127.0.0.1:8987" in refused["Content-Security-Policy"]
    # The challenge was used: the next try gets another one.
    assert base64.b64decode(page.session["signatures.token_challenge"]) != challenge


def test_watching_a_session_asks_the_service_at_once_but_not_at_every_poll(
        org, login, settings, smartca_double, monkeypatch, document_pdf) -> None:  # noqa: F811
    from django.core.cache import cache

    from qlvb.signatures import tasks

    settings.QLVB_SMARTCA = service_for("smartca", smartca_double).options
    cache.clear()
    certificate = services.add_remote_certificate(by=Actor(org.head), provider="smartca", account=SIGNER,
                                                  person=org.head)
    session = _start(org, certificate, document_pdf)
    asked: list[int] = []
    monkeypatch.setattr(tasks, "advance_session", lambda pk: asked.append(pk))
    page = login(org.head)
    for _ in range(3):
        assert page.get(reverse("signatures:session", args=[session.token])).status_code == 200
    assert asked == [session.pk]
