"""Printouts of outgoing documents: the outgoing register and the postal register of a period, as
PDF or Excel. Who may print which book, and what a bad request gets, is decided in
qlvb.registers.printing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qlvb.core.actor import effective_person
from qlvb.outgoing import printouts
from qlvb.registers import printing
from qlvb.registers.models import Register

SCOPE = "outgoing"  # which delegations let a delegate act here
DIRECTION = Register.Direction.OUTGOING
FORM = "outgoing_print:index"


# --- The page -------------------------------------------------------------------------------

@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Choose a register and a period, then one of the printouts."""
    context = printing.form_context(request, effective_person(request, SCOPE), DIRECTION)
    return render(request, "outgoing/print/index.html", context)


# --- The outgoing register ------------------------------------------------------------------

@login_required
def register_pdf(request: HttpRequest) -> HttpResponse:
    person = effective_person(request, SCOPE)
    data = printing.register_and_period(request, person, DIRECTION, FORM)
    if isinstance(data, HttpResponse):
        return data
    register, period = data
    rows = printouts.register_rows(register, period)
    content = printouts.register_pdf(register, period, rows, printed_by=printing.printed_by(request, person))
    return printing.pdf_response(content, f"so-van-ban-di-{register.pk}-{period.slug}.pdf")


@login_required
def register_xlsx(request: HttpRequest) -> HttpResponse:
    data = printing.register_and_period(request, effective_person(request, SCOPE), DIRECTION, FORM)
    if isinstance(data, HttpResponse):
        return data
    register, period = data
    content = printouts.register_xlsx(register, period, printouts.register_rows(register, period))
    return printing.xlsx_response(content, f"so-van-ban-di-{register.pk}-{period.slug}.xlsx")


# --- The postal register --------------------------------------------------------------------
# Narrowed to a secret register it lists that register's documents (for its clerks only).

@login_required
def postal_pdf(request: HttpRequest) -> HttpResponse:
    person = effective_person(request, SCOPE)
    data = printing.agency_and_period(request, person, DIRECTION, FORM, allow_secret=True)
    if isinstance(data, HttpResponse):
        return data
    agency, register, period = data
    rows = printouts.postal_rows(agency, period, register)
    content = printouts.postal_pdf(agency, period, rows, register, printed_by=printing.printed_by(request, person))
    return printing.pdf_response(content, f"so-gui-van-ban-di-buu-dien-{period.slug}.pdf")


@login_required
def postal_xlsx(request: HttpRequest) -> HttpResponse:
    data = printing.agency_and_period(request, effective_person(request, SCOPE), DIRECTION, FORM,
                                      allow_secret=True)
    if isinstance(data, HttpResponse):
        return data
    agency, register, period = data
    content = printouts.postal_xlsx(agency, period, printouts.postal_rows(agency, period, register), register)
    return printing.xlsx_response(content, f"so-gui-van-ban-di-buu-dien-{period.slug}.xlsx")
