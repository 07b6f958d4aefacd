"""Whole pages kept for the person who asked for them, until the next event.

The pages people load most (their inbox, the home page, a document, the outgoing list) are read
far more often than anything on them changes, and every change is an event (docs/architecture.md)
that moves core.personcache's stamp. `kept_page` keeps a view's answer under that stamp and
serves it again, without running the view, to the same person asking the same address until the
stamp moves, the day changes or TIMEOUT passes (the bound on a change made outside the services).

What must never come from here, and does not:
- anything answered to a request other than a plain GET, or while a message waits to be shown;
- an answer that is not a plain 200 page: redirects, errors, files, answers with headers of their
  own (HTMX triggers, cookies);
- a page whose making recorded an event: the page of a secret document logs each opening (R7), an
  event that leaves the stamp where it was, so that page is made afresh every time. A list that
  only names a secret document is kept here, with its `Cache-Control: no-store` for the browser
  (core.http.no_store): the person's access ending is an event;
- another person's page, or the same person's page acting for someone else (the key holds both).

A form's CSRF token is per browser: a kept page is rendered with a placeholder where the token
goes (`csrf_context`, the last context processor) and each answer gets the asker's own token.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from qlvb.core import personcache

# The bound on what moves without an event: a change made outside the services, a delegation
# whose start or end time passes (offered in the header).
TIMEOUT = 60
_KEEPING = "_qlvb_keeping_page"
# The headers a kept answer may have had from its view, kept with it: any other (HX-Trigger,
# Location…) means the answer is not a plain page and is not kept.
_PLAIN_HEADERS = ("content-type", "cache-control")


def _placeholder() -> str:
    return _placeholder_for(settings.SECRET_KEY)


@functools.cache
def _placeholder_for(secret_key: str) -> str:
    # Derived from the secret key: text someone typed into a document cannot be taken for it.
    digest = hmac.new(secret_key.encode(), b"qlvb-kept-page-csrf", hashlib.sha256).hexdigest()
    return f"csrf{digest[:28]}"


def enabled() -> bool:
    return bool(getattr(settings, "QLVB_KEEP_PAGES", True))


def csrf_context(request: HttpRequest) -> dict[str, Any]:
    """Replaces Django's csrf_token in templates while a page is being kept (see the module)."""
    if getattr(request, _KEEPING, False):
        return {"csrf_token": _placeholder()}
    return {}


def _messages_waiting(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and len(storage))


def _key(request: HttpRequest, extra: str) -> str:
    person = request.user
    acting = getattr(request, "acting_delegation", None)
    session = getattr(request, "session", None)
    admin_agency = session.get("admin_agency", "") if session is not None else ""
    headers = request.headers
    htmx = "|".join(headers.get(h, "") for h in ("HX-Request", "HX-Target", "HX-Boosted",
                                                  "HX-History-Restore-Request"))
    address = hashlib.sha256(f"{request.get_full_path()}|{htmx}|{extra}".encode()).hexdigest()[:32]
    return (f"qlvb:page:{person.pk}:{acting.pk if acting else ''}:{admin_agency}:{get_language()}:"
            f"{timezone.localdate().isoformat()}:{personcache.stamp()}:{address}")


def _with_token(request: HttpRequest, content: bytes) -> bytes:
    """The page with this browser's CSRF token where the kept page has the placeholder."""
    return content.replace(_placeholder().encode(), get_token(request).encode())


def _keepable(response: HttpResponseBase) -> bool:
    return (isinstance(response, HttpResponse) and response.status_code == 200 and not response.cookies
            and all(name.lower() in _PLAIN_HEADERS for name in response.headers))


def kept_page(extra: Callable[[HttpRequest], object] | None = None) -> Callable[[Callable[..., HttpResponseBase]],
                                                                          Callable[..., HttpResponseBase]]:
    """Keep the view's page (see the module). `extra(request)` adds to the key what the page shows
    that moves without moving the stamp."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if (not enabled() or request.method != "GET" or not request.user.is_authenticated
                    or _messages_waiting(request)):
                return view(request, *args, **kwargs)
            # The key, stamp included, is taken before the view runs: an event while it runs leaves
            # the page under a stamp that is already old, so it is never served.
            key = _key(request, str(extra(request)) if extra else "")
            stored = caches["pages"].get(key)
            if stored is not None:
                headers, content = stored
                return HttpResponse(_with_token(request, content), headers=headers)
            quiet_before = personcache.quiet_events()
            setattr(request, _KEEPING, True)
            try:
                response = view(request, *args, **kwargs)
            finally:
                setattr(request, _KEEPING, False)
            if not isinstance(response, HttpResponse):  # a file (FileResponse) or a streamed answer
                return response
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            if _keepable(response) and personcache.quiet_events() == quiet_before:
                caches["pages"].set(key, (dict(response.headers), response.content), TIMEOUT)
            response.content = _with_token(request, response.content)
            return response

        return wrapper

    return decorator
