"""Search pages (R28): the search box of the top bar lands here; filters, sorting, highlighted
snippets, pagination, saved searches and the Excel export. A person searches with their own
rights (never a delegator's), so the results are always what they may open themselves."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qlvb.core import kinds
from qlvb.core.actor import Actor
from qlvb.core.doctypes import DOCUMENT_TYPE_NAMES
from qlvb.core.forms import attach_errors
from qlvb.org.http import PersonRequest
from qlvb.search import selectors, services
from qlvb.search.forms import SaveSearchForm, SearchForm
from qlvb.search.models import SavedSearch

EXPORT_LIMIT = 10_000
MESSAGES = {
    "no_words": gettext_lazy("The search has no letters or digits to look for: type a word, a number or a notation."),
    "truncated": gettext_lazy("The search was too long: only its beginning was used."),
}


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except (TypeError, ValueError):
        return 1


def _params(request: HttpRequest) -> dict[str, str]:
    return {k: v for k, v in request.GET.items() if k in services.SAVED_PARAMS and isinstance(v, str) and v}


def saved_url(saved: SavedSearch) -> str:
    params = {"q": saved.query, **saved.params} if saved.query else dict(saved.params)
    return "?" + urlencode(params)


@login_required
def search(request: PersonRequest) -> HttpResponse:
    person = request.user
    params = _params(request)
    form = SearchForm(request.GET if params else None, person=person)
    results = None
    if params and form.is_valid():
        results = selectors.search(person, form.cleaned_data.get("q", ""), filters=form.filters(),
                                   sort=form.cleaned_data.get("sort") or "relevance", page=_page_number(request))
    saved: list[Any] = list(selectors.saved_searches(person))  # given url, for the template
    for item in saved:
        item.url = saved_url(item)
    return render(request, "search/search.html", {
        "form": form, "results": results, "params": params, "query_string": urlencode(params),
        "saved": saved, "save_form": SaveSearchForm(), "notice": MESSAGES.get(results.message) if results else None,
        "types": DOCUMENT_TYPE_NAMES,
        "suggestion_url": ("?" + urlencode({**params, "q": results.suggestion})
                           if results and results.suggestion else ""),
    })


@login_required
def export(request: PersonRequest) -> HttpResponse:
    """The results (at most EXPORT_LIMIT, the viewer's own scope) as an Excel workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    person = request.user
    form = SearchForm(request.GET, person=person)
    if not form.is_valid():
        messages.error(request, _("Correct the search before exporting it."))
        return redirect("search:search")
    hits = selectors.export_rows(person, form.cleaned_data.get("q", ""), form.filters(),
                                 form.cleaned_data.get("sort") or "relevance", limit=EXPORT_LIMIT)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = _("Search results")[:31]
    headers = [_("No."), _("Kind of document"), _("Number, notation"), _("Date"), _("Document type"),
               _("Issuing agency"), _("Summary"), _("Status"), _("Link")]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    base = request.build_absolute_uri("/")[:-1]
    for index, hit in enumerate(hits, start=1):
        entry = hit.entry
        sheet.append([index, entry.kind_label, entry.reference,
                      entry.date, DOCUMENT_TYPE_NAMES.get(entry.doc_type, entry.doc_type), entry.issuer,
                      entry.title, _status_label(entry.kind, entry.status), base + hit.url])
        sheet.cell(row=index + 1, column=4).number_format = "DD/MM/YYYY"
    for column, width in zip("ABCDEFGHI", (6, 10, 18, 12, 14, 30, 70, 18, 40), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="tra-cuu-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


def _status_label(kind: str, status: str) -> str:
    return kinds.get(kind).status_label(status)


@login_required
@require_POST
def save(request: PersonRequest) -> HttpResponse:
    form = SaveSearchForm(request.POST)
    params = {k: v for k, v in request.POST.items() if k in services.SAVED_PARAMS and v}
    back = "?" + urlencode(params)
    if form.is_valid():
        try:
            services.save_search(by=Actor(request.user), name=form.cleaned_data["name"], params=params)
        except ValidationError as error:
            attach_errors(form, error)
    if form.errors:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))  # ErrorList items read as their messages
    else:
        messages.success(request, _("The search is saved."))
    return redirect(_search_url() + back)


@login_required
@require_POST
def delete(request: PersonRequest, pk: int) -> HttpResponse:
    services.delete_saved_search(by=Actor(request.user), saved_id=pk)
    messages.success(request, _("The saved search is deleted."))
    return redirect("search:search")


def _search_url() -> str:
    from django.urls import reverse

    return reverse("search:search")
