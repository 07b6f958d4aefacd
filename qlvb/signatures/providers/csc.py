"""The Cloud Signature Consortium API (CSC v1 and the same calls of v2): credentials/list,
credentials/info, credentials/authorize, signatures/signHash (docs/signing.md).

A person's (or agency's) key at a CSC service is registered as a ``Certificate`` of kind
``remote`` (provider "csc", the account — CSC's ``clientData``/user — and the credential id).
Signing starts a kept ``SigningSession``; the job worker authorises the credential for exactly the
session's digest (hash pinning, SCAL2) and asks signHash; the page shows the state without reload.

Settings: ``QLVB_CSC`` = {"base_url": …, "token": … (a bearer token, if the service wants one),
"timeout": seconds}; absent → not offered.
"""

from __future__ import annotations

import base64
import logging
import time
from typing import TYPE_CHECKING, Any

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qlvb.signatures.providers.base import Outcome, Pending, Refused, Signed, WorkerProvider
from qlvb.signatures.remote.base import RemoteCertificate

if TYPE_CHECKING:
    from qlvb.signatures.models import SigningSession

logger = logging.getLogger(__name__)

SHA256_OID = "2.16.840.1.101.3.4.2.1"
SIGN_ALGORITHMS = {"rsa": "1.2.840.113549.1.1.11", "ec": "1.2.840.10045.4.3.2"}  # sha256WithRSA, ecdsa-sha256
RETRIES = 3


class CscError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def config() -> dict[str, Any]:
    return dict(getattr(settings, "QLVB_CSC", None) or {})


class CscClient:
    """A small CSC API client (requests): every call a POST of JSON to ``base_url/csc/v1/<method>``."""

    name = "csc"

    def __init__(self, base_url: str, *, token: str = "", timeout: float = 20, version: str = "v1") -> None:
        self.base_url = base_url.rstrip("/")
        self.token, self.timeout, self.version = token, timeout, version

    def _call(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        url = f"{self.base_url}/csc/{self.version}/{method}"
        for attempt in range(RETRIES):
            try:
                response = requests.post(url, json=payload, headers=headers, timeout=self.timeout)
            except requests.RequestException as error:
                logger.warning("CSC %s: %s (attempt %s)", method, error, attempt + 1)
                if attempt + 1 == RETRIES:
                    raise CscError("error", _("The signing service cannot be reached; try again later."))
                time.sleep(0.5 * 2 ** attempt)
                continue
            if response.status_code >= 500 and attempt + 1 < RETRIES:
                time.sleep(0.5 * 2 ** attempt)
                continue
            if response.status_code in (401, 403):
                raise CscError("rejected", _("The signing service refused the request (not authorised)."))
            if response.status_code == 404:
                raise CscError("not_found", _("The signing service does not know this key."))
            if response.status_code >= 400:
                raise CscError("rejected", _("The signing service refused to sign (%(status)s).")
                               % {"status": response.status_code})
            return dict(response.json())
        raise CscError("error", _("The signing service cannot be reached; try again later."))

    def credential_ids(self, account: str) -> list[str]:
        payload = {"clientData": account} if account else {}
        return [str(x) for x in self._call("credentials/list", payload).get("credentialIDs", [])]

    def certificate(self, credential_id: str) -> RemoteCertificate:
        info = self._call("credentials/info", {"credentialID": credential_id, "certificates": "chain"})
        certs = [base64.b64decode(c) for c in (info.get("cert") or {}).get("certificates", [])]
        if not certs:
            raise CscError("error", _("The signing service gave no certificate for this key."))
        return RemoteCertificate(id=credential_id, der=certs[0], chain=tuple(certs[1:]))

    def certificates(self, account: str) -> list[RemoteCertificate]:
        return [self.certificate(cid) for cid in self.credential_ids(account)]

    def sign_hash(self, credential_id: str, digest: bytes, *, key_algorithm: str) -> bytes:
        """Authorise the credential for this one digest, then sign it. The raw signature value."""
        hash_b64 = base64.b64encode(digest).decode("ascii")
        sad = self._call("credentials/authorize", {"credentialID": credential_id, "numSignatures": 1,
                                                   "hash": [hash_b64]}).get("SAD")
        if not sad:
            raise CscError("rejected", _("The signing service did not authorise the signature."))
        result = self._call("signatures/signHash", {
            "credentialID": credential_id, "SAD": sad, "hash": [hash_b64], "hashAlgo": SHA256_OID,
            "signAlgo": SIGN_ALGORITHMS.get(key_algorithm, SIGN_ALGORITHMS["rsa"])})
        signatures = result.get("signatures") or []
        if len(signatures) != 1:
            raise CscError("bad_hash", _("The signing service returned no signature."))
        return base64.b64decode(signatures[0])


def client() -> CscClient:
    settings_ = config()
    return CscClient(settings_["base_url"], token=settings_.get("token", ""),
                     timeout=float(settings_.get("timeout", 20)))


def _key_algorithm(der: bytes) -> str:
    from asn1crypto import x509

    return str(x509.Certificate.load(der).public_key.algorithm)


class CscProvider(WorkerProvider):
    name = "csc"
    label = gettext_lazy("the CSC signing service")

    def configured(self) -> bool:
        return bool(config().get("base_url"))

    def advance(self, session: SigningSession) -> Outcome:
        if not self.configured():
            return Refused("error", _("The CSC signing service is not configured on this server."))
        certificate = session.certificate
        if certificate is None:
            return Refused("error", _("The certificate is not registered in QLVB for this person or agency."))
        try:
            signature = client().sign_hash(certificate.remote_id, bytes(session.digest),
                                           key_algorithm=_key_algorithm(bytes(session.certificate_der)))
        except CscError as error:
            return Refused(error.code, error.message)
        return Signed(signature)


__all__ = ["CscClient", "CscError", "CscProvider", "Pending", "RemoteCertificate", "client"]
