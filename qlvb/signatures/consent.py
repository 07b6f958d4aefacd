"""Checking a signer's consent without signing yet: the certificate is theirs, usable now, and
the passphrase or PIN opens the key. Outgoing documents keep this consent until issuing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core.actor import Actor
from qlvb.signatures.models import Certificate
from qlvb.signatures.providers import for_certificate
from qlvb.signatures.services import _check_owner, _check_usable, _open_signer


def check_credentials(*, by: Actor, certificate: Certificate, secret: str | None) -> None:
    """Raise NotAllowed (not the person's certificate) or ValidationError (expired, revoked,
    wrong passphrase or PIN) — exactly what signing would raise — and change nothing."""
    _check_owner(by, certificate, agency_signature=False)
    _check_usable(certificate, timezone.now())
    if certificate.kind == Certificate.Kind.REMOTE:
        # A remote service's key: the holder confirms each signature with the service itself.
        provider = for_certificate(certificate)
        if not provider.configured():
            raise ValidationError(_("The signing service of this certificate is not available on this server."),
                                  code="provider_unavailable")
        return
    with _open_signer(certificate, secret or None):
        pass
