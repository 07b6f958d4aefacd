"""Printouts of incoming documents: the routing slip, the incoming register and the follow-up
register (NĐ30 Phụ lục IV), as PDF and Excel."""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.incoming import printouts, services
from qlvb.incoming.services import Target
from qlvb.incoming.tests.conftest import future
from qlvb.registers.models import Register
from qlvb.registers.printing import XLSX_TYPE, Period

BASE = "/incoming/print/"
REGISTER_HEADER = ["Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng", "Tên loại và trích yếu nội dung",
                   "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú"]
FOLLOWUP_HEADER = ["Số đến", "Tên loại, số, ký hiệu, ngày tháng và tác giả văn bản", "Đơn vị hoặc người nhận",
                   "Thời hạn giải quyết", "Tiến độ giải quyết", "Số, ký hiệu văn bản trả lời", "Ghi chú"]


def pdf_text(content: bytes) -> str:
    """The PDF's text, NFC, with whitespace collapsed (table cells wrap lines anywhere)."""
    assert content[:5] == b"%PDF-"
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def period():
    """A fixed past period, so the tests do not depend on today's date within the month."""
    today = timezone.localdate()
    return Period(today - timedelta(days=20), today - timedelta(days=10))


@pytest.fixture
def book_docs(org, register_doc, period):
    """Three documents in the period (registered out of date order) and one before it and one after."""
    def doc(day: date, code: str):
        return register_doc(received_at=at(day), document_date=day - timedelta(days=3), doc_type="CV",
                            summary=f"Công văn về việc triển khai mã {code} trong toàn tỉnh")

    inside = [doc(period.start + timedelta(days=5), "MAINB"), doc(period.start, "MAINA"),
              doc(period.end, "MAINC")]
    before = doc(period.start - timedelta(days=1), "OUTBEFORE")
    after = doc(period.end + timedelta(days=1), "OUTAFTER")
    return inside, before, after


@pytest.fixture
def routed(org, register_doc):
    """The leader routes to Phòng CNTT (main), Văn phòng (coordinator) and the deputy; the unit
    head passes it to the specialist, who proposes a reply."""
    doc = register_doc()
    main, _coord, _info = services.route(
        by=Actor(org.head), document=doc, main=Target(unit=org.unit), coordinators=[Target(unit=org.office)],
        informed=[Target(person=org.deputy)], directive="Giao Phòng CNTT chủ trì tham mưu trả lời trước hạn",
        deadline=future(10))
    [child] = services.route(by=Actor(org.unit_head), document=doc, parent=main, main=Target(person=org.specialist),
                             directive="Đồng chí Mai dự thảo công văn trả lời", deadline=future(8))
    services.record_progress(by=Actor(org.specialist), assignment=child, kind="proposal",
                             text="Đề xuất dự thảo công văn đồng ý với nội dung đề nghị")
    return doc


# --- The routing slip ---------------------------------------------------------------------

