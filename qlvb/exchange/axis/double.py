"""A contract test double of the national document-exchange axis, for the tests and the bench:
an HTTP server on loopback, in a thread, that does what /work/shared/interop/vxp/README.md says
the axis does and checks what it says the axis checks.

Checked on every call: the system id is known, ``XroadVnpt-sign-header`` is the JSON of the very
headers listed in ``sign-header-key`` (same values, same order) and ``XroadVnpt-hash-header`` is
HMAC-SHA256 of it with the system's secret. On ``sendEdoc``: ``from`` is a code registered to
the system (refused with a message naming both), ``hash-file`` is the library's unpadded hex of
the package's SHA-256 (the padded digest is refused). Packages wait in a queue per system and
message type until that system acknowledges them with ``updateStatus``; a document goes to the
systems holding its recipients' codes (``to``, else the edXML To list), a status back to the
system holding the code it is addressed to (the original sender). ``fail_next`` makes the next
calls answer ``FAIL``, something that is not JSON, or HTTP 500.

What the real axis does beyond this (limits, paging, timestamp freshness) is not known from
public sources: see docs/exchange-axis.md. No Django model is used here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from qlvb.exchange.axis.client import hash_file, sign_header_of

OK = {"status": "OK", "ErrorCode": "0", "ErrorDesc": "Thành công"}


@dataclass
class System:
    system_id: str
    secret: str
    codes: set[str] = field(default_factory=set)
    # message type -> docId -> the queued entry, until acknowledged
    pending: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {"edoc": {}, "status": {}})


@dataclass
class Doc:
    doc_id: str
    sender: str
    document_id: str
    from_code: str
    to: list[str]
    message_type: str
    data: bytes
    created: str
    receivers: dict[str, str] = field(default_factory=dict)  # system -> "pending" | "done" | "fail"
    fetched: int = 0


class Refusal(Exception):
    def __init__(self, code: str, desc: str) -> None:
        self.code, self.desc = code, desc
        super().__init__(desc)


class AxisDouble:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.systems: dict[str, System] = {}
        self.docs: dict[str, Doc] = {}
        self.agencies: list[dict[str, Any]] = []
        # A generator of getAgenciesList entries (the bench's 111,000): streamed, never held.
        self.agency_source: Callable[[], Iterable[dict[str, Any]]] | None = None
        self.failures: dict[str, list[tuple[str, str, str]]] = {}
        self.calls: list[tuple[str, str, str]] = []  # (operation, system id, "ok" or the refusal)
        self._ids = itertools.count(1)
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # --- Set-up ----------------------------------------------------------------------------

    def add_system(self, system_id: str, secret: str, codes: Iterable[str] = ()) -> System:
        with self.lock:
            system = self.systems.setdefault(system_id, System(system_id, secret))
            system.codes.update(codes)
            return system

    def fail_next(self, operation: str, mode: str = "fail", *, times: int = 1, code: str = "-1",
                  desc: str = "Lỗi hệ thống trục") -> None:
        """The next `times` calls of `operation` answer FAIL (`fail`), not JSON (`nonjson`) or HTTP 500
        (`500`), before anything else is checked or done."""
        assert mode in ("fail", "nonjson", "500")
        with self.lock:
            self.failures.setdefault(operation, []).extend([(mode, code, desc)] * times)

    def pending(self, system_id: str, message_type: str = "edoc") -> list[str]:
        with self.lock:
            return list(self.systems[system_id].pending[message_type])

    def start(self) -> str:
        double = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                double._handle(self)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="axis-double", daemon=True)
        self.thread.start()
        return self.url

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/XrdAdapter/adapter"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    # --- The wire --------------------------------------------------------------------------

    def _handle(self, http: BaseHTTPRequestHandler) -> None:
        operation = http.path.rsplit("/", 1)[-1]
        length = int(http.headers.get("Content-Length") or 0)
        body = http.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in http.headers.items()}
        system_id = headers.get("xroadvnpt-systemid", "")
        with self.lock:
            planned = self.failures.get(operation)
            failure = planned.pop(0) if planned else None
        if failure is not None:
            mode, code, desc = failure
            self._log(operation, system_id, f"injected {mode}")
            if mode == "500":
                return self._answer(http, 500, b"<html><body>Internal Server Error</body></html>", "text/html")
            if mode == "nonjson":
                return self._answer(http, 200, b"<html><body>Gateway Timeout</body></html>", "text/html")
            return self._json(http, {"status": "FAIL", "ErrorCode": code, "ErrorDesc": desc})
        try:
            system = self._authenticate(headers)
            handler = getattr(self, f"op_{operation}", None)
            if handler is None:
                raise Refusal("404", f"Không có dịch vụ {operation}")
            result = handler(system, headers, body)
        except Refusal as refusal:
            self._log(operation, system_id, refusal.desc)
            return self._json(http, {"status": "FAIL", "ErrorCode": refusal.code, "ErrorDesc": refusal.desc})
        self._log(operation, system_id, "ok")
        if isinstance(result, Iterator):
            return self._stream(http, result)
        return self._json(http, {**OK, **result})

    def _log(self, operation: str, system_id: str, outcome: str) -> None:
        with self.lock:
            self.calls.append((operation, system_id, outcome))

    def _answer(self, http: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str) -> None:
        http.send_response(status)
        http.send_header("Content-Type", content_type)
        http.send_header("Content-Length", str(len(body)))
        http.end_headers()
        http.wfile.write(body)

    def _json(self, http: BaseHTTPRequestHandler, answer: dict[str, Any]) -> None:
        self._answer(http, 200, json.dumps(answer, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    def _stream(self, http: BaseHTTPRequestHandler, chunks: Iterator[bytes]) -> None:
        """An answer written as it is made, ended by closing the connection (HTTP/1.0)."""
        http.send_response(200)
        http.send_header("Content-Type", "application/json; charset=utf-8")
        http.end_headers()
        buffer: list[bytes] = []
        size = 0
        for chunk in chunks:
            buffer.append(chunk)
            size += len(chunk)
            if size > 256 * 1024:
                http.wfile.write(b"".join(buffer))
                buffer, size = [], 0
        http.wfile.write(b"".join(buffer))

    def _authenticate(self, headers: dict[str, str]) -> System:
        system_id = headers.get("xroadvnpt-systemid", "")
        with self.lock:
            system = self.systems.get(system_id)
        if system is None:
            raise Refusal("401", f"Hệ thống {system_id or '(trống)'} chưa được đăng ký trên trục")
        keys = [k for k in headers.get("xroadvnpt-sign-header-key", "").split(";") if k]
        if "systemid" not in keys or "timestamp" not in keys:
            raise Refusal("401", "Thiếu sign-header-key")
        signed = []
        for key in keys:
            value = headers.get(f"xroadvnpt-{key.lower()}")
            if value is None:
                raise Refusal("401", f"Thiếu tiêu đề XroadVnpt-{key}")
            signed.append((f"XroadVnpt-{key}", value))
        sign_header = headers.get("xroadvnpt-sign-header", "")
        if sign_header != sign_header_of(signed):
            raise Refusal("401", "sign-header không khớp với các tiêu đề đã gửi")
        expected = hmac.new(system.secret.encode(), sign_header.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, headers.get("xroadvnpt-hash-header", "")):
            raise Refusal("401", "Chữ ký hash-header không hợp lệ")
        return system

    # --- Operations ------------------------------------------------------------------------

    def _owner(self, code: str) -> System | None:
        return next((s for s in self.systems.values() if code in s.codes), None)

    def op_sendEdoc(self, system: System, headers: dict[str, str], body: bytes) -> dict[str, Any]:  # noqa: N802
        from qlvb.exchange.edxml import StatusPackage, parse
        from qlvb.exchange.edxml.errors import EdxmlError

        from_code = headers.get("xroadvnpt-from", "")
        message_type = headers.get("xroadvnpt-messagetype", "")
        if message_type not in ("edoc", "status"):
            raise Refusal("400", f"messagetype không hợp lệ: {message_type}")
        data = body[:-2] if body.endswith(b"\r\n") else body
        given = headers.get("xroadvnpt-hash-file", "")
        if given != hash_file(data):
            padded = hashlib.sha256(data).hexdigest()
            raise Refusal("400", "hash-file không khớp với tệp gửi lên" + (" (băm có đệm số 0)" if given == padded
                                                                          else ""))
        with self.lock:
            if from_code not in system.codes:
                raise Refusal("403", f"Mã đơn vị {from_code} không thuộc hệ thống {system.system_id}")
        try:
            package = parse(data, max_bytes=max(len(data) + 1, 10 * 1024 * 1024))
        except EdxmlError as error:
            raise Refusal("400", f"Gói tin không hợp lệ: {error.code}") from None
        document_id = package.document_id
        if headers.get("xroadvnpt-to"):
            to = [str(c) for c in json.loads(headers["xroadvnpt-to"])]
        elif isinstance(package, StatusPackage):  # back to the original sender
            to = [package.to_org.code if package.to_org is not None else package.response_for.organ_id]
        else:
            to = [o.code for o in package.to_orgs]
        with self.lock:
            receivers = {}
            original = next((d for d in self.docs.values() if d.message_type == "edoc"
                             and d.document_id == document_id), None) if message_type == "status" else None
            if original is not None:
                receivers[original.sender] = "pending"
            else:
                for code in to:
                    owner = self._owner(code)
                    if owner is None:
                        raise Refusal("404", f"Không có hệ thống nào nhận mã đơn vị {code}")
                    receivers[owner.system_id] = "pending"
            doc = Doc(doc_id=f"{next(self._ids):08d}-{hashlib.sha256(data).hexdigest()[:8]}", sender=system.system_id,
                      document_id=document_id, from_code=from_code, to=to, message_type=message_type, data=data,
                      created=datetime.now().strftime("%Y-%m-%d %H:%M:%S"), receivers=receivers)
            self.docs[doc.doc_id] = doc
            for system_id in receivers:
                self.systems[system_id].pending[message_type][doc.doc_id] = {
                    "docId": doc.doc_id, "serviceType": "eDoc", "messageType": message_type, "from": from_code,
                    "to": json.dumps(to), "status": "initial", "status_desc": "Chờ nhận",
                    "created_time": doc.created, "updated_time": doc.created}
        return {"DocId": doc.doc_id}

    def op_getReceivedEdocList(self, system: System, headers: dict[str, str], body: bytes) -> dict[str, Any]:  # noqa: N802
        message_type = headers.get("xroadvnpt-messagetype", "edoc")
        with self.lock:
            return {"data": list(system.pending.get(message_type, {}).values())}

    def _count(self, system: System, headers: dict[str, str]) -> dict[str, Any]:
        with self.lock:
            return {"count": len(system.pending.get(headers.get("xroadvnpt-messagetype", "edoc"), {}))}

    def op_countReceiveEdoc(self, system: System, headers: dict[str, str], body: bytes) -> dict[str, Any]:  # noqa: N802
        return self._count(system, headers)

    def op_countReceiveStatus(self, system: System, headers: dict[str, str], body: bytes) -> dict[str, Any]:  # noqa: N802
        return self._count(system, headers)

    def op_getEdoc(self, system: System, headers: dict[str, str], body: bytes) -> dict[str, Any]:  # noqa: N802
        doc_id = headers.get("xroadvnpt-docid", "")
        with self.lock:
            doc = self.docs.get(doc_id)
            if doc is None or system.system_id not in doc.receivers:
                raise Refusal("404", f"Không tìm thấy văn bản {doc_id}")
            doc.fetched += 1
            data = doc.data
        return {"data": base64.b64encode(data).decode()}

    def op_updateStatus(self, system: System, headers: dict[str, str], body: bytes) -> dict[str, Any]:  # noqa: N802
        doc_id, status = headers.get("xroadvnpt-docid", ""), headers.get("xroadvnpt-status", "")
        if status not in ("done", "fail", "processing"):
            raise Refusal("400", f"Trạng thái không hợp lệ: {status}")
        with self.lock:
            doc = self.docs.get(doc_id)
            if doc is None or system.system_id not in doc.receivers:
                raise Refusal("404", f"Không tìm thấy văn bản {doc_id}")
            doc.receivers[system.system_id] = status
            if status != "processing":
                system.pending[doc.message_type].pop(doc_id, None)
        return {}

    def op_getSentEdocList(self, system: System, headers: dict[str, str], body: bytes) -> dict[str, Any]:  # noqa: N802
        wanted = headers.get("xroadvnpt-docid", "")
        with self.lock:
            rows = [{"senderDocId": d.doc_id, "fromCode": d.from_code, "toCode": ",".join(d.to),
                     "sendStatus": "done", "receiveStatus": ",".join(d.receivers.values()), "sentTime": d.created}
                    for d in self.docs.values() if d.sender == system.system_id and wanted in ("", d.doc_id)]
        return {"data": rows}

    def op_getAgenciesList(self, system: System, headers: dict[str, str], body: bytes) -> Iterator[bytes]:  # noqa: N802
        with self.lock:
            entries: Iterable[dict[str, Any]] = (self.agency_source() if self.agency_source is not None
                                                 else list(self.agencies))

        def chunks() -> Iterator[bytes]:
            yield b'{"status":"OK","ErrorCode":"0","ErrorDesc":"Th\\u00e0nh c\\u00f4ng","data":['
            for n, entry in enumerate(entries):
                yield (b"," if n else b"") + json.dumps(entry, ensure_ascii=False).encode()
            yield b"]}"

        return chunks()

    def op_registerAgency(self, system: System, headers: dict[str, str], body: bytes) -> dict[str, Any]:  # noqa: N802
        try:
            entry = json.loads(body or b"{}")
            code, name = str(entry["code"]).strip(), str(entry["name"]).strip()
        except (ValueError, KeyError, TypeError):
            raise Refusal("400", "Dữ liệu đơn vị không hợp lệ") from None
        if not code or not name:
            raise Refusal("400", "Thiếu mã hoặc tên đơn vị")
        with self.lock:
            owner = self._owner(code)
            if owner is not None and owner is not system:
                raise Refusal("409", f"Mã đơn vị {code} đã thuộc hệ thống {owner.system_id}")
            parent = next((a for a in self.agencies if a["code"] == entry.get("pcode")), None)
            self.agencies = [a for a in self.agencies if a["code"] != code]
            self.agencies.append({"id": str(len(self.agencies) + 1000), "pid": parent["id"] if parent else "",
                                  "code": code, "name": name, "mail": entry.get("mail") or "", "oldCode": ""})
            system.codes.add(code)
        return {}

    def op_deleteAgency(self, system: System, headers: dict[str, str], body: bytes) -> dict[str, Any]:  # noqa: N802
        code = headers.get("xroadvnpt-agencycode", "")
        with self.lock:
            if code not in system.codes:
                raise Refusal("403", f"Mã đơn vị {code} không thuộc hệ thống {system.system_id}")
            system.codes.discard(code)
            self.agencies = [a for a in self.agencies if a["code"] != code]
        return {}
