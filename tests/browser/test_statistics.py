"""The statistics dashboards in a real browser (issue 19): the Giám đốc's agency and province
dashboards, the Trưởng phòng's unit, the specialist's own figures, a table and the list behind a
figure, on a desktop and on a phone; the charts are drawn by the vendored Chart.js under the
Content Security Policy (the session fails on any violation or script error)."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.incoming import services as incoming
from qlvb.incoming.tests.conftest import _media, field, register_doc, registers  # noqa: F401
from qlvb.org import services as org_services
from qlvb.outgoing import services as outgoing
from qlvb.outgoing.tests.conftest import draft, signing  # noqa: F401
from qlvb.statistics.tests.conftest import later, routed  # noqa: F401
from qlvb.tasks import services as tasks
from qlvb.tasks.models import Task
from qlvb.tasks.services import Owner

from .helpers import sign_in

pytestmark = pytest.mark.browser

# Where the screenshots are also kept for the issue (looked at before closing it).
SHOTS = Path("/work/notes/shots")

EVERY_CHART_DRAWN = """() => {
  const canvases = [...document.querySelectorAll("canvas[data-chart]")];
  return canvases.length > 0 && canvases.every((c) => Chart.getChart(c) !== undefined);
}"""


@pytest.fixture
def province(org, root, routed, later, draft):  # noqa: F811
    """The agency with an agency below it, and a month of work of every kind."""
    org_services.create_agency(by=Actor(root), code="000.00.03.H51", abbreviation="SNV",
                               name="Sở Nội vụ tỉnh Sơn La", parent=org.agency)
    done, late = routed(days=2), routed(days=2)
    for days in (3, 8, 10, 12):
        routed(days=days)
    routed(days=10, secrecy="mat")
    incoming.complete(by=Actor(org.specialist), document=done, note="Đã xử lý")
    outgoing.submit(by=Actor(org.specialist), document=draft, signer=org.head)
    today = timezone.localdate()
    for title, source, days in [("Rà soát thủ tục hành chính", Task.Source.INSTRUCTION, 3),
                                ("Thực hiện kết luận giao ban", Task.Source.MEETING, 20),
                                ("Chuyển đổi số quý IV", Task.Source.PROGRAMME, 2)]:
        tasks.assign(by=Actor(org.head), agency=org.agency, owner=Owner(unit=org.unit), title=title,
                     deadline=today + timedelta(days=days), source=source)
    later(4)
    incoming.complete(by=Actor(org.specialist), document=late, note="Đã xử lý, muộn")
    return org


def charts_drawn(page) -> bool:  # noqa: ANN001
    page.wait_for_function(EVERY_CHART_DRAWN)
    return page.evaluate(EVERY_CHART_DRAWN)


def keep(path: Path) -> None:
    if SHOTS.parent.is_dir():
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(path, SHOTS / path.name.split("--", 1)[-1])


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_dashboards_draw_their_charts(province, session, phone):
    org = province
    suffix = "phone" if phone else "desktop"
    boss = session.new_page(phone=phone)
    sign_in(boss, org.head)
    boss.goto("/statistics/")
    assert boss.get_attribute("#scope-tabs a[aria-current=page]", "data-level") == "agency"
    assert charts_drawn(boss)
    assert boss.inner_text("[data-figure=incoming-total]") == "7"
    keep(session.shot(boss, f"agency-{suffix}"))

    boss.click("#scope-tabs a[data-level=province]")
    boss.wait_for_url("**/statistics/?*scope=province*")
    assert charts_drawn(boss)
    assert "Sở Nội vụ tỉnh Sơn La" in boss.inner_text("#incoming-by-agency") or \
        org.agency.name in boss.inner_text("#incoming-by-agency")
    keep(session.shot(boss, f"province-{suffix}"))

    boss.goto("/statistics/table/?by=person&period=quarter")
    assert charts_drawn(boss)
    assert org.specialist.full_name in boss.inner_text("#stat-table")
    keep(session.shot(boss, f"table-{suffix}"))

    boss.goto("/statistics/")
    with boss.expect_navigation():
        boss.click("[data-figure=incoming-pending]")
    assert boss.inner_text("#items-count") == boss.locator("#items-list tbody tr").count().__str__()
    keep(session.shot(boss, f"list-{suffix}"))

    unit = session.new_page(phone=phone)
    sign_in(unit, org.unit_head)
    unit.goto("/statistics/")
    assert unit.get_attribute("#scope-tabs a[aria-current=page]", "data-level") == "unit"
    assert charts_drawn(unit)
    keep(session.shot(unit, f"unit-{suffix}"))

    own = session.new_page(phone=phone)
    sign_in(own, org.specialist)
    own.goto("/statistics/")
    assert own.get_attribute("#scope-tabs a[aria-current=page]", "data-level") == "person"
    assert charts_drawn(own)
    keep(session.shot(own, f"person-{suffix}"))


def test_the_period_picker(province, session):
    page = session.new_page()
    sign_in(page, province.head)
    page.goto("/statistics/")
    assert page.locator("#period-start").is_hidden()
    page.select_option("#period-period", "range")
    assert page.locator("#period-start").is_visible() and page.locator("#period-day").is_hidden()
    page.fill("#period-start", "2026-12-05")
    page.fill("#period-end", "2026-12-01")
    with page.expect_navigation():
        page.click("#period-show")
    assert "Ngày kết thúc trước ngày bắt đầu." in page.inner_text("#period-error")
    assert charts_drawn(page)
    with page.expect_navigation():
        page.click("#period-previous")
    assert "#period-error" not in page.content() or page.locator("#period-error").count() == 0
