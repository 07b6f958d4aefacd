"""Secrecy (R7): nobody outside a secret document's people learns anything of it from any page,
export or count — the agency administrator included."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from qlvb.core.actor import Actor
from qlvb.incoming import services as incoming
from qlvb.incoming.tests.conftest import _media, fields, pdf_upload  # noqa: F401 - _media: files in tmp_path
from qlvb.outgoing import services as outgoing
from qlvb.outgoing.services import RecipientSpec
from qlvb.outgoing.tests.conftest import docx_upload, signing, submit_approve_and_sign  # noqa: F401 - signing: a fixture
from qlvb.registers.models import Register
from qlvb.registers.services import ensure_default_registers
from qlvb.signatures.demo import create_demo_pki_for
from qlvb.signatures.models import Certificate

pytestmark = pytest.mark.django_db

IN_SUMMARY = "Kế hoạch phòng thủ dân sự khu vực biên giới Sốp Cộp"
IN_DIRECTIVE = "Giao phòng CNTT chủ trì rà soát hạ tầng dự phòng"
IN_NOTE = "Đã kiểm tra trạm phát sóng dự phòng số bảy"
OUT_SUMMARY = "V/v phương án bảo đảm thông tin liên lạc trong tình huống khẩn cấp"
OUT_NOTATION_UNIT = "CNTT"
CLUES = [IN_SUMMARY, IN_DIRECTIVE, IN_NOTE, OUT_SUMMARY, "Sốp Cộp", "trạm phát sóng", "khẩn cấp"]


@pytest.fixture
def secret(org, signing):  # noqa: F811 - the fixture imported above
    ensure_default_registers(org.agency)
    register = Register.objects.get(agency=org.agency, direction=Register.Direction.INCOMING,
                                    category=Register.Category.SECRET)
    received = incoming.register_document(
        by=Actor(org.clerk), agency=org.agency, register=register,
        fields=fields(secrecy="mat", summary=IN_SUMMARY, number="77", notation="KH-BCH"),
        uploads=[pdf_upload(salt="secret")], presented_to=org.head)
    [task] = incoming.route(by=Actor(org.head), document=received, directive=IN_DIRECTIVE,
                            main=incoming.Target(person=org.unit_head))
    incoming.record_progress(by=Actor(org.unit_head), assignment=task, text=IN_NOTE)
    create_demo_pki_for(org.agency)
    draft = outgoing.create_draft(
        by=Actor(org.specialist), agency=org.agency, uploads=[docx_upload("Nội dung mật")],
        fields={"doc_type": "CV", "summary": OUT_SUMMARY, "field": signing, "secrecy": "mat"},
        recipients=[RecipientSpec(kind="paper", name="Bộ Chỉ huy quân sự tỉnh", address="Sơn La")])
    draft = submit_approve_and_sign(org, draft)
    sent = outgoing.issue(by=Actor(org.clerk), document=draft)
    sent.refresh_from_db()
    received.refresh_from_db()
    return received, sent


@pytest.fixture
def outsider(org):
    from conftest import make_person
    from qlvb.org import services as org_services

    person = make_person(org.agency, "sttt.cv2", "Hoàng Văn Sáng")
    org_services.assign_post(by=Actor(org.admin), person=person, unit=org.unit, position=org.positions["cv"])
    return person


def _xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)


def _leaks(text: str, received, sent) -> list[str]:
    clues = CLUES + [received.reference, sent.reference, f"#{received.pk}", f"#{sent.pk}",
                     f"/incoming/{received.pk}/", f"/outgoing/{sent.pk}/"]
    return [clue for clue in clues if clue in text]


def _audit_texts(client, **query) -> dict[str, str]:
    page = client.get("/audit/", query).content.decode()
    return {
        "page": page.split("<tbody>")[1] if query.get("target") else page,  # not the search box's echo
        "csv": client.get("/audit/", {**query, "format": "csv"}).content.decode("utf-8-sig"),
        "xlsx": _xlsx_text(client.get("/audit/", {**query, "format": "xlsx"}).content),
    }


def test_the_audit_log_tells_an_administrator_only_that_something_happened_on_a_secret_document(
        org, secret, login):
    received, sent = secret
    admin = login(org.admin)
    for fmt, text in _audit_texts(admin).items():
        assert not _leaks(text, received, sent), fmt
        assert "một văn bản mật" in text, fmt
    # The signatures applied when issuing name the document's reference in their reason: hidden too.
    csv_text = _audit_texts(admin)["csv"]
    assert "Ký văn bản" not in csv_text and "Phát hành văn bản" not in csv_text


def test_signatures_recorded_before_they_named_their_document_are_hidden_too(org, secret, login):
    """Signature events of an upgraded installation carry the document's reference in their reason
    only; the log finds the document by it."""
    from qlvb.core import events

    received, sent = secret
    certificate = Certificate.objects.get(person=org.deputy, is_active=True)
    events.record(verb="signatures.signed", actor=Actor(org.clerk), agency=org.agency, target=certificate,
                  data={"role": "signer", "reason": f"Ký văn bản {sent.reference}", "bytes": 1})
    admin = login(org.admin)
    for fmt, text in _audit_texts(admin).items():
        assert not _leaks(text, received, sent) and "Ký văn bản" not in text, fmt
    org.clerk.is_agency_admin = True
    org.clerk.save(update_fields=["is_agency_admin"])
    assert f"Ký văn bản {sent.reference}" in login(org.clerk).get("/audit/", {"format": "csv"}).content.decode(
        "utf-8-sig")


@pytest.mark.parametrize("words", ["Sốp Cộp", "phòng thủ", "khẩn cấp", "KH-BCH", "STTTT-CNTT", "Dự thảo"])
def test_searching_the_audit_log_by_object_finds_nothing_of_a_secret_document(org, secret, login, words):
    received, sent = secret
    admin = login(org.admin)
    for fmt, text in _audit_texts(admin, target=words).items():
        assert not _leaks(text, received, sent), fmt
        assert "một văn bản mật" not in text, fmt  # not even that a secret document matched
    assert "Không có sự kiện nào" in admin.get("/audit/", {"target": words}).content.decode() or words == "Dự thảo"


def test_an_ordinary_person_gets_nothing_from_the_audit_log(org, secret, login, outsider):
    received, sent = secret
    client = login(outsider)
    for query in ({}, {"target": "Sốp Cộp"}, {"format": "csv"}, {"format": "xlsx"}):
        response = client.get("/audit/", query)
        assert response.status_code == 404
        assert not _leaks(response.content.decode("utf-8", "replace"), received, sent)


def test_the_people_of_a_secret_document_still_see_it_in_the_audit_log(org, secret, login):
    """A clerk who is the agency's administrator: the secret incoming document she registered and
    the secret outgoing document she issued are hers to see."""
    received, sent = secret
    org.clerk.is_agency_admin = True
    org.clerk.save(update_fields=["is_agency_admin"])
    clerk = login(org.clerk)
    page = clerk.get("/audit/").content.decode()
    assert IN_SUMMARY in page and f'href="/incoming/{received.pk}/"' in page
    assert OUT_SUMMARY in page and f'href="/outgoing/{sent.pk}/"' in page
    assert IN_SUMMARY in clerk.get("/audit/", {"target": "Sốp Cộp"}).content.decode()
    csv_text = clerk.get("/audit/", {"format": "csv"}).content.decode("utf-8-sig")
    assert IN_DIRECTIVE in csv_text and IN_NOTE in csv_text and f"Ký văn bản {sent.reference}" in csv_text


def test_registers_do_not_count_secret_documents_for_those_who_may_not_see_them(org, secret, login):
    received, sent = secret
    secret_registers = {received.register_id, sent.register_id}
    assert Register.objects.filter(pk__in=secret_registers, category=Register.Category.SECRET).count() == 2

    def counts(client) -> dict[str, str]:
        import re

        page = client.get("/registers/").content.decode()
        rows = re.findall(r"<tr data-register=\"\d+\"[^>]*><td>(.*?)(?:<span|<div|</td>).*?"
                          r"<td class=\"text-end\">(.*?)</td>", page, re.S)
        return {name.strip(): re.sub(r"<[^>]+>", "", value).strip() for name, value in rows}

    shown = counts(login(org.admin))
    assert shown["Sổ văn bản đến mật"] == "—" and shown["Sổ văn bản đi mật"] == "—"
    assert shown["Sổ văn bản đến"] == "0"
    org.clerk.is_agency_admin = True
    org.clerk.save(update_fields=["is_agency_admin"])
    shown = counts(login(org.clerk))  # she keeps the secret registers
    assert shown["Sổ văn bản đến mật"] == "1" and shown["Sổ văn bản đi mật"] == "1"


def test_an_ordinary_person_sees_no_registers(org, secret, login, outsider):
    assert login(outsider).get("/registers/").status_code == 404


def _no_store(response) -> bool:
    return response.status_code == 200 and "no-store" in response.get("Cache-Control", "")


def test_pages_files_and_api_answers_of_secret_documents_are_not_stored(org, secret, login):
    received, sent = secret
    incoming_file = received.files.get()
    attachment_urls = [f"/outgoing/{sent.pk}/issued/view/", f"/outgoing/{sent.pk}/versions/1/download/"]
    clerk = login(org.clerk)  # registered the one, issued the other
    urls = [f"/incoming/{received.pk}/", f"/incoming/{received.pk}/files/{incoming_file.pk}/view/",
            f"/incoming/{received.pk}/files/{incoming_file.pk}/download/", f"/incoming/print/{received.pk}/slip.pdf",
            f"/outgoing/{sent.pk}/", *attachment_urls,
            f"/api/v1/incoming/documents/{received.pk}/", f"/api/v1/outgoing/documents/{sent.pk}/",
            f"/api/v1/outgoing/documents/{sent.pk}/issued-file/", "/api/v1/outgoing/documents/?list=issued",
            "/api/v1/incoming/documents/?list=all", "/incoming/list/all/", "/outgoing/list/issued/"]
    for url in urls:
        assert _no_store(clerk.get(url)), url


def test_pages_of_ordinary_documents_may_still_be_cached_by_the_browser(org, login):
    ensure_default_registers(org.agency)
    register = Register.objects.get(agency=org.agency, direction=Register.Direction.INCOMING,
                                    category=Register.Category.ORDINARY)
    received = incoming.register_document(by=Actor(org.clerk), agency=org.agency, register=register,
                                          fields=fields(), uploads=[pdf_upload()], presented_to=org.head)
    clerk = login(org.clerk)
    stored = received.files.get()
    for url in (f"/incoming/{received.pk}/", f"/incoming/{received.pk}/files/{stored.pk}/view/",
                f"/api/v1/incoming/documents/{received.pk}/", "/incoming/list/all/",
                "/api/v1/incoming/documents/?list=all"):
        response = clerk.get(url)
        assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", ""), url
