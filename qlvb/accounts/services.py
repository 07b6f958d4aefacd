"""Account writes (R4): creation by administrators, passwords, lock-out, 2FA, sessions, tokens.

Every change and every login, logout and failed login is recorded in the event log.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import string
from datetime import datetime, timedelta
from importlib import import_module

import pyotp
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.accounts.models import ApiToken, LoginSession, SignInThrottle, TotpDevice
from qlvb.core import events, parameters
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.org import permissions
from qlvb.org.models import Agency, Person

_ALPHABET = string.ascii_letters + string.digits


def generate_initial_password() -> str:
    """A one-time random password that always satisfies the policy (never a shared default)."""
    while True:
        core = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        candidate = f"{core[:5]}-{core[5:]}{secrets.choice('!@#$%')}"
        if any(c.islower() for c in core) and any(c.isupper() for c in core) and any(c.isdigit() for c in core):
            return candidate


@transaction.atomic
def create_account(
    *,
    by: Actor,
    agency: Agency,
    username: str,
    full_name: str,
    email: str = "",
    phone: str = "",
    is_agency_admin: bool = False,
) -> tuple[Person, str]:
    """Create an account with a one-time password; return it so the administrator can hand it over."""
    if not permissions.can_manage_agency(by.person, agency):
        raise NotAllowed()
    username = username.strip().lower()
    if Person.objects.filter(username=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    person = Person(
        username=username,
        full_name=full_name.strip(),
        agency=agency,
        email=email.strip(),
        phone=phone.strip(),
        is_agency_admin=is_agency_admin,
        must_change_password=True,
    )
    person.full_clean(exclude=["password"])
    password = generate_initial_password()
    person.set_password(password)
    person.save()
    events.record(verb="account.created", actor=by, agency=agency, target=person,
                  data={"username": username, "agency_admin": is_agency_admin})
    return person, password


@transaction.atomic
def reset_password(*, by: Actor, person: Person) -> str:
    """An administrator recovers an account: new one-time password, unlocked, every session
    ended and every API token revoked."""
    if not permissions.can_manage_person(by.person, person):
        raise NotAllowed()
    clear_throttle(username=person.username)  # before the person's row, as check_credentials locks them
    password = generate_initial_password()
    person.set_password(password)
    person.must_change_password = True
    person.failed_logins = 0
    person.locked_at = None
    person.locked_reason = ""
    person.save()
    ended, revoked = _end_sessions(person), _revoke_tokens(person)
    events.record(verb="account.password_reset", actor=by, agency=person.agency_id, target=person,
                  data={"sessions": ended, "tokens": revoked})
    return password


@transaction.atomic
def change_password(*, person: Person, old_password: str, new_password: str, actor: Actor | None = None) -> None:
    errors: dict[str, list[str]] = {}
    if not person.check_password(old_password):
        errors["old_password"] = [_("The current password is not correct.")]
    elif old_password == new_password:
        errors["new_password1"] = [_("The new password must differ from the current one.")]
    else:
        try:
            validate_password(new_password, user=person)
        except ValidationError as error:
            errors["new_password1"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    person.set_password(new_password)
    person.must_change_password = False
    person.password_changed_at = timezone.now()
    person.save(update_fields=["password", "must_change_password", "password_changed_at"])
    events.record(verb="account.password_changed", actor=actor or Actor(person), agency=person.agency_id,
                  target=person)


@transaction.atomic
def lock_account(*, by: Actor, person: Person, reason: str) -> None:
    """Lock at once (a lost phone, a stolen password): every session ends now."""
    if not permissions.can_manage_person(by.person, person) or person == by.person:
        raise NotAllowed()
    if not reason.strip():
        raise ValidationError({"reason": _("Please give the reason for locking the account.")})
    person.locked_at = timezone.now()
    person.locked_reason = reason.strip()[:200]
    person.save(update_fields=["locked_at", "locked_reason"])
    _end_sessions(person)
    events.record(verb="account.locked", actor=by, agency=person.agency_id, target=person,
                  data={"reason": person.locked_reason})


@transaction.atomic
def unlock_account(*, by: Actor, person: Person) -> None:
    if not permissions.can_manage_person(by.person, person):
        raise NotAllowed()
    clear_throttle(username=person.username)  # before the person's row, as check_credentials locks them
    person.locked_at = None
    person.locked_reason = ""
    person.failed_logins = 0
    person.save(update_fields=["locked_at", "locked_reason", "failed_logins"])
    # Whoever held the account may still hold a session or a token: recovery ends them all.
    ended, revoked = _end_sessions(person), _revoke_tokens(person)
    events.record(verb="account.unlocked", actor=by, agency=person.agency_id, target=person,
                  data={"sessions": ended, "tokens": revoked})


@transaction.atomic
def set_active(*, by: Actor, person: Person, active: bool) -> None:
    if not permissions.can_manage_person(by.person, person) or person == by.person:
        raise NotAllowed()
    person.is_active = active
    person.save(update_fields=["is_active"])
    if not active:
        _end_sessions(person)
    events.record(verb="account.activated" if active else "account.deactivated", actor=by,
                  agency=person.agency_id, target=person)


# --- Login ---------------------------------------------------------------------------------

class LoginResult:
    OK = "ok"
    NEEDS_TOTP = "totp"
    BAD = "bad"


class SignInThrottled(Exception):
    """Too many failed sign-ins from this address (for this username, or for any): try again later."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(self.retry_after)


