"""The deferred-signing core (issue 21, docs/signing.md): one way to make every signature.

``prepare`` lays the signature out as signing always did (the same appearance, box and field
name) with pyHanko's interrupted signing: the field is reserved, the prepared revision written,
and the CMS signed attributes (PAdES B-B: content type, message digest of the prepared revision,
signing-certificate-v2) computed for the certificate expected. What any provider signs is the
SHA-256 digest of those attributes' DER.

``complete`` takes the raw signature value back, checks it (it verifies with the expected
certificate's public key over exactly that digest; the certificate is the registered one, still
usable; the session is waiting and not expired), builds the CMS with pyHanko, embeds it into the
prepared revision, validates the result and records the event. A refusal raises ValidationError
(with a code, in Vietnamese) and stores nothing.

A session is either kept (a row, ``SigningSession``: the provider answers later — a remote
service, the VGCA token at the user's computer) or transient (the server's own key, which signs
at once: nothing is stored but the event, as before).
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import io
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core.actor import Actor
from qlvb.core.events import record
from qlvb.signatures.models import Certificate, SigningSession

if TYPE_CHECKING:
    from qlvb.org.models import Person
    from qlvb.signatures import appearance

logger = logging.getLogger(__name__)

HASH_ALG = "sha256"
DEFAULT_SESSION_MINUTES = 5
# Room for the signature value while the CMS size is estimated: RSA-4096 (512 bytes) fits.
PLACEHOLDER_SIGNATURE_BYTES = 512

Box = tuple[int, float, float, float, float]
Finisher = Callable[[SigningSession, bytes], None]
_finishers: dict[str, Finisher] = {}


def session_minutes() -> int:
    return int(getattr(settings, "QLVB_SIGNING_SESSION_MINUTES", DEFAULT_SESSION_MINUTES))


def register_finisher(target_kind: str, finisher: Finisher) -> None:
    """What to do when a kept session for a document of ``target_kind`` completes (in the same
    transaction): the document's app stores the signed PDF and goes on (outgoing: the seal and the
    issuing). Registered by the app's ``ready``."""
    _finishers[target_kind] = finisher


@dataclass(frozen=True)
class Layout:
    """Where and how the signature shows (what ``services._sign`` worked out)."""

    style: appearance.Appearance | None  # None with no box: an invisible signature
    field_name: str
    box: Box | None  # None: invisible (a reviewer's initial)
    reason: str
    signer_name: str
    role: str
    about: str = ""


