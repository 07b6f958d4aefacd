"""Bad input is refused with a clear reason and a machine code, never a crash."""

from __future__ import annotations

import base64
import re

import pytest

from qlvb.exchange.edxml import EdxmlError, parse
from qlvb.exchange.edxml.xmlsafe import MAX_DEPTH

from .helpers import found, parse_document, parse_status, sample

STATUS = sample("status_inbox_01.edxml")
NEW = sample("edoc_new.edxml")


def refused(data, code, **kwargs) -> EdxmlError:
    with pytest.raises(EdxmlError) as caught:
        parse(data, **kwargs)
    assert caught.value.code == code, caught.value
    assert caught.value.reason  # a sentence for the clerk
    return caught.value


def with_prolog(prolog: bytes, body: bytes = STATUS) -> bytes:
    end = body.index(b"?>") + 2
    return body[:end] + b"\n" + prolog + body[end:]


BILLION_LAUGHS = b"""<!DOCTYPE edXML [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>"""


def test_billion_laughs():
    data = with_prolog(BILLION_LAUGHS).replace(b"Phong hanh chinh", b"&lol9;")
    refused(data, "entity")


def test_external_entity_file():
    data = with_prolog(b'<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>').replace(
        b"Phong hanh chinh", b"&xxe;")
    error = refused(data, "entity")
    assert "root:" not in error.reason


def test_external_dtd():
    refused(with_prolog(b'<!DOCTYPE edXML SYSTEM "http://127.0.0.1:9/evil.dtd">'), "entity")


def test_parameter_entities():
    refused(with_prolog(b'<!DOCTYPE edXML [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>'), "entity")


def test_doctype_in_utf16():
    data = with_prolog(b'<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>').replace(
        b'encoding="UTF-8"', b'encoding="UTF-16"').decode("utf-8").encode("utf-16")
    refused(data, "entity")


def test_undefined_entity_reference_is_malformed():
    refused(STATUS.replace(b"Phong hanh chinh", b"&xxe;"), "malformed")


def test_xinclude_is_not_processed():
    data = STATUS.replace(b"Phong hanh chinh", b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                                               b'href="file:///etc/passwd" parse="text"/>')
    pkg = parse_status(data)
    assert pkg.staff is not None and "root:" not in pkg.staff.department


def test_oversized():
    error = refused(NEW, "too_large", max_bytes=100_000)
    assert str(len(NEW)) in error.reason


def test_deep_nesting():
    depth = 50_000
    data = STATUS.replace(b"Phong hanh chinh", b"<a>" * depth + b"x" + b"</a>" * depth)
    refused(data, "too_deep")


def test_moderately_deep_nesting_is_refused_by_our_limit():
    depth = MAX_DEPTH + 5
    data = STATUS.replace(b"Phong hanh chinh", b"<a>" * depth + b"x" + b"</a>" * depth)
    refused(data, "too_deep")


def _attachment(data: bytes) -> bytes:
    return found(rb"(<edXML:ContentTransferEncoded[^>]*>)([^<]*)(<)", data).group(2)


def test_truncated_base64():
    encoded = _attachment(NEW)
    error = refused(NEW.replace(encoded, encoded[:-3]), "bad_base64")
    assert "1896_QD-TTg_m_294779.doc" in error.reason


def test_truncated_base64_at_a_block_boundary_still_decodes_but_padding_in_the_middle_does_not():
    encoded = _attachment(NEW)
    refused(NEW.replace(encoded, encoded[:1000] + b"====" + encoded[1004:]), "bad_base64")


def test_base64_with_foreign_characters():
    encoded = _attachment(NEW)
    refused(NEW.replace(encoded, encoded[:100] + b"*" + encoded[101:]), "bad_base64")
    refused(NEW.replace(encoded, "ạ".encode() + encoded[2:]), "bad_base64")


def test_wrapped_base64_is_accepted():
    encoded = _attachment(NEW)
    wrapped = b"\r\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76))
    assert parse_document(NEW.replace(encoded, wrapped)).attachments[0].data == base64.b64decode(encoded)


def test_empty_attachment():
    refused(NEW.replace(_attachment(NEW), b""), "bad_base64")


def test_attachment_missing_from_the_package():
    start = NEW.index(b"<AttachmentEncoded>")
    end = NEW.index(b"</AttachmentEncoded>") + len(b"</AttachmentEncoded>")
    error = refused(NEW[:start] + NEW[end:], "missing_field")
    assert "cid:209" in error.reason


