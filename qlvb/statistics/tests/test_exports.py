"""The Excel and PDF files of a statistic: the same figures as the selectors, for whoever may
open the scope, recorded in the log."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

import pytest
from django.http import QueryDict
from openpyxl import load_workbook
from pypdf import PdfReader

from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.incoming import services as incoming
from qlvb.statistics import params, selectors
from qlvb.statistics.selectors import OUTCOMES

pytestmark = pytest.mark.django_db


def cells(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def read_table(content: bytes, heading: str) -> tuple[list[list[Any]], list[Any]]:
    """The body rows and the totals row of the table whose dimension column is `heading`."""
    rows = cells(content)
    start = next(i for i, r in enumerate(rows) if r[1] == heading)
    body: list[list[Any]] = []
    for r in rows[start + 1:]:
        if r[1] == "Tổng cộng":
            return body, r
        body.append(r)
    raise AssertionError("no totals row")


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(unicodedata.normalize("NFC", text).split())  # cells wrap over lines


def test_the_excel_file_holds_the_rows_and_totals_of_the_selectors(org, routed, login, later):
    done, _late, _waiting = routed(days=2), routed(days=2), routed(days=2)
    incoming.complete(by=Actor(org.specialist), document=done, note="Đã xử lý")
    later(5)  # one overdue now
    query = "scope=agency&by=unit&period=month"
    response = login(org.head).get(f"/statistics/table.xlsx?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    asked = params.read(org.head, QueryDict(query))
    body, total = read_table(response.content, "Đơn vị")
    expected = selectors.by(org.head, asked.query, "unit")
    assert [[r[1], *r[2:]] for r in body] == [[row.label, *(row.counts[o] for o in OUTCOMES)] for row in expected]
    totals = selectors.totals(org.head, asked.query)
    assert total[2:] == [totals[o] for o in OUTCOMES]
    assert totals == {"total": 3, "done_on_time": 1, "done_late": 0, "pending": 0, "overdue": 2}
    texts = [c for row in cells(response.content) for c in row if isinstance(c, str)]
    assert "THỐNG KÊ VĂN BẢN ĐẾN" in texts
    assert any(org.head.full_name in t and "Lập từ hệ thống" in t for t in texts)  # when and by whom
    event = Event.objects.get(verb="statistics.exported")
    assert (event.actor_id, event.agency_id, event.data["format"], event.data["what"]) == \
        (org.head.pk, org.agency.pk, "xlsx", "statistic")
    assert event.data["params"]["by"] == "unit"


def test_the_pdf_is_a_pdf_with_the_vietnamese_title(org, routed, login):
    routed()
    response = login(org.clerk).get("/statistics/table.pdf?scope=agency&period=quarter")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "THỐNG KÊ VĂN BẢN ĐẾN" in text.upper()
    assert org.unit.name in text and org.agency.name in text
    assert "Tổng cộng" in text


def test_a_colleagues_scope_is_not_found(org, login):
    clerk = login(org.clerk)
    assert clerk.get(f"/statistics/table.xlsx?scope=person&person={org.specialist.pk}").status_code == 404
    assert clerk.get("/statistics/table.pdf?scope=agency&by=person").status_code == 404  # people: leaders only
    assert login(org.specialist).get("/statistics/table.xlsx?scope=agency").status_code == 404
    assert login(org.head).get("/statistics/table.docx?scope=agency").status_code == 404
    assert not Event.objects.filter(verb="statistics.exported").exists()


def test_a_period_written_wrongly_goes_back_with_a_message(org, login):
    client = login(org.head)
    response = client.get("/statistics/table.xlsx?period=decade", follow=True)
    assert "Chọn tuần, tháng, quý, 6 tháng, năm hoặc một khoảng ngày." in response.content.decode()
    assert not Event.objects.filter(verb="statistics.exported").exists()


def test_the_export_reads_a_bounded_number_of_queries(org, routed, login, django_assert_max_num_queries):
    for _ in range(3):
        routed()
    client = login(org.head)
    client.get("/statistics/table.xlsx?scope=agency&by=person")  # warm the caches of the session
    with django_assert_max_num_queries(30):
        assert client.get("/statistics/table.xlsx?scope=agency&by=person").status_code == 200
