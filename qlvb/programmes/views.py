"""Work programme pages: the list (mine, my unit's, the agency's, waiting for my approval), one
programme with its items and their status, the item form (an adjustment with its reason once
approved), submit / approve / return, making tasks of items, the periodic review, and the leader's
view of the fields he is in charge of. Views are thin: selectors say what the person may see
(404 otherwise), services act."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from qlvb.core.actor import actor_from_request, effective_person
from qlvb.core.errors import NotAllowed
from qlvb.core.forms import attach_errors
from qlvb.core.paging import CappedPaginator
from qlvb.core.selectors import timeline
from qlvb.org.http import PersonRequest
from qlvb.org.models import Agency, Person
from qlvb.programmes import forms, selectors, services
from qlvb.programmes.models import Item, Programme

SCOPE = "unit"  # a delegation of the unit's work lets the delegate act on its programmes

TABS = {"mine": _lazy("My programmes"), "unit": _lazy("Units' programmes"), "agency": _lazy("Agency's programmes"),
        "waiting": _lazy("Waiting for my approval")}
STATUS_LABELS = {"done": _lazy("Done"), "in_progress": _lazy("In progress"), "late": _lazy("Late"),
                 "pending": _lazy("Not started"), "proposed": _lazy("Proposed")}


def _person(request: PersonRequest) -> Person:
    return effective_person(request, SCOPE)


def _agency(person: Person) -> Agency:
    if person.agency is None:
        raise Http404()
    return person.agency


def _year(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and 2000 <= int(value) <= 2100 else None


@login_required
def programme_list(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    tab = request.GET.get("tab") or "unit"
    if tab not in TABS:
        raise Http404()
    year = _year(request.GET.get("year"))
    page = CappedPaginator(selectors.programme_list(person, tab, year), 25).get_page(request.GET.get("page"))
    return render(request, "programmes/list.html", {
        "tab": tab, "tabs": TABS, "page": page, "year": year or "", "waiting": selectors.waiting_count(person),
        "query": f"tab={tab}&year={year or ''}",
    })


@login_required
def programme_new(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    agency = _agency(person)
    form = forms.ProgrammeForm(request.POST or None, person=person, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = services.create(
                by=actor_from_request(request, SCOPE), agency=agency, scope=data["scope"], period=data["period"],
                year=data["year"], number=data["number"], week_of=data["week_of"], owner_unit=data["owner_unit"],
                title=data["title"])
        except ValidationError as error:
            attach_errors(form, error)
        except NotAllowed:
            form.add_error("scope", _("You may not make this programme."))
        else:
            messages.success(request, _("Programme created: add its work items."))
            return redirect("programmes:detail", programme.pk)
    return render(request, "programmes/new.html", {"form": form})


def _detail_page(request: PersonRequest, person: Person, programme: Programme, *, status: int = 200,
                 **given: Any) -> HttpResponse:
    d = selectors.detail(programme)
    return render(request, "programmes/detail.html", {
        "p": programme, "d": d, "can": selectors.actions(person, programme), "events": timeline(programme),
        "labels": STATUS_LABELS, "note_form": given.get("note") or forms.NoteForm(),
        "tasks_error": given.get("tasks_error"), "today": timezone.localdate(),
    }, status=status)


@login_required
def detail(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    return _detail_page(request, person, selectors.get_programme(person, pk))


@login_required
def item_form(request: PersonRequest, pk: int, item_pk: int | None = None) -> HttpResponse:
    person = _person(request)
    programme = selectors.get_programme(person, pk)
    can = selectors.actions(person, programme)
    if not (can["edit"] or can["adjust"]):
        raise Http404()
    item = selectors.get_item(programme, item_pk) if item_pk else None
    initial: dict[str, Any] = {}
    if item is not None:
        initial = {"title": item.title, "product": item.product, "responsible_unit": item.responsible_unit,
                   "coordinating_units": list(item.coordinating_units.all()),
                   "responsible_person": item.responsible_person, "starts": item.starts, "due": item.due,
                   "nature": item.nature, "field": item.field}
    form = forms.ItemForm(request.POST or None, initial=initial, agency=programme.agency,
                          adjusting=programme.is_approved)
    if request.method == "POST" and form.is_valid():
        by = actor_from_request(request, SCOPE)
        reason = form.cleaned_data.get("reason", "")
        try:
            if item is None:
                services.add_item(by=by, programme=programme, reason=reason, **form.values())
            else:
                services.update_item(by=by, item=item, reason=reason, **form.values())
        except NotAllowed:
            raise Http404() from None
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Programme adjusted.") if programme.is_approved else _("Item saved."))
            return redirect("programmes:detail", programme.pk)
    return render(request, "programmes/item_form.html", {"p": programme, "item": item, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def item_withdraw(request: PersonRequest, pk: int, item_pk: int) -> HttpResponse:
    person = _person(request)
    programme = selectors.get_programme(person, pk)
    item = selectors.get_item(programme, item_pk)
    form = forms.ReasonForm(request.POST)
    try:
        services.withdraw_item(by=actor_from_request(request, SCOPE), item=item,
                               reason=form.data.get("reason", ""))
    except NotAllowed:
        raise Http404() from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Item withdrawn."))
    return redirect("programmes:detail", programme.pk)


@login_required
@require_POST
def action(request: PersonRequest, pk: int, verb: str) -> HttpResponse:
    person = _person(request)
    programme = selectors.get_programme(person, pk)
    if verb not in ("submit", "approve", "return"):
        raise Http404()
    form = forms.NoteForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    by = actor_from_request(request, SCOPE)
    try:
        if verb == "submit":
            services.submit(by=by, programme=programme)
            messages.success(request, _("Programme submitted for approval."))
        elif verb == "approve":
            services.approve(by=by, programme=programme, note=note)
            messages.success(request, _("Programme approved."))
        else:
            services.send_back(by=by, programme=programme, note=note)
            messages.success(request, _("Programme returned."))
    except NotAllowed:
        raise Http404() from None
    except ValidationError as error:
        attach_errors(form, error)
        return _detail_page(request, person, programme, status=400, note=form)
    return redirect("programmes:detail", programme.pk)


@login_required
@require_POST
def make_tasks(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    programme = selectors.get_programme(person, pk)
    ids = [int(v) for v in request.POST.getlist("items") if v.isdigit()]
    items = list(Item.objects.filter(programme=programme, pk__in=ids).prefetch_related("coordinating_units")
                 .select_related("responsible_unit", "responsible_person"))
    try:
        made = services.make_tasks(by=actor_from_request(request, SCOPE), programme=programme, items=items)
    except NotAllowed:
        raise Http404() from None
    except ValidationError as error:
        return _detail_page(request, person, programme, status=400, tasks_error=" ".join(error.messages))
    messages.success(request, _("%(count)d tasks made.") % {"count": len(made)})
    return redirect("programmes:detail", programme.pk)


@login_required
def review(request: PersonRequest, pk: int) -> HttpResponse:
    """The review page (sơ kết, tổng kết): the items of a period by status with counts, the
    reviews written, and (for the unit head) the form to write one."""
    person = _person(request)
    programme = selectors.get_programme(person, pk)
    can = selectors.actions(person, programme)
    form = forms.ReviewForm(request.POST or None, agency=programme.agency,
                            initial={"starts": programme.starts, "ends": programme.ends})
    if request.method == "POST":
        if not can["review"]:
            raise Http404()
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.review(by=actor_from_request(request, SCOPE), programme=programme, starts=data["starts"],
                                ends=data["ends"], assessment=data["assessment"], proposals=form.proposals())
            except NotAllowed:
                raise Http404() from None
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("Review recorded."))
                return redirect("programmes:review", programme.pk)
    start = _date(request.GET.get("from")) or programme.starts
    end = _date(request.GET.get("to")) or programme.ends
    rows = selectors.item_rows(programme, start=start, end=end)
    groups = [(key, STATUS_LABELS[key], [r for r in rows if r.status == key])
              for key in ("done", "late", "in_progress", "pending", "proposed")]
    return render(request, "programmes/review.html", {
        "p": programme, "groups": groups, "counts": selectors.counts(rows), "labels": STATUS_LABELS,
        "start": start, "end": end, "form": form, "can": can, "print": request.GET.get("print") == "1",
        "reviews": selectors.detail(programme).reviews,
    }, status=400 if request.method == "POST" else 200)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


@login_required
def fields(request: PersonRequest) -> HttpResponse:
    """The leader's view (000 Đ11.2): the programme items of the fields he is in charge of, by
    field and unit, with what is done, late and pending."""
    person = _person(request)
    led, allowed = selectors.fields_of(person)
    if not allowed:
        raise Http404()
    chosen = [f for f in allowed if str(f.pk) in request.GET.getlist("field")] or led or allowed
    today = timezone.localdate()
    default_start, default_end = selectors.quarter_of(today)
    start = _date(request.GET.get("from")) or default_start
    end = _date(request.GET.get("to")) or default_end
    groups = selectors.field_view(chosen, start, end)
    total = selectors.counts([r for g in groups for u in g.units for r in u.rows])
    return render(request, "programmes/fields.html", {
        "groups": groups, "allowed": allowed, "chosen": {f.pk for f in chosen}, "start": start, "end": end,
        "labels": STATUS_LABELS, "total": total,
    })
