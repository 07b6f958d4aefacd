"""Remote signing services (VNPT SmartCA, Viettel MySign): the interface the signing sessions use.

A remote service keeps the signer's key; QLVB sends it the SHA-256 digest of the CMS signed
attributes, the signer confirms on the phone, QLVB polls and gets the raw signature value back.
What each service's published integration documents say, and what is proven only against the test
doubles, is in docs/signing-remote.md.

The three calls:
- ``certificates(account)`` lists the signer's certificates; a refusal there (bad client
  credentials, unknown user, service down) raises :class:`RemoteRefusal`, since a list cannot
  carry it.
- ``sign_hash(...)`` asks for a signature and returns the service's reference. It raises nothing
  for a refusal it can name: it then returns a reference that :meth:`status` answers with that
  :class:`Refused` at once (``refused:<code>``), so the caller's polling shows it like any other.
- ``status(account, reference)`` answers :class:`Pending`, :class:`Signed` or :class:`Refused`.

Network failures are retried with back-off and end as ``Refused("error", …)``. Time-outs of the
whole session are the caller's. Nothing here trusts a signature: :func:`verify_raw` checks one
over the digest with the expected certificate's public key, and the caller must refuse it when that
is False.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, encode_dss_signature
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RemoteCertificate:
    id: str  # the service's id of the credential / certificate (what sign_hash takes)
    der: bytes  # the end-entity certificate
    chain: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class Pending:
    pass


@dataclass(frozen=True)
class Signed:
    signature: bytes  # raw signature value over the digest
    certificate_der: bytes | None = None


@dataclass(frozen=True)
class Refused:
    code: str
    message: str  # Vietnamese, for the user


# The refusals a remote service can give, each with what the person is told.
MESSAGES: dict[str, Any] = {
    "rejected": _("The signer declined the signing request on the phone."),
    "timeout": _("The signer did not confirm on the phone in time."),
    "expired": _("The signing transaction has expired; start signing again."),
    "certificate": _("The signer's certificate has expired or has been revoked."),
    "unknown_user": _("The signing service does not know this signer's account."),
    "credentials": _("The signing service refused the agency's connection (client id or secret)."),
    "bad_hash": _("The signing service refused the data to be signed."),
    "quota": _("The signer's account has no signing turns left."),
    "error": _("The signing service could not be reached or reported an error; try again later."),
}

REFUSED_PREFIX = "refused:"


def refused(code: str) -> Refused:
    return Refused(code, str(MESSAGES.get(code, MESSAGES["error"])))


def refused_reference(code: str) -> str:
    """The reference sign_hash returns for a refusal at submission; status() answers it."""
    return REFUSED_PREFIX + code


def refusal_of(reference: str) -> Refused | None:
    if reference.startswith(REFUSED_PREFIX):
        return refused(reference[len(REFUSED_PREFIX):])
    return None


class RemoteRefusal(Exception):
    """Raised by certificates() when the service refuses; carries the Refused to show."""

    def __init__(self, refusal: Refused):
        super().__init__(f"{refusal.code}: {refusal.message}")
        self.refused = refusal


class RemoteClient(Protocol):
    name: str

    def certificates(self, account: str) -> list[RemoteCertificate]: ...

    def sign_hash(self, account: str, certificate_id: str, digest: bytes, *, hash_alg: str,
                  transaction_id: str, description: str) -> str: ...

    def status(self, account: str, reference: str) -> Pending | Signed | Refused: ...


def new_transaction_id() -> str:
    """A transaction id never used before (the services require one per request)."""
    return uuid.uuid4().hex


# --- HTTP with retries ------------------------------------------------------------------------

class NetworkFailure(Exception):
    """The service could not be reached after the retries (or answered something that is not JSON)."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # decoded JSON (dict or list), or None


RETRY_STATUSES = {502, 503, 504}


