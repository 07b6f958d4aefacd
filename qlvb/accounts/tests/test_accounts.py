from __future__ import annotations

import pyotp
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from conftest import PASSWORD
from qlvb.accounts import services
from qlvb.accounts.models import LoginSession
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.org.models import Person


def test_only_administrators_create_accounts(org, other_org):
    with pytest.raises(NotAllowed):
        services.create_account(by=Actor(org.head), agency=org.agency, username="x.y", full_name="Lê Văn Tám")
    with pytest.raises(NotAllowed):
        services.create_account(by=Actor(other_org.admin), agency=org.agency, username="x.y", full_name="Lê Tám")
    person, password = services.create_account(by=Actor(org.admin), agency=org.agency, username="Stttt.Tam",
                                               full_name="Lê Văn Tám")
    assert person.username == "stttt.tam" and person.must_change_password
    assert person.check_password(password)
    validate_password(password, user=person)  # the one-time password meets the policy itself
    assert Event.objects.filter(verb="account.created", target_id=str(person.pk), actor=org.admin).exists()


def test_initial_passwords_are_random():
    assert len({services.generate_initial_password() for _ in range(50)}) == 50


def test_first_login_forces_password_change(org, client):
    person, password = services.create_account(by=Actor(org.admin), agency=org.agency, username="stttt.moi",
                                               full_name="Phạm Thị Mới")
    response = client.post("/accounts/login/", {"username": "stttt.moi", "password": password})
    assert response["Location"] == "/accounts/password/"
    assert client.get("/org/")["Location"] == "/accounts/password/"
    response = client.post("/accounts/password/", {"old_password": password, "new_password1": "abc",
                                                   "new_password2": "abc"})
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.must_change_password and person.check_password(password)
    response = client.post("/accounts/password/", {"old_password": password, "new_password1": "Sơn-La-2026!x",
                                                   "new_password2": "Sơn-La-2026!x"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.must_change_password and person.check_password("Sơn-La-2026!x")
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("password, fragment", [
    ("Ab1!", "ít nhất 10"),
    ("abcdefghijk", "chữ hoa"),
    ("Tran-Thi-Mai-2026!", "tên"),
    ("Password123!", None),
])
def test_password_policy_speaks_vietnamese(org, password, fragment):
    with translation.override("vi"):
        try:
            validate_password(password, user=org.specialist)
        except ValidationError as error:
            text = " ".join(error.messages)
            assert fragment is None or fragment in text, text
        else:
            assert fragment is None


def test_failed_logins_block_the_address_not_the_account(org, settings):
    settings.QLVB_MAX_FAILED_LOGINS = 3
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(2):
        client.post("/accounts/login/", {"username": org.specialist.username, "password": "wrong"})
    services.SignInThrottle.objects.update(last_failure_at=None)  # no waiting for the delay
    client.post("/accounts/login/", {"username": org.specialist.username, "password": "wrong"})
    org.specialist.refresh_from_db()
    assert not org.specialist.is_locked
    response = client.post("/accounts/login/", {"username": org.specialist.username, "password": PASSWORD})
    assert response.status_code == 429  # refused even with the right password, from there
    assert Event.objects.filter(verb="auth.login_failed", target_id=str(org.specialist.pk)).count() == 3
    response = Client(REMOTE_ADDR="10.1.1.5").post("/accounts/login/", {"username": org.specialist.username,
                                                                        "password": PASSWORD})
    assert response.status_code == 302


def test_unknown_user_and_wrong_password_look_the_same(org, client):
    a = client.post("/accounts/login/", {"username": "nobody", "password": "x"})
    b = client.post("/accounts/login/", {"username": org.specialist.username, "password": "x"})
    assert a.status_code == b.status_code == 200
    assert Event.objects.filter(verb="auth.login_failed", data__username="nobody").exists()


def test_lock_at_once_ends_sessions(org, login):
    client = login(org.specialist)
    assert client.get("/").status_code == 200
    services.lock_account(by=Actor(org.admin), person=org.specialist, reason="Mất điện thoại")
    assert client.get("/")["Location"].startswith("/accounts/login/")
    with pytest.raises(ValidationError):
        services.lock_account(by=Actor(org.admin), person=org.clerk, reason=" ")


def test_login_and_logout_are_recorded(org, login):
    client = login(org.clerk)
    assert LoginSession.objects.filter(person=org.clerk, ended_at=None).count() == 1
    client.post("/accounts/logout/")
    verbs = list(Event.objects.filter(target_id=str(org.clerk.pk), verb__startswith="auth.")
                 .values_list("verb", flat=True))
    assert "auth.login" in verbs and "auth.logout" in verbs
    assert not LoginSession.objects.filter(person=org.clerk, ended_at=None).exists()


def test_person_ends_all_other_sessions(org):
    first, second = Client(), Client()
    for c in (first, second):
        c.post("/accounts/login/", {"username": org.specialist.username, "password": PASSWORD})
    response = first.get("/accounts/security/")
    assert response.status_code == 200 and response.content.count(b"list-group-item") >= 2
    first.post("/accounts/security/sessions/end/")
    assert first.get("/").status_code == 200
    assert second.get("/")["Location"].startswith("/accounts/login/")


def test_totp_two_step_login(org, login):
    client = login(org.specialist)
    client.get("/accounts/security/totp/")
    device = org.specialist.totp_device
    response = client.post("/accounts/security/totp/", {"code": "000000"})
    assert response.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    client.post("/accounts/security/totp/", {"code": pyotp.TOTP(device.secret).now()})
    device.refresh_from_db()
    assert device.confirmed
    fresh = Client()
    response = fresh.post("/accounts/login/", {"username": org.specialist.username, "password": PASSWORD})
    assert response["Location"] == "/accounts/login/code/"
    assert fresh.get("/")["Location"].startswith("/accounts/login/")  # not signed in yet
    fresh.post("/accounts/login/code/", {"code": "123456"})
    assert fresh.get("/").status_code == 302
    # The code already used for confirmation cannot be replayed; wait-free: use the next step's code.
    import time

    next_code = pyotp.TOTP(device.secret).at(time.time() + 30)
    response = fresh.post("/accounts/login/code/", {"code": next_code})
    assert response.status_code == 302 and fresh.get("/").status_code == 200


def test_password_reset_by_admin(org, login):
    client = login(org.specialist)
    new = services.reset_password(by=Actor(org.admin), person=org.specialist)
    assert client.get("/").status_code == 302  # old session ended
    org.specialist.refresh_from_db()
    assert org.specialist.must_change_password and org.specialist.check_password(new)


def test_admin_cannot_manage_other_agency_or_installation_admin(org, other_org, root):
    with pytest.raises(NotAllowed):
        services.lock_account(by=Actor(org.admin), person=other_org.specialist, reason="x")
    with pytest.raises(NotAllowed):
        services.reset_password(by=Actor(org.admin), person=root)
    with pytest.raises(NotAllowed):
        services.unlock_account(by=Actor(org.head), person=org.specialist)


def test_api_tokens(org, client):
    token, key = services.create_api_token(person=org.specialist, name="Một cửa")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.get("/api/v1/me/", **auth)
    assert response.status_code == 200 and response.json()["username"] == org.specialist.username
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer qlvb_bad_key").status_code == 401
    services.revoke_api_token(person=org.specialist, token=token)
    assert client.get("/api/v1/me/", **auth).status_code == 401
    assert not Person.objects.filter(api_tokens__key_hash=key).exists()  # only the hash is stored


def test_sessions_ended_are_gone_from_the_cache_too_with_cached_db_sessions(org, settings):
    """Production with Redis keeps sessions in the cache as well as the database (settings): a
    session ended is removed from both, not only answered by the guard."""
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.core.cache import cache

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    first, second = Client(), Client()
    for c in (first, second):
        c.post("/accounts/login/", {"username": org.specialist.username, "password": PASSWORD})
    assert second.get("/").status_code == 200
    key = second.cookies["sessionid"].value
    assert cache.get(SessionStore(key).cache_key) is not None
    first.post("/accounts/security/sessions/end/")
    assert cache.get(SessionStore(key).cache_key) is None and not SessionStore().exists(key)
    assert second.get("/")["Location"].startswith("/accounts/login/")
    assert first.get("/").status_code == 200


def test_passwords_are_stored_with_argon2id_and_older_hashes_redone_at_sign_in(org, client, settings):
    from django.contrib.auth.hashers import make_password

    from qlvb.accounts.hashers import Argon2idHasher

    settings.PASSWORD_HASHERS = ["qlvb.accounts.hashers.Argon2idHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    person = org.specialist
    person.password = make_password(PASSWORD, hasher="pbkdf2_sha256")  # stored by an earlier version
    person.save(update_fields=["password"])
    response = client.post("/accounts/login/", {"username": person.username, "password": PASSWORD})
    assert response.status_code == 302 and "login" not in response["Location"]
    person.refresh_from_db()
    assert person.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert not Argon2idHasher().must_update(person.password) and person.check_password(PASSWORD)
    client.logout()
    response = client.post("/accounts/login/", {"username": person.username, "password": PASSWORD})
    assert response.status_code == 302 and "login" not in response["Location"]
