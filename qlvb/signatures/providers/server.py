"""The server's own keys (PKCS#12 files kept encrypted, PKCS#11 tokens and HSMs): the digest is
signed here and the session completes at once, transient (nothing is kept but the event)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from qlvb.signatures.models import Certificate
from qlvb.signatures.providers.base import Provider

if TYPE_CHECKING:
    from qlvb.signatures.models import SigningSession


class ServerProvider(Provider):
    name = "server"
    label = gettext_lazy("Key on the server")
    completes_at_once = True

    def serves(self, certificate: Certificate) -> bool:
        return certificate.kind in (Certificate.Kind.PKCS12, Certificate.Kind.PKCS11)

    def sign(self, session: SigningSession, signer: object) -> bytes:
        """Sign the session's digest with an opened key (services._open_signer) and complete it."""
        from qlvb.signatures import deferred

        signature = deferred.run_async(lambda: signer.async_sign_raw(  # type: ignore[attr-defined]  # pyHanko's
            bytes(session.signed_attributes), session.hash_alg))
        return deferred.complete(session, signature)