def run_async(make: Callable[[], Any]) -> Any:
    """Run pyHanko's coroutine ``make()`` to its end, also when the caller's thread already runs an
    event loop (then in a thread of its own)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


# --- Preparing --------------------------------------------------------------------------------

def _certificates(certificate: Certificate) -> tuple[Any, list[Any]]:
    from qlvb.signatures.services import _asn1, _chain

    return _asn1(certificate.certificate_pem), _chain(certificate)


def _external_signer(cert: Any, chain: list[Any], signature: bytes | int) -> Any:
    from pyhanko.sign.signers import ExternalSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    return ExternalSigner(signing_cert=cert, cert_registry=SimpleCertificateStore.from_certs(chain),
                          signature_value=signature)


def prepare(pdf: bytes, *, by: Actor, person: Person, certificate: Certificate, layout: Layout, purpose: str,
            provider: str, target_kind: str = "", target_id: int | None = None,
            continuation: dict[str, Any] | None = None, keep: bool = True,
            watchers: tuple[int, ...] = (), minutes: int | None = None) -> SigningSession:
    """Reserve the signature field in ``pdf`` with ``layout`` and compute what is to be signed.
    ``keep``: store the prepared revision and the session (a provider answering later); else the
    session is transient, for a provider that signs at once. The caller has checked who may use
    ``certificate`` (services._check_owner)."""
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError

    from qlvb.signatures.services import _writer

    cert, chain = _certificates(certificate)
    external = _external_signer(cert, chain, PLACEHOLDER_SIGNATURE_BYTES)
    meta = signers.PdfSignatureMetadata(
        field_name=layout.field_name, reason=layout.reason or None, name=layout.signer_name[:200] or None,
        md_algorithm=HASH_ALG, subfilter=fields.SigSeedSubFilter.PADES)
    if layout.box is None:  # invisible: a field with no widget area on the first page
        page = 0
        spec = fields.SigFieldSpec(sig_field_name=layout.field_name, on_page=0)
    else:
        page, x1, y1, x2, y2 = layout.box
        # pyHanko annotates the box int; PDF coordinates are any number (they are used as such).
        spec = fields.SigFieldSpec(sig_field_name=layout.field_name, on_page=page,
                                   box=(x1, y1, x2, y2))  # type: ignore[arg-type]
    pdf_signer = signers.PdfSigner(meta, signer=external, stamp_style=layout.style, new_field_spec=spec)

    async def run() -> tuple[Any, bytes, bytes]:
        prepared, _tbs, output = await pdf_signer.async_digest_doc_for_signing(_writer(pdf))
        attributes = await external.signed_attrs(prepared.document_digest, HASH_ALG, use_pades=True)
        output.seek(0)
        return prepared, output.read(), attributes.dump()

    try:
        prepared, revision, attributes = run_async(run)
    except SigningError as error:
        logger.warning("Signing refused by pyHanko: %s", error)
        raise ValidationError(_("The document cannot be signed: %(reason)s"), code="signing_failed",
                              params={"reason": str(error)})
    session = SigningSession(
        token=secrets.token_urlsafe(32), target_kind=target_kind, target_id=target_id, purpose=purpose,
        person=person, provider=provider, certificate=certificate, certificate_der=cert.dump(),
        reserved_start=prepared.reserved_region_start, reserved_end=prepared.reserved_region_end,
        document_digest=prepared.document_digest, signed_attributes=attributes,
        digest=hashlib.sha256(attributes).digest(), hash_alg=HASH_ALG,
        details={"role": layout.role, "field": layout.field_name, "page": page + 1, "reason": layout.reason,
                 "signer_name": layout.signer_name, "about": layout.about,
                 "by": by.person.pk if by.person is not None else None,
                 "watchers": sorted({*watchers, *([by.person.pk] if by.person is not None else [])})},
        continuation=continuation or {},
        provider_account=certificate.remote_account,
        expires_at=timezone.now() + dt.timedelta(minutes=minutes or session_minutes()))
    session._revision = revision  # type: ignore[attr-defined]  # the prepared bytes, while in memory
    if keep:
        from qlvb.files.services import store_bytes

        session.prepared = store_bytes(revision, name="prepared.pdf")
        session.save()
    return session


def revision(session: SigningSession) -> bytes:
    """The prepared revision's bytes (in memory for a transient session, else from the files)."""
    kept = getattr(session, "_revision", None)
    if kept is not None:
        return bytes(kept)
    from qlvb.files.services import read_stored

    return read_stored(session.prepared)


# --- Completing -------------------------------------------------------------------------------

def _refuse(message: str, code: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def _der_signature(signature: bytes, public_key: Any) -> bytes:
    """An ECDSA signature as DER; some tokens give the raw r‖s halves."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    if isinstance(public_key, ec.EllipticCurvePublicKey):
        size = (public_key.curve.key_size + 7) // 8
        if len(signature) == 2 * size and signature[0] != 0x30:
            return encode_dss_signature(int.from_bytes(signature[:size], "big"),
                                        int.from_bytes(signature[size:], "big"))
    return signature


def _check_signature(session: SigningSession, signature: bytes) -> bytes:
    """The signature value (normalised) if it verifies with the expected certificate's key over
    the session's signed attributes; else a refusal."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    attributes = bytes(session.signed_attributes)
    if hashlib.sha256(attributes).digest() != bytes(session.digest):
        raise _refuse(_("The signing session is damaged; start signing again."), "bad_session")
    public_key = x509.load_der_x509_certificate(bytes(session.certificate_der)).public_key()
    signature = _der_signature(signature, public_key)
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, attributes, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, attributes, ec.ECDSA(hashes.SHA256()))
        else:
            raise InvalidSignature()
    except (InvalidSignature, ValueError, TypeError):
        raise _refuse(_("The signature does not match: it was not made with the expected certificate's key "
                        "over this document."), "signature_mismatch")
    return signature


def _check_certificate(session: SigningSession, certificate_der: bytes | None, at: dt.datetime) -> Certificate:
    from qlvb.signatures.services import _check_usable

    if certificate_der is not None and bytes(certificate_der) != bytes(session.certificate_der):
        raise _refuse(_("The signature was made with another certificate than the one chosen for this "
                        "signing."), "certificate_mismatch")
    certificate = session.certificate
    if certificate is None or bytes(session.certificate_der) != _certificates(certificate)[0].dump():
        raise _refuse(_("The certificate is not registered in QLVB for this person or agency."),
                      "certificate_unregistered")
    personal = session.purpose in (SigningSession.Purpose.SIGNER, SigningSession.Purpose.INITIAL)
    owner_ok = certificate.person_id == session.person_id if personal else bool(certificate.agency_id)
    if not owner_ok:
        raise _refuse(_("The certificate is not registered in QLVB for this person or agency."),
                      "certificate_unregistered")
    _check_usable(certificate, at)
    return certificate


