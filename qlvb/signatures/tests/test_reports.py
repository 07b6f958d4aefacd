"""Showing signatures of a received PDF: the report include, in Vietnamese, and the cached reads."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import translation
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from qlvb.core.actor import Actor
from qlvb.files.services import store_bytes
from qlvb.signatures import pki, selectors, services
from qlvb.signatures.verification import verify_pdf


def _foreign_signed(pdf: bytes) -> bytes:
    """Signed by a CA nobody here trusts."""
    ca_key, ca_cert = pki.make_ca("Unknown CA")
    key, cert = pki.issue(ca_key, ca_cert, common_name="Người lạ")
    data = pki.to_pkcs12(key, cert, [ca_cert], "x", "x")
    signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=b"x")
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)),
                           signers.PdfSignatureMetadata(field_name="Sig"), signer=signer)
    return out.getvalue()


def test_report_include_in_vietnamese(org, keys, document_pdf):
    signed = services.sign_as_signer(document_pdf, by=Actor(org.head), certificate=keys.head,
                                     position_title="GIÁM ĐỐC", full_name=org.head.full_name)
    foreign = _foreign_signed(signed)
    reports = verify_pdf(foreign)
    assert [r.status for r in reports] == ["valid", "untrusted"]
    with translation.override("vi"):
        html = render_to_string("signatures/_report.html", {"reports": reports})
        empty = render_to_string("signatures/_report.html", {"reports": []})
    assert "Hợp lệ" in html and "Chưa được tin cậy" in html
    assert org.head.full_name in html and "Người lạ" in html
    assert "text-bg-success" in html and "text-bg-warning" in html
    assert "Chữ ký hợp lệ của Lò Văn Hùng" in html
    assert "Tệp này không có chữ ký số." in empty
    with translation.override("en"):
        assert "Valid" in render_to_string("signatures/_report.html", {"reports": reports})


def test_revoked_after_signing_is_flagged(org, keys, document_pdf):
    signed = services.sign_as_signer(document_pdf, by=Actor(org.head), certificate=keys.head,
                                     position_title="GIÁM ĐỐC", full_name=org.head.full_name)
    stored = store_bytes(signed, name="qd.pdf")
    (before,) = selectors.signature_reports(stored)
    assert before.ok
    services.revoke_certificate(by=Actor(org.admin), certificate=keys.head, reason="Lộ khóa")
    (after,) = selectors.signature_reports(stored)  # the cache follows revocations
    assert after.revoked and not after.ok and after.status == "untrusted"
    with translation.override("vi"):
        assert "thu hồi" in after.summary


def test_usable_certificates(org, keys):
    assert set(selectors.usable_certificates(org.clerk)) == {keys.agency}
    assert set(selectors.usable_certificates(org.head)) == {keys.head}
    assert not selectors.usable_certificates(org.specialist).exists()
