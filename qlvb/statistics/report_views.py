"""The pages of the exports, the periodic report, its layout and the scheduled reports.

Whoever may not open a scope, a report or a file gets 404, as for a document; the layout page is
an administration page (404 for anyone but the agency's administrator or the installation's).
Bad input goes back to the page with a Vietnamese message and changes nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qlvb.core.actor import actor_from_request
from qlvb.core.forms import attach_errors
from qlvb.files.views import content_disposition, file_response
from qlvb.org.http import PersonRequest
from qlvb.org.models import Agency, Person
from qlvb.registers.printing import XLSX_TYPE
from qlvb.statistics import exports, params, reports, scopes, subscriptions
from qlvb.statistics.models import Item, ReportDelivery, ReportSubscription
from qlvb.statistics.selectors import OUTCOMES

CONTENT_TYPES = {"xlsx": XLSX_TYPE, "pdf": "application/pdf"}


def _file(content: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition(filename, inline=fmt == "pdf")
    response["Cache-Control"] = "private, no-store"  # figures of secret documents may be in it
    return response


def _back(request: PersonRequest, error: ValidationError, fallback: str) -> HttpResponse:
    """To the page the person came from (or `fallback`), with the message."""
    for message in error.messages:
        messages.error(request, message)
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return redirect(referer)
    return redirect(fallback)


# --- A statistic's file ---------------------------------------------------------------------------

@login_required
def table_export(request: PersonRequest, fmt: str) -> HttpResponse:
    """/statistics/table.xlsx|pdf with the table page's parameters (params.read)."""
    if fmt not in exports.FORMATS:
        raise Http404()
    person = request.user
    try:
        asked = exports.default_by(params.read(person, request.GET))
    except ValidationError as error:
        return _back(request, error, reverse("statistics:report"))
    content = (exports.table_xlsx if fmt == "xlsx" else exports.table_pdf)(person, asked)
    with transaction.atomic():
        exports.record_exported(actor_from_request(request), asked.query.scope.agency_id, "statistic", fmt,
                                asked.params())
    return _file(content, fmt, exports.filename(str(exports.KIND_TITLES[asked.query.kind]),
                                                asked.query.period.label, fmt))


# --- The periodic report --------------------------------------------------------------------------

def report_agencies(person: Person) -> list[Agency]:
    """The agencies whose report the person may make (their office, their leaders, clerks)."""
    overseen = scopes.overseen_agency_ids(person)
    return [agency for agency in scopes.agencies_of(person) if agency.pk in overseen]


def _agency_id(request: PersonRequest, agencies: list[Agency]) -> int:
    if not agencies:
        raise Http404()
    wanted = request.GET.get("agency") or ""
    if not wanted:
        return agencies[0].pk
    if not wanted.isdigit() or int(wanted) not in {a.pk for a in agencies}:
        raise Http404()
    return int(wanted)


PERIOD_LABELS = {
    "week": gettext_lazy("Week"), "month": gettext_lazy("Month"), "quarter": gettext_lazy("Quarter"),
    "half_year": gettext_lazy("Six months"), "year": gettext_lazy("Year"),
}


@login_required
def report(request: PersonRequest) -> HttpResponse:
    person = request.user
    agencies = report_agencies(person)
    agency_id = _agency_id(request, agencies)
    try:
        period = reports.period_from(request.GET)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        period = reports.period_from(QueryDict())
    content = reports.build(person, agency_id, period)
    query = {"agency": str(agency_id), **period.params()}
    return render(request, "statistics/report.html", {
        "report": content, "agencies": agencies, "agency_id": agency_id, "kinds": list(PERIOD_LABELS.items()),
        "period": period, "query": urlencode(query),
        "may_edit_layout": reports.may_edit_layout(person, agency_id),
    })


