"""Sign-in, sign-out, password change, two-factor set-up, sessions and API tokens; and the
administrators' account actions on the people pages."""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from qlvb.accounts import services
from qlvb.accounts.forms import ApiTokenForm, LoginForm, PasswordChangeForm, PersonCreateForm, TotpForm
from qlvb.accounts.models import ApiToken, LoginSession, TotpDevice
from qlvb.core import parameters
from qlvb.core.actor import actor_from_request, client_ip
from qlvb.core.forms import attach_errors
from qlvb.org import permissions
from qlvb.org import selectors as org_selectors
from qlvb.org import services as org_services
from qlvb.org.http import PersonRequest
from qlvb.org.models import Person
from qlvb.org.scope import managed_agency

PENDING_2FA = "pending_2fa"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def _finish_login(request: HttpRequest, person: Person) -> HttpResponse:
    failed = person.failed_logins  # since the last sign-in: the owner is told
    login(request, person, backend="qlvb.accounts.backends.PersonBackend")
    request.session.set_expiry(parameters.value("session.minutes") * 60)  # the administrator's, or the setting
    session_key = request.session.session_key
    assert session_key is not None  # login() saved the session under a new key
    services.record_login(person=person, session_key=session_key, ip=client_ip(request),
                          user_agent=request.META.get("HTTP_USER_AGENT", ""))
    if failed:
        messages.warning(request, ngettext(
            "%(count)d failed sign-in on your account since you last signed in. If it was not you, "
            "see Account and security and tell your agency's administrator.",
            "%(count)d failed sign-ins on your account since you last signed in. If it was not you, "
            "see Account and security and tell your agency's administrator.", failed) % {"count": failed})
    if person.must_change_password:
        return redirect("accounts:password_change")
    return redirect(_next_url(request))