_MAX_BLOCK = timedelta(days=1)
_FORGET_AFTER = timedelta(days=1)  # a pair quiet this long starts again from a short block
_dummy_hash: str | None = None


def _normalise(username: str) -> str:
    return username.strip().lower()[:150]


def _row(username: str, ip: str | None) -> SignInThrottle:
    row, _created = SignInThrottle.objects.get_or_create(username=username, ip=ip or "")
    return row


def _wait(row: SignInThrottle | None, now: datetime) -> float:
    """Seconds before this pair (or address) may try again: its block, or its growing delay."""
    if row is None:
        return 0.0
    waits = [0.0]
    if row.blocked_until and row.blocked_until > now:
        waits.append((row.blocked_until - now).total_seconds())
    if row.username and row.failures >= 2 and row.last_failure_at:
        # The first retry is free (a typo); then 1, 2, 4, 8 s… before the block.
        ready = row.last_failure_at + timedelta(seconds=2 ** (row.failures - 2))
        waits.append((ready - now).total_seconds())
    return max(waits)


def _check_throttle(username: str, ip: str | None) -> SignInThrottle:
    """Refuse at once when the pair or the address must wait; return the pair's row, locked."""
    now = timezone.now()
    address = SignInThrottle.objects.filter(username="", ip=ip or "").first()
    pair = SignInThrottle.objects.select_for_update().get(pk=_row(username, ip).pk)
    wait = max(_wait(address, now), _wait(pair, now))
    if wait > 0:
        raise SignInThrottled(wait)
    return pair


def _refuse_if_waiting(username: str, ip: str | None) -> None:
    """Without locks: refuse at once when the pair or the address must wait (decided again under them)."""
    now = timezone.now()
    rows = {row.username: row for row in SignInThrottle.objects.filter(ip=ip or "", username__in=[username, ""])}
    wait = max(_wait(rows.get(""), now), _wait(rows.get(username), now))
    if wait > 0:
        raise SignInThrottled(wait)


