"""Hand-over pages: a person's open work by provider with the form naming the successor(s), and
the list of past hand-overs. Views are thin: rules say who may (404 otherwise), services act."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from qlvb.core.actor import actor_from_request
from qlvb.core.errors import NotAllowed
from qlvb.core.forms import attach_errors
from qlvb.core.paging import CappedPaginator
from qlvb.handover import forms, selectors, services
from qlvb.handover.models import HandOver
from qlvb.org.http import PersonRequest
from qlvb.org.models import Agency, Person


def _agency_of(person: Person) -> Agency:
    if person.agency_id is None:
        raise Http404()
    return person.agency  # type: ignore[return-value]


@login_required
def person(request: PersonRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(Person, pk=pk)
    agency = _agency_of(subject)
    subject = selectors.person_for(request.user, pk, agency.pk)
    form = forms.HandOverForm(request.POST or None, person=subject, agency_id=agency.pk)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.hand_over(by=actor_from_request(request), person=subject, agency=agency,
                                        successor=form.cleaned_data["successor"], per_provider=form.per_provider(),
                                        note=form.cleaned_data["note"])
        except ValidationError as error:
            attach_errors(form, error)
        except NotAllowed:
            raise Http404() from None
        else:
            messages.success(request, _("%(n)s open items handed over.") % {"n": record.total})
            return redirect("handover:detail", record.pk)
    work = selectors.open_work(subject, agency.pk)
    return render(request, "handover/person.html", {
        "subject": subject, "agency": agency, "work": work, "total": sum(w.count for w in work), "form": form,
        "past": selectors.hand_overs(request.user, agency.pk).filter(person=subject)[:10],
    })


@login_required
def hand_over_list(request: PersonRequest) -> HttpResponse:
    agency_id = request.user.agency_id
    if agency_id is None:
        raise Http404()
    rows = selectors.hand_overs(request.user, agency_id)
    page = CappedPaginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "handover/list.html", {"page": page})


@login_required
def detail(request: PersonRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(HandOver.objects.select_related("person", "successor", "by", "agency"), pk=pk)
    if not selectors.may_see(request.user, record):
        raise Http404()
    return render(request, "handover/detail.html", {"record": record, "rows": selectors.counts_of(record)})