def _embed(session: SigningSession, signature: bytes) -> bytes:
    from asn1crypto import cms
    from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest

    prepared_bytes = revision(session)
    start, end = session.reserved_start, session.reserved_end
    if hashlib.sha256(prepared_bytes[:start] + prepared_bytes[end:]).digest() != bytes(session.document_digest):
        raise _refuse(_("The signing session is damaged; start signing again."), "bad_session")
    cert, chain = _certificates(session.certificate)  # type: ignore[arg-type]  # checked before
    external = _external_signer(cert, chain, signature)
    attributes = cms.CMSAttributes.load(bytes(session.signed_attributes))
    container = run_async(lambda: external.async_sign_prescribed_attributes(HASH_ALG, signed_attrs=attributes))
    output = io.BytesIO(prepared_bytes)
    PreparedByteRangeDigest(document_digest=bytes(session.document_digest), reserved_region_start=start,
                            reserved_region_end=end).fill_with_cms(output, container)
    return output.getvalue()


def _validate(pdf: bytes, field_name: str, certificate: Certificate) -> Any:
    from qlvb.signatures.verification import verify_last

    # Intact and valid is what is checked here; whether to trust the certificate was decided by its
    # row (checked before). The path to the trusted roots (and intermediates) is built to ask the
    # CA about revocation (signatures.trust): revoked is refused, unreachable is recorded.
    report = verify_last(pdf)
    if report is None or report.field_name != field_name or not (report.intact and report.valid):
        logger.error("A completed signature does not validate: %s", report)
        raise _refuse(_("The signed document does not validate; nothing was kept."), "not_valid")
    if report.revocation == "revoked":
        raise _refuse(_("The certificate “%(name)s” has been revoked by the certification authority that issued "
                        "it; it can no longer sign."), "certificate_revoked", name=certificate.subject_cn)
    return report


def _long_term(session: SigningSession, certificate: Certificate, signed: bytes) -> tuple[bytes, dict[str, Any]]:
    """PAdES B-LT after the agency's signature, where the agency asks for it (signatures.trust)."""
    from qlvb.signatures import trust

    if session.purpose != SigningSession.Purpose.AGENCY or not trust.wants_long_term(certificate.owner_agency_id):
        return signed, {}
    result = trust.add_long_term_data(signed)
    if result.detail:
        logger.warning("Long-term validation data %s: %s", result.state, result.detail)
    return result.pdf, {"long_term": result.state, "long_term_crls": result.crls, "long_term_ocsps": result.ocsps}


def _finish(session: SigningSession, signature: bytes, certificate_der: bytes | None) -> bytes:
    now = timezone.now()
    certificate = _check_certificate(session, certificate_der, now)
    signature = _check_signature(session, signature)
    signed = _embed(session, signature)
    report = _validate(signed, session.details.get("field", ""), certificate)
    signed, long_term = _long_term(session, certificate, signed)
    details = session.details
    by_id = details.get("by")
    from qlvb.org.models import Person

    by = Actor(Person.objects.get(pk=by_id) if by_id and by_id != session.person_id else session.person)
    record(verb="signatures.signed", actor=by, agency=certificate.owner_agency_id, target=certificate,
           data={"role": details.get("role"), "field": details.get("field"), "page": details.get("page"),
                 "reason": details.get("reason", ""), "fingerprint": certificate.fingerprint, "bytes": len(signed),
                 "revocation": report.revocation, **({"revocation_why": report.revocation_why}
                                                     if report.revocation_why else {}), **long_term,
                 **({"provider": session.provider} if session.provider != "server" else {}),
                 **({"document": details["about"]} if details.get("about") else {})})
    return signed


def _state_refusal(session: SigningSession) -> ValidationError:
    if session.state == SigningSession.State.COMPLETED:
        return _refuse(_("This signing session has already been completed; a signature cannot be used twice."),
                       "session_completed")
    if session.state == SigningSession.State.EXPIRED:
        return _refuse(_("The signing session has expired; start signing again."), "session_expired")
    return _refuse(_("This signing session was refused: %(reason)s"), "session_refused",
                   reason=session.error_message or session.error_code)


