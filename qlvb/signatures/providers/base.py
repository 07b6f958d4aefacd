"""What a signing provider is (docs/signing.md): something that signs the digest a
``SigningSession`` holds, with a key QLVB does not necessarily hold itself.

* ``completes_at_once``: the server signs with its own key inside the request (PKCS#12, PKCS#11).
* ``client_side``: the page signs (the VGCA plugin at the user's computer) and posts the value to
  the session's complete endpoint.
* otherwise the job worker advances the session (``advance``) until the service answers.

Outcomes have the shape of the remote clients' (qlvb/signatures/remote/base.py, the contract).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qlvb.signatures.models import Certificate, SigningSession


@dataclass(frozen=True)
class Pending:
    pass


@dataclass(frozen=True)
class Signed:
    signature: bytes  # raw signature value over the session's digest
    certificate_der: bytes | None = None


@dataclass(frozen=True)
class Refused:
    code: str  # "rejected" | "expired" | "timeout" | "bad_hash" | "error" | ...
    message: str  # Vietnamese, for the user


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
