"""The outgoing-documents REST API: drafting, the review loop, signing and issuing through tokens,
scoping, bad input and the schema."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qlvb.accounts.services import create_api_token
from qlvb.core.actor import Actor
from qlvb.files.models import StoredFile
from qlvb.incoming.tests.conftest import pdf_upload
from qlvb.outgoing import services
from qlvb.outgoing.models import Delivery, OutgoingDocument, Recipient
from qlvb.outgoing.tests.conftest import docx_upload
from qlvb.signatures.demo import create_demo_pki_for
from qlvb.signatures.models import Certificate

API = "/api/v1/outgoing/"
REQUIRED_VI = "Trường này là bắt buộc."
SUMMARY = "V/v báo cáo tình hình ứng dụng CNTT năm 2026"


@pytest.fixture
def pki(org):
    return create_demo_pki_for(org.agency)


def _auth(person):
    _token, key = create_api_token(person=person, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _create(client, auth, **extra):
    data: dict[str, Any] = {"doc_type": "CV", "summary": SUMMARY}
    data.setdefault("upload", docx_upload())
    data.update(extra)
    return client.post(f"{API}documents/", {k: v for k, v in data.items() if v is not None}, **auth)


def _post(client, auth, url, data=None):
    return client.post(f"{API}{url}", data or {}, content_type="application/json", **auth)


def _ids(client, auth, list_name="mine"):
    response = client.get(f"{API}documents/", {"list": list_name}, **auth)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _detail(client, auth, doc_id):
    response = client.get(f"{API}documents/{doc_id}/", **auth)
    assert response.status_code == 200, response.content
    return response.json()


def _counts(client, auth):
    return client.get(f"{API}counts/", **auth).json()


def _blobs():
    root = settings.MEDIA_ROOT
    return [name for _dir, _subdirs, names in os.walk(root) for name in names] if os.path.isdir(root) else []


def _content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_schema_documents_the_outgoing_endpoints(db):
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = out.getvalue()
    for path in ["documents/", "documents/{id}/", "documents/{id}/update/", "documents/{id}/versions/",
                 "documents/{id}/submit/", "documents/{id}/approve/", "documents/{id}/return/",
                 "documents/{id}/sign/", "documents/{id}/issue/", "documents/{id}/draft-file/",
                 "documents/{id}/versions/{number}/", "documents/{id}/issued-file/",
                 "documents/{id}/attachments/{attachment_id}/", "counts/"]:
        assert f"/api/v1/outgoing/{path}:" in schema, path
    assert "OutgoingStatusEnum" in schema and "OutgoingDocumentDetail" in schema


def test_full_flow_through_the_api(org, other_org, signing, pki, client):
    specialist, unit_head, clerk, deputy = (_auth(p) for p in (org.specialist, org.unit_head, org.clerk, org.deputy))

    # The specialist drafts a Công văn with its DOCX, an attachment and recipients of every kind.
    response = _create(client, specialist, field=str(signing.pk), attachments=[pdf_upload("phu-luc.pdf")],
                       agencies=[str(other_org.agency.pk)], units=[str(org.office.pk)],
                       people=[str(org.unit_head.pk)], paper=["Báo Sơn La | Sơn La"])
    assert response.status_code == 201, response.content
    body = response.json()
    doc_id = body["id"]
    assert body["status"] == "draft" and body["reference"] == "Dự thảo" and body["number"] is None
    assert body["drafting_unit"] == {"id": org.unit.pk, "name": org.unit.name}
    assert body["field"]["id"] == signing.pk and body["doc_type_name"] == "Công văn"
    assert sorted((r["kind"], r["name"]) for r in body["recipients"]) == sorted([
        ("agency", other_org.agency.name), ("unit", "Văn phòng"), ("person", org.unit_head.full_name),
        ("paper", "Báo Sơn La")])
    assert [r["address"] for r in body["recipients"] if r["kind"] == "paper"] == ["Sơn La"]
    [version] = body["versions"]
    assert version["number"] == 1 and version["kind"] == "docx" and version["role"] == "drafter"
    [attachment] = body["attachments"]
    assert attachment["kind"] == "pdf" and attachment["signed"] is False
    assert body["can_edit"] and body["can_submit"] and body["can_add_version"]
    assert not (body["can_review"] or body["can_sign"] or body["can_issue"]) and body["issued_file_url"] is None
    assert {p["id"] for p in body["signers"]} == {org.head.pk, org.deputy.pk}
    assert _ids(client, specialist) == [doc_id]
    download = client.get(version["url"], **specialist)
    assert download.status_code == 200 and _content(download)[:2] == b"PK"
    assert client.get(f"{API}documents/{doc_id}/draft-file/", **specialist).status_code == 200
    assert client.get(attachment["url"], **specialist).status_code == 200
    assert client.get(f"{API}documents/{doc_id}/", **unit_head).status_code == 404  # not submitted yet

    # The drafter changes a field; the recipients stay.
    response = _post(client, specialist, f"documents/{doc_id}/update/", {"copies": 3, "urgency": "khan"})
    assert response.status_code == 200, response.content
    assert response.json()["copies"] == 3 and response.json()["is_urgent"] and len(response.json()["recipients"]) == 4

    # Submitted for the deputy: unit head → office (the clerk) → deputy.
    response = _post(client, specialist, f"documents/{doc_id}/submit/", {"signer": org.deputy.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "in_review" and body["signer"]["id"] == org.deputy.pk and body["signing_capacity"] == "KT"
    assert [(s["kind"], s["reviewer"]["id"], s["state"]) for s in body["steps"]] == [
        ("unit_head", org.unit_head.pk, "pending"), ("office", org.clerk.pk, "waiting"),
        ("signer", org.deputy.pk, "waiting")]
    assert body["steps"][0]["due_date"] and not body["can_submit"]
    assert _ids(client, unit_head, "to_review") == [doc_id] and _counts(client, unit_head)["to_review"] == 1
    assert _ids(client, clerk, "to_review") == []
    assert _detail(client, unit_head, doc_id)["can_review"] is True

    # The unit head returns it; the specialist adds a version and submits again.
    response = _post(client, unit_head, f"documents/{doc_id}/return/", {"opinion": "Bổ sung số liệu quý IV"})
    assert response.status_code == 200 and response.json()["status"] == "returned"
    assert response.json()["steps"][0]["opinion"] == "Bổ sung số liệu quý IV"
    assert _ids(client, unit_head, "to_review") == [] and _counts(client, unit_head)["to_review"] == 0
    assert _detail(client, specialist, doc_id)["can_submit"] is True
    response = client.post(f"{API}documents/{doc_id}/versions/",
                           {"upload": docx_upload("Đã bổ sung số liệu quý IV"), "comment": "Bổ sung số liệu"},
                           **specialist)
    assert response.status_code == 201, response.content
    assert [(v["number"], v["comment"]) for v in response.json()["versions"]] == [
        (1, "Dự thảo đầu tiên"), (2, "Bổ sung số liệu")]
    assert _post(client, specialist, f"documents/{doc_id}/submit/", {"signer": org.deputy.pk}).status_code == 200

    # Unit head, office and the deputy approve.
    response = _post(client, unit_head, f"documents/{doc_id}/approve/",
                     {"opinion": "Đồng ý", "disagreement": "Số liệu chưa thống nhất với Văn phòng"})
    assert response.status_code == 200, response.content
    assert _ids(client, clerk, "to_review") == [doc_id]
    assert _post(client, clerk, f"documents/{doc_id}/approve/", {"opinion": "Đúng thể thức"}).status_code == 200
    assert _ids(client, deputy, "to_sign") == [doc_id] and _counts(client, deputy)["to_sign"] == 1
    response = _post(client, deputy, f"documents/{doc_id}/approve/", {"opinion": "Đồng ý ban hành"})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    steps = [s for s in response.json()["steps"] if s["state"] != "superseded"]
    assert [s["state"] for s in steps][-3:] == ["approved"] * 3
    assert any(s["disagreement"] for s in steps)
    detail = _detail(client, deputy, doc_id)
    assert detail["can_sign"] and not detail["can_review"]
    assert _ids(client, deputy, "to_sign") == [doc_id]  # approved, now to sign

    # The deputy signs; the clerk issues.
    certificate = Certificate.objects.get(person=org.deputy, is_active=True)
    response = _post(client, deputy, f"documents/{doc_id}/sign/", {"certificate": certificate.pk, "secret": ""})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "signed" and not response.json()["can_sign"]
    assert _ids(client, deputy, "to_sign") == []
    assert _ids(client, clerk, "to_issue") == [doc_id] and _counts(client, clerk)["to_issue"] == 1
    assert _detail(client, clerk, doc_id)["can_issue"] is True
    assert _post(client, specialist, f"documents/{doc_id}/issue/").status_code == 404  # not a clerk
    response = _post(client, clerk, f"documents/{doc_id}/issue/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "issued" and body["number"] == 1 and body["reference"] == "01/STTTT-CNTT"
    assert body["notation"] == "STTTT-CNTT" and body["issued_at"] and body["issued_by"]["id"] == org.clerk.pk
    assert body["register"]["id"] and body["attachments"][0]["signed"] is True and not body["can_issue"]
    assert _ids(client, clerk, "to_issue") == [] and _counts(client, clerk)["to_issue"] == 0

    # The issued PDF downloads, for the drafter and an internal recipient.
    issued = client.get(body["issued_file_url"], **specialist)
    assert issued.status_code == 200 and _content(issued).startswith(b"%PDF")
    assert "01-STTTT-CNTT.pdf" in issued["Content-Disposition"]
    assert client.get(f"{API}documents/{doc_id}/issued-file/", **unit_head).status_code == 200
    assert _ids(client, unit_head, "received") == [doc_id]
    assert _ids(client, specialist) == [] and _ids(client, specialist, "issued") == [doc_id]
    assert Delivery.objects.filter(document_id=doc_id, recipient_agency=other_org.agency).exists()


def test_signer_returns_to_the_previous_reviewer(org, draft, client):
    services.submit(by=Actor(org.specialist), document=draft, signer=org.deputy)
    for person in (org.unit_head, org.clerk):
        services.approve(by=Actor(person), document=draft)
    response = _post(client, _auth(org.deputy), f"documents/{draft.pk}/return/",
                     {"opinion": "Văn phòng kiểm tra lại thể thức", "to": "previous"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_review"
    assert _ids(client, _auth(org.clerk), "to_review") == [draft.pk]


def test_others_get_404_on_the_document_and_its_files(org, other_org, draft, client):
    url = f"{API}documents/{draft.pk}/"
    attachment = services.create_draft(
        by=Actor(org.specialist), agency=org.agency, fields={"doc_type": "CV", "summary": SUMMARY},
        uploads=[docx_upload()], attachments=[pdf_upload("phu-luc.pdf")]).attachments.get()
    own = _auth(org.specialist)
    assert client.get(url, **own).status_code == 200
    assert client.get(f"{API}documents/{attachment.document_id}/attachments/{attachment.pk}/", **own).status_code == 200
    assert client.get(f"{url}issued-file/", **own).status_code == 404  # not issued yet
    assert client.get(f"{url}versions/9/", **own).status_code == 404
    assert client.get(f"{API}documents/abc/", **own).status_code == 404
    # org.admin is a specialist of the same unit, not involved.
    for person in (other_org.head, other_org.clerk, other_org.specialist, org.admin, org.unit_head):
        auth = _auth(person)
        assert client.get(url, **auth).status_code == 404, person
        assert client.get(f"{url}draft-file/", **auth).status_code == 404
        assert client.get(f"{url}versions/1/", **auth).status_code == 404
        assert client.get(f"{API}documents/{attachment.document_id}/attachments/{attachment.pk}/",
                          **auth).status_code == 404
        assert _post(client, auth, f"documents/{draft.pk}/update/", {"summary": "x"}).status_code == 404
        assert _post(client, auth, f"documents/{draft.pk}/submit/", {"signer": org.head.pk}).status_code == 404
        assert _post(client, auth, f"documents/{draft.pk}/approve/").status_code == 404
        assert draft.pk not in _ids(client, auth) and draft.pk not in _ids(client, auth, "to_review")
    # Visible, but not theirs to act on: the head watches the agency's drafts.
    head = _auth(org.head)
    assert client.get(url, **head).status_code == 200
    assert _post(client, head, f"documents/{draft.pk}/submit/", {"signer": org.head.pk}).status_code == 404
    assert _post(client, head, f"documents/{draft.pk}/approve/").status_code == 404
    response = client.post(f"{url}versions/", {"upload": docx_upload()}, **head)
    assert response.status_code == 404
    assert draft.versions.count() == 1 and not draft.steps.exists()


def test_bad_input_creates_nothing(org, other_org, signing, client):
    specialist = _auth(org.specialist)
    response = _create(client, specialist, summary=None)
    assert response.status_code == 400 and response.json()["summary"] == [REQUIRED_VI]
    assert response["Content-Language"] == "vi"
    response = _create(client, specialist, summary="Công văn")  # the service's own check
    assert response.status_code == 400 and list(response.json()) == ["summary"]
    response = _create(client, specialist, upload=SimpleUploadedFile("du-thao.docx", b"not a docx"))
    assert response.status_code == 400 and list(response.json()) == ["upload"]
    response = _create(client, specialist, upload=pdf_upload(), attachments=[pdf_upload("a.pdf")],
                       secrecy="mat", agencies=[str(other_org.agency.pk)])
    assert response.status_code == 400 and "không gửi qua mạng" in response.json()["recipients"][0]
    response = _create(client, specialist, units=[str(other_org.unit.pk)])
    assert response.status_code == 400 and "units" in response.json()
    response = _create(client, specialist, drafting_unit=str(org.office.pk))  # not one of theirs
    assert response.status_code == 400 and "drafting_unit" in response.json()
    response = _create(client, specialist, reply_to="999999")
    assert response.status_code == 400 and response.json()["reply_to"] == ["Không có văn bản đến này."]
    assert not OutgoingDocument.objects.exists() and not Recipient.objects.exists()
    assert not StoredFile.objects.exists() and _blobs() == []
    assert client.get(f"{API}documents/", {"list": "nope"}, **specialist).status_code == 400
    assert client.get(f"{API}documents/").status_code in (401, 403)


def test_bad_input_on_actions_changes_nothing(org, other_org, draft, pki, client):
    specialist, unit_head, deputy = _auth(org.specialist), _auth(org.unit_head), _auth(org.deputy)
    url = f"documents/{draft.pk}/"
    response = _post(client, specialist, f"{url}update/", {"secrecy": "mat", "agencies": [other_org.agency.pk]})
    assert response.status_code == 400 and "recipients" in response.json()
    response = _post(client, specialist, f"{url}update/", {"summary": ""})
    assert response.status_code == 400 and "summary" in response.json()
    draft.refresh_from_db()
    assert draft.secrecy == "" and draft.summary == SUMMARY and not draft.recipients.exists()
    response = _post(client, specialist, f"{url}update/", {"units": [org.office.pk], "paper": ["Báo Sơn La"]})
    assert response.status_code == 200, response.content
    assert sorted(r["kind"] for r in response.json()["recipients"]) == ["paper", "unit"]
    assert response.json()["summary"] == SUMMARY
    response = _post(client, specialist, f"{url}submit/", {"signer": org.unit_head.pk})  # may not sign a CV
    assert response.status_code == 400 and "signer" in response.json()
    assert _post(client, specialist, f"{url}submit/", {}).json()["signer"] == [REQUIRED_VI]
    response = client.post(f"{API}{url}versions/", {"upload": SimpleUploadedFile("v2.docx", b"nope")}, **specialist)
    assert response.status_code == 400 and "upload" in response.json()
    assert not draft.steps.exists() and draft.versions.count() == 1
    assert _post(client, specialist, f"{url}submit/", {"signer": org.deputy.pk}).status_code == 200
    response = _post(client, unit_head, f"{url}return/", {"opinion": " "})
    assert response.status_code == 400 and "opinion" in response.json()
    assert _post(client, unit_head, f"{url}return/", {"opinion": "x", "to": "nowhere"}).status_code == 400
    for person in (org.unit_head, org.clerk, org.deputy):
        assert _post(client, _auth(person), f"{url}approve/").status_code == 200
    other_certificate = Certificate.objects.get(person=org.head, is_active=True)
    response = _post(client, deputy, f"{url}sign/", {"certificate": other_certificate.pk})
    assert response.status_code == 400 and "certificate" in response.json()
    response = _post(client, _auth(org.clerk), f"{url}issue/")  # the office checker sees it, but not signed yet
    assert response.status_code == 400 and "non_field_errors" in response.json()
    certificate = Certificate.objects.get(person=org.deputy, is_active=True)
    response = _post(client, _auth(org.head), f"{url}sign/", {"certificate": other_certificate.pk})
    assert response.status_code == 404  # not the signer
    assert _post(client, deputy, f"{url}sign/", {"certificate": certificate.pk}).status_code == 200
    response = _post(client, _auth(org.clerk), f"{url}issue/", {"register": 999999})
    assert response.status_code == 400 and "register" in response.json()
    draft.refresh_from_db()
    assert draft.status == OutgoingDocument.Status.SIGNED and draft.number is None


def test_list_query_count_does_not_grow(org, signing, client):
    def queries(person, list_name):
        auth = _auth(person)  # a fresh token: its first use is recorded each time
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{API}documents/", {"list": list_name}, **auth)
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    def add(n):
        for _ in range(n):
            doc = services.create_draft(by=Actor(org.specialist), agency=org.agency,
                                        fields={"doc_type": "CV", "summary": SUMMARY, "field": signing},
                                        uploads=[docx_upload()])
            services.submit(by=Actor(org.specialist), document=doc, signer=org.deputy)

    add(2)
    few = queries(org.specialist, "mine"), queries(org.unit_head, "to_review"), queries(org.head, "overdue_reviews")
    add(6)
    many = queries(org.specialist, "mine"), queries(org.unit_head, "to_review"), queries(org.head, "overdue_reviews")
    assert [count for _, count in few] == [2, 2, 0] and [count for _, count in many] == [8, 8, 0]
    assert [n for n, _ in few] == [n for n, _ in many]


def test_opening_a_secret_draft_is_logged_on_the_page_and_in_the_api(org, signing, login):
    from qlvb.core.models import Event

    fields = {"doc_type": "CV", "summary": "V/v bảo vệ bí mật nhà nước năm 2026", "field": signing}
    secret = services.create_draft(by=Actor(org.specialist), agency=org.agency, uploads=[docx_upload()],
                                   fields={**fields, "secrecy": "mat"})
    ordinary = services.create_draft(by=Actor(org.specialist), agency=org.agency, uploads=[docx_upload()],
                                     fields=fields)
    client = login(org.specialist)
    for doc in (secret, ordinary):
        assert client.get(f"/outgoing/{doc.pk}/").status_code == 200
        assert client.get(f"/api/v1/outgoing/documents/{doc.pk}/", **_auth(org.specialist)).status_code == 200
    opened = Event.objects.filter(verb="outgoing.secret_opened", actor=org.specialist)
    assert sorted(opened.values_list("target_id", flat=True)) == [str(secret.pk)] * 2