def complete(session: SigningSession, signature: bytes, certificate_der: bytes | None = None) -> bytes:
    """Complete ``session`` with the raw signature value (and the certificate the provider says it
    signed with). Returns the signed PDF. A kept session completes at most once, under a row
    lock; its signed PDF is stored and the document's finisher called in the same transaction."""
    if session.pk is None:  # transient: the server's key, here and now
        if timezone.now() > session.expires_at:
            raise _state_refusal(SigningSession(state=SigningSession.State.EXPIRED))
        return _finish(session, signature, certificate_der)
    if expire_if_due(session):
        raise _state_refusal(SigningSession(state=SigningSession.State.EXPIRED))
    with transaction.atomic():
        locked = SigningSession.objects.select_for_update(of=("self",)).select_related("certificate", "prepared").get(
            pk=session.pk)
        if locked.state != SigningSession.State.WAITING:
            raise _state_refusal(locked)
        signed = _finish(locked, signature, certificate_der)
        from qlvb.files.services import store_bytes

        locked.signed = store_bytes(signed, name="signed.pdf")
        locked.state = SigningSession.State.COMPLETED
        locked.completed_at = timezone.now()
        locked.save(update_fields=["signed", "state", "completed_at"])
        finisher = _finishers.get(locked.target_kind)
        if finisher is not None:
            finisher(locked, signed)
    session.refresh_from_db()
    return signed


def expire_if_due(session: SigningSession) -> bool:
    """Mark a waiting session past its time expired (committed at once); True if it is expired."""
    if session.state == SigningSession.State.EXPIRED:
        return True
    if session.state != SigningSession.State.WAITING or timezone.now() <= session.expires_at:
        return False
    with transaction.atomic():
        updated = SigningSession.objects.filter(pk=session.pk, state=SigningSession.State.WAITING).update(
            state=SigningSession.State.EXPIRED, completed_at=timezone.now(), error_code="expired",
            error_message=_("The time to sign ran out."))
    session.refresh_from_db()
    if updated:
        _notify_refused(session)
    return session.state == SigningSession.State.EXPIRED


def refuse(session: SigningSession, *, code: str, message: str) -> SigningSession:
    """End a waiting session without a signature (the provider refused, the user cancelled)."""
    with transaction.atomic():
        updated = SigningSession.objects.filter(pk=session.pk, state=SigningSession.State.WAITING).update(
            state=SigningSession.State.REFUSED, completed_at=timezone.now(), error_code=code[:40],
            error_message=message[:500])
    session.refresh_from_db()
    if updated:
        _notify_refused(session)
    return session


_refusal_handlers: dict[str, Callable[[SigningSession], None]] = {}


def register_refusal_handler(target_kind: str, handler: Callable[[SigningSession], None]) -> None:
    """What the document's app does when a kept session ends without a signature."""
    _refusal_handlers[target_kind] = handler


def _notify_refused(session: SigningSession) -> None:
    handler = _refusal_handlers.get(session.target_kind)
    if handler is not None:
        handler(session)


def b64decode(value: str) -> bytes:
    """Base64 from a page or a service; a refusal if it is not."""
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise _refuse(_("The signature or certificate sent is not valid base64."), "bad_base64")


# --- Providers that answer later ----------------------------------------------------------------

def start(session: SigningSession) -> SigningSession:
    """Hand a kept session to its provider (a remote service's request, the worker's job)."""
    from qlvb.signatures.providers import provider

    provider(session.provider).start(session)
    return session


def advance(session: SigningSession) -> SigningSession:
    """One step of the job worker: expire the session if its time is up, else ask its provider;
    a signature that comes back completes it, a refusal ends it (with the reason shown)."""
    from qlvb.signatures.providers import Refused, Signed, provider

    session.refresh_from_db()
    if expire_if_due(session) or session.state != SigningSession.State.WAITING:
        return session
    outcome = provider(session.provider).advance(session)
    if isinstance(outcome, Signed):
        try:
            complete(session, outcome.signature, outcome.certificate_der)
        except ValidationError as error:
            session.refresh_from_db()
            if session.state == SigningSession.State.WAITING:
                refuse(session, code=error.code or "refused", message=" ".join(error.messages))
    elif isinstance(outcome, Refused):
        refuse(session, code=outcome.code, message=outcome.message)
    session.refresh_from_db()
    return session


def advance_waiting(limit: int = 200) -> int:
    """The worker's round: every waiting session of a provider that answers later (not the page's)."""
    from qlvb.signatures.providers import registered

    polled = [name for name, p in registered().items() if not p.client_side and not p.completes_at_once]
    count = 0
    for session in SigningSession.objects.filter(state=SigningSession.State.WAITING).order_by("created_at")[:limit]:
        if session.provider in polled or timezone.now() > session.expires_at:
            advance(session)
            count += 1
    return count
