"""IT staff pages (seed 004): the Department's view of every agency, an agency's registry, one
staff member, the reports and their rounds, incidents. Views are thin: selectors say what the
person may see (404 otherwise), services act."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from qlvb.core.actor import actor_from_request, effective_person
from qlvb.core.errors import NotAllowed
from qlvb.core.forms import attach_errors
from qlvb.core.paging import CappedPaginator
from qlvb.itstaff import forms, rules, selectors, services
from qlvb.itstaff.models import Incident, Report
from qlvb.org.http import PersonRequest
from qlvb.org.models import Person

SCOPE = "unit"


def _person(request: PersonRequest) -> Person:
    return effective_person(request, SCOPE)


def _act(request: PersonRequest, action: Callable[[], Any], form: Any = None) -> Any:
    """Run a service: NotAllowed is a 404; a ValidationError goes on the form or in a message."""
    try:
        return action()
    except NotAllowed:
        raise Http404() from None
    except ValidationError as error:
        if form is not None:
            attach_errors(form, error)
        else:
            for text in error.messages:
                messages.error(request, text)
        return None


@login_required
def home(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    if rules.is_department(person):
        rows = selectors.department_view(person)
        return render(request, "itstaff/department.html", {
            "rows": rows, "flagged": sum(1 for r in rows if r.flagged),
            "may_publish": rules.manages_department(person), "department_id": rules.department_id()})
    agency = selectors.own_agency(person)
    if agency is None:
        raise Http404()
    return redirect("itstaff:agency", agency.pk)


@login_required
def agency_view(request: PersonRequest, agency_id: int) -> HttpResponse:
    person = _person(request)
    agency = selectors.agency_or_404(person, agency_id)
    history = request.GET.get("history") == "1"
    return render(request, "itstaff/agency.html", {
        "row": selectors.registry(person, agency, history=history), "history": history,
        "may_manage": rules.may_manage(person, agency.pk)})


@login_required
def staff_new(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    agency = selectors.own_agency(person)
    if agency is None:
        raise Http404()
    form = forms.StaffForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        staff = _act(request, lambda: services.register_staff(by=actor_from_request(request, SCOPE), agency=agency,
                                                              **form.values()), form)
        if staff is not None:
            messages.success(request, _("The IT staff member is registered."))
            return redirect("itstaff:staff", staff.pk)
    return render(request, "itstaff/form.html", {"form": form, "title": _("Register IT staff"),
                                                 "back": ("itstaff:agency", agency.pk)})


@login_required
def staff_detail(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    staff = selectors.get_staff(person, pk)
    manage = rules.may_manage(person, staff.agency_id)
    certificate_form = forms.CertificateForm(prefix="c")
    training_form = forms.TrainingForm(prefix="t", initial={"attended": True})
    if request.method == "POST" and manage:
        by = actor_from_request(request, SCOPE)
        action = request.POST.get("action")
        done: Any = None
        if action == "certificate":
            certificate_form = forms.CertificateForm(request.POST, prefix="c")
            if certificate_form.is_valid():
                done = _act(request, lambda: services.add_certificate(
                    by=by, staff=staff, **certificate_form.cleaned_data), certificate_form)
        elif action == "training":
            training_form = forms.TrainingForm(request.POST, prefix="t")
            if training_form.is_valid():
                done = _act(request, lambda: services.add_training(by=by, staff=staff, **training_form.cleaned_data),
                            training_form)
        elif action == "end":
            done = _act(request, lambda: services.end_staff(by=by, staff=staff))
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("itstaff:staff", staff.pk)
    elif request.method == "POST":
        raise Http404()
    return render(request, "itstaff/staff.html", {
        "staff": staff, "decision": selectors.decision_link(person, staff), "may_manage": manage,
        "certificates": list(staff.certificates.all()), "trainings": list(staff.trainings.all()),
        "certificate_form": certificate_form, "training_form": training_form})


# --- Reports -------------------------------------------------------------------------------------

@login_required
def report_list(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    department = rules.is_department(person)
    agency = selectors.own_agency(person)
    if not department and agency is None:
        raise Http404()
    mine = {r.template_id: r for r in selectors.reports_of(person).filter(agency=agency)} if agency else {}
    rounds = [(t, mine.get(t.pk)) for t in selectors.templates()[:40]]
    return render(request, "itstaff/reports.html", {
        "rounds": rounds, "agency": agency, "department": department,
        "may_publish": rules.manages_department(person), "today": timezone.localdate()})


@login_required
def template_new(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    if not rules.manages_department(person):
        raise Http404()
    form = forms.TemplateForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        template = _act(request, lambda: services.publish_template(by=actor_from_request(request, SCOPE),
                                                                   **form.values()), form)
        if template is not None:
            messages.success(request, _("The report template is published."))
            return redirect("itstaff:round", template.pk)
    return render(request, "itstaff/form.html", {"form": form, "title": _("Publish a report template"),
                                                 "back": ("itstaff:reports",)})


@login_required
def round_view(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    template = selectors.get_template(person, pk)
    if not rules.is_department(person):
        agency = selectors.own_agency(person)
        report = Report.objects.filter(template=template, agency=agency).first()
        return redirect("itstaff:report", report.pk) if report else redirect("itstaff:write", template.pk)
    rows = selectors.compiled(person, template)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(selectors.compiled_xlsx(rows, template), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        response["Content-Disposition"] = f'attachment; filename="bao-cao-cntt-{template.pk}.xlsx"'
        return response
    counts = {state: sum(1 for r in rows if r.state == state) for state in selectors.STATE_LABELS}
    return render(request, "itstaff/round.html", {"template": template, "rows": rows, "counts": counts,
                                                  "late": sum(1 for r in rows if r.late)})


@login_required
def write(request: PersonRequest, pk: int) -> HttpResponse:
    """The agency's report of a round: its sections to fill (drafted or returned)."""
    person = _person(request)
    template = selectors.get_template(person, pk)
    agency = selectors.own_agency(person)
    if agency is None:
        raise Http404()
    report = Report.objects.filter(template=template, agency=agency).first()
    answers = dict(report.answers) if report else {}
    errors: list[str] = []
    if request.method == "POST":
        answers = {s["key"]: request.POST.get(s["key"], "") for s in template.sections}
        try:
            report = services.save_report(by=actor_from_request(request, SCOPE), template=template, agency=agency,
                                          answers=answers)
            if request.POST.get("submit") == "1":
                services.submit_report(by=actor_from_request(request, SCOPE), report=report)
                messages.success(request, _("The report is sent to the Department."))
            else:
                messages.success(request, _("Saved."))
            return redirect("itstaff:report", report.pk)
        except NotAllowed:
            raise Http404() from None
        except ValidationError as error:
            errors = error.messages
    sections = [(s, answers.get(s["key"], "")) for s in template.sections]
    return render(request, "itstaff/write.html", {"template": template, "report": report, "sections": sections,
                                                  "errors": errors, "agency": agency})


