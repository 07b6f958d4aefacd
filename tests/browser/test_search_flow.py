"""A specialist searches without accents from the top bar, sees the document routed to them with
the words highlighted (and nothing of a secret document that is not theirs), and opens it."""

from __future__ import annotations

import pytest

from qlvb.core.actor import Actor
from qlvb.incoming import services as incoming
from qlvb.incoming.services import Target
from qlvb.incoming.tests.conftest import _media, register_doc, registers  # noqa: F401 - fixtures

from .helpers import path_of, sign_in

pytestmark = pytest.mark.browser


def test_specialist_searches_without_accents_and_opens_the_document(org, register_doc, session, shot):  # noqa: F811
    mine = register_doc(summary="Quyết định ban hành Quy chế làm việc của Sở năm 2026")
    incoming.route(by=Actor(org.head), document=mine, main=Target(person=org.specialist))
    register_doc(summary="Quyết định ban hành Quy chế bảo vệ bí mật nhà nước", secrecy="mat", presented_to=org.head)
    register_doc(summary="Quyết định ban hành Quy chế chi tiêu nội bộ")  # not routed to the specialist

    page = session.new_page()
    sign_in(page, org.specialist)
    page.fill("#topbar-q", "quyet dinh ban hanh quy che lam viec")
    with page.expect_navigation():
        page.press("#topbar-q", "Enter")
    assert path_of(page) == "/search/"
    results = page.locator("#search-results > li")
    assert results.count() == 1
    assert page.locator("#result-count").inner_text().startswith("1 văn bản")
    marked = results.first.locator("mark").first.inner_text()
    assert marked == "Quyết định ban hành Quy chế làm việc"
    assert "bí mật" not in page.content() and "chi tiêu" not in page.content()
    shot(page, "results")

    with page.expect_navigation():
        results.first.locator("a.search-title").click()
    assert path_of(page) == f"/incoming/{mine.pk}/"
    assert "Quy chế làm việc" in page.locator("main").inner_text()


def test_a_typing_mistake_is_offered_corrected_and_the_correction_followed(org, register_doc, session,  # noqa: F811
                                                                          shot):
    register_doc(summary="Quyết định phê duyệt kế hoạch triển khai Đề án 06")
    register_doc(summary="Báo cáo tình hình kinh tế - xã hội")

    page = session.new_page()
    sign_in(page, org.head)
    page.fill("#topbar-q", "quyet dihn trien kai")
    with page.expect_navigation():
        page.press("#topbar-q", "Enter")
    suggestion = page.locator("#search-suggestion")
    assert suggestion.inner_text().startswith("Có phải bạn muốn tìm")
    assert suggestion.locator("a").inner_text() == "quyết định triển khai"
    assert page.locator("#search-results > li").count() == 1
    shot(page, "suggestion")
    with page.expect_navigation():
        suggestion.locator("a").click()
    assert page.locator("#search-suggestion").count() == 0
    assert page.locator("#search-results > li mark").first.inner_text() == "Quyết định"
