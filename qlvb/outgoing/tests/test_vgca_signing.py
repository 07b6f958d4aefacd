"""Signing and issuing with USB tokens at the holders' computers (issue 21, docs/signing-vgca.md):
the signer's token and the agency's token, each driven through the VGCA plugin's protocol by the
local agent (tools/vgca_agent, the key in SoftHSM2). The page's part (vgca.js) is replaced here by
the agent's own client: what it posts is what the page posts; tests/browser/test_vgca_issue.py
drives the same chain from chromium."""

from __future__ import annotations

import base64
import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.files.services import read_stored
from qlvb.notifications.models import Notification
from qlvb.outgoing import services
from qlvb.outgoing.models import OutgoingDocument
from qlvb.outgoing.tests.test_issue import approved, pki  # noqa: F401  (fixtures)
from qlvb.signatures import services as signing
from qlvb.signatures import tokens
from qlvb.signatures.models import Certificate, SigningSession
from qlvb.signatures.verification import pdfsig_check, verify_pdf
from tools.vgca_agent import hsm
from tools.vgca_agent.tests.conftest import (  # noqa: F401  (fixtures)
    ROOT,
    RunningAgent,
    agent,
    running_agent,
    start_agent,
    stop_agent,
    token_folder,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.xdist_group("vgca-agent"),
    pytest.mark.skipif(hsm.missing() is not None, reason=hsm.missing() or ""),
]


@pytest.fixture(scope="module")
def agency_agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningAgent]:
    """The clerk's computer with the agency's token (a CA of its own)."""
    folder = tmp_path_factory.mktemp("vgca-agency-token")
    setup = subprocess.run([sys.executable, "-m", "tools.vgca_agent", "setup", "--dir", str(folder), "--name",
                            "Sở Thông tin và Truyền thông tỉnh Sơn La"], cwd=ROOT, capture_output=True, text=True,
                           timeout=60)
    assert setup.returncode == 0, setup.stderr
    running = start_agent(hsm.TokenFolder(folder), tmp_path_factory.mktemp("vgca-clerk") / "answer")
    running.person_types(running.pin)
    yield running
    stop_agent(running)


def sign_msg(agent: RunningAgent, digest: bytes) -> tuple[bytes, bytes]:  # noqa: F811
    """What vgca.js does: SignMsg over the digest; the raw signature and the token's certificate."""
    answer = agent.call("SignMsg", json.dumps({"HashAlg": "SHA256", "HashValue": base64.b64encode(digest).decode(),
                                               "Encode": "RSA"}))
    assert answer["Status"] == 0, answer
    return base64.b64decode(answer["Signature"]), base64.b64decode(answer["CertBase64"])


def trust(root, agent: RunningAgent) -> None:  # noqa: F811
    signing.add_trust_anchor(by=Actor(root), certificate=agent.folder.ca_pem.read_bytes())


def register(by, agent: RunningAgent, **owner) -> Certificate:  # noqa: F811
    challenge = tokens.new_challenge()
    signature, certificate = sign_msg(agent, challenge)
    return tokens.add_token_certificate(by=Actor(by), certificate_der=certificate, challenge=challenge,
                                        signature=signature, **owner)


def test_a_token_is_registered_only_with_its_signature_and_from_a_trusted_authority(org, root, agent) -> None:  # noqa: F811
    challenge = tokens.new_challenge()
    signature, certificate = sign_msg(agent, challenge)
    with pytest.raises(ValidationError) as untrusted:  # its CA is not (yet) a trust anchor
        tokens.add_token_certificate(by=Actor(org.deputy), certificate_der=certificate, challenge=challenge,
                                     signature=signature, person=org.deputy)
    assert "không được cấp bởi tổ chức chứng thực" in str(untrusted.value.message_dict["certificate"])
    trust(root, agent)
    with pytest.raises(ValidationError) as other:  # a signature over another challenge: not this page's
        tokens.add_token_certificate(by=Actor(org.deputy), certificate_der=certificate,
                                     challenge=tokens.new_challenge(), signature=signature, person=org.deputy)
    assert other.value.error_dict["signature"][0].code == "signature_mismatch"
    assert not Certificate.objects.filter(remote_provider="vgca").exists()
    from qlvb.core.errors import NotAllowed

    with pytest.raises(NotAllowed):  # someone else's name
        tokens.add_token_certificate(by=Actor(org.specialist), certificate_der=certificate, challenge=challenge,
                                     signature=signature, person=org.deputy)
    row = tokens.add_token_certificate(by=Actor(org.deputy), certificate_der=certificate, challenge=challenge,
                                       signature=signature, person=org.deputy)
    assert (row.kind, row.remote_provider, row.person) == ("remote", "vgca", org.deputy)
    assert row.subject_cn == "Lò Văn Hùng"