@login_required
def report_detail(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    report = selectors.get_report(person, pk)
    if request.method == "POST":
        by = actor_from_request(request, SCOPE)
        action = request.POST.get("action")
        calls: dict[str, Callable[[], Any]] = {
            "submit": lambda: services.submit_report(by=by, report=report),
            "return": lambda: services.return_report(by=by, report=report, reason=request.POST.get("reason", "")),
            "accept": lambda: services.accept_report(by=by, report=report),
        }
        if action not in calls:
            raise Http404()
        if _act(request, calls[action]) is not None:
            messages.success(request, _("Saved."))
        return redirect("itstaff:report", report.pk)
    editable = report.status in (Report.Status.DRAFT, Report.Status.RETURNED)
    return render(request, "itstaff/report.html", {
        "report": report, "sections": [(s, report.answers.get(s["key"], "")) for s in report.template.sections],
        "may_write": rules.may_manage(person, report.agency_id) and editable,
        "may_decide": rules.manages_department(person) and report.status == Report.Status.SUBMITTED})


# --- Incidents -----------------------------------------------------------------------------------

def _period(request: PersonRequest) -> tuple[datetime, datetime, Any, Any]:
    today = timezone.localdate()
    def day(name: str, default: Any) -> Any:
        try:
            value = parse_date(request.GET.get(name) or "")
        except ValueError:
            value = None
        return value if value is not None and 2000 <= value.year <= 2100 else default

    start = day("from", today.replace(month=1, day=1))
    end = day("to", today)
    if end < start:
        start, end = end, start
    tz = timezone.get_current_timezone()
    return (datetime.combine(start, time.min, tz), datetime.combine(end + timedelta(days=1), time.min, tz), start, end)


@login_required
def incident_list(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    if not (rules.is_department(person) or rules.managed_agency_ids(person)):
        raise Http404()
    start, end, first, last = _period(request)
    page = CappedPaginator(selectors.incidents_of(person), 25).get_page(request.GET.get("page"))
    return render(request, "itstaff/incidents.html", {
        "page": page, "stats": selectors.incident_stats(person, start, end), "first": first, "last": last,
        "kinds": Incident.Kind.choices, "may_report": selectors.own_agency(person) is not None})


@login_required
def incident_new(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    agency = selectors.own_agency(person)
    if agency is None:
        raise Http404()
    form = forms.IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        incident = _act(request, lambda: services.report_incident(by=actor_from_request(request, SCOPE),
                                                                  agency=agency, **form.cleaned_data), form)
        if incident is not None:
            messages.success(request, _("The incident is reported to the Department."))
            return redirect("itstaff:incident", incident.pk)
    return render(request, "itstaff/form.html", {"form": form, "title": _("Report an IT incident"),
                                                 "back": ("itstaff:incidents",)})


@login_required
def incident_detail(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    incident = selectors.get_incident(person, pk)
    manage = rules.may_manage(person, incident.agency_id)
    form = forms.CloseForm(request.POST or None, initial={"handling": incident.handling})
    if request.method == "POST":
        if not manage:
            raise Http404()
        if form.is_valid():
            done = _act(request, lambda: services.close_incident(by=actor_from_request(request, SCOPE),
                                                                 incident=incident,
                                                                 handling=form.cleaned_data["handling"]), form)
            if done is not None:
                messages.success(request, _("The incident is closed."))
                return redirect("itstaff:incident", incident.pk)
    return render(request, "itstaff/incident.html", {"incident": incident, "form": form,
                                                     "may_close": manage and incident.closed_at is None})
