"""How often one caller may ask (settings QLVB_VERIFY_*; core.ratelimit counts in the cache)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from qlvb.core.actor import client_ip
from qlvb.core.ratelimit import Limit, hit


def _window() -> int:
    return max(1, int(settings.QLVB_VERIFY_WINDOW_MINUTES)) * 60


def lookups() -> Limit:
    return Limit("verify.lookup", int(settings.QLVB_VERIFY_LOOKUPS), _window())


def uploads() -> Limit:
    return Limit("verify.upload", int(settings.QLVB_VERIFY_UPLOADS), _window())


def caller(request: Any) -> str:
    """A visitor by their address; a person signed in by their account (colleagues behind one
    address do not use up each other's look-ups)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"person:{user.pk}"
    return f"ip:{client_ip(request) or '-'}"


def count(request: Any, limit: Limit) -> None:
    """Raises core.ratelimit.RateLimited past the limit."""
    hit(limit, caller(request))
