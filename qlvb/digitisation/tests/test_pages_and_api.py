"""Pages and API: who sees a file's reading status, searchable PDF and text; who may re-run it;
suggestions on the registration form; the OpenAPI schema."""

from __future__ import annotations

import pytest

from qlvb.core.models import Event
from qlvb.digitisation import engine, services
from qlvb.digitisation.models import TextExtraction
from qlvb.digitisation.tests.conftest import blank_scan_pdf, jobs_queued, text_pdf, upload
from qlvb.files.services import store_bytes

pytestmark = pytest.mark.django_db
Status = TextExtraction.Status


@pytest.fixture
def read_document(org, register_incoming, monkeypatch):
    """A registered scan whose text was read (OCR replaced by a stand-in: these tests are about access)."""
    import pikepdf

    def ocr_pages(pdf, indexes, workdir):
        part = pikepdf.new()
        for index in indexes:
            part.pages.append(pdf.pages[index])
        path = workdir / "fake.pdf"
        part.save(path)
        return path, ["Quyết định ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh Sơn La" for _ in indexes], [
            92.0 for _ in indexes]

    monkeypatch.setattr(engine, "ocr_pages", ocr_pages)
    monkeypatch.setattr(engine, "ocr_available", lambda: True)
    document = register_incoming([upload(blank_scan_pdf(1))])
    item = document.files.get()
    services.run_extraction(TextExtraction.objects.get(stored_file=item.stored).pk)
    return document, item


def _urls(document, item):
    base = f"/digitisation/incoming/{document.pk}/{item.stored_id}/"
    return {"status": base, "searchable": base + "searchable/", "text": base + "text/"}


def test_the_document_page_shows_each_file_reading_status_and_links(org, login, read_document):
    document, item = read_document
    page = login(org.clerk).get(f"/incoming/{document.pk}/").content.decode()
    assert f'id="extraction-{item.stored_id}"' in page and 'data-status="done"' in page
    assert "searchable/" in page and "/rerun/" in page
    searchable = login(org.clerk).get(_urls(document, item)["searchable"])
    assert searchable.status_code == 200 and searchable["Content-Type"] == "application/pdf"
    text = login(org.clerk).get(_urls(document, item)["text"]).content.decode()
    assert "Quyết định ban hành Quy chế làm việc" in text