class JsonHttp:
    """POSTs JSON and decodes JSON, retrying network failures with exponential back-off.

    ``idempotent=False`` (a signing request) retries only when the request cannot have reached
    the service (connection refused or not established), never after it may have been received.
    """

    def __init__(self, *, timeout: float = 15.0, retries: int = 3, backoff: float = 0.5,
                 session: requests.Session | None = None, sleep: Callable[[float], None] = time.sleep):
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.session = session or requests.Session()
        self.sleep = sleep

    def post(self, url: str, payload: Any, *, headers: Mapping[str, str] | None = None,
             idempotent: bool = True) -> tuple[Answer, int]:
        """Returns the answer and how many attempts it took."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.session.post(url, json=payload, headers=dict(headers or {}), timeout=self.timeout)
            except (requests.ConnectTimeout, requests.ConnectionError, requests.Timeout) as error:
                may_have_arrived = isinstance(error, requests.ReadTimeout) or (
                    isinstance(error, requests.ConnectionError) and not _never_sent(error))
                if attempt > self.retries or (not idempotent and may_have_arrived):
                    logger.warning("remote signing: %s unreachable after %d attempts: %s", url, attempt, error)
                    raise NetworkFailure(str(error)) from error
                self.sleep(self.backoff * 2 ** (attempt - 1))
                continue
            if response.status_code in RETRY_STATUSES and idempotent and attempt <= self.retries:
                self.sleep(self.backoff * 2 ** (attempt - 1))
                continue
            try:
                body = response.json() if response.content else None
            except ValueError as error:
                if response.status_code >= 500 or response.status_code in RETRY_STATUSES:
                    raise NetworkFailure(f"HTTP {response.status_code}") from error
                raise NetworkFailure(f"HTTP {response.status_code}: not JSON") from error
            return Answer(response.status_code, body), attempt


def _never_sent(error: requests.ConnectionError) -> bool:
    """True when the connection was never established (refused, no route, DNS): nothing reached
    the service, so even a signing request may be sent again."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    text = repr(error)
    return any(mark in text for mark in ("NewConnectionError", "ConnectionRefused", "NameResolution",
                                         "Failed to establish"))


# --- The signature check the core uses ----------------------------------------------------------

HASHES: dict[str, type[hashes.HashAlgorithm]] = {"sha256": hashes.SHA256, "sha384": hashes.SHA384,
                                                 "sha512": hashes.SHA512}


def verify_raw(signature: bytes, digest: bytes, certificate_der: bytes, *, hash_alg: str = "sha256") -> bool:
    """Whether ``signature`` is a signature over ``digest`` by the key of ``certificate_der``:
    RSA PKCS#1 v1.5, or ECDSA (DER, or the raw r‖s some services return). False for anything else
    (a different key, a changed digest, garbage, an unreadable certificate)."""
    algorithm_class = HASHES.get(hash_alg.lower().replace("-", ""))
    if algorithm_class is None:
        return False
    algorithm = algorithm_class()
    if len(digest) != algorithm.digest_size:
        return False
    try:
        key = x509.load_der_x509_certificate(certificate_der).public_key()
    except ValueError:
        return False
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, digest, padding.PKCS1v15(), Prehashed(algorithm))
            return True
        if isinstance(key, ec.EllipticCurvePublicKey):
            candidates = [signature]
            if len(signature) % 2 == 0:
                half = len(signature) // 2
                candidates.append(encode_dss_signature(int.from_bytes(signature[:half], "big"),
                                                       int.from_bytes(signature[half:], "big")))
            for candidate in candidates:
                try:
                    key.verify(candidate, digest, ec.ECDSA(Prehashed(algorithm)))
                    return True
                except (InvalidSignature, ValueError):
                    continue
            return False
    except (InvalidSignature, ValueError):
        return False
    return False


def unwrap_signature(value: bytes) -> tuple[bytes, bytes | None]:
    """The raw signature value and signer certificate of ``value``. The published documents give
    a raw value; should a service answer with a CMS SignedData instead, its signer's value and
    certificate are taken out of it (the core builds its own CMS)."""
    from asn1crypto import cms

    if not value.startswith(b"\x30"):
        return value, None
    try:
        info = cms.ContentInfo.load(value, strict=True)
        if info["content_type"].native != "signed_data":
            return value, None
        signed = info["content"]
        signer = signed["signer_infos"][0]
        raw = signer["signature"].native
        certificate = None
        serial = signer["sid"].native.get("serial_number") if signer["sid"].name == "issuer_and_serial_number" else None
        for choice in signed["certificates"] or []:
            if choice.name == "certificate" and (serial is None or choice.chosen.serial_number == serial):
                certificate = choice.chosen.dump()
                break
        return raw, certificate
    except (ValueError, TypeError, KeyError, IndexError):
        return value, None


# --- Configured clients -------------------------------------------------------------------------

SETTINGS = {"smartca": "QLVB_SMARTCA", "mysign": "QLVB_MYSIGN"}


def configured() -> list[str]:
    """The remote services this installation offers (those with an integration account set)."""
    return [name for name, setting in SETTINGS.items() if getattr(settings, setting, None)]


def client(name: str) -> RemoteClient:
    """The client of service ``name``, configured from settings; LookupError when not offered."""
    setting = SETTINGS.get(name)
    options = dict(getattr(settings, setting, None) or {}) if setting else {}
    if not options:
        raise LookupError(f"remote signing service {name!r} is not configured")
    if name == "smartca":
        from qlvb.signatures.remote.smartca import SmartCAClient

        return SmartCAClient(**options)
    from qlvb.signatures.remote.mysign import MySignClient

    return MySignClient(**options)
