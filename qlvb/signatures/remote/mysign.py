"""Viettel MySign (remote signing of Viettel-CA: the signer confirms in the MySign app).

After the "Mysign Integration Document" (gateway ``/vtss/service``) and Viettel's sample code
(docs/signing-remote.md lists the sources):
- ``POST /vtss/service/ras/v1/login`` with ``client_id``, ``client_secret``, ``profile_id`` and the
  signer's ``user_id`` gives an ``access_token`` for that user (Bearer, ``expires_in`` 3600 s, no
  refresh token: log in again);
- ``POST /vtss/service/certificates/info`` (Bearer; client credentials, profile and user again,
  ``certificates: "chain"``, ``certInfo``, ``authInfo``) lists ``credential_id`` with
  ``cert.certificates`` (base64 DER, the end-entity first) and ``cert.status``;
- ``POST /vtss/service/signHash`` (Bearer): ``credentialID``, ``numSignatures``, ``documents``
  (``document_id``, ``document_name`` base64 of UTF-8), ``description`` (base64, under 100
  characters), ``hash`` (list of **base64** SHA-256 digests), ``hashAlgo``
  2.16.840.1.101.3.4.2.1, ``signAlgo`` 1.2.840.113549.1.1.1, ``async`` 2 → ``transactionId``;
- ``POST /vtss/service/requests/status`` (Bearer) ``{transactionId}`` → ``status`` "1" with
  ``signatures`` (base64, may hold line breaks), "4000" waiting for the user, "6000" confirmed and
  being signed, "4001" timed out, "4002" declined, "4004" failed, "4005" no signing turns left,
  "13004" certificate expired or revoked, "50000" internal error;
- errors come as ``{"error": code, "error_description": …}``: 58007 unknown client id, 86024 wrong
  client secret, 58008 unknown user id, 59033 invalid user.
"""

from __future__ import annotations

import base64
import binascii
import time
from typing import Any

from qlvb.signatures.remote.base import (
    Answer,
    JsonHttp,
    NetworkFailure,
    Pending,
    Refused,
    RemoteCertificate,
    RemoteRefusal,
    Signed,
    refusal_of,
    refused,
    refused_reference,
    unwrap_signature,
)

PRODUCTION_URL = "https://remotesigning.viettel.vn"
DEFAULT_PROFILE = "adss:ras:profile:001"
SHA256_OID = "2.16.840.1.101.3.4.2.1"
RSA_OID = "1.2.840.113549.1.1.1"

WAITING = {"4000", "6000"}
STATUS_REFUSALS = {"4001": "timeout", "4002": "rejected", "4004": "error", "4005": "quota",
                   "13004": "certificate", "50000": "error"}
ERROR_REFUSALS = {"58007": "credentials", "86024": "credentials", "86002": "credentials",
                  "58008": "unknown_user", "59033": "unknown_user", "13004": "certificate", "4005": "quota"}


class _Unauthorised(Exception):
    pass


