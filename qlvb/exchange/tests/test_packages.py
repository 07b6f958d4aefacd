"""edXML packages arriving at the exchange endpoint: the national samples land in reception
queues and status histories, bad packages are refused with a reason and leave nothing behind."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from django.utils import timezone

from qlvb.exchange import transport
from qlvb.exchange.models import DeliveryStatus, OutboundMessage, Peer, ReceptionItem
from qlvb.exchange.peers import hash_token
from qlvb.exchange.tests.conftest import issue_to
from qlvb.files.models import StoredFile
from qlvb.files.services import store_bytes
from qlvb.incoming.models import IncomingDocument
from qlvb.org.models import Agency
from qlvb.outgoing.models import OutgoingDocument

SAMPLES = Path(__file__).resolve().parents[1] / "edxml" / "tests" / "samples"
TOKEN = "peer-token-0123456789abcdef"
ENDPOINT = "/api/v1/exchange/packages/"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def agency(code: str, name: str) -> Agency:
    return Agency.objects.create(code=code, abbreviation=re.sub(r"\W", "", code)[-4:], name=name)


def peer(codes: list[str], *, require_signature: bool = False, token: str = TOKEN) -> Peer:
    return Peer.objects.create(name="Trục liên thông", base_url="http://127.0.0.1:9", agency_codes="\n".join(codes),
                               inbound_token_hash=hash_token(token), require_signature=require_signature)


def post(client, data: bytes, token: str = TOKEN):
    return client.post(ENDPOINT, data=data, content_type="application/xml", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def national(db):
    """This installation holds UBND tỉnh Nghệ An (H41) and the samples' 28.22.H17; the national
    exchange (a peer that cannot sign like QLVB does) serves Văn phòng Chính phủ and others."""
    return {"h41": agency("000.00.00.H41", "UBND tỉnh Nghệ An"), "h17": agency("28.22.H17", "Đơn vị nhận mẫu"),
            "peer": peer(["000.00.00.G22", "000.00.00.A80"])}


def test_every_well_formed_document_sample_lands_in_the_queue(national, client):
    for name in ("edoc_new.edxml", "dc0bdef0-c7a3-4aaf-b717-777303442973.edxml", "edoc_update.edxml",
                 "edoc_replacement.edxml", "edoc_revocation.edxml"):
        response = post(client, sample(name))
        assert response.status_code == 201, (name, response.content)
    new = ReceptionItem.objects.get(receiver=national["h17"])
    assert new.kind == "new" and new.sender_code == "000.00.00.A80" and new.files.count() >= 1
    assert new.package is not None and new.reference and new.summary
    assert "NOT valid" in new.fields["signature"] or "không hợp lệ" in new.fields["signature"].lower()
    h41 = ReceptionItem.objects.filter(receiver=national["h41"])
    kinds = dict(h41.values_list("kind", "document_id"))
    assert set(kinds) == {"new", "update", "replace", "recall"}
    original = h41.get(kind="new")
    assert h41.get(kind="recall").original == original and h41.get(kind="update").original == original
    # The same package again: registered once.
    items = ReceptionItem.objects.count()
    response = post(client, sample("edoc_new.edxml"))
    assert response.status_code == 200 and response.json()["duplicate"] is True
    assert ReceptionItem.objects.count() == items


def test_the_malformed_sample_is_refused_and_nothing_is_kept(national, client):
    files = StoredFile.objects.count()
    response = post(client, sample("edoc.edxml"))
    assert response.status_code == 400
    assert response.json()["code"] == "malformed" and response.json()["reason"]
    assert StoredFile.objects.count() == files
    refused = ReceptionItem.objects.get()
    assert refused.state == "invalid" and refused.reason and refused.files.count() == 0
    assert not IncomingDocument.objects.exists()


def test_sample_statuses_land_in_the_senders_history(org, client):
    sender = agency("000.00.00.G22", "Văn phòng Chính phủ")
    the_peer = peer(["000.00.00.H41"])
    document = OutgoingDocument.objects.create(
        agency=sender, drafting_unit=org.unit, drafter=org.specialist, status=OutgoingDocument.Status.ISSUED,
        doc_type="CV", summary="Công văn mẫu của Văn phòng Chính phủ", number=7816, notation="VPCP-TTĐT",
        issued_at=timezone.now())
    OutboundMessage.objects.create(peer=the_peer, kind="document", key="k", document_id=(
        "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"), outgoing=document, state="sent",
        payload=StoredFile.objects.create(sha256="0" * 64, size=1, content_type="x", kind="other",
                                          storage_name="x"))
    for name in ("status_inbox_01.edxml", "status_rejection_02.edxml", "status_acceptance_03.edxml",
                 "status_assignment_04.edxml", "status_processing_05.edxml", "status_finish_06.edxml",
                 "status_change-acceptance_15.edxml", "status_change-rejection_16.edxml", "status.edxml"):
        assert post(client, sample(name)).status_code in (200, 201), name
    codes = set(DeliveryStatus.objects.filter(outgoing=document, recipient_code="000.00.00.H41")
                .values_list("code", flat=True))
    assert codes == {"01", "02", "03", "04", "05", "06", "15", "16"}
    # Received twice: recorded once.
    count = DeliveryStatus.objects.count()
    post(client, sample("status_finish_06.edxml"))
    assert DeliveryStatus.objects.count() == count


def test_a_take_back_request_from_the_sender_becomes_a_recall(national, client):
    post(client, sample("dc0bdef0-c7a3-4aaf-b717-777303442973.edxml"))
    assert post(client, sample("status_cancellation_13.edxml")).status_code in (200, 201)
    recall = ReceptionItem.objects.get(receiver=national["h41"], kind="recall")
    assert recall.original is not None and recall.original.kind == "new" and "lấy lại" in recall.reason


HOSTILE = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"><a>&lol2;</a></edXML:edXML>"""


