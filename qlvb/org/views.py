"""Organisation pages: the directory, administration of agencies, units, positions, people,
fields and signing authority, and delegations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core import absences, handover
from qlvb.core.actor import actor_from_request
from qlvb.core.forms import attach_errors
from qlvb.core.selectors import timeline
from qlvb.core.text import as_id
from qlvb.org import forms, permissions, selectors, services
from qlvb.org.http import PersonRequest
from qlvb.org.middleware import ACTING_SESSION_KEY
from qlvb.org.models import Agency, Field, Position, Post, SigningAuthority, Unit
from qlvb.org.scope import managed_agency, own_agency

_M = TypeVar("_M", bound=Model)


def _object_in(model: type[_M] | QuerySet[_M], agency: Agency, pk: int) -> _M:
    rows = model if isinstance(model, QuerySet) else model._default_manager.all()
    obj = rows.filter(pk=pk, agency=agency).first()
    if obj is None:
        raise Http404()
    return obj


def _run(form: Any, action: Callable[[], Any]) -> Any:
    """Call a service; on a ValidationError show it beside the form's fields and return None."""
    try:
        return action()
    except ValidationError as error:
        attach_errors(form, error)
        return None


# --- Directory (everyone in the agency) ----------------------------------------------------

@login_required
def directory(request: PersonRequest) -> HttpResponse:
    agency = own_agency(request)
    return render(request, "org/directory.html", {
        "agency": agency, "tree": selectors.unit_tree(agency, with_people=True),
        "fields": selectors.fields_of(agency),
        "can_manage": permissions.can_manage_agency(request.user, agency),
    })


# --- Agencies --------------------------------------------------------------------------------

@login_required
def agencies(request: PersonRequest) -> HttpResponse:
    if not permissions.is_installation_admin(request.user):
        raise Http404()
    form = forms.AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agency = _run(form, lambda: services.create_agency(by=actor_from_request(request), **form.cleaned_data))
        if agency:
            messages.success(request, _("The agency has been created."))
            return redirect("org:agency", agency.pk)
    return render(request, "org/agencies.html", {
        "agencies": Agency.objects.select_related("parent").order_by("code"), "form": form,
    })


@login_required
def agency(request: PersonRequest, pk: int) -> HttpResponse:
    obj = selectors.get_agency(request.user, pk)
    can_manage = permissions.can_manage_agency(request.user, obj)
    if not can_manage:
        raise Http404()
    form = forms.AgencyForm(request.POST or None, instance=obj)
    if not permissions.is_installation_admin(request.user):
        form.fields["code"].disabled = True
        form.fields["parent"].disabled = True
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        fresh = Agency.objects.get(pk=obj.pk)
        if _run(form, lambda: services.update_agency(by=actor_from_request(request), agency=fresh, **changes)):
            messages.success(request, _("Saved."))
            return redirect("org:agency", obj.pk)
    unit_form = forms.UnitForm(agency=obj, prefix="unit")
    position_form = forms.PositionForm(prefix="position")
    return render(request, "org/agency.html", {
        "agency": obj, "form": form, "tree": selectors.flatten(selectors.unit_tree(obj)),
        "positions": selectors.positions(obj), "unit_form": unit_form, "position_form": position_form,
    })


@login_required
def unit_save(request: PersonRequest, pk: int | None = None) -> HttpResponse:
    agency = managed_agency(request)
    unit = _object_in(Unit.objects.filter(deleted_at__isnull=True), agency, pk) if pk else None
    form = forms.UnitForm(request.POST or None, instance=unit, agency=agency, prefix="unit")
    if request.method == "POST" and form.is_valid():
        by = actor_from_request(request)
        data = form.cleaned_data
        if unit:
            fresh = Unit.objects.get(pk=unit.pk)
            saved = _run(form, lambda: services.update_unit(by=by, unit=fresh, **data))
        else:
            data.pop("is_active", None)
            saved = _run(form, lambda: services.create_unit(by=by, agency=agency, **data))
        if saved:
            messages.success(request, _("Saved."))
            return redirect("org:agency", agency.pk)
    return render(request, "org/form_page.html", {
        "form": form, "title": _("Edit unit") if unit else _("New unit"), "back": ("org:agency", agency.pk),
    })


