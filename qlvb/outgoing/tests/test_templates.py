"""Drafting starts from the agency's templates per document type in the NĐ30 layout; a draft made
from a template has its header and footer filled from the data; the administrator manages them;
and a document drafted from the built-in layout is issued with its number and date in place."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.files import convert
from qlvb.files.services import read_stored
from qlvb.outgoing import drafting, layout, services
from qlvb.outgoing.models import DraftTemplate
from qlvb.outgoing.services import RecipientSpec
from qlvb.outgoing.tests.conftest import submit_approve_and_sign
from qlvb.outgoing.tests.test_marks import DOCX_TYPE, _docx


def _lines(docx: bytes) -> list[str]:
    return [line for line in convert.extract_text(docx, "docx").splitlines() if line.strip()]


def test_the_built_in_layout_has_every_part_of_nd30():
    letter = _lines(layout.nd30_docx("CV"))
    assert letter[:2] == ["{{co_quan_chu_quan}}", "{{co_quan}}"]
    for part in ("Số: {{so_ky_hieu}}", "V/v {{trich_yeu}}", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "{{ngay_thang}}", "Kính gửi: {{kinh_gui}}", "Nơi nhận:",
                 "{{noi_nhan}}", "{{ky_hieu_nguoi_soan}}"):
        assert part in letter, part
    decision = _lines(layout.nd30_docx("QĐ"))
    assert "{{ten_loai}}" in decision and "V/v {{trich_yeu}}" not in decision


def test_a_draft_from_the_template_has_its_header_and_footer_filled(org, signing, other_org):
    recipients = [RecipientSpec(kind="agency", agency=other_org.agency, name=other_org.agency.name)]
    upload = drafting.draft_from_template(agency=org.agency, drafter=org.specialist, doc_type="CV",
                                          summary="V/v báo cáo tình hình ứng dụng CNTT", copies=5,
                                          recipients=recipients, unit=org.unit)
    lines = _lines(upload.read())
    assert org.agency.name.upper() in lines
    assert "V/v báo cáo tình hình ứng dụng CNTT" in lines  # "V/v" written once
    assert f"Kính gửi: {other_org.agency.name}." in lines
    assert f"- {other_org.agency.name};" in lines and f"- Lưu: VT, {org.unit.abbreviation}." in lines
    assert f"{drafting.initials(org.specialist.full_name)}.05" in lines
    assert "Số: {{so_ky_hieu}}" in lines and "{{ngay_thang}}" in lines  # left for issuing


def test_the_administrator_manages_the_templates(org, login):
    template = SimpleUploadedFile("mau-qd.docx", _docx("{{co_quan}}", "Số: {{so_ky_hieu}}", "{{ngay_thang}}",
                                                       "QUYẾT ĐỊNH RIÊNG CỦA SỞ"), content_type=DOCX_TYPE)
    with pytest.raises(NotAllowed):
        drafting.save_template(by=Actor(org.clerk), agency=org.agency, doc_type="QĐ", name="Mẫu QĐ", upload=template)
    without = SimpleUploadedFile("x.docx", _docx("Không có trường số"), content_type=DOCX_TYPE)
    with pytest.raises(ValidationError):
        drafting.save_template(by=Actor(org.admin), agency=org.agency, doc_type="QĐ", name="Mẫu", upload=without)
    saved = drafting.save_template(by=Actor(org.admin), agency=org.agency, doc_type="QĐ", name="Mẫu QĐ",
                                   upload=template)
    assert drafting.template_for(org.agency, "QĐ") == saved and drafting.template_for(org.agency, "CV") is None
    upload = drafting.draft_from_template(agency=org.agency, drafter=org.specialist, doc_type="QĐ",
                                          summary="Quyết định về việc ban hành quy chế", copies=1,
                                          recipients=[], unit=org.unit)
    assert "QUYẾT ĐỊNH RIÊNG CỦA SỞ" in _lines(upload.read())
    # Pages: the administrator sees them and the built-in layouts; a clerk gets 404.
    assert login(org.clerk).get("/outgoing/templates/").status_code == 404
    admin = login(org.admin)
    page = admin.get("/outgoing/templates/").content.decode()
    assert "Mẫu QĐ" in page and "/outgoing/templates/built-in/" in page
    assert admin.get("/outgoing/templates/built-in/CV.docx")["Content-Type"] == DOCX_TYPE
    admin.post(f"/outgoing/templates/{saved.pk}/retire/")
    assert not DraftTemplate.objects.get(pk=saved.pk).is_active and drafting.template_for(org.agency, "QĐ") is None


def test_a_draft_started_from_the_template_is_issued_with_its_number_date_and_header(org, other_org, signing,
                                                                                     login):
    from pypdf import PdfReader

    from qlvb.outgoing.models import OutgoingDocument
    from qlvb.signatures.demo import create_demo_pki_for

    create_demo_pki_for(org.agency)
    client = login(org.specialist)
    response = client.post("/outgoing/new/", {
        "doc_type": "CV", "summary": "V/v báo cáo tình hình ứng dụng CNTT năm 2026", "drafting_unit": org.unit.pk,
        "field": signing.pk, "agencies": [other_org.agency.pk], "copies": 2, "from_template": "on"})
    assert response.status_code == 302
    doc = OutgoingDocument.objects.get(summary="V/v báo cáo tình hình ứng dụng CNTT năm 2026")
    assert doc.versions.count() == 1
    submit_approve_and_sign(org, doc)
    services.issue(by=Actor(org.clerk), document=doc)
    doc.refresh_from_db()
    assert doc.issued_file is not None
    pdf = read_stored(doc.issued_file)
    text = re.sub(r"\s+", " ", "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages))
    assert f"Số: {doc.reference}" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "{{" not in text
