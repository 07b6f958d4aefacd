"""An administrator creates an account; the new person signs in and must choose a password."""

from __future__ import annotations

import pytest

from qlvb.core.models import Event
from qlvb.org.models import Person

from .helpers import path_of, role_badge, sign_in, sign_out

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Sông-Đà-Mùa-Lũ-2026!"


def test_first_login_forces_a_password_change(org, page, shot):
    # The agency administrator creates the account through the UI.
    sign_in(page, org.admin)
    assert path_of(page) == "/"
    assert page.get_attribute("html", "lang") == "vi"
    page.goto("/org/people/")
    with page.expect_navigation():
        page.click("main a[href='/org/people/new/']")
    assert path_of(page) == "/org/people/new/"
    page.fill("#id_full_name", "Lường Văn Thắng")
    page.fill("#id_username", "stttt.lvthang")
    page.select_option("#id_unit", str(org.unit.pk))
    page.select_option("#id_position", str(org.positions["cv"].pk))
    shot(page, "new-account-form")
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    one_time = page.inner_text("#one-time-password").strip()
    assert len(one_time) >= 10
    assert "Lường Văn Thắng" in page.inner_text("main")
    shot(page, "one-time-password")
    person = Person.objects.get(username="stttt.lvthang")
    assert person.must_change_password and person.check_password(one_time)
    assert person.agency == org.agency
    assert person.posts.filter(unit=org.unit, position=org.positions["cv"], end_date__isnull=True).exists()
    assert Event.objects.filter(verb="account.created", actor=org.admin, target_id=str(person.pk)).exists()

    # The people list shows the new account as waiting for its first sign-in.
    page.goto("/org/people/?q=lvthang")
    row = page.locator("#people-table tbody tr", has_text="Lường Văn Thắng")
    assert row.count() == 1
    assert row.locator(".badge.text-bg-warning").count() == 1
    sign_out(page)

    # The new person signs in with the one-time password and is held on the password page.
    sign_in(page, "stttt.lvthang", one_time)
    assert path_of(page) == "/accounts/password/"
    assert page.locator("main .alert-warning").count() == 1  # "first sign-in" notice
    for elsewhere in ["/", "/org/people/", "/org/delegations/", "/accounts/security/"]:
        page.goto(elsewhere)
        assert path_of(page) == "/accounts/password/", elsewhere

    # A weak password is refused, the reason is shown beside the field, nothing changes.
    page.fill("#id_old_password", one_time)
    page.fill("#id_new_password1", "abc")
    page.fill("#id_new_password2", "abc")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert path_of(page) == "/accounts/password/"
    # core/_form.html gives every message of a field the same id, so there may be several.
    errors = page.locator("[id='id_new_password1-error']")
    assert errors.count() >= 1
    assert errors.first.is_visible()
    assert all(text.strip() for text in errors.all_inner_texts())
    # The message sits in the same block as the new-password field, not somewhere else on the page.
    assert page.locator("div.mb-3:has(#id_new_password1) [id='id_new_password1-error']").count() == errors.count()
    field = page.locator("#id_new_password1")
    assert field.get_attribute("aria-invalid") == "true"
    assert "is-invalid" in (field.get_attribute("class") or "")
    assert field.get_attribute("aria-describedby") == "id_new_password1-error"
    assert page.input_value("#id_new_password1") == ""  # passwords are never sent back
    shot(page, "weak-password-refused")
    person.refresh_from_db()
    assert person.must_change_password and person.check_password(one_time)
    page.goto("/")
    assert path_of(page) == "/accounts/password/"

    # A good password lets them in, to their home page with their role.
    page.fill("#id_old_password", one_time)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert path_of(page) == "/"
    assert role_badge(page) == "specialist"
    assert "Lường Văn Thắng" in page.inner_text("main h1")
    assert page.locator("main .alert-success").count() == 1
    shot(page, "home-after-password-change")
    person.refresh_from_db()
    assert not person.must_change_password and person.check_password(NEW_PASSWORD)
    assert Event.objects.filter(verb="account.password_changed", target_id=str(person.pk)).exists()
    page.goto("/org/")
    assert path_of(page) == "/org/"

    # The old one-time password no longer works; the new one does.
    sign_out(page)
    sign_in(page, "stttt.lvthang", one_time)
    assert path_of(page) == "/accounts/login/"
    assert page.locator("main .alert-danger").count() == 1
    shot(page, "old-password-refused")
    sign_in(page, "stttt.lvthang", NEW_PASSWORD)
    assert path_of(page) == "/"
    assert role_badge(page) == "specialist"


def test_wrong_password_shows_an_error_on_the_login_page(org, page, shot):
    page.goto("/")
    assert path_of(page) == "/accounts/login/"  # anonymous visitors are sent to sign in
    shot(page, "login")
    sign_in(page, org.specialist, "not-the-password")
    assert path_of(page) == "/accounts/login/"
    assert page.locator("main .alert-danger").is_visible()
    assert page.input_value("#id_username") == org.specialist.username
    assert page.input_value("#id_password") == ""  # never sent back to the browser
    sign_in(page, org.specialist)
    assert path_of(page) == "/"
    assert role_badge(page) == "specialist"
