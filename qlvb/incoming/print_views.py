"""Printouts of incoming documents: the routing slip of a document, and the incoming and follow-up
registers of a period as PDF or Excel. Who may print which book, and what a bad request gets, is
decided in qlvb.registers.printing; the routing slip goes with seeing the document."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qlvb.core.actor import actor_from_request, effective_person
from qlvb.incoming import printouts, selectors, services
from qlvb.registers import printing
from qlvb.registers.models import Register

SCOPE = "incoming"  # which delegations let a delegate act here
DIRECTION = Register.Direction.INCOMING
FORM = "incoming_print:index"


# --- The page -------------------------------------------------------------------------------

@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Choose a register and a period, then one of the printouts."""
    context = printing.form_context(request, effective_person(request, SCOPE), DIRECTION)
    context["followup_registers"] = [r for r in context["registers"] if not r.is_secret]
    return render(request, "incoming/print/index.html", context)


# --- The routing slip -----------------------------------------------------------------------

@login_required
def slip(request: HttpRequest, pk: int) -> HttpResponse:
    person = effective_person(request, SCOPE)
    document = selectors.get_document(person, pk)
    services.record_opening(by=actor_from_request(request, SCOPE), document=document)
    content = printouts.slip_pdf(printouts.routing_slip(document), printed_by=printing.printed_by(request, person))
    number = document.arrival_number or document.pk
    return printing.pdf_response(content, f"phieu-giai-quyet-{number}.pdf")


# --- The incoming register ------------------------------------------------------------------

@login_required
def register_pdf(request: HttpRequest) -> HttpResponse:
    person = effective_person(request, SCOPE)
    data = printing.register_and_period(request, person, DIRECTION, FORM)
    if isinstance(data, HttpResponse):
        return data
    register, period = data
    rows = printouts.register_rows(register, period)
    content = printouts.register_pdf(register, period, rows, printed_by=printing.printed_by(request, person))
    return printing.pdf_response(content, f"so-van-ban-den-{register.pk}-{period.slug}.pdf")


@login_required
def register_xlsx(request: HttpRequest) -> HttpResponse:
    data = printing.register_and_period(request, effective_person(request, SCOPE), DIRECTION, FORM)
    if isinstance(data, HttpResponse):
        return data
    register, period = data
    content = printouts.register_xlsx(register, period, printouts.register_rows(register, period))
    return printing.xlsx_response(content, f"so-van-ban-den-{register.pk}-{period.slug}.xlsx")


# --- The follow-up register -----------------------------------------------------------------
# It lists non-secret documents only, so a secret register is a 404.

@login_required
def followup_pdf(request: HttpRequest) -> HttpResponse:
    person = effective_person(request, SCOPE)
    data = printing.agency_and_period(request, person, DIRECTION, FORM, allow_secret=False)
    if isinstance(data, HttpResponse):
        return data
    agency, register, period = data
    rows = printouts.followup_rows(agency, period, register)
    content = printouts.followup_pdf(agency, period, rows, register, printed_by=printing.printed_by(request, person))
    return printing.pdf_response(content, f"so-theo-doi-giai-quyet-{period.slug}.pdf")


@login_required
def followup_xlsx(request: HttpRequest) -> HttpResponse:
    data = printing.agency_and_period(request, effective_person(request, SCOPE), DIRECTION, FORM,
                                      allow_secret=False)
    if isinstance(data, HttpResponse):
        return data
    agency, register, period = data
    content = printouts.followup_xlsx(agency, period, printouts.followup_rows(agency, period, register), register)
    return printing.xlsx_response(content, f"so-theo-doi-giai-quyet-{period.slug}.xlsx")
