from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from qlvb.accounts.models import LoginSession

# The installable app's files are the same for everyone (and fetched by the service worker on its own).
_OPEN_PREFIXES = ("/static/", "/i18n/", "/favicon", "/sw.js", "/manifest.webmanifest", "/offline/")


class SessionGuardMiddleware:
    """Ends sessions that were ended elsewhere or whose account was locked, and keeps people
    who must change their password on that page until they do."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(_OPEN_PREFIXES):
            key = request.session.session_key
            login_session = LoginSession.objects.filter(session_key=key, ended_at=None).only(
                "pk", "last_seen_at").first()
            if login_session is None or user.is_locked or not user.is_active:
                logout(request)
                return redirect("accounts:login")
            now = timezone.now()
            if (now - login_session.last_seen_at).total_seconds() > 60:
                LoginSession.objects.filter(pk=login_session.pk).update(last_seen_at=now)
            if user.must_change_password and request.path not in {
                reverse("accounts:password_change"), reverse("accounts:logout")
            }:
                return redirect("accounts:password_change")
        return self.get_response(request)