@pytest.mark.parametrize("data", [b"", b"   ", b"\x00\x01\x02", b"<edXML", b"not xml at all",
                                  b"\xef\xbb\xbf", b"<a></b>", "<edXML/>".encode("utf-32")])
def test_garbage(data):
    with pytest.raises(EdxmlError) as caught:
        parse(data)
    assert caught.value.code in ("malformed", "not_edxml", "missing_field")


def test_not_bytes():
    refused(12345, "malformed")


def test_another_xml_document():
    refused(b'<?xml version="1.0"?><html><body/></html>', "not_edxml")


@pytest.mark.parametrize("element", [b"edXML:StatusCode", b"edXML:Timestamp", b"edXML:ResponseFor", b"edXML:From"])
def test_status_missing_required_element(element):
    data = re.sub(rb"<" + element + rb">.*?</" + element + rb">", b"", STATUS, flags=re.S)
    error = refused(data, "missing_field")
    if element != b"edXML:StatusCode":  # without a status code it is read as a document: no DocumentId
        assert element.split(b":")[1].decode() in error.reason


@pytest.mark.parametrize("element", [b"DocumentId", b"Subject", b"PromulgationDate", b"To"])
def test_document_missing_required_element(element):
    data = re.sub(rb"<edXML:" + element + rb">.*?</edXML:" + element + rb">", b"", NEW, count=1, flags=re.S)
    error = refused(data, "missing_field")
    assert element.decode() in error.reason


def test_bad_dates():
    error = refused(NEW.replace(b"2019/01/16", b"16/01/2019"), "bad_date")
    assert "16/01/2019" in error.reason and "PromulgationDate" in error.reason
    refused(NEW.replace(b"2019/01/16", b"2019/02/30"), "bad_date")
    refused(STATUS.replace(b"2015/09/20 11:08:36", "hôm qua".encode()), "bad_date")


def test_impossible_date_in_the_document_identifier_is_only_flagged():
    pkg = parse_document(NEW)  # Bussiness/DocumentId of the samples says 2014/02/30
    assert pkg.business_document_id.startswith("000.00.00.G22,2014/02/30")


def test_unknown_codes():
    refused(STATUS.replace(b"<edXML:StatusCode>01<", b"<edXML:StatusCode>99<"), "unknown_code")
    refused(NEW.replace(b"<edXML:BussinessDocType>0<", b"<edXML:BussinessDocType>7<"), "unknown_code")
    pkg = parse_document(NEW.replace(b"<edXML:Priority>0<", b"<edXML:Priority>9<"))
    assert pkg.urgency == "" and any("9" in warning for warning in pkg.warnings)


def test_status_14_is_read_as_15():
    pkg = parse_status(STATUS.replace(b"<edXML:StatusCode>01<", b"<edXML:StatusCode>14<"))
    assert pkg.status_code == "15" and pkg.warnings


def test_unknown_agency():
    error = refused(STATUS, "unknown_agency", known_agencies={"000.00.00.G22"})
    assert "000.00.00.H41" in error.reason
    assert parse(STATUS, known_agencies={"000.00.00.H41"}).from_org.code == "000.00.00.H41"
    refused(STATUS, "unknown_agency", known_agencies=lambda code: False)


def test_duplicate_content_ids():
    data = NEW.replace(b"</edXML:Reference>", b"</edXML:Reference><edXML:Reference><edXML:ContentId>cid:209"
                                              b"</edXML:ContentId></edXML:Reference>")
    refused(data, "invalid")


def test_reason_is_vietnamese_when_translated():
    from django.utils import translation

    with translation.override("vi"):
        error = refused(NEW, "too_large", max_bytes=10)
        assert error.reason.startswith("Gói tin quá lớn.")
        error = refused(NEW.replace(_attachment(NEW), _attachment(NEW)[:-1]), "bad_base64")
        assert error.reason == ("Tệp đính kèm “1896_QD-TTg_m_294779.doc” bị cắt cụt: độ dài chuỗi base64 không "
                                "chia hết cho 4.")


def test_millions_of_tiny_elements():
    error = refused(STATUS.replace(b"Phong hanh chinh", b"<a/>" * 250_000), "too_large")
    assert "elements" in error.reason or "thành phần" in error.reason
