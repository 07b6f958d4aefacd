"""The VGCA plugin's messages as the agent reads and answers them (docs/signing-vgca.md, "Protocol").

One WebSocket per call to wss://127.0.0.1:8987/<endpoint>: the page sends one text message, the
plugin answers one JSON text message and the connection closes. Every answer carries "Status"
(0 = done) and, when not done, "Message" for the person.

Non-zero statuses: the real plugin's are not published. These are the agent's own; 11 for
"cancelled" follows the one public re-implementation that names a value (unconfirmed), and vgca.js
also reads the Message of a status it does not know.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from .hsm import DIGEST_SIZE

OK = 0
ERROR = 1
BAD_REQUEST = 2
UNKNOWN_ENDPOINT = 3
CANCELLED = 11
WRONG_PIN = 12
NO_TOKEN = 13
PIN_LOCKED = 14

MESSAGES = {
    ERROR: "Phần mềm ký số gặp lỗi khi ký.",
    BAD_REQUEST: "Yêu cầu ký số không hợp lệ.",
    UNKNOWN_ENDPOINT: "Phần mềm ký số không hỗ trợ chức năng này.",
    CANCELLED: "Người dùng đã hủy ký số.",
    WRONG_PIN: "Mã PIN không đúng.",
    NO_TOKEN: "Không tìm thấy USB Token hoặc khóa ký trên USB Token.",
    PIN_LOCKED: "Mã PIN của USB Token đã bị khóa.",
}

# What the agent answers on; the others of the real plugin (SignApproved, SignIssued, SignPDF, …)
# are refused with UNKNOWN_ENDPOINT.
SIGN_MSG = "SignMsg"
GET_CERT_INFO = "GetCertInfo"
GET_VERSION = "GetVersion"
ENDPOINTS = (SIGN_MSG, GET_CERT_INFO, GET_VERSION)

HASH_ALGS = {"SHA256": "SHA256", "SHA-256": "SHA256", "SHA384": "SHA384", "SHA-384": "SHA384",
             "SHA512": "SHA512", "SHA-512": "SHA512"}


class BadRequest(ValueError):
    """A message the agent cannot act on; its text is Vietnamese, for the Message field."""


@dataclass(frozen=True)
class SignRequest:
    hash_alg: str   # "SHA256" | "SHA384" | "SHA512"
    digest: bytes


def parse_sign_msg(text: str) -> SignRequest:
    """SignMsg's parameters: {"HashAlg": "SHA256", "HashValue": <base64 digest>, "Encode": "RSA"}."""
    try:
        params = json.loads(text)
    except ValueError as error:
        raise BadRequest("Tham số ký số không phải JSON hợp lệ.") from error
    if not isinstance(params, dict):
        raise BadRequest("Tham số ký số phải là một đối tượng JSON.")
    hash_alg = HASH_ALGS.get(str(params.get("HashAlg", "")).upper())
    if hash_alg is None:
        raise BadRequest("Thuật toán băm (HashAlg) không được hỗ trợ; dùng SHA256.")
    encode = params.get("Encode", "RSA")
    if not isinstance(encode, str) or encode.upper() != "RSA":
        raise BadRequest("Kiểu chữ ký (Encode) không được hỗ trợ; dùng RSA.")
    value = params.get("HashValue")
    if not isinstance(value, str) or not value:
        raise BadRequest("Thiếu giá trị băm (HashValue).")
    try:
        digest = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as error:
        raise BadRequest("Giá trị băm (HashValue) không phải base64 hợp lệ.") from error
    if len(digest) != DIGEST_SIZE[hash_alg]:
        raise BadRequest(f"Giá trị băm {hash_alg} phải dài {DIGEST_SIZE[hash_alg]} byte.")
    return SignRequest(hash_alg, digest)


def answer(status: int, message: str | None = None, **fields: Any) -> str:
    body: dict[str, Any] = {"Status": status, "Message": message if message is not None else
                            ("" if status == OK else MESSAGES.get(status, MESSAGES[ERROR]))}
    body.update(fields)
    return json.dumps(body, ensure_ascii=False)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
