"""Sign-in throttling (issue 13, R4): per username AND address, per address across usernames,
expiring, told to the owner and the administrator; two-step codes alike; no lock-out of the owner."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from qlvb.accounts import services
from qlvb.accounts.models import LoginSession, SignInThrottle
from qlvb.core.actor import Actor
from qlvb.core.models import Event

STRANGER, OWNER = "203.0.113.7", "10.1.1.5"


class Clock:
    def __init__(self) -> None:
        self.offset = timedelta()

    def advance(self, **kwargs: float) -> None:
        self.offset += timedelta(**kwargs)


@pytest.fixture
def clock(monkeypatch):
    """Time stands still but for `advance` (a slow machine must not let a delay pass)."""
    start = timezone.now()
    moved = Clock()
    monkeypatch.setattr(timezone, "now", lambda: start + moved.offset)
    return moved


def _fail(username: str, ip: str) -> None:
    result, person = services.check_credentials(username=username, password="wrong", ip=ip)
    assert result == services.LoginResult.BAD and person is None


def _hammer(username: str, ip: str, clock: Clock, times: int) -> None:
    """`times` failures, each made as soon as the growing delay allows."""
    for _ in range(times):
        _fail(username, ip)
        clock.advance(seconds=9)


def test_growing_delay_then_a_block_that_expires_and_never_locks_the_account(org, clock):
    name = org.specialist.username
    _fail(name, STRANGER)
    _fail(name, STRANGER)  # the first retry is free (a typo)
    with pytest.raises(services.SignInThrottled) as wait:
        _fail(name, STRANGER)
    assert wait.value.retry_after == 1
    clock.advance(seconds=1.5)
    _fail(name, STRANGER)
    with pytest.raises(services.SignInThrottled) as wait:
        _fail(name, STRANGER)
    assert wait.value.retry_after == 2  # 1, 2, 4 s…
    clock.advance(seconds=9)
    _hammer(name, STRANGER, clock, 2)  # the fifth failure: blocked for 15 minutes
    with pytest.raises(services.SignInThrottled) as wait:
        services.check_credentials(username=name, password=PASSWORD, ip=STRANGER)  # even the right password
    assert 13 * 60 < wait.value.retry_after <= 15 * 60
    # The owner, at her own address, is not locked out; the account itself is not locked.
    assert services.check_credentials(username=name, password=PASSWORD, ip=OWNER)[0] == services.LoginResult.OK
    org.specialist.refresh_from_db()
    assert not org.specialist.is_locked and org.specialist.failed_logins == 5
    blocked = Event.objects.get(verb="auth.login_throttled", target_id=str(org.specialist.pk))
    assert blocked.agency_id == org.agency.pk and blocked.data["ip"] == STRANGER
    assert blocked.data["scope"] == "account" and blocked.data["minutes"] == 15
    clock.advance(minutes=15)  # the block expires by itself
    assert services.check_credentials(username=name, password=PASSWORD, ip=STRANGER)[0] == services.LoginResult.OK


def test_blocks_grow_for_a_stranger_who_keeps_on(org, clock):
    name = org.specialist.username
    _hammer(name, STRANGER, clock, 5)
    clock.advance(minutes=15)
    _hammer(name, STRANGER, clock, 5)
    with pytest.raises(services.SignInThrottled) as wait:
        _fail(name, STRANGER)
    assert 28 * 60 < wait.value.retry_after <= 30 * 60  # the second block is twice as long
    for _ in range(10):  # one who resumes as each block ends is blocked for a day at most
        clock.advance(minutes=24 * 60)
        _hammer(name, STRANGER, clock, 5)
    with pytest.raises(services.SignInThrottled) as wait:
        _fail(name, STRANGER)
    assert 23 * 3600 < wait.value.retry_after <= 24 * 3600
    clock.advance(days=3)  # a stranger quiet for long starts again from the short block
    _hammer(name, STRANGER, clock, 5)
    with pytest.raises(services.SignInThrottled) as wait:
        _fail(name, STRANGER)
    assert wait.value.retry_after <= 15 * 60


def test_unknown_usernames_are_throttled_alike(org, clock):
    _hammer("giamdoc.khongco", STRANGER, clock, 5)
    with pytest.raises(services.SignInThrottled) as wait:
        _fail("giamdoc.khongco", STRANGER)
    assert 13 * 60 < wait.value.retry_after <= 15 * 60


def test_an_address_is_capped_across_usernames(org, clock, settings):
    settings.QLVB_LOGIN_ADDRESS_CAP = 6
    for i in range(6):  # one try each on six usernames: no pair is near its limit
        _fail(f"nguoi.{i}", STRANGER)
    with pytest.raises(services.SignInThrottled) as wait:
        services.check_credentials(username=org.clerk.username, password=PASSWORD, ip=STRANGER)
    assert 14 * 60 < wait.value.retry_after <= 15 * 60
    assert Event.objects.filter(verb="auth.login_throttled", data__scope="address", data__ip=STRANGER).count() == 1
    assert services.check_credentials(username=org.clerk.username, password=PASSWORD, ip=OWNER)[0] == "ok"
    clock.advance(minutes=15, seconds=1)
    assert services.check_credentials(username=org.clerk.username, password=PASSWORD, ip=STRANGER)[0] == "ok"


def test_the_unknown_username_runs_the_password_hasher(org, monkeypatch):
    calls: list[tuple] = []
    real = services.check_password

    def spy(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(services, "check_password", spy)
    _fail("khong.co.ai", STRANGER)
    assert len(calls) == 1 and calls[0][0] == "wrong"


def test_two_step_codes_are_limited_like_the_password(org, clock):
    device = services.start_totp(person=org.specialist)
    device.confirmed = True
    device.save()
    for _ in range(5):
        assert not services.verify_totp(person=org.specialist, code="000000", ip=STRANGER)
        clock.advance(seconds=9)
    with pytest.raises(services.SignInThrottled):  # even the right code waits now
        services.verify_totp(person=org.specialist, code=pyotp.TOTP(device.secret).at(timezone.now()), ip=STRANGER)
    with pytest.raises(services.SignInThrottled):  # and so does the password step from there
        services.check_credentials(username=org.specialist.username, password=PASSWORD, ip=STRANGER)
    assert Event.objects.filter(verb="auth.login_throttled", target_id=str(org.specialist.pk)).exists()
    assert services.verify_totp(person=org.specialist, code=pyotp.TOTP(device.secret).at(timezone.now()), ip=OWNER)


def test_success_forgets_the_pair(org):
    _fail(org.specialist.username, OWNER)
    client = Client(REMOTE_ADDR=OWNER)
    assert client.post("/accounts/login/", {"username": org.specialist.username,
                                            "password": PASSWORD}).status_code == 302
    assert not SignInThrottle.objects.filter(username=org.specialist.username).exists()


# --- The pages ---------------------------------------------------------------------------------

def _errors(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'class="[^"]*alert[^"]*"[^>]*>(.*?)</div>', html, re.S)


def test_the_owner_signs_in_from_her_address_while_a_stranger_hammers_it(org, clock):
    stranger, owner = Client(REMOTE_ADDR=STRANGER), Client(REMOTE_ADDR=OWNER)
    codes = [stranger.post("/accounts/login/", {"username": org.head.username, "password": "x"}).status_code
             for i in range(40)]
    assert codes[:2] == [200, 200] and codes.count(429) == 38  # at full speed: two tries, then waits
    for _ in range(10):  # a patient stranger: blocked after five
        clock.advance(seconds=9)
        codes.append(stranger.post("/accounts/login/", {"username": org.head.username, "password": "x"}).status_code)
    assert codes[40:] == [200, 200, 200] + [429] * 7
    response = owner.post("/accounts/login/", {"username": org.head.username, "password": PASSWORD})
    assert response.status_code == 302
    # She is told, and so is her administrator.
    home = owner.get("/", follow=True)
    assert "lần đăng nhập không thành công" in home.content.decode()
    security = owner.get("/accounts/security/").content.decode()
    assert STRANGER in security and "bị tạm chặn" in security
    page = Client(REMOTE_ADDR=OWNER)
    page.force_login(org.admin, backend="qlvb.accounts.backends.PersonBackend")
    services.record_login(person=org.admin, session_key=page.session.session_key or "", ip=OWNER, user_agent="")
    html = page.get(f"/org/people/{org.head.pk}/").content.decode()
    assert STRANGER in html and "bị tạm chặn" in html


def test_429_speaks_vietnamese_and_says_when(org, clock):
    stranger = Client(REMOTE_ADDR=STRANGER)
    for i in range(3):
        response = stranger.post("/accounts/login/", {"username": org.clerk.username, "password": "x"})
    assert response.status_code == 429 and response["Retry-After"] == "1"
    assert "Vui lòng thử lại sau 1 giây" in response.content.decode()


def test_unknown_wrong_locked_and_inactive_answer_alike(org):
    services.lock_account(by=Actor(org.admin), person=org.clerk, reason="Mất máy")
    services.set_active(by=Actor(org.admin), person=org.head, active=False)
    answers = []
    for username, password in [("khong.co.ai", "x"), (org.specialist.username, "x"),
                               (org.clerk.username, PASSWORD), (org.head.username, PASSWORD)]:
        response = Client(REMOTE_ADDR=STRANGER).post("/accounts/login/", {"username": username,
                                                                          "password": password})
        answers.append((response.status_code, _errors(response)))
        SignInThrottle.objects.all().delete()  # every answer from a fresh start
    assert answers[0][1], answers  # there is a message
    assert all(answer == answers[0] for answer in answers), answers
    assert "bị khóa" not in str(answers)


def test_failed_sign_ins_do_not_stop_api_tokens(org):
    _token, key = services.create_api_token(person=org.head, name="Một cửa")
    org.head.must_change_password = False
    org.head.save()
    stranger = Client(REMOTE_ADDR=STRANGER)
    for _ in range(40):
        stranger.post("/accounts/login/", {"username": org.head.username, "password": "x"})
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


@pytest.mark.parametrize("recover", ["unlock", "reset"])
def test_recovery_ends_sessions_and_revokes_tokens(org, login, recover):
    browser = login(org.specialist)
    _old, old_key = services.create_api_token(person=org.specialist, name="Cũ")
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {old_key}").status_code == 200
    if recover == "unlock":
        services.lock_account(by=Actor(org.admin), person=org.specialist, reason="Lộ mật khẩu")
        services.unlock_account(by=Actor(org.admin), person=org.specialist)
    else:
        services.reset_password(by=Actor(org.admin), person=org.specialist)
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {old_key}").status_code == 401
    assert browser.get("/")["Location"].startswith("/accounts/login/")
    assert not LoginSession.objects.filter(person=org.specialist, ended_at=None).exists()
    verb = "account.unlocked" if recover == "unlock" else "account.password_reset"
    assert Event.objects.filter(verb=verb, target_id=str(org.specialist.pk)).latest("pk").data["tokens"] == 1
    org.specialist.refresh_from_db()
    org.specialist.must_change_password = False
    org.specialist.save()
    _new, new_key = services.create_api_token(person=org.specialist, name="Mới")
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {new_key}").status_code == 200


def test_tokens_respect_the_forced_password_change(org):
    _token, key = services.create_api_token(person=org.specialist, name="Một cửa")
    org.specialist.must_change_password = True
    org.specialist.save()
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    org.specialist.must_change_password = False
    org.specialist.save()
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_behind_the_proxy_the_forwarded_address_is_throttled_not_the_proxy(org, settings, clock):
    settings.QLVB_PROXY_HOPS = 1
    proxy = "127.0.0.1"
    # The stranger forges an address on the left; the proxy appends his real one on the right.
    stranger = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"10.1.1.5, {STRANGER}")
    for _ in range(6):
        stranger.post("/accounts/login/", {"username": org.head.username, "password": "x"})
        clock.advance(seconds=9)
    assert SignInThrottle.objects.get(username=org.head.username).ip == STRANGER
    assert stranger.post("/accounts/login/", {"username": org.head.username, "password": PASSWORD}).status_code == 429
    owner = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=OWNER)
    assert owner.post("/accounts/login/", {"username": org.head.username, "password": PASSWORD}).status_code == 302


def test_the_code_page_answers_429_and_sends_back_to_the_password(org, clock):
    device = services.start_totp(person=org.specialist)
    device.confirmed = True
    device.save()
    stranger = Client(REMOTE_ADDR=STRANGER)  # he has the password, not the phone
    assert stranger.post("/accounts/login/", {"username": org.specialist.username,
                                              "password": PASSWORD})["Location"] == "/accounts/login/code/"
    codes = []
    for _ in range(7):
        codes.append(stranger.post("/accounts/login/code/", {"code": "000000"}).status_code)
        clock.advance(seconds=9)
    assert codes[:5] == [200] * 5 and codes[5] == 429, codes
    assert stranger.get("/accounts/login/code/")["Location"] == "/accounts/login/"
    assert stranger.post("/accounts/login/", {"username": org.specialist.username,
                                              "password": PASSWORD}).status_code == 429


def test_quiet_throttle_rows_are_forgotten_each_night(db):
    """A stranger trying many usernames leaves a row per pair; a day of quiet deletes them, but
    never a block still running."""
    from datetime import timedelta

    from django.utils import timezone

    from qlvb.accounts import services, tasks
    from qlvb.accounts.models import SignInThrottle

    now = timezone.now()
    SignInThrottle.objects.create(username="nobody1", ip="203.0.113.9", failures=1,
                                  last_failure_at=now - timedelta(days=2))
    SignInThrottle.objects.create(username="nobody2", ip="203.0.113.9", failures=1,
                                  last_failure_at=now - timedelta(hours=2))
    SignInThrottle.objects.create(username="blocked", ip="203.0.113.9", blocks=5, last_failure_at=now - timedelta(
        days=2), blocked_until=now + timedelta(hours=3))
    assert services.forget_quiet_throttles(now) == 1
    assert set(SignInThrottle.objects.values_list("username", flat=True)) == {"nobody2", "blocked"}
    assert hasattr(tasks.forget_quiet_throttles.task_base, "validate_datetime")  # run by the job worker
