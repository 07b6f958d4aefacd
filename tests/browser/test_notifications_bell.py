"""The bell in the top bar: it counts without a reload, lists the latest when opened, and a
notification leads to its document; on a phone-width page too."""

from __future__ import annotations

import pytest

from qlvb.incoming.tests.conftest import _media, register_doc, registers  # noqa: F401 - fixtures
from qlvb.notifications import services

from .helpers import path_of, sign_in

pytestmark = pytest.mark.browser


def test_the_bell_counts_live_and_leads_to_the_document(org, register_doc, session, shot):  # noqa: F811
    document = register_doc(summary="Giấy mời dự hội nghị chuyển đổi số tỉnh Sơn La năm 2026")
    services.mark_all_read(person=org.head)  # what registering it told her, read already
    page = session.new_page(phone=True)
    sign_in(page, org.head)
    badge = page.locator("#bell-count .badge")
    assert badge.count() == 0
    # Something is presented to her while the page is open: the bell counts it without a reload.
    services.notify([org.head], kind="presented", params={"reference": document.reference,
                                                          "summary": document.summary},
                    url=f"/incoming/{document.pk}/", urgent=True, key="browser-test")
    badge.wait_for(timeout=15_000)
    assert badge.inner_text().startswith("1")
    page.click("#bell-button")
    item = page.locator("#bell-list .bell-item").first
    item.wait_for()
    assert "Trình anh/chị cho ý kiến chỉ đạo" in item.inner_text() and "Khẩn" in item.inner_text()
    shot(page, "bell-open-phone")
    with page.expect_navigation():
        item.click()
    assert path_of(page) == f"/incoming/{document.pk}/"
    page.locator("#bell-count").wait_for(state="attached")
    page.wait_for_function("!document.querySelector('#bell-count .badge')", timeout=15_000)