class MySignClient:
    name = "mysign"

    def __init__(self, client_id: str, client_secret: str, base_url: str = PRODUCTION_URL,
                 profile_id: str = DEFAULT_PROFILE, *, timeout: float = 15.0, retries: int = 3,
                 backoff: float = 0.5, http: JsonHttp | None = None):
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.profile_id = profile_id
        self.http = http or JsonHttp(timeout=timeout, retries=retries, backoff=backoff)
        self._tokens: dict[str, tuple[str, float]] = {}

    # --- the log-in of each user ---------------------------------------------------------------

    def _identity(self, account: str) -> dict[str, str]:
        return {"client_id": self.client_id, "client_secret": self.client_secret,
                "profile_id": self.profile_id, "user_id": account}

    def _token(self, account: str) -> str:
        token, until = self._tokens.get(account, ("", 0.0))
        if token and time.monotonic() < until:
            return token
        answer, _attempts = self.http.post(f"{self.base_url}/vtss/service/ras/v1/login", self._identity(account))
        body = answer.body if isinstance(answer.body, dict) else {}
        token = str(body.get("access_token") or "")
        if answer.status >= 400 or not token:
            raise RemoteRefusal(_error_refusal(answer))
        try:
            lifetime = float(body.get("expires_in") or 3600)
        except (TypeError, ValueError):
            lifetime = 3600.0
        self._tokens[account] = (token, time.monotonic() + max(lifetime - 60, 0))
        return token

    def _post(self, account: str, path: str, payload: Any, *, idempotent: bool = True) -> tuple[Answer, int]:
        """POST with the user's token, logging in again once if the token is refused."""
        for _round in range(2):
            headers = {"Authorization": f"Bearer {self._token(account)}"}
            answer, attempts = self.http.post(f"{self.base_url}{path}", payload, headers=headers,
                                              idempotent=idempotent)
            if answer.status != 401 or ERROR_REFUSALS.get(_error_code(answer)) == "credentials":
                return answer, attempts
            self._tokens.pop(account, None)
        return answer, attempts

    # --- the interface -------------------------------------------------------------------------

    def certificates(self, account: str) -> list[RemoteCertificate]:
        payload = {**self._identity(account), "certificates": "chain", "certInfo": True, "authInfo": True}
        try:
            answer, _attempts = self._post(account, "/vtss/service/certificates/info", payload)
        except NetworkFailure:
            raise RemoteRefusal(refused("error")) from None
        if answer.status >= 400 or isinstance(answer.body, dict):
            raise RemoteRefusal(_error_refusal(answer))
        found = []
        for item in answer.body or []:
            try:
                encoded = item["cert"]["certificates"]
                ders = [base64.b64decode("".join(value.split()), validate=True) for value in encoded]
            except (KeyError, TypeError, AttributeError, binascii.Error):
                continue
            if ders:
                found.append(RemoteCertificate(id=str(item.get("credential_id") or ""), der=ders[0],
                                               chain=tuple(ders[1:])))
        return found

    def sign_hash(self, account: str, certificate_id: str, digest: bytes, *, hash_alg: str,
                  transaction_id: str, description: str) -> str:
        if hash_alg.lower().replace("-", "") != "sha256" or len(digest) != 32:
            return refused_reference("bad_hash")  # "Only SHA256 hash converted to base64 is accepted"
        payload = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "credentialID": certificate_id,
            "numSignatures": 1,
            "description": _short_base64(description),
            # document_id is ours: the transaction id, unique per request.
            "documents": [{"document_id": transaction_id, "document_name": _short_base64(description)}],
            "hash": [base64.b64encode(digest).decode("ascii")],
            "hashAlgo": SHA256_OID,
            "signAlgo": RSA_OID,
            "async": 2,
        }
        try:
            answer, _attempts = self._post(account, "/vtss/service/signHash", payload, idempotent=False)
        except NetworkFailure:
            return refused_reference("error")
        except RemoteRefusal as refusal:
            return refused_reference(refusal.refused.code)
        body = answer.body if isinstance(answer.body, dict) else {}
        reference = str(body.get("transactionId") or "")
        if answer.status >= 400 or _error_code(answer) or not reference:
            failure = _error_refusal(answer)
            if failure.code == "error" and "hash" in str(body.get("error_description") or "").lower():
                return refused_reference("bad_hash")
            return refused_reference(failure.code)
        return reference

    def status(self, account: str, reference: str) -> Pending | Signed | Refused:
        known = refusal_of(reference)
        if known:
            return known
        try:
            answer, _attempts = self._post(account, "/vtss/service/requests/status", {"transactionId": reference})
        except NetworkFailure:
            return refused("error")
        except RemoteRefusal as refusal:
            return refusal.refused
        body = answer.body if isinstance(answer.body, dict) else {}
        status = str(body.get("status") if body.get("status") is not None else "")
        if status == "1":
            values = body.get("signatures") or []
            try:
                raw = base64.b64decode("".join(str(values[0]).split()), validate=True)
            except (IndexError, binascii.Error):
                return refused("error")
            signature, certificate = unwrap_signature(raw)
            return Signed(signature, certificate)
        if status in STATUS_REFUSALS:
            return refused(STATUS_REFUSALS[status])
        if answer.status >= 400 or _error_code(answer):
            return _error_refusal(answer)
        # 4000, 6000 and anything else not final: still waiting (as Viettel's sample treats it).
        return Pending()


def _short_base64(text: str, limit: int = 100) -> str:
    """Base64 of UTF-8 ``text``, cut at a character so the result stays under ``limit`` characters."""
    encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
    while len(encoded) >= limit and text:
        text = text[:-1]
        encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return encoded


def _error_code(answer: Answer) -> str:
    body = answer.body if isinstance(answer.body, dict) else {}
    code = body.get("error")
    return "" if code in (None, 0, "0", "") else str(code)


def _error_refusal(answer: Answer) -> Refused:
    code = _error_code(answer)
    if code in ERROR_REFUSALS:
        return refused(ERROR_REFUSALS[code])
    if answer.status == 401:
        return refused("credentials")
    return refused("error")