@pytest.mark.parametrize("mutate, code", [
    (lambda data: HOSTILE, "entity"),
    (lambda data: b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
     + data[data.index(b"<edXML:edXML"):].replace(b"<edXML:Subject>", b"<edXML:Subject>&xxe;", 1), "entity"),
    (lambda data: data.replace(b"28.22.H17", b"000.00.99.H99"), "unknown_agency"),
    (lambda data: data.replace(b"000.00.00.A80", b"000.00.77.A77"), "unknown_agency"),
    (lambda data: b"\x00" * 10, None),
])
def test_bad_packages_are_refused_with_a_reason(national, client, mutate, code):
    data = mutate(sample("edoc_new.edxml"))
    response = post(client, data)
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["reason"]
    if code:
        assert body["code"] == code
    assert not ReceptionItem.objects.exclude(state="invalid").exists()


def test_truncated_base64_attachment_is_refused(national, client):
    data = sample("edoc_new.edxml")
    start = data.index(b">", data.index(b"<edXML:ContentTransferEncoded")) + 1
    end = data.index(b"</", start)
    keep = (end - start) // 2 // 4 * 4 + 1  # a base64 length that cannot be whole
    truncated = data[:start] + data[start:start + keep] + data[end:]
    response = post(client, truncated)
    assert response.status_code == 400 and response.json()["code"] == "bad_base64"
    assert not ReceptionItem.objects.exclude(state="invalid").exists()


def test_oversized_package_is_refused(national, client, settings):
    settings.QLVB_EXCHANGE_MAX_BYTES = 1000
    response = post(client, sample("edoc_new.edxml"))
    assert response.status_code in (400, 413)
    assert not ReceptionItem.objects.exclude(state="invalid").exists()


def test_unknown_peer_is_refused(national, client):
    assert post(client, sample("edoc_new.edxml"), token="wrong-token-0000000000").status_code == 401
    assert client.post(ENDPOINT, data=sample("edoc_new.edxml"), content_type="application/xml").status_code in (
        401, 403)
    assert not ReceptionItem.objects.exists()


@pytest.fixture
def signed_setup(org, other_org):
    """org sends to other_org through a peer entry (as another installation would)."""
    from qlvb.signatures.demo import create_demo_pki_for

    create_demo_pki_for(org.agency)
    create_demo_pki_for(other_org.agency)
    document = issue_to(org)
    return document


def test_signed_package_is_verified_and_a_tampered_one_refused(org, other_org, signed_setup, client):
    package = transport.document_package(signed_setup, [other_org.agency.code])
    from qlvb.exchange.edxml.build import build_document

    signed = transport._sign(build_document(package), org.agency)
    peer([org.agency.code], require_signature=True)
    tampered = re.sub(rb"(<edXML:CodeNumber>)(\d+)", rb"\g<1>99", signed, count=1)
    assert tampered != signed
    response = post(client, tampered)
    assert response.status_code == 400 and response.json()["code"] == "bad_signature"
    unsigned = build_document(package)
    assert post(client, unsigned).json()["code"] == "unsigned"
    assert not ReceptionItem.objects.exclude(state="invalid").exists()
    response = post(client, signed)
    assert response.status_code == 201, response.content
    item = ReceptionItem.objects.get(state="waiting")
    assert item.receiver == other_org.agency and item.fields["signature"].startswith(("Signed", "Ký bởi"))
    assert item.files.get().stored.sha256 == signed_setup.issued_file.sha256  # the attachment came through intact


