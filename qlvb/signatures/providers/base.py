"""What a signing provider is (docs/signing.md): something that signs the digest a
``SigningSession`` holds, with a key QLVB does not necessarily hold itself.

* ``completes_at_once``: the server signs with its own key inside the request (PKCS#12, PKCS#11).
* ``client_side``: the page signs (the VGCA plugin at the user's computer) and posts the value to
  the session's complete endpoint.
* otherwise the job worker advances the session (``advance``) until the service answers.

Outcomes are the remote clients' own (qlvb/signatures/remote/base.py), so a remote client's
answer is a provider's outcome as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qlvb.signatures.remote.base import Pending, Refused, Signed

if TYPE_CHECKING:
    from qlvb.signatures.models import Certificate, SigningSession


__all__ = ["Outcome", "Pending", "Provider", "Refused", "Signed"]

Outcome = Pending | Signed | Refused


class Provider:
    name = ""
    label: object = ""
    completes_at_once = False
    client_side = False

    def configured(self) -> bool:
        """Whether this installation offers it (its settings are there)."""
        return True

    def serves(self, certificate: Certificate) -> bool:
        """Whether this provider signs with ``certificate``."""
        return False

    def start(self, session: SigningSession) -> None:
        """Begin signing a kept session (ask the service; queue the worker)."""

    def advance(self, session: SigningSession) -> Outcome:
        """One step of the worker: ask the service where the signature is."""
        return Pending()
