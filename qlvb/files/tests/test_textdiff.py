"""Word-level diffs between draft versions, coloured by the reviewer who made the changes."""

from __future__ import annotations

import re
import unicodedata

import pytest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from qlvb.files.textdiff import DiffOp, diff_context, diff_versions, has_changes, render_html, role_style


def rebuild(ops: list[DiffOp]) -> tuple[str, str]:
    old = "".join(op.text for op in ops if op.kind != "insert")
    new = "".join(op.text for op in ops if op.kind != "delete")
    return old, new


def test_word_level_changes():
    old = "Giao Phòng Kế hoạch chủ trì, báo cáo trước ngày 15 tháng 3 năm 2026."
    new = "Giao Văn phòng chủ trì, báo cáo trước ngày 20 tháng 3 năm 2026."
    ops = diff_versions(old, new)
    assert rebuild(ops) == (old, new)
    assert DiffOp("delete", "Phòng Kế hoạch") in ops
    assert DiffOp("insert", "Văn phòng") in ops
    assert DiffOp("delete", "15") in ops and DiffOp("insert", "20") in ops
    # Unchanged words stay whole, with their Vietnamese marks.
    assert any(op.kind == "equal" and "chủ trì, báo cáo trước ngày " in op.text for op in ops)
    # Deletions come before insertions inside one change.
    kinds = [op.kind for op in ops]
    assert kinds.index("delete") < kinds.index("insert")


def test_identical_and_normalisation():
    text = "Quyết định về việc thành lập Tổ công tác"
    assert diff_versions(text, text) == [DiffOp("equal", text)]
    decomposed = unicodedata.normalize("NFD", text)
    assert not has_changes(diff_versions(text, decomposed))
    assert diff_versions("", "") == []
    assert diff_versions("a\r\nb", "a\nb") == [DiffOp("equal", "a\nb")]


def test_paragraphs_added_and_removed():
    old = "Điều 1. Thành lập.\nĐiều 2. Nhiệm vụ.\nĐiều 3. Hiệu lực.\n"
    new = "Điều 1. Thành lập.\nĐiều 3. Hiệu lực thi hành.\nĐiều 4. Trách nhiệm thi hành.\n"
    ops = diff_versions(old, new)
    assert rebuild(ops) == (old, new)
    assert has_changes(ops)
    deleted = "".join(op.text for op in ops if op.kind == "delete")
    inserted = "".join(op.text for op in ops if op.kind == "insert")
    assert "Nhiệm vụ" in deleted
    assert "thi hành" in inserted and "Điều 4" in inserted
    assert ops[0] == DiffOp("equal", "Điều 1. Thành lập.\n")


def test_spaces_between_changes_are_absorbed():
    ops = diff_versions("một hai ba", "bốn năm ba")
    assert ops == [DiffOp("delete", "một hai"), DiffOp("insert", "bốn năm"), DiffOp("equal", " ba")]


def test_long_texts_stay_fast():
    import time

    old = "\n".join(f"Khoản {i}. Nội dung quy định số {i} về công tác văn thư lưu trữ." for i in range(3000))
    new = old.replace("Khoản 1500.", "Khoản 1500 (sửa đổi).").replace("lưu trữ.\nKhoản 2999", "lưu trữ.\nKhoản 3000")
    started = time.process_time()  # CPU time: the clock also counts the other test workers
    ops = diff_versions(old, new)
    assert time.process_time() - started < 5
    assert rebuild(ops) == (old, new)
    assert DiffOp("insert", " (sửa đổi)") in ops


@pytest.mark.parametrize(("role", "colour"), [
    ("unit_head", "text-primary"), ("signer", "text-danger"), ("leader", "text-danger"),
    ("drafter", "text-success"),
])
def test_role_colours(role, colour):
    html = render_html(diff_versions("Kính gửi Sở", "Kính gửi UBND tỉnh"), role=role)
    assert isinstance(html, SafeString)
    assert html.count(colour) == 2  # the <ins> and the <del>
    assert f"diff-role-{role}" in html
    assert '<del class="diff-delete' in html and '<ins class="diff-insert' in html
    assert role_style(role).startswith(colour)