def test_a_package_larger_than_the_form_limit_is_received(national, client):
    import os

    data = sample("edoc_new.edxml")
    start = data.index(b">", data.index(b"<edXML:ContentTransferEncoded")) + 1
    end = data.index(b"</", start)
    big = base64.b64encode(os.urandom(12 * 1024 * 1024))
    response = post(client, data[:start] + big + data[end:])
    assert response.status_code == 201, response.content[:300]
    assert ReceptionItem.objects.get().files.get().stored.size == 12 * 1024 * 1024


QCVN = b"http://www.mic.gov.vn/TBT/QCVN_102_2016"


@pytest.mark.parametrize("foreign", [
    lambda data: data.replace(QCVN, b"http://example.com/not-qcvn"),  # the whole package
    lambda data: data.replace(b'<edXML:edXMLEnvelope xmlns:edXML="' + QCVN,  # the envelope only
                              b'<edXML:edXMLEnvelope xmlns:edXML="http://example.com/not-qcvn', 1),
], ids=["root", "envelope"])
def test_a_package_in_a_foreign_namespace_is_refused_before_it_takes_the_document_identity(national, client,
                                                                                           foreign):
    genuine = sample("edoc_new.edxml")
    forged = foreign(genuine)
    assert forged != genuine
    response = post(client, forged)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "not_edxml" and "QCVN 102:2016" in response.json()["reason"]
    refused = ReceptionItem.objects.get()
    assert refused.state == "invalid" and not refused.document_id.startswith("000.00.00.G22")
    assert refused.package is None and not refused.files.exists() and not StoredFile.objects.exists()
    response = post(client, genuine)
    assert response.status_code == 201 and response.json()["duplicate"] is False, response.content
    assert ReceptionItem.objects.get(state="waiting").document_id.startswith("000.00.00.G22,")


def _leaves(element, path=""):
    """(path of local names, text) of every leaf under an element."""
    from lxml import etree

    name = etree.QName(element).localname
    here = f"{path}/{name}" if path else name
    kids = [k for k in element if isinstance(k.tag, str)]
    if not kids:
        yield here, (element.text or "").strip()
    for kid in kids:
        yield from _leaves(kid, here)


# What QLVB does not know of a document (NĐ30 Phụ lục VI fields it does not record); everything
# else the national sample fills, an exported package fills too.
NOT_RECORDED = {"SphereOfPromulgation", "TyperNotation", "Direction", "Fax", "ResponseFor"}


def test_an_exported_package_fills_every_field_the_document_has(org, other_org, third_org):
    from lxml import etree

    from qlvb.exchange.edxml import DocumentPackage, parse
    from qlvb.exchange.edxml.build import build_document
    from qlvb.outgoing.models import Attachment
    from qlvb.outgoing.services import settings_for

    place = settings_for(org.agency)
    place.place = "Thành phố Sơn La"
    place.save()
    for agency in (org.agency, other_org.agency):
        agency.email, agency.phone, agency.address = "vp@sonla.gov.vn", "0212 385 2215", "Tô Hiệu, Sơn La"
        agency.website = "https://sonla.gov.vn"
        agency.save()
    org.clerk.email, org.clerk.phone = "vanthu@sonla.gov.vn", "0912 345 678"
    org.clerk.save()
    document = issue_to(org, other_org, third_org, reply_deadline=timezone.localdate(), copies=3)
    document.signing_capacity, document.signer_title = "KT", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    document.save()
    Attachment.objects.create(document=document, stored=store_bytes(b"%PDF-1.4 phu luc", name="a.pdf"),
                              name="Phụ lục I.pdf")
    package = parse(build_document(transport.document_package(document, [other_org.agency.code])))
    assert isinstance(package, DocumentPackage) and package.staff is not None
    assert package.signer.competence == "KT. GIÁM ĐỐC" and package.signer.position == "Phó Giám Đốc"
    assert package.signer.full_name == org.head.full_name
    assert package.promulgation_place == "Thành phố Sơn La" and package.content == document.summary
    assert package.to_places == (other_org.agency.name, third_org.agency.name)  # every recipient, as printed
    assert package.appendixes == ("Phụ lục I.pdf",) and package.promulgation_amount == 3
    assert package.staff.name == org.clerk.full_name and package.staff.email == "vanthu@sonla.gov.vn"
    assert package.staff.mobile == "0912 345 678" and package.staff.department

    def filled(data):
        root = etree.fromstring(data)
        return {path for path, value in _leaves(root) if value and "/Signature" not in path
                and "AttachmentEncoded" not in path}

    ours = filled(build_document(transport.document_package(document, [other_org.agency.code])))
    theirs = filled(sample("edoc_new.edxml"))
    missing = {path for path in theirs - ours if not NOT_RECORDED & set(path.split("/"))
               and not path.endswith("Bussiness/DocumentId")}  # the document an update changes
    assert not missing, sorted(missing)


