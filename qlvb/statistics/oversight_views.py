"""The leaders' oversight pages: the drafts not yet issued and the documents issued (003 Đ13,
Đ15.1), and each person's compliance figures (003 Đ18). Reads only: the figures come from
statistics rows (selectors, oversight); who may open what from scopes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core.http import no_store
from qlvb.org.http import PersonRequest
from qlvb.statistics import dashboard as assemble
from qlvb.statistics import oversight, periods, scopes, selectors
from qlvb.statistics.forms import PeriodForm
from qlvb.statistics.models import Item
from qlvb.statistics.periods import Period
from qlvb.statistics.scopes import Scope
from qlvb.statistics.selectors import Query

SCOPE_PARAMS = ("scope", "agency", "unit", "field", "person")


def _period(request: PersonRequest, default: str) -> tuple[Period, str]:
    """The period asked, or the default one with the reason the asked one was refused."""
    today = timezone.localdate()
    try:
        return periods.from_params(request.GET, today, default=default), ""
    except ValidationError as error:
        return periods.of(default, today), " ".join(error.messages)


def _nav(scope: Scope, period: Period) -> dict[str, str]:
    """The statistics pages of the same scope and period (those installed)."""
    query = urlencode({**scope.params(), **period.params()})
    links = {}
    for name in ("dashboard", "drafts", "compliance"):
        if name == "drafts" and scope.level == "person":
            continue
        try:
            links[name] = f"{reverse(f'statistics:{name}')}?{query}"
        except NoReverseMatch:
            continue
    return links


def _context(request: PersonRequest, scope: Scope, period: Period, error: str, page_name: str) -> dict[str, Any]:
    return {"page_name": page_name, "scope": scope, "period": period, "period_error": error,
            "period_form": PeriodForm.showing(period), "scope_params": scope.params(),
            "previous_link": urlencode({**scope.params(), **period.previous().params()}),
            "next_link": urlencode({**scope.params(), **assemble.following(period).params()}),
            "agencies": scopes.agencies_of(request.user),
            "nav": _nav(scope, period)}


@login_required
def drafts(request: PersonRequest) -> HttpResponse:
    viewer = request.user
    scope = scopes.resolve(viewer, request.GET)
    if not oversight.may_oversee(viewer, scope):
        raise Http404()
    status = request.GET.get("status", "")
    if status and status not in oversight.WAITING_STATUSES:
        raise Http404()
    period, error = _period(request, "month")
    today = timezone.localdate()
    by_person = scopes.leads_people(viewer, scope)
    issued = Query(Item.Kind.OUTGOING, scope, period, basis="closed")
    review_totals, late_reviewers = oversight.late_reviews(viewer, scope, period, today, by_person=by_person)
    days_allowed = oversight.review_days(scope.agency_ids)
    page = oversight.waiting_page(viewer, scope, today, days_allowed, status, request.GET.get("page", 1))
    context = _context(request, scope, period, error, "drafts")
    context.update({
        "counts": oversight.waiting_counts(viewer, scope), "status": status, "page": page,
        "review_days": days_allowed.get(scope.agency_id or 0, oversight.REVIEW_DAYS_DEFAULT),
        "issued_total": selectors.totals(viewer, issued, today),
        "issued_by_unit": _linked(selectors.by(viewer, issued, "unit", today), scope, period, "unit"),
        "issued_by_type": _linked(selectors.by(viewer, issued, "doc_type", today), scope, period, "doc_type"),
        "review_totals": review_totals, "late_reviewers": late_reviewers, "by_person": by_person,
        "reviews_late_url": oversight.figure_url(scope, period, Item.Kind.REVIEW, outcome="done_late"),
        "reviews_overdue_url": oversight.figure_url(scope, period, Item.Kind.REVIEW, outcome="overdue"),
        "issued_url": oversight.figure_url(scope, period, Item.Kind.OUTGOING, basis="closed"),
        "query": urlencode({**scope.params(), **period.params(), **({"status": status} if status else {})}),
        "status_query": urlencode({**scope.params(), **period.params()}),
    })
    return no_store(render(request, "statistics/drafts.html", context))


def _linked(rows: list[selectors.Row], scope: Scope, period: Period, dimension: str) -> list[dict[str, Any]]:
    return [{"row": row, "url": oversight.figure_url(scope, period, Item.Kind.OUTGOING, basis="closed",
                                                     filters={dimension: row.key})} for row in rows]


@login_required
def compliance(request: PersonRequest) -> HttpResponse:
    viewer = request.user
    params = {name: request.GET[name] for name in SCOPE_PARAMS if request.GET.get(name)}
    if "scope" not in params:
        agency_id = _agency_asked(params) or viewer.agency_id
        if agency_id is None:
            raise Http404()
        params["scope"] = oversight.default_compliance_level(viewer, agency_id)
    scope = scopes.resolve(viewer, params)
    period, error = _period(request, "year")
    today = timezone.localdate()
    context = _context(request, scope, period, error, "compliance")
    assert scope.agency_id is not None
    if scope.level == "person":
        assert scope.person_id is not None
        if scope.person_id != viewer.pk:  # a leader reading one of their people: back to them all
            back = urlencode({"agency": scope.agency_id, **period.params()})
            context["back"] = f"{reverse('statistics:compliance')}?{back}"
        context["figures"] = selectors.compliance(viewer, scope, period, today)
        context["lines"] = _lines(context["figures"])
        return no_store(render(request, "statistics/compliance.html", context))
    if not oversight.may_oversee(viewer, scope) or scope.level == "fields":
        raise Http404()
    people = oversight.people_of(scope)
    figures = selectors.compliance_of(viewer, scope.agency_id, [p.pk for p in people], period, today)
    base = {"scope": "person", "agency": str(scope.agency_id), **period.params()}
    context["table"] = [{"person": person, "figures": figures[person.pk],
                         "url": f"{reverse('statistics:compliance')}?{urlencode({**base, 'person': person.pk})}"}
                        for person in people]
    return no_store(render(request, "statistics/compliance.html", context))


def _agency_asked(params: dict[str, str]) -> int | None:
    text = params.get("agency", "")
    if not text:
        return None
    if not text.isdigit():
        raise Http404()
    return int(text)


def _lines(figures: selectors.Compliance) -> list[dict[str, Any]]:
    return [
        {"id": "handled", "label": _("Incoming documents handled on time"), "counts": figures.handled,
         "rate": figures.handled_rate},
        {"id": "reviews", "label": _("Reviews of drafts on time"), "counts": figures.reviews,
         "rate": figures.review_rate},
        {"id": "tasks", "label": _("Tasks done on time"), "counts": figures.tasks, "rate": figures.task_rate},
    ]
