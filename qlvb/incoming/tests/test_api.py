"""The incoming-documents REST API: scoping, registration, routing and handling through tokens."""

from __future__ import annotations

import io
import os
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qlvb.accounts.services import create_api_token
from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.dossiers.services import create_dossier
from qlvb.files.models import StoredFile
from qlvb.incoming import services
from qlvb.incoming.models import Assignment, HandlingNote, IncomingDocument
from qlvb.incoming.services import Target
from qlvb.incoming.tests.conftest import future, pdf_upload

API = "/api/v1/incoming/"
REQUIRED_VI = "Trường này là bắt buộc."


def _auth(person):
    _token, key = create_api_token(person=person, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _form(**extra):
    data = {
        "issuer_name": "Ủy ban nhân dân tỉnh Sơn La", "issuer_code": "000.00.00.H51", "number": "15",
        "notation": "QĐ-UBND", "document_date": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "doc_type": "QĐ", "summary": "Quyết định ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh",
    }
    data.update(extra)
    return data


def _register(client, auth, **extra):
    extra.setdefault("files", [pdf_upload(salt=str(extra.get("number", "")))])
    return client.post(f"{API}documents/", _form(**extra), **auth)


def _post(client, auth, url, data):
    return client.post(f"{API}{url}", data, content_type="application/json", **auth)


def _ids(client, auth, list_name="all"):
    response = client.get(f"{API}documents/", {"list": list_name}, **auth)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _blobs():
    root = settings.MEDIA_ROOT
    return [name for _dir, _subdirs, names in os.walk(root) for name in names] if os.path.isdir(root) else []


def test_schema_documents_the_incoming_endpoints(db):
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = out.getvalue()
    for path in ["documents/", "documents/{id}/", "documents/{id}/route/", "documents/{id}/progress/",
                 "documents/{id}/contribute/", "documents/{id}/read/", "documents/{id}/complete/",
                 "documents/{id}/reopen/", "assignments/{id}/withdraw/", "assignments/{id}/deadline/", "counts/"]:
        assert f"/api/v1/incoming/{path}:" in schema, path
    assert "IncomingStatusEnum" in schema and "multipart/form-data" in schema


def test_list_is_scoped_to_the_caller(org, other_org, register_doc, client):
    doc = register_doc()
    secret = register_doc(secrecy="mat")
    head = _auth(org.head)
    assert set(_ids(client, head)) == {doc.pk, secret.pk}
    assert set(_ids(client, head, "to_route")) == {doc.pk, secret.pk}
    assert _ids(client, _auth(org.deputy)) == [doc.pk]  # a leader, but the secret one was not presented to them
    assert _ids(client, _auth(other_org.head)) == [] and _ids(client, _auth(other_org.clerk)) == []
    specialist = _auth(org.specialist)
    assert _ids(client, specialist) == []
    assert client.get(f"{API}documents/{doc.pk}/", **specialist).status_code == 404

    services.route(by=Actor(org.head), document=doc, main=Target(person=org.specialist), deadline=future())
    services.route(by=Actor(org.head), document=secret, main=Target(unit=org.unit), deadline=future())
    rows = client.get(f"{API}documents/", {"list": "to_handle"}, **specialist).json()["results"]
    assert [r["id"] for r in rows] == [doc.pk]
    row = rows[0]
    assert row["my_assignment"]["role"] == "main" and row["my_assignment"]["state"] == "pending"
    assert row["my_assignment"]["deadline"] == future().isoformat()
    assert row["register"]["name"] and row["presented_to"] == {"id": org.head.pk, "name": org.head.full_name}
    assert row["reference"] == f"{doc.number}/QĐ-UBND" and row["doc_type_name"] == "Quyết định"
    assert secret.pk not in _ids(client, specialist)  # secret: only the unit's heads
    assert secret.pk in _ids(client, _auth(org.unit_head), "to_handle")
    assert secret.pk not in _ids(client, _auth(org.deputy))
    # Secret documents: opening one is recorded; others get 404.
    assert client.get(f"{API}documents/{secret.pk}/", **_auth(org.unit_head)).status_code == 200
    assert Event.objects.filter(verb="incoming.secret_opened", target_id=str(secret.pk), actor=org.unit_head).exists()
    assert client.get(f"{API}documents/{secret.pk}/", **_auth(org.deputy)).status_code == 404
    # Filters and bad parameters.
    assert _ids(client, head) == sorted([doc.pk, secret.pk], reverse=True)
    assert client.get(f"{API}documents/", {"q": doc.number}, **head).json()["count"] == 1
    assert client.get(f"{API}documents/", {"doc_type": "CV"}, **head).json()["count"] == 0
    assert client.get(f"{API}documents/", {"list": "nope"}, **head).status_code == 400
    assert client.get(f"{API}documents/").status_code in (401, 403)


def test_registration_with_a_pdf(org, registers, client, login):
    response = _register(client, _auth(org.clerk), urgency="khan", pages="2")
    assert response.status_code == 201, response.content
    body = response.json()
    doc = IncomingDocument.objects.get(pk=body["id"])
    assert body["arrival_number"] == doc.arrival_number == 1 and body["arrival_year"] == timezone.localdate().year
    assert body["status"] == "registered" and body["register"]["id"] == registers["ordinary"].pk
    assert body["presented_to"]["id"] == org.head.pk and body["is_urgent"] and body["urgency"] == "khan"
    [item] = body["files"]
    assert item["kind"] == "pdf" and item["page_count"] == 2 and item["role"] == "main" and item["size"] > 0
    assert item["url"].endswith(f"/incoming/{doc.pk}/files/{item['id']}/download/")
    assert login(org.clerk).get(item["url"]).status_code == 200
    assert Event.objects.filter(verb="incoming.registered", target_id=str(doc.pk), actor=org.clerk).exists()
    assert client.get(f"{API}counts/", **_auth(org.head)).json()["to_route"] == 1

    # Presented to a chosen leader, with an attachment, into the secret register by secrecy.
    response = _register(client, _auth(org.clerk), number="16", secrecy="mat", presented_to=str(org.deputy.pk),
                         attachments=[pdf_upload("phu-luc.pdf", pages=1, salt="att")])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["register"]["id"] == registers["secret"].pk and body["arrival_number"] == 1
    assert body["presented_to"]["id"] == org.deputy.pk
    assert sorted(f["role"] for f in body["files"]) == ["attachment", "main"]


def test_duplicate_is_refused_until_confirmed(org, registers, client):
    clerk = _auth(org.clerk)
    first = _register(client, clerk)
    assert first.status_code == 201
    response = _register(client, clerk, notation="qđ-ubnd ")  # the same, typed differently
    assert response.status_code == 409, response.content
    duplicates = response.json()["duplicates"]
    assert duplicates == [{**duplicates[0], "id": first.json()["id"], "reference": "15/QĐ-UBND", "arrival_number": 1}]
    assert IncomingDocument.objects.count() == 1
    response = _register(client, clerk, notation="qđ-ubnd", confirm_duplicate="true")
    assert response.status_code == 201 and response.json()["arrival_number"] == 2


def test_bad_input_creates_nothing(org, other_org, registers, client):
    clerk = _auth(org.clerk)
    data = {**_form(), "files": [pdf_upload()]}
    del data["document_date"]
    response = client.post(f"{API}documents/", data, **clerk)
    assert response.status_code == 400 and response.json()["document_date"] == [REQUIRED_VI]
    assert response["Content-Language"] == "vi"
    response = client.post(f"{API}documents/", _form(), **clerk)  # no file
    assert response.status_code == 400 and list(response.json()) == ["files"]
    response = _register(client, clerk, summary="Quyết định")  # the service's own check, after the upload
    assert response.status_code == 400 and list(response.json()) == ["summary"]
    response = _register(client, clerk, files=[SimpleUploadedFile("x.pdf", b"not a pdf")])
    assert response.status_code == 400 and "files" in response.json()
    response = _register(client, clerk, presented_to=str(org.specialist.pk))  # not a leader
    assert response.status_code == 400 and "presented_to" in response.json()
    response = _register(client, clerk, register=str(other_org.agency.pk * 1000))
    assert response.status_code == 400 and "register" in response.json()
    response = _register(client, clerk, secrecy="mat", register=str(registers["ordinary"].pk))
    assert response.status_code == 400 and "register" in response.json()
    assert _register(client, _auth(org.specialist)).status_code == 404  # not a clerk
    assert _register(client, _auth(other_org.head)).status_code == 404
    assert not IncomingDocument.objects.exists() and not StoredFile.objects.exists() and _blobs() == []


def test_draft_is_kept_without_a_number(org, registers, client):
    clerk = _auth(org.clerk)
    response = client.post(f"{API}documents/", _form(save_as_draft="true"), **clerk)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["arrival_number"] is None and body["files"] == []
    assert _ids(client, clerk, "drafts") == [body["id"]] and _ids(client, clerk) == []
    assert client.get(f"{API}counts/", **clerk).json()["drafts"] == 1
    assert _ids(client, _auth(org.head)) == []


def test_full_flow_through_the_api(org, registers, client):
    clerk, head, unit_head, specialist = (_auth(p) for p in (org.clerk, org.head, org.unit_head, org.specialist))
    deputy = _auth(org.deputy)
    doc_id = _register(client, clerk).json()["id"]
    assert _ids(client, head, "to_route") == [doc_id]
    assert client.get(f"{API}documents/{doc_id}/", **head).json()["can_route"] is True

    # The head routes: Phòng CNTT handles, Văn phòng coordinates, the deputy is informed.
    response = _post(client, head, f"documents/{doc_id}/route/", {
        "main": {"unit": org.unit.pk}, "coordinators": [{"unit": org.office.pk}],
        "informed": [{"person": org.deputy.pk}], "directive": "Phòng CNTT chủ trì tham mưu trả lời",
        "deadline_days": 5})
    assert response.status_code == 201, response.content
    main, coord, info = response.json()
    assert [main["role"], coord["role"], info["role"]] == ["main", "coordinate", "info"]
    assert main["assignee"] == {"id": org.unit.pk, "name": org.unit.name} and main["assignee_type"] == "unit"
    assert info["deadline"] is None and main["deadline"] and main["directive"].startswith("Phòng CNTT")
    assert _ids(client, head, "to_route") == []
    assert _ids(client, deputy, "for_info") == [doc_id]
    assert _post(client, deputy, f"documents/{doc_id}/read/", {"assignment": info["id"]}).json()["state"] == "done"
    assert _ids(client, deputy, "for_info") == []

    # The unit head passes it down to the specialist, within the unit's deadline.
    rows = client.get(f"{API}documents/", {"list": "to_handle"}, **unit_head).json()["results"]
    assert [r["id"] for r in rows] == [doc_id] and rows[0]["my_assignment"]["id"] == main["id"]
    too_late = (timezone.localdate() + timedelta(days=60)).isoformat()
    response = _post(client, unit_head, f"documents/{doc_id}/route/",
                     {"main": {"person": org.specialist.pk}, "parent_assignment": main["id"], "deadline": too_late})
    assert response.status_code == 400 and "deadline" in response.json()
    response = _post(client, unit_head, f"documents/{doc_id}/route/", {
        "main": {"person": org.specialist.pk}, "parent_assignment": main["id"], "directive": "Đồng chí Mai xử lý"})
    assert response.status_code == 201, response.content
    [child] = response.json()
    assert child["parent"] == main["id"] and child["assignee"]["id"] == org.specialist.pk

    # The specialist reports progress and completes it into a dossier.
    assert client.get(f"{API}counts/", **specialist).json()["to_handle"] == 1
    response = _post(client, specialist, f"documents/{doc_id}/progress/",
                     {"assignment": child["id"], "text": "Đã dự thảo công văn trả lời", "kind": "progress"})
    assert response.status_code == 201 and response.json()["author"]["id"] == org.specialist.pk
    assert _ids(client, specialist, "in_progress") == [doc_id]
    dossier = create_dossier(by=Actor(org.specialist), agency=org.agency, code="01.CNTT", title="Hồ sơ CNTT",
                             retention="10")
    detail = client.get(f"{API}documents/{doc_id}/", **specialist).json()
    assert detail["can_complete"] is True and detail["can_route"] is False
    assert [a["id"] for a in detail["my_assignments"]] == [child["id"]]
    response = _post(client, specialist, f"documents/{doc_id}/complete/",
                     {"note": "Đã trả lời bằng công văn số 20", "dossiers": [dossier.pk]})
    assert response.status_code == 200, response.content
    detail = response.json()
    assert detail["status"] == "completed" and detail["completed_by"]["id"] == org.specialist.pk
    [tree_main, tree_coord, tree_info] = detail["routing"]
    assert tree_main["id"] == main["id"] and tree_main["state"] == "done"
    [tree_child] = tree_main["children"]
    assert tree_child["id"] == child["id"] and [n["kind"] for n in tree_child["notes"]] == ["progress", "completion"]
    assert tree_coord["state"] == "done" and tree_info["state"] == "done"
    assert dossier.items.get().object_id == doc_id
    assert _ids(client, specialist, "done") == [doc_id]

    # The head reopens it.
    assert _post(client, specialist, f"documents/{doc_id}/reopen/", {"reason": "x"}).status_code == 200
    response = _post(client, head, f"documents/{doc_id}/reopen/", {"reason": "Trả lời chưa đủ"})
    assert response.status_code == 404  # already reopened by whoever completed it
    assert IncomingDocument.objects.get(pk=doc_id).status == IncomingDocument.Status.IN_PROGRESS


def test_contribution_and_handling_errors(org, register_doc, client):
    doc = register_doc()
    main, coord = services.route(by=Actor(org.head), document=doc, main=Target(person=org.specialist),
                                 coordinators=[Target(person=org.unit_head)], deadline=future())
    specialist, unit_head = _auth(org.specialist), _auth(org.unit_head)
    response = _post(client, specialist, f"documents/{doc.pk}/contribute/", {"assignment": main.pk, "text": "x"})
    assert response.status_code == 400 and "non_field_errors" in response.json()  # not a coordinator
    response = _post(client, unit_head, f"documents/{doc.pk}/progress/", {"assignment": main.pk, "text": "x"})
    assert response.status_code == 404  # not theirs
    response = _post(client, unit_head, f"documents/{doc.pk}/contribute/", {"assignment": coord.pk, "text": " "})
    assert response.status_code == 400 and "text" in response.json()
    response = _post(client, unit_head, f"documents/{doc.pk}/contribute/", {"assignment": 999999, "text": "x"})
    assert response.status_code == 400 and "assignment" in response.json()
    response = _post(client, unit_head, f"documents/{doc.pk}/contribute/",
                     {"assignment": coord.pk, "text": "Phòng CNTT thống nhất"})
    assert response.status_code == 201 and response.json()["kind"] == "contribution"
    assert HandlingNote.objects.filter(assignment=coord, kind="contribution").exists()
    response = _post(client, specialist, f"documents/{doc.pk}/progress/",
                     {"assignment": main.pk, "text": "x", "kind": "completion"})
    assert response.status_code == 400 and "kind" in response.json()
    response = _post(client, specialist, f"documents/{doc.pk}/complete/", {"dossiers": [123456]})
    assert response.status_code == 400 and "dossiers" in response.json()


def test_withdraw_and_change_deadline(org, register_doc, client):
    doc = register_doc()
    main, info = services.route(by=Actor(org.head), document=doc, main=Target(unit=org.unit),
                                informed=[Target(person=org.deputy)], deadline=future(5))
    head, unit_head = _auth(org.head), _auth(org.unit_head)
    response = _post(client, unit_head, f"assignments/{main.pk}/deadline/",
                     {"deadline": future(9).isoformat(), "reason": "x"})
    assert response.status_code == 404  # only whoever made the routing
    response = _post(client, head, f"assignments/{main.pk}/deadline/",
                     {"deadline": future(9).isoformat(), "reason": ""})
    assert response.status_code == 400 and "reason" in response.json()
    response = _post(client, head, f"assignments/{main.pk}/deadline/",
                     {"deadline": future(9).isoformat(), "reason": "Cần thêm thời gian lấy ý kiến"})
    assert response.status_code == 200 and response.json()["deadline"] == future(9).isoformat()
    doc.refresh_from_db()
    assert doc.deadline == future(9)
    response = _post(client, head, f"assignments/{main.pk}/withdraw/", {"reason": "Giao nhầm đơn vị"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "withdrawn" and response.json()["withdrawn_reason"] == "Giao nhầm đơn vị"
    assert _ids(client, unit_head, "to_handle") == []
    detail = client.get(f"{API}documents/{doc.pk}/", **head).json()
    assert [(n["id"], n["state"], n["changeable"]) for n in detail["routing"]] == [
        (main.pk, "withdrawn", False), (info.pk, "pending", True)]


def test_other_agency_gets_404(org, other_org, register_doc, client):
    doc = register_doc()
    [main] = services.route(by=Actor(org.head), document=doc, main=Target(person=org.specialist), deadline=future())
    for person in (other_org.head, other_org.clerk, other_org.specialist):
        auth = _auth(person)
        assert client.get(f"{API}documents/{doc.pk}/", **auth).status_code == 404
        assert _post(client, auth, f"documents/{doc.pk}/route/",
                     {"main": {"unit": other_org.unit.pk}}).status_code == 404
        assert _post(client, auth, f"documents/{doc.pk}/complete/", {"note": "x"}).status_code == 404
        assert _post(client, auth, f"documents/{doc.pk}/progress/",
                     {"assignment": main.pk, "text": "x"}).status_code == 404
        assert _post(client, auth, f"documents/{doc.pk}/reopen/", {"reason": "x"}).status_code == 404
        assert _post(client, auth, f"assignments/{main.pk}/withdraw/", {"reason": "x"}).status_code == 404
        assert _post(client, auth, f"assignments/{main.pk}/deadline/",
                     {"deadline": future().isoformat(), "reason": "x"}).status_code == 404
    # Someone of the agency who may see it but not route it, and a recipient of another agency.
    assert _post(client, _auth(org.specialist), f"documents/{doc.pk}/route/",
                 {"main": {"unit": org.unit.pk}}).status_code == 404
    response = _post(client, _auth(org.deputy), f"documents/{doc.pk}/route/",
                     {"informed": [{"unit": other_org.unit.pk}]})
    assert response.status_code == 400 and "informed" in response.json()
    assert client.get(f"{API}documents/abc/", **_auth(org.head)).status_code == 404
    assert Assignment.objects.filter(document=doc).count() == 1


def test_list_query_count_does_not_grow(org, register_doc, client):
    def queries(person, list_name):
        auth = _auth(person)  # a fresh token: its first use is recorded each time
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{API}documents/", {"list": list_name}, **auth)
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    def add(n):
        for _ in range(n):
            doc = register_doc()
            services.route(by=Actor(org.head), document=doc, main=Target(unit=org.unit), deadline=future())

    add(3)
    queries(org.head, "all"), queries(org.unit_head, "to_handle")  # the calendar, read once until it changes
    few = queries(org.head, "all"), queries(org.unit_head, "to_handle")
    add(9)
    many = queries(org.head, "all"), queries(org.unit_head, "to_handle")
    assert [count for _, count in few] == [3, 3] and [count for _, count in many] == [12, 12]
    assert [n for n, _ in few] == [n for n, _ in many]


def test_a_recipient_must_name_a_unit_or_a_person(org, registers, client):
    """`{"main": {}}` or `"coordinators": [{}]` used to reach `data["person"]` (KeyError, 500)."""
    head = _auth(org.head)
    doc_id = _register(client, _auth(org.clerk)).json()["id"]
    message = "Chọn một nơi nhận: một đơn vị hoặc một người."
    for body, where in [({"main": {}}, lambda e: e["main"]["non_field_errors"]),
                        ({"main": {"deadline": future().isoformat()}}, lambda e: e["main"]["non_field_errors"]),
                        ({"main": {"unit": org.unit.pk}, "coordinators": [{}]},
                         lambda e: e["coordinators"]["0"]["non_field_errors"]),
                        ({"main": {"unit": org.unit.pk, "person": org.specialist.pk}},
                         lambda e: e["main"]["non_field_errors"]),
                        ({"informed": [{"unit": None, "person": None}]},
                         lambda e: e["informed"]["0"]["non_field_errors"])]:
        response = _post(client, head, f"documents/{doc_id}/route/", body)
        assert response.status_code == 400, (body, response.content)
        assert where(response.json()) == [message], response.json()
    assert not Assignment.objects.filter(document_id=doc_id).exists()


def test_an_empty_upload_is_refused_naming_the_file(org, registers, client):
    response = _register(client, _auth(org.clerk), files=[pdf_upload(), SimpleUploadedFile("Công văn trống.pdf", b"")])
    assert response.status_code == 400, response.content
    assert response.json()["files"] == {"1": ["Tệp “Công văn trống.pdf” không có nội dung (0 byte)."]}, response.json()


def test_api_errors_are_in_vietnamese(org, registers, client):
    clerk = _auth(org.clerk)
    response = _register(client, clerk, register=999999)
    assert response.status_code == 400
    assert response.json()["register"] == ["Mã “999999” không hợp lệ: không có đối tượng này."]
    response = client.get(f"{API}documents/", HTTP_AUTHORIZATION="Bearer qlvb_nothing_here")
    assert response.status_code == 401 and response.json()["detail"] == "Mã truy cập không hợp lệ hoặc đã hết hạn."
    response = client.get(f"{API}documents/", HTTP_AUTHORIZATION="Bearer a b")
    assert response.status_code == 401 and response.json()["detail"] == "Tiêu đề mã truy cập không hợp lệ."
    response = client.get(f"{API}documents/")
    assert response.status_code == 401 and response.json()["detail"].startswith("Chưa cung cấp thông tin xác thực")
    response = client.delete(f"{API}counts/", **clerk)
    assert response.status_code == 405 and response.json()["detail"] == "Không chấp nhận phương thức “DELETE”."


def test_ids_past_the_databases_integers_are_refused_not_a_server_error(org, registers, client):
    """`"dossiers": [2**63]` reached SQLite as an OverflowError (500, found by schemathesis); a path
    id written in other digits ("²") reached int() as a ValueError."""
    head, clerk = _auth(org.head), _auth(org.clerk)
    doc_id = _register(client, clerk).json()["id"]
    huge = 2**63
    for url, body, field in [("complete/", {"dossiers": [huge]}, "dossiers"),
                             ("route/", {"main": {"unit": huge}}, "main"),
                             ("progress/", {"assignment": huge, "text": "x", "kind": "progress"}, "assignment")]:
        response = _post(client, head, f"documents/{doc_id}/{url}", body)
        assert response.status_code == 400 and field in response.json(), (url, response.content)
    for pk in [str(huge), "²", "१२"]:
        assert client.get(f"{API}documents/{pk}/", **head).status_code == 404
