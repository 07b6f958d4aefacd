"""Dossier pages: my and my units' dossiers, one dossier with its documents, the year's plan."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core.actor import actor_from_request, effective_person
from qlvb.core.forms import attach_errors
from qlvb.core.text import as_id
from qlvb.dossiers import selectors, services
from qlvb.dossiers.forms import DossierForm
from qlvb.dossiers.models import Dossier
from qlvb.org.http import PersonRequest
from qlvb.org.models import Person

SCOPE = "incoming"  # which delegations let a delegate act here


def _person(request: PersonRequest) -> Person:
    return effective_person(request, SCOPE)


@login_required
def dossier_list(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    agency = request.user.agency
    if agency is None:
        raise Http404()
    form = DossierForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.create_dossier(by=actor_from_request(request, SCOPE), agency=agency, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("dossiers:detail", dossier.pk)
    year = request.GET.get("year", "")
    status = request.GET.get("status", "")
    return render(request, "dossiers/list.html", {
        "dossiers": selectors.dossiers_for(person, year=as_id(year),
                                           status=status if status in Dossier.Status.values else None),
        "form": form, "year": year, "status": status, "statuses": Dossier.Status.choices,
    })


@login_required
def dossier_detail(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    dossier = selectors.get_dossier(person, pk)
    return render(request, "dossiers/detail.html", {
        "dossier": dossier, "items": selectors.items_for(person, dossier),
        "can_edit": selectors.can_edit(person, dossier),
    })


@login_required
@require_POST
def dossier_action(request: PersonRequest, pk: int, verb: str) -> HttpResponse:
    person = _person(request)
    dossier = selectors.get_dossier(person, pk)
    handlers = {"open": services.open_dossier, "close": services.close_dossier}
    if verb not in handlers:
        raise Http404()
    try:
        handlers[verb](by=actor_from_request(request, SCOPE), dossier=dossier)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("dossiers:detail", dossier.pk)


@login_required
def plan(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    agency = request.user.agency
    if agency is None or not selectors.can_manage_plan(person, agency):
        raise Http404()
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    if request.method == "POST":
        try:
            services.approve_plan(by=actor_from_request(request, SCOPE), agency=agency, year=year)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(f"{request.path}?year={year}")
    from qlvb.dossiers.models import DossierPlan

    return render(request, "dossiers/plan.html", {
        "year": year, "dossiers": selectors.plan(agency, year),
        "plan": DossierPlan.objects.filter(agency=agency, year=year).select_related("approved_by").first(),
    })
