"""Leave pages: my requests and balance, the request form, one request (approve, refuse,
cancel), the approvals waiting for me, the office's register (with its Excel and PDF), overtime.
Views are thin: selectors say what the person may see (404 otherwise), services act."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core.actor import actor_from_request, effective_person
from qlvb.core.errors import NotAllowed
from qlvb.core.forms import attach_errors
from qlvb.core.paging import CappedPaginator
from qlvb.leave import exports, forms, rules, selectors, services
from qlvb.org.http import PersonRequest
from qlvb.org.models import Person

SCOPE = "unit"


def _person(request: PersonRequest) -> Person:
    return effective_person(request, SCOPE)


def _act(request: PersonRequest, action: Callable[[], object], done: str) -> None:
    """A button's service call: its message on success, its refusals as messages, 404 when the
    person may not do it."""
    try:
        action()
    except NotAllowed:
        raise Http404() from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)


def _year_month(request: PersonRequest) -> tuple[int, int | None]:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
        month = int(request.GET.get("month") or 0) or None
    except ValueError:
        raise Http404() from None
    if not 2000 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
        raise Http404()
    return year, month


@login_required
def home(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    year = timezone.localdate().year
    page = CappedPaginator(selectors.my_requests(person), 25).get_page(request.GET.get("page"))
    return render(request, "leave/home.html", {
        "page": page, "balance": selectors.balance(person, year), "waiting": selectors.waiting_for(person).count(),
        "keeps": person.agency_id is not None and rules.may_keep(person, person.agency_id),
    })


@login_required
def create(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    if person.agency_id is None:
        raise Http404()
    form = forms.LeaveForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            leave = services.request_leave(by=actor_from_request(request, SCOPE), **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        except NotAllowed:
            raise Http404() from None
        else:
            messages.success(request, _("Your request is sent.") if leave.approver_id else
                             _("Your leave is announced to the leadership and the office."))
            return redirect("leave:detail", leave.pk)
    return render(request, "leave/form.html", {
        "form": form, "balance": selectors.balance(person, timezone.localdate().year),
        "leader": rules.is_leader(person)})


@login_required
def detail(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    leave = selectors.get_request(person, pk)
    today = timezone.localdate()
    return render(request, "leave/detail.html", {
        "leave": leave, "may_decide": rules.may_decide(person, leave), "form": forms.DecisionForm(),
        "may_cancel": leave.person_id == person.pk and leave.is_active and leave.end >= today,
        "cover_form": (forms.CoverForm(leave=leave, initial={"cover": leave.cover_id})
                       if leave.is_active and leave.end >= today else None),
        "cover_history": selectors.cover_history(person, leave),
    })


@login_required
@require_POST
def cover(request: PersonRequest, pk: int) -> HttpResponse:
    """Name, change or remove the colleague holding the person's tasks during the leave."""
    leave = selectors.get_request(_person(request), pk)
    form = forms.CoverForm(request.POST, leave=leave)
    if not form.is_valid():
        for message in form.errors.get("cover") or []:
            messages.error(request, str(message))
        return redirect("leave:detail", leave.pk)
    chosen = form.cleaned_data["cover"]
    _act(request, lambda: services.set_cover(by=actor_from_request(request, SCOPE), leave=leave, cover=chosen),
         _("%(name)s will handle the tasks during the leave.") % {"name": chosen.full_name} if chosen else
         _("Nobody handles the tasks during the leave."))
    return redirect("leave:detail", leave.pk)


