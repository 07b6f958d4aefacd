"""Who may read the health details and the metrics.

QLVB_METRICS_TOKEN set: the caller sends `Authorization: Bearer <token>`.
Unset: /metrics answers only a caller on this machine talking to the server directly — loopback
address and no proxy header, since behind a proxy on the same machine every request comes from
loopback. Details on /health/ need the token or a signed-in installation administrator.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest

from qlvb.org import permissions
from qlvb.org.models import Person

PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def token_configured() -> bool:
    return bool(settings.QLVB_METRICS_TOKEN)


def has_token(request: HttpRequest) -> bool:
    expected = settings.QLVB_METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(expected) and scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), expected.encode())


def is_local_direct(request: HttpRequest) -> bool:
    if any(request.META.get(header) for header in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def may_read_metrics(request: HttpRequest) -> bool:
    return has_token(request) if token_configured() else is_local_direct(request)


def is_installation_admin(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return isinstance(user, Person) and permissions.is_installation_admin(user)


def may_read_details(request: HttpRequest) -> bool:
    return has_token(request) or is_installation_admin(request)
