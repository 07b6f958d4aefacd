"""A client of the national document-exchange axis (Trục liên thông văn bản quốc gia, "VXP"),
speaking what VNPT's Java client library (SDKVXP 2.0, ``com.vpcp.services``) sends on the wire:
see /work/shared/interop/vxp/README.md and docs/exchange-axis.md.

Every call is ``POST {endpoint}/{operation}`` with its parameters as ``XroadVnpt-<key>`` headers,
signed by ``XroadVnpt-hash-header`` = HMAC-SHA256(secret, sign-header). The headers are produced
in the library's order, byte for byte (tests/test_axis_client.py replays its eight recorded
requests). No Django model here: the transport (axis/sync.py) gives the connection's values.

Network errors, HTTP 5xx and answers that are not JSON are retried with back-off, then raised
as :class:`AxisUnavailable`; an answer ``status: FAIL`` (or an ``ErrorCode`` other than 0) is
:class:`AxisRefused`, whose message is for the administrator, in the active language.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import re
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any, TypeVar

from django.utils.translation import gettext as _

VERSION = "3.0.201608"
USER_AGENT = "JAVASDKAgent/1.0.0 XRoad/VPCP"
JSON = "application/json"
OCTET = "application/octet-stream"
# What the library adds to sendEdoc only (java.net.HttpURLConnection's defaults for a stream upload).
SEND_EXTRA = (("Cache-Control", "no-cache"), ("Pragma", "no-cache"),
              ("Accept", "text/html, image/gif, image/jpeg, */*; q=0.2"))


T = TypeVar("T")


class AxisError(Exception):
    """Anything that kept a call to the axis from succeeding. ``str()`` is for the administrator."""

    def __init__(self, operation: str, *, code: str = "", desc: str = "") -> None:
        self.operation, self.code, self.desc = operation, code, desc
        super().__init__(operation)

    @property
    def message(self) -> str:
        return _("The document-exchange axis could not be reached for %(operation)s: %(desc)s") % {
            "operation": self.operation, "desc": self.desc}

    def __str__(self) -> str:
        return self.message


class AxisUnavailable(AxisError):
    """Network error, HTTP 5xx or an unreadable answer, still so after the retries: try later."""


class AxisRefused(AxisError):
    """The axis answered ``FAIL`` (or an ``ErrorCode`` other than 0): it will not do it as asked."""

    @property
    def message(self) -> str:
        return _("The document-exchange axis refused %(operation)s (error %(code)s): %(desc)s") % {
            "operation": self.operation, "code": self.code or "?", "desc": self.desc or _("no reason given")}


def timestamp(now: datetime | None = None) -> str:
    """``ddMMyyyy'T'HHmmss+SSSS``: local time, then the milliseconds on four digits (not a zone)."""
    now = now or datetime.now()
    return f"{now:%d%m%Y}T{now:%H%M%S}+{now.microsecond // 1000:04d}"


def hash_file(data: bytes) -> str:
    """SHA-256 of the package in hex as the library writes it: each byte without zero padding
    (0x0a is ``a``), so the digest is often shorter than 64 characters."""
    return "".join(format(byte, "x") for byte in hashlib.sha256(data).digest())


def sign(secret: str, sign_header: str) -> str:
    return hmac.new(secret.encode(), sign_header.encode(), hashlib.sha256).hexdigest()


def sign_header_of(headers: list[tuple[str, str]]) -> str:
    """The compact JSON object of the signed headers, in the order sent (what is HMAC'd)."""
    return json.dumps(dict(headers), separators=(",", ":"), ensure_ascii=False)


@dataclass
class Request:
    operation: str
    headers: list[tuple[str, str]]
    body: bytes = b""


def build_request(operation: str, *, system_id: str, secret: str, params: Sequence[tuple[str, str]] = (),
                  after: Sequence[tuple[str, str]] = (), body: bytes = b"", content_type: str = JSON,
                  stamp: str | None = None, content_type_first: bool = False,
                  extra: tuple[tuple[str, str], ...] = ()) -> Request:
    """The headers of one call, in the library's order: the parameters (systemid first, then the
    call's own), timestamp, Content-Type, the parameters the library adds after it (updateStatus's
    status), then the signature headers, User-Agent, version, what sendEdoc adds, Content-Length."""
    keys = [("systemid", system_id), *params, ("timestamp", stamp or timestamp())]
    signed = [(f"XroadVnpt-{key}", value) for key, value in keys]
    signed.append(("XroadVnpt-Content-Type", content_type))
    signed += [(f"XroadVnpt-{key}", value) for key, value in after]
    key_names = [key for key, _value in keys] + ["Content-Type"] + [key for key, _value in after]
    sign_header = sign_header_of(signed)
    headers = [] if not content_type_first else [("Content-Type", content_type)]
    for name, value in signed:
        if name == "XroadVnpt-Content-Type" and not content_type_first:
            headers.append(("Content-Type", content_type))
        headers.append((name, value))
    headers += [("XroadVnpt-sign-header-key", ";".join(key_names)), ("XroadVnpt-sign-header", sign_header),
                ("XroadVnpt-hash-header", sign(secret, sign_header)), ("User-Agent", USER_AGENT),
                ("XroadVnpt-version", VERSION), *extra, ("Content-Length", str(len(body)))]
    return Request(operation=operation, headers=headers, body=body)


@dataclass
class Agency:
    """One entry of getAgenciesList."""

    id: str
    pid: str
    code: str
    name: str
    mail: str = ""
    old_code: str = ""


@dataclass
class Received:
    """One entry of getReceivedEdocList: a package waiting for this system until acknowledged."""

    doc_id: str
    from_code: str = ""
    to: str = ""
    message_type: str = ""
    status: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class AxisClient:
    endpoint: str
    system_id: str
    secret: str
    file_path: str = ""
    retries: int = 3
    backoff: float = 0.5  # seconds, doubled at each retry
    timeout: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], datetime] = datetime.now

    # --- The operations --------------------------------------------------------------------

    def send_edoc(self, data: bytes, *, from_code: str, message_type: str = "edoc",
                  to: list[str] | None = None) -> str:
        """Send a document (``edoc``) or a status (``status``) package; the axis's DocId."""
        params = [("servicetype", "eDoc"), ("messagetype", message_type), ("hash-file", hash_file(data)),
                  ("from", from_code)]
        if to:  # not in the recorded vectors: placed after `from`, as the library's map would
            params.append(("to", json.dumps(to, separators=(",", ":"))))
        answer = self.call("sendEdoc", params=params, body=data + b"\r\n", content_type=OCTET,
                           content_type_first=True, extra=SEND_EXTRA)
        return str(answer.get("DocId") or answer.get("docId") or "")

    def received(self, message_type: str = "edoc") -> list[Received]:
        """getReceivedEdocList: what waits for this system (``edoc`` or ``status``)."""
        answer = self.call("getReceivedEdocList", params=[("servicetype", "eDoc"), ("messagetype", message_type)])
        items = []
        for row in answer.get("data") or []:
            if isinstance(row, dict) and row.get("docId") not in (None, ""):
                items.append(Received(doc_id=str(row["docId"]), from_code=str(row.get("from") or ""),
                                      to=str(row.get("to") or ""),
                                      message_type=str(row.get("messageType") or message_type),
                                      status=str(row.get("status") or ""), raw=row))
        return items

    def count_received(self, message_type: str = "edoc") -> int:
        operation = "countReceiveEdoc" if message_type == "edoc" else "countReceiveStatus"
        answer = self.call(operation, params=[("servicetype", "eDoc"), ("messagetype", message_type)], body=b"{}")
        return int(answer.get("count") or 0)

    def get_edoc(self, doc_id: str) -> bytes:
        """getEdoc: the package (the answer carries it in base64)."""
        answer = self.call("getEdoc", params=[("docId", doc_id), ("filePath", self.file_path)], body=b"{}")
        data = answer.get("data")
        if not isinstance(data, str) or not data:
            raise AxisUnavailable("getEdoc", desc=_("the answer holds no package"))
        try:
            return base64.b64decode(data, validate=False)
        except ValueError:
            raise AxisUnavailable("getEdoc", desc=_("the package in the answer is not valid base64")) from None

    def update_status(self, doc_id: str, status: str = "done") -> None:
        """Acknowledge a received package: ``done`` (taken), ``fail`` (refused) or ``processing``."""
        if status not in ("done", "fail", "processing"):
            raise ValueError(status)
        self.call("updateStatus", params=[("docid", doc_id)], after=[("status", status)], body=b"{}")

    def sent(self, doc_id: str = "", message_type: str = "edoc") -> list[dict[str, Any]]:
        answer = self.call("getSentEdocList", params=[("servicetype", "eDoc"), ("messagetype", message_type),
                                                      ("docId", doc_id)])
        return [row for row in answer.get("data") or [] if isinstance(row, dict)]

    def register_agency(self, *, code: str, name: str, parent_code: str = "", mail: str = "", mobile: str = "",
                        fax: str = "", id: str = "") -> None:  # noqa: A002 - the library's field name
        body = json.dumps({"id": id, "pcode": parent_code, "code": code, "name": name, "mail": mail,
                           "mobile": mobile, "fax": fax}, separators=(",", ":"), ensure_ascii=False).encode()
        self.call("registerAgency", body=body)

    def delete_agency(self, code: str) -> None:
        self.call("deleteAgency", params=[("AgencyCode", code)], body=b"{}")

    def agencies(self) -> Iterator[Agency]:
        """getAgenciesList, read as it arrives (about 111,000 entries in one answer): entries one
        at a time, never the whole answer in memory. A FAIL answer raises before any entry."""
        import ijson

        with self._open("getAgenciesList") as response:
            try:
                reader = _Peek(response)
                head = reader.peek(4096)
                if re.search(rb'"status"\s*:\s*"FAIL"|"ErrorCode"\s*:\s*"?[1-9-]', head):  # a refusal
                    self._check("getAgenciesList", _json_of(reader.read(1024 * 1024), "getAgenciesList"))
                for row in ijson.items(reader, "data.item", use_float=True):
                    if isinstance(row, dict) and row.get("code"):
                        yield Agency(id=str(row.get("id") or ""), pid=str(row.get("pid") or ""),
                                     code=str(row["code"]).strip(), name=str(row.get("name") or "").strip(),
                                     mail=str(row.get("mail") or "").strip(),
                                     old_code=str(row.get("oldCode") or "").strip())
            except ijson.JSONError as error:
                raise AxisUnavailable("getAgenciesList", desc=_("the answer is not valid JSON (%(e)s)") % {
                    "e": str(error)[:200]}) from None

    # --- The wire --------------------------------------------------------------------------

    def request(self, operation: str, **kwargs: Any) -> Request:
        return build_request(operation, system_id=self.system_id, secret=self.secret,
                             stamp=timestamp(self.clock()), **kwargs)

    def _retrying(self, operation: str, attempt: Callable[[], T]) -> T:
        """``attempt()`` again on network errors, HTTP 5xx and unreadable answers (AxisUnavailable),
        with back-off; an axis refusal (AxisRefused) is not retried."""
        failures = 0
        while True:
            try:
                return attempt()
            except (AxisUnavailable, OSError, http.client.HTTPException) as error:
                failures += 1
                if failures > self.retries:
                    if isinstance(error, AxisUnavailable):
                        raise
                    raise AxisUnavailable(operation, desc=f"{type(error).__name__}: {str(error)[:200]}") from error
                self.sleep(self.backoff * 2 ** (failures - 1))

    def call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        """One call, retried on network errors, HTTP 5xx and unreadable answers; the answer's JSON."""
        def attempt() -> dict[str, Any]:
            status, body = self._send(self.request(operation, **kwargs))
            if status >= 500:
                raise AxisUnavailable(operation, desc=f"HTTP {status}")
            return self._check(operation, _json_of(body, operation))

        return self._retrying(operation, attempt)

    def _check(self, operation: str, answer: dict[str, Any]) -> dict[str, Any]:
        code = str(answer.get("ErrorCode", "0") if answer.get("ErrorCode") is not None else "0")
        if str(answer.get("status", "OK")).upper() != "OK" or code not in ("0", ""):
            raise AxisRefused(operation, code=code, desc=str(answer.get("ErrorDesc") or "")[:500])
        return answer

    def _connection(self) -> tuple[http.client.HTTPConnection, str]:
        url = urllib.parse.urlsplit(self.endpoint)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise AxisUnavailable("connect", desc=_("the endpoint is not an http(s) address"))
        cls = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        return cls(url.hostname, url.port, timeout=self.timeout), url.path.rstrip("/")

    def _start(self, req: Request) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        connection, base = self._connection()
        try:
            connection.putrequest("POST", f"{base}/{req.operation}", skip_accept_encoding=True)
            for name, value in req.headers:
                connection.putheader(name, value.encode("utf-8"))
            connection.endheaders(req.body or None)
            return connection, connection.getresponse()
        except BaseException:
            connection.close()
            raise

    def _send(self, req: Request) -> tuple[int, bytes]:
        connection, response = self._start(req)
        try:
            return response.status, response.read()
        finally:
            connection.close()

    @contextmanager
    def _open(self, operation: str, **kwargs: Any) -> Iterator[IO[bytes]]:
        """A call whose answer is read as a stream (getAgenciesList); getting an answer is retried."""
        def attempt() -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
            connection, response = self._start(self.request(operation, **kwargs))
            if response.status >= 500:
                connection.close()
                raise AxisUnavailable(operation, desc=f"HTTP {response.status}")
            return connection, response

        connection, response = self._retrying(operation, attempt)
        try:
            yield response
        finally:
            connection.close()


def _json_of(body: bytes, operation: str) -> dict[str, Any]:
    try:
        answer = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise AxisUnavailable(operation, desc=_("the answer is not JSON: %(head)s") % {
            "head": body[:120].decode("utf-8", "replace")}) from None
    if not isinstance(answer, dict):
        raise AxisUnavailable(operation, desc=_("the answer is not a JSON object"))
    return answer


class _Peek:
    """A stream whose first bytes can be looked at before it is read."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream, self.buffer = stream, b""

    def peek(self, size: int) -> bytes:
        while len(self.buffer) < size:
            chunk = self.stream.read(size - len(self.buffer))
            if not chunk:
                break
            self.buffer += chunk
        return self.buffer

    def read(self, size: int = -1) -> bytes:
        if self.buffer:
            if size < 0:
                data, self.buffer = self.buffer + self.stream.read(), b""
                return data
            data, self.buffer = self.buffer[:size], self.buffer[size:]
            return data
        return self.stream.read(size)