@login_required
@require_POST
def decide(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    leave = selectors.get_request(person, pk)
    form = forms.DecisionForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    by = actor_from_request(request, SCOPE)
    if request.POST.get("action") == "refuse":
        _act(request, lambda: services.refuse(by=by, leave=leave, note=note), _("The request is refused."))
    else:
        _act(request, lambda: services.approve(by=by, leave=leave, note=note), _("The request is approved."))
    return redirect("leave:detail", leave.pk)


@login_required
@require_POST
def cancel(request: PersonRequest, pk: int) -> HttpResponse:
    leave = selectors.get_request(_person(request), pk)
    _act(request, lambda: services.cancel(by=actor_from_request(request, SCOPE), leave=leave),
         _("The request is cancelled."))
    return redirect("leave:detail", leave.pk)


@login_required
def approvals(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    return render(request, "leave/approvals.html", {"rows": list(selectors.waiting_for(person)[:200])})


@login_required
def register(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    agency_id = person.agency_id
    if agency_id is None or not rules.may_keep(person, agency_id):
        raise Http404()
    year, month = _year_month(request)
    fmt = request.GET.get("format")
    if fmt in exports.FORMATS:
        content, name, mime = exports.register_file(request.user, person, agency_id, year, month, fmt,
                                                    actor_from_request(request, SCOPE))
        response = HttpResponse(content, content_type=mime)
        response["Content-Disposition"] = exports.disposition(name)
        return response
    page = CappedPaginator(selectors.register(agency_id, year, month), 50).get_page(request.GET.get("page"))
    return render(request, "leave/register.html", {
        "page": page, "year": year, "month": month, "label": selectors.period_label(year, month),
        "months": range(1, 13), "years": range(timezone.localdate().year + 1, timezone.localdate().year - 6, -1),
    })


@login_required
def overtime(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    if person.agency_id is None:
        raise Http404()
    today = timezone.localdate()
    year, month = _year_month(request)
    month = month or today.month
    form = forms.OvertimeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_overtime(by=actor_from_request(request, SCOPE), **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        except NotAllowed:
            raise Http404() from None
        else:
            messages.success(request, _("Your overtime is declared to the office."))
            return redirect("leave:overtime")
    keeps = rules.may_keep(person, person.agency_id)
    rows = selectors.overtime(person.agency_id, year, month, None if keeps else person.pk)
    return render(request, "leave/overtime.html", {
        "form": form, "rows": list(rows[:500]), "keeps": keeps, "year": year, "month": month,
        "label": selectors.period_label(year, month), "months": range(1, 13),
        "years": range(today.year, today.year - 6, -1),
    })


@login_required
@require_POST
def carry_over(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    if person.agency_id is None or not rules.may_keep(person, person.agency_id):
        raise Http404()
    form = forms.CarryOverForm(request.POST)
    if not form.is_valid():
        raise Http404()
    owner = get_object_or_404(Person, pk=form.cleaned_data["person"], agency_id=person.agency_id)
    _act(request, lambda: services.carry_over(by=actor_from_request(request, SCOPE), person=owner,
                                              from_year=form.cleaned_data["from_year"],
                                              days=form.cleaned_data["days"]),
         _("The unused leave is carried over."))
    return redirect("leave:person", owner.pk)


@login_required
@require_POST
def service_start(request: PersonRequest, pk: int) -> HttpResponse:
    """The office records when the person entered service (the seniority of his entitlement)."""
    owner = get_object_or_404(Person, pk=pk)
    form = forms.ServiceStartForm(request.POST)
    started_on = form.cleaned_data["started_on"] if form.is_valid() else None
    _act(request, lambda: services.set_service_start(by=actor_from_request(request, SCOPE), person=owner,
                                                     started_on=started_on),
         _("The date of entry into service is recorded."))
    return redirect("leave:person", owner.pk)


@login_required
def person_balance(request: PersonRequest, pk: int) -> HttpResponse:
    """The office's view of one person's leave: the balance of each recent year, carry over."""
    viewer = _person(request)
    owner = get_object_or_404(Person, pk=pk)
    if owner.agency_id is None or (owner.pk != viewer.pk and not rules.may_keep(viewer, owner.agency_id)):
        raise Http404()
    year = timezone.localdate().year
    return render(request, "leave/person.html", {
        "owner": owner, "balances": [selectors.balance(owner, y) for y in (year - 1, year)],
        "keeps": rules.may_keep(viewer, owner.agency_id), "form": forms.CarryOverForm(),
        "start_form": forms.ServiceStartForm(initial={"started_on": selectors.balance(owner, year).started_on}),
    })


@login_required
def agency_rules(request: PersonRequest) -> HttpResponse:
    """The agency's leave rules: its leaders and administrators change them (404 for others)."""
    person = _person(request)
    if person.agency_id is None or not rules.may_set_rules(person, person.agency_id):
        raise Http404()
    current = rules.rules_for(person.agency_id)
    form = forms.RulesForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_rules(by=actor_from_request(request, SCOPE), agency_id=person.agency_id,
                               **{name: form.cleaned_data[name] for name in forms.RulesForm.Meta.fields})
        except ValidationError as error:
            attach_errors(form, error)
        except NotAllowed:
            raise Http404() from None
        else:
            messages.success(request, _("The leave rules are saved."))
            return redirect("leave:rules")
    return render(request, "leave/rules.html", {"form": form, "agency": person.agency})
