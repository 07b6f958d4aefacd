"""Suggested registration fields from realistic texts: the regulations in the seeds (as typed,
so with Markdown marks), OCR output of two-column headers, official letters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from qlvb.digitisation.suggest import sentence_case, suggest_incoming_fields

SEEDS = Path("/work/shared/seeds")


@dataclass
class Agency:
    pk: int
    name: str
    abbreviation: str


DIRECTORY = [Agency(1, "Sở Nội vụ tỉnh Sơn La", "SNV"), Agency(2, "Sở Thông tin và Truyền thông tỉnh Sơn La", "STTTT"),
             Agency(3, "Ủy ban nhân dân tỉnh Sơn La", "UBND"), Agency(4, "Ủy ban nhân dân tỉnh Bắc Giang", "UBND")]


def seed(prefix: str) -> str:
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip("the seeds are not on this machine")
    return matches[0].read_text(encoding="utf-8")


def test_a_provincial_decision_from_the_seeds():
    found = suggest_incoming_fields(seed("004"), DIRECTORY)
    assert found["number"] == "445" and found["notation"] == "2013/QĐ-UBND"
    assert found["document_date"] == date(2013, 9, 3)
    assert found["doc_type"] == "QĐ"
    assert found["summary"].startswith("Ban hành Quy định quản lý chuyên môn nghiệp vụ")
    assert found["issuer_name"] == "Ủy ban nhân dân tỉnh Bắc Giang"
    assert found["issuer_agency"].pk == 4


def test_a_department_decision_from_the_seeds():
    found = suggest_incoming_fields(seed("003"))
    assert (found["number"], found["notation"], found["doc_type"]) == ("243", "QĐ-STTTT", "QĐ")
    assert found["document_date"] == date(2018, 12, 28)
    assert found["summary"] == ("Ban hành Quy chế Quản lý, sử dụng Hệ thống Quản lý văn bản và điều hành của Sở "
                                "Thông tin và Truyền thông tỉnh Gia Lai")


def test_a_draft_without_number_or_day_gives_what_is_there_and_not_a_wrong_date():
    found = suggest_incoming_fields(seed("000"))  # "Số: /QĐ-CNTTTT", "ngày tháng 01 năm 2022"
    assert "number" not in found and found["notation"] == "QĐ-CNTTTT"
    assert "document_date" not in found  # not the "Căn cứ … ngày 22/11/2021" further down
    assert found["summary"].startswith("Ban hành Quy chế làm việc của Trung tâm")
    found = suggest_incoming_fields(seed("001"))
    assert found["document_date"] == date(2019, 4, 18) and found["doc_type"] == "QĐ"
    assert found["summary"] == "Ban hành Quy chế làm việc của Sở Thông tin và Truyền thông tỉnh Sơn La"


def test_an_official_letter_read_by_ocr_with_the_motto_on_the_same_lines():
    text = """UBND TỈNH SƠN LA CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM

SỞ NỘI VỤ Độc lập - Tự do - Hạnh phúc

Số: 125/SNV-CCVC Sơn La, ngày 12 tháng 02 năm 2026

V/v báo cáo số lượng cán bộ, công chức
năm 2025

Kính gửi: Sở Thông tin và Truyền thông

Thực hiện Kế hoạch số 10/KH-UBND ngày 05/01/2026 của UBND tỉnh…

GIÁM ĐỐC

Nguyễn Văn An
"""
    found = suggest_incoming_fields(text, DIRECTORY)
    assert found == {
        "number": "125", "notation": "SNV-CCVC", "document_date": date(2026, 2, 12), "doc_type": "CV",
        "summary": "Báo cáo số lượng cán bộ, công chức năm 2025", "issuer_name": "Sở Nội vụ tỉnh Sơn La",
        "issuer_agency": DIRECTORY[0], "signer_name": "Nguyễn Văn An"}


@pytest.mark.parametrize(("title", "code"), [("THÔNG BÁO", "TB"), ("KẾ HOẠCH", "KH"), ("GIẤY MỜI", "GM"),
                                             ("TỜ TRÌNH", "TTr"), ("BÁO CÁO", "BC"), ("CÔNG ĐIỆN", "CĐ")])
def test_the_type_is_the_title_under_the_date(title, code):
    text = f"SỞ NỘI VỤ\nSố: 7/{code}-SNV\nSơn La, ngày 3 tháng 11 năm 2026\n{title}\nVề việc tổ chức hội nghị\n"
    found = suggest_incoming_fields(text)
    assert found["doc_type"] == code and found["summary"] == "Tổ chức hội nghị"
    assert found["document_date"] == date(2026, 11, 3)


def test_nothing_is_invented_from_text_that_is_not_a_document():
    assert suggest_incoming_fields("") == {}
    assert suggest_incoming_fields("xin chào\n12345\n—") == {}
    found = suggest_incoming_fields("Số: 12/QĐ-UBND\nSơn La, ngày 31 tháng 02 năm 2026\n")
    assert "document_date" not in found  # 31 February


def test_sentence_case_of_agency_names():
    assert sentence_case("ỦY BAN NHÂN DÂN TỈNH SƠN LA") == "Ủy ban nhân dân tỉnh Sơn La"
    assert sentence_case("SỞ THÔNG TIN VÀ TRUYỀN THÔNG") == "Sở Thông tin và Truyền thông"
    assert sentence_case("UBND THÀNH PHỐ HÀ NỘI") == "UBND thành phố Hà Nội"


def test_doubtful_values_are_marked_not_silently_used():
    """The cases found: an issuer with the motto cut into it, a cut-off notation, a body that does
    not exist in the directory, a summary running on through the body's sentences."""
    from qlvb.digitisation.suggest import doubtful

    text = """BỘ THÔNG TIN VÀ TRUYỀN THÔNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VI

Số: 15/BTTTT-C Hà Nội, ngày 10 tháng 3 năm 2026

V/v hướng dẫn triển khai chữ ký số. Bộ Thông tin và Truyền thông đề nghị các cơ quan.
Các đơn vị triển khai trước ngày 30/6.
"""
    found = suggest_incoming_fields(text, DIRECTORY)
    assert found["issuer_name"] == "Bộ Thông tin và Truyền thông"  # no motto in it
    assert found["notation"] == "BTTTT-C"
    assert "Các đơn vị" not in found["summary"]  # it stops where the body's sentence ended
    assert doubtful(found) == {"issuer_name", "notation", "summary"}
    letter = suggest_incoming_fields("VĂN PHÒNG TỈNH SƠN LA\nSố: 3/VP-TH\nSơn La, ngày 2 tháng 3 năm 2026\n"
                                     "V/v lịch họp tuần\n", DIRECTORY)
    assert "issuer_name" in doubtful(letter)  # no such body in the directory
    sure = suggest_incoming_fields(seed("004"), DIRECTORY)
    assert doubtful(sure) == set()


def test_use_all_leaves_the_doubtful_ones_out(org, login, settings):
    """The suggestion box marks the doubtful values; "use all" takes only the sure ones."""
    from pathlib import Path

    from qlvb.digitisation.views import _as_choices

    choices = _as_choices({"number": "15", "notation": "BTTTT-C"}, {"notation"})
    assert [c["doubtful"] for c in choices] == [False, True]
    script = Path("qlvb/digitisation/static/digitisation/suggest.js").read_text()
    assert ".ocr-suggestion:not([data-doubtful])" in script
