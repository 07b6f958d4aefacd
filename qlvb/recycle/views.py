"""The bin's pages: deleting something (or retiring it when it is in use), the bin of the
administrator's scope, restoring, and (the installation administrator) deleting for good. The
rules are core.bin's; each object's own app moves it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core import bin, policy
from qlvb.core.actor import actor_from_request
from qlvb.core.errors import NotAllowed
from qlvb.core.models import BinEntry
from qlvb.org.http import PersonRequest


def _may_see_bin(person: Any) -> bool:
    return policy.is_installation_admin(person) or (
        person.agency_id is not None and policy.can_manage_agency(person, person.agency_id))


def _next(request: PersonRequest, fallback: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure()):
        return wanted
    return fallback


def _entry(request: PersonRequest, pk: int) -> BinEntry:
    entry = bin.entries_for(request.user).filter(pk=pk).first()
    if entry is None:
        raise Http404()
    return entry


@login_required
def bin_list(request: PersonRequest) -> HttpResponse:
    if not _may_see_bin(request.user):
        raise Http404()
    page = Paginator(bin.entries_for(request.user).select_related("agency"), 50).get_page(request.GET.get("page"))
    for entry in page.object_list:
        try:
            entry.kind_label = bin.get(entry.kind).label  # type: ignore[attr-defined]
        except KeyError:  # an app no longer installed
            entry.kind_label = entry.kind  # type: ignore[attr-defined]
        entry.until = bin.restorable_until(entry.binned_at)  # type: ignore[attr-defined]
    return render(request, "recycle/bin.html", {
        "page": page, "days": bin.days(), "may_purge": bin.may_purge(request.user),
        "all_agencies": policy.is_installation_admin(request.user),
    })


@login_required
def delete(request: PersonRequest, kind: str, pk: int) -> HttpResponse:
    """The confirmation: what deleting will do (the bin, until when), or why it can only be retired."""
    try:
        bin_kind = bin.get(kind)
    except KeyError:
        raise Http404() from None
    obj = bin_kind.model_class._base_manager.filter(pk=pk).first()
    if obj is None or bin.is_binned(obj) or not bin.may_manage(request.user, obj, bin_kind):
        raise Http404()
    back = _next(request, bin_kind.url(obj) if bin_kind.url else "/")
    if request.method == "POST":
        by = actor_from_request(request)
        try:
            if request.POST.get("action") == "bin":
                entry = bin.move_to_bin(by=by, obj=obj)
                messages.success(request, _("%(name)s is in the bin: it can be restored until %(date)s.") % {
                    "name": entry.label, "date": bin.restorable_until(entry.binned_at).strftime("%d/%m/%Y")})
                return redirect(back)
            if request.POST.get("action") == "retire":
                bin.retire(by=by, obj=obj)
                messages.success(request, _("%(name)s has been retired.") % {"name": obj})
                return redirect(back)
            raise Http404()
        except NotAllowed:
            raise Http404() from None
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        obj = bin_kind.model_class._base_manager.get(pk=obj.pk)
    references = bin.references(obj, bin_kind)
    return render(request, "recycle/delete.html", {
        "obj": obj, "kind": bin_kind, "references": bin.describe(references), "in_use": bool(references),
        "retired": bin_kind.is_retired(obj), "until": bin.restorable_until(), "next": back,
    })


@login_required
@require_POST
def restore(request: PersonRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    try:
        obj = bin.restore(by=actor_from_request(request), entry=entry)
    except NotAllowed:
        raise Http404() from None
    messages.success(request, _("%(name)s has been restored.") % {"name": obj})
    return redirect("recycle:list")


@login_required
def purge(request: PersonRequest, pk: int) -> HttpResponse:
    """Deleting for good, before the period ends: asked once more, as nothing brings it back."""
    if not bin.may_purge(request.user):
        raise Http404()
    entry = _entry(request, pk)
    if request.method != "POST":
        return render(request, "recycle/purge.html", {"entry": entry})
    try:
        bin.purge(by=actor_from_request(request), entry=entry)
    except NotAllowed:
        raise Http404() from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s has been deleted for good.") % {"name": entry.label})
    return redirect("recycle:list")