def test_the_signer_signs_the_numbered_document_with_her_token_when_the_clerk_issues(
        org, other_org, root, approved, agent, login, django_capture_on_commit_callbacks) -> None:  # noqa: F811
    trust(root, agent)
    token = register(org.deputy, agent, person=org.deputy)
    services.authorise_signing(by=Actor(org.deputy), document=approved, certificate=token, secret="")
    with django_capture_on_commit_callbacks(execute=True):
        services.issue(by=Actor(org.clerk), document=approved)
    approved.refresh_from_db()
    assert approved.status == OutgoingDocument.Status.SIGNED and approved.number == 1
    session = SigningSession.objects.get(target_id=approved.pk)
    assert (session.provider, session.person, session.state) == ("vgca", org.deputy, "waiting")
    # She signs when she comes to her computer: the session waits the day, not five minutes.
    assert session.expires_at - timezone.now() > dt.timedelta(hours=23)
    assert Notification.objects.filter(person=org.deputy, kind="sign", target_id=str(approved.pk)).exists()

    signer_page = login(org.deputy)
    page = signer_page.get(reverse("outgoing:detail", args=[approved.pk]))
    assert reverse("signatures:session_sign", args=[session.token]).encode() in page.content
    sign_page = signer_page.get(reverse("signatures:session_sign", args=[session.token]))
    assert sign_page.status_code == 200 and session.digest_b64.encode() in sign_page.content
    assert "wss://127.0.0.1:8987" in sign_page["Content-Security-Policy"]
    assert signer_page.get(reverse("signatures:session_prepared", args=[session.token])).status_code == 200
    # The clerk follows it; someone else does not even learn it exists.
    assert login(org.clerk).get(reverse("signatures:session_sign", args=[session.token])).status_code == 200
    outsider = login(org.specialist)
    for name in ("session_sign", "session_prepared", "session"):
        assert outsider.get(reverse(f"signatures:{name}", args=[session.token])).status_code == 404

    # A signature made by another token (the agency's, say) is refused; the session still waits.
    signature, certificate = sign_msg(agent, bytes(session.digest)[::-1])
    refused = signer_page.post(reverse("signatures:session_complete", args=[session.token]),
                               {"signature": base64.b64encode(signature).decode(),
                                "certificate": base64.b64encode(certificate).decode()})
    assert refused.status_code == 400 and "chữ ký" in refused.content.decode().lower()
    session.refresh_from_db()
    assert session.state == "waiting"

    signature, certificate = sign_msg(agent, bytes(session.digest))
    done = signer_page.post(reverse("signatures:session_complete", args=[session.token]),
                            {"signature": base64.b64encode(signature).decode(),
                             "certificate": base64.b64encode(certificate).decode()})
    assert done.status_code == 200, done.content.decode()
    approved.refresh_from_db()
    assert approved.status == OutgoingDocument.Status.ISSUED and approved.number == 1
    pdf = read_stored(approved.issued_file)
    reports = verify_pdf(pdf)
    assert [r.signer_name for r in reports][0] == "Lò Văn Hùng"
    assert all(r.intact and r.valid for r in reports) and len(reports) == 2
    assert "Lò Văn Hùng" in pdfsig_check(pdf) and "Signature is Valid" in pdfsig_check(pdf)
    # The same signature again: the session is used.
    again = signer_page.post(reverse("signatures:session_complete", args=[session.token]),
                             {"signature": base64.b64encode(signature).decode()})
    assert again.status_code == 400


