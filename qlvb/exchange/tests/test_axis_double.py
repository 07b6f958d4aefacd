"""The client against the contract double of the axis: what the axis checks (the HMAC over the
sign-header, the `from` code registered to the system, the hash-file quirk), queues per system
until acknowledged, statuses routed back to the sender, and FAIL / not JSON / HTTP 500."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.utils import translation

from qlvb.exchange.axis import client as axis_client
from qlvb.exchange.axis.client import AxisClient, AxisRefused, AxisUnavailable
from qlvb.exchange.axis.double import AxisDouble

SAMPLES = Path(__file__).resolve().parent.parent / "edxml" / "tests" / "samples"
EDOC = (SAMPLES / "edoc_new.edxml").read_bytes()
STATUS = (SAMPLES / "status_inbox_01.edxml").read_bytes()


def _codes(data: bytes) -> tuple[str, list[str]]:
    from qlvb.exchange.edxml import parse

    package = parse(data)
    to = [o.code for o in package.to_orgs] if hasattr(package, "to_orgs") else [package.response_for.organ_id]
    return package.from_org.code, to


@pytest.fixture
def pair(axis):
    """System A holds the sample's sender, system B its recipients."""
    sender, receivers = _codes(EDOC)
    axis.add_system("sys.a", "secret-a", [sender])
    axis.add_system("sys.b", "secret-b", receivers)
    a = AxisClient(endpoint=axis.url, system_id="sys.a", secret="secret-a", sleep=lambda s: None)
    b = AxisClient(endpoint=axis.url, system_id="sys.b", secret="secret-b", sleep=lambda s: None)
    return a, b, sender


def test_document_waits_until_acknowledged_and_status_goes_back(axis, pair):
    a, b, sender = pair
    doc_id = a.send_edoc(EDOC, from_code=sender)
    assert doc_id
    listed = b.received("edoc")
    assert [r.doc_id for r in listed] == [doc_id] and listed[0].from_code == sender
    assert b.count_received("edoc") == 1
    assert b.get_edoc(doc_id) == EDOC
    assert b.get_edoc(doc_id) == EDOC  # fetched again: still there
    assert [r.doc_id for r in b.received("edoc")] == [doc_id]  # not acknowledged: still listed
    b.update_status(doc_id, "done")
    assert b.received("edoc") == []
    assert a.received("edoc") == []
    # B answers with a status: it reaches A's status list, not B's.
    status_from, status_to = _codes(STATUS)
    axis.systems["sys.b"].codes.add(status_from)
    axis.systems["sys.a"].codes.update(status_to)
    status_id = b.send_edoc(STATUS, from_code=status_from, message_type="status")
    assert [r.doc_id for r in a.received("status")] == [status_id]
    assert b.received("status") == []
    assert a.get_edoc(status_id) == STATUS
    a.update_status(status_id)
    assert a.received("status") == []
    assert a.sent()[0]["senderDocId"] == doc_id


def test_wrong_secret_is_refused(axis, pair):
    _a, _b, sender = pair
    wrong = AxisClient(endpoint=axis.url, system_id="sys.a", secret="not-the-secret")
    with pytest.raises(AxisRefused) as error:
        wrong.send_edoc(EDOC, from_code=sender)
    assert "hash-header" in error.value.desc
    assert axis.pending("sys.b") == []


def test_sign_header_must_match_the_headers_sent(axis, pair, monkeypatch):
    a, _b, sender = pair
    real = axis_client.build_request

    def tampered(*args, **kwargs):  # the signed docId is not the one sent
        request = real(*args, **kwargs)
        request.headers = [(n, "other" if n == "XroadVnpt-docId" else v) for n, v in request.headers]
        return request

    monkeypatch.setattr(axis_client, "build_request", tampered)
    with pytest.raises(AxisRefused) as error:
        a.get_edoc("1")
    assert "sign-header" in error.value.desc


def test_unknown_system_is_refused(axis):
    with pytest.raises(AxisRefused) as error:
        AxisClient(endpoint=axis.url, system_id="nobody", secret="x").received()
    assert "nobody" in error.value.desc


