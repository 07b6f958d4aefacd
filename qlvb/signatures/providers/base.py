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


__all__ = ["Outcome", "Pending", "Provider", "Refused", "Signed", "WorkerProvider"]

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

    def session_minutes(self) -> int:
        """How long a kept session waits for this provider's signature."""
        from qlvb.signatures.deferred import session_minutes

        return session_minutes()

    def start(self, session: SigningSession) -> None:
        """Begin signing a kept session (ask the service; queue the worker)."""

    def advance(self, session: SigningSession) -> Outcome:
        """One step of the worker: ask the service where the signature is."""
        return Pending()


class WorkerProvider(Provider):
    """A key held by a signing service whose answer comes later (CSC, SmartCA, MySign): the
    session is started by queueing the job worker after the commit — so a service is never asked
    about a session that was rolled back — and advanced by it; the certificates it serves are the
    remote ones registered from it."""

    def serves(self, certificate: Certificate) -> bool:
        from qlvb.signatures.models import Certificate as Model

        return certificate.kind == Model.Kind.REMOTE and certificate.remote_provider == self.name

    def start(self, session: SigningSession) -> None:
        from django.db import transaction

        from qlvb.signatures.tasks import advance_session

        pk = session.pk
        transaction.on_commit(lambda: advance_session(pk))


class RemoteServiceProvider(WorkerProvider):
    """A remote signing service with a client in qlvb/signatures/remote/ (VNPT SmartCA, Viettel
    MySign): the job worker's first step sends the session's digest with ``sign_hash`` and keeps
    the service's reference on the session; its next steps ask ``status`` until the signer has confirmed
    on the phone (or refused, or the session's time is up). The core checks the signature that
    comes back against the registered certificate (deferred.complete)."""

    def configured(self) -> bool:
        from qlvb.signatures.remote import base as remote

        return self.name in remote.configured()

    def _send(self, session: SigningSession) -> Outcome:
        """Send the digest once: the session's row is locked, so the worker's round and the job
        queued at the commit cannot both send it (the signer would be asked twice)."""
        from django.db import transaction

        from qlvb.signatures.models import SigningSession as Model
        from qlvb.signatures.remote import base as remote

        with transaction.atomic():
            locked = Model.objects.select_for_update().get(pk=session.pk)
            if locked.provider_reference or locked.state != Model.State.WAITING:
                session.provider_reference = locked.provider_reference
                return Pending()
            certificate = locked.certificate
            assert certificate is not None  # a kept session has its certificate
            details = locked.details or {}
            description = str(details.get("reason") or details.get("signer_name") or "QLVB")[:200]
            # A new id of our own (not the session's token, which names the session outside).
            reference = remote.client(self.name).sign_hash(
                locked.provider_account or certificate.remote_account, certificate.remote_id,
                bytes(locked.digest), hash_alg=locked.hash_alg, transaction_id=remote.new_transaction_id(),
                description=description)
            locked.provider_reference = reference[:300]
            locked.save(update_fields=["provider_reference"])
        session.provider_reference = locked.provider_reference
        return remote.refusal_of(reference) or Pending()

    def advance(self, session: SigningSession) -> Outcome:
        from django.utils.translation import gettext as _

        from qlvb.signatures.remote import base as remote

        if not self.configured():
            return Refused("error", _("The signing service of this certificate is not available on this server."))
        if not session.provider_reference:
            return self._send(session)
        return remote.client(self.name).status(session.provider_account, session.provider_reference)
