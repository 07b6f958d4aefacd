"""Relevance, fixed: for each query, the order a clerk expects, the same on SQLite and PostgreSQL
(CI runs this file on both). The documents are letters as they arrive: the national motto
("Độc lập - Tự do - Hạnh phúc") and a director's signature ("GIÁM ĐỐC") in every one, so `doc`
is in all of them, and words that fold alike (đồng, dòng, động, đông, đóng)."""

from __future__ import annotations

import pytest

from qlvb.core.actor import Actor
from qlvb.incoming import services as incoming_services
from qlvb.incoming.tests.conftest import fields, pdf_upload
from qlvb.search import selectors, services

pytestmark = pytest.mark.django_db

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
SIGNATURE = "\nNơi nhận:\n- Như trên;\n- Lưu: VT.\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n"
FILLER = ("Căn cứ tình hình thực tế tại địa phương, yêu cầu thủ trưởng các cơ quan nghiêm túc thực hiện, "
          "báo cáo kết quả trước ngày 15 hằng tháng. ")

LETTERS = {
    "A": ("Đôn đốc triển khai chuyển đổi số", "TB",
          "Sở Thông tin và Truyền thông đề nghị các cơ quan, đơn vị khẩn trương triển khai nhiệm vụ."),
    "B": ("Đơn đề nghị cấp lại giấy phép", "BC",
          "Tôi đã đọc kỹ hướng dẫn và cam kết chịu trách nhiệm về nội dung kê khai."),
    "C": ("Báo cáo kết quả đồng bộ dữ liệu dân cư", "BC",
          "Hội đồng thẩm định đã họp và thống nhất nội dung báo cáo."),
    "D": ("Kế hoạch nạo vét dòng chảy sông Nậm La", "KH",
          "Tăng cường động viên nhân dân trước mùa đông, đóng góp ngày công lao động."),
    "E": ("Công văn về việc tăng cường bảo đảm an toàn thông tin", "CV",
          "Đề nghị các cơ quan rà soát hệ thống, khắc phục ngay các lỗ hổng bảo mật."),
    "F": ("Thông báo lịch công tác tuần của lãnh đạo Sở", "TB",
          "Lãnh đạo Sở đi công tác cơ sở. " + FILLER + "Đầu mối liên hệ: văn thư cơ quan."),
    "G": ("Quyết định phê duyệt kế hoạch triển khai Đề án 06", "QĐ",
          "Căn cứ Công văn số 4512/UBND-KGVX của Ủy ban nhân dân tỉnh. Người soạn thảo: Lương Thị Hồng."),
    "X": ("Thẩm định hồ sơ dự án đầu tư công nghệ", "TTr",
          "Hồ sơ gồm thuyết minh và dự toán kinh phí."),
    "Y": ("Giấy mời Giám đốc dự họp giao ban", "GM",
          "Nội dung: thẩm định phương án. " + FILLER * 4 + "Thành phần: theo danh sách."),
}
NUMBERS = {"G": ("243", "QĐ-STTTT")}


@pytest.fixture
def letters(org, registers, monkeypatch):
    """The letters, each registered with a scan whose read text is the letter."""
    texts: dict[int, str] = {}
    monkeypatch.setattr(services, "file_texts", lambda ids: {i: texts[i] for i in ids if i in texts})
    made = {}
    for n, (key, (summary, doc_type, text)) in enumerate(LETTERS.items()):
        number, notation = NUMBERS.get(key, (str(300 + n), "UBND"))
        document = incoming_services.register_document(
            by=Actor(org.clerk), agency=org.agency, register=registers["ordinary"],
            fields=fields(number=number, notation=notation, summary=summary, doc_type=doc_type,
                          issuer_name="Sở Thông tin và Truyền thông"),
            uploads=[pdf_upload(salt=key)], presented_to=org.head)
        texts[document.files.get().stored_id] = MOTTO + text + SIGNATURE
        services.index("incoming", document.pk)
        made[document.summary] = key
    return made


def order(org, letters, text):
    results = selectors.search(org.head, text)
    return [letters[hit.entry.title] for hit in results.hits], results


@pytest.mark.parametrize(("text", "expected"), [
    ("đồng", ["C", "D"]),  # typed with marks: the one spelled so first
    ("dong", ["D", "C"]),  # without: every spelling, the one holding it most first
    ("ĐỒNG", ["C", "D"]),
    ("dòng chảy", ["D"]),
    ("don doc", ["A", "B"]),  # next to each other in the title before far apart in the text
    ("đơn đọc", ["B", "A"]),  # …unless the marks say otherwise
    ("cong van", ["E", "G", "F"]),  # title, then next to each other, then apart
    ("giam doc tham dinh", ["X", "Y", "C"]),  # the rare word in the title weighs more
    ("4512", ["G"]),
    ("243/QĐ-STTTT", ["G"]),
])
def test_expected_order(org, letters, text, expected):
    found, results = order(org, letters, text)
    assert found == expected, text
    assert not results.fuzzy and not results.suggestion


def test_only_the_typed_spelling_is_marked_where_it_is(org, letters):
    results = selectors.search(org.head, "đồng")
    exact, folded = results.hits
    assert "<mark>đồng</mark> bộ" in exact.title_html and "Hội <mark>đồng</mark>" in exact.snippet_html
    # the other document holds no "đồng": its spellings are marked, so the reader sees why it is here
    assert "<mark>dòng</mark>" in folded.title_html
    # without marks typed, every spelling is marked everywhere
    results = selectors.search(org.head, "dong")
    assert "<mark>dòng</mark>" in results.hits[0].title_html and "<mark>động</mark>" in results.hits[0].snippet_html


def test_tone_mark_placement_and_case_do_not_matter(org, letters):
    assert order(org, letters, "HOÀ")[0] == order(org, letters, "hòa")[0]
    assert order(org, letters, "Đồng")[0] == ["C", "D"]


@pytest.mark.parametrize(("text", "expected", "suggested"), [
    ("trien kai", {"A", "G"}, "triển khai"),
    ("quyet dihn", {"G"}, "quyết định"),
    ("Luong Thi Hng", {"G"}, "lương thị hồng"),
    ("4521", {"G"}, "4512"),
    ("243/qd-sttt", {"G"}, "243 QĐ STTTT"),
])
def test_one_keystroke_off_is_found_and_corrected(org, letters, text, expected, suggested):
    found, results = order(org, letters, text)
    assert set(found) == expected, text
    assert results.fuzzy and results.suggestion_text == suggested
    again, again_results = order(org, letters, results.suggestion)
    assert set(again) >= expected and not again_results.fuzzy


def test_nothing_is_suggested_from_documents_one_may_not_open(org, other_org, letters):
    results = selectors.search(other_org.head, "Luong Thi Hng")
    assert results.hits == [] and results.suggestion == "" and results.total == 0
    results = selectors.search(other_org.head, "quyet dihn")
    assert results.hits == [] and results.suggestion == ""
