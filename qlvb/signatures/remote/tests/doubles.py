"""Contract doubles of VNPT SmartCA and Viettel MySign: small HTTP servers that check what the
published integration documents require and answer as they describe (docs/signing-remote.md).

Test code, not product code. Each double holds users with real RSA-2048 keys and certificates and
a script per user: how many "waiting" answers come before the outcome, and the outcome — signed,
declined, timed out, expired, signed with a key other than the certificate's, or signed over a
changed digest. Where the documents are silent (how SmartCA words a refusal on the status call, the
uniqueness of MySign's document_id) the double makes a choice, marked "not in the documents".
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

# --- A small PKI -------------------------------------------------------------------------------

_DER = Encoding.DER


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Authority:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(_DER)


def make_authority(name: str = "QLVB Test Remote CA") -> Authority:
    key = rsa_key()
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                   .sign(key, hashes.SHA256()))
    return Authority(key, certificate)


def issue(authority: Authority, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, common_name: str, uid: str, *,
          expired: bool = False) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    start, end = (now - dt.timedelta(days=400), now - dt.timedelta(days=35)) if expired else (
        now - dt.timedelta(days=1), now + dt.timedelta(days=365))
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                         x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                         x509.NameAttribute(NameOID.USER_ID, uid)])
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(authority.certificate.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(authority.key, hashes.SHA256()))


@dataclass
class Credential:
    """One certificate of a user at the service, with the key the service holds for it."""
    id: str
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain: tuple[bytes, ...]
    expired: bool = False

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(_DER)

    @property
    def serial_hex(self) -> str:
        return format(self.certificate.serial_number, "x")


@dataclass
class Script:
    """What happens after a signing request: ``waits`` "waiting" answers, then ``outcome``:
    "sign", "reject", "timeout", "expire", "different_key" (a valid signature by another key) or
    "tamper" (a signature over a changed digest)."""
    waits: int = 3
    outcome: str = "sign"


@dataclass
class Transaction:
    reference: str
    user: str
    credential: Credential
    digest: bytes
    doc_id: str
    script: Script
    polls: int = 0


def sign_digest(key: rsa.RSAPrivateKey, digest: bytes) -> bytes:
    return key.sign(digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))


# --- The HTTP server ---------------------------------------------------------------------------


@dataclass
class Seen:
    path: str
    body: Any
    headers: dict[str, str]


class Double:
    """A service double on 127.0.0.1 in a thread. ``drop`` > 0 closes that many connections
    without an answer (a network failure); ``seen`` records every request."""

    def __init__(self, client_id: str, client_secret: str):
        self.client_id = client_id
        self.client_secret = client_secret
        self.users: dict[str, list[Credential]] = {}
        self.scripts: dict[str, Script] = {}
        self.transactions: dict[str, Transaction] = {}
        self.used_ids: set[str] = set()
        self.seen: list[Seen] = []
        self.drop = 0
        self.other_key = rsa_key()
        self.lock = threading.Lock()
        double = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                with double.lock:
                    if double.drop > 0:
                        double.drop -= 1
                        double.seen.append(Seen(self.path, None, dict(self.headers)))
                        self.close_connection = True
                        return
                    try:
                        body = json.loads(raw) if raw else None
                    except ValueError:
                        body = None
                    double.seen.append(Seen(self.path, body, dict(self.headers)))
                    status, answer = double.route(self.path, body, dict(self.headers))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Double:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def add_user(self, user: str, *credentials: Credential, script: Script | None = None) -> None:
        self.users[user] = list(credentials)
        self.scripts[user] = script or Script()

    def route(self, path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
        raise NotImplementedError

    def paths(self) -> list[str]:
        return [seen.path for seen in self.seen]

    def outcome(self, transaction: Transaction) -> tuple[str, bytes | None]:
        """The scripted step of a transaction at this poll: ("waiting", None), ("signed", value) or
        (refusal, None)."""
        transaction.polls += 1
        script = transaction.script
        if transaction.polls <= script.waits:
            return "waiting", None
        if script.outcome == "sign":
            return "signed", sign_digest(transaction.credential.key, transaction.digest)
        if script.outcome == "different_key":
            return "signed", sign_digest(self.other_key, transaction.digest)
        if script.outcome == "tamper":
            changed = bytes([transaction.digest[0] ^ 1]) + transaction.digest[1:]
            return "signed", sign_digest(transaction.credential.key, changed)
        return script.outcome, None


def _is_hex_sha256(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[0-9a-fA-F]{64}", value) is not None


def _b64(value: Any) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


# --- VNPT SmartCA (SP769) -----------------------------------------------------------------------


class SmartCADouble(Double):
    """Under /sca/sp769: v1/credentials/get_certificate, v1/signatures/sign, and
    v1/signatures/sign/{tranId}/status, per VNPT's integration document sections 3.2-3.4."""

    PREFIX = "/sca/sp769"

    def route(self, path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
        if not path.startswith(self.PREFIX):
            return 404, {"status_code": 404, "message": "NOT_FOUND"}
        path = path[len(self.PREFIX):]
        status_match = re.fullmatch(r"/v1/signatures/sign/([^/]+)/status", path)
        if status_match:
            return self.status(status_match.group(1))
        if not isinstance(body, dict):
            return 400, _vnpt(400, "BAD_REQUEST: the body must be JSON")
        if body.get("sp_id") != self.client_id or body.get("sp_password") != self.client_secret:
            return 401, _vnpt(401, "SP_CREDENTIAL_INVALID: sp_id or sp_password is wrong")
        transaction_id = body.get("transaction_id")
        if not isinstance(transaction_id, str) or not transaction_id:
            return 400, _vnpt(400, "BAD_REQUEST: transaction_id is required")
        if transaction_id in self.used_ids:  # "Mã giao dịch khởi tạo bởi SP - yêu cầu là duy nhất"
            return 400, _vnpt(400, "BAD_REQUEST: transaction_id has already been used")
        self.used_ids.add(transaction_id)
        user = body.get("user_id")
        if user not in self.users:
            return 401, _vnpt(401, "SP_CREDENTIAL_INVALID: user_id is not a subscriber")
        if path == "/v1/credentials/get_certificate":
            return 200, _vnpt(200, "Success", {"user_certificates": [
                self.describe(credential, transaction_id) for credential in self.users[user]]})
        if path == "/v1/signatures/sign":
            return self.sign(user, transaction_id, body)
        return 404, _vnpt(404, "NOT_FOUND")

    def describe(self, credential: Credential, transaction_id: str) -> dict[str, Any]:
        return {
            "service_type": "SMARTCA", "service_name": "SMARTCA PERSONAL PRO", "cert_id": str(uuid.uuid4()),
            "cert_status": "Hết hạn" if credential.expired else "Đang hoạt động",
            "serial_number": credential.id,
            "cert_subject": credential.certificate.subject.rfc4514_string(),
            "cert_valid_from": credential.certificate.not_valid_before_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "cert_valid_to": credential.certificate.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "cert_data": base64.b64encode(credential.der).decode(),
            "chain_data": {"ca_cert": base64.b64encode(credential.chain[0]).decode() if credential.chain else None,
                           "root_cert": None},
            "transaction_id": transaction_id,
        }

    def sign(self, user: str, transaction_id: str, body: dict[str, Any]) -> tuple[int, Any]:
        files = body.get("sign_files")
        if not isinstance(files, list) or len(files) != 1 or not isinstance(files[0], dict):
            return 400, _vnpt(400, "BAD_REQUEST: sign_files must hold the file to sign")
        item = files[0]
        if item.get("sign_type") != "hash":  # "Hiện tại SmartCA chỉ hỗ trợ giao dịch ký hash"
            return 400, _vnpt(400, "BAD_REQUEST: sign_type must be hash")
        if not item.get("doc_id") or not item.get("file_type"):
            return 400, _vnpt(400, "BAD_REQUEST: doc_id and file_type are required")
        if not _is_hex_sha256(item.get("data_to_be_signed")):  # "hex với hash"
            return 400, _vnpt(400, "BAD_REQUEST: data_to_be_signed must be the hex SHA-256 hash")
        serial = body.get("serial_number") or ""
        credentials = self.users[user]
        chosen = next((c for c in credentials if c.id == serial), None) if serial else credentials[0]
        if chosen is None:
            return 403, _vnpt(403, "CREDENTIAL_STATUS_INVALID: serial_number is not a certificate of this user")
        if chosen.expired:
            return 403, _vnpt(403, "CREDENTIAL_STATUS_INVALID: the certificate has expired")
        self.transactions[transaction_id] = Transaction(transaction_id, user, chosen,
                                                        bytes.fromhex(item["data_to_be_signed"]),
                                                        str(item["doc_id"]), self.scripts[user])
        return 200, _vnpt(200, "sig_wait_for_user_confirm",
                          {"transaction_id": transaction_id, "tran_code": str(uuid.uuid4())})

    def status(self, reference: str) -> tuple[int, Any]:
        transaction = self.transactions.get(reference)
        if transaction is None:
            return 400, _vnpt(400, "BAD_REQUEST: unknown transaction")
        step, value = self.outcome(transaction)
        if step == "waiting":
            return 200, _vnpt(200, "sig_wait_for_user_confirm", {"transaction_id": reference, "signatures": None})
        if step == "signed" and value is not None:
            return 200, _vnpt(200, "SUCCESS", {"transaction_id": reference, "signatures": [
                {"doc_id": transaction.doc_id, "signature_value": base64.b64encode(value).decode(),
                 "timestamp_signature": None}]})
        # Not in the documents: how the status call words these.
        message = {"reject": "sig_user_rejected", "timeout": "sig_user_confirm_timeout",
                   "expire": "sig_transaction_expired"}.get(step, "SERVER_INTERNAL_ERROR")
        return 200, _vnpt(400 if step != "error" else 500, message, {"transaction_id": reference, "signatures": None})


def _vnpt(status: int, message: str, data: Any = None) -> dict[str, Any]:
    return {"status_code": status, "message": message, "data": data}


# --- Viettel MySign (/vtss/service) --------------------------------------------------------------


SHA256_OID = "2.16.840.1.101.3.4.2.1"
RSA_OID = "1.2.840.113549.1.1.1"


@dataclass
class Token:
    user: str
    value: str = field(default_factory=lambda: secrets.token_urlsafe(24))


class MySignDouble(Double):
    """/vtss/service/ras/v1/login, /vtss/service/certificates/info, /vtss/service/signHash and
    /vtss/service/requests/status, per the MySign integration document and Viettel's samples."""

    def __init__(self, client_id: str, client_secret: str, profile_id: str = "adss:ras:profile:001"):
        super().__init__(client_id, client_secret)
        self.profile_id = profile_id
        self.tokens: dict[str, Token] = {}
        self.steps: list[str] = []  # the status codes answered, in order

    def route(self, path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
        if not isinstance(body, dict):
            return 400, _viettel(40000, "the body must be JSON")
        if path == "/vtss/service/ras/v1/login":
            return self.login(body)
        bearer = (headers.get("Authorization") or "").removeprefix("Bearer ")
        token = self.tokens.get(bearer)
        if token is None:
            return 401, {"error": "invalid_token", "error_description": "missing or unknown access token"}
        if path == "/vtss/service/certificates/info":
            return self.certificates(token, body)
        if path == "/vtss/service/signHash":
            return self.sign(token, body)
        if path == "/vtss/service/requests/status":
            return self.status(token, body)
        return 404, _viettel(404, "not found")

    def client_refusal(self, body: dict[str, Any]) -> tuple[int, Any] | None:
        if body.get("client_id") != self.client_id:
            return 400, _viettel(58007, "Client ID does not exist")
        if body.get("client_secret") != self.client_secret:
            return 401, _viettel(86024, "Client secret is invalid")
        return None

    def login(self, body: dict[str, Any]) -> tuple[int, Any]:
        refusal = self.client_refusal(body)
        if refusal:
            return refusal
        if body.get("profile_id") != self.profile_id:
            return 400, _viettel(40000, "profile_id is invalid")
        if body.get("user_id") not in self.users:
            return 400, _viettel(58008, "User ID does not exist")
        token = Token(str(body["user_id"]))
        self.tokens[token.value] = token
        return 200, {"access_token": token.value, "refresh_token": "", "token_type": "Bearer", "expires_in": "3600"}

    def certificates(self, token: Token, body: dict[str, Any]) -> tuple[int, Any]:
        refusal = self.client_refusal(body)
        if refusal:
            return refusal
        if body.get("user_id") != token.user or body.get("profile_id") != self.profile_id:
            return 400, _viettel(40000, "user_id or profile_id does not match the access token")
        if body.get("certificates") != "chain":
            return 400, _viettel(40000, "certificates must be chain")
        listed = []
        for credential in self.users[token.user]:
            encoded = [base64.b64encode(der).decode() for der in (credential.der, *credential.chain)]
            listed.append({
                "description": "Go>Sign mobile based implicit credential authorization",
                "key": {"status": "enabled", "algo": [RSA_OID], "len": "2048", "curve": None},
                "cert": {"status": "expired" if credential.expired else "valid", "certificates": encoded,
                         "issuerDN": credential.certificate.issuer.rfc4514_string(),
                         "serialNumber": str(credential.certificate.serial_number),
                         "subjectDN": credential.certificate.subject.rfc4514_string(),
                         "validFrom": credential.certificate.not_valid_before_utc.strftime("%Y%m%d%H%M%S+0000"),
                         "validTo": credential.certificate.not_valid_after_utc.strftime("%Y%m%d%H%M%S+0000")},
                "authMode": "implicit", "multisign": "2147483647", "credential_id": credential.id, "scal": "2",
            })
        return 200, listed

    def sign(self, token: Token, body: dict[str, Any]) -> tuple[int, Any]:
        refusal = self.client_refusal(body)
        if refusal:
            return refusal
        credential = next((c for c in self.users[token.user] if c.id == body.get("credentialID")), None)
        if credential is None:
            return 400, _viettel(40001, "credentialID is not a credential of this user")
        hashes_ = body.get("hash")
        documents = body.get("documents")
        if not isinstance(hashes_, list) or not isinstance(documents, list) or not (
                body.get("numSignatures") == len(hashes_) == len(documents) == 1):
            return 400, _viettel(40000, "numSignatures, hash and documents must agree")
        digest = _b64(hashes_[0])
        if digest is None or len(digest) != 32:  # "Only SHA256 hash converted to base64 is accepted"
            return 400, _viettel(40000, "hash must be a base64 SHA-256 hash")
        if body.get("hashAlgo") != SHA256_OID or body.get("signAlgo") != RSA_OID:
            return 400, _viettel(40000, "hashAlgo or signAlgo is not supported")
        document = documents[0] if isinstance(documents[0], dict) else {}
        for value in (document.get("document_name"), body.get("description")):
            if value is not None and (_b64(value) is None or len(value) >= 100):
                return 400, _viettel(40000, "document_name and description must be base64, under 100 characters")
        document_id = document.get("document_id")
        if not document_id:
            return 400, _viettel(40000, "document_id is required")
        if document_id in self.used_ids:  # not in the documents: the double's own rule
            return 400, _viettel(40002, "document_id has already been used")
        self.used_ids.add(str(document_id))
        if body.get("async") not in (1, 2):
            return 400, _viettel(40000, "this double answers only the polled modes (async 1 or 2)")
        if credential.expired:
            return 400, _viettel(13004, "Digital certificate has expired or been revoked")
        reference = str(uuid.uuid4())
        self.transactions[reference] = Transaction(reference, token.user, credential, digest, str(document_id),
                                                   self.scripts[token.user])
        return 200, {"transactionId": reference}

    def status(self, token: Token, body: dict[str, Any]) -> tuple[int, Any]:
        transaction = self.transactions.get(str(body.get("transactionId")))
        if transaction is None or transaction.user != token.user:
            return 400, _viettel(40004, "transactionId not found")
        step, value = self.outcome(transaction)
        if step == "waiting":
            code = "6000" if transaction.polls == transaction.script.waits else "4000"
            self.steps.append(code)
            return 200, {"status": code, "signatures": None}
        if step == "signed" and value is not None:
            self.steps.append("1")
            encoded = base64.encodebytes(value).decode().replace("\n", "\r\n")  # lines, as Viettel sends
            return 200, {"status": "1", "signatures": [encoded]}
        code = {"reject": "4002", "timeout": "4001", "expire": "4001", "certificate": "13004"}.get(step, "50000")
        self.steps.append(code)
        return 200, {"status": code, "signatures": None}


def _viettel(code: int, description: str) -> dict[str, Any]:
    return {"error": code, "error_description": description}