def _blobs(settings) -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _other_copy(data: bytes) -> bytes:
    """The same document (same DocumentId) with other bytes: another attachment, another time."""
    start = data.index(b">", data.index(b"<edXML:ContentTransferEncoded")) + 1
    end = data.index(b"</", start)
    return re.sub(rb"<edXML:Timestamp>[^<]*</edXML:Timestamp>", b"<edXML:Timestamp>2026/12/01 08:00:00"
                  b"</edXML:Timestamp>", data[:start] + base64.b64encode(b"%PDF-1.7 another copy " * 5000)
                  + data[end:], count=1)


def test_a_duplicate_package_leaves_nothing_in_storage(national, client, settings):
    genuine = sample("edoc_new.edxml")
    assert post(client, genuine).status_code == 201
    rows, blobs = set(StoredFile.objects.values_list("sha256", flat=True)), _blobs(settings)
    assert len(rows) == 2 and len(blobs) == 2  # the package and its attachment
    for again in (genuine, _other_copy(genuine)):
        response = post(client, again)
        assert response.status_code == 200 and response.json()["duplicate"] is True, response.content
        assert set(StoredFile.objects.values_list("sha256", flat=True)) == rows and _blobs(settings) == blobs
    assert ReceptionItem.objects.count() == 1


def test_a_duplicate_found_while_storing_rolls_back_its_files(national, client, settings, monkeypatch):
    """Two workers receive the same package at once: the one that loses keeps nothing."""
    genuine = sample("edoc_new.edxml")
    assert post(client, genuine).status_code == 201
    first = ReceptionItem.objects.get()
    rows, blobs = set(StoredFile.objects.values_list("sha256", flat=True)), _blobs(settings)
    monkeypatch.setattr(ReceptionItem.objects, "filter", lambda *a, **k: ReceptionItem.objects.none()
                        if "document_id" in k and "receiver__in" in k else type(ReceptionItem.objects).filter(
                            ReceptionItem.objects, *a, **k))
    monkeypatch.setattr(transport, "_store_item", lambda *a, **k: (first, False))
    response = post(client, _other_copy(genuine))
    assert response.status_code == 200 and response.json()["duplicate"] is True, response.content
    assert set(StoredFile.objects.values_list("sha256", flat=True)) == rows and _blobs(settings) == blobs


@pytest.mark.parametrize("refusal", ["not_for_us", "bad_base64", "foreign"])
def test_a_refused_package_leaves_only_its_audit_record(national, client, settings, refusal):
    from qlvb.core.models import Event

    data = sample("edoc_new.edxml")
    if refusal == "not_for_us":
        national["h17"].delete()
    elif refusal == "bad_base64":
        data = data.replace(b"<edXML:ContentTransferEncoded xmlns:edXML=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\">",
                            b"<edXML:ContentTransferEncoded xmlns:edXML=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\">$")
    else:
        data = data.replace(QCVN, b"urn:other")
    response = post(client, data)
    assert response.status_code == 400, response.content
    assert not StoredFile.objects.exists() and not _blobs(settings)
    refused = ReceptionItem.objects.get()
    assert refused.state == "invalid" and refused.package is None and not refused.files.exists()
    assert Event.objects.filter(verb="exchange.invalid").count() == 1


@pytest.mark.slow
def test_a_large_package_is_received_in_less_memory_than_twice_its_largest_attachment():
    """bench/exchange_memory.py in a process of its own: a 24 MB package (one 18 MB attachment)
    through the endpoint; the peak RSS grows by less than twice the attachment (it was 6.7
    times before the package was read from a file)."""
    import subprocess
    import sys

    bench = Path(__file__).resolve().parents[3] / "bench" / "exchange_memory.py"
    out = subprocess.run([sys.executable, str(bench), "--mb", "24"], capture_output=True, text=True, check=True,
                         timeout=300).stdout
    assert "201 Created" in out, out
    # The kernel's RSS counters lag by a few pages, so a package read in memory already resident
    # can show a growth of "-0.00".
    found = re.search(r"receive_peak_per_largest_attachment (-?[\d.]+)", out)
    assert found is not None, out
    ratio = float(found.group(1))
    assert ratio < 2, out


def test_the_default_limit_takes_a_document_with_a_file_at_the_upload_limit(settings, monkeypatch):
    monkeypatch.delenv("QLVB_EXCHANGE_MAX_BYTES", raising=False)
    settings.QLVB_EXCHANGE_MAX_BYTES = None
    largest_file = settings.QLVB_MAX_UPLOAD_BYTES
    assert transport.max_package_bytes() >= -(-largest_file // 3) * 4 + 4 * 1024 * 1024
    assert transport.max_package_bytes() < 100 * 1024 * 1024  # the edXML library's own ceiling
    settings.QLVB_EXCHANGE_MAX_BYTES = 1234
    assert transport.max_package_bytes() == 1234
