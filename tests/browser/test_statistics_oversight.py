"""The Giám đốc's oversight pages in a real browser, desktop and phone: the drafts not yet issued
with where each waits and for how long, the documents issued and the late reviews; the compliance
table of his people and one person's figures. No Content Security Policy violation (the session
fixture fails the test on any); screenshots kept for a person to look at."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.outgoing import services as outgoing
from qlvb.outgoing.tests.conftest import docx_upload, signing  # noqa: F401
from qlvb.tasks import services as tasks
from qlvb.tasks.services import Owner

from .helpers import sign_in

pytestmark = pytest.mark.browser

SHOTS = Path("/work/notes/shots")


@pytest.fixture
def drafts_waiting(org, signing, monkeypatch):  # noqa: F811
    for summary, submit in (("V/v báo cáo tình hình ứng dụng CNTT năm 2026", True),
                            ("V/v rà soát hạ tầng mạng của các phòng chuyên môn", True),
                            ("V/v xây dựng Kế hoạch chuyển đổi số năm 2027", False)):
        document = outgoing.create_draft(by=Actor(org.specialist), agency=org.agency, uploads=[docx_upload()],
                                         fields={"doc_type": "CV", "summary": summary, "field": signing})
        if submit:
            outgoing.submit(by=Actor(org.specialist), document=document, signer=org.deputy)
    tasks.assign(by=Actor(org.head), agency=org.agency, owner=Owner(person=org.specialist),
                 title="Rà soát tài khoản người dùng", deadline=timezone.localdate() + timedelta(days=5))
    real_now = timezone.now
    # A week and a half later, nothing reviewed: the reviews are past the agency's 3 working days.
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=10))


def _save(page, name: str) -> None:  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"statistics-{name}.png"), full_page=True)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_head_oversees_drafts_and_compliance(org, drafts_waiting, session, phone):
    page = session.new_page(phone=phone)
    sign_in(page, org.head)
    page.goto("/statistics/drafts/")
    assert page.locator("#waiting-drafts tbody tr").count() == 3
    assert page.inner_text("#waiting-in_review").strip().splitlines()[1] == "2"
    assert page.locator("#waiting-drafts tr.table-warning").count() == 2  # waiting past the review days
    assert org.unit_head.full_name in page.inner_text("#waiting-drafts")
    assert org.unit_head.full_name in page.inner_text("#late-reviewers")
    _save(page, f"drafts-{'phone' if phone else 'desktop'}")
    page.click("#waiting-in_review")
    page.wait_for_url("**status=in_review**")
    assert page.locator("#waiting-drafts tbody tr").count() == 2
    page.click("#statistics-tabs >> text=Mức độ sử dụng hệ thống")
    page.wait_for_url("**/statistics/compliance/**")
    assert page.locator("#compliance-table tbody tr").count() == 6
    _save(page, f"compliance-table-{'phone' if phone else 'desktop'}")
    with page.expect_navigation():
        page.click(f"#compliance-table tr[data-person='{org.specialist.pk}'] a")
    assert org.specialist.full_name in page.inner_text("h1 + span")
    assert page.locator("#compliance-tasks").is_visible()
    _save(page, f"compliance-person-{'phone' if phone else 'desktop'}")
    if phone:  # nothing wider than the screen
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
