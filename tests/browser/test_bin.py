"""The bin in the browser: an administrator deletes a person created by mistake and an unused
register, is told until when they can be restored, finds them in the bin and restores the person;
a unit people work in is offered only for retiring."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from conftest import make_person
from qlvb.core import bin
from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.org import services as org_services
from qlvb.org.models import Person
from qlvb.registers.models import Register
from qlvb.registers.services import create_register

from .helpers import path_of, sign_in

pytestmark = pytest.mark.browser


def _confirm_delete(page: Page, row_or_section: str) -> None:
    """Press Delete inside the given element, then "Move to the bin" on the confirmation."""
    with page.expect_navigation():
        page.click(f"{row_or_section} a[data-bin-delete]")
    until = bin.restorable_until().strftime("%d/%m/%Y")
    assert until in page.inner_text("#bin-restorable")
    with page.expect_navigation():
        page.click("#bin-confirm button.btn-danger")


def test_delete_goes_to_the_bin_and_restore_brings_it_back(org, root, session, shot):
    mistake = make_person(org.agency, "stttt.nham", "Người Tạo Nhầm")
    org_services.assign_post(by=Actor(root), person=mistake, unit=org.unit, position=org.positions["cv"])
    register = create_register(by=Actor(org.admin), agency=org.agency, direction="in", category="other",
                               name="Sổ tạo nhầm")
    page = session.new_page()
    sign_in(page, org.admin)

    page.goto(f"/org/people/{mistake.pk}/")
    _confirm_delete(page, "main")
    assert path_of(page) == "/org/people/"
    assert "Người Tạo Nhầm" in page.inner_text("main .alert-success")
    assert "Người Tạo Nhầm" not in page.inner_text("main table")

    page.goto("/registers/")
    _confirm_delete(page, f"#register-list tr:has-text('{register.name}')")
    assert path_of(page) == "/registers/"
    assert register.name not in page.inner_text("#register-list")

    with page.expect_navigation():
        page.click("#sidebar a[href='/bin/']")
    shot(page, "bin")
    rows = page.inner_text("#bin-list")
    assert "Người Tạo Nhầm" in rows and register.name in rows
    with page.expect_navigation():
        page.click("#bin-list tr:has-text('Người Tạo Nhầm') button:has-text('Khôi phục')")
    assert "Người Tạo Nhầm" in page.inner_text("main .alert-success")
    assert "Người Tạo Nhầm" not in page.inner_text("#bin-list") and register.name in page.inner_text("#bin-list")

    page.goto(f"/org/people/{mistake.pk}/")
    assert "Người Tạo Nhầm" in page.inner_text("main h1")
    assert Person.objects.get(pk=mistake.pk).is_active
    assert Register.objects.get(pk=register.pk).deleted_at is not None
    verbs = set(Event.objects.filter(actor=org.admin, verb__startswith="bin.").values_list("verb", flat=True))
    assert verbs == {"bin.moved", "bin.restored"}


def test_a_unit_in_use_can_only_be_retired(org, page):
    sign_in(page, org.admin)
    page.goto(f"/org/agencies/{org.agency.pk}/")
    with page.expect_navigation():
        page.click(f"tr:has(a[href='/org/units/{org.unit.pk}/']) a[data-bin-delete]")
    assert "Đang được dùng bởi" in page.inner_text("#bin-in-use")
    assert page.locator("#bin-confirm button.btn-danger").count() == 0
    assert page.locator("#bin-confirm button.btn-warning").inner_text().strip() == "Ngừng hoạt động đơn vị"