@login_required
def report_export(request: PersonRequest, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404()
    person = request.user
    agency_id = _agency_id(request, report_agencies(person))
    try:
        period = reports.period_from(request.GET)
    except ValidationError as error:
        return _back(request, error, reverse("statistics:report"))
    content = (reports.report_xlsx if fmt == "xlsx" else reports.report_pdf)(person, agency_id, period)
    layout = reports.layout_of(Agency.objects.get(pk=agency_id))
    with transaction.atomic():
        exports.record_exported(actor_from_request(request), agency_id, "report", fmt,
                                {"agency": str(agency_id), **period.params()})
    return _file(content, fmt, exports.filename(layout.title, period.label, fmt))


# --- The layout (the agency's administrator) ------------------------------------------------------

POSITION_CHOICES = [("0", gettext_lazy("Not shown")), *((str(n), str(n)) for n in range(1, len(reports.SECTIONS) + 1))]


class LayoutForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Report title"), max_length=200, required=False)
    governing_body = forms.CharField(label=gettext_lazy("Governing body (first heading line)"), max_length=200,
                                     required=False)
    reporting_body = forms.CharField(label=gettext_lazy("Reporting body (second heading line)"), max_length=200,
                                     required=False)
    columns = forms.MultipleChoiceField(label=gettext_lazy("Columns of figures"), required=False,
                                        widget=forms.CheckboxSelectMultiple,
                                        choices=[(key, exports.OUTCOME_HEADINGS[key]) for key in OUTCOMES])
    signer_title = forms.CharField(label=gettext_lazy("Signer's title"), max_length=200, required=False)
    signer_name = forms.CharField(label=gettext_lazy("Signer's full name"), max_length=200, required=False)
    closing_note = forms.CharField(label=gettext_lazy("Closing note"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, spec in reports.SECTIONS.items():
            self.fields[f"section_{key}"] = forms.ChoiceField(
                label=_("Place of the section “%(name)s”") % {"name": spec.heading}, choices=POSITION_CHOICES)
        self.order_fields(["title", "governing_body", "reporting_body", *(f"section_{k}" for k in reports.SECTIONS)])

    def layout_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        placed = [(int(data.pop(f"section_{key}")), index, key) for index, key in enumerate(reports.SECTIONS)]
        data["sections"] = [key for position, _index, key in sorted(placed) if position > 0]
        data["columns"] = [key for key in OUTCOMES if key in data.get("columns", [])]
        return data


def _layout_initial(layout: reports.Layout) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(layout, name) for name in reports.LAYOUT_FIELDS}
    for key in reports.SECTIONS:
        initial[f"section_{key}"] = str(layout.sections.index(key) + 1) if key in layout.sections else "0"
    return initial


@login_required
def layout(request: PersonRequest) -> HttpResponse:
    person = request.user
    wanted = request.GET.get("agency") or (str(person.agency_id) if person.agency_id else "")
    agency = Agency.objects.select_related("parent").filter(pk=int(wanted)).first() if wanted.isdigit() else None
    if person.is_superuser and agency is None and not wanted:
        return render(request, "statistics/layout_agencies.html",
                      {"agencies": Agency.objects.filter(is_active=True).order_by("name")})
    if agency is None or not reports.may_edit_layout(person, agency):
        raise Http404()
    current = reports.layout_of(agency)
    form = LayoutForm(request.POST or None, initial=_layout_initial(current))
    if request.method == "POST" and form.is_valid():
        try:
            reports.save_layout(by=actor_from_request(request), agency=agency, data=form.layout_data())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The report's layout is saved."))
            return redirect(f"{reverse('statistics:layout')}?agency={agency.pk}")
    return render(request, "statistics/layout.html", {"form": form, "agency": agency, "layout": current})


# --- Scheduled reports ----------------------------------------------------------------------------

class SubscriptionForm(forms.Form):
    what = forms.ChoiceField(label=gettext_lazy("Report or statistic"), choices=ReportSubscription.What.choices)
    agency = forms.TypedChoiceField(label=gettext_lazy("Agency"), coerce=int)
    kind = forms.ChoiceField(label=gettext_lazy("Statistic of"), choices=Item.Kind.choices, required=False)
    every = forms.ChoiceField(label=gettext_lazy("How often"), choices=ReportSubscription.Every.choices,
                              initial=ReportSubscription.Every.QUARTER)
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=ReportSubscription.Format.choices)

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]  # type: ignore[attr-defined]


# The parameters of a statistic carried from its table page (the link "Send me this regularly").
CARRIED = tuple(name for name in subscriptions.KEPT if name not in ("agency", "kind"))


@login_required
def subscription_list(request: PersonRequest) -> HttpResponse:
    person = request.user
    agencies = scopes.agencies_of(person)
    source = request.POST if request.method == "POST" else request.GET
    carried = {name: source[name] for name in CARRIED if source.get(name)}
    form = SubscriptionForm(request.POST or None, agencies=agencies, initial={
        "what": request.GET.get("what") or ReportSubscription.What.REPORT, "kind": request.GET.get("kind") or "",
        "agency": request.GET.get("agency") or person.agency_id})
    if request.method == "POST" and form.is_valid():
        data = {**carried, **{k: str(v) for k, v in form.cleaned_data.items() if v not in (None, "")}}
        try:
            subscriptions.subscribe(by=actor_from_request(request), data=data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Subscribed: the file will be made at the end of each period."))
            return redirect("statistics:subscriptions")
    rows = list(subscriptions.of(person).prefetch_related(
        Prefetch("deliveries", queryset=ReportDelivery.objects.order_by("-period_start"))))
    return render(request, "statistics/subscriptions.html", {"form": form, "carried": carried, "subscriptions": rows})


@login_required
@require_POST
def subscription_remove(request: PersonRequest, pk: int) -> HttpResponse:
    subscriptions.unsubscribe(by=actor_from_request(request), subscription_id=pk)
    messages.success(request, _("The subscription is cancelled."))
    return redirect("statistics:subscriptions")


@login_required
def delivery(request: PersonRequest, pk: int) -> HttpResponseBase:
    """A scheduled report's file: its subscriber only."""
    found = subscriptions.delivery_for(request.user, pk)
    return file_response(request, found.stored, filename=found.name, inline=True, secret=True)
