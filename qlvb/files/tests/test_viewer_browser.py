"""The PDF viewer in a real browser (Debian's chromium through Playwright): pages drawn lazily,
page count, zoom, links. Run with the other browser tests (-m browser)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import CSP_WATCH
from qlvb.files.services import store_bytes

pytestmark = [pytest.mark.browser, pytest.mark.urls("qlvb.files.tests.viewer_urls")]

@pytest.fixture
def chromium_page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.add_init_script(CSP_WATCH)  # a violation of the Content Security Policy is a console error
    page.errors = errors
    yield page
    context.close()


def _drawn(page, number: int) -> None:
    page.wait_for_function(f"() => (c => c && c.width > 0)(document.querySelector('[data-page=\"{number}\"] canvas'))")


def _pdf(pages: int) -> bytes:
    from weasyprint import HTML

    body = "".join(f'<section style="page-break-after: always"><h1>Trang {n}</h1><p>Kính gửi: Sở Nội vụ tỉnh '
                   f'Sơn La. Điều {n}. Quy định chung.</p></section>' for n in range(1, pages + 1))
    return HTML(string=f'<html lang="vi"><body>{body}</body></html>').write_pdf()


def test_viewer_draws_pages_lazily_and_zooms(transactional_db, storage_root, live_server, chromium_page):
    stored = store_bytes(_pdf(12), name="cv.pdf")
    page = chromium_page
    page.goto(f"{live_server.url}/viewer/{stored.pk}/")
    first = page.locator('[data-page="1"] canvas')
    _drawn(page, 1)
    assert page.locator("[data-pdf-page]").count() == 0  # sanity: the attribute is data-page
    assert page.locator("[data-page]").count() == 12
    assert "1" in page.locator("[data-pdf-page-info]").inner_text() and "12" in page.locator(
        "[data-pdf-page-info]").inner_text()
    # Far pages are not drawn yet.
    assert page.evaluate("document.querySelector('[data-page=\"12\"] canvas').width") == 0
    # The page fits the viewer's width.
    box_width = page.evaluate("document.querySelector('[data-pdf-pages]').clientWidth")
    page_width = first.bounding_box()["width"]
    assert box_width - 40 < page_width <= box_width
    # Zoom in, then back to the width.
    page.locator("[data-pdf-action=zoom-in]").click()
    assert page.locator("[data-pdf-zoom-label]").inner_text() == "110%"
    page.wait_for_function(
        f"() => document.querySelector('[data-page=\"1\"]').getBoundingClientRect().width > {page_width}")
    page.locator("[data-pdf-action=fit]").click()
    assert page.locator("[data-pdf-zoom-label]").inner_text() == "100%"
    # Scroll to the end: the last page gets drawn and the counter follows.
    page.evaluate("const b = document.querySelector('[data-pdf-pages]'); b.scrollTop = b.scrollHeight")
    _drawn(page, 12)
    assert page.locator("[data-pdf-page-info]").inner_text().startswith("Page 12") or "12" in page.locator(
        "[data-pdf-page-info]").inner_text().split()[1]
    assert page.locator("a[target=_blank]").first.get_attribute("href") == f"/file/{stored.pk}/"
    assert page.get_by_role("heading", name="Công văn số 12/UBND-VP").count() == 1
    assert page.errors == []


def test_viewer_says_so_when_the_file_cannot_be_shown(transactional_db, storage_root, live_server, chromium_page):
    page = chromium_page
    page.goto(f"{live_server.url}/viewer/999/")  # the file route answers 404
    page.wait_for_function("() => document.querySelector('[data-pdf-status]').classList.contains('text-danger')")
    assert page.locator("[data-pdf-status]").is_visible()