def test_a_failed_file_shows_its_problem_and_the_document_stays_usable(org, login, register_incoming):
    document = register_incoming([upload(text_pdf(["Giấy mời họp giao ban tuần tại phòng họp số 2 của Sở"]))])
    x = TextExtraction.objects.get(stored_file=document.files.get().stored)
    TextExtraction.objects.filter(pk=x.pk).update(status=Status.FAILED, error="Tệp PDF bị hỏng, không đọc được chữ.")
    response = login(org.clerk).get(f"/incoming/{document.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-status="failed"' in page and "Tệp PDF bị hỏng, không đọc được chữ." in page


def test_a_running_extraction_polls_and_shows_pages(org, login, read_document):
    document, item = read_document
    TextExtraction.objects.filter(stored_file=item.stored).update(status=Status.RUNNING, pages_done=3, pages_total=6)
    fragment = login(org.clerk).get(_urls(document, item)["status"]).content.decode()
    assert 'hx-trigger="every 3s"' in fragment and "3/6" in fragment


@pytest.mark.parametrize("who", ["other_agency_clerk", "specialist_not_involved"])
def test_people_who_may_not_see_the_document_get_404_everywhere(org, other_org, login, read_document, who):
    document, item = read_document
    person = other_org.clerk if who == "other_agency_clerk" else org.specialist
    client = login(person)
    for url in _urls(document, item).values():
        assert client.get(url).status_code == 404, url
    assert client.post(_urls(document, item)["status"] + "rerun/").status_code == 404
    api = f"/api/v1/digitisation/incoming/{document.pk}/files/"
    assert client.get(api).status_code == 404
    assert client.post(api + f"{item.stored_id}/rerun/").status_code == 404


def test_a_file_of_another_document_is_not_reachable_through_this_one(org, login, read_document, register_incoming):
    document, _item = read_document
    other = store_bytes(text_pdf(["Văn bản khác"]), name="khac.pdf")
    client = login(org.clerk)
    assert client.get(f"/digitisation/incoming/{document.pk}/{other.pk}/").status_code == 404
    assert client.get(f"/digitisation/outgoing/{document.pk}/{other.pk}/").status_code == 404
    assert client.get(f"/digitisation/elsewhere/{document.pk}/{other.pk}/").status_code == 404


def test_only_clerks_may_run_it_again(org, login, read_document, django_capture_on_commit_callbacks):
    document, item = read_document
    head = login(org.head)  # may see the document (presented to them), is not a clerk
    assert head.get(_urls(document, item)["status"]).status_code == 200
    assert head.post(_urls(document, item)["status"] + "rerun/").status_code == 404
    with django_capture_on_commit_callbacks() as callbacks:
        response = login(org.clerk).post(_urls(document, item)["status"] + "rerun/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-status="pending"' in response.content.decode()
    assert len(jobs_queued(callbacks)) == 1
    assert Event.objects.filter(verb="digitisation.rerun", target_id=str(document.pk)).exists()


def test_api_lists_the_files_reading_status_and_gives_the_text(org, login, read_document):
    document, item = read_document
    client = login(org.clerk)
    rows = client.get(f"/api/v1/digitisation/incoming/{document.pk}/files/").json()
    assert rows == [{
        "stored_file": item.stored_id, "name": item.name, "status": "done", "method": "ocr", "pages_total": 1,
        "pages_done": 1, "failed_pages": [], "doubtful_pages": [], "error": "", "attempts": 1,
        "updated_at": rows[0]["updated_at"],
        "searchable_pdf": f"/digitisation/incoming/{document.pk}/{item.stored_id}/searchable/",
        "text_url": f"/api/v1/digitisation/incoming/{document.pk}/files/{item.stored_id}/text/"}]
    text = client.get(rows[0]["text_url"]).json()
    assert "Quy chế làm việc" in text["text"] and text["doubtful_pages"] == []
    rerun = client.post(f"/api/v1/digitisation/incoming/{document.pk}/files/{item.stored_id}/rerun/")
    assert rerun.status_code == 202 and rerun.json()["status"] == "pending"


def test_outgoing_documents_show_their_versions_reading_status(org, login):
    from qlvb.core.actor import Actor
    from qlvb.outgoing import services as outgoing
    from qlvb.outgoing.tests.conftest import docx_upload

    draft = outgoing.create_draft(by=Actor(org.specialist), agency=org.agency,
                                  fields={"doc_type": "CV", "summary": "V/v báo cáo tình hình ứng dụng CNTT"},
                                  uploads=[docx_upload("Báo cáo tình hình ứng dụng công nghệ thông tin")])
    version = draft.versions.get()
    services.run_extraction(TextExtraction.objects.get(stored_file=version.stored).pk)
    client = login(org.specialist)
    page = client.get(f"/outgoing/{draft.pk}/").content.decode()
    assert f'id="extraction-{version.stored_id}"' in page and 'data-status="done"' in page
    rows = client.get(f"/api/v1/digitisation/outgoing/{draft.pk}/files/").json()
    assert [(r["stored_file"], r["method"]) for r in rows] == [(version.stored_id, "docx")]
    assert client.post(f"/digitisation/outgoing/{draft.pk}/{version.stored_id}/rerun/").status_code == 302  # drafter
    # The office's clerk does not see a draft before it reaches them.
    assert login(org.clerk).get(f"/api/v1/digitisation/outgoing/{draft.pk}/files/").status_code == 404


def test_the_schema_describes_the_endpoints(org, login):
    schema = login(org.clerk).get("/api/schema/").content.decode()
    for path in ("/api/v1/digitisation/{app}/{doc}/files/", "/api/v1/digitisation/{app}/{doc}/files/{stored}/rerun/",
                 "/api/v1/digitisation/{app}/{doc}/files/{stored}/text/"):
        assert path in schema


def test_the_registration_form_offers_suggestions_from_the_scan(org, login, registers):
    client = login(org.clerk)
    page = client.get("/incoming/register/").content.decode()
    assert 'id="ocr-suggest"' in page and "/digitisation/suggest/" in page
    letter = text_pdf(["ỦY BAN NHÂN DÂN TỈNH SƠN LA\nSố: 45/UBND-VP\nSơn La, ngày 12 tháng 02 năm 2026\n"
                       "V/v triển khai hệ thống quản lý văn bản và điều hành\nKính gửi: Các sở, ban, ngành"])
    response = client.post("/digitisation/suggest/", {"uploads": upload(letter, "cong-van.pdf")})
    html = response.content.decode()
    assert response.status_code == 200
    for field, value in [("number", "45"), ("notation", "UBND-VP"), ("document_date", "12/02/2026"),
                         ("doc_type", "CV"), ("summary", "Triển khai hệ thống quản lý văn bản và điều hành")]:
        assert f'data-field="{field}" data-value="{value}"' in html, field
    bad = client.post("/digitisation/suggest/", {"uploads": upload(b"not a pdf", "x.pdf")}).content.decode()
    assert "x.pdf" in bad and "ocr-suggestion" not in bad


def test_suggestions_are_for_clerks_only(org, login):
    response = login(org.specialist).post("/digitisation/suggest/", {"uploads": upload(text_pdf(["Số: 1/QĐ-X"]))})
    assert response.status_code == 404


def test_clerks_follow_the_reading_of_a_batch_of_scans(org, login, register_incoming, django_assert_max_num_queries):
    documents = [register_incoming([upload(text_pdf([f"Công văn số {n} về việc báo cáo định kỳ"]))], number=str(n))
                 for n in range(3)]
    first, second, _third = (TextExtraction.objects.get(stored_file=d.files.get().stored) for d in documents)
    TextExtraction.objects.filter(pk=first.pk).update(status=Status.RUNNING, pages_done=1, pages_total=4)
    TextExtraction.objects.filter(pk=second.pk).update(status=Status.FAILED, error="Tệp PDF bị hỏng")
    client = login(org.clerk)
    page = client.get("/digitisation/").content.decode()
    assert 'hx-trigger="every 5s"' in page and "1/4" in page and "Tệp PDF bị hỏng" in page
    assert page.count("<tr>") == 1 + 3  # header, running, failed, waiting
    assert login(org.specialist).get("/digitisation/").status_code == 404
    with django_assert_max_num_queries(12):
        client.get("/digitisation/", HTTP_HX_REQUEST="true")


def test_the_document_api_shows_each_file_reading_status(org, login, read_document):
    document, item = read_document
    files = login(org.clerk).get(f"/api/v1/incoming/documents/{document.pk}/").json()["files"]
    assert files[0]["text_extraction"] == {
        "status": "done", "method": "ocr", "pages_total": 1, "pages_done": 1, "failed_pages": [],
        "doubtful_pages": [], "error": "",
        "detail": f"/api/v1/digitisation/incoming/{document.pk}/files/"}
    schema = login(org.clerk).get("/api/schema/").content.decode()
    assert "text_extraction" in schema and "ExtractionSummary" in schema


def test_pages_read_without_certainty_stay_on_the_reading_queue_until_checked(org, login, register_incoming):
    document = register_incoming([upload(text_pdf(["Công văn số 7 về việc kiểm kê tài sản"]))], number="7")
    extraction = TextExtraction.objects.get(stored_file=document.files.get().stored)
    TextExtraction.objects.filter(pk=extraction.pk).update(
        status=Status.DONE, pages_total=3, pages_done=3, page_confidence=[94.2, 41.6, 88.0], doubtful_pages=[2],
        text="Trang một\fTrang hai\fTrang ba")
    page = login(org.clerk).get("/digitisation/").content.decode()
    assert "Trang cần kiểm tra: 1" in page
    assert "Trang 2 (độ tin cậy 42%)" in page
    text_url = f"/digitisation/incoming/{document.pk}/{extraction.stored_file_id}/text/"
    assert f'href="{text_url}#page-2"' in page
    assert 'id="page-2"' in login(org.clerk).get(text_url).content.decode()
    # read again from a better scan: off the list
    TextExtraction.objects.filter(pk=extraction.pk).update(doubtful_pages=[], page_confidence=[94.2, 90.0, 88.0])
    page = login(org.clerk).get("/digitisation/").content.decode()
    assert "Trang cần kiểm tra: 0" in page and "độ tin cậy" not in page
