"""Report pages: my reports (drafts, sent) and those I may read, a new report, one report with
its assembled figures and sections, editing them, sending; the reports received by a leader with
the period's overview (who has sent, who not yet); a print view. Views are thin: selectors say
what the person may see (404 otherwise), services act."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core.actor import actor_from_request, effective_person
from qlvb.core.errors import NotAllowed
from qlvb.core.forms import attach_errors
from qlvb.core.paging import CappedPaginator
from qlvb.org.http import PersonRequest
from qlvb.org.models import Agency, Person
from qlvb.reports import forms, periods, printing, rules, selectors, services
from qlvb.reports.models import PeriodicReport

SCOPE = "unit"  # a delegation of the unit's work lets the delegate write its reports


def _person(request: PersonRequest) -> Person:
    return effective_person(request, SCOPE)


@login_required
def home(request: PersonRequest) -> HttpResponse:
    """The reports I write (drafts first, then sent) and the sent ones I may read."""
    person = _person(request)
    writes = bool(rules.editable_units(person) or rules.deputy_fields(person))
    drafts = list(selectors.mine(person, PeriodicReport.Status.DRAFT)) if writes else []
    sent = CappedPaginator(selectors.mine(person, PeriodicReport.Status.SENT), 20).get_page(
        request.GET.get("page")) if writes else None
    readable = selectors.with_list_data(
        selectors.visible(person).filter(status=PeriodicReport.Status.SENT)
        .exclude(pk__in=selectors.mine(person).values("pk")).order_by("-period_start", "-sent_at", "-id"))
    others = CappedPaginator(readable, 20).get_page(request.GET.get("others"))
    return render(request, "reports/home.html", {
        "writes": writes, "drafts": drafts, "sent": sent, "others": others,
        "overseer": bool(rules.overseer_agency_ids(person)), "unread": selectors.unread_count(person),
    })


@login_required
def new(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    units, fields = rules.editable_units(person), rules.deputy_fields(person)
    if not units and not fields:
        raise Http404()
    form = forms.NewReportForm(request.POST or None, units=units, fields=fields)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by = actor_from_request(request, SCOPE)
        unit = form.unit()
        try:
            if unit is None:
                report = services.create_deputy_report(by=by, day=data["day"], kind=data["kind"])
            else:
                report = services.create_unit_report(by=by, unit=unit, kind=data["kind"], day=data["day"])
        except NotAllowed:
            raise Http404() from None
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Report assembled. Check the figures, write the sections and send it."))
            return redirect("reports:edit", report.pk)
    return render(request, "reports/new.html", {"form": form})


def _context(person: Person, report: PeriodicReport) -> dict[str, object]:
    editable = report.is_draft and rules.may_edit(person, report)
    snap = report.snapshot or {}
    tasks = snap.get("tasks", {})
    return {"report": report, "title": selectors.title(report), "snap": snap,
            "task_lists": [("late", _("Overdue"), tasks.get("late", [])), ("in_progress", _("In progress"),
                           tasks.get("in_progress", [])), ("done", _("Done in the period"), tasks.get("done", []))],
            "programme_labels": selectors.PROGRAMME_LABELS, "programme_counts": selectors.programme_counts(snap),
            "editable": editable, "recipients": selectors.recipients_of(report),
            "addressees": selectors.addressees(report) if editable else [],
            "period": periods.label(report.kind, report.period_start, report.period_end)}


@login_required
def detail(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    report = selectors.get_report(person, pk)
    services.mark_read(by=actor_from_request(request), report=report)
    return render(request, "reports/detail.html", {**_context(person, report), "events": selectors.history(report)})


@login_required
def edit(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    report = selectors.get_report(person, pk)
    if not rules.may_edit(person, report):
        raise Http404()
    if not report.is_draft:
        return redirect("reports:detail", report.pk)
    form = forms.SectionsForm(request.POST or None, initial={name: getattr(report, name)
                                                             for name in services.SECTIONS})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit(by=actor_from_request(request, SCOPE), report=report, **form.cleaned_data)
        except NotAllowed:
            raise Http404() from None
        except ValidationError as error:
            attach_errors(form, error)
        else:
            if request.POST.get("then") == "send":
                return _send(request, person, report)
            messages.success(request, _("Report saved."))
            return redirect("reports:detail", report.pk)
    return render(request, "reports/edit.html", {**_context(person, report), "form": form},
                  status=400 if form.errors else 200)


def _send(request: PersonRequest, person: Person, report: PeriodicReport) -> HttpResponse:
    try:
        services.send(by=actor_from_request(request, SCOPE), report=report)
    except NotAllowed:
        raise Http404() from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reports:edit", report.pk)
    messages.success(request, _("Report sent to the leadership."))
    return redirect("reports:detail", report.pk)


@login_required
@require_POST
def action(request: PersonRequest, pk: int, verb: str) -> HttpResponse:
    person = _person(request)
    report = selectors.get_report(person, pk)
    if verb not in ("assemble", "send", "delete") or not rules.may_edit(person, report):
        raise Http404()
    if verb == "send":
        return _send(request, person, report)
    by = actor_from_request(request, SCOPE)
    try:
        if verb == "assemble":
            services.assemble(by=by, report=report)
            messages.success(request, _("The figures were assembled again."))
        else:
            services.delete_draft(by=by, report=report)
            messages.success(request, _("Draft deleted."))
            return redirect("reports:home")
    except NotAllowed:
        raise Http404() from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("reports:edit" if verb == "assemble" else "reports:detail", report.pk)


def _agency(person: Person, request: PersonRequest) -> Agency | None:
    ids = rules.overseer_agency_ids(person)
    if not ids:
        return None
    if person.agency_id in ids:
        return person.agency
    return Agency.objects.filter(pk__in=sorted(ids)).order_by("pk").first()


@login_required
def received(request: PersonRequest) -> HttpResponse:
    """The reports sent to me, and for the leaders and the office the period's overview: each
    unit's (and deputy's) report, sent or not yet."""
    person = _person(request)
    agency = _agency(person, request)
    rows = CappedPaginator(selectors.received(person), 20).get_page(request.GET.get("page"))
    if agency is None and not rows.paginator.count:
        raise Http404()
    period = forms.PeriodForm(request.GET or None)
    kind, day = PeriodicReport.Kind.WEEK, timezone.localdate()
    if period.is_valid():
        kind = period.cleaned_data["kind"] or kind
        day = period.cleaned_data["day"] or selectors.default_day(kind)
    elif not request.GET:
        period = forms.PeriodForm(initial={"kind": kind, "day": day})
    overview = selectors.overview(person, agency, kind, day) if agency is not None else None
    nav = _neighbours(kind, overview.start) if overview else {}
    return render(request, "reports/received.html", {"rows": rows, "overview": overview, "period": period,
                                                     "kind": kind, **nav})


def _neighbours(kind: str, start: date) -> dict[str, object]:
    before = periods.previous(kind, start)[0]
    after = periods.period_of(kind, periods.period_of(kind, start)[1] + timedelta(days=1))[0]
    return {"previous_day": before, "next_day": after if after <= timezone.localdate() else None}


@login_required
def printable(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    report = selectors.get_report(person, pk)
    pdf = printing.report_pdf(report, printed_by=request.user.full_name)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bao-cao-{report.kind}-{report.period_start:%Y%m%d}.pdf"'
    return response
