"""Registering the certificate of a USB token at the person's own computer (the VGCA plugin,
docs/signing-vgca.md). The server never touches the token: the page asks the plugin to sign a
one-time challenge the server chose, and posts the signature with the certificate the plugin
returned. So the person proves, with the PIN, that the key is in her hands; the certificate
must come from an authority the installation trusts (the Government Cipher Committee's, or
another configured as a trust anchor) before anything can be signed with it."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.signatures import pki
from qlvb.signatures.models import Certificate

if TYPE_CHECKING:
    from qlvb.org.models import Agency, Person

PROVIDER = "vgca"
CHALLENGE_BYTES = 32  # the size of a SHA-256 digest: what the plugin's SignMsg signs


def new_challenge() -> bytes:
    return secrets.token_bytes(CHALLENGE_BYTES)


def _refuse(field: str, message: str, code: str, **params: Any) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code, params=params or None)})


def check_trusted(cert: Any) -> None:
    """The certificate chains to an active trust anchor (with the intermediates known) and may
    sign documents (key usage digital signature or non-repudiation); else a ValidationError."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pyhanko_certvalidator import CertificateValidator
    from pyhanko_certvalidator.errors import PathBuildingError

    from qlvb.signatures import trust
    from qlvb.signatures.deferred import run_async

    leaf = asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))
    # Revoked by its CA is refused here as at signing (soft-fail: an unreachable CA is not a refusal).
    trusted, others = trust.anchors()
    context = trust.context(trust_roots=trusted, others=others)
    validator = CertificateValidator(leaf, validation_context=context)
    try:
        run_async(lambda: validator.async_validate_usage({"digital_signature"}))
    except PathBuildingError:
        raise _refuse("certificate", _("The token's certificate is not issued by an authority this system trusts "
                                       "(ask the administrator to add the authority)."), "untrusted")
    except Exception as error:  # PathValidationError, pyhanko_certvalidator's usage refusals and the like
        raise _refuse("certificate", _("The token's certificate cannot sign: %(reason)s"), "not_valid",
                      reason=str(error))


def add_token_certificate(*, by: Actor, certificate_der: bytes, challenge: bytes, signature: bytes,
                          person: Person | None = None, agency: Agency | None = None) -> Certificate:
    """Register the token's certificate to ``person`` (her own key) or ``agency`` (the agency's
    token its clerks sign with), after checking that the token signed ``challenge`` (the one the
    server gave this page, used once) with that certificate's key, that it is valid now and from a
    trusted authority. Nothing is stored on a refusal."""
    from qlvb.signatures.remote.base import verify_raw
    from qlvb.signatures.services import _create_certificate, _may_manage, _owner, _refuse_expired

    _owner(person, agency)
    if not _may_manage(by, person=person, agency=agency):
        raise NotAllowed("may not manage this owner's certificates")
    if len(challenge) != CHALLENGE_BYTES:
        raise _refuse("signature", _("Open the page again and register the token from it."), "no_challenge")
    try:
        cert = pki.load_certificate(certificate_der)
    except ValueError:
        raise _refuse("certificate", _("The certificate sent by the signing software cannot be read."),
                      "bad_certificate")
    if not verify_raw(signature, challenge, certificate_der):
        raise _refuse("signature", _("The token's signature does not match its certificate; nothing was "
                                     "registered."), "signature_mismatch")
    info = pki.cert_info(cert)
    _refuse_expired(info)
    if info.not_before > timezone.now():
        raise _refuse("certificate", _("The certificate “%(name)s” is not valid before %(date)s."),
                      "certificate_not_yet_valid", name=info.subject_cn,
                      date=timezone.localtime(info.not_before).strftime("%d/%m/%Y %H:%M"))
    check_trusted(cert)
    with transaction.atomic():
        return _create_certificate(by=by, person=person, agency=agency, cert=cert, chain=[],
                                   kind=Certificate.Kind.REMOTE, remote_provider=PROVIDER,
                                   remote_id=info.fingerprint[:64])
