"""The statistics pages (issue 19): the dashboard of a scope and period, one statistic as a full
table, and the list behind any figure. They read their parameters once (params.read: a scope the
person may not open is a 404) and render what dashboard.py assembles."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from qlvb.core.paging import CappedPaginator
from qlvb.org.http import PersonRequest
from qlvb.statistics import dashboard as assemble
from qlvb.statistics import params, scopes, selectors
from qlvb.statistics.forms import PeriodForm
from qlvb.statistics.models import Item
from qlvb.statistics.params import Asked

PERIOD_PARAMS = ("period", "day", "start", "end")


def _read(request: PersonRequest, **options: Any) -> tuple[Asked, str]:
    """The question the page asks, and the message for a period written wrongly: the page then
    shows this month, with the message above."""
    try:
        return params.read(request.user, request.GET, **options), ""
    except ValidationError as error:
        message = " ".join(error.messages)
    fallback = QueryDict(mutable=True)
    for name in request.GET:
        if name not in PERIOD_PARAMS:
            fallback.setlist(name, request.GET.getlist(name))
    return params.read(request.user, fallback, **options), message


def _common(request: PersonRequest, asked: Asked, message: str) -> dict[str, Any]:
    """What every statistics page shows above its figures: the scope, the choosers, the period."""
    period = asked.query.period
    agencies = scopes.agencies_of(request.user)
    return {
        "asked": asked, "scope": asked.query.scope, "period": period, "period_error": message,
        "period_form": PeriodForm.showing(period),
        "scope_params": asked.query.scope.params(), "scope_query": urlencode(asked.query.scope.params()),
        "keep": {k: v for k, v in asked.params().items() if k not in PERIOD_PARAMS},
        "previous_link": asked.querystring(**_period_changes(period.previous())),
        "next_link": asked.querystring(**_period_changes(assemble.following(period))),
        "tabs": assemble.tabs(request.user, asked),
        "agencies": agencies if len(agencies) > 1 else [],
        "units": assemble.unit_choices(request.user, asked),
        "fields": assemble.field_choices(request.user, asked),
        "period_query": urlencode(period.params()), "today": timezone.localdate(),
    }


def _period_changes(period: Any) -> dict[str, str | None]:
    changes: dict[str, str | None] = dict.fromkeys(PERIOD_PARAMS)
    changes.update(period.params())
    return changes


@login_required
def dashboard(request: PersonRequest) -> HttpResponse:
    asked, message = _read(request)
    if asked.query.scope.level == "department":
        # The Department oversees only the IT work of the agencies: its tab opens that table.
        return redirect(f"{reverse('statistics:table')}?{asked.querystring()}")
    today = timezone.localdate()
    board = assemble.build(request.user, asked, today)
    context = _common(request, asked, message)
    context.update(board=board, keep=asked.query.scope.params())
    return render(request, "statistics/dashboard.html", context)


@login_required
def table(request: PersonRequest) -> HttpResponse:
    asked, message = _read(request)
    if asked.by is None:
        asked = assemble.ask(asked, asked.query.kind, basis=asked.query.basis, filters=asked.query.filters,
                             by=assemble.default_dimension(asked))
    assert asked.by is not None
    today = timezone.localdate()
    shown = assemble.table(request.user, asked, asked.by, today, drill=True)
    context = _common(request, asked, message)
    context.update(
        table=shown, chart=shown.chart("table", limit=30), filters=assemble.filter_labels(asked),
        dimensions=[(d, str(assemble.DIMENSION_LABELS[d])) for d in assemble.dimensions_open(asked)],
        kinds=assemble.kind_choices(asked), bases=list(assemble.BASIS_LABELS.items()),
        kind_label=Item.Kind(asked.query.kind).label,
        table_keep={k: v for k, v in asked.params().items() if k not in ("kind", "by", "basis", "outcome")},
    )
    return render(request, "statistics/table.html", context)


@login_required
def items(request: PersonRequest) -> HttpResponse:
    asked, message = _read(request)
    rows = selectors.items(request.user, asked.query, asked.outcome)
    page = CappedPaginator(rows, 25).get_page(request.GET.get("page"))
    links = [(item, selectors.document_url(item)) for item in page]
    outcome = assemble.outcome_label(asked.query.kind, asked.outcome, asked.query.basis)
    context = _common(request, asked, message)
    context.update(
        page=page, links=links, filters=assemble.filter_labels(asked),
        kind_label=Item.Kind(asked.query.kind).label, outcome_label=outcome,
        heading=f"{Item.Kind(asked.query.kind).label}: {outcome}",
        query=asked.querystring(by=None), table_link=asked.querystring(outcome=None),
    )
    return render(request, "statistics/items.html", context)
