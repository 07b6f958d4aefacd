"""The axis as a transport of the exchange, in one database: this installation holds Sở TT&TT
(system sys.a on the axis double); UBND tỉnh is reached over the axis (system sys.b, played by
the test with the axis client and the same edXML builder). The outbound queue sends over the
axis, polling stores packages in the reception queue and statuses in the sender's history,
acknowledges only what is stored, and a poller killed between fetching and acknowledging loses
and doubles nothing. (Two separate installations: test_axis_two_instances.py.)"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from qlvb.core.actor import Actor
from qlvb.exchange import services, transport
from qlvb.exchange.axis import sync
from qlvb.exchange.axis.client import AxisClient
from qlvb.exchange.edxml import DocumentRef, Organization, StatusPackage, build_document, build_status, parse
from qlvb.exchange.edxml.agency import sign_for_agency
from qlvb.exchange.models import AxisConnection, AxisReceipt, DeliveryStatus, OutboundMessage, Peer, ReceptionItem
from qlvb.exchange.tests.conftest import issue_to
from qlvb.org.directory import current_code
from qlvb.org.models import DirectoryAgency
from qlvb.signatures.demo import create_demo_pki_for


@pytest.fixture
def world(axis, root, org, third_org):
    from qlvb.registers.services import ensure_default_registers

    create_demo_pki_for(org.agency)
    create_demo_pki_for(third_org.agency)
    ensure_default_registers(org.agency)
    axis.add_system("sys.a", "secret-a", [org.agency.code])
    axis.add_system("sys.b", "secret-b", [third_org.agency.code])
    connection = sync.save_connection(by=Actor(root), name="Trục liên thông", endpoint=axis.url, system_id="sys.a",
                                      secret="secret-a", agency_codes=third_org.agency.code)
    b = AxisClient(endpoint=axis.url, system_id="sys.b", secret="secret-b", sleep=lambda s: None)
    return {"a": org, "b": third_org, "connection": connection, "client_b": b, "axis": axis, "root": root}


def _status_from_b(world, document_id: str, code: str, description: str) -> bytes:
    a, b = world["a"].agency, world["b"].agency
    package = StatusPackage(from_org=Organization(code=b.code, name=b.name),
                            to_org=Organization(code=a.code, name=a.name),
                            response_for=DocumentRef(organ_id=a.code, document_id=document_id),
                            status_code=code, timestamp=timezone.now(), description=description)
    return sign_for_agency(build_status(package), b)


def _document_from_b(world) -> bytes:
    document = issue_to(world["b"], summary="V/v báo cáo tình hình ứng dụng CNTT năm 2026")
    package = transport.document_package(document, [world["a"].agency.code])
    return sign_for_agency(build_document(package), world["b"].agency)


def test_connection_secret_is_stored_encrypted_and_lgsp_not_yet_supported(world):
    connection = world["connection"]
    assert b"secret-a" not in bytes(connection.secret)
    assert sync.client_for(connection).secret == "secret-a"
    route = sync.route_of(connection)
    assert route.transport == Peer.Transport.AXIS and route.codes == [world["b"].agency.code]
    assert services.peer_for_code(world["b"].agency.code) == route
    with pytest.raises(ValidationError) as error:
        sync.save_connection(by=Actor(world["root"]), name="LGSP", endpoint="https://lgsp.example", system_id="x",
                             secret="y", kind=AxisConnection.Kind.LGSP)
    assert "kind" in error.value.message_dict


def test_document_out_over_the_axis_and_statuses_back(world):
    a, b, axis, client_b = world["a"], world["b"], world["axis"], world["client_b"]
    document = issue_to(a, b)
    message = OutboundMessage.objects.get(outgoing=document)
    assert message.peer.transport == Peer.Transport.AXIS
    assert transport.send_due() == {"sent": 1, "failed": 0}
    message.refresh_from_db()
    assert message.state == "sent" and message.remote_id
    # UBND tỉnh's system finds it, reads it, says 01 then 03 with its arrival number, acknowledges.
    [entry] = client_b.received("edoc")
    assert entry.doc_id == message.remote_id and entry.from_code == a.agency.code
    package = parse(client_b.get_edoc(entry.doc_id))
    assert package.document_id == message.document_id
    client_b.update_status(entry.doc_id)
    for code, text in (("01", "Đã đến"), ("03", "Đã tiếp nhận, số đến: 57")):
        client_b.send_edoc(_status_from_b(world, package.document_id, code, text), from_code=b.agency.code,
                           message_type="status")
    assert axis.pending("sys.a", "status") and not axis.pending("sys.b", "status")
    counts = sync.poll(world["connection"])
    assert counts["stored"] == 2 and counts["acknowledged"] == 2
    statuses = list(DeliveryStatus.objects.filter(outgoing=document).values_list("code", "arrival_number"))
    assert statuses == [("01", ""), ("03", "57")]
    assert axis.pending("sys.a", "status") == []
    sync.poll(world["connection"])  # nothing new: nothing doubled
    assert DeliveryStatus.objects.filter(outgoing=document).count() == 2


def test_document_in_over_the_axis_registered_once_and_statuses_back(world):
    a, b, axis, client_b = world["a"], world["b"], world["axis"], world["client_b"]
    doc_id = client_b.send_edoc(_document_from_b(world), from_code=b.agency.code)
    counts = sync.poll(world["connection"])
    assert counts["stored"] == 1 and counts["acknowledged"] == 1
    item = ReceptionItem.objects.get(receiver=a.agency)
    assert item.sender_code == b.agency.code and item.peer == sync.route_of(world["connection"])
    assert item.state == "waiting" and item.fields["signature_ok"] is True
    assert AxisReceipt.objects.get(doc_id=doc_id).state == AxisReceipt.State.DONE
    assert axis.pending("sys.a") == [] and axis.docs[doc_id].receivers == {"sys.a": "done"}
    # The arrival (01) goes back over the axis, to the original sender's system.
    assert transport.send_due()["sent"] == 1
    [status] = client_b.received("status")
    arrived = parse(client_b.get_edoc(status.doc_id))
    assert isinstance(arrived, StatusPackage) and arrived.status_code == "01"
    client_b.update_status(status.doc_id)
    # Accepted and registered: 03 with the arrival number.
    from qlvb.incoming import services as incoming
    from qlvb.registers.models import Register

    draft = services.accept(by=Actor(a.clerk), item=item)
    register = Register.objects.filter(agency=a.agency, direction=Register.Direction.INCOMING,
                                       category=Register.Category.ORDINARY).first()
    assert register is not None
    registered = incoming.register_document(by=Actor(a.clerk), agency=a.agency, register=register, fields={},
                                            document=draft)
    assert transport.send_due()["sent"] == 1
    [status] = client_b.received("status")
    answer = parse(client_b.get_edoc(status.doc_id))
    assert isinstance(answer, StatusPackage) and answer.status_code == "03"
    assert str(registered.arrival_number) in answer.description


def test_poller_killed_after_fetch_before_acknowledgement(world, monkeypatch):
    """Killed after the package is stored, before updateStatus: listed again, acknowledged once."""
    a, b, axis, client_b = world["a"], world["b"], world["axis"], world["client_b"]
    doc_id = client_b.send_edoc(_document_from_b(world), from_code=b.agency.code)

    class Killed(BaseException):
        pass

    def die(self, doc_id, status="done"):
        raise Killed()

    monkeypatch.setattr(AxisClient, "update_status", die)
    with pytest.raises(Killed):
        sync.poll(world["connection"])
    monkeypatch.undo()
    assert ReceptionItem.objects.filter(receiver=a.agency).count() == 1
    assert axis.pending("sys.a") == [doc_id]  # not acknowledged: still waiting on the axis
    counts = sync.poll(world["connection"])
    assert counts == {"stored": 0, "duplicate": 0, "refused": 0, "acknowledged": 1, "errors": 0}
    assert ReceptionItem.objects.filter(receiver=a.agency).count() == 1
    assert axis.pending("sys.a") == [] and axis.docs[doc_id].fetched == 1


def test_poller_killed_before_its_receipt_is_written(world, monkeypatch):
    """Killed after receive() committed but before the docId was noted: fetched again, found to be
    the same edXML DocumentId, registered once."""
    a, b, axis, client_b = world["a"], world["b"], world["axis"], world["client_b"]
    doc_id = client_b.send_edoc(_document_from_b(world), from_code=b.agency.code)

    class Killed(BaseException):
        pass

    def die(*args, **kwargs):
        raise Killed()

    monkeypatch.setattr(AxisReceipt.objects, "get_or_create", die)
    with pytest.raises(Killed):
        sync.poll(world["connection"])
    monkeypatch.undo()
    assert ReceptionItem.objects.filter(receiver=a.agency).count() == 1 and axis.pending("sys.a") == [doc_id]
    counts = sync.poll(world["connection"])
    assert counts["duplicate"] == 1 and counts["acknowledged"] == 1 and counts["stored"] == 0
    assert ReceptionItem.objects.filter(receiver=a.agency).count() == 1
    assert axis.docs[doc_id].fetched == 2 and axis.pending("sys.a") == []


def test_package_claiming_another_sender_is_refused_and_acknowledged_as_failed(world):
    a, axis, client_b = world["a"], world["axis"], world["client_b"]
    axis.systems["sys.b"].codes.add("000.00.99.H51")
    doc_id = client_b.send_edoc(_document_from_b(world), from_code="000.00.99.H51")
    counts = sync.poll(world["connection"])
    assert counts["refused"] == 1 and counts["acknowledged"] == 1
    assert not ReceptionItem.objects.filter(receiver=a.agency).exists()
    receipt = AxisReceipt.objects.get(doc_id=doc_id)
    assert receipt.state == AxisReceipt.State.FAILED and "000.00.99.H51" in receipt.reason
    assert axis.docs[doc_id].receivers == {"sys.a": "fail"}


def test_axis_refusals_reach_the_administrator_in_vietnamese(world):
    a, b, axis = world["a"], world["b"], world["axis"]
    issue_to(a, b)
    axis.fail_next("sendEdoc", "fail", code="7", desc="Hệ thống đang bảo trì")
    with translation.override("vi"):
        assert transport.send_due() == {"sent": 0, "failed": 1}
    message = OutboundMessage.objects.get()
    assert message.state == "pending" and message.attempts == 1 and message.next_attempt_at > timezone.now()
    assert "Trục liên thông từ chối sendEdoc (mã lỗi 7): Hệ thống đang bảo trì" in message.last_error
    assert transport.send_due(now=message.next_attempt_at)["sent"] == 1
    # Polling: a FAIL keeps everything waiting and is shown on the connection.
    axis.fail_next("getReceivedEdocList", "fail", desc="Sai khoá")
    with translation.override("vi"):
        counts = sync.poll(world["connection"])
    connection = AxisConnection.objects.get()
    assert counts["errors"] == 1 and "Sai khoá" in connection.last_poll_error and connection.last_poll_at


def test_from_not_registered_to_the_system_waits_for_the_administrator(world):
    a, b, axis = world["a"], world["b"], world["axis"]
    axis.systems["sys.a"].codes.clear()
    issue_to(a, b)
    transport.send_due()
    message = OutboundMessage.objects.get()
    assert message.state == "pending" and a.agency.code in message.last_error
    sync.register_agencies(by=Actor(world["root"]), connection=world["connection"], agencies=[a.agency])
    assert a.agency.code in axis.systems["sys.a"].codes
    assert transport.send_due(now=message.next_attempt_at)["sent"] == 1


def test_directory_synchronised_from_the_axis_with_aliases(world):
    axis = world["axis"]

    def listed(n: int, renamed: bool):
        yield {"id": "1", "pid": "", "code": "000.00.00.G12", "name": "Bộ Thông tin và Truyền thông", "mail": "",
               "oldCode": ""}
        for i in range(2, n):
            code = f"{i:03d}.00.12.G12"
            yield {"id": str(i), "pid": "1", "code": f"{i:03d}.01.12.G12" if renamed and i == 2 else code,
                   "name": f"Cục số {i}", "mail": f"cuc{i}@mic.gov.vn", "oldCode": code if renamed and i == 2 else ""}

    axis.agency_source = lambda: listed(3000, False)
    loaded = sync.sync_directory(world["connection"])
    assert loaded.added == 2999
    entry = DirectoryAgency.objects.get(code="005.00.12.G12")
    assert entry.parent_code == "000.00.00.G12" and entry.email == "cuc5@mic.gov.vn" and entry.is_current
    axis.agency_source = lambda: listed(2500, True)
    loaded = sync.sync_directory(world["connection"])
    assert loaded.retired == 500
    old = DirectoryAgency.objects.get(code="002.00.12.G12")
    assert not old.is_current and old.replaced_by == "002.01.12.G12"
    assert current_code("002.00.12.G12") == "002.01.12.G12"
    assert DirectoryAgency.objects.get(code="002.01.12.G12").parent_code == "000.00.00.G12"
    connection = AxisConnection.objects.get()
    assert connection.directory_synced_at and connection.directory_result["retired"] == 500


def test_package_to_an_old_code_reaches_the_agency_under_its_new_code(world):
    """The directory keeps the axis's oldCode as an alias: a package addressed to it still arrives."""
    a, b, client_b = world["a"], world["b"], world["client_b"]
    DirectoryAgency.objects.create(code="000.00.99.H51", name=a.agency.name, is_current=False,
                                   replaced_by=a.agency.code)
    world["axis"].systems["sys.a"].codes.add("000.00.99.H51")
    document = issue_to(b, summary="V/v gửi theo mã cũ")
    package = transport.document_package(document, ["000.00.99.H51"])
    client_b.send_edoc(sign_for_agency(build_document(package), b.agency), from_code=b.agency.code)
    assert sync.poll(world["connection"])["stored"] == 1
    assert ReceptionItem.objects.get(receiver=a.agency).summary == "V/v gửi theo mã cũ"
