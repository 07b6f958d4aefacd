"""The administration hub and the pages no app below owns: the installation's parameters and the
agency's review flow (whose rows are outgoing's: changed through outgoing.services)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from qlvb.administration.forms import FlowForm, ParametersForm
from qlvb.administration.pages import GROUPS
from qlvb.core import admin_pages, parameters
from qlvb.core.actor import actor_from_request
from qlvb.core.forms import attach_errors
from qlvb.core.models import Parameter
from qlvb.org import permissions
from qlvb.org.http import PersonRequest
from qlvb.org.models import Agency, Person
from qlvb.outgoing.services import settings_for, update_settings


def is_administrator(person: Any) -> bool:
    return permissions.is_installation_admin(person) or permissions.can_manage_agency(person, person.agency_id)


def visible_pages(person: Any) -> list[tuple[str, list[tuple[admin_pages.AdminPage, str]]]]:
    """The pages this administrator may open, by group, each with its address."""
    installation = permissions.is_installation_admin(person)
    grouped: dict[str, list[tuple[admin_pages.AdminPage, str]]] = {}
    for page in admin_pages.all_pages():
        if page.scope == "installation" and not installation:
            continue
        url = page.url(person)
        if url:
            grouped.setdefault(page.group if page.group in GROUPS else "", []).append((page, url))
    order = [*GROUPS, ""]
    return [(str(GROUPS.get(group, _("Other"))), grouped[group]) for group in order if group in grouped]


@login_required
def hub(request: PersonRequest) -> HttpResponse:
    if not is_administrator(request.user):
        raise Http404()
    return render(request, "administration/hub.html", {
        "groups": visible_pages(request.user),
        "installation": permissions.is_installation_admin(request.user),
    })


@login_required
def flow_home(request: PersonRequest) -> HttpResponse:
    """The agency's review flow: an agency's administrator goes to their own; the installation's
    chooses the agency."""
    person = request.user
    if not permissions.is_installation_admin(person):
        if not permissions.can_manage_agency(person, person.agency_id):
            raise Http404()
        return redirect("administration:flow", person.agency_id)
    return render(request, "administration/flow_agencies.html", {
        "agencies": Agency.objects.select_related("outgoing_settings").order_by("code"),
    })


@login_required
def flow(request: PersonRequest, pk: int) -> HttpResponse:
    agency = get_object_or_404(Agency, pk=pk)
    if not permissions.can_manage_agency(request.user, agency):
        raise Http404()
    config = settings_for(agency)
    people = Person.objects.filter(agency=agency, is_active=True).order_by("full_name")
    form = FlowForm(request.POST or None, people=people, initial={
        "review_days": config.review_days, "office_check": config.office_check,
        "office_checker": config.office_checker_id, "place": config.place,
        "verification_mark": config.verification_mark, "initials": config.initials})
    if request.method == "POST" and form.is_valid():
        try:
            update_settings(by=actor_from_request(request), agency=agency, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Saved. The next drafts submitted follow the new flow."))
            return redirect("administration:flow", agency.pk)
    return render(request, "administration/flow.html", {"agency": agency, "form": form, "config": config})


@login_required
def parameters_page(request: PersonRequest) -> HttpResponse:
    if not permissions.is_installation_admin(request.user):
        raise Http404()
    current = parameters.values()
    changed = set(Parameter.objects.values_list("name", flat=True))
    form = ParametersForm(request.POST or None, initial={name: current[name] for name in changed if name in current})
    if request.method == "POST" and form.is_valid():
        by = actor_from_request(request)
        try:
            with transaction.atomic():  # all the values or none
                for name in form.changed_data:
                    parameters.change(by=by, name=name, new=form.cleaned_data[name])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The parameters are saved; they apply now on every server."))
            return redirect("administration:parameters")
    return render(request, "administration/parameters.html", {
        "form": form, "rows": [(spec, current[spec.name], spec.name in changed) for spec in parameters.specs()]})
