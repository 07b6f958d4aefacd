"""Every well-formed sample of shared/interop/edxml imports with its fields in the right places;
edoc.edxml is refused with a clear reason; what QLVB builds has the samples' shape and reads
back identically."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from typing import Any

import pytest
from lxml import etree

from qlvb.exchange.edxml import (
    Attachment,
    BusinessDocType,
    BusinessDocumentInfo,
    DocumentPackage,
    DocumentRef,
    EdxmlError,
    Organization,
    Receiver,
    ReplacementInfo,
    Signer,
    Staff,
    StatusPackage,
    Trace,
    build_document,
    build_status,
    codes,
    parse,
)

from .helpers import DOCUMENT_SAMPLES, STATUS_SAMPLES, WELL_FORMED, parse_document, sample, vn

G22 = Organization(code="000.00.00.G22", name="Văn phòng Chính phủ", in_charge="Văn phòng Chính phủ",
                   address="Số 1 Hoàng Hoa Thám, Quận Ba Đình, Hà Nội", email="vpcp@gov.vn", phone="8043100",
                   fax="048989898789", website="vpcp.vn")
H41 = Organization(code="000.00.00.H41", name="UBND Tỉnh Nghệ An", in_charge="UBND Tỉnh Nghệ An",
                   address="Số 03, đường Trường Thi, Thành phố Vinh, Tỉnh Nghệ An, Việt Nam", email="nghean@gov.vn",
                   phone="0383 840418", fax="0383 843049", website="www.nghean.vn")
STAFF = Staff(department="Văn thư văn phòng", name="Nguyễn Thị Ngọc Trâm", email="vanthuvanphong@gov.vn",
              mobile="84912000001")
ATTACHMENT_SHA = {  # first 16 hex digits of the SHA-256 of each sample's decoded attachment
    "edoc_new.edxml": "7ab7c43a02a3cf2c", "edoc_update.edxml": "51653b9613f7f027",
    "edoc_replacement.edxml": "57634d6539d79c59", "edoc_revocation.edxml": "22100d39101238b7",
    "dc0bdef0-c7a3-4aaf-b717-777303442973.edxml": "913d275321151c34",
}


def test_new_document_fields():
    pkg = parse(sample("edoc_new.edxml"))
    assert isinstance(pkg, DocumentPackage)
    assert pkg.from_org.code == "000.00.00.A80"
    assert pkg.from_org.name == "UBND xã Hòa Tiến - UBND huyện Hòa Vang - Thành phố Đà Nẵng"
    assert pkg.from_org.address == "Số 1 Hoàng Hoa Thám, Quận Ba Đình, Hà Nội"
    assert pkg.from_org.fax == "048989898789"
    assert [org.code for org in pkg.to_orgs] == ["28.22.H17"]
    assert pkg.to_orgs[0].phone == "(84-4) 3821 5137"
    assert pkg.to_orgs[0].website == "www.haiphong.gov.vn"
    assert pkg.document_id == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert (pkg.code_number, pkg.code_notation) == ("74fass22", "VPCP-TTĐT")
    assert pkg.number_notation == "74fass22/VPCP-TTĐT"
    assert pkg.promulgation_place == "Hà Nội"
    assert pkg.promulgation_date == dt.date(2019, 1, 16)
    assert (pkg.edxml_type, pkg.edxml_type_detail, pkg.document_type_name) == ("1", "0", "Công văn")
    assert pkg.document_type == "CV"
    assert pkg.subject == "V/v kết nối, liên thông phần mềm quản lý văn bản"
    assert pkg.content == "V/v kết nối, liên thông phần mềm quản lý văn bản"
    assert pkg.signer == Signer(competence="TL. BO TRUONG", position="Cuc truong cuc ung dung cong nghe thong tin",
                                full_name="Nguyen Thanh Phuc")
    assert pkg.due_date == dt.date(2018, 9, 28)
    assert (pkg.priority, pkg.urgency) == ("0", "")
    assert pkg.sphere_of_promulgation == "Liên thông văn bản quốc gia"
    assert pkg.typer_notation == "TVC"
    assert (pkg.promulgation_amount, pkg.page_amount, pkg.direction) == (2, 22, False)
    assert pkg.appendixes == ("Công văn về việc kết nối, liên thông phần mềm quản lý văn bản",)
    assert pkg.steering_type == "1" and pkg.is_directive
    assert pkg.to_places == ("Cac bo va co quan ngang bo", "Uy ban nhan dan cac tinh, TP")
    assert pkg.response_for == ()
    assert pkg.traces == (Trace("000.00.00.G22", vn(2018, 9, 28, 0, 0, 0)),)
    assert pkg.sent_at == vn(2018, 9, 28)
    assert pkg.business_doc_type == BusinessDocType.NEW
    assert pkg.business_reason == "Văn bản điện tử mới"
    assert pkg.business_document_id == "000.00.00.G22,2014/02/30,7806/VPCP-TTĐT"
    assert pkg.paper == "0"
    assert pkg.staff == STAFF
    assert pkg.secrecy == ""
    assert pkg.raw_extra == ()
    [attachment] = pkg.attachments
    assert (attachment.content_id, attachment.name, attachment.mime_type, attachment.description) == (
        "cid:209", "1896_QD-TTg_m_294779.doc", "application/zip", "1896_QD-TTg_m_294779.doc")
    assert attachment.size == 270823
    assert attachment.data.startswith(b"PK\x03\x04")
    # The samples' placeholders are kept and flagged, not refused (README of the samples).
    assert any("28.22.H17" in warning for warning in pkg.warnings)
    assert any("74fass22" in warning for warning in pkg.warnings)


def test_update_fields():
    pkg = parse_document(sample("edoc_update.edxml"))
    assert pkg.business_doc_type == BusinessDocType.UPDATE
    assert pkg.business_reason == "Cập nhật văn bản điện tử"
    assert pkg.from_org == G22
    assert [org.code for org in pkg.to_orgs] == ["000.00.00.H41", "000.00.00.H14", "000.00.00.G17"]
    assert pkg.to_orgs[0] == H41
    assert pkg.to_orgs[1].name == "UBND Tỉnh Cao Bằng"
    assert pkg.code_number == "7816" and pkg.promulgation_date == dt.date(2018, 9, 28)
    assert pkg.business_info == BusinessDocumentInfo(
        document_info="1", document_receiver="1",
        receivers=(Receiver("000.00.00.H41", "0"), Receiver("000.00.00.H14", "1")))
    assert pkg.business_document_id == "000.00.00.G22,2014/02/30,7806/VPCP-TTĐT"
    assert pkg.replaced_document_ids == ("000.00.00.G22,2014/02/30,7806/VPCP-TTĐT",)
    assert pkg.warnings == ()


def test_replacement_fields():
    pkg = parse_document(sample("edoc_replacement.edxml"))
    assert pkg.business_doc_type == BusinessDocType.REPLACEMENT
    assert pkg.business_reason == "Văn bản thay thế"
    assert pkg.business_document_id == ""
    info = ReplacementInfo("000.00.00.G22,2014/01/30,7806/VPCP-TTĐT", ("000.00.00.H41", "000.00.00.H14"))
    assert pkg.replacements == (info, info)
    assert pkg.replaced_document_ids == ("000.00.00.G22,2014/01/30,7806/VPCP-TTĐT",)


def test_revocation_fields():
    pkg = parse_document(sample("edoc_revocation.edxml"))
    assert pkg.business_doc_type == BusinessDocType.REVOCATION
    assert pkg.business_reason == "Thu hồi văn bản điện tử"
    assert pkg.response_for == (DocumentRef(organ_id="000.00.00.H14", code="267/VPCP-TTĐT",
                                            document_id="000.00.04.G14,2012/08/06,267/VPCP-TTĐT",
                                            promulgation_date=dt.date(2018, 9, 28)),)
    assert pkg.replaced_document_ids == ()


def test_three_recipients_and_trace_after_business():
    pkg = parse_document(sample("dc0bdef0-c7a3-4aaf-b717-777303442973.edxml"))
    assert len(pkg.to_orgs) == 3 and pkg.to_orgs[2].code == "000.00.00.G17"
    assert pkg.to_orgs[2].name == "Sở Thông tin truyền thông Hải Phòng"
    assert pkg.promulgation_date == dt.date(2019, 4, 11) and pkg.due_date == dt.date(2019, 4, 11)
    assert pkg.sent_at == vn(2019, 4, 11)
    assert pkg.attachments[0].size == 4151
    assert pkg.business_doc_type == BusinessDocType.NEW
    assert pkg.staff == STAFF


@pytest.mark.parametrize("name", DOCUMENT_SAMPLES)
def test_attachment_content(name):
    [attachment] = parse_document(sample(name)).attachments
    assert hashlib.sha256(attachment.data).hexdigest()[:16] == ATTACHMENT_SHA[name]


STATUS_EXPECTED = {
    "status.edxml": ("01", "Văn thư - Phòng Văn thư - Lưu trữ: Đã đến - Phần mềm QLVB đã nhận nhưng văn thư chưa "
                           "xử lý", vn(2018, 9, 28, 17, 25, 11)),
    "status_inbox_01.edxml": ("01", "Văn thư - Phòng Văn thư - Lưu trữ: Đã đến - Phần mềm QLVB đã nhận nhưng văn "
                                    "thư chưa xử lý", vn(2015, 9, 20, 11, 8, 36)),
    "status_rejection_02.edxml": ("02", "Văn thư - Phòng Văn thư - Lưu trữ: Từ chối không tiếp nhận văn bản điện "
                                        "tử", vn(2015, 9, 20, 11, 8, 36)),
    "status_acceptance_03.edxml": ("03", "Văn thư cơ - Phòng Văn thư - Lưu trữ: Tiếp nhận văn bản điện tử, vào sổ "
                                         "văn bản đến của đơn vị", vn(2015, 9, 20, 11, 8, 36)),
    "status_assignment_04.edxml": ("04", "Lãnh đạo: Phân công xử lý", vn(2015, 9, 20, 11, 8, 36)),
    "status_processing_05.edxml": ("05", "Đang xử lý văn bản đến", vn(2015, 9, 20, 11, 8, 36)),
    "status_finish_06.edxml": ("06", "Văn thư: Ban hành văn bản đến, hoàn thành xử lý", vn(2015, 9, 20, 11, 8, 36)),
    "status_cancellation_13.edxml": ("13", "Văn thư yêu cầu lấy lại văn bản điện tử kèm lý do",
                                     vn(2015, 9, 20, 11, 8, 36)),
    "status_change-acceptance_15.edxml": ("15", "Văn thư đồng ý yêu cầu cập nhật, lấy lại",
                                          vn(2015, 9, 20, 11, 8, 36)),
    "status_change-rejection_16.edxml": ("16", "Văn thư từ chối yêu cầu cập nhật, lấy lại",
                                         vn(2015, 9, 20, 11, 8, 36)),
}


@pytest.mark.parametrize("name", STATUS_SAMPLES)
def test_status_fields(name):
    pkg = parse(sample(name))
    assert isinstance(pkg, StatusPackage)
    code, description, timestamp = STATUS_EXPECTED[name]
    assert (pkg.status_code, pkg.description, pkg.timestamp) == (code, description, timestamp)
    assert pkg.status == codes.Status(code)
    assert pkg.status_label
    assert pkg.to_org is None
    assert pkg.document_id == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert pkg.response_for.code == "7816/VPCP-TTĐT"
    if name == "status_cancellation_13.edxml":  # the sender asks its recipient to give it back
        assert pkg.from_org.code == "000.00.00.G22" and pkg.response_for.organ_id == "000.00.00.H41"
    else:
        assert pkg.from_org == H41 and pkg.response_for.organ_id == "000.00.00.G22"
    if name == "status.edxml":
        assert pkg.response_for.promulgation_date == dt.date(2018, 9, 28)
        assert pkg.staff == STAFF
    else:
        assert pkg.response_for.promulgation_date == dt.date(2015, 9, 30)
        assert pkg.staff == Staff(department="Phong hanh chinh", name="Nguyen thi ngoc tram",
                                  email="ngoctram@nghean.vn", mobile="84912000001")


def test_malformed_sample_is_refused_with_the_place():
    with pytest.raises(EdxmlError) as caught:
        parse(sample("edoc.edxml"))
    assert caught.value.code == "malformed"
    assert "line 74" in caught.value.reason or "dòng 74" in caught.value.reason
    assert "From" in caught.value.reason


def test_malformed_reason_in_vietnamese():
    from django.utils import translation

    with translation.override("vi"), pytest.raises(EdxmlError) as caught:
        parse(sample("edoc.edxml"))
    assert caught.value.reason.startswith("Gói tin không phải XML đúng cú pháp (dòng 74)")
    with translation.override("vi"):
        assert codes.status_label("13") == "Yêu cầu lấy lại văn bản"
        pkg = parse(sample("edoc_new.edxml"))
    assert "Mã định danh “28.22.H17” không đúng dạng 000.00.00.A00 (QCVN 102:2016)." in pkg.warnings


@pytest.mark.parametrize("name", WELL_FORMED)
def test_sample_round_trip(name):
    pkg = parse(sample(name))
    built = (build_document if isinstance(pkg, DocumentPackage) else build_status)(pkg)
    assert parse(built) == pkg
    # and a second time: building is stable
    assert (build_document if isinstance(pkg, DocumentPackage) else build_status)(parse(built)) == built


def _paths(data: bytes) -> list[str]:
    """Element paths (local names) in document order, the Signature left out."""
    root = etree.fromstring(data, etree.XMLParser(remove_comments=True, resolve_entities=False))
    out = []

    def walk(element, prefix):
        name = etree.QName(element).localname
        if name == "Signature":
            return
        path = f"{prefix}/{name}"
        out.append(path)
        for item in element:
            walk(item, path)

    walk(root, "")
    return out


@pytest.mark.parametrize("name", ["edoc_new.edxml", "edoc_update.edxml", "edoc_replacement.edxml",
                                  "edoc_revocation.edxml", "status.edxml"])
def test_built_package_has_the_samples_shape(name):
    pkg = parse(sample(name))
    built = (build_document if isinstance(pkg, DocumentPackage) else build_status)(pkg)
    assert _paths(built) == _paths(sample(name))
    lines = built.decode("utf-8").splitlines()
    assert lines[0] == '<?xml version="1.0" encoding="UTF-8"?>'
    assert lines[1] == '<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">'
    assert lines[2] == '  <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">'
    if isinstance(pkg, DocumentPackage):
        assert "  <AttachmentEncoded>" in lines
        assert any(line.startswith('      <edXML:ContentTransferEncoded xmlns:edXML="') for line in lines)
        date = "2019/01/16" if name == "edoc_new.edxml" else "2018/09/28"
        assert f"          <edXML:PromulgationDate>{date}</edXML:PromulgationDate>" in lines
        assert "          <edXML:Timestamp>2018/09/28 00:00:00</edXML:Timestamp>" in lines


def qlvb_package(data: bytes) -> DocumentPackage:
    return DocumentPackage(
        document_id="000.00.15.H51,2026/03/05,12/QĐ-STTTT",
        from_org=Organization(code="000.00.15.H51", name="Sở Thông tin và Truyền thông tỉnh Sơn La",
                              address="Tầng 4, tòa nhà 6 tầng, Trung tâm Hành chính tỉnh, TP Sơn La",
                              email="sotttt@sonla.gov.vn", phone="0212 3856 789"),
        to_orgs=(Organization(code="000.00.03.H51", name="Sở Nội vụ tỉnh Sơn La"),
                 Organization(code="000.00.00.H41", name="UBND Tỉnh Nghệ An")),
        code_number="12", code_notation="QĐ-STTTT", promulgation_place="Sơn La",
        promulgation_date=dt.date(2026, 3, 5), document_type="QĐ",
        subject="Quyết định ban hành Quy chế quản lý, sử dụng chữ ký số trên văn bản điện tử",
        content="Điều 1. Ban hành kèm theo Quyết định này Quy chế… <đặc biệt> & “ngoặc kép”",
        signer=Signer(competence="KT. GIÁM ĐỐC", position="Phó Giám đốc", full_name="Cầm Thị Lan"),
        due_date=dt.date(2026, 3, 20), urgency="thuong_khan", page_amount=2, promulgation_amount=5,
        to_places=("Như Điều 2", "Lưu: VT, VP"), sent_at=dt.datetime(2026, 3, 5, 9, 30, 15, 123456),
        staff=Staff(department="Văn phòng", name="Đặng Thu Hà", email="vanthu@sonla.gov.vn", mobile="0912345678"),
        attachments=(Attachment(content_id="cid:quyet-dinh-12", name="12_QĐ-STTTT ký số.pdf",
                                mime_type="application/pdf", description="Quyết định số 12 (bản ký số)",
                                data=data),),
    )


def test_qlvb_package_round_trip_with_a_megabyte():
    data = os.urandom(1024 * 1024)
    pkg = qlvb_package(data)
    # what QLVB fills in from the code table
    assert (pkg.document_type_name, pkg.edxml_type, pkg.edxml_type_detail) == ("Quyết định", "1", "0")
    assert pkg.priority == "2" and pkg.business_reason == "Văn bản điện tử mới"
    assert pkg.sent_at == vn(2026, 3, 5, 9, 30, 15)
    assert pkg.traces == (Trace("000.00.15.H51", vn(2026, 3, 5, 9, 30, 15)),)
    built = build_document(pkg)
    back = parse(built)
    assert back == pkg
    assert back.attachments[0].data == data
    assert back.urgency == "thuong_khan" and back.document_type == "QĐ"
    assert back.warnings == ()
    assert parse(build_document(back)) == back


def test_aware_times_are_written_in_vietnam_time():
    pkg = qlvb_package(b"x")
    pkg = pkg.__class__(**{**pkg.__dict__, "sent_at": dt.datetime(2026, 3, 5, 2, 0, tzinfo=dt.UTC),
                                 "traces": ()})
    assert b"<edXML:Timestamp>2026/03/05 09:00:00</edXML:Timestamp>" in build_document(pkg)


def test_status_built_by_qlvb():
    pkg = StatusPackage(
        from_org=Organization(code="000.00.03.H51", name="Sở Nội vụ tỉnh Sơn La"),
        response_for=DocumentRef(organ_id="000.00.15.H51", code="12/QĐ-STTTT",
                                 document_id="000.00.15.H51,2026/03/05,12/QĐ-STTTT",
                                 promulgation_date=dt.date(2026, 3, 5)),
        status_code=codes.Status.REJECTED, description="Từ chối: gửi nhầm đơn vị",
        timestamp=dt.datetime(2026, 3, 5, 10, 0, 0), staff=Staff(name="Lê Văn Thư"))
    built = build_status(pkg)
    assert b"<edXML:StatusCode>02</edXML:StatusCode>" in built
    assert parse(built) == pkg
    default = StatusPackage(from_org=pkg.from_org, response_for=pkg.response_for, status_code="15",
                            timestamp=pkg.timestamp)
    assert default.description == "Văn thư đồng ý yêu cầu cập nhật, lấy lại"
    assert parse(build_status(default)) == default


@pytest.mark.parametrize("kind", list(BusinessDocType))
def test_business_doc_types_round_trip(kind):
    pkg = qlvb_package(b"%PDF-1.7 tiny")
    extra: dict[str, Any] = {"business_doc_type": kind, "business_reason": ""}
    if kind == BusinessDocType.REPLACEMENT:  # a list, stored as a tuple
        extra["replacements"] = [ReplacementInfo("000.00.15.H51,2026/03/01,10/QĐ-STTTT", ("000.00.03.H51",))]
    if kind == BusinessDocType.UPDATE:
        extra["business_document_id"] = "000.00.15.H51,2026/03/01,10/QĐ-STTTT"
    pkg = pkg.__class__(**{**pkg.__dict__, **extra, "sent_at": None})
    built = build_document(pkg)
    assert f"<edXML:BussinessDocType>{codes.BUSINESS_DOC_TYPE_CODES[kind]}</edXML:BussinessDocType>".encode() in built
    back = parse(built)
    assert back == pkg
    assert back.business_reason == codes.BUSINESS_DOC_REASONS[kind]
    if kind in (BusinessDocType.REPLACEMENT, BusinessDocType.UPDATE):
        assert back.replaced_document_ids == ("000.00.15.H51,2026/03/01,10/QĐ-STTTT",)


def test_secret_document_is_not_exported():
    pkg = qlvb_package(b"x")
    pkg = pkg.__class__(**{**pkg.__dict__, "secrecy": "mat"})
    with pytest.raises(EdxmlError) as caught:
        build_document(pkg)
    assert caught.value.code == "secret"


def test_unbuildable_values_are_an_edxml_error():
    pkg = qlvb_package(b"x")
    pkg = pkg.__class__(**{**pkg.__dict__, "subject": "bad \x00 char"})
    with pytest.raises(EdxmlError) as caught:
        build_document(pkg)
    assert caught.value.code == "invalid"


def test_unknown_elements_are_kept():
    data = sample("edoc_new.edxml").replace(
        b"<edXML:SteeringType>",
        b'<edXML:ArrivalNumber kind="x">\n  <edXML:Number>125</edXML:Number>\n</edXML:ArrivalNumber>'
        b"<edXML:SteeringType>")
    pkg = parse(data)
    assert pkg.raw_extra == (("MessageHeader", '<ArrivalNumber xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016" '
                                               'kind="x"><Number>125</Number></ArrivalNumber>'),)
    assert parse(build_document(pkg)) == pkg


def test_code_table_is_complete():
    from qlvb.core.doctypes import DOCUMENT_TYPES, Urgency

    assert set(codes.DOCUMENT_TYPES) == {code for code, _name in DOCUMENT_TYPES}
    assert all(codes.DOCUMENT_TYPES[code][2] == name for code, name in DOCUMENT_TYPES)
    assert set(codes.URGENCY_TO_PRIORITY) == {choice.value for choice in Urgency}
    assert {code.value for code in codes.Status} == {"01", "02", "03", "04", "05", "06", "13", "15", "16"}
    assert codes.document_type_from_name("CÔNG VĂN") == "CV"
    assert codes.document_type_from_name("quyet dinh") == "QĐ"


def test_attachment_larger_than_libxml2s_text_limit():
    # libxml2 refuses a text node over 10 MB unless told otherwise: a 12 MB file is 16 MB of base64.
    data = os.urandom(12 * 1024 * 1024)
    back = parse_document(build_document(qlvb_package(data)))
    assert back.attachments[0].data == data


def test_document_id_helpers():
    from qlvb.exchange.edxml.model import document_id_for, split_document_id

    assert document_id_for("000.00.00.G22", dt.date(2015, 9, 30), "7816/VPCP-TTĐT") == (
        "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT")
    assert split_document_id("000.00.00.G22,2015/09/30,7816/VPCP-TTĐT") == (
        "000.00.00.G22", dt.date(2015, 9, 30), "7816/VPCP-TTĐT")
    assert split_document_id("000.00.00.G22,2014/02/30,7806/VPCP-TTĐT") == (
        "000.00.00.G22", None, "7806/VPCP-TTĐT")
    assert split_document_id("9fbfbad2-f1f8-4256-a2eb-50fb1061cddb") == (
        "", None, "9fbfbad2-f1f8-4256-a2eb-50fb1061cddb")
