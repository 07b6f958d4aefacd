"""Printouts of outgoing documents: the outgoing register and the postal register (NĐ30 Phụ lục
IV), as PDF and Excel. Issuing needs digital signatures, which printouts do not: the documents
here are written to the database as the clerk's issuing leaves them."""

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
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader

from qlvb.outgoing import printouts
from qlvb.outgoing.models import OutgoingDocument, Recipient
from qlvb.registers.models import Register
from qlvb.registers.printing import XLSX_TYPE, Period
from qlvb.registers.services import ensure_default_registers

BASE = "/outgoing/print/"
REGISTER_HEADER = ["Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung", "Người ký",
                   "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận",
                   "Ghi chú"]
POSTAL_HEADER = ["Ngày chuyển", "Số, ký hiệu văn bản", "Nơi nhận văn bản", "Địa chỉ", "Số lượng bì", "Ghi chú"]


def pdf_text(content: bytes) -> str:
    """The PDF's text, NFC, with whitespace collapsed (table cells wrap lines anywhere)."""
    assert content[:5] == b"%PDF-"
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def sheet_of(content: bytes) -> Worksheet:
    sheet = load_workbook(io.BytesIO(content)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def rows_of(content: bytes) -> list[tuple]:
    return list(sheet_of(content).iter_rows(values_only=True))


def fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def registers(org):
    ensure_default_registers(org.agency)
    return {r.category: r for r in Register.objects.filter(agency=org.agency, direction=Register.Direction.OUTGOING)}


@pytest.fixture
def period():
    """A fixed past period, so the tests do not depend on today's date within the month."""
    today = timezone.localdate()
    return Period(today - timedelta(days=20), today - timedelta(days=10))


@pytest.fixture
def issued(org, registers):
    """Write an issued document as issuing leaves it: numbered in its register, dated, the
    electronic recipients delivered at the issue time, the paper ones waiting for the post."""
    numbers = {"n": 0}

    def _issued(*, code: str = "", day: date | None = None, number: int | None = None, secrecy: str = "",
                paper: tuple[tuple[str, str], ...] = (("Báo Sơn La", "Số 6 đường Tô Hiệu, thành phố Sơn La"),),
                status: str = OutgoingDocument.Status.ISSUED, **extra) -> OutgoingDocument:
        numbers["n"] += 1
        when = at(day) if day else timezone.now()
        register = registers["secret" if secrecy else "ordinary"]
        summary = extra.pop("summary", f"V/v triển khai mã {code or numbers['n']} trong toàn tỉnh")
        doc = OutgoingDocument.objects.create(
            agency=org.agency, drafting_unit=org.unit, drafter=org.specialist, doc_type=extra.pop("doc_type", "CV"),
            summary=summary, secrecy=secrecy, signer=org.deputy, signing_capacity="KT", status=status,
            register=register, year=when.year, number=number or numbers["n"], notation="STTTT-CNTT",
            issued_at=when, issued_by=org.clerk, copies=extra.pop("copies", 4), **extra)
        Recipient.objects.create(document=doc, kind=Recipient.Kind.UNIT, unit=org.office, name="Văn phòng",
                                 delivered_at=when)
        Recipient.objects.create(document=doc, kind=Recipient.Kind.PERSON, person=org.head, name="",
                                 delivered_at=when)
        for name, address in paper:
            Recipient.objects.create(document=doc, kind=Recipient.Kind.PAPER, name=name, address=address)
        return doc

    return _issued


@pytest.fixture
def book_docs(issued, period):
    """Three documents issued in the period (numbered out of date order), one before and one after it."""
    inside = [issued(code="MAINB", day=period.start, number=12),
              issued(code="MAINA", day=period.start + timedelta(days=5), number=11),
              issued(code="MAINC", day=period.end, number=13)]
    before = issued(code="OUTBEFORE", day=period.start - timedelta(days=1), number=10)
    after = issued(code="OUTAFTER", day=period.end + timedelta(days=1), number=14)
    return inside, before, after


def _query(register: Register | None, period: Period) -> str:
    query = f"from={fmt(period.start)}&to={fmt(period.end)}"
    return f"register={register.pk}&{query}" if register is not None else query


# --- The outgoing register ----------------------------------------------------------------

def test_register_pdf_lists_the_period_by_number(org, registers, book_docs, period, login):
    response = login(org.clerk).get(f"{BASE}register.pdf?{_query(registers['ordinary'], period)}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "inline" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text and "Sổ văn bản đi" in text
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH SƠN LA" in text
    assert period.label in text and "Từ số 11 đến số 13" in text and "Số văn bản: 3" in text
    for column in REGISTER_HEADER:
        assert column in text, column
    positions = [text.index(code) for code in ("MAINA", "MAINB", "MAINC")]
    assert positions == sorted(positions)  # by number (11, 12, 13), not by date
    assert "OUTBEFORE" not in text and "OUTAFTER" not in text
    assert "11/STTTT-CNTT" in text and "Cầm Thị Lan (KT.)" in text and "Báo Sơn La" in text
    assert "Lò Văn Hùng" in text  # a person recipient without a written name


def test_register_xlsx(org, registers, book_docs, period, login):
    inside, _before, _after = book_docs
    response = login(org.head).get(f"{BASE}register.xlsx?{_query(registers['ordinary'], period)}")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    sheet = sheet_of(response.content)
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == REGISTER_HEADER
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert sheet["B2"].number_format == "dd/mm/yyyy" and sheet["H2"].number_format == "dd/mm/yyyy"
    data = rows[1:]
    assert [r[0] for r in data] == ["11/STTTT-CNTT", "12/STTTT-CNTT", "13/STTTT-CNTT"]
    first = data[0]
    assert isinstance(first[1], datetime) and first[1].date() == period.start + timedelta(days=5)
    assert first[2] == "Công văn: V/v triển khai mã MAINA trong toàn tỉnh"
    assert first[3] == "Cầm Thị Lan (KT.)"
    assert first[4] == "Văn phòng; Lò Văn Hùng; Báo Sơn La"
    assert first[5] == "VT, CNTT" and first[6] == 4
    assert isinstance(first[7], datetime) and first[7].date() == period.start + timedelta(days=5)
    assert first[8] is None and first[9] is None


def test_register_row_details(org, registers, issued, period, login):
    kept = issued(code="KEPT", day=period.start, kept_by="VT, Phòng CNTT (02 bản)", urgency="hoa_toc",
                  doc_type="QĐ", summary="Quyết định ban hành Quy chế mã KEPT")
    paper_only = issued(code="PAPER", day=period.start)
    paper_only.recipients.exclude(kind=Recipient.Kind.PAPER).delete()
    issued(code="NOTYET", day=period.start, status=OutgoingDocument.Status.SIGNED, number=99)
    rows = {r[0]: r for r in rows_of(login(org.clerk).get(
        f"{BASE}register.xlsx?{_query(registers['ordinary'], period)}").content)[1:]}
    assert set(rows) == {kept.reference, paper_only.reference}  # a signed, not issued document is not in the book
    assert rows[kept.reference][2] == "Quyết định ban hành Quy chế mã KEPT"  # the type is not repeated
    assert rows[kept.reference][5] == "VT, Phòng CNTT (02 bản)" and rows[kept.reference][9] == "Hỏa tốc"
    assert rows[paper_only.reference][7] is None  # sent on paper only: the date is written by hand


def test_register_default_period_is_this_month(org, registers, issued, login):
    doc = issued(code="THISMONTH")
    rows = rows_of(login(org.clerk).get(f"{BASE}register.xlsx?register={registers['ordinary'].pk}").content)
    assert [r[0] for r in rows[1:]] == [doc.reference]


def test_register_empty_period(org, registers, login):
    text = pdf_text(login(org.clerk).get(f"{BASE}register.pdf?register={registers['ordinary'].pk}").content)
    assert "Không có văn bản nào được đăng ký trong thời gian này." in text


# --- The postal register ------------------------------------------------------------------

def test_postal_register(org, registers, issued, period, login):
    two = issued(code="TWO", day=period.start + timedelta(days=1),
                 paper=(("Báo Sơn La", "Số 6 đường Tô Hiệu, thành phố Sơn La"),
                        ("Ủy ban nhân dân huyện Mộc Châu", "Thị trấn Mộc Châu, huyện Mộc Châu")))
    one = issued(code="ONE", day=period.start, urgency="khan")
    electronic = issued(code="NOPAPER", day=period.start, paper=())
    issued(code="LATE", day=period.end + timedelta(days=1))
    issued(code="SIGNED", day=period.start, status=OutgoingDocument.Status.SIGNED, number=50)
    client = login(org.clerk)

    response = client.get(f"{BASE}postal.xlsx?{_query(None, period)}")
    assert response.status_code == 200 and response["Content-Type"] == XLSX_TYPE
    sheet = sheet_of(response.content)
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == POSTAL_HEADER and sheet.freeze_panes == "A2"
    assert sheet["A2"].number_format == "dd/mm/yyyy"
    assert [(r[1], r[2], r[4]) for r in rows[1:]] == [
        (one.reference, "Báo Sơn La", 1), (two.reference, "Báo Sơn La", 1),
        (two.reference, "Ủy ban nhân dân huyện Mộc Châu", 1)]
    assert rows[1][3] == "Số 6 đường Tô Hiệu, thành phố Sơn La" and rows[1][5] == "Khẩn"
    assert rows[1][0] is None  # not handed to the post yet: written by hand
    assert electronic.reference not in {r[1] for r in rows[1:]}

    Recipient.objects.filter(document=one, kind=Recipient.Kind.PAPER).update(
        delivered_at=at(period.start + timedelta(days=2)))
    response = client.get(f"{BASE}postal.pdf?{_query(registers['ordinary'], period)}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "SỔ GỬI VĂN BẢN ĐI BƯU ĐIỆN" in text and "SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH SƠN LA" in text
    for column in ("Ngày chuyển", "Số, ký hiệu văn bản", "Nơi nhận văn bản", "Số lượng bì", "Ghi chú"):
        assert column in text, column
    assert "Ủy ban nhân dân huyện Mộc Châu" in text and "Thị trấn Mộc Châu, huyện Mộc Châu" in text
    assert "Số văn bản: 2" in text and "Số lượng bì: 3" in text
    assert fmt(period.start + timedelta(days=2)) in text
    assert "TWO" not in text  # the postal register shows no content, only numbers and addresses


def test_postal_register_empty(org, registers, login):
    text = pdf_text(login(org.head).get(f"{BASE}postal.pdf").content)
    assert "Không có văn bản nào gửi qua bưu điện trong thời gian này." in text


# --- Secrecy and permissions --------------------------------------------------------------

def test_secret_documents_only_in_the_secret_register(org, registers, issued, login):
    plain = issued(code="PLAIN", paper=(("Báo Sơn La", "Sơn La"),))
    hidden = issued(code="HIDDEN", secrecy="mat", number=1, paper=(("Bộ Công an", "Hà Nội"),))
    client = login(org.clerk)
    ordinary, secret = registers["ordinary"], registers["secret"]
    assert [r[0] for r in rows_of(client.get(f"{BASE}register.xlsx?register={ordinary.pk}").content)[1:]] == [
        plain.reference]
    rows = rows_of(client.get(f"{BASE}register.xlsx?register={secret.pk}").content)[1:]
    assert [r[0] for r in rows] == [hidden.reference] and rows[0][9] == "Mật"
    assert [r[2] for r in rows_of(client.get(f"{BASE}postal.xlsx").content)[1:]] == ["Báo Sơn La"]
    assert [r[2] for r in rows_of(client.get(f"{BASE}postal.xlsx?register={secret.pk}").content)[1:]] == [
        "Bộ Công an"]
    # A secret document wrongly numbered in the ordinary register still stays out of its printouts.
    OutgoingDocument.objects.filter(pk=hidden.pk).update(register=ordinary, number=77)
    assert [r[0] for r in rows_of(client.get(f"{BASE}register.xlsx?register={ordinary.pk}").content)[1:]] == [
        plain.reference]
    assert [r[2] for r in rows_of(client.get(f"{BASE}postal.xlsx?register={ordinary.pk}").content)[1:]] == [
        "Báo Sơn La"]


def test_who_may_print(org, other_org, registers, issued, login):
    issued()
    ordinary, secret = registers["ordinary"], registers["secret"]
    own = [f"{BASE}register.pdf?register={ordinary.pk}", f"{BASE}register.xlsx?register={ordinary.pk}",
           f"{BASE}postal.pdf?register={ordinary.pk}", f"{BASE}postal.xlsx?register={ordinary.pk}"]
    general = [BASE, f"{BASE}postal.pdf", f"{BASE}postal.xlsx"]
    for person in (org.specialist, org.unit_head, other_org.clerk, other_org.head):
        client = login(person)
        for url in own:
            assert client.get(url).status_code == 404, (person, url)
    for person in (org.specialist, org.unit_head):
        client = login(person)
        for url in general:
            assert client.get(url).status_code == 404, (person, url)
    for person in (org.clerk, org.head, org.deputy):
        client = login(person)
        for url in own + general:
            assert client.get(url).status_code == 200, (person, url)
    # Another agency's clerk prints their own postal register, never ours.
    assert login(other_org.clerk).get(f"{BASE}postal.xlsx").status_code == 200
    assert login(other_org.clerk).get(f"{BASE}postal.xlsx?agency={org.agency.pk}").status_code == 404
    # Unknown, malformed or incoming registers.
    incoming = Register.objects.get(agency=org.agency, direction=Register.Direction.INCOMING,
                                    category=Register.Category.ORDINARY)
    client = login(org.clerk)
    for value in ("999999", "abc", str(incoming.pk), "1.5"):
        for name in ("register.pdf", "postal.xlsx"):
            assert client.get(f"{BASE}{name}?register={value}").status_code == 404, (name, value)
    assert client.get(f"{BASE}postal.xlsx?agency=abc").status_code == 404
    # The secret register: its clerks only.
    for name in ("register.pdf", "register.xlsx", "postal.pdf", "postal.xlsx"):
        assert login(org.head).get(f"{BASE}{name}?register={secret.pk}").status_code == 404, name
        assert client.get(f"{BASE}{name}?register={secret.pk}").status_code == 200, name


def test_anonymous_goes_to_login(registers):
    from django.test import Client

    response = Client().get(f"{BASE}register.pdf?register={registers['ordinary'].pk}")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- The form -----------------------------------------------------------------------------

@pytest.mark.parametrize("query, needle", [
    ("from=31/02/2026&to=10/03/2026", "31/02/2026"),
    ("from=01/03/2026&to=hôm-nay", "hôm-nay"),
    ("from=10/03/2026&to=01/03/2026", ""),
    ("from=01/03/2026&to=31/12/9999", "31/12/9999"),
    ("from=" + "9" * 300, "9999"),
])
def test_bad_dates_go_back_to_the_form_with_a_message(org, registers, login, query, needle):
    client = login(org.clerk)
    for name in ("register.pdf", "register.xlsx", "postal.pdf", "postal.xlsx"):
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
    assert "Sổ văn bản đi" in page and "Sổ văn bản đi mật" in page
    assert "Sổ văn bản đến" not in page  # incoming registers have their own page
    assert f'<option value="{registers["secret"].pk}" selected>' in page
    assert 'value="01/02/2026"' in page
    for name in ("register.pdf", "register.xlsx", "postal.pdf", "postal.xlsx"):
        assert f"{BASE}{name}" in page, name
    assert "Sổ văn bản đi mật" not in login(org.head).get(BASE).content.decode()  # leaders: no secret register


# --- Queries ------------------------------------------------------------------------------

def _count(client, url: str) -> int:
    # Warm: what pages keep per person between events (core.personcache) is read from the
    # database once after each event; the growth with rows is what this counts.
    assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_rows(org, registers, issued, login):
    for _ in range(3):
        issued()
    ordinary = registers["ordinary"]
    period = Period.this_month()
    with CaptureQueriesContext(connection) as ctx:
        assert len(printouts.register_rows(ordinary, period)) == 3
        assert len(printouts.postal_rows(org.agency, period)) == 3
    assert len(ctx.captured_queries) == 3  # documents + their recipients, then the paper recipients
    client = login(org.clerk)
    urls = [f"{BASE}register.xlsx?register={ordinary.pk}", f"{BASE}register.pdf?register={ordinary.pk}",
            f"{BASE}postal.xlsx", f"{BASE}postal.pdf", f"{BASE}postal.xlsx?register={ordinary.pk}"]
    before = {url: _count(client, url) for url in urls}
    for _ in range(7):
        issued(paper=(("Báo Sơn La", "Sơn La"), ("Đài Phát thanh và Truyền hình tỉnh", "Sơn La")))
    after = {url: _count(client, url) for url in urls}
    assert len(printouts.register_rows(ordinary, period)) == 10
    assert len(printouts.postal_rows(org.agency, period)) == 17
    assert before == after, (before, after)
    assert max(after.values()) <= 15, after