@login_required
def position_save(request: PersonRequest, pk: int | None = None) -> HttpResponse:
    agency = managed_agency(request)
    position = _object_in(Position, agency, pk) if pk else None
    form = forms.PositionForm(request.POST or None, instance=position, prefix="position")
    if request.method == "POST" and form.is_valid():
        by = actor_from_request(request)
        if position:
            fresh = Position.objects.get(pk=position.pk)
            saved = _run(form, lambda: services.update_position(by=by, position=fresh, **form.cleaned_data))
        else:
            saved = _run(form, lambda: services.create_position(by=by, agency=agency, **form.cleaned_data))
        if saved:
            messages.success(request, _("Saved."))
            return redirect("org:agency", agency.pk)
    return render(request, "org/form_page.html", {
        "form": form, "title": _("Edit position") if position else _("New position"),
        "back": ("org:agency", agency.pk),
    })


# --- People ----------------------------------------------------------------------------------

@login_required
def people(request: PersonRequest) -> HttpResponse:
    agency = own_agency(request)
    unit = None
    if as_id(request.GET.get("unit")) is not None:
        unit = Unit.objects.filter(pk=int(request.GET["unit"]), agency=agency, deleted_at__isnull=True).first()
    can_manage = permissions.can_manage_agency(request.user, agency)
    query = request.GET.get("q", "")[:100]
    rows = selectors.people_list(viewer=request.user, agency=agency, query=query, unit=unit,
                                 include_inactive=can_manage and request.GET.get("all") == "1")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    away = absences.absent([p.pk for p in page.object_list], timezone.localdate())  # one call for the page
    for row in page.object_list:
        row.away = away.get(row.pk, "")  # type: ignore[attr-defined]
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "org/people.html", {
        "agency": agency, "page": page, "q": query, "unit": unit, "can_manage": can_manage,
        "units": selectors.flatten(selectors.unit_tree(agency)), "query": params.urlencode(),
    })


@login_required
def person(request: PersonRequest, pk: int) -> HttpResponse:
    obj = selectors.get_person(request.user, pk)
    can_manage = permissions.can_manage_person(request.user, obj)
    context: dict[str, Any] = {"person": obj, "can_manage": can_manage, "agency": obj.agency}
    if can_manage:
        context.update({
            "edit_form": forms.PersonEditForm(instance=obj, prefix="edit"),
            "post_form": forms.PostForm(agency=obj.agency, prefix="post"),
            "events": timeline(obj)[:50],
        })
    return render(request, "org/person.html", context)


@login_required
@require_POST
def person_action(request: PersonRequest, pk: int, action: str) -> HttpResponse:
    obj = selectors.get_person(request.user, pk)
    if not permissions.can_manage_person(request.user, obj):
        raise Http404()
    by = actor_from_request(request)
    try:
        if action == "edit":
            form = forms.PersonEditForm(request.POST, instance=obj, prefix="edit")
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            fresh = type(obj).objects.get(pk=obj.pk)
            services.update_person(by=by, person=fresh, **form.cleaned_data)
        elif action == "post":
            post_form = forms.PostForm(request.POST, agency=obj.agency, prefix="post")
            if not post_form.is_valid():
                raise ValidationError(post_form.errors.as_data())
            services.assign_post(by=by, person=obj, **post_form.cleaned_data)
        elif action == "end_post":
            post_pk = request.POST.get("post")
            post = Post.objects.filter(pk=post_pk, person=obj).first() if post_pk is not None else None
            if post is None:
                raise Http404()
            services.end_post(by=by, post=post)
            # 000 Đ4.1.d: work still open on him is offered for hand-over (core.handover knows
            # whether any is; the hand-over page is named by its URL, org imports no feature app).
            if handover.open_total(obj, post.agency_id):
                messages.warning(request, _("The post has ended. The person still holds open work: hand it over."))
                return redirect(reverse("handover:person", args=[obj.pk]))
        else:
            raise Http404()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Saved."))
    return redirect("org:person", obj.pk)


# --- Fields of work and signing authority -------------------------------------------------

@login_required
def fields(request: PersonRequest) -> HttpResponse:
    agency = managed_agency(request)
    return render(request, "org/fields.html", {
        "agency": agency, "fields": selectors.fields_of(agency),
        "authorities": selectors.signing_authorities(agency), "types": dict(forms.DOCUMENT_TYPES),
    })


