"""A result's snippet shows the words it was chosen for."""

from __future__ import annotations

import re

from qlvb.search.query import parse
from qlvb.search.selectors import SNIPPET_CHARS, snippet


def _filler(n: int) -> str:
    words = ["báo", "cáo", "tình", "hình", "thực", "hiện", "nhiệm", "vụ", "trong", "tháng", "năm"]
    text = ""
    while len(text) < n:
        text += words[len(text) % len(words)] + " "
    return text[:n].rsplit(" ", 1)[0] + " "


def test_the_window_chosen_for_two_words_shows_both():
    # "ngân" then "quỹ" 200 characters on (more than three quarters of a snippet apart), and further
    # down the two side by side: the snippet is that place, with both words marked whole.
    body = (_filler(300) + "ngân " + _filler(200) + "quỹ " + _filler(1500)
            + "chi từ ngân sách và quỹ phát triển " + _filler(300))
    shown = str(snippet(body, parse("ngân quỹ")))
    assert re.findall(r"<mark>([^<]*)</mark>", shown) == ["ngân", "quỹ"]
    assert "chi từ <mark>ngân</mark> sách và <mark>quỹ</mark> phát triển" in shown
    assert len(re.sub(r"<[^>]+>", "", shown)) <= SNIPPET_CHARS + 2 * 30


def test_one_word_is_shown_with_what_comes_before_it():
    body = _filler(1000) + "Về việc đôn đốc thực hiện " + _filler(500)
    shown = str(snippet(body, parse("don doc")))
    assert "Về việc <mark>đôn đốc</mark> thực hiện" in shown and shown.startswith("…")
