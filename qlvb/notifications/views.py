"""The bell (polled by the top bar every few seconds, so it is live on every node without a
connection kept open), the list of one's notifications, opening one (marks it read, goes to its
document) and marking all read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core.actor import actor_from_request
from qlvb.core.errors import NotAllowed
from qlvb.core.paging import CappedPaginator
from qlvb.notifications import selectors, services
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
        "rows": _rows(services.chosen_channels(person)), "channels": channels, "has_email": bool(person.email)})


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
