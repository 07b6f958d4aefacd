"""Signing with a key at VNPT SmartCA or Viettel MySign, end to end against the services'
contract doubles (qlvb/signatures/remote/tests/doubles.py, started here as the clients' own tests
start them): registering the key for a person, a signing session the job worker completes after
the signer confirms on the phone, the signer's refusal in Vietnamese, a signature by another key
refused by the core, and a session whose time ran out expired by the worker."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.files.services import read_stored
from qlvb.signatures import deferred, services
from qlvb.signatures.models import Certificate, SigningSession
from qlvb.signatures.remote.tests.conftest import (  # noqa: F401  (fixtures)
    MYSIGN_SIGNER,
    SIGNER,
    mysign_double,
    pki,
    smartca_double,
)
from qlvb.signatures.remote.tests.doubles import Double, Script
from qlvb.signatures.verification import pdfsig_check, verify_pdf

pytestmark = pytest.mark.django_db


@dataclass
class Service:
    name: str
    account: str
    double: Double
    setting: str
    options: dict[str, Any]


def service_for(name: str, double: Double) -> Service:
    if name == "smartca":
        return Service(name, SIGNER, double, "QLVB_SMARTCA", {
            "client_id": double.client_id, "client_secret": double.client_secret,
            "base_url": f"{double.url}/sca/sp769", "timeout": 5, "backoff": 0})
    return Service(name, MYSIGN_SIGNER, double, "QLVB_MYSIGN", {
        "client_id": double.client_id, "client_secret": double.client_secret, "base_url": double.url,
        "profile_id": double.profile_id, "timeout": 5, "backoff": 0})  # type: ignore[attr-defined]


@pytest.fixture(params=["smartca", "mysign"])
def service(request, settings) -> Iterator[Service]:
    double = request.getfixturevalue(f"{request.param}_double")
    chosen = service_for(request.param, double)
    setattr(settings, chosen.setting, chosen.options)
    yield chosen


def _register(org, service: Service) -> Certificate:
    return services.add_remote_certificate(by=Actor(org.head), provider=service.name, account=service.account,
                                           person=org.head)


def _start(org, certificate: Certificate, pdf: bytes) -> SigningSession:
    """The session started, and the worker's first step, which the job queued at its commit would
    run: it sends the digest to the service."""
    session = services.start_signer_session(
        pdf, by=Actor(org.head), certificate=certificate, position_title="GIÁM ĐỐC",
        full_name=org.head.full_name, reason="Ký Quyết định 12/QĐ-STTTT", target_kind="tests.document",
        target_id=7)
    assert not session.provider_reference  # nothing sent before the commit
    return deferred.advance(session)


def test_the_key_signs_through_a_session_the_worker_completes_once_the_signer_confirms(
        org, root, service, pki, document_pdf):  # noqa: F811
    certificate = _register(org, service)
    assert (certificate.kind, certificate.remote_provider, certificate.remote_account) == (
        "remote", service.name, service.account)
    assert certificate.subject_cn == "Nguyễn Văn Bình" and certificate.remote_id
    services.add_trust_anchor(by=Actor(root), certificate=pki.authority.der)
    session = _start(org, certificate, document_pdf)
    assert session.state == "waiting" and session.provider == service.name and session.provider_reference
    assert session.provider_account == service.account

    for _ in range(3):  # the signer has not confirmed yet: three "waiting" answers
        assert deferred.advance_waiting() == 1
        session.refresh_from_db()
        assert session.state == "waiting"
    deferred.advance_waiting()  # confirmed on the phone
    session.refresh_from_db()
    assert session.state == "completed", session.error_message
    assert session.signed is not None
    signed = read_stored(session.signed)
    assert [(r.signer_name, r.ok) for r in verify_pdf(signed)] == [("Nguyễn Văn Bình", True)]
    assert "Signature is Valid" in pdfsig_check(signed)
    assert Event.objects.filter(verb="signatures.signed", data__provider=service.name).count() == 1
    # The service was asked for exactly the session's digest, once.
    signing_requests = [seen for seen in service.double.seen
                        if seen.path.endswith(("/v1/signatures/sign", "/vtss/service/signHash"))]
    assert len(signing_requests) == 1


def test_the_signers_refusal_on_the_phone_ends_the_session_with_a_vietnamese_reason(
        org, service, document_pdf):
    service.double.scripts[service.account] = Script(waits=1, outcome="reject")
    session = _start(org, _register(org, service), document_pdf)
    with override("vi"):
        deferred.advance(session)
        assert session.state == "waiting"
        deferred.advance(session)
    assert session.state == "refused" and session.error_code == "rejected"
    assert session.error_message == "Người ký đã từ chối yêu cầu ký trên điện thoại."
    assert session.signed_id is None


def test_a_signature_by_another_key_is_refused_by_the_core(org, service, document_pdf):
    service.double.scripts[service.account] = Script(waits=0, outcome="different_key")
    session = _start(org, _register(org, service), document_pdf)
    with override("vi"):
        deferred.advance(session)
    assert session.state == "refused" and session.error_code == "signature_mismatch"
    assert "chữ ký" in session.error_message.lower()
    assert session.signed_id is None
    assert not Event.objects.filter(verb="signatures.signed").exists()


def test_the_worker_expires_a_session_whose_time_ran_out(org, service, document_pdf):
    session = _start(org, _register(org, service), document_pdf)
    SigningSession.objects.filter(pk=session.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    polls = len(service.double.seen)
    assert deferred.advance_waiting() == 1
    session.refresh_from_db()
    assert session.state == "expired" and session.signed_id is None
    assert len(service.double.seen) == polls  # nothing more asked of the service


def test_an_account_the_service_does_not_know_is_refused_at_registration(org, service):
    with override("vi"), pytest.raises(ValidationError) as refused:
        services.add_remote_certificate(by=Actor(org.head), provider=service.name, account="nobody",
                                        person=org.head)
    assert "account" in refused.value.message_dict
    assert not Certificate.objects.filter(kind="remote").exists()


@pytest.mark.parametrize("name", ["smartca", "mysign"])
def test_a_service_is_not_offered_when_not_configured(org, settings, name):
    settings.QLVB_SMARTCA = settings.QLVB_MYSIGN = {}
    with pytest.raises(ValidationError) as refused:
        services.add_remote_certificate(by=Actor(org.head), provider=name, account=SIGNER, person=org.head)
    assert "provider" in refused.value.message_dict
