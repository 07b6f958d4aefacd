"""Printouts of outgoing documents: the outgoing register and the postal register of a period, as
PDF or Excel. Who may print what is decided in qlvb.outgoing.printouts; anything not allowed, or
unknown, is a 404, and unreadable dates go back to the form with a message."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from qlvb.core.actor import effective_person
from qlvb.org.models import Agency
from qlvb.outgoing import printouts
from qlvb.outgoing.printouts import BadPeriod, Period
from qlvb.registers.models import Register

SCOPE = "outgoing"  # which delegations let a delegate act here


def _effective(request: HttpRequest) -> Any:
    return effective_person(request, SCOPE)


def _printed_by(request: HttpRequest) -> str:
    person = _effective(request)
    if person.pk != request.user.pk:
        return f"{request.user.full_name} (thay {person.full_name})"
    return request.user.full_name


def _file(content: bytes, content_type: str, filename: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf(content: bytes, filename: str) -> HttpResponse:
    return _file(content, "application/pdf", filename, inline=True)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    return _file(content, printouts.XLSX_TYPE, filename, inline=False)


def _back_to_form(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    keep = {k: request.GET[k] for k in ("register", "from", "to") if request.GET.get(k)}
    url = reverse("outgoing_print:index")
    return redirect(f"{url}?{urlencode(keep)}" if keep else url)


def _period_error(request: HttpRequest) -> HttpResponse:
    for raw in (request.GET.get("from", ""), request.GET.get("to", "")):
        if raw.strip():
            try:
                printouts.parse_date(raw)
            except BadPeriod:
                return _back_to_form(request, _("“%(value)s” is not a date: write it as dd/mm/yyyy, e.g. 05/03/2026.")
                                     % {"value": raw.strip()[:40]})
    return _back_to_form(request, _("The period must start on or before the day it ends."))


# --- The page -------------------------------------------------------------------------------

@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Choose a register and a period, then one of the printouts."""
    person = _effective(request)
    if not printouts.book_agency_ids(person):
        raise Http404()
    registers = list(printouts.printable_registers(person).filter(is_active=True))
    default = Period.this_month()
    return render(request, "outgoing/print/index.html", {
        "registers": registers,
        "chosen": request.GET.get("register", ""),
        "several_agencies": len({r.agency_id for r in registers}) > 1,
        "date_from": request.GET.get("from") or default.query()["from"],
        "date_to": request.GET.get("to") or default.query()["to"],
    })


# --- The outgoing register ------------------------------------------------------------------

def _register_data(request: HttpRequest) -> tuple[Register, Period] | HttpResponse:
    person = _effective(request)
    if not printouts.book_agency_ids(person):
        raise Http404()
    if not request.GET.get("register"):
        return _back_to_form(request, _("Choose a register."))
    register = printouts.get_register(person, request.GET["register"])
    try:
        period = Period.from_query(request.GET)
    except BadPeriod:
        return _period_error(request)
    return register, period


@login_required
def register_pdf(request: HttpRequest) -> HttpResponse:
    data = _register_data(request)
    if isinstance(data, HttpResponse):
        return data
    register, period = data
    rows = printouts.register_rows(register, period)
    content = printouts.register_pdf(register, period, rows, printed_by=_printed_by(request))
    return _pdf(content, f"so-van-ban-di-{register.pk}-{period.slug}.pdf")


@login_required
def register_xlsx(request: HttpRequest) -> HttpResponse:
    data = _register_data(request)
    if isinstance(data, HttpResponse):
        return data
    register, period = data
    content = printouts.register_xlsx(register, period, printouts.register_rows(register, period))
    return _xlsx(content, f"so-van-ban-di-{register.pk}-{period.slug}.xlsx")


# --- The postal register --------------------------------------------------------------------

def _postal_data(request: HttpRequest) -> tuple[Agency, Register | None, Period] | HttpResponse:
    person = _effective(request)
    register = None
    if request.GET.get("register"):
        register = printouts.get_register(person, request.GET["register"])
        agency = register.agency
    else:
        agency = printouts.book_agency(person, request.GET.get("agency"))
    try:
        period = Period.from_query(request.GET)
    except BadPeriod:
        return _period_error(request)
    return agency, register, period


@login_required
def postal_pdf(request: HttpRequest) -> HttpResponse:
    data = _postal_data(request)
    if isinstance(data, HttpResponse):
        return data
    agency, register, period = data
    rows = printouts.postal_rows(agency, period, register)
    content = printouts.postal_pdf(agency, period, rows, register, printed_by=_printed_by(request))
    return _pdf(content, f"so-gui-van-ban-di-buu-dien-{period.slug}.pdf")


@login_required
def postal_xlsx(request: HttpRequest) -> HttpResponse:
    data = _postal_data(request)
    if isinstance(data, HttpResponse):
        return data
    agency, register, period = data
    content = printouts.postal_xlsx(agency, period, printouts.postal_rows(agency, period, register), register)
    return _xlsx(content, f"so-gui-van-ban-di-buu-dien-{period.slug}.xlsx")
