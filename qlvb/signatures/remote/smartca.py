"""VNPT SmartCA (gói SP769: the signer confirms each request in the VNPT SmartCA app).

After VNPT's "Tài liệu tích hợp VNPT SmartCA" (kịch bản tích hợp v4.x), sections 3.2-3.4, and its
sample code (docs/signing-remote.md lists the sources):
- every call is an HTTPS POST of JSON under the base URL
  (UAT https://rmgateway.vnptit.vn/sca/sp769, production https://gwsca.vnpt.vn/sca/sp769);
- there is no token: each body carries ``sp_id`` and ``sp_password`` (the client id and secret
  VNPT gives the integrating system) and ``user_id`` (the signer's CCCD/CMND/passport/tax number);
- ``v1/credentials/get_certificate`` lists the signer's certificates (``serial_number``,
  ``cert_data`` base64 DER, ``chain_data``) and needs a ``transaction_id`` made by us;
- ``v1/signatures/sign`` sends the hash, **hex** in ``sign_files[].data_to_be_signed`` with
  ``sign_type: "hash"``, the certificate's ``serial_number`` and a ``transaction_id`` that must be
  unique; it answers ``sig_wait_for_user_confirm`` with ``data.transaction_id`` (ours, echoed)
  and ``tran_code``;
- ``v1/signatures/sign/{tranId}/status`` (empty body, as in VNPT's samples) answers, once the
  signer has confirmed, ``message: SUCCESS`` with ``data.signatures[].signature_value`` (base64);
- errors: 400 BAD_REQUEST, 401 SP_CREDENTIAL_INVALID (system or user), 403
  CREDENTIAL_STATUS_INVALID (the certificate), 500 internal error; details in ``message``.
The documents do not say how the status call words a refusal by the signer or an expired request;
they are recognised by their message (see docs/signing-remote.md: to confirm with a real account).
"""

from __future__ import annotations

import base64
import binascii

from qlvb.signatures.remote.base import (
    Answer,
    JsonHttp,
    NetworkFailure,
    Pending,
    Refused,
    RemoteCertificate,
    RemoteRefusal,
    Signed,
    new_transaction_id,
    refusal_of,
    refused,
    refused_reference,
    unwrap_signature,
)

PRODUCTION_URL = "https://gwsca.vnpt.vn/sca/sp769"
UAT_URL = "https://rmgateway.vnptit.vn/sca/sp769"


class SmartCAClient:
    name = "smartca"

    def __init__(self, client_id: str, client_secret: str, base_url: str = PRODUCTION_URL, *,
                 timeout: float = 15.0, retries: int = 3, backoff: float = 0.5, http: JsonHttp | None = None):
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.http = http or JsonHttp(timeout=timeout, retries=retries, backoff=backoff)

    def _credentials(self) -> dict[str, str]:
        return {"sp_id": self.client_id, "sp_password": self.client_secret}

    def certificates(self, account: str) -> list[RemoteCertificate]:
        payload = {**self._credentials(), "user_id": account, "serial_number": "",
                   "transaction_id": new_transaction_id()}
        try:
            answer, _attempts = self.http.post(f"{self.base_url}/v1/credentials/get_certificate", payload)
        except NetworkFailure:
            raise RemoteRefusal(refused("error")) from None
        failure = _failure(answer)
        if failure:
            raise RemoteRefusal(failure)
        found = []
        for item in ((answer.body or {}).get("data") or {}).get("user_certificates") or []:
            try:
                der = base64.b64decode(item["cert_data"], validate=True)
                chain_data = item.get("chain_data") or {}
                chain = tuple(base64.b64decode(chain_data[key]) for key in ("ca_cert", "root_cert")
                              if chain_data.get(key))
            except (KeyError, TypeError, binascii.Error):
                continue
            found.append(RemoteCertificate(id=str(item.get("serial_number") or ""), der=der, chain=chain))
        return found

    def sign_hash(self, account: str, certificate_id: str, digest: bytes, *, hash_alg: str,
                  transaction_id: str, description: str) -> str:
        if hash_alg.lower().replace("-", "") != "sha256" or len(digest) != 32:
            return refused_reference("bad_hash")  # SmartCA signs SHA-256 hashes only (64 hex digits)
        payload = {
            **self._credentials(),
            "user_id": account,
            "transaction_id": transaction_id,
            "transaction_desc": description,
            "serial_number": certificate_id,
            # doc_id is shown in the SmartCA app next to the request: the transaction id lets the
            # signer match it with the one QLVB shows.
            "sign_files": [{"data_to_be_signed": digest.hex(), "doc_id": transaction_id,
                            "file_type": "pdf", "sign_type": "hash"}],
        }
        try:
            answer, attempts = self.http.post(f"{self.base_url}/v1/signatures/sign", payload, idempotent=False)
        except NetworkFailure:
            return refused_reference("error")
        failure = _failure(answer, signing=True)
        if failure:
            if attempts > 1 and _mentions(answer, "transaction"):
                # The first attempt reached VNPT after all: the request is theirs under our id.
                return transaction_id
            return refused_reference(failure.code)
        data = (answer.body or {}).get("data") or {}
        return str(data.get("transaction_id") or transaction_id)

    def status(self, account: str, reference: str) -> Pending | Signed | Refused:
        known = refusal_of(reference)
        if known:
            return known
        try:
            answer, _attempts = self.http.post(f"{self.base_url}/v1/signatures/sign/{reference}/status", {})
        except NetworkFailure:
            return refused("error")
        body = answer.body if isinstance(answer.body, dict) else {}
        data = body.get("data") or {}
        for item in data.get("signatures") or []:
            value = (item or {}).get("signature_value")
            if value:
                try:
                    raw = base64.b64decode("".join(str(value).split()), validate=True)
                except binascii.Error:
                    return refused("error")
                signature, certificate = unwrap_signature(raw)
                return Signed(signature, certificate)
        message = str(body.get("message") or "").lower()
        if "reject" in message or "denied" in message or "cancel" in message or "từ chối" in message:
            return refused("rejected")
        if "expire" in message or "hết hạn" in message:
            return refused("expired")
        if "timeout" in message or "time out" in message:
            return refused("timeout")
        failure = _failure(answer)
        if failure:
            return failure
        return Pending()


def _code(answer: Answer) -> int:
    body = answer.body if isinstance(answer.body, dict) else {}
    try:
        return int(body.get("status_code", answer.status))
    except (TypeError, ValueError):
        return answer.status


def _mentions(answer: Answer, *words: str) -> bool:
    body = answer.body if isinstance(answer.body, dict) else {}
    message = str(body.get("message") or "").lower()
    return any(word in message for word in words)


def _failure(answer: Answer, *, signing: bool = False) -> Refused | None:
    code = max(_code(answer), answer.status)
    if code < 400:
        return None
    if code == 401:
        # SP_CREDENTIAL_INVALID covers both the system's and the user's account; the message says which.
        return refused("unknown_user" if _mentions(answer, "user_id", "user not", "thuê bao") else "credentials")
    if code == 403:
        return refused("certificate")
    if code == 400 and signing and _mentions(answer, "data_to_be_signed", "hash"):
        return refused("bad_hash")
    return refused("error")

