"""The deferred-signing core (issue 21): a kept signing session prepared by the server, signed by
whoever holds the key, completed once — and every signature that is not exactly the one expected
refused, with nothing stored."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.signatures import deferred, services
from qlvb.signatures.models import Certificate, SigningSession
from qlvb.signatures.verification import pdfsig_check, verify_pdf

pytestmark = pytest.mark.django_db


def _session(org, keys, pdf: bytes, *, target_id: int = 1) -> SigningSession:
    """A kept session for the head's signature, as a page or a remote provider would start it
    (the key is the server's here: the test signs its digest itself)."""
    layout = services._layout(pdf, box=None, default_box=lambda: services.default_signer_box(pdf),
                              style=services.signer_appearance(org.head, position_title="GIÁM ĐỐC",
                                                               full_name=org.head.full_name),
                              reason="Ký 12/QĐ-STTTT", field_name=None, prefix="Signature",
                              signer_name=org.head.full_name, role="signer", about="")
    return deferred.prepare(pdf, by=Actor(org.head), person=org.head, certificate=keys.head, layout=layout,
                            purpose="signer", provider="vgca", target_kind="tests.document", target_id=target_id)


def _sign_digest(certificate: Certificate, data: bytes) -> bytes:
    with services._open_signer(certificate, None) as signer:
        return asyncio.run(signer.async_sign_raw(data, "sha256"))


def test_prepare_then_complete_is_a_valid_pades_signature(org, keys, document_pdf):
    session = _session(org, keys, document_pdf)
    assert session.pk and session.state == "waiting" and session.prepared_id
    assert bytes(session.digest) == hashlib.sha256(bytes(session.signed_attributes)).digest()
    signed = deferred.complete(session, _sign_digest(keys.head, bytes(session.signed_attributes)),
                               certificate_der=bytes(session.certificate_der))
    reports = verify_pdf(signed)
    assert [(r.signer_name, r.ok, r.coverage) for r in reports] == [(keys.head.subject_cn, True, "entire_file")]
    assert "Signature is Valid" in pdfsig_check(signed)
    assert signed.startswith(document_pdf)  # an incremental update of exactly the prepared revision
    session.refresh_from_db()
    assert session.state == "completed" and session.signed_id and session.completed_at
    event = Event.objects.filter(verb="signatures.signed").latest("pk")
    assert event.data["role"] == "signer" and event.data["provider"] == "vgca"


def _refused(session: SigningSession, signature: bytes, code: str, **kwargs) -> None:
    events = Event.objects.count()
    with pytest.raises(ValidationError) as refused:
        deferred.complete(session, signature, **kwargs)
    assert refused.value.code == code
    assert refused.value.messages[0] and Event.objects.count() == events
    session.refresh_from_db()
    assert session.signed_id is None


def test_a_signature_from_another_key_is_refused(org, keys, document_pdf):
    session = _session(org, keys, document_pdf)
    _refused(session, _sign_digest(keys.deputy, bytes(session.signed_attributes)), "signature_mismatch")
    assert session.state == "waiting"  # the right signature may still come


def test_another_certificate_than_expected_is_refused(org, keys, document_pdf):
    session = _session(org, keys, document_pdf)
    deputy_der = services._asn1(keys.deputy.certificate_pem).dump()
    _refused(session, _sign_digest(keys.deputy, bytes(session.signed_attributes)), "certificate_mismatch",
             certificate_der=deputy_der)


def test_a_signature_over_another_digest_is_refused(org, keys, document_pdf):
    session = _session(org, keys, document_pdf)
    _refused(session, _sign_digest(keys.head, bytes(session.signed_attributes) + b"x"), "signature_mismatch")
    # The stored digest altered: the session is refused as damaged, whatever is signed.
    SigningSession.objects.filter(pk=session.pk).update(digest=hashlib.sha256(b"other").digest())
    session.refresh_from_db()
    _refused(session, _sign_digest(keys.head, bytes(session.signed_attributes)), "bad_session")


def test_a_signature_cannot_be_replayed_on_another_session_or_twice(org, keys, document_pdf, attachment_pdf):
    first = _session(org, keys, document_pdf, target_id=1)
    second = _session(org, keys, attachment_pdf, target_id=2)
    signature = _sign_digest(keys.head, bytes(first.signed_attributes))
    _refused(second, signature, "signature_mismatch")
    deferred.complete(first, signature)
    with pytest.raises(ValidationError) as twice:
        deferred.complete(first, signature)
    assert twice.value.code == "session_completed"


def test_an_expired_session_is_refused(org, keys, document_pdf):
    session = _session(org, keys, document_pdf)
    signature = _sign_digest(keys.head, bytes(session.signed_attributes))
    SigningSession.objects.filter(pk=session.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    session.refresh_from_db()
    _refused(session, signature, "session_expired")
    assert session.state == "expired"


def test_a_revoked_certificate_cannot_complete(org, keys, document_pdf):
    session = _session(org, keys, document_pdf)
    services.revoke_certificate(by=Actor(org.head), certificate=keys.head, reason="Mất token")
    _refused(session, _sign_digest(keys.head, bytes(session.signed_attributes)), "certificate_revoked")


def test_server_keys_sign_through_the_core_at_once_and_keep_no_session(org, keys, document_pdf):
    signed = services.sign_as_signer(document_pdf, by=Actor(org.head), certificate=keys.head,
                                     position_title="GIÁM ĐỐC", full_name=org.head.full_name)
    assert verify_pdf(signed)[0].ok
    assert not SigningSession.objects.exists()
