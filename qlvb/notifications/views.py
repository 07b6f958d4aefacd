"""The bell (polled by the top bar every few seconds, so it is live on every node without a
connection kept open), the list of one's notifications, opening one (marks it read, goes to its
document) and marking all read; this device's push subscription; the installable app (the web
app manifest, the service worker, the offline page)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qlvb.core.actor import actor_from_request
from qlvb.core.errors import NotAllowed
from qlvb.core.paging import CappedPaginator
from qlvb.notifications import push, selectors, services
from qlvb.notifications.models import Notification, Preference
from qlvb.org import permissions
from qlvb.org.http import PersonRequest
from qlvb.org.models import Agency


@login_required
def bell(request: PersonRequest) -> HttpResponse:
    """The unread count, polled by the top bar of every page."""
    response = render(request, "notifications/_bell_count.html", {"unread": selectors.unread_count(request.user)})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def bell_list(request: PersonRequest) -> HttpResponse:
    """The latest notifications, loaded when the bell is opened."""
    response = render(request, "notifications/_bell_list.html", {"latest": selectors.latest(request.user)})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def notification_list(request: PersonRequest) -> HttpResponse:
    unread = request.GET.get("unread") == "1"
    page = CappedPaginator(selectors.of(request.user, unread=unread), 30).get_page(request.GET.get("page"))
    page.object_list = selectors.with_text(page.object_list)
    return render(request, "notifications/list.html", {"page": page, "unread_only": unread,
                                                       "unread": selectors.unread_count(request.user)})


@login_required
def open_notification(request: PersonRequest, pk: int) -> HttpResponse:
    """Marked read, then its document (a notification is only ever its owner's: 404 otherwise)."""
    try:
        notification = services.mark_read(person=request.user, notification_id=pk)
    except NotAllowed:
        raise Http404() from None
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("notifications:list")
    return redirect(target)


@login_required
@require_POST
def read_all(request: PersonRequest) -> HttpResponse:
    services.mark_all_read(person=request.user)
    if request.htmx:
        response = bell_list(request)
        response["HX-Trigger"] = "notifications-read"  # the count follows at once
        return response
    return redirect("notifications:list")


@login_required
def preferences(request: PersonRequest) -> HttpResponse:
    """Per kind and channel (e-mail, push, the morning digest); the bell always shows them."""
    person = request.user
    channels = Preference.Channel.choices
    if request.method == "POST":
        chosen = {kind: {channel for channel, _label in channels if request.POST.get(f"{channel}_{kind}")}
                  for kind in Notification.Kind.values}
        services.set_preferences(person=person, channels=chosen)
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {
        "rows": _rows(services.chosen_channels(person)), "channels": channels, "has_email": bool(person.email),
        "vapid_public_key": settings.QLVB_VAPID_PUBLIC_KEY, "devices": person.push_subscriptions.count()})


def _rows(wanted: dict[str, set[str]]) -> list[tuple[str, Any, list[tuple[str, bool]]]]:
    return [(kind, label, [(channel, channel in wanted[kind]) for channel in Preference.Channel.values])
            for kind, label in Notification.Kind.choices]


@login_required
def agency_defaults(request: PersonRequest, agency_id: int | None = None) -> HttpResponse:
    """The agency's defaults per kind and channel, for its administrator: what its people get until
    they choose themselves (a choice of theirs stays theirs)."""
    agency = get_object_or_404(Agency, pk=agency_id or request.user.agency_id or 0)
    if not permissions.can_manage_agency(request.user, agency):
        raise Http404()
    channels = Preference.Channel.choices
    if request.method == "POST":
        chosen = {kind: {channel for channel, _label in channels if request.POST.get(f"{channel}_{kind}")}
                  for kind in Notification.Kind.values}
        services.set_agency_defaults(by=actor_from_request(request), agency=agency, channels=chosen)
        messages.success(request, _("The agency's defaults are saved."))
        return redirect("notifications:agency_defaults", agency.pk)
    return render(request, "notifications/preferences.html", {
        "rows": _rows(services.agency_defaults(agency.pk)), "channels": channels, "agency": agency,
        "has_email": True})


def _json_body(request: HttpRequest) -> object:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None


def _refused(error: ValidationError) -> JsonResponse:
    return JsonResponse({"detail": " ".join(error.messages)}, status=400)


@login_required
@require_POST
def push_subscribe(request: PersonRequest) -> JsonResponse:
    """This browser's push subscription (its PushSubscription.toJSON(), as JSON) for the signed-in person."""
    try:
        subscription = push.subscribe(person=request.user, data=_json_body(request),
                                      user_agent=request.headers.get("User-Agent", ""))
    except ValidationError as error:
        return _refused(error)
    return JsonResponse({"id": subscription.pk}, status=201)


@login_required
@require_POST
def push_unsubscribe(request: PersonRequest) -> HttpResponse:
    """{"endpoint": …}: this browser no longer receives the person's notifications."""
    body = _json_body(request)
    try:
        push.unsubscribe(person=request.user, endpoint=body.get("endpoint") if isinstance(body, dict) else None)
    except ValidationError as error:
        return _refused(error)
    except NotAllowed:
        raise Http404() from None
    return HttpResponse(status=204)


# --- The installable app ------------------------------------------------------------------
THEME = "#8b1a1a"  # the top bar's colour (.bg-qlvb in app.css)


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: what a phone needs to put QLVB on its home screen."""
    icons = [{"src": static(f"qlvb/icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png",
              "purpose": "any"} for size in (192, 512)]
    icons.append({"src": static("qlvb/icons/maskable-512.png"), "sizes": "512x512", "type": "image/png",
                  "purpose": "maskable"})
    response = JsonResponse({
        "name": "QLVB – Quản lý văn bản", "short_name": "QLVB", "id": "/", "start_url": "/", "scope": "/",
        "display": "standalone", "lang": "vi", "dir": "ltr", "theme_color": THEME, "background_color": "#ffffff",
        "description": "Quản lý văn bản và điều hành", "icons": icons,
    }, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=3600"
    return response


@cache
def _service_worker_source() -> bytes:
    found = finders.find("qlvb/sw.js")
    if not found:
        raise Http404()
    with open(found if isinstance(found, str) else found[0], "rb") as file:
        return file.read()


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from the site's root so that its scope is the whole site. Never cached
    by the browser's HTTP cache: a new version reaches every device at its next visit."""
    response = HttpResponse(_service_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows when a page cannot be loaded (kept at install): nothing of
    anyone's, so it can be cached for whoever uses the device."""
    response = render(request, "notifications/offline.html")
    response["Cache-Control"] = "no-cache"
    return response


