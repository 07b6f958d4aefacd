"""Disclosure register pages (002 Đ20–Đ21): the register (filters, print layout, CSV and XLSX
export for inspection), recording a disclosure, one disclosure and disclosing it. Only the office
and the leaders of the agency (404 for anyone else)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core.actor import actor_from_request, effective_person
from qlvb.core.errors import NotAllowed
from qlvb.core.forms import attach_errors
from qlvb.core.paging import CappedPaginator
from qlvb.disclosures import forms, rules, selectors, services
from qlvb.disclosures.models import Disclosure
from qlvb.org.http import PersonRequest
from qlvb.org.models import Person

SCOPE = "unit"


def _keeper(request: PersonRequest) -> Person:
    person = effective_person(request, SCOPE)
    if not rules.may_keep(person, person.agency_id):
        raise Http404()
    return person


def _filters(form: forms.FilterForm) -> selectors.Filters:
    if not form.is_valid():
        return selectors.Filters()
    data = form.cleaned_data
    return selectors.Filters(category=data.get("category") or "", state=data.get("state") or "",
                             since=data.get("since"), until=data.get("until"))


@login_required
def register(request: PersonRequest) -> HttpResponse:
    person = _keeper(request)
    form = forms.FilterForm(request.GET or None)
    rows = selectors.register(person, _filters(form))
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        return export(rows[:50_000], fmt)
    if fmt == "print":
        return render(request, "disclosures/print.html", {
            "rows": list(rows[:5000]), "agency": person.agency, "today": timezone.localdate(), "form": form})
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    page = CappedPaginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "disclosures/register.html", {
        "form": form, "page": page, "query": query.urlencode(), "overdue": selectors.overdue_count(person),
        "today": timezone.localdate()})


def _row(d: Disclosure) -> list[str]:
    def day(value: object) -> str:
        return value.strftime("%d/%m/%Y") if value else ""  # type: ignore[attr-defined]

    return [d.get_category_display(), d.title, d.source_label, day(d.source_date), str(d.days_allowed),
            d.extension_reason, day(d.due_on), day(d.disclosed_on), day(d.posted_until), str(d.posting_days),
            ", ".join(d.forms), d.get_state_display()]


def export(rows: Iterable[Disclosure], fmt: str) -> HttpResponse:
    header = [_("Category"), _("Title"), _("Source document"), _("Date of issue or receipt"),
              _("Working days allowed"), _("Reason for the special case"), _("Disclosure deadline"), _("Disclosed on"),
              _("Posted until"), _("Posting period (days)"), _("Forms"), _("State")]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 Vietnamese correctly only with a BOM.
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(_row(d) for d in rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="so-cong-khai-{stamp}.csv"'
        return response
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Disclosure register"))
    sheet.append(header)
    for d in rows:
        sheet.append(_row(d))
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="so-cong-khai-{stamp}.xlsx"'
    return response


@login_required
def create(request: PersonRequest) -> HttpResponse:
    person = _keeper(request)
    agency = person.agency
    if agency is None:
        raise Http404()
    initial = {"category": request.GET.get("category", ""), "source": request.GET.get("source", "")}
    form = forms.DisclosureForm(request.POST or None, person=person, agency_id=agency.pk, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            disclosure = services.create(by=actor_from_request(request, SCOPE), agency=agency, **form.values())
        except ValidationError as error:
            attach_errors(form, error)
        except NotAllowed:
            raise Http404() from None
        else:
            messages.success(request, _("The disclosure is recorded."))
            return redirect("disclosures:detail", disclosure.pk)
    return render(request, "disclosures/form.html", {"form": form})


@login_required
def detail(request: PersonRequest, pk: int) -> HttpResponse:
    person = _keeper(request)
    disclosure = selectors.get_disclosure(person, pk)
    form = forms.DiscloseForm(request.POST or None) if disclosure.disclosed_on is None else None
    if request.method == "POST":
        if form is None:
            raise Http404()
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.disclose(by=actor_from_request(request, SCOPE), disclosure=disclosure,
                                  disclosed_on=data.get("disclosed_on"), by_notice=bool(data.get("by_notice")),
                                  at_premises=bool(data.get("at_premises")),
                                  at_conference=bool(data.get("at_conference")), posting_days=data.get("posting_days"))
            except ValidationError as error:
                attach_errors(form, error)
            except NotAllowed:
                raise Http404() from None
            else:
                messages.success(request, _("The disclosure is recorded as done."))
                return redirect("disclosures:detail", disclosure.pk)
    return render(request, "disclosures/detail.html", {
        "d": disclosure, "form": form, "source_url": selectors.source_url(person, disclosure),
        "today": timezone.localdate()})