def test_from_must_be_registered_to_the_system(axis, pair):
    a, _b, _sender = pair
    with pytest.raises(AxisRefused) as error:
        a.send_edoc(EDOC, from_code="000.00.00.H99")
    assert "000.00.00.H99" in error.value.desc and "sys.a" in error.value.desc  # names both
    with translation.override("vi"):
        assert "Trục liên thông từ chối" in str(error.value)


def test_hash_file_must_be_unpadded(axis, pair, monkeypatch):
    a, _b, sender = pair
    monkeypatch.setattr(axis_client, "hash_file", lambda data: hashlib.sha256(data).hexdigest())
    assert "0" in axis_client.hash_file(STATUS)  # this sample's padded digest differs
    with pytest.raises(AxisRefused) as error:
        a.send_edoc(EDOC, from_code=sender)
    assert "hash-file" in error.value.desc


def test_register_agency_then_send_from_it(axis, pair):
    a, b, sender = pair
    a.register_agency(code="000.01.15.H51", name="Trung tâm CNTT", parent_code=sender)
    assert "000.01.15.H51" in axis.systems["sys.a"].codes
    with pytest.raises(AxisRefused):  # another system's code cannot be taken
        b.register_agency(code="000.01.15.H51", name="X")
    codes = [entry.code for entry in a.agencies()]
    assert "000.01.15.H51" in codes
    a.delete_agency("000.01.15.H51")
    assert "000.01.15.H51" not in axis.systems["sys.a"].codes


def test_fail_answer_is_raised_at_once_in_vietnamese(axis, pair):
    a, _b, _sender = pair
    axis.fail_next("getReceivedEdocList", "fail", code="99", desc="Hệ thống bảo trì")
    with pytest.raises(AxisRefused) as error:
        a.received()
    assert (error.value.code, error.value.desc) == ("99", "Hệ thống bảo trì")
    with translation.override("vi"):
        assert str(error.value) == ("Trục liên thông từ chối getReceivedEdocList (mã lỗi 99): Hệ thống bảo trì")
    assert a.received() == []  # one failure only


@pytest.mark.parametrize("mode", ["500", "nonjson"])
def test_5xx_and_non_json_are_retried_with_backoff(axis, pair, mode):
    a, _b, sender = pair
    waits: list[float] = []
    a.sleep = waits.append
    axis.fail_next("sendEdoc", mode, times=2)
    assert a.send_edoc(EDOC, from_code=sender)  # third try goes through
    assert waits == [0.5, 1.0]
    axis.fail_next("sendEdoc", mode, times=4)
    with pytest.raises(AxisUnavailable):
        a.send_edoc(EDOC, from_code=sender)
    assert waits == [0.5, 1.0, 0.5, 1.0, 2.0]


def test_network_error_is_retried_then_unavailable():
    waits: list[float] = []
    client = AxisClient(endpoint="http://127.0.0.1:9/", system_id="s", secret="x", sleep=waits.append, timeout=2)
    with pytest.raises(AxisUnavailable) as error:
        client.received()
    assert len(waits) == 3 and "ConnectionRefusedError" in error.value.desc


def test_directory_is_streamed_and_fail_raised(axis, pair):
    a, _b, _sender = pair
    axis.agency_source = lambda: ({"id": str(n), "pid": "", "code": f"{n:03d}.00.00.H51", "name": f"Đơn vị {n}",
                                   "mail": "", "oldCode": ""} for n in range(1, 500))
    entries = list(a.agencies())
    assert len(entries) == 499 and entries[0].name == "Đơn vị 1"
    axis.fail_next("getAgenciesList", "fail", desc="Không có quyền")
    with pytest.raises(AxisRefused):
        list(a.agencies())
    axis.fail_next("getAgenciesList", "nonjson", times=1)
    with pytest.raises(AxisUnavailable):
        list(a.agencies())


def test_directory_refusal_with_an_empty_list_is_still_a_refusal(axis, pair, monkeypatch):
    a, _b, _sender = pair
    answer = b'{"status":"FAIL","ErrorCode":"3","ErrorDesc":"Sai chu ky","data":[]}'
    monkeypatch.setattr(AxisDouble, "op_getAgenciesList", lambda self, system, headers, body: iter([answer]))
    with pytest.raises(AxisRefused) as error:
        list(a.agencies())
    assert error.value.code == "3"