def test_unit_head_blue_and_leader_red_are_different():
    ops = diff_versions("a", "b")
    assert "text-primary" in render_html(ops, role="unit_head")
    assert "text-primary" not in render_html(ops, role="leader")
    assert "text-danger" in render_html(ops, role="leader")
    unknown = render_html(ops, role='x" onmouseover="alert(1)')
    assert "onmouseover=" not in unknown and "text-danger" not in unknown and "text-primary" not in unknown


def test_everything_is_escaped():
    old = "Nội dung <b>cũ</b> & \"trích dẫn\""
    new = "Nội dung <script>alert('x')</script> & <img src=x onerror=alert(1)>"
    html = render_html(diff_versions(old, new), role="signer")
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert set(re.findall(r"</?([a-zA-Z]+)", html)) <= {"ins", "del", "span", "br"}
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&amp;" in html and "&quot;" in html
    assert "&#x27;x&#x27;" in html or "&#39;x&#39;" in html


def test_line_breaks_and_screen_reader_labels():
    html = render_html(diff_versions("Dòng 1\nDòng 2", "Dòng 1\nDòng 2\nDòng 3"), role="drafter")
    assert "<br>" in html
    assert "¶" in html  # the added paragraph break is visible
    assert 'class="visually-hidden"' in html


def test_template_shows_legend_and_escapes_labels():
    context = diff_context("Số 12", "Số 13", role="unit_head", old_label="Bản 1 <i>", new_label="Bản 2",
                           role_label="Trưởng phòng")
    html = render_to_string("files/_diff.html", context)
    assert "Bản 1 &lt;i&gt;" in html and "<i>" not in html
    assert "Trưởng phòng" in html
    assert '<ins class="diff-insert diff-role-unit_head text-primary' in html
    assert "text-danger" in html  # the legend names every colour
    same = render_to_string("files/_diff.html", diff_context("a", "a", role="signer", old_label="1", new_label="2"))
    assert "<ins" not in same.split("</ul>", 1)[1]


def test_template_escapes_an_unsafe_string():
    html = render_to_string("files/_diff.html", {"diff_html": "<script>x</script>", "old_label": "1",
                                                  "new_label": "2"})
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_changes_far_apart_are_credited_to_the_version_that_made_them():
    """v1 → v4 shows the unit head's edit as the unit head's, the office's as the office's and the
    signer's as the signer's — not everything as the newest version's."""
    from qlvb.files.textdiff import EQUAL, attributed_diff, render_attributed_html

    v1 = "Sở báo cáo kết quả năm 2025 như sau.\nKính gửi UBND tỉnh."
    v2 = "Sở báo cáo kết quả thực hiện năm 2025 như sau.\nKính gửi UBND tỉnh."  # unit head adds
    v3 = "Sở báo cáo kết quả thực hiện năm 2025 như sau:\nKính gửi UBND tỉnh."  # office: the colon
    v4 = "Sở báo cáo kết quả thực hiện năm 2025 như sau:\nKính gửi Ủy ban nhân dân tỉnh."  # signer
    pieces = attributed_diff([(v1, "v1", "drafter"), (v2, "v2", "unit_head"), (v3, "v3", "office"),
                              (v4, "v4", "signer")])
    changes = {(p.kind, p.text.strip(), p.role) for p in pieces if p.kind != EQUAL}
    assert ("insert", "thực hiện", "unit_head") in changes
    assert ("delete", ".", "office") in changes and ("insert", ":", "office") in changes
    assert ("delete", "UBND", "signer") in changes and ("insert", "Ủy ban nhân dân", "signer") in changes
    # Joining the unchanged and deleted pieces gives v1; the unchanged and inserted ones give v4.
    assert "".join(p.text for p in pieces if p.kind != "insert") == v1
    assert "".join(p.text for p in pieces if p.kind != "delete") == v4
    html = render_attributed_html(pieces)
    assert "diff-role-office" in html and "diff-role-unit_head" in html and "diff-role-signer" in html


def test_text_added_and_removed_between_the_ends_does_not_show():
    from qlvb.files.textdiff import attributed_diff

    pieces = attributed_diff([("Một hai.", "v1", "drafter"), ("Một hai ba.", "v2", "unit_head"),
                              ("Một hai.", "v3", "signer")])
    assert [p.kind for p in pieces] == ["equal"]
