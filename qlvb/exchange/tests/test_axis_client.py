"""The axis client produces the requests VNPT's Java library sends, byte for byte in the headers
(the eight requests recorded from SDKVXP 2.0 with made-up credentials, axis-wire-vectors.jsonl)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from qlvb.exchange.axis.client import AxisClient, Request, build_request, hash_file, timestamp

HERE = Path(__file__).resolve().parent
VECTORS = [json.loads(line) for line in (HERE / "axis-wire-vectors.jsonl").read_text().splitlines() if line.strip()]
SAMPLE = (HERE.parent / "edxml" / "tests" / "samples" / "status_inbox_01.edxml").read_bytes()
SYSTEM, SECRET = "test.system.01", "not-a-real-secret"


def _stamp(vector: dict) -> str:
    return dict(vector["headers"])["XroadVnpt-timestamp"]


def _client(vector: dict) -> AxisClient:
    stamp = _stamp(vector)
    when = datetime.strptime(stamp[:15], "%d%m%YT%H%M%S").replace(microsecond=int(stamp[16:]) * 1000)
    return AxisClient(endpoint="http://axis.invalid", system_id=SYSTEM, secret=SECRET, file_path="/var/lib/qlvb/vxp",
                      clock=lambda: when)


class Recorder(AxisClient):
    """Records the request instead of sending it, and answers OK."""

    recorded: Request

    def _send(self, req: Request) -> tuple[int, bytes]:
        self.recorded = req
        return 200, b'{"status":"OK","ErrorCode":"0","DocId":"1","data":"PGEvPg=="}'


def _recorder(vector: dict) -> Recorder:
    client = _client(vector)
    return Recorder(**{k: getattr(client, k) for k in ("endpoint", "system_id", "secret", "file_path", "clock")})


CALLS = {
    "getReceivedEdocList": lambda c: c.received("edoc"),
    "getEdoc": lambda c: c.get_edoc("abc"),
    "sendEdoc": lambda c: c.send_edoc(SAMPLE, from_code=SYSTEM, message_type="status"),
    "updateStatus": lambda c: c.update_status("abc", "done"),
    "getAgenciesList": None,  # streamed: checked through build_request below
    "registerAgency": lambda c: c.register_agency(code="001.00.10.H47", name="Test", parent_code="000.00.00.H47"),
    "deleteAgency": lambda c: c.delete_agency("001.00.10.H47"),
    "countReceiveEdoc": lambda c: c.count_received("edoc"),
}


def test_eight_vectors_are_all_here():
    assert sorted(v["path"].lstrip("/") for v in VECTORS) == sorted(CALLS)


@pytest.mark.parametrize("vector", VECTORS, ids=[v["path"] for v in VECTORS])
def test_request_matches_the_library_byte_for_byte(vector):
    operation = vector["path"].lstrip("/")
    call = CALLS[operation]
    if call is None:
        req = _client(vector).request(operation)
    else:
        recorder = _recorder(vector)
        call(recorder)
        req = recorder.recorded
    assert req.operation == operation and vector["method"] == "POST"
    assert [list(h) for h in req.headers] == vector["headers"]
    assert len(req.body) == vector["body_len"]
    assert req.body[:len(vector["body_head"].encode())] == vector["body_head"].encode()


def test_hash_file_drops_the_zero_padding():
    assert hash_file(SAMPLE) == "f51ba8b927ea8c7e6c2be88ef55b86ca859f23fbcbf9e213e23e24e"
    assert len(hash_file(SAMPLE)) == 55


def test_timestamp_milliseconds_on_four_digits():
    assert timestamp(datetime(2026, 12, 6, 3, 5, 57, 581000)) == "06122026T030557+0581"
    assert timestamp(datetime(2026, 1, 2, 3, 4, 5, 7000)) == "02012026T030405+0007"


def test_signature_changes_with_every_signed_value():
    base = build_request("getEdoc", system_id=SYSTEM, secret=SECRET, params=[("docId", "a")], stamp="x")
    other = build_request("getEdoc", system_id=SYSTEM, secret=SECRET, params=[("docId", "b")], stamp="x")
    wrong = build_request("getEdoc", system_id=SYSTEM, secret="other", params=[("docId", "a")], stamp="x")
    hashes = {dict(r.headers)["XroadVnpt-hash-header"] for r in (base, other, wrong)}
    assert len(hashes) == 3


def test_send_with_recipients_signs_the_to_list():
    client = Recorder(endpoint="http://axis.invalid", system_id=SYSTEM, secret=SECRET)
    client.send_edoc(b"<edXML/>", from_code="000.00.15.H51", to=["000.00.00.G22"])
    headers = dict(client.recorded.headers)
    assert headers["XroadVnpt-to"] == '["000.00.00.G22"]'
    keys = "systemid;servicetype;messagetype;hash-file;from;to;timestamp;Content-Type"
    assert headers["XroadVnpt-sign-header-key"] == keys
    assert '"XroadVnpt-to":"[\\"000.00.00.G22\\"]"' in headers["XroadVnpt-sign-header"]
