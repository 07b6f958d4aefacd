"""The backups page of the installation administrator: the last backups, the schedule and the
retention, and a button that has the job worker take one now. Anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.backups import selectors, services
from qlvb.backups.models import Backup
from qlvb.core.actor import actor_from_request
from qlvb.org import permissions
from qlvb.org.http import PersonRequest

WEEKDAYS = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


def _admin_only(request: PersonRequest) -> None:
    if not permissions.is_installation_admin(request.user):
        raise Http404()


@login_required
def backups(request: PersonRequest) -> HttpResponse:
    _admin_only(request)
    recent = selectors.recent()
    finished = selectors.last_finished()
    schedule = selectors.schedule()
    return render(request, "backups/list.html", {
        "backups": recent,
        "schedule": schedule,
        "weekly_day": WEEKDAYS[schedule.weekly_day % 7],
        "last_failed": finished if finished and finished.status == Backup.Status.FAILED else None,
        "busy": any(backup.status in (Backup.Status.QUEUED, Backup.Status.RUNNING) for backup in recent),
    })


@login_required
@require_POST
def take_now(request: PersonRequest) -> HttpResponse:
    _admin_only(request)
    try:
        services.request(by=actor_from_request(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The backup is queued: the job worker takes it and verifies it. "
                                    "This page shows how it went."))
    return redirect("backups:list")