def _count_failure(pair: SignInThrottle, *, ip: str | None, person: Person | None) -> None:
    """One more failure for the pair and its address; block them (and tell) when they reach the limit.

    Locks: the pair (already held), then the address, then the event chains — never a chain
    before the address, or two failures from one address could wait on each other."""
    now = timezone.now()
    limits = parameters.values()  # the administrator may change them while the system runs
    window = timedelta(minutes=limits["login.address_window_minutes"])
    address = SignInThrottle.objects.select_for_update().get(pk=_row("", ip).pk)
    if now - address.window_start >= window:
        address.window_start, address.failures = now, 0
    address.failures += 1
    address.last_failure_at = now
    address_blocked = address.failures == limits["login.address_cap"]
    if address_blocked:
        address.blocked_until = now + window
    address.save()
    quiet_since = max(filter(None, [pair.last_failure_at, pair.blocked_until]), default=None)
    if quiet_since and now - quiet_since > _FORGET_AFTER:  # quiet for a day after its last failure or block
        pair.failures, pair.blocks = 0, 0
    if pair.blocked_until and pair.blocked_until <= now:  # an expired block: count afresh
        pair.failures, pair.blocked_until = 0, None
    pair.failures += 1
    pair.last_failure_at = now
    block = None
    if pair.failures >= limits["login.max_failed"]:
        block = min(timedelta(minutes=limits["login.lock_minutes"]) * 2 ** min(pair.blocks, 16), _MAX_BLOCK)
        pair.blocked_until, pair.failures, pair.blocks = now + block, 0, pair.blocks + 1
    pair.save()
    actor = Actor(person=None, ip=ip)
    if block is not None and pair.blocked_until is not None:
        events.record(verb="auth.login_throttled", actor=actor, agency=person.agency_id if person else None,
                      target=person, data={"username": pair.username, "scope": "account", "ip": pair.ip,
                                           "until": pair.blocked_until.isoformat(),
                                           "minutes": int(block.total_seconds() // 60)})
    if address_blocked and address.blocked_until is not None:
        events.record(verb="auth.login_throttled", actor=actor, agency=None,
                      data={"scope": "address", "ip": address.ip, "until": address.blocked_until.isoformat(),
                            "failures": address.failures})


def _run_hasher(password: str) -> None:
    """Spend the time a real password check takes, so an unknown username answers no faster."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = make_password(secrets.token_urlsafe(16))
    check_password(password, _dummy_hash)


def check_credentials(*, username: str, password: str, ip: str | None) -> tuple[str, Person | None]:
    """Check a username and password under the throttle (raises SignInThrottled).

    Unknown usernames, inactive or locked accounts and wrong passwords give the same answer in the
    same time, and are throttled alike, so accounts cannot be probed. A failure never locks the
    account itself: it blocks this username from this address only, for a while.
    """
    actor = Actor(person=None, ip=ip)
    name = _normalise(username)
    # The password is hashed before any lock is taken: hashing takes a quarter of a second and
    # more, and on SQLite a lock held meanwhile stops every other writer of the installation (at
    # 8 a.m., a hundred sign-ins a minute queued one behind the other). The throttle is read first
    # (a throttled attempt costs no hashing) and decides under the locks: an attempt that a
    # failure counted meanwhile has throttled is refused whatever its password, so concurrent
    # guesses learn no more than consecutive ones.
    _refuse_if_waiting(name, ip)
    candidate = Person.objects.filter(username=name).only("pk", "password").first()
    upgrade: list[bool] = []
    if candidate is None:
        _run_hasher(password)
        checked, good = None, False
    else:
        checked = candidate.password
        good = check_password(password, checked, lambda _raw: upgrade.append(True))
    with transaction.atomic():
        pair = _check_throttle(name, ip)
        # NO KEY: a write of this person's (an event naming them) must not wait for a sign-in attempt.
        person = Person.objects.select_for_update(no_key=True).filter(username=name).first()
        if person is None:
            reason = "unknown"
        else:
            if person.password != checked:  # changed while we hashed (or the account appeared)
                upgrade.clear()
                good = check_password(password, person.password, lambda _raw: upgrade.append(True))
            if good and upgrade:  # the hasher's settings have grown since this hash was made
                person.set_password(password)
                person.save(update_fields=["password"])
            reason = ("inactive" if not person.is_active else "locked" if person.is_locked
                      else "" if good else "password")
        if reason:
            if reason == "password":
                assert person is not None
                person.failed_logins += 1
                person.save(update_fields=["failed_logins"])
            _count_failure(pair, ip=ip, person=person)
            events.record(verb="auth.login_failed", actor=actor, agency=person.agency_id if person else None,
                          target=person, data={"username": username[:150], "reason": reason})
            return LoginResult.BAD, None
        assert person is not None
    if has_totp(person):
        return LoginResult.NEEDS_TOTP, person
    return LoginResult.OK, person


def forget_quiet_throttles(now: datetime | None = None) -> int:
    """Delete the throttle rows of pairs and addresses quiet for a day (no failure, no block still
    running): past that they count afresh anyway (_count_failure), and a stranger trying many
    usernames must not grow the table for ever. The job worker runs it each night."""
    now = now or timezone.now()
    quiet = now - _FORGET_AFTER
    stale = (SignInThrottle.objects.filter(last_failure_at__lt=quiet) | SignInThrottle.objects.filter(
        last_failure_at__isnull=True, window_start__lt=quiet)).exclude(blocked_until__gt=quiet)
    deleted, _per_model = stale.delete()
    return deleted


def clear_throttle(*, username: str, ip: str | None = None) -> None:
    """Forget the failures of this username (from this address, or from all)."""
    rows = SignInThrottle.objects.filter(username=_normalise(username))
    if ip is not None:
        rows = rows.filter(ip=ip)
    rows.delete()


def has_totp(person: Person) -> bool:
    return TotpDevice.objects.filter(person=person, confirmed=True).exists()


@transaction.atomic
def record_login(*, person: Person, session_key: str, ip: str | None, user_agent: str) -> LoginSession:
    # The throttle rows before the person's: the order check_credentials locks them in.
    clear_throttle(username=person.username, ip=ip or "")
    Person.objects.filter(pk=person.pk).update(failed_logins=0, last_login=timezone.now())
    session = LoginSession.objects.create(
        session_key=session_key, person=person, ip=ip, user_agent=user_agent[:300]
    )
    events.record(verb="auth.login", actor=Actor(person, ip=ip), agency=person.agency_id, target=person,
                  data={"user_agent": user_agent[:200]})
    return session


@transaction.atomic
def record_logout(*, person: Person, session_key: str | None, ip: str | None) -> None:
    LoginSession.objects.filter(session_key=session_key, ended_at=None).update(ended_at=timezone.now())
    events.record(verb="auth.logout", actor=Actor(person, ip=ip), agency=person.agency_id, target=person)


def session_rekeyed(*, old_key: str | None, new_key: str | None) -> None:
    LoginSession.objects.filter(session_key=old_key, ended_at=None).update(session_key=new_key)


def _end_sessions(person: Person, keep: str | None = None) -> int:
    live = LoginSession.objects.filter(person=person, ended_at=None)
    if keep:
        live = live.exclude(session_key=keep)
    keys = list(live.values_list("session_key", flat=True))
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        Session.objects.filter(session_key__in=keys).delete()
    else:  # kept in the cache too (cached_db with Redis): removed from where the engine keeps it
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for key in keys:
            store(key).delete(key)
    live.update(ended_at=timezone.now())
    return len(keys)


@transaction.atomic
def end_other_sessions(*, person: Person, current_session_key: str | None, actor: Actor) -> int:
    ended = _end_sessions(person, keep=current_session_key)
    events.record(verb="auth.sessions_ended", actor=actor, agency=person.agency_id, target=person,
                  data={"count": ended})
    return ended


# --- Two-factor ----------------------------------------------------------------------------

@transaction.atomic
def start_totp(*, person: Person) -> TotpDevice:
    device, _created = TotpDevice.objects.update_or_create(
        person=person, defaults={"secret": pyotp.random_base32(), "confirmed": False, "last_used_step": 0}
    )
    return device


def totp_uri(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.person.username, issuer_name="QLVB")


def _accept_code(device: TotpDevice, code: str) -> bool:
    """A code is good once: within one 30-second step either side, and never a step used before."""
    code = "".join(ch for ch in code if ch in "0123456789")
    totp = pyotp.TOTP(device.secret)
    now = timezone.now()
    for offset in (-1, 0, 1):
        moment: datetime = now + timedelta(seconds=30 * offset)
        step = int(moment.timestamp()) // 30
        if step > device.last_used_step and secrets.compare_digest(totp.at(moment), code):
            device.last_used_step = step
            device.save(update_fields=["last_used_step"])
            return True
    return False


@transaction.atomic
def confirm_totp(*, person: Person, code: str) -> None:
    device = TotpDevice.objects.select_for_update().filter(person=person).first()
    if device is None or not _accept_code(device, code):
        raise ValidationError({"code": _("The code is not correct. Check the time on your phone and try again.")})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    events.record(verb="account.totp_enabled", actor=Actor(person), agency=person.agency_id, target=person)


def verify_totp(*, person: Person, code: str, ip: str | None) -> bool:
    """The second step, throttled with the password: a wrong code counts as a failed sign-in of
    this username from this address (raises SignInThrottled when it must wait)."""
    with transaction.atomic():
        pair = _check_throttle(person.username, ip)
        device = TotpDevice.objects.select_for_update().filter(person=person, confirmed=True).first()
        ok = device is not None and _accept_code(device, code)
        if not ok:
            _count_failure(pair, ip=ip, person=person)
            events.record(verb="auth.login_failed", actor=Actor(None, ip=ip), agency=person.agency_id,
                          target=person, data={"username": person.username, "reason": "totp"})
    return ok


@transaction.atomic
def disable_totp(*, by: Actor, person: Person) -> None:
    if by.person != person and not permissions.can_manage_person(by.person, person):
        raise NotAllowed()
    TotpDevice.objects.filter(person=person).delete()
    events.record(verb="account.totp_disabled", actor=by, agency=person.agency_id, target=person)


# --- API tokens ----------------------------------------------------------------------------

def _revoke_tokens(person: Person) -> int:
    return ApiToken.objects.filter(person=person, revoked_at=None).update(revoked_at=timezone.now())


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_api_token(*, person: Person, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    if not name.strip():
        raise ValidationError({"name": _("Please name the token, e.g. the program that will use it.")})
    prefix = secrets.token_hex(4)
    key = f"qlvb_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        person=person, name=name.strip()[:100], prefix=prefix, key_hash=hash_key(key), expires_at=expires_at
    )
    events.record(verb="account.token_created", actor=Actor(person), agency=person.agency_id, target=person,
                  data={"token": token.prefix, "name": token.name})
    return token, key


@transaction.atomic
def revoke_api_token(*, person: Person, token: ApiToken) -> None:
    if token.person_id != person.pk:
        raise NotAllowed()
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    events.record(verb="account.token_revoked", actor=Actor(person), agency=person.agency_id, target=person,
                  data={"token": token.prefix})


def authenticate_token(key: str) -> Person | None:
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != "qlvb":
        return None
    token = ApiToken.objects.select_related("person").filter(prefix=parts[1]).first()
    if token is None or not token.is_usable or not secrets.compare_digest(token.key_hash, hash_key(key)):
        return None
    person = token.person
    # A person held on the password page is held off the API too (the password may be known to others).
    if not person.is_active or person.is_locked or person.must_change_password:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return person
