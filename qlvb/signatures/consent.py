"""Checking a signer's consent without signing yet: the certificate is theirs, usable now, and
the passphrase or PIN opens the key. Outgoing documents keep this consent until issuing."""

from __future__ import annotations

from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.signatures.models import Certificate
from qlvb.signatures.services import _check_owner, _check_usable, _open_signer


def check_credentials(*, by: Actor, certificate: Certificate, secret: str | None) -> None:
    """Raise NotAllowed (not the person's certificate) or ValidationError (expired, revoked,
    wrong passphrase or PIN) — exactly what signing would raise — and change nothing."""
    _check_owner(by, certificate, agency_signature=False)
    _check_usable(certificate, timezone.now())
    with _open_signer(certificate, secret or None):
        pass