@login_required
def field_save(request: PersonRequest, pk: int | None = None) -> HttpResponse:
    agency = managed_agency(request)
    field = _object_in(Field, agency, pk) if pk else None
    initial = ({"name": field.name, "abbreviation": field.abbreviation, "leader": field.leader,
                "units": list(field.units.all())} if field else None)
    form = forms.FieldForm(request.POST or None, initial=initial, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _run(form, lambda: services.save_field(
            by=actor_from_request(request), agency=agency, field=field, name=data["name"],
            abbreviation=data["abbreviation"], leader=data["leader"], units=list(data["units"])))
        if saved:
            messages.success(request, _("Saved."))
            return redirect("org:fields")
    return render(request, "org/form_page.html", {
        "form": form, "title": _("Field of work"), "back": ("org:fields",),
    })


@login_required
def signing_save(request: PersonRequest, pk: int | None = None) -> HttpResponse:
    agency = managed_agency(request)
    authority = _object_in(SigningAuthority, agency, pk) if pk else None
    initial = ({"person": authority.person, "capacity": authority.capacity, "scope": authority.scope,
                "unit": authority.unit, "document_types": authority.document_types,
                "fields_of_work": list(authority.fields.all())} if authority else None)
    form = forms.SigningForm(request.POST or None, initial=initial, agency=agency)
    if request.method == "POST" and "delete" in request.POST and authority:
        services.delete_signing_authority(by=actor_from_request(request), authority=authority)
        messages.success(request, _("Removed."))
        return redirect("org:fields")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _run(form, lambda: services.save_signing_authority(
            by=actor_from_request(request), agency=agency, authority=authority, person=data["person"],
            capacity=data["capacity"] or "", scope=data["scope"], unit=data["unit"],
            document_types=data["document_types"], fields=list(data["fields_of_work"])))
        if saved:
            messages.success(request, _("Saved."))
            return redirect("org:fields")
    return render(request, "org/form_page.html", {
        "form": form, "title": _("Signing authority"), "back": ("org:fields",), "deletable": authority,
    })


# --- Delegation -----------------------------------------------------------------------------

@login_required
def delegations(request: PersonRequest) -> HttpResponse:
    person = request.user
    form = forms.DelegationForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = _run(form, lambda: services.request_delegation(
            by=actor_from_request(request), delegate=data["delegate"], starts_at=data["starts_at"],
            ends_at=data["ends_at"], reason=data["reason"], scopes=data["scopes"]))
        if created:
            messages.success(request, _("The delegation has been sent for approval.")
                             if created.status == created.Status.PENDING else _("The delegation is approved."))
            return redirect("org:delegations")
    return render(request, "org/delegations.html", {
        "form": form, "mine": selectors.delegations_involving(person),
        "to_approve": selectors.delegations_to_approve(person),
        "in_force": selectors.delegations_in_force(person.agency_id) if person.agency_id else [],
    })


@login_required
def delegation(request: PersonRequest, pk: int) -> HttpResponse:
    obj = selectors.get_delegation(request.user, pk)
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        by = actor_from_request(request)
        action = request.POST.get("action")
        note = form.cleaned_data["note"]
        handlers = {
            "approve": lambda: services.approve_delegation(by=by, delegation=obj, note=note),
            "reject": lambda: services.reject_delegation(by=by, delegation=obj, note=note),
            "revoke": lambda: services.revoke_delegation(by=by, delegation=obj),
        }
        if action not in handlers:
            raise Http404()
        if _run(form, handlers[action]):
            messages.success(request, _("Saved."))
            return redirect("org:delegation", obj.pk)
    can_decide = obj.status == obj.Status.PENDING and services._may_approve(request.user, obj)
    return render(request, "org/delegation.html", {
        "d": obj, "form": form, "can_decide": can_decide, "events": timeline(obj),
        "scope_labels": [str(obj.Scope(scope).label) for scope in obj.scopes if scope in obj.Scope.values],
        "can_revoke": obj.status in (obj.Status.PENDING, obj.Status.APPROVED)
        and (obj.delegator_id == request.user.pk or permissions.can_manage_agency(request.user, obj.agency_id)),
    })


@login_required
@require_POST
def acting(request: PersonRequest) -> HttpResponse:
    """Start or stop acting on a delegator's behalf."""
    choice = request.POST.get("delegation", "")
    if not choice:
        request.session.pop(ACTING_SESSION_KEY, None)
        return redirect("home")
    match = [d for d in selectors.delegations_for_delegate(request.user) if str(d.pk) == choice]
    if not match:
        raise Http404()
    request.session[ACTING_SESSION_KEY] = match[0].pk
    from qlvb.core import events
    from qlvb.core.actor import Actor, client_ip

    events.record(verb="delegation.acting_started", agency=match[0].agency_id, target=match[0],
                  actor=Actor(request.user, on_behalf_of=match[0].delegator, ip=client_ip(request)))
    return redirect("home")


@login_required
def directory_search(request: PersonRequest) -> HttpResponse:
    """Agencies of the national directory matching what is typed (registration's issuer field)."""
    from django.http import JsonResponse

    from qlvb.org.directory import search

    found = search(request.GET.get("q", "")[:100])
    return JsonResponse({"agencies": [{"code": a.code, "name": a.name} for a in found]})
