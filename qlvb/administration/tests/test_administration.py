"""The administration hub and its own pages: who sees what (404 for anyone else), every change an
event naming the old and the new value, and bad input refused in Vietnamese with nothing changed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from qlvb.core import parameters
from qlvb.core.actor import Actor
from qlvb.core.admin_pages import AdminPage, register, unregister
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event, Parameter
from qlvb.outgoing.models import OutgoingSettings
from qlvb.outgoing.services import settings_for


def _hub_keys(client) -> set[str]:  # noqa: ANN001
    import re

    return set(re.findall(r'data-admin-page="([\w-]+)"', client.get("/administration/").content.decode()))


def test_hub_lists_the_pages_each_administrator_may_open(org, root, login):
    agency_pages = {"agency", "people", "fields", "flow", "registers", "templates", "mailbox", "calendar", "audit",
                    "bin", "notifications", "report_layout", "leave_rules", "signing"}
    installation_pages = {"agencies", "parameters", "directory", "peers", "axis", "health", "backups", "trust"}
    assert _hub_keys(login(org.admin)) == agency_pages
    root.agency = org.agency
    root.save()
    assert _hub_keys(login(root)) == agency_pages | installation_pages
    assert login(root).get("/leave/rules/").status_code == 200  # an agency page opens for him too
    for person in (org.clerk, org.specialist, org.head):
        assert login(person).get("/administration/").status_code == 404


def test_hub_links_open_for_their_administrator(org, login):
    import re

    client = login(org.admin)
    body = client.get("/administration/").content.decode()
    for url in re.findall(r'href="([^"]+)" data-admin-page', body):
        assert client.get(url, follow=True).status_code == 200, url


def test_the_menu_shows_the_hub_to_administrators_only(org, login):
    assert 'href="/administration/"' in login(org.admin).get("/").content.decode()
    assert 'href="/administration/"' not in login(org.specialist).get("/").content.decode()


def test_an_app_beside_the_hub_adds_its_page_through_the_registry(org, root, login):
    register(AdminPage("backups-test", "Sao lưu", "…", lambda person: "/backups/", scope="installation",
                       group="data"))
    try:
        assert "backups-test" in _hub_keys(login(root))
        assert "backups-test" not in _hub_keys(login(org.admin))
    finally:
        unregister("backups-test")


# --- The review flow of an agency ---------------------------------------------------------------

def test_agency_admin_sets_the_flow_of_their_agency_through_the_page(org, login):
    client = login(org.admin)
    assert client.get("/administration/flow/").url == f"/administration/flow/{org.agency.pk}/"
    response = client.post(f"/administration/flow/{org.agency.pk}/", {
        "review_days": "4", "office_check": "on", "office_checker": org.clerk.pk, "place": "  Thành phố  Sơn La "})
    assert response.status_code == 302
    config = settings_for(org.agency)
    assert (config.review_days, config.office_check, config.office_checker, config.place) == (
        4, True, org.clerk, "Thành phố Sơn La")
    event = Event.objects.get(verb="outgoing.settings_changed")
    assert event.data["changes"]["review_days"] == [3, 4]
    assert event.data["changes"]["office_checker_id"] == [None, org.clerk.pk]


def test_bad_flow_input_gets_a_vietnamese_message_and_changes_nothing(org, login):
    before = OutgoingSettings.objects.values().get(pk=settings_for(org.agency).pk)
    response = login(org.admin).post(f"/administration/flow/{org.agency.pk}/", {
        "review_days": "3", "office_check": "on", "office_checker": "", "place": "Sơn La"})
    assert response.status_code == 200
    assert "Chọn người kiểm tra thể thức" in response.content.decode()
    assert OutgoingSettings.objects.values().get(pk=before["id"]) == before


def test_admin_of_one_agency_gets_404_on_anothers_flow(org, other_org, login, root):
    client = login(other_org.admin)
    assert client.get(f"/administration/flow/{org.agency.pk}/").status_code == 404
    before = OutgoingSettings.objects.values().get(pk=settings_for(org.agency).pk)
    assert client.post(f"/administration/flow/{org.agency.pk}/", {
        "review_days": "9", "place": "X"}).status_code == 404
    assert OutgoingSettings.objects.values().get(pk=before["id"]) == before
    assert login(org.clerk).get(f"/administration/flow/{org.agency.pk}/").status_code == 404
    # The installation's administrator chooses any agency.
    page = login(root).get("/administration/flow/").content.decode()
    assert f"/administration/flow/{org.agency.pk}/" in page and f"/administration/flow/{other_org.agency.pk}/" in page
    assert login(root).get(f"/administration/flow/{other_org.agency.pk}/").status_code == 200


# --- Installation parameters --------------------------------------------------------------------

def test_parameters_default_to_the_settings_and_changes_are_recorded(root, settings):
    settings.QLVB_MAX_FAILED_LOGINS = 5
    assert parameters.value("login.max_failed") == 5
    parameters.change(by=Actor(root), name="login.max_failed", new=8)
    assert parameters.value("login.max_failed") == 8
    parameters.change(by=Actor(root), name="login.max_failed", new=None)  # back to the default
    assert parameters.value("login.max_failed") == 5 and not Parameter.objects.exists()
    changes = [e.data["changes"] for e in Event.objects.filter(verb="parameter.changed").order_by("seq")]
    assert changes == [{"login.max_failed": [5, 8]}, {"login.max_failed": [8, 5]}]


def test_parameters_are_the_installation_administrators_only(org, login):
    with pytest.raises(NotAllowed):
        parameters.change(by=Actor(org.admin), name="login.max_failed", new=4)
    assert login(org.admin).get("/administration/parameters/").status_code == 404
    assert login(org.admin).post("/administration/parameters/", {"login.max_failed": "4"}).status_code == 404
    assert not Parameter.objects.exists()


def test_out_of_bounds_parameter_is_refused_and_nothing_changes(root, login):
    with pytest.raises(ValidationError):
        parameters.change(by=Actor(root), name="login.lock_minutes", new=0)
    response = login(root).post("/administration/parameters/", {"login.max_failed": "4", "login.lock_minutes": "0"})
    assert response.status_code == 200
    assert "lớn hơn hoặc bằng với 1" in response.content.decode()
    assert not Parameter.objects.exists()


def test_sign_in_throttle_follows_the_parameter_changed_on_the_page(org, root, login):
    from django.test import Client

    from qlvb.accounts.models import SignInThrottle

    assert login(root).post("/administration/parameters/", {"login.max_failed": "3"}).status_code == 302
    assert parameters.value("login.max_failed") == 3
    client = Client(REMOTE_ADDR="203.0.113.9")
    for attempt in range(3):
        assert not Event.objects.filter(verb="auth.login_throttled").exists(), attempt
        client.post("/accounts/login/", {"username": org.clerk.username, "password": "sai-mật-khẩu"})
        SignInThrottle.objects.update(last_failure_at=None)  # no waiting for the delay between tries
    throttled = Event.objects.get(verb="auth.login_throttled", target_id=str(org.clerk.pk))
    assert throttled.data["scope"] == "account"


def test_session_length_follows_the_parameter_from_the_next_sign_in(org, root, login):
    assert login(org.clerk).session.get_expiry_age() == 8 * 3600  # SESSION_COOKIE_AGE
    parameters.change(by=Actor(root), name="session.minutes", new=60)
    assert login(org.clerk).session.get_expiry_age() == 3600
    assert Event.objects.get(verb="parameter.changed").data["changes"] == {"session.minutes": [480, 60]}


def test_the_audit_log_shows_what_changed_from_what_to_what(org, login):
    client = login(org.admin)
    client.post(f"/administration/flow/{org.agency.pk}/", {
        "review_days": "6", "office_check": "", "office_checker": "", "place": "Sơn La"})
    page = client.get("/audit/?verb=outgoing.settings_changed").content.decode()
    assert "<code>review_days</code>: 3 → 6" in page
    assert "<code>office_check</code>: True → False" in page
