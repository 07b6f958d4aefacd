"""The agency's keys for edXML signatures, from qlvb.signatures (the only Django-aware module
of the edXML library).

``sign_for_agency`` signs with the agency's certificate (``signatures.Certificate`` with
``agency`` set, the one its clerks use for the PDF agency signature), opened the same way:
the PKCS#12 file and its stored passphrase decrypted with ``signatures.crypto``. A key on a
PKCS#11 token cannot sign edXML here (the server would need the PIN for each package): such an
agency gets ``EdxmlError('no_key')`` and must add a PKCS#12 key with a stored passphrase.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cryptography import x509
from django.utils import timezone

from .dsig import SignerInfo, sign, verify
from .errors import EdxmlError

if TYPE_CHECKING:  # imported where used: the rest of the edXML library knows no Django model
    from qlvb.org.models import Agency
    from qlvb.signatures.models import Certificate


def agency_certificate(agency: Agency) -> Certificate | None:
    """The agency's usable PKCS#12 certificate (the latest valid one), or None."""
    from qlvb.signatures.models import Certificate

    now = timezone.now()
    return (Certificate.objects.filter(agency=agency, kind=Certificate.Kind.PKCS12, is_active=True,
                                       revoked_at__isnull=True, not_before__lte=now, not_after__gt=now,
                                       pkcs12_encrypted__isnull=False)
            .order_by("-not_after", "-pk").first())


def agency_key(agency: Agency, *,
               passphrase: str | None = None) -> tuple[object, x509.Certificate, list[x509.Certificate]]:
    """(private key, certificate, chain) of the agency's key file."""
    from django.core.exceptions import ValidationError

    from qlvb.signatures import pki
    from qlvb.signatures.services import _decrypt

    certificate = agency_certificate(agency)
    if certificate is None:
        raise EdxmlError("no_key")
    try:
        if not passphrase:
            if not certificate.passphrase_stored or not certificate.passphrase_encrypted:
                raise EdxmlError("no_key", detail="passphrase not stored")
            passphrase = _decrypt(certificate.passphrase_encrypted, "passphrase", certificate.fingerprint).decode()
        data = _decrypt(certificate.pkcs12_encrypted, "pkcs12", certificate.fingerprint)
        key, cert, chain = pki.open_pkcs12(data, passphrase)
    except (ValidationError, pki.WrongPassphrase, pki.NotPkcs12) as error:
        raise EdxmlError("no_key", detail=type(error).__name__) from None
    chain = chain or pki.load_certificates(certificate.chain_pem)
    return key, cert, chain


def sign_for_agency(xml: bytes, agency: Agency, *, passphrase: str | None = None) -> bytes:
    """The package signed with the agency's certificate (XML-DSig, see ``dsig``)."""
    key, cert, chain = agency_key(agency, passphrase=passphrase)
    return sign(xml, key=key, cert=cert, chain=chain)


def trust_roots_for_installation() -> list[x509.Certificate]:
    """The root authorities this installation trusts (``signatures.TrustAnchor`` of kind root)."""
    return installation_anchors()[0]


def installation_anchors() -> tuple[list[x509.Certificate], list[x509.Certificate]]:
    """The installation's trusted roots, and its intermediates: a path may pass through those,
    but a certificate is trusted only if the path ends at a root. The anchors the PDF signatures
    trust (``signatures.trust.anchors``), in the form the XML signatures check."""
    from qlvb.signatures import pki, trust

    roots, intermediates = trust.anchors()
    return ([pki.load_certificate(c.dump()) for c in roots],
            [pki.load_certificate(c.dump()) for c in intermediates])


def verify_for_installation(xml: bytes, *, require: bool = True) -> SignerInfo | None:
    """``dsig.verify`` against the installation's trusted authorities."""
    roots, intermediates = installation_anchors()
    return verify(xml, trust_roots=roots, intermediates=intermediates, require=require)