def _throttled(request: HttpRequest, template: str, form: Any, error: services.SignInThrottled) -> HttpResponse:
    """429 with the wait in words; the same for every username, known or not."""
    minutes = math.ceil(error.retry_after / 60)
    wait = (ngettext("%(count)d second", "%(count)d seconds", error.retry_after) % {"count": error.retry_after}
            if error.retry_after < 60 else
            ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})
    form.add_error(None, _("Too many failed sign-ins from your address. Please try again in %(wait)s.")
                   % {"wait": wait})
    response = render(request, template, {"form": form, "next": request.GET.get("next", "")}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result, person = services.check_credentials(
                username=form.cleaned_data["username"], password=form.cleaned_data["password"],
                ip=client_ip(request))
        except services.SignInThrottled as error:
            return _throttled(request, "accounts/login.html", form, error)
        if result == services.LoginResult.OK:
            assert person is not None  # check_credentials names whom it lets in
            return _finish_login(request, person)
        if result == services.LoginResult.NEEDS_TOTP:
            assert person is not None
            request.session[PENDING_2FA] = {"id": person.pk, "at": timezone.now().timestamp(),
                                            "next": _next_url(request)}
            return redirect("accounts:login_totp")
        # One answer for an unknown username, a wrong password, a locked or inactive account.
        form.add_error(None, _("The username or password is not correct, or the account cannot sign in. "
                               "If this goes on, contact your agency's administrator."))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


def login_totp_view(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_2FA)
    if not pending or timezone.now().timestamp() - pending["at"] > 300:
        request.session.pop(PENDING_2FA, None)
        return redirect("accounts:login")
    person = get_object_or_404(Person, pk=pending["id"], is_active=True)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if person.is_locked:
            request.session.pop(PENDING_2FA, None)
            return redirect("accounts:login")
        try:
            accepted = services.verify_totp(person=person, code=form.cleaned_data["code"], ip=client_ip(request))
        except services.SignInThrottled as error:
            request.session.pop(PENDING_2FA, None)  # start again from the password, once the wait is over
            return _throttled(request, "accounts/login_totp.html", form, error)
        if accepted:
            request.session.pop(PENDING_2FA, None)
            response = _finish_login(request, person)
            return response if person.must_change_password else redirect(pending.get("next") or "/")
        form.add_error("code", _("The code is not correct. Check the time on your phone and try again."))
    return render(request, "accounts/login_totp.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.record_logout(person=request.user, session_key=request.session.session_key,
                               ip=client_ip(request))
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("accounts:login")


@login_required
def password_change_view(request: PersonRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(person=request.user, old_password=form.cleaned_data["old_password"],
                                     new_password=form.cleaned_data["new_password1"],
                                     actor=actor_from_request(request))
        except ValidationError as error:
            attach_errors(form, error)
        else:
            # Changing the password must not sign this browser out (Django gives it a new key).
            old_key = request.session.session_key
            update_session_auth_hash(request, request.user)
            services.session_rekeyed(old_key=old_key, new_key=request.session.session_key)
            messages.success(request, _("Your password has been changed."))
            return redirect("home")
    return render(request, "accounts/password_change.html", {
        "form": form, "forced": request.user.must_change_password,
        "help_texts": _password_help(),
    })


def _password_help() -> list[str]:
    from django.contrib.auth.password_validation import password_validators_help_texts

    return password_validators_help_texts()


@login_required
def security_view(request: PersonRequest) -> HttpResponse:
    person = request.user
    sessions = LoginSession.objects.filter(person=person, ended_at=None)
    device = TotpDevice.objects.filter(person=person).first()
    tokens = ApiToken.objects.filter(person=person, revoked_at=None)
    return render(request, "accounts/security.html", {
        "sessions": sessions, "current_key": request.session.session_key, "device": device,
        "tokens": tokens, "token_form": ApiTokenForm(), "new_key": request.session.pop("new_api_key", None),
    })


@login_required
@require_POST
def end_other_sessions_view(request: PersonRequest) -> HttpResponse:
    count = services.end_other_sessions(person=request.user, current_session_key=request.session.session_key,
                                        actor=actor_from_request(request))
    messages.success(request, _("%(count)d other sessions have been ended.") % {"count": count})
    return redirect("accounts:security")


@login_required
def totp_setup_view(request: PersonRequest) -> HttpResponse:
    person = request.user
    device = TotpDevice.objects.filter(person=person).first()
    if device and device.confirmed:
        return redirect("accounts:security")
    if device is None or request.method == "GET" and "new" in request.GET:
        device = services.start_totp(person=person)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_totp(person=person, code=form.cleaned_data["code"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Two-step sign-in is now on."))
            return redirect("accounts:security")
    uri = services.totp_uri(device)
    buffer = io.BytesIO()
    qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(buffer)
    return render(request, "accounts/totp_setup.html", {
        "form": form, "qr_svg": buffer.getvalue().decode(), "secret": device.secret,
    })


@login_required
@require_POST
def totp_disable_view(request: PersonRequest) -> HttpResponse:
    services.disable_totp(by=actor_from_request(request), person=request.user)
    messages.info(request, _("Two-step sign-in is now off."))
    return redirect("accounts:security")


@login_required
@require_POST
def token_create_view(request: PersonRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        expires = form.cleaned_data.get("expires_at")
        expires_at = (timezone.make_aware(dt.datetime.combine(expires, dt.time.max)) if expires else None)
        try:
            _token, key = services.create_api_token(person=request.user, name=form.cleaned_data["name"],
                                                    expires_at=expires_at)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            request.session["new_api_key"] = key
    else:
        messages.error(request, _("Please name the token, e.g. the program that will use it."))
    return redirect("accounts:security")


@login_required
@require_POST
def token_revoke_view(request: PersonRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, person=request.user, revoked_at=None)
    services.revoke_api_token(person=request.user, token=token)
    messages.info(request, _("The token has been revoked."))
    return redirect("accounts:security")


# --- People administration: the account buttons of org's people pages ------------------------
# The pages are org's (/org/people/…); what they do to accounts lives here, above org, so that
# org never has to know about sign-in.

@login_required
def person_create(request: PersonRequest) -> HttpResponse:
    agency = managed_agency(request)
    form = PersonCreateForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by = actor_from_request(request)
        try:
            # The account and its first post stand or fall together.
            with transaction.atomic():
                person, password = services.create_account(
                    by=by, agency=agency, username=data["username"], full_name=data["full_name"],
                    email=data["email"], phone=data["phone"], is_agency_admin=data["is_agency_admin"],
                )
                org_services.assign_post(by=by, person=person, unit=data["unit"], position=data["position"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return render(request, "accounts/one_time_password.html", {"person": person, "password": password})
    return render(request, "org/form_page.html", {
        "form": form, "title": _("New account"), "back": ("org:people",),
        "intro": _("A one-time password will be shown once; the person must change it at first sign-in."),
    })


@login_required
@require_POST
def person_action(request: PersonRequest, pk: int, action: str) -> HttpResponse:
    obj = org_selectors.get_person(request.user, pk)
    if not permissions.can_manage_person(request.user, obj):
        raise Http404()
    by = actor_from_request(request)
    try:
        if action == "lock":
            services.lock_account(by=by, person=obj, reason=request.POST.get("lock-reason", ""))
        elif action == "unlock":
            services.unlock_account(by=by, person=obj)
        elif action == "reset":
            password = services.reset_password(by=by, person=obj)
            return render(request, "accounts/one_time_password.html", {"person": obj, "password": password})
        elif action in {"activate", "deactivate"}:
            services.set_active(by=by, person=obj, active=action == "activate")
        elif action == "totp_off":
            services.disable_totp(by=by, person=obj)
        else:
            raise Http404()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Saved."))
    return redirect("org:person", obj.pk)