def test_routing_slip_pdf(org, routed, login):
    response = login(org.head).get(f"{BASE}{routed.pk}/slip.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN" in text
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH SƠN LA" in text
    assert "Ý kiến của lãnh đạo cơ quan" in text and "Ý kiến của lãnh đạo đơn vị" in text
    assert "Ý kiến đề xuất của người giải quyết" in text
    assert "Giao Phòng CNTT chủ trì tham mưu trả lời trước hạn" in text
    assert "Đồng chí Mai dự thảo công văn trả lời" in text
    assert "Đề xuất dự thảo công văn đồng ý với nội dung đề nghị" in text
    for name in ("Lò Văn Hùng", "Nguyễn Văn Bình", "Trần Thị Mai", "Phòng Công nghệ thông tin", "Văn phòng",
                 "Cầm Thị Lan"):
        assert name in text, name
    assert f"Số đến: {routed.arrival_number}" in text and "101/QĐ-UBND" in text
    assert f"Thời hạn: {fmt(future(10))}" in text and f"Thời hạn: {fmt(future(8))}" in text


def test_routing_slip_of_an_unrouted_document_leaves_room_to_write(org, register_doc, login):
    doc = register_doc()
    response = login(org.clerk).get(f"{BASE}{doc.pk}/slip.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN" in text and "Quy chế làm việc" in text


def test_routing_slip_only_for_who_may_see_the_document(org, other_org, register_doc, routed, login):
    unrouted = register_doc()
    assert login(org.specialist).get(f"{BASE}{unrouted.pk}/slip.pdf").status_code == 404
    assert login(org.specialist).get(f"{BASE}{routed.pk}/slip.pdf").status_code == 200  # routed to her
    assert login(other_org.head).get(f"{BASE}{routed.pk}/slip.pdf").status_code == 404
    assert login(org.head).get(f"{BASE}999999/slip.pdf").status_code == 404
    assert login(org.head).get(f"{BASE}{routed.pk}/slip.pdf").status_code == 200


def test_printing_a_secret_documents_slip_is_logged(org, register_doc, login):
    doc = register_doc(secrecy="mat")
    assert login(org.head).get(f"{BASE}{doc.pk}/slip.pdf").status_code == 200  # presented to him
    assert Event.objects.filter(verb="incoming.secret_opened", target_id=str(doc.pk)).exists()
    assert login(org.deputy).get(f"{BASE}{doc.pk}/slip.pdf").status_code == 404


# --- The incoming register ----------------------------------------------------------------

def test_register_pdf_lists_the_period(org, registers, book_docs, period, login):
    inside, before, after = book_docs
    query = f"register={registers['ordinary'].pk}&from={fmt(period.start)}&to={fmt(period.end)}"
    response = login(org.clerk).get(f"{BASE}register.pdf?{query}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text and "Sổ văn bản đến" in text
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH SƠN LA" in text
    assert period.label in text
    for column in ("Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Tên loại và trích yếu nội dung",
                   "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú"):
        assert column in text, column
    positions = [text.index(code) for code in ("MAINA", "MAINB", "MAINC")]
    assert all(code in text for code in ("MAINA", "MAINB", "MAINC"))
    # By arrival number: registered B, A, C, so B comes first.
    assert positions[1] < positions[0] < positions[2]
    assert "OUTBEFORE" not in text and "OUTAFTER" not in text
    assert "Lò Văn Hùng" in text  # not routed yet: passed to the leader it was presented to


def test_register_xlsx(org, registers, book_docs, period, login):
    inside, _before, _after = book_docs
    services.route(by=Actor(org.head), document=inside[0], main=Target(unit=org.unit),
                   coordinators=[Target(unit=org.office)], deadline=future())
    query = f"register={registers['ordinary'].pk}&from={fmt(period.start)}&to={fmt(period.end)}"
    response = login(org.head).get(f"{BASE}register.xlsx?{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    sheet = workbook(response.content)
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == REGISTER_HEADER
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["F"].width >= 40
    data = rows[1:]
    assert [r[1] for r in data] == sorted(d.arrival_number for d in inside)
    assert [r[5].split("mã ")[1].split()[0] for r in data] == ["MAINB", "MAINA", "MAINC"]
    first = data[0]
    assert first[0].date() == timezone.localtime(inside[0].received_at).date()
    assert sheet["A2"].number_format == "dd/mm/yyyy" and sheet["E2"].number_format == "dd/mm/yyyy"
    assert first[2] == "Ủy ban nhân dân tỉnh Sơn La" and first[3] == f"{inside[0].number}/QĐ-UBND"
    assert first[4].date() == inside[0].document_date
    assert first[6] == "Phòng Công nghệ thông tin; Văn phòng (phối hợp)"
    assert first[7].date() == timezone.localdate()
    assert first[5].startswith("Công văn về việc")


def test_register_default_period_is_this_month(org, registers, register_doc, login):
    doc = register_doc(summary="Công văn về việc mã THISMONTH của tháng này")
    response = login(org.clerk).get(f"{BASE}register.xlsx?register={registers['ordinary'].pk}")
    assert response.status_code == 200
    rows = list(workbook(response.content).iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == [doc.arrival_number]


def test_who_may_print_registers(org, other_org, registers, register_doc, login):
    register_doc()
    ordinary, secret = registers["ordinary"], registers["secret"]
    urls = [f"{BASE}register.pdf?register={ordinary.pk}", f"{BASE}register.xlsx?register={ordinary.pk}",
            f"{BASE}follow-up.pdf", f"{BASE}follow-up.xlsx", BASE]
    for person in (org.specialist, org.unit_head, other_org.clerk, other_org.head):
        client = login(person)
        for url in urls[:2]:
            assert client.get(url).status_code == 404, (person, url)
    for person in (org.specialist, org.unit_head):
        client = login(person)
        for url in urls[2:]:
            assert client.get(url).status_code == 404, (person, url)
    for person in (org.clerk, org.head, org.deputy):
        client = login(person)
        for url in urls:
            assert client.get(url).status_code == 200, (person, url)
    # Another agency's clerk prints their own follow-up register, never ours through a register id.
    assert login(other_org.clerk).get(f"{BASE}follow-up.xlsx?register={ordinary.pk}").status_code == 404
    assert login(other_org.clerk).get(f"{BASE}follow-up.xlsx?agency={org.agency.pk}").status_code == 404
    # Unknown, malformed or outgoing registers.
    outgoing = Register.objects.get(agency=org.agency, direction=Register.Direction.OUTGOING,
                                    category=Register.Category.ORDINARY)
    client = login(org.clerk)
    for value in ("999999", "abc", str(outgoing.pk), "1.5"):
        assert client.get(f"{BASE}register.pdf?register={value}").status_code == 404, value
    # The secret register: its clerks only.
    assert login(org.head).get(f"{BASE}register.pdf?register={secret.pk}").status_code == 404
    assert client.get(f"{BASE}register.xlsx?register={secret.pk}").status_code == 200
    assert client.get(f"{BASE}follow-up.xlsx?register={secret.pk}").status_code == 404


def test_secret_documents_only_in_the_secret_register(org, registers, register_doc, login):
    plain = register_doc(summary="Công văn về việc mã PLAINDOC gửi các đơn vị")
    hidden = register_doc(secrecy="mat", summary="Công văn về việc mã SECRETDOC gửi các đơn vị")
    client = login(org.clerk)
    rows = list(workbook(client.get(f"{BASE}register.xlsx?register={registers['ordinary'].pk}").content)
                .iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == [plain.arrival_number]
    rows = list(workbook(client.get(f"{BASE}register.xlsx?register={registers['secret'].pk}").content)
                .iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == [hidden.arrival_number] and rows[1][9].startswith("Mật")
    rows = list(workbook(client.get(f"{BASE}follow-up.xlsx").content).iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [plain.arrival_number]


@pytest.mark.parametrize("query, needle", [
    ("from=31/02/2026&to=10/03/2026", "31/02/2026"),
    ("from=01/03/2026&to=hôm-nay", "hôm-nay"),
    ("from=10/03/2026&to=01/03/2026", ""),
    ("from=01/03/2026&to=31/12/9999", "31/12/9999"),
])
def test_bad_dates_go_back_to_the_form_with_a_message(org, registers, login, query, needle):
    client = login(org.clerk)
    for name in ("register.pdf", "register.xlsx", "follow-up.pdf", "follow-up.xlsx"):
        url = f"{BASE}{name}?register={registers['ordinary'].pk}&{query}"
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(BASE)
        page = client.get(response["Location"])
        assert page.status_code == 200
        shown = [str(m) for m in get_messages(page.wsgi_request)] or [page.content.decode()]
        assert any(needle in m for m in shown), shown
        assert page.content.decode().count('class="alert alert-danger') == 1


def test_register_missing_goes_back_to_the_form(org, registers, login):
    response = login(org.clerk).get(f"{BASE}register.pdf?from=01/03/2026")
    assert response.status_code == 302 and response["Location"].startswith(BASE)


def test_index_page(org, registers, login):
    response = login(org.clerk).get(f"{BASE}?register={registers['secret'].pk}&from=01/02/2026")
    assert response.status_code == 200
    page = response.content.decode()
    for register in ("Sổ văn bản đến", "Sổ văn bản đến mật", "Sổ đơn thư"):
        assert register in page
    assert 'value="01/02/2026"' in page
    assert f'{BASE}register.pdf' in page and f'{BASE}register.xlsx' in page
    assert f'{BASE}follow-up.pdf' in page and f'{BASE}follow-up.xlsx' in page
    assert "Sổ văn bản đến mật" not in login(org.head).get(BASE).content.decode()  # leaders: no secret register


# --- The follow-up register ---------------------------------------------------------------

def test_followup_register(org, register_doc, routed, login):
    waiting = register_doc(summary="Công văn về việc mã WAITING chờ lãnh đạo")
    late = register_doc(summary="Công văn về việc mã LATEDOC đã quá hạn")
    services.route(by=Actor(org.head), document=late, main=Target(unit=org.office), deadline=future(1))
    late.__class__.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - timedelta(days=3))
    client = login(org.head)
    response = client.get(f"{BASE}follow-up.xlsx")
    assert response.status_code == 200
    sheet = workbook(response.content)
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == FOLLOWUP_HEADER and sheet.freeze_panes == "A2" and sheet["B1"].font.b
    by_number = {r[0]: r for r in rows[1:]}
    assert list(by_number) == sorted(by_number)
    row = by_number[routed.arrival_number]
    assert row[1] == (f"Quyết định số {routed.reference} ngày {fmt(routed.document_date)} "
                      f"của Ủy ban nhân dân tỉnh Sơn La")
    assert row[2] == "Phòng Công nghệ thông tin → Trần Thị Mai"
    assert row[3].date() == future(10) and sheet["D2"].number_format == "dd/mm/yyyy"
    assert row[4] == "Đang giải quyết" and row[5] is None
    assert by_number[waiting.arrival_number][2] is None
    assert by_number[waiting.arrival_number][4] == "Chờ lãnh đạo cho ý kiến"
    assert by_number[late.arrival_number][4] == "Đã chuyển, chưa xử lý – quá hạn 3 ngày"

    services.complete(by=Actor(org.specialist), document=routed, note="Đã trả lời")
    rows = list(workbook(client.get(f"{BASE}follow-up.xlsx").content).iter_rows(values_only=True))
    progress = {r[0]: r[4] for r in rows[1:]}[routed.arrival_number]
    assert progress == f"Đã giải quyết ngày {fmt(timezone.localdate())} – đúng hạn"

    text = pdf_text(client.get(f"{BASE}follow-up.pdf").content)
    assert "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN" in text
    assert "Tên loại, số, ký hiệu, ngày tháng và tác giả văn bản" in text
    assert "Trần Thị Mai" in text and "quá hạn 3 ngày" in text and "Đã giải quyết ngày" in text


def test_followup_register_of_one_register(org, registers, register_doc, login):
    letters = register_doc()
    other = register_doc()
    letters.__class__.objects.filter(pk=letters.pk).update(register=registers["letters"])
    rows = list(workbook(login(org.clerk).get(f"{BASE}follow-up.xlsx?register={registers['letters'].pk}").content)
                .iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [letters.arrival_number]
    assert other.pk != letters.pk


# --- Queries ------------------------------------------------------------------------------

def _grow(org, register_doc, n: int) -> None:
    for _ in range(n):
        doc = register_doc()
        [main, _coord] = services.route(by=Actor(org.head), document=doc, main=Target(unit=org.unit),
                                        coordinators=[Target(unit=org.office)], directive="Xử lý",
                                        deadline=future())
        [child] = services.route(by=Actor(org.unit_head), document=doc, parent=main,
                                 main=Target(person=org.specialist))
        services.record_progress(by=Actor(org.specialist), assignment=child, text="Đang làm")


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_rows(org, registers, register_doc, login):
    _grow(org, register_doc, 3)
    ordinary = registers["ordinary"]
    period = Period.this_month()
    with CaptureQueriesContext(connection) as ctx:
        assert len(printouts.register_rows(ordinary, period)) == 3
        assert len(printouts.followup_rows(org.agency, period)) == 3
    assert len(ctx.captured_queries) == 4  # documents + their routings, twice
    client = login(org.clerk)
    urls = [f"{BASE}register.xlsx?register={ordinary.pk}", f"{BASE}register.pdf?register={ordinary.pk}",
            f"{BASE}follow-up.xlsx", f"{BASE}follow-up.pdf"]
    before = {url: _count(client, url) for url in urls}
    _grow(org, register_doc, 7)
    after = {url: _count(client, url) for url in urls}
    assert len(printouts.register_rows(ordinary, period)) == 10
    assert before == after, (before, after)
    assert max(after.values()) <= 15, after
