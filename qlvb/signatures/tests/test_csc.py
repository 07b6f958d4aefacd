"""Signing with a key held by a CSC signing service, end to end against an existing CSC test
server (certomancer-csc-dummy, started here): registering the key, a signing session the job
worker completes, and the service's refusals shown in Vietnamese."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from qlvb.core.actor import Actor
from qlvb.signatures import deferred, services
from qlvb.signatures.models import Certificate, SigningSession
from qlvb.signatures.tests.csc_server import csc_server
from qlvb.signatures.verification import pdfsig_check, verify_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def csc(tmp_path_factory):
    with csc_server(tmp_path_factory.mktemp("csc")) as server:
        yield server


@pytest.fixture
def csc_settings(settings, csc):
    settings.QLVB_CSC = {"base_url": csc.url, "timeout": 5}
    return csc


def _register(org, remote_id: str = "qlvb/signer") -> Certificate:
    return services.add_remote_certificate(by=Actor(org.head), provider="csc", account="qlvb", remote_id=remote_id,
                                           person=org.head)


def _start(org, certificate: Certificate, pdf: bytes) -> SigningSession:
    return services.start_signer_session(pdf, by=Actor(org.head), certificate=certificate, position_title="GIÁM ĐỐC",
                                         full_name=org.head.full_name, reason="Ký thử", target_kind="tests.document",
                                         target_id=7)


def test_a_csc_key_signs_through_a_session_the_worker_completes(org, root, csc_settings, document_pdf):
    certificate = _register(org)
    assert certificate.kind == "remote" and certificate.subject_cn == "Nguyen Van Giam Doc"
    services.add_trust_anchor(by=Actor(root), certificate=csc_settings.root_der)
    session = _start(org, certificate, document_pdf)
    assert session.state == "waiting" and session.provider == "csc"
    deferred.advance(session)  # the job worker's step
    assert session.state == "completed", session.error_message
    from qlvb.files.services import read_stored

    assert session.signed is not None
    signed = read_stored(session.signed)
    reports = verify_pdf(signed)
    assert [(r.signer_name, r.ok) for r in reports] == [("Nguyen Van Giam Doc", True)]
    assert "Signature is Valid" in pdfsig_check(signed)


def test_the_services_refusal_ends_the_session_with_a_vietnamese_reason(org, csc_settings, document_pdf):
    session = _start(org, _register(org, "qlvb/nokey"), document_pdf)  # the service holds no key for it
    with override("vi"):
        deferred.advance(session)
    assert session.state == "refused" and session.error_code == "rejected"
    assert "dịch vụ ký số" in session.error_message.lower()
    assert session.signed_id is None


def test_a_signature_by_another_key_at_the_service_is_refused(org, csc_settings, document_pdf):
    certificate = _register(org)
    Certificate.objects.filter(pk=certificate.pk).update(remote_id="qlvb/other")
    certificate.refresh_from_db()
    session = _start(org, certificate, document_pdf)
    with override("vi"):
        deferred.advance(session)
    assert session.state == "refused" and session.error_code == "signature_mismatch"
    assert "chữ ký" in session.error_message.lower()


def test_the_worker_expires_a_session_past_its_time(org, csc_settings, document_pdf):
    session = _start(org, _register(org), document_pdf)
    SigningSession.objects.filter(pk=session.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert deferred.advance_waiting() == 1
    session.refresh_from_db()
    assert session.state == "expired" and session.signed_id is None


def test_csc_is_not_offered_when_not_configured(org, settings, csc, document_pdf):
    settings.QLVB_CSC = {}
    with pytest.raises(ValidationError) as refused:
        _register(org)
    assert "provider" in refused.value.message_dict