def test_the_clerk_seals_with_the_agency_token_main_file_and_attachment(
        org, root, approved, agency_agent, login) -> None:  # noqa: F811
    trust(root, agency_agent)
    agency_token = register(org.admin, agency_agent, agency=org.agency)
    server_key = Certificate.objects.get(person=org.deputy, is_active=True)
    services.authorise_signing(by=Actor(org.deputy), document=approved, certificate=server_key, secret="")
    clerk = login(org.clerk)
    preview = clerk.get(reverse("outgoing:issue_preview", args=[approved.pk])).content.decode()
    assert 'select name="agency_certificate"' in preview and f'value="{agency_token.pk}"' in preview  # two keys
    register_id = services._default_register(approved).pk
    issued = clerk.post(reverse("outgoing:action", args=[approved.pk, "issue"]),
                        {"register": register_id, "agency_certificate": agency_token.pk})
    assert issued.status_code == 302
    approved.refresh_from_db()
    assert approved.status == OutgoingDocument.Status.SIGNED and approved.number == 1
    seal = SigningSession.objects.get(target_id=approved.pk)
    assert (seal.purpose, seal.person, seal.provider) == ("agency", org.clerk, "vgca")
    signing_deferred_complete(seal, agency_agent)
    attachment = SigningSession.objects.filter(target_id=approved.pk, state="waiting").get()
    assert (attachment.purpose, attachment.person) == ("attachment", org.clerk)
    approved.refresh_from_db()
    assert approved.status == OutgoingDocument.Status.SIGNED  # not before the attachment is signed too
    signing_deferred_complete(attachment, agency_agent)
    approved.refresh_from_db()
    assert approved.status == OutgoingDocument.Status.ISSUED
    main = verify_pdf(read_stored(approved.issued_file))
    assert len(main) == 2 and all(r.intact and r.valid and r.trusted for r in main)
    assert main[1].signer_name == "Sở Thông tin và Truyền thông tỉnh Sơn La"
    signed_attachment = read_stored(approved.attachments.get().signed)
    assert [r.signer_name for r in verify_pdf(signed_attachment)] == ["Sở Thông tin và Truyền thông tỉnh Sơn La"]
    assert "Signature is Valid" in pdfsig_check(signed_attachment)


def signing_deferred_complete(session: SigningSession, agent: RunningAgent) -> None:  # noqa: F811
    from qlvb.signatures import deferred

    signature, certificate = sign_msg(agent, bytes(session.digest))
    deferred.complete(session, signature, certificate)


def test_a_cancelled_pin_leaves_the_session_waiting_and_a_time_out_keeps_the_number(
        org, root, approved, agent) -> None:  # noqa: F811
    from qlvb.signatures import deferred

    trust(root, agent)
    token = register(org.deputy, agent, person=org.deputy)
    services.authorise_signing(by=Actor(org.deputy), document=approved, certificate=token, secret="")
    services.issue(by=Actor(org.clerk), document=approved)
    session = SigningSession.objects.get(target_id=approved.pk)
    agent.person_types("cancel")
    answer = agent.call("SignMsg", json.dumps({"HashAlg": "SHA256", "HashValue": session.digest_b64,
                                               "Encode": "RSA"}))
    assert answer["Status"] == 11  # nothing reaches the server: the page shows "Bạn đã hủy thao tác ký số."
    session.refresh_from_db()
    assert session.state == "waiting"
    SigningSession.objects.filter(pk=session.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    session.refresh_from_db()
    assert deferred.expire_if_due(session)
    approved.refresh_from_db()
    assert approved.status == OutgoingDocument.Status.SIGNED and approved.number == 1
    # Issuing again asks her again, with the same number.
    services.issue(by=Actor(org.clerk), document=approved)
    approved.refresh_from_db()
    fresh = SigningSession.objects.filter(target_id=approved.pk, state="waiting").get()
    agent.person_types(agent.pin)
    signing_deferred_complete(fresh, agent)
    approved.refresh_from_db()
    assert approved.status == OutgoingDocument.Status.ISSUED and approved.number == 1
