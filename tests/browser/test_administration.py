"""The administrator's pages in a real browser, on a desktop and on a 390 px phone: the hub in the
menu, the review flow and system parameters, registers, working days and exchange peers."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page

from qlvb.core import parameters
from qlvb.core.models import CalendarDay, Event
from qlvb.core.workdays import add_working_days
from qlvb.exchange.models import Peer
from qlvb.outgoing.services import settings_for
from qlvb.registers.models import Register
from qlvb.registers.services import ensure_default_registers

from .helpers import path_of, sign_in

pytestmark = pytest.mark.browser


def _overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _submit(page: Page, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button.btn-primary")


def test_hub_is_in_the_menu_of_administrators_and_opens_their_pages(org, root, session, shot):
    page = session.new_page()
    sign_in(page, org.admin)
    link = page.locator("#sidebar a[href='/administration/']")
    with page.expect_navigation():
        link.click()
    assert path_of(page) == "/administration/"
    keys = page.locator("[data-admin-page]").evaluate_all("els => els.map(e => e.dataset.adminPage)")
    assert {"flow", "registers", "calendar", "audit"} <= set(keys) and "peers" not in keys
    shot(page, "hub-desktop")
    with page.expect_navigation():
        page.click("[data-admin-page=registers]")
    assert path_of(page) == "/registers/"

    phone = session.new_page(phone=True)
    sign_in(phone, org.admin)
    phone.goto("/administration/")
    assert _overflow(phone) <= 0
    shot(phone, "hub-phone")

    installation = session.new_page()
    sign_in(installation, root)
    installation.goto("/administration/")
    keys = installation.locator("[data-admin-page]").evaluate_all("els => els.map(e => e.dataset.adminPage)")
    assert {"parameters", "directory", "peers", "agencies", "flow", "calendar"} <= set(keys)
    shot(installation, "hub-installation")

    other = session.new_page()
    sign_in(other, org.specialist)
    assert other.locator("#sidebar a[href='/administration/']").count() == 0
    assert other.goto("/administration/").status == 404


def test_review_flow_and_parameters_are_set_through_their_pages(org, root, session, shot):
    page = session.new_page()
    sign_in(page, org.admin)
    page.goto("/administration/flow/")
    assert path_of(page) == f"/administration/flow/{org.agency.pk}/"
    page.fill("#id_review_days", "40")
    page.check("#id_office_check")
    _submit(page, "#flow-form")
    assert "từ 1 đến 30" in page.inner_text("#flow-form") or "nhỏ hơn hoặc bằng" in page.inner_text("#flow-form")
    assert settings_for(org.agency).review_days == 3  # nothing changed
    page.fill("#id_review_days", "5")
    page.select_option("#id_office_checker", str(org.clerk.pk))
    page.fill("#id_place", "Mộc Châu")
    _submit(page, "#flow-form")
    assert page.locator(".alert-success").count() == 1
    assert org.clerk.full_name in page.inner_text("#flow-steps")
    config = settings_for(org.agency)
    assert (config.review_days, config.office_checker_id, config.place) == (5, org.clerk.pk, "Mộc Châu")
    shot(page, "flow-desktop")

    phone = session.new_page(phone=True)
    sign_in(phone, root)
    phone.goto("/administration/parameters/")
    phone.fill("[name='login.max_failed']", "2")  # below the minimum
    _submit(phone, "#parameters-form")
    assert phone.locator(".invalid-feedback").count() == 1
    phone.fill("[name='login.max_failed']", "4")
    phone.fill("[name='login.lock_minutes']", "30")
    _submit(phone, "#parameters-form")
    assert parameters.value("login.max_failed") == 4 and parameters.value("login.lock_minutes") == 30
    assert "4 lần" in phone.inner_text("#parameters-now")
    assert _overflow(phone) <= 0
    shot(phone, "parameters-phone")
    changed = Event.objects.filter(verb="parameter.changed", actor=root).count()
    assert changed == 2


def test_registers_are_renamed_retired_and_opened_again(org, session, shot):
    ensure_default_registers(org.agency)
    page = session.new_page()
    sign_in(page, org.admin)
    page.goto("/registers/")
    # The only open ordinary outgoing register cannot be retired: told why, nothing changes.
    ordinary = Register.objects.get(agency=org.agency, name="Sổ văn bản đi")
    with page.expect_navigation():
        page.click(f"tr[data-register='{ordinary.pk}'] button:has-text('Ngừng dùng')")
    assert "hãy tạo sổ khác trước" in page.inner_text(".alert-danger")
    letters = Register.objects.get(agency=org.agency, name="Sổ đơn thư")
    with page.expect_navigation():
        page.click(f"tr[data-register='{letters.pk}'] a:has-text('Sửa')")
    page.fill("#id_name", "Sổ đơn thư khiếu nại, tố cáo")
    _submit(page, "#register-edit")
    assert "Sổ đơn thư khiếu nại, tố cáo" in page.inner_text("#register-list")
    with page.expect_navigation():
        page.click(f"tr[data-register='{letters.pk}'] button:has-text('Ngừng dùng')")
    assert "ngừng dùng" in page.inner_text(f"tr[data-register='{letters.pk}']")
    assert not Register.objects.get(pk=letters.pk).is_active
    assert "15/QĐ-STTTT" in page.inner_text("#notations")
    shot(page, "registers-desktop")
    with page.expect_navigation():
        page.click(f"tr[data-register='{letters.pk}'] button:has-text('Dùng lại')")
    assert Register.objects.get(pk=letters.pk).is_active

    phone = session.new_page(phone=True)
    sign_in(phone, org.admin)
    phone.goto("/registers/")
    assert _overflow(phone) <= 0
    shot(phone, "registers-phone")


def test_working_days_marked_in_the_year_grid_move_deadlines(org, session, shot):
    page = session.new_page()
    sign_in(page, org.admin)
    page.goto("/calendar/?year=2026")
    assert page.locator("table.year-month").count() == 12
    with page.expect_navigation():
        page.click("td[data-day='2026-11-10'] a")
    assert page.input_value("#id_date") == "10/11/2026"
    page.select_option("#id_kind", "off")
    page.fill("#id_name", "Nghỉ bù Quốc khánh")
    _submit(page, "#add-day")
    cell = page.locator("td[data-day='2026-11-10']")
    assert cell.get_attribute("data-working") == "0" and "bg-warning-subtle" in (cell.get_attribute("class") or "")
    assert CalendarDay.objects.filter(agency=org.agency, date=date(2026, 11, 10), kind="off").exists()
    assert add_working_days(date(2026, 11, 9), 1, org.agency) == date(2026, 11, 11)
    shot(page, "calendar-desktop")

    phone = session.new_page(phone=True)
    sign_in(phone, org.admin)
    phone.goto("/calendar/?year=2026")
    assert _overflow(phone) <= 0
    shot(phone, "calendar-phone")


def test_peers_are_added_stopped_and_resumed(root, session, shot):
    page = session.new_page()
    sign_in(page, root)
    page.goto("/exchange/peers/")
    page.fill("#id_name", "Hệ thống QLVB tỉnh Nghệ An")
    page.fill("#id_base_url", "https://qlvb.nghean.example.vn")
    page.fill("#id_agency_codes", "000.00.00.H41")
    page.fill("#id_inbound_token", "ngắn")
    with page.expect_navigation():
        page.click("main form button.btn-primary")
    assert not Peer.objects.exists()
    assert page.locator(".invalid-feedback").count() >= 1
    page.fill("#id_inbound_token", "t" * 24)
    page.fill("#id_outbound_token", "o" * 24)
    with page.expect_navigation():
        page.click("main form button.btn-primary")
    peer = Peer.objects.get()
    assert peer.require_signature and peer.is_active
    page.goto("/exchange/peers/")
    with page.expect_navigation():
        page.click(f"[data-peer='{peer.pk}'] button:has-text('Ngừng trao đổi')")
    assert not Peer.objects.get().is_active
    assert "Tiếp tục trao đổi" in page.inner_text(f"[data-peer='{peer.pk}']")
    shot(page, "peers-desktop")

    phone = session.new_page(phone=True)
    sign_in(phone, root)
    phone.goto("/exchange/peers/")
    assert _overflow(phone) <= 0
    shot(phone, "peers-phone")
    with phone.expect_navigation():
        phone.click(f"[data-peer='{peer.pk}'] button:has-text('Tiếp tục trao đổi')")
    assert Peer.objects.get().is_active


def test_directory_of_agencies_is_searched_and_edited(root, session, shot):
    from qlvb.org.directory import load_bundled

    load_bundled()
    page = session.new_page(phone=True)
    sign_in(page, root)
    page.goto("/org/agency-directory/")
    page.fill("#dir-q", "son la")
    with page.expect_navigation():
        page.click("main form[role=search] button")
    assert page.locator("#directory-table tbody tr").count() >= 1
    assert _overflow(page) <= 0
    shot(page, "directory-phone")
    page.fill("#id_new-code", "000.00.77.H51")
    page.fill("#id_new-name", "Trung tâm Thử nghiệm tỉnh Sơn La")
    with page.expect_navigation():
        page.click("#directory-add button")
    assert "Trung tâm Thử nghiệm tỉnh Sơn La" in page.inner_text("#directory-table")
